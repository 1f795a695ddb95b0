"""The bulk segment writer writes what Whoosh's writer writes: Whoosh's reader, the array evaluator
and search results are the oracles (same corpus, one index per writer)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh.codec.whoosh3 import LENGTHS_COLUMN

from factory import make_doc
from gongkai.index import Indexer, SearchRequest, open_index, open_searcher
from gongkai.index.query import parse_query
from gongkai.index.tables import Tables
from gongkai.index.w3write import BLOCK
from gongkai.models import Document, Section, content_hash, document_id

QUERIES = ["公开", "信息公开", "共和国", "予以公开 按时答复", "予以公开 OR 本年度", '"政府信息公开条例"',
           '"行政复议1件"', "申请 -予以公开", "青政办发〔2017〕11号", "title:年度报告", "agency:财政局",
           "year:2016-2017", "section:复议", "(复议 OR 诉讼) 2019", "ｘｍ２０２１ 报告", "长文本"]


def _long_doc(i: int) -> Document:
    """A report with a long section (several posting blocks per term, values over 255 bytes)."""
    body = "。".join(f"第{k}项：本机关主动公开政府信息{k * 7}条，长文本依申请公开ＸＭ２０２１" for k in range(400))
    url = f"http://www.example.gov.cn/long/{i}.html"
    doc = Document(id=document_id(url), url=url, title=f"长文本报告{i}", agency="白沙县财政局",
                   doc_type="annual_report", year=2021, published="2022-01-05",
                   sections=[Section("一", "总体情况", "overview", body), Section("", "", "other", "")])
    doc.content_hash = content_hash(doc)
    return doc


def corpus() -> list[Document]:
    return [make_doc(i) for i in range(300)] + [_long_doc(i) for i in range(3)]


def _build(path: Path, docs: Iterable[Document], bulk: bool) -> Path:
    with Indexer(path, bulk_min=1 if bulk else 10**9) as ix:
        for d in docs:
            ix.upsert(d)
    return path


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("bulk")
    docs = corpus()
    return _build(base / "whoosh", docs, bulk=False), _build(base / "bulk", docs, bulk=True)


def _segment_contents(path: Path) -> dict[str, Any]:
    """Everything Whoosh's reader reports about a one-segment index."""
    ix = open_index(path)
    with ix.reader() as r:
        (leaf, _), = list(r.leaf_readers())
        terms = {}
        for (field, text), info in leaf._terms.items():
            m = leaf.postings(field, text)
            postings = []
            while m.is_active():
                postings.append((m.id(), m.weight(), m.value()))
                m.next()
            m = leaf.postings(field, text)
            blocks = []
            while m.is_active():
                # (not the compression: ours is another library's, and leaves blocks it would not shrink
                # as they are; Whoosh's reader reads either)
                blocks.append((m._blocklength, m._maxid, m._maxweight, m._minlength, m._maxlength))
                if m._lastblock:
                    break
                m._next_block()
            terms[(field, text)] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                    info.max_weight(), info.min_id(), info.max_id(), postings, blocks)
        columns = {}
        for name in ix.schema.names():
            for col, kind in ((name, ix.schema[name].column_type), (f"_{name}_len", LENGTHS_COLUMN)):
                if kind is not None and leaf._perdoc.has_column(col):
                    columns[col] = list(leaf._perdoc.column_reader(col, kind))
        return {"terms": terms, "stored": [leaf.stored_fields(i) for i in range(leaf.doc_count_all())],
                "lengths": dict(leaf._segment._fieldlengths), "columns": columns, "count": leaf.doc_count_all()}


def test_bulk_segment_reads_back_as_whoosh_wrote_it(pair: tuple[Path, Path]) -> None:
    whoosh, bulk = (_segment_contents(p) for p in pair)
    assert len(whoosh["terms"]) > 1000
    assert any(len(t[7]) > BLOCK for t in whoosh["terms"].values())  # several blocks
    assert any(len(v) >= 256 for t in whoosh["terms"].values() for _, _, v in t[7] if v)  # long values
    for key in ("count", "stored", "lengths", "columns"):
        assert bulk[key] == whoosh[key], key
    assert bulk["terms"].keys() == whoosh["terms"].keys()
    for term, value in whoosh["terms"].items():
        # The bulk writer's blocks hold BLOCK postings where Whoosh's hold 128: each is four of Whoosh's.
        assert bulk["terms"][term][:8] == value[:8], term
        assert bulk["terms"][term][8] == _merged_blocks(value[8], BLOCK // 128), term


def _merged_blocks(blocks: list[tuple[Any, ...]], k: int) -> list[tuple[Any, ...]]:
    """Whoosh's blocks of one posting list, every ``k`` consecutive ones made one."""
    out = []
    for i in range(0, len(blocks), k):
        group = blocks[i : i + k]
        out.append((sum(b[0] for b in group), group[-1][1], max(b[2] for b in group), min(b[3] for b in group),
                    max(b[4] for b in group)))
    return out


def test_key_terms_survive_the_emptied_value_cache(pair: tuple[Path, Path], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A key field's value cache emptied every few values gives the same segment."""
    from gongkai.index import bulk as bulk_module
    monkeypatch.setattr(bulk_module, "KEY_CACHE", 3)
    small = _segment_contents(_build(tmp_path / "small-cache", corpus(), bulk=True))
    bulk = _segment_contents(pair[1])  # (whose terms are Whoosh's: the test above)
    assert small["terms"] == bulk["terms"]
    assert small["stored"] == bulk["stored"]


def _results(path: Path) -> list[dict[str, Any]]:
    with open_searcher(path) as h:
        return [h.search(SearchRequest(q, limit=20)) for q in QUERIES] + \
               [h.search(SearchRequest("公开", sort="date", page=2, limit=20))]


def test_bulk_index_searches_like_the_per_document_writer(pair: tuple[Path, Path]) -> None:
    for ours, theirs in zip(_results(pair[1]), _results(pair[0]), strict=True):
        assert ours["total"] == theirs["total"]
        assert ours["facets"] == theirs["facets"]
        assert [r["id"] for r in ours["results"]] == [r["id"] for r in theirs["results"]]
        for a, b in zip(ours["results"], theirs["results"], strict=True):
            assert a["score"] == pytest.approx(b["score"], rel=1e-5)
            assert a["sections"] == b["sections"]  # headings, keys and snippets


def test_array_evaluator_and_whoosh_agree_on_a_bulk_index(pair: tuple[Path, Path]) -> None:
    with open_index(pair[1]).searcher() as searcher:
        t = Tables(searcher)
        for query in QUERIES:
            q = parse_query(query)
            assert set(np.flatnonzero(t.mask(q)).tolist()) == set(searcher.docs_for_query(q)), query


def test_bulk_segments_take_updates_deletes_and_merges(tmp_path: Path) -> None:
    docs = corpus()
    changed = [make_doc(i, title=f"更新后的报告{i}") for i in range(0, 300, 7)]
    indexes = []
    for bulk in (False, True):
        path = _build(tmp_path / f"ix-{bulk}", docs[:150], bulk)
        _build(path, docs[150:], bulk)  # a second bulk segment beside the first
        with Indexer(path) as ix:  # small commits through Whoosh's writer, merging small segments
            for d in changed:
                ix.upsert(d)
            ix.delete(docs[3].id)
        for i in range(6):
            with Indexer(path) as ix:
                ix.upsert(make_doc(1000 + i))
        indexes.append(path)
    for ours, theirs in zip(_results(indexes[1]), _results(indexes[0]), strict=True):
        assert ours["total"] == theirs["total"]
        assert [r["id"] for r in ours["results"]] == [r["id"] for r in theirs["results"]]
    ix = open_index(indexes[1])
    with ix.writer() as w:  # Whoosh's own merge reads every bulk segment back
        w.optimize = True
    with open_searcher(indexes[1]) as h:
        r = h.search(SearchRequest("更新后的报告", limit=100))
        assert r["total"] == len(changed)
        assert h.search(SearchRequest("长文本", limit=100))["total"] == 3


def test_a_failed_bulk_write_leaves_the_index_and_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.errors import StorageError
    from gongkai.index import bulk

    path = _build(tmp_path / "ix", [make_doc(i) for i in range(20)], bulk=False)
    built: list[str] = []
    real_init = bulk.SegmentBuilder.__init__

    def init(self: bulk.SegmentBuilder, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        built.append(self.segment.segment_id())

    def disk_full(*args: object, **kwargs: object) -> list[Any]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bulk.SegmentBuilder, "__init__", init)
    monkeypatch.setattr(bulk, "write_postings", disk_full)
    with pytest.raises(StorageError, match="disk is full"), Indexer(path, bulk_min=1) as ix:
        for i in range(20, 60):
            ix.upsert(make_doc(i))
    assert built
    assert not [p.name for p in path.iterdir() if p.name.startswith((*built, ".gk-"))]
    with open_searcher(path) as h:
        assert h.search(SearchRequest("公开", limit=100))["total"] == 20


def _by_id(path: Path, query: str) -> dict[str, tuple[float, list[Any]]]:
    with open_searcher(path) as h:
        r = h.search(SearchRequest(query, limit=100))
        assert r["total"] <= 100
        return {x["id"]: (x["score"], x["sections"]) for x in r["results"]}


def _parallel_pair(tmp_path: Path, replace: bool) -> list[dict[str, Any]]:
    docs = [make_doc(i) for i in range(80)] + [_long_doc(0)]
    replaced = [make_doc(i, title=f"第二版报告{i}") for i in range(0, 80, 9)] if replace else []
    gone = [docs[5].id, make_doc(9).id] if replace else []
    results = []
    for workers in (0, 2):
        path = tmp_path / f"ix-{workers}-{replace}"
        with Indexer(path, bulk_min=1, parallel_min=1, workers=workers) as ix:
            for d in docs:
                ix.upsert(d)
            for d in replaced:
                assert ix.upsert(d) == "updated"  # still pending: replaced within the batch
            for doc_id in gone:
                assert ix.delete(doc_id)
        results.append({q: _by_id(path, q) for q in ["报告", "第二版报告", "予以公开 按时答复", '"行政复议1件"', "长文本"]})
        if workers:
            with open_index(path).reader() as r:
                assert len(list(r.leaf_readers())) == 2  # one segment per worker
    return results


def test_worker_processes_write_what_one_process_writes(tmp_path: Path) -> None:
    single, parallel = _parallel_pair(tmp_path, replace=False)
    for q, found in single.items():
        assert found.keys() == parallel[q].keys(), q
        for doc_id, (score, sections) in found.items():
            assert parallel[q][doc_id] == (pytest.approx(score, rel=1e-5), sections)


def test_documents_replaced_or_deleted_while_workers_write(tmp_path: Path) -> None:
    single, parallel = _parallel_pair(tmp_path, replace=True)
    for q, found in single.items():
        assert found.keys() == parallel[q].keys(), q
        for doc_id, (score, sections) in found.items():
            # The replaced versions stay in the workers' segments as deleted documents, and Whoosh's
            # statistics (document frequencies, average lengths) count deleted documents too.
            assert parallel[q][doc_id] == (pytest.approx(score, rel=0.02), sections)
    assert len(parallel["第二版报告"]) == 8  # 9 replaced, one of them deleted after
    assert make_doc(5).id not in parallel["报告"]


def test_commits_never_merge_bulk_segments() -> None:
    """Whoosh's own policy merges every segment once there are enough of them (here 30 of 9000
    sections); ours leaves segments of bulk size alone."""
    from whoosh.writing import MERGE_SMALL

    from gongkai.index.writer import MERGE_BELOW, merge_small_segments

    class Segment:
        def __init__(self, n: int) -> None:
            self.n = n

        def doc_count_all(self) -> int:
            return self.n

    class Writer:
        def __init__(self) -> None:
            self.merged: list[Any] = []

    large = [Segment(9000 + i) for i in range(30)]
    with pytest.raises(Exception):  # noqa: B017 - Whoosh starts merging (and fails on the fake segments)
        MERGE_SMALL(Writer(), large)
    assert merge_small_segments(Writer(), large) == large
    assert all(seg.n >= MERGE_BELOW for seg in large)


class _FakeWorker:
    """A bulk worker's pipes without the worker: its input pipe (widened as the pool does) and a reply."""

    def __init__(self, reply: bytes = b"") -> None:
        import io
        import os

        from gongkai.index import bulkpool

        r, w = os.pipe()
        self.read_end = os.fdopen(r, "rb")
        self.stdin = os.fdopen(w, "wb")
        bulkpool._widen(self.stdin)
        self.stdout = io.BytesIO(reply)

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def close(self) -> None:
        for f in (self.stdin, self.read_end):
            with contextlib.suppress(OSError, ValueError):
                f.close()


def _pool(procs: list[_FakeWorker]) -> Any:
    from gongkai.index import bulkpool

    pool = bulkpool.BulkPool.__new__(bulkpool.BulkPool)
    pool._procs, pool._next, pool._version, pool._dropped, pool._closed = procs, 0, 0, set(), False
    pool._pending = {}
    for p in procs:
        os.set_blocking(p.stdin.fileno(), False)  # as the pool's own pipes are
    return pool


def test_documents_go_to_the_worker_with_room_in_its_pipe() -> None:
    """A worker writing its segment reads nothing for seconds: the next document goes to the other one
    rather than waiting on the full pipe (which left a core idle for a quarter of a build)."""
    from gongkai.index import bulkpool

    busy, free = _FakeWorker(), _FakeWorker()
    room = bulkpool._space(busy.stdin)[0]
    assert room >= 65536
    busy.stdin.write(b"x" * (room - 100))  # nearly full: its worker is writing a segment
    busy.stdin.flush()
    assert bulkpool._space(busy.stdin)[0] == 100
    pool = _pool([busy, free])
    pool._raise_failure = lambda: None
    for _ in range(4):  # its turn or not, the busy worker gets nothing
        pool.add(make_doc(1), {}, False)
    assert bulkpool._space(busy.stdin)[0] == 100
    assert bulkpool._space(free.stdin)[0] < room
    for p in (busy, free):
        p.close()


def test_the_writer_never_waits_on_one_full_pipe() -> None:
    """Every pipe full: a document goes to one worker and the rest of its message waits beside that
    pipe, unwritten; the next goes to another worker; only when every worker has one waiting does the
    writer wait, for whichever pipe takes more first (a blocking write into the pipe of a worker writing
    its segment held the writer while the others went idle). Finishing writes what waits, in order."""
    import threading

    from gongkai.index import bulkpool

    reply = bulkpool._message(("ok", []))
    busy, free = (_FakeWorker(reply) for _ in range(2))
    full = {}
    for p in (busy, free):
        full[p] = bulkpool._space(p.stdin)[0]
        p.stdin.write(b"x" * full[p])
        p.stdin.flush()
    pool = _pool([busy, free])  # the busy worker's turn comes first
    pool._raise_failure = lambda: None
    first_two = threading.Thread(target=lambda: [pool.add(make_doc(i), {}, False) for i in (1, 2)], daemon=True)
    first_two.start()  # the first to the busy worker, all of it waiting; the second to the other
    first_two.join(2)
    assert not first_two.is_alive()
    assert sorted(pool._pending) == [0, 1]
    third = threading.Thread(target=pool.add, args=(make_doc(3), {}, False), daemon=True)
    third.start()
    third.join(0.3)
    assert third.is_alive()  # every worker has a message waiting
    assert free.read_end.read(full[free]) == b"x" * full[free]  # the free worker reads on
    third.join(5)
    assert not third.is_alive()
    assert 0 in pool._pending and bulkpool._space(busy.stdin)[0] == 0  # the busy one has read nothing
    got = [bulkpool._recv(free.read_end)[1] for _ in range(2)]
    assert got == [2, 3]

    def busy_reads() -> None:
        busy.read_end.read(full[busy])
        got.append(bulkpool._recv(busy.read_end)[1])
        got.append(bulkpool._recv(busy.read_end)[0])
        got.append(bulkpool._recv(free.read_end)[0])

    reader = threading.Thread(target=busy_reads)
    reader.start()
    assert pool.finish() == []
    reader.join(10)
    assert got == [2, 3, 1, "finish", "finish"]
    for p in (busy, free):
        p.close()


def test_every_worker_is_told_to_finish_at_once() -> None:
    """At the end of a batch a worker still writing a segment must not keep the others from closing
    theirs: each is told from its own thread (they were told in turn, the others idle meanwhile)."""
    import pickle
    import threading

    from gongkai.index import bulkpool

    reply = pickle.dumps(("ok", []))
    busy, free = (_FakeWorker(bulkpool._LEN.pack(len(reply)) + reply) for _ in range(2))
    room = bulkpool._space(busy.stdin)[0]
    busy.stdin.write(b"x" * room)  # full: its worker is writing a segment
    busy.stdin.flush()
    seen: list[tuple[str, int]] = []

    def free_worker_then_busy_one() -> None:
        import select

        # the free worker must be told while the busy one's pipe is still full
        if select.select([free.read_end], [], [], 5)[0]:
            seen.append((bulkpool._recv(free.read_end)[0], bulkpool._space(busy.stdin)[0]))
        else:
            seen.append(("not told", bulkpool._space(busy.stdin)[0]))
        busy.read_end.read(room)  # the busy worker reads again

    reader = threading.Thread(target=free_worker_then_busy_one)
    reader.start()
    assert _pool([busy, free]).finish() == []
    reader.join(10)
    assert seen == [("finish", 0)]
    for p in (busy, free):
        p.close()


def test_id_fields_give_the_terms_whoosh_gives() -> None:
    """Values of ID fields become their one term without Whoosh's ``index()`` (bulk._KeyField._whole)."""
    from gongkai.index.bulk import _KeyField
    from gongkai.index.schema import make_schema

    schema = make_schema()
    whole = [name for name in schema.names() if getattr(schema[name], "indexed", False)
             and _KeyField(schema[name])._whole]
    assert {"sid", "doc_id", "agency", "section"} <= set(whole)
    assert not {"doc_no", "year", "ord"} & set(whole)  # (an analyzer of its own; NUMERIC's own index())
    for name in whole:
        key = _KeyField(schema[name])
        for i, value in enumerate(["", "Ab c", "白沙县财政局", "abc#12", "𠀀 x", "Ab c"]):
            key.add(i, value)
        (group,) = list(key.groups(6))
        expected = sorted({t for v in ["", "Ab c", "白沙县财政局", "abc#12", "𠀀 x"] for t, *_ in schema[name].index(v)})
        assert group.terms == expected
        assert group.doc.tolist() == [0, 1, 5, 3, 2, 4]


def test_groups_of_terms_hold_what_their_bounds_allow(pair: tuple[Path, Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A field's terms are encoded group by group, each holding about GROUP_POSTINGS postings and
    GROUP_OCCURRENCES occurrences (a lone term may hold more): what bounds a worker's memory."""
    from gongkai.index import bulk as bulk_module

    monkeypatch.setattr(bulk_module, "GROUP_POSTINGS", 400)
    monkeypatch.setattr(bulk_module, "GROUP_OCCURRENCES", 1500)
    seen: list[tuple[int, int, int]] = []
    write = bulk_module.write_postings

    def recording(f: Any, group: Any) -> Any:
        occurrences = int(group.value_len.sum()) // 12 if group.value_len is not None else 0
        seen.append((len(group.terms), len(group.doc), occurrences))
        return write(f, group)

    monkeypatch.setattr(bulk_module, "write_postings", recording)
    small = _segment_contents(_build(tmp_path / "small-groups", corpus(), bulk=True))
    several = [(p, o) for n, p, o in seen if n > 1]
    assert len(several) > 50
    # a group stops before the term that would take it past a bound, so it holds at most one term's worth more
    assert max(p for p, _ in several) < 2 * 400 and max(o for _, o in several if o) < 2 * 1500
    assert sum(p for p, _ in several) / len(several) > 100  # (and groups are not cut needlessly small)
    assert small["terms"] == _segment_contents(pair[1])["terms"]


def test_documents_cross_the_pipe_whole() -> None:
    import io

    from gongkai.index import bulkpool
    from gongkai.models import Attachment, Cell, Table

    doc = _long_doc(1)
    doc.sections[0].tables = [Table(rows=[[Cell("项目", colspan=2)], [Cell("1"), Cell("2")]], line=3, lines=2)]
    doc.sections[0].subheadings = ["（一）主动公开"]
    doc.attachments = [Attachment("http://www.example.gov.cn/a.pdf", "附件", "pdf")]
    doc.provenance = {"title": "<h1>"}
    doc.figures = {"template": "2021"}
    msg = ("doc", 7, doc, {"source": doc.url}, True)
    data = bulkpool._message(msg)
    assert bulkpool._recv(io.BytesIO(data)) == msg
    # by position: the field names are not in the message
    assert b"subheadings" not in data and b"content_hash" not in data
