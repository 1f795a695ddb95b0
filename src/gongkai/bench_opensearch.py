"""The OpenSearch backend in the benchmark: the same corpus built into Whoosh and into OpenSearch.

``python -m gongkai.bench_opensearch [--sizes 10000,100000] [--heap 1g]`` starts a one-node local
cluster (``backends.opensearch.cluster``; Java 17 and Maven), and for each size builds the
benchmark's corpus (``bench.make_corpus``) into gongkai's Whoosh index and into an OpenSearch index,
runs the benchmark's query mix on both (facets and snippets on every query), checks the phrase
queries' answers, updates 100 documents, and writes the figures into the section between
``<!-- opensearch -->`` markers of ``bench/RESULTS.md`` (``python -m gongkai.bench`` keeps it).
The Whoosh figures come from the same run, so the two columns compare like with like.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from . import bench
from .models import content_hash

BEGIN, END = "<!-- opensearch -->", "<!-- /opensearch -->"


def _config(cluster: Any, n: int) -> Any:
    from .backends.opensearch import OpenSearchConfig

    return OpenSearchConfig(urls=tuple(cluster.urls), index=f"bench-{n}", shards=2, replicas=0, timeout=300)


def build(cluster: Any, corpus: Path, n: int) -> dict[str, Any]:
    import httpx

    from .backends.opensearch import OpenSearchIndexer

    config = _config(cluster, n)
    httpx.delete(f"{config.urls[0]}/{config.index}", timeout=60)
    sections = 0
    t = time.perf_counter()
    with OpenSearchIndexer(config, batch=500, refresh=False) as ix:
        for d in bench._stream(corpus):
            ix.upsert(d)
            sections += len(d.sections)
    httpx.post(f"{config.urls[0]}/{config.index}/_refresh", timeout=600).raise_for_status()
    dt = time.perf_counter() - t
    stats = httpx.get(f"{config.urls[0]}/{config.index}/_stats/store", timeout=60).json()
    return {"seconds": dt, "sections": sections, "sections_per_s": sections / dt,
            "index_mb": stats["_all"]["primaries"]["store"]["size_in_bytes"] / 1e6,
            "node_rss_mb": cluster.node_rss_mb(cluster.nodes[0])}


def queries(cluster: Any, corpus: Path, n: int) -> dict[str, Any]:
    from .backends.opensearch import OpenSearchSearcher
    from .index import SearchRequest

    t0 = time.perf_counter()
    handle = OpenSearchSearcher(_config(cluster, n))

    def run(q: str, opts: dict[str, Any]) -> Any:
        if opts.get("ids"):
            return {r["id"] for r in handle.export(SearchRequest(q))}
        return handle.search(SearchRequest(q, years=opts.get("years"), section=opts.get("section"),
                                           page=opts.get("page", 1)))

    run("年度报告", {})
    startup = time.perf_counter() - t0
    times: list[float] = []
    cold: list[float] = []
    per_query: dict[str, float] = {}
    for name, q, opts in bench.QUERY_MIX:
        t = time.perf_counter()
        run(q, opts)
        cold.append(time.perf_counter() - t)
        mine = []
        for _ in range(bench.QUERY_REPS):
            t = time.perf_counter()
            run(q, opts)
            mine.append(time.perf_counter() - t)
        times.extend(mine)
        per_query[name] = statistics.median(mine) * 1000
    truths: dict[str, set[str]] = {p: set() for p in bench.PHRASES}
    for d in bench._stream(corpus):
        for p in bench.PHRASES:
            if any(p in s.text or p in s.heading or p in d.title for s in d.sections):
                truths[p].add(d.id)
    phrase = {}
    for p in bench.PHRASES:
        found = run(f'"{p}"', {"ids": True})
        phrase[p] = {"contain": len(truths[p]), "found": len(found & truths[p]), "wrong": len(found - truths[p])}
    cold_ms = sorted(x * 1000 for x in cold)
    handle.close()
    return {"startup_s": startup, **bench._percentiles(times), "cold_p50": statistics.median(cold_ms),
            "cold_max": cold_ms[-1], "per_query_ms": per_query, "phrase": phrase,
            "node_rss_mb": cluster.node_rss_mb(cluster.nodes[0])}


def update(cluster: Any, corpus: Path, n: int) -> dict[str, Any]:
    from .backends.opensearch import OpenSearchIndexer

    docs = list(itertools.islice(bench._stream(corpus), 100))
    for d in docs:
        d.sections[0].text += "（本段已更新。）"
        d.content_hash = content_hash(d)
    t = time.perf_counter()
    with OpenSearchIndexer(_config(cluster, n)) as ix:
        statuses = [ix.upsert(d) for d in docs]
    return {"seconds": time.perf_counter() - t, "updated": statuses.count("updated")}


def run_all(sizes: list[int], work: Path, heap: str, project: Path) -> dict[int, dict[str, Any]]:
    from .backends.opensearch.cluster import Cluster, build_jars

    work.mkdir(parents=True, exist_ok=True)
    target = build_jars(project)
    shutil.rmtree(work / "cluster", ignore_errors=True)
    cluster = Cluster.create(work / "cluster", target, n=1, http_port=None, transport_port=None, heap=heap)
    rows: dict[int, dict[str, Any]] = {}
    try:
        r0 = {"start_s": cluster.start(timeout=300), "idle_rss_mb": cluster.node_rss_mb(cluster.nodes[0])}
        for n in sizes:
            corpus = work / f"corpus-{n}.jsonl"
            if not corpus.exists():
                bench.make_corpus(n, corpus)
            r: dict[str, Any] = {"load": os.getloadavg(), **r0}
            ix = work / f"ix-ours-{n}"
            print(f"[{n}] building (whoosh)…", file=sys.stderr, flush=True)
            r["build_whoosh"] = bench._child("build", "ours", str(corpus), str(ix))
            print(f"[{n}] querying (whoosh)…", file=sys.stderr, flush=True)
            r["query_whoosh"] = bench._child("queries", "ours", str(corpus), str(ix))
            r["update_whoosh"] = bench._child("update", "ours", str(corpus), str(ix))
            shutil.rmtree(ix, ignore_errors=True)
            print(f"[{n}] building (opensearch)…", file=sys.stderr, flush=True)
            r["build_os"] = build(cluster, corpus, n)
            print(f"[{n}] querying (opensearch)…", file=sys.stderr, flush=True)
            r["query_os"] = queries(cluster, corpus, n)
            r["update_os"] = update(cluster, corpus, n)
            r["load_after"] = os.getloadavg()
            rows[n] = r
            print(json.dumps({n: r}, ensure_ascii=False), file=sys.stderr, flush=True)
    finally:
        cluster.stop()
    return rows


def render(rows: dict[int, dict[str, Any]], heap: str) -> str:
    first = next(iter(rows.values()))
    out = [BEGIN, "## OpenSearch backend", "",
           f"Run {time.strftime('%Y-%m-%d %H:%M')} by `python -m gongkai.bench_opensearch` on the same corpus as above "
           f"(sizes {', '.join(map(str, rows))}): gongkai's Whoosh index against its OpenSearch backend on a local "
           f"one-node OpenSearch 2.19.6 cluster (heap {heap}, 2 shards, no replica; up in {first['start_s']:.1f} s, "
           f"{first['idle_rss_mb']:.0f} MB resident idle) on the same 2 cores. Both give the same answers (the contract "
           "tests); the Whoosh column is from the same run. Load average (1 min) before/after each size: "
           + "; ".join(f"{n}: {r['load'][0]:.1f}/{r['load_after'][0]:.1f}" for n, r in rows.items()) + ".", "",
           "| sections | build sections/s (whoosh / opensearch) | ratio | index MB (whoosh / opensearch) | "
           "query p50 ms (whoosh / opensearch) | p95 | cold p50 / max | 100 updated docs s | RSS MB (whoosh searcher / opensearch node) |",
           "|---|---|---|---|---|---|---|---|---|"]
    for n, r in rows.items():
        bw, bo, qw, qo = r["build_whoosh"], r["build_os"], r["query_whoosh"], r["query_os"]
        out.append(f"| {n} | {bw['sections_per_s']:.0f} / {bo['sections_per_s']:.0f} | "
                   f"{bo['sections_per_s'] / bw['sections_per_s']:.2f}x | {bw['index_mb']:.0f} / {bo['index_mb']:.0f} | "
                   f"{qw['p50']:.1f} / {qo['p50']:.1f} | {qw['p95']:.1f} / {qo['p95']:.1f} | "
                   f"{qw['cold_p50']:.0f}/{qw['cold_max']:.0f} / {qo['cold_p50']:.0f}/{qo['cold_max']:.0f} | "
                   f"{r['update_whoosh']['seconds']:.1f} / {r['update_os']['seconds']:.1f} | "
                   f"{qw['peak_rss_mb']:.0f} / {qo['node_rss_mb']:.0f} |")
    n = max(rows)
    r = rows[n]
    out += ["", f"Median per query at {n} sections (ms):", "", "| query | whoosh | opensearch |", "|---|---|---|"]
    for name, _, _ in bench.QUERY_MIX:
        out.append(f"| {name} | {r['query_whoosh']['per_query_ms'][name]:.1f} | {r['query_os']['per_query_ms'][name]:.1f} |")
    out += ["", f"Phrase queries at {n} sections (documents containing / found / wrong):", "",
            "| phrase | whoosh | opensearch |", "|---|---|---|"]
    for p in bench.PHRASES:
        w, o = r["query_whoosh"]["phrase"][p], r["query_os"]["phrase"][p]
        out.append(f"| {p} | {w['contain']} / {w['found']} / {w['wrong']} | {o['contain']} / {o['found']} / {o['wrong']} |")
    out += ["", "The OpenSearch build time includes segmenting every text in Python (the same analyzer) and the "
            "bulk requests; the cluster shares the 2 cores with the client.", END]
    return "\n".join(out) + "\n"


def write_section(path: Path, section: str) -> None:
    """Put ``section`` between the markers of ``path`` (replacing an earlier one, else appending)."""
    text = path.read_text("utf-8") if path.exists() else "# gongkai benchmark results\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, "utf-8")


def kept_section(path: Path) -> str:
    """The OpenSearch section of ``path`` (for ``bench`` to keep when it rewrites the file), or ""."""
    text = path.read_text("utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        return text[text.index(BEGIN) : text.index(END) + len(END)] + "\n"
    return ""


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m gongkai.bench_opensearch", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,100000", help="section counts, comma-separated")
    p.add_argument("--work", type=Path, default=Path("bench/work-opensearch"), help="corpora, indexes, the cluster")
    p.add_argument("--out", type=Path, default=Path("bench/RESULTS.md"))
    p.add_argument("--heap", default="1g", help="the node's heap")
    p.add_argument("--project", type=Path, default=Path("opensearch"), help="the folder with the node's pom.xml")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    a = p.parse_args(argv)
    rows = run_all([int(x) for x in a.sizes.split(",")], a.work, a.heap, a.project)
    section = render(rows, a.heap)
    write_section(a.out, section)
    print(section)
    if not a.keep:
        shutil.rmtree(a.work, ignore_errors=True)


if __name__ == "__main__":
    main()
