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
from gongkai.index.tables import Tables, _own


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


@pytest.mark.parametrize(
    "query",
    ["予以公开 未发生", "申请 行政复议 财政局", "予以公开 -本年度", "(复议 OR 诉讼) 2019", '"行政复议1件" 按时答复',
     "信息公开 NOT (予以公开 OR 本年度)"],
)
def test_document_scope_is_the_intersection_of_each_parts_documents(tables: Tables, query: str) -> None:
    """The oracle: Whoosh's own matches of each part of the AND, as documents, intersected."""
    q = parse_query(query)
    positive, negative = (q.a, q.b) if isinstance(q, wq.AndNot) else (q, None)
    parts = positive.subqueries if type(positive) is wq.And else [positive]

    def whoosh_sections(part: object) -> set[int]:
        return set(tables.searcher.docs_for_query(part))

    def docs(sections: set[int]) -> set[int]:
        return {int(tables.sec_doc[s]) for s in sections}

    expected = set.intersection(*(docs(whoosh_sections(p)) for p in parts))
    if negative is not None:
        expected -= docs(whoosh_sections(negative))
    got_docs, got_hits = tables.match(q)
    assert set(np.flatnonzero(got_docs).tolist()) == expected
    assert expected, "the query should find something"
    # the sections shown: those a part matched by their own heading or text (not by the title every
    # section carries), or, in a document without such a section, those matched at all
    every = {s for p in parts for s in whoosh_sections(p) if int(tables.sec_doc[s]) in expected}
    own = {s for p in parts if _own(p) is not None for s in whoosh_sections(_own(p)) if s in every}
    hits = own | {s for s in every if int(tables.sec_doc[s]) not in docs(own)}
    assert set(np.flatnonzero(got_hits).tolist()) == hits
    # section scope: the same parts, all in one section
    one, one_hits = tables.match(q, scope="section")
    assert set(np.flatnonzero(one).tolist()) == docs(set(np.flatnonzero(one_hits).tolist())) <= expected


def test_documents_take_their_values_from_live_sections(tmp_path: Path) -> None:
    """An updated document's old sections stay, deleted, in their segment until a merge: its year, type
    and date must come from the new version, and a document without a year has none in the facet."""
    from factory import make_doc
    from gongkai.index import SearchRequest, search

    path = tmp_path / "ix"
    with Indexer(path) as ix:
        ix.upsert(make_doc(1))
        ix.upsert(make_doc(2))
    with Indexer(path) as ix:
        ix.upsert(make_doc(1, year=2023, published="2024-05-01", doc_type="notice"))
        ix.upsert(make_doc(2, year=None))
    r = search(path, SearchRequest("", limit=10))
    assert r["facets"]["year"] == {"2023": 1}
    assert r["facets"]["type"] == {"notice": 1, "annual_report": 1}
    assert [x["published"] for x in r["results"]] == ["2024-05-01", make_doc(2).published]
    assert search(path, SearchRequest("", years=(2016, 2016)))["total"] == 0


def test_the_first_of_an_order_are_those_a_whole_sort_puts_first() -> None:
    from gongkai.index.search import first_positions

    rng = np.random.default_rng(7)
    for m in (0, 1, 5, 40, 1000, 5000):
        for kind in ("few values", "many values", "all late", "none late"):
            key = (rng.integers(0, 4, m) if kind == "few values" else rng.normal(size=m)).astype(np.float64)
            late = {"all late": np.ones(m, bool), "none late": np.zeros(m, bool)}.get(kind, rng.random(m) < 0.9)
            whole = np.lexsort((np.arange(m), key, late))
            assert first_positions(late, key, None).tolist() == whole.tolist()
            for n in (0, 1, 3, 10, 20, 123, m):
                assert first_positions(late, key, n).tolist() == whole[:n].tolist(), (m, kind, n)


@pytest.mark.parametrize("rust", [True, False])
def test_documents_best_scores_and_key_counts_the_same_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 rust: bool) -> None:
    """The extension's one-pass steps from sections to documents (``docs_of``, ``doc_max``,
    ``docs_per_key``) and numpy's fallbacks give what numpy's index arrays give, on an index whose
    changed document's sections come after the others and with a deleted document."""
    from factory import make_doc
    from gongkai.index import native

    if rust and not native.available():
        pytest.skip("gongkai._native is not built")
    if not rust:
        monkeypatch.setattr(native, "extension", lambda: None)
    path = tmp_path / "ix"
    with Indexer(path) as ix:
        for i in range(8):
            ix.upsert(make_doc(i))
    with Indexer(path) as ix:
        ix.upsert(make_doc(2, year=2023))
        ix.delete(make_doc(5).id)
    searcher = open_index(path).searcher()
    t = Tables(searcher)
    rng = np.random.default_rng(11)
    scores = rng.random(t.n)
    for hits in (t.live, t.live & (rng.random(t.n) < 0.4), np.zeros(t.n, bool)):
        where = np.flatnonzero(hits)
        docs = np.zeros(t.ndocs, bool)
        docs[t.sec_doc[where]] = True
        assert t.docs_of(hits).tolist() == docs.tolist()
        best = np.zeros(t.ndocs)
        np.maximum.at(best, t.sec_doc[where], scores[where])
        assert t.best_per_doc(hits, scores).tolist() == best.tolist()
        per_key = [len({int(t.sec_doc[s]) for s in where if t.sec_section[s] == k}) for k in range(len(t.section_names))]
        assert t._docs_per_key(hits).tolist() == per_key
        facets = t.facets(hits, np.flatnonzero(docs))
        assert sum(facets["section"].values()) == sum(per_key)
    # a document is live when one of its sections is: its first section says so
    assert t.doc_live.tolist() == [bool(t.live[t.sec_doc == d].any()) for d in range(t.ndocs)]
    assert t.doc_live.sum() == 7  # document 5 was deleted
    searcher.close()
