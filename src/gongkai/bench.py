"""Benchmark: gongkai against the common approach and against tantivy + jieba-rs, at archive scale.

    python -m gongkai.bench [--sizes 1000,10000,100000] [--out bench/RESULTS.md] [--work bench/work]
                            [--baselines tantivy,common] [--common-max 10000]

The common approach is what most Whoosh + jieba projects do: ``jieba.analyse.ChineseAnalyzer`` in
the same schema, Whoosh's ``MultifieldParser`` for queries, ``search_page`` with ``groupedby`` for
facets and Whoosh's highlighter (run up to ``--common-max`` sections: it needs hours beyond).
tantivy + jieba-rs (``bench_tantivy``) is the limit we aim at. All index the same deterministic
corpus, generated from the text of the bundled sample archive (``gongkai.demo``), and every figure
of ours is also given as a ratio against the others', measured in the same run on the same machine.

Each measured step runs in its own process so peak RSS is that step's alone. Not part of the tests.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from .models import Document, Section, content_hash, document_id

SEED = 20261126
SECTIONS_PER_DOC = 6
QUERY_REPS = 15

# (name, query, options). Ours always computes facets and snippets; so does the common run for the
# "facets" and "highlights" entries (its other queries do only what they name).
QUERY_MIX: list[tuple[str, str, dict[str, Any]]] = [
    ("common term", "公开", {}),
    ("rare term", "电子证照", {}),
    ("two terms", "行政复议 申请", {}),
    ("phrase", '"政府信息公开"', {}),
    ("phrase, 3 words", '"主动公开政府信息"', {}),
    ("year filter", "申请", {"years": (2019, 2020)}),
    ("section filter", "行政复议", {"section": "appeals"}),
    ("facets", "政务公开", {"facets": True}),
    ("highlights", "依申请公开", {"highlights": True}),
    ("page 5", "公开", {"page": 5}),
]
PHRASES = ["政府信息公开", "主动公开政府信息"]

_OUTLINES = [
    [("一", "概述", "overview"), ("二", "主动公开政府信息情况", "proactive"),
     ("三", "依申请公开政府信息情况", "requests"), ("四", "政府信息公开的收费及减免情况", "fees"),
     ("五", "因政府信息公开申请提起行政复议、行政诉讼的情况", "appeals"), ("六", "存在的主要问题和改进措施", "problems")],
    [("一", "总体情况", "overview"), ("二", "主动公开政府信息情况", "proactive"),
     ("三", "收到和处理政府信息公开申请情况", "requests"), ("四", "政府信息公开行政复议、行政诉讼情况", "appeals"),
     ("五", "存在的主要问题及改进情况", "problems"), ("六", "其他需要报告的事项", "other")],
]
_PLACES = ["青溪市", "白沙县", "临江市", "东湖区", "云岭镇", "高新区", "双桥区", "西山县", "南浦市", "北塘县",
           "石门县", "清河区", "柳江县", "金川市", "平阳县", "安澜区", "长宁县", "星沙镇", "龙泉市", "青山区"]
_BODIES = ["人民政府", "人民政府办公室", "财政局", "教育局", "生态环境局", "卫生健康委员会", "自然资源局",
           "交通运输局", "司法局", "市场监督管理局"]


# -- corpus ------------------------------------------------------------------------------------------
def _sentences() -> list[str]:
    """Sentences of the bundled sample archive (its pages extracted as a user's crawl would)."""
    from .demo import SITE_DIR
    from .extract import extract_document

    out: set[str] = set()
    for page in sorted(SITE_DIR.rglob("*")):
        if page.suffix.lower() not in (".html", ".shtml", ".pdf", ".docx") or "admin" in page.parts:
            continue
        try:
            doc = extract_document(str(page), page.read_bytes())
        except Exception:  # noqa: BLE001 - a bad page only means fewer sentences
            continue
        for s in doc.sections:
            for sent in re.split(r"(?<=[。；！？])", s.text):
                sent = sent.strip()
                if 8 <= len(sent) <= 200 and "|" not in sent:
                    out.add(sent)
    if len(out) < 50:
        raise SystemExit("the sample archive gave too few sentences; is gongkai.demo/site complete?")
    return sorted(out)


def make_corpus(n_sections: int, path: Path) -> None:
    """Write ``n_sections`` sections (as documents of 6) to ``path`` as JSON lines, deterministically."""
    rng = random.Random(SEED)
    sents = _sentences()
    rare = "本年度推进电子证照共享应用。"
    agencies = [p + b for p in _PLACES for b in _BODIES]
    with path.open("w", encoding="utf-8") as f:
        for i in range(max(1, n_sections // SECTIONS_PER_DOC)):
            agency = agencies[rng.randrange(len(agencies))]
            year = rng.randint(2012, 2025)
            outline = _OUTLINES[0 if year < 2019 or rng.random() < 0.2 else 1]
            sections = []
            for number, heading, key in outline:
                target = rng.randint(200, 900)
                body: list[str] = []
                while sum(map(len, body)) < target:
                    body.append(sents[rng.randrange(len(sents))])
                if rng.random() < 0.002:
                    body.append(rare)
                sections.append(Section(number, heading, key, "".join(body)))
            url = f"http://bench.example.gov.cn/{i}.html"
            doc = Document(id=document_id(url), url=url, title=f"{agency}{year}年政府信息公开工作年度报告",
                           agency=agency, doc_type="annual_report", year=year,
                           published=f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}",
                           sections=sections)
            doc.content_hash = content_hash(doc)
            f.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


def _docs(path: Path) -> list[Document]:
    with path.open(encoding="utf-8") as f:
        return [Document.from_dict(json.loads(line)) for line in f]


# -- steps (each run in a child process) -------------------------------------------------------------
def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _common_schema() -> Any:
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

    ana = ChineseAnalyzer()
    return Schema(sid=ID(stored=True, unique=True), doc_id=ID(stored=True, sortable=True),
                  ord=NUMERIC(int, stored=True), number=STORED, section=ID(stored=True, sortable=True),
                  title=TEXT(analyzer=ana, stored=True, field_boost=3.0),
                  heading=TEXT(analyzer=ana, stored=True, field_boost=2.0), body=TEXT(analyzer=ana, stored=True),
                  agency=ID(stored=True, sortable=True), agency_text=TEXT(analyzer=ana),
                  type=ID(stored=True, sortable=True), year=NUMERIC(int, stored=True, sortable=True),
                  published=ID(stored=True, sortable=True), doc_no=ID(stored=True), index_no=ID(stored=True),
                  topic=ID(stored=True), url=STORED, source=ID(stored=True), hash=STORED, meta=STORED)


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _stream(corpus: Path) -> Any:
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            yield Document.from_dict(json.loads(line))


def step_build(approach: str, corpus: Path, index_dir: Path) -> dict[str, Any]:
    chars = nbytes = n = 0
    for d in _stream(corpus):
        chars += len(d.title) * len(d.sections) + len(d.text)
        nbytes += len((d.title * len(d.sections) + d.text).encode("utf-8"))
        n += len(d.sections)
    shutil.rmtree(index_dir, ignore_errors=True)
    workers = 0
    t = time.perf_counter()
    if approach == "ours":
        from .index import Indexer

        # Documents are read one by one, as from a crawl store: memory must not grow with the corpus.
        with Indexer(index_dir, batch=10**9, limitmb=512) as ix:
            workers = ix.workers
            for d in _stream(corpus):
                ix.upsert(d)
    elif approach == "tantivy":
        from . import bench_tantivy

        bench_tantivy.build(_stream(corpus), index_dir)
    else:
        docs = _docs(corpus)
        import logging

        import jieba
        from whoosh import index as wi

        from .index.writer import section_fields

        jieba.setLogLevel(logging.WARNING)
        index_dir.mkdir(parents=True)
        w = wi.create_in(str(index_dir), _common_schema()).writer(limitmb=512)
        for d in docs:
            for fields in section_fields(d, {"hash": d.content_hash}):
                w.add_document(**fields)
        w.commit()
    dt = time.perf_counter() - t
    size = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    # The writer's peak plus every worker at the largest worker's peak (an upper bound of the sum).
    rss = _peak_mb() + workers * _children_peak_mb()
    return {"seconds": dt, "sections": n, "sections_per_s": n / dt, "chars_per_s": chars / dt,
            "mb_per_s": nbytes / dt / 1e6, "peak_rss_mb": rss, "writer_rss_mb": _peak_mb(),
            "worker_rss_mb": _children_peak_mb() if workers else 0.0, "workers": workers, "index_mb": size / 1e6}


def step_update(corpus: Path, index_dir: Path) -> dict[str, Any]:
    from .index import Indexer

    docs = list(itertools.islice(_stream(corpus), 100))
    for d in docs:
        d.sections[0].text += "（本段已更新。）"
        d.content_hash = content_hash(d)
    t = time.perf_counter()
    with Indexer(index_dir) as ix:
        statuses = [ix.upsert(d) for d in docs]
    return {"seconds": time.perf_counter() - t, "updated": statuses.count("updated")}


def _percentiles(values: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": qs[49] * 1000, "p95": qs[94] * 1000, "p99": qs[98] * 1000}


def step_queries(approach: str, corpus: Path, index_dir: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    if approach == "tantivy":
        from . import bench_tantivy

        run = bench_tantivy.runner(index_dir)
    else:
        run = _ours_runner(index_dir) if approach == "ours" else _common_runner(index_dir)
    run("年度报告", {})  # the first search of a process reads per-generation tables (ours)
    startup = time.perf_counter() - t0
    times: list[float] = []
    cold: list[float] = []
    per_query: dict[str, float] = {}
    cold_of: dict[str, float] = {}
    for name, q, opts in QUERY_MIX:
        t = time.perf_counter()
        run(q, opts)  # the first run of a query reads its posting lists (cached per generation after)
        cold.append(time.perf_counter() - t)
        cold_of[name] = cold[-1] * 1000
        mine = []
        for _ in range(QUERY_REPS):
            t = time.perf_counter()
            run(q, opts)
            mine.append(time.perf_counter() - t)
        times.extend(mine)
        per_query[name] = statistics.median(mine) * 1000
    searcher_rss = _peak_mb()  # before the check below loads the whole corpus into this process
    # Phrase correctness: documents that contain the phrase (by scanning the corpus) vs. found.
    truths: dict[str, set[str]] = {p: set() for p in PHRASES}
    for d in _stream(corpus):
        for p in PHRASES:
            if any(p in s.text or p in s.heading or p in d.title for s in d.sections):
                truths[p].add(d.id)
    phrase = {}
    for p in PHRASES:
        truth = truths[p]
        found = run(f'"{p}"', {"ids": True})
        phrase[p] = {"contain": len(truth), "found": len(found & truth), "wrong": len(found - truth)}
    cold_ms = sorted(x * 1000 for x in cold)
    return {"startup_s": startup, **_percentiles(times), "cold_p50": statistics.median(cold_ms),
            "cold_p95": _percentiles([x / 1000 for x in cold_ms])["p95"],
            "cold_max": cold_ms[-1], "per_query_ms": per_query, "cold_ms": cold_of, "phrase": phrase,
            "peak_rss_mb": searcher_rss}


CLI_QUERIES = ["依申请公开", "行政复议 申请", '"政府信息公开"', "电子证照"]


def step_cli(approach: str, index_dir: Path) -> dict[str, Any]:
    """Wall time of a search as typed at a shell, start-up included (each query run 3 times)."""
    import compileall

    # byte code as an installed package has it (an editable install under PYTHONDONTWRITEBYTECODE has none)
    compileall.compile_dir(str(Path(__file__).parent), quiet=1)
    times = []
    for q in CLI_QUERIES:
        if approach == "ours":
            cmd = [sys.executable, "-m", "gongkai.cli", "search", "--index", str(index_dir), q]
        else:
            cmd = [sys.executable, "-m", "gongkai.bench", "--step", "tantivy-search", str(index_dir), q]
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def tantivy_search(index_dir: Path, q: str) -> None:
    """What a `search` command over tantivy would do: load the segmenter, open, search, print."""
    from . import bench_tantivy

    result = bench_tantivy.runner(index_dir)(q, {})
    print(result.count)


def _ours_runner(index_dir: Path) -> Any:
    from .index import SearchRequest, open_searcher

    handle = open_searcher(index_dir)

    def run(q: str, opts: dict[str, Any]) -> Any:
        if opts.get("ids"):  # every matching document (paging stops at 100 pages, so ask the evaluator)
            import numpy as np

            from .index.query import parse_query

            t = handle._tables()
            return {t.doc_ids[d] for d in np.unique(t.sec_doc[t.mask(parse_query(q))]).tolist()}
        req = SearchRequest(q, years=opts.get("years"), section=opts.get("section"), page=opts.get("page", 1))
        return handle.search(req)

    return run


def _common_runner(index_dir: Path) -> Any:
    import logging

    import jieba
    from whoosh import index as wi
    from whoosh import query as wq
    from whoosh.qparser import MultifieldParser

    jieba.setLogLevel(logging.WARNING)
    ix = wi.open_dir(str(index_dir))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "heading", "body"], ix.schema)

    def run(q: str, opts: dict[str, Any]) -> Any:
        query = parser.parse(q)
        if opts.get("ids"):
            return {hit["doc_id"] for hit in searcher.search(query, limit=None)}
        fq = None
        if opts.get("years"):
            fq = wq.NumericRange("year", *opts["years"])
        if opts.get("section"):
            fq = wq.Term("section", opts["section"])
        groupedby = ["year", "section", "type", "agency"] if opts.get("facets") else None
        page = searcher.search_page(query, opts.get("page", 1), pagelen=10, filter=fq, groupedby=groupedby)
        if groupedby:
            for g in groupedby:
                page.results.groups(g)
        if opts.get("highlights"):
            for hit in page:
                hit.highlights("body")
        return page

    return run


def segmentation_throughput(corpus: Path) -> dict[str, float]:
    """Characters per second through each analyzer, in this process."""
    import logging

    import jieba
    from jieba.analyse import ChineseAnalyzer

    from .index.analysis import ChineseTokenizer

    jieba.setLogLevel(logging.WARNING)
    texts = [s.text for d in _docs(corpus)[:400] for s in d.sections]
    chars = sum(map(len, texts))
    out = {}
    for name, ana in (("ours", ChineseTokenizer()), ("common", ChineseAnalyzer())):
        list(ana("预热一下分词器"))
        t = time.perf_counter()
        for text in texts:
            for _ in ana(text, positions=True, chars=True):
                pass
        out[name] = chars / (time.perf_counter() - t)
    return out


# -- orchestration -----------------------------------------------------------------------------------
def _child(step: str, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "gongkai.bench", "--step", step, *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _ratio(ours: float, common: float, higher_is_better: bool = True) -> str:
    if not common or not ours:
        return "–"
    r = ours / common if higher_is_better else common / ours
    return f"{r:.1f}x"


def run_all(sizes: list[int], work: Path, out: Path, baselines: list[str], common_max: int) -> str:
    work.mkdir(parents=True, exist_ok=True)
    rows: dict[int, dict[str, Any]] = {}
    if "tantivy" in baselines:
        from . import bench_tantivy

        if not bench_tantivy.available():
            print("tantivy is not installed (pip install -e '.[bench]'): left out", file=sys.stderr)
            baselines = [b for b in baselines if b != "tantivy"]
    for n in sizes:
        corpus = work / f"corpus-{n}.jsonl"
        if not corpus.exists():
            make_corpus(n, corpus)
        r: dict[str, Any] = {"load": os.getloadavg()}
        approaches = ["ours", *[b for b in baselines if b != "common" or n <= common_max]]
        for approach in approaches:
            ix = work / f"ix-{approach}-{n}"
            print(f"[{n}] building ({approach})…", file=sys.stderr, flush=True)
            r[f"build_{approach}"] = _child("build", approach, str(corpus), str(ix))
            print(f"[{n}] querying ({approach})…", file=sys.stderr, flush=True)
            r[f"query_{approach}"] = _child("queries", approach, str(corpus), str(ix))
            if approach in ("ours", "tantivy"):
                r[f"cli_{approach}"] = _child("cli", approach, str(ix))
            if approach != "ours":
                shutil.rmtree(ix, ignore_errors=True)
        if n == max(sizes):
            print(f"[{n}] updating 100 documents…", file=sys.stderr, flush=True)
            r["update"] = _child("update", "ours", str(corpus), str(work / f"ix-ours-{n}"))
            r["segmentation"] = segmentation_throughput(corpus)
        r["load_after"] = os.getloadavg()
        rows[n] = r
        print(json.dumps({n: r}, ensure_ascii=False), file=sys.stderr, flush=True)
    from .bench_opensearch import kept_section

    text = render(rows)
    kept = kept_section(out)  # the OpenSearch backend's section (python -m gongkai.bench_opensearch)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + ("\n" + kept if kept else ""), "utf-8")
    return text


def _cell(r: dict[str, Any], key: str, fmt: str, field: str) -> str:
    return format(r[key][field], fmt) if key in r else "–"


def render(rows: dict[int, dict[str, Any]]) -> str:
    names = {"common": "common approach (`jieba.analyse.ChineseAnalyzer` in Whoosh)",
             "tantivy": "tantivy + jieba-rs (pre-tokenised, the limit aimed at)"}
    present = [a for a in ("tantivy", "common") if any(f"build_{a}" in r for r in rows.values())]
    lines = ["# gongkai benchmark results", "",
             f"Run {time.strftime('%Y-%m-%d %H:%M')} by `python -m gongkai.bench` "
             f"(sizes: {', '.join(str(n) for n in rows)} sections).", "",
             "## Machine", "",
             f"- {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
             f"- whoosh-reloaded {metadata.version('whoosh-reloaded')}, jieba {metadata.version('jieba')}, "
             f"rjieba {metadata.version('rjieba')}"
             + (f", tantivy {metadata.version('tantivy')}" if "tantivy" in present else ""),
             "- load average (1 min) at the start / end of each size: "
             + "; ".join(f"{n}: {r['load'][0]:.1f} / {r['load_after'][0]:.1f}" for n, r in rows.items()), "",
             "Ratios compare ours with " + " and with ".join(names[a] for a in present)
             + " on the same corpus in the same run; above 1x means ours is better.", ""]
    lines += ["## Index build", "",
              "| sections | approach | sections/s | chars/s | MB/s | peak RSS MB | index MB | ours vs it |",
              "|---|---|---|---|---|---|---|---|"]
    for n, r in rows.items():
        o = r["build_ours"]
        rss = (f"{o['peak_rss_mb']:.0f} (writer {o['writer_rss_mb']:.0f} + {o['workers']} × worker "
               f"{o['worker_rss_mb']:.0f})" if o.get("workers") else f"{o['peak_rss_mb']:.0f}")
        lines.append(f"| {n} | ours | {o['sections_per_s']:.0f} | {o['chars_per_s']:.0f} | {o['mb_per_s']:.2f} | "
                     f"{rss} | {o['index_mb']:.1f} | |")
        for a in present:
            if f"build_{a}" in r:
                c = r[f"build_{a}"]
                lines.append(f"| {n} | {a} | {c['sections_per_s']:.0f} | {c['chars_per_s']:.0f} | "
                             f"{c['mb_per_s']:.2f} | {c['peak_rss_mb']:.0f} | {c['index_mb']:.1f} | "
                             f"{_ratio(o['chars_per_s'], c['chars_per_s'])} |")
    lines += ["", "## Query latency over the mix (ms; facets and snippets on every query of ours and tantivy's)", "",
              f"Each query runs once cold (its posting lists not yet read in this process), then {QUERY_REPS} "
              "times warm; p50/p95/p99 are over the warm runs, cold p50/p95/max over the first run of each "
              "query. Start-up is opening the index plus a first search. `search` as typed is the wall time "
              "of the command in a new process, start-up included (median and worst of 12 runs).", "",
              "| sections | approach | p50 | p95 | p99 | cold p50 / p95 / max | searcher peak RSS MB | start-up s | "
              "`search` as typed s | ours' p95 vs it |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for n, r in rows.items():
        o = r["query_ours"]
        for a in ("ours", *present):
            if f"query_{a}" not in r:
                continue
            q = r[f"query_{a}"]
            cli = r.get(f"cli_{a}")
            typed = f"{cli['median_s']:.2f} / {cli['max_s']:.2f}" if cli else "–"
            ratio = "" if a == "ours" else _ratio(o["p95"], q["p95"], False)
            lines.append(f"| {n} | {a} | {q['p50']:.1f} | {q['p95']:.1f} | {q['p99']:.1f} | "
                         f"{q['cold_p50']:.0f} / {q.get('cold_p95', 0):.0f} / {q['cold_max']:.0f} | "
                         f"{q['peak_rss_mb']:.0f} | {q['startup_s']:.2f} | {typed} | {ratio} |")
    big = max(rows)
    r = rows[big]
    here = [a for a in present if f"query_{a}" in r]
    lines += ["", f"### Per query at {big} sections: warm median / cold (its first run) (ms)", "",
              "| query | ours | " + " | ".join(here) + " |", "|---|---|" + "---|" * len(here)]

    def cell(q: dict[str, Any], name: str) -> str:
        cold = q.get("cold_ms", {}).get(name)  # (results of runs before it was kept have none)
        return f"{q['per_query_ms'][name]:.1f}" + (f" / {cold:.0f}" if cold is not None else "")

    for name, _q, _o in QUERY_MIX:
        cells = [cell(r[f"query_{a}"], name) for a in here]
        lines.append(f"| {name} | {cell(r['query_ours'], name)} | " + " | ".join(cells) + " |")
    lines += ["", f"### Phrase queries at {big} sections: documents containing the phrase, found (wrong)", "",
              "| phrase | containing | ours | " + " | ".join(here) + " |", "|---|---|---|" + "---|" * len(here)]
    for p in PHRASES:
        o = r["query_ours"]["phrase"][p]
        cells = [f"{r[f'query_{a}']['phrase'][p]['found']} ({r[f'query_{a}']['phrase'][p]['wrong']})" for a in here]
        lines.append(f"| {p} | {o['contain']} | {o['found']} ({o['wrong']}) | " + " | ".join(cells) + " |")
    if "update" in r:
        seg = r["segmentation"]
        lines += ["", "## Updates and segmentation", "",
                  f"- 100 changed documents into the {big}-section index: {r['update']['seconds']:.2f} s "
                  f"({r['update']['updated']} updated)",
                  f"- analyzer throughput: ours {seg['ours']:.0f} chars/s, common {seg['common']:.0f} chars/s "
                  f"({_ratio(seg['ours'], seg['common'])})"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m gongkai.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000", help="section counts, comma-separated")
    p.add_argument("--work", type=Path, default=Path("bench/work"), help="corpora and indexes (deleted after)")
    p.add_argument("--out", type=Path, default=Path("bench/RESULTS.md"))
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--baselines", default="tantivy,common", help="tantivy, common (comma-separated) or none")
    p.add_argument("--common-max", type=int, default=10_000, help="largest size the common approach runs at")
    p.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.step:
        step, *rest = a.step
        if step == "tantivy-search":
            tantivy_search(Path(rest[0]), rest[1])
            return
        if step == "build":
            res = step_build(rest[0], Path(rest[1]), Path(rest[2]))
        elif step == "queries":
            res = step_queries(rest[0], Path(rest[1]), Path(rest[2]))
        elif step == "cli":
            res = step_cli(rest[0], Path(rest[1]))
        else:
            res = step_update(Path(rest[1]), Path(rest[2]))
        print(json.dumps(res, ensure_ascii=False))
        return
    sizes = [int(x) for x in a.sizes.split(",")]
    baselines = [b for b in a.baselines.split(",") if b in ("tantivy", "common")]
    print(run_all(sizes, a.work, a.out, baselines, a.common_max))
    if not a.keep:
        shutil.rmtree(a.work, ignore_errors=True)


if __name__ == "__main__":
    main()
