"""The long posting lists a bulk segment writes again as arrays (``hotlists``) read exactly as the
segment's W3 postings read, and a search answers the same with them, without them and with a
damaged file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from factory import make_doc
from gongkai.index import Indexer, SearchRequest, hotlists, open_index, open_searcher
from gongkai.index.analysis import PAIR_SEP
from gongkai.index.phrases import Spans
from gongkai.index.postread import term_postings
from gongkai.index.schema import PAIR_FIELDS
from gongkai.index.tables import Tables

QUERIES = ["公开", "政府信息公开", '"全面推进政务公开"', '"依申请公开政府信息情况"', "申请 答复", '"政府信息公开申请"',
           "行政复议 -予以公开", "年度报告"]


def _build(path: Path, monkeypatch: pytest.MonkeyPatch, hot: int = 8, n: int = 60) -> None:
    monkeypatch.setattr(hotlists, "HOT_POSTINGS", hot)
    with Indexer(path, bulk_min=1, workers=0) as ix:
        for i in range(n):
            ix.upsert(make_doc(i))


def _answers(path: Path) -> list[tuple[int, list[str], list[float], object]]:
    out = []
    with open_searcher(path) as h:
        for q in QUERIES:
            page = h.search(SearchRequest(q, limit=100))
            out.append((page["total"], [r["id"] for r in page["results"]], [r["score"] for r in page["results"]],
                        page["facets"]))
    return out


def _hot_files(path: Path) -> list[Path]:
    return sorted(path.glob(f"*{hotlists.SUFFIX}"))


def test_every_long_list_reads_as_the_segment_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ix"
    _build(path, monkeypatch)
    (hot_file,) = _hot_files(path)
    with open_index(path).reader() as r:
        (leaf, _), = list(r.leaf_readers())
        hot = hotlists.open_hot(path, leaf.segment().segment_id())
        assert hot is not None and hot_file.name.startswith(leaf.segment().segment_id())
        checked = with_values = 0
        for field, text in leaf._terms.terms():
            if field not in PAIR_FIELDS and field not in PAIR_FIELDS.values():
                continue  # text fields and their word pairs only
            word = text.decode("utf-8")
            ids, weights, spans = term_postings(leaf, field, text, values=True)
            got = hot.get(field, word, values=False)
            if len(ids) < hotlists.HOT_POSTINGS:
                assert got is None
                continue
            assert got is not None, (field, word)
            assert got[0].tolist() == ids.tolist() and np.array_equal(got[1], weights)
            got_v = hot.get(field, word, values=True)
            if field in PAIR_FIELDS.values():
                assert got_v is not None and isinstance(got_v[2], Spans)
                assert got_v[2].as_values() == spans.as_values()
                with_values += 1
            else:
                assert got_v is None  # word lists keep their occurrences in the segment only
            checked += 1
        assert checked > 20 and with_values > 5
        assert hot.get("body", "不在索引里的词", values=False) is None


def test_a_search_answers_the_same_with_and_without_the_arrays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ix"
    _build(path, monkeypatch)
    with_hot = _answers(path)
    assert with_hot[0][0] == 60 and all(a[0] for a in with_hot)
    with open_searcher(path) as h:
        h.search(SearchRequest("公开"))
        t = h._tables()
        assert any(v is not None for v in t._hot_lists.values())  # the arrays were used
    for f in _hot_files(path):
        f.write_bytes(f.read_bytes()[:100])  # damaged: the W3 postings are read instead
    assert _answers(path) == with_hot
    for f in _hot_files(path):
        f.unlink()
    assert _answers(path) == with_hot


def test_deleted_sections_are_left_out_of_the_arrays_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ix"
    _build(path, monkeypatch)
    gone = make_doc(3)
    with Indexer(path, workers=0) as ix:
        ix.delete(gone.id)
    assert _hot_files(path)  # the segment stays (one deletion), and so do its arrays
    with open_index(path).searcher() as s:
        t = Tables(s, path)
        ids, _, spans = t.postings(PAIR_FIELDS["body"], f"政府{PAIR_SEP}信息", values=True)
        assert len(ids) and t.live[ids].all() and len(spans) == len(ids)
        assert sum(spans.counts.tolist()) == len(spans.rows)
    answers = _answers(path)
    assert answers[0][0] == 59 and gone.id not in answers[0][1]
    for f in _hot_files(path):
        f.unlink()
    assert _answers(path) == answers  # scores too: the idf counts what the segment holds, as Whoosh's does


def test_small_segments_write_no_file_and_dropped_segments_take_theirs(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ix"
    _build(path, monkeypatch, hot=10**6)
    assert _hot_files(path) == []
    _build(path, monkeypatch, hot=8)  # the same documents again: unchanged, nothing rewritten
    monkeypatch.setattr(hotlists, "HOT_POSTINGS", 8)
    with Indexer(path, bulk_min=1, workers=0) as ix:
        for i in range(60):
            ix.upsert(make_doc(i, title=f"改过的标题{i}"))  # every document changed: one new bulk segment
    files = _hot_files(path)
    with open_index(path).reader() as r:
        live = {leaf.segment().segment_id() for leaf, _ in r.leaf_readers()}
    assert files and all(f.name.split(".")[0] in live for f in files)
