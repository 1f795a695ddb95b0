"""The array evaluator agrees with Whoosh's own matchers and scorer, and the packed format round-trips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from gongkai.index import Indexer, open_index
from gongkai.index.formats import CharSpans
from gongkai.index.query import parse_query, positive_leaves
from gongkai.index.tables import Tables


@pytest.fixture
def tables(reports_index: Path) -> Iterator[Tables]:
    searcher = open_index(reports_index).searcher()
    yield Tables(searcher)
    searcher.close()


@pytest.mark.parametrize(
    "query",
    ["公开", "信息公开", "共和国", "予以公开 按时答复", "予以公开 OR 本年度", '"政府信息公开条例"', '"信息公开条例"',
     '"行政复议1件"', "申请 -予以公开", "青政办发〔2017〕11号", "title:年度报告", "agency:财政局", "year:2016-2017",
     "section:复议", "(复议 OR 诉讼) 2019"],
)
def test_masks_equal_whoosh_matches(tables: Tables, query: str) -> None:
    q = parse_query(query)
    ours = set(np.flatnonzero(tables.mask(q)).tolist())
    theirs = set(tables.searcher.docs_for_query(q))
    assert ours == theirs


@pytest.mark.parametrize("term", ["公开", "申请", "行政复议", "财政局"])
def test_scores_equal_whoosh_bm25f(tables: Tables, term: str) -> None:
    q = wq.Or([wq.Term(f, term) for f in ("title", "heading", "body", "agency_text")])
    whoosh = {hit.docnum: hit.score for hit in tables.searcher.search(q, limit=None)}
    mask = tables.mask(q)
    ours = tables.scores(positive_leaves(q), mask)
    assert set(np.flatnonzero(mask).tolist()) == set(whoosh)
    for docnum, score in whoosh.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-4)


def test_deleted_sections_never_match(tmp_path: Path) -> None:
    from factory import make_doc

    path = tmp_path / "ix"
    with Indexer(path) as ix:
        for i in range(4):
            ix.upsert(make_doc(i))
    with Indexer(path) as ix:
        ix.delete(make_doc(1).id)
    with open_index(path).searcher() as searcher:
        t = Tables(searcher)
        matched = set(np.flatnonzero(t.mask(parse_query("公开"))).tolist())
        assert matched == set(t.searcher.docs_for_query(parse_query("公开")))
        assert not any(t.doc_ids[t.sec_doc[d]] == make_doc(1).id for d in matched)


def test_charspans_round_trip() -> None:
    fmt = CharSpans(field_boost=2.0)
    spans = [(0, 0, 2), (5, 10, 14), (9, 30, 32)]
    value = fmt.encode(spans)
    assert fmt.decode_characters(value) == spans
    assert fmt.decode_positions(value) == [0, 5, 9]
    assert fmt.decode_frequency(value) == 3
    assert fmt.decode_weight(value) == 6.0


def test_charspans_word_values_group_occurrences() -> None:
    from gongkai.index.analysis import ChineseTokenizer

    fmt = CharSpans()
    values = {w: (freq, fmt.decode_characters(v)) for w, freq, _, v in fmt.word_values("公开，再公开", ChineseTokenizer())}
    assert values["公开"] == (2, [(0, 0, 2), (2, 4, 6)])
