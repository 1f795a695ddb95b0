"""One search contract, two backends: the same queries over the same corpus in Whoosh and in OpenSearch
give the same documents, totals, facets and snippets (scores, and so the order of equal-date or
relevance-ranked documents, may differ)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus import corpus
from oshelpers import new_config

from gongkai.backends.opensearch import OpenSearchIndexer, OpenSearchSearcher
from gongkai.backends.opensearch.cluster import Cluster
from gongkai.errors import UsageError
from gongkai.index import Indexer, SearcherHandle, SearchRequest

# (query, filters): every kind of clause of the query language, alone and with filters.
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("依申请公开", {}),
    ("公开", {}),
    ("共和国", {}),
    ("信息公开", {"years": (2016, 2018)}),
    ('"政府信息公开条例"', {}),
    ('"信息公开条例"', {}),
    ('"条例信息公开"', {}),
    ('"行政复议1件"', {}),
    ('"复议 诉讼"', {}),
    ("“政府信息公开工作”", {}),
    ("予以公开 按时答复", {}),
    ("予以公开 财政局", {}),
    ("予以公开 OR 本年度", {}),
    ("申请 NOT 予以公开", {}),
    ("申请 -予以公开", {}),
    ("(复议 OR 诉讼) 2019", {}),
    ("复议 OR 诉讼", {"section": "appeals"}),
    ("申请", {"section": "依申请公开", "agency": "财政局"}),
    ("title:年度报告", {}),
    ("标题:通知", {}),
    ("heading:主动公开", {}),
    ("body:收费", {}),
    ("agency:教育局", {}),
    ("机构:青溪市财政局", {}),
    ("section:requests 件", {}),
    ("year:2019", {}),
    ("年份:2015-2017 公开", {}),
    ("type:notice", {}),
    ("类型:年度报告 行政诉讼", {}),
    ("文号:青政办发(2017)11号", {}),
    ("青政办发[2017]11号", {}),
    ("索引号:QX0001-0101-2016-00011", {}),
    ("qx0001-0101-2016-00011", {}),
    ("政务公开", {"doc_type": "notice"}),
    ("", {"years": (2019, 2019)}),
    ("", {"doc_type": "annual_report"}),
    ("", {"agency": "青溪市人民政府办公室"}),
    ("行政复议", {"sort": "date"}),
    ("2019", {}),
    ("ＡＢＣ OR abc OR 2021", {}),
    ("不存在的词语组合", {}),
    ("主动公开 政府信息", {"years": (2019, 2024)}),
    ('"主动公开政府信息"', {}),
    ("收费 减免", {}),
    ("咨询 NOT (复议 OR 诉讼)", {}),
    # document scope (the default) against one section, section:KEY beside other words
    ("予以公开 财政局", {"within": "section"}),
    ("予以公开 未发生", {}),
    ("予以公开 未发生", {"within": "section"}),
    ("申请 NOT 予以公开", {"within": "section"}),
    ("section:appeals 复议", {}),
    ("section:requests 予以公开 OR section:appeals 诉讼", {}),
    ("公开 OR NOT 申请", {}),
    ("信息处理费", {}),
    ("按时答复 行政复议", {"section": "requests"}),
    # prefixes, publish dates, both date orders, listings
    ("申请*", {}),
    ("agency:青溪*", {}),
    ("title:年度*", {"doc_type": "annual_report"}),
    ("文号:青政办发*", {}),
    ("公开", {"published": ("2019-01-01", "2020-12-31")}),
    ("", {"published": ("2021-01-01", None)}),
    ("公开", {"sort": "oldest"}),
    ("公开", {"sort": "newest", "years": (2016, None)}),
    ("", {}),
    ("", {"section": "fees"}),
    # a 文号 in running text, its parts with brackets between them
    ("国办发〔2019〕4号", {}),
    ("国办发(2019)5号", {}),
    ("青政办〔2020〕3号", {}),
]


@pytest.fixture(scope="module")
def backends(os_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    docs = corpus()
    path = tmp_path_factory.mktemp("contract") / "index"
    with Indexer(path) as ix:
        for d in docs:
            ix.upsert(d)
    config = new_config(os_cluster)
    with OpenSearchIndexer(config, batch=20) as ox:
        for d in corpus():  # fresh objects: upsert fills in figures
            ox.upsert(d)
    whoosh, opensearch = SearcherHandle(path), OpenSearchSearcher(config)
    yield whoosh, opensearch
    whoosh.close()
    opensearch.close()


def _all(handle: Any, query: str, filters: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    first = handle.search(SearchRequest(query, limit=100, **filters))
    results = list(first["results"])
    for page in range(2, first["pages"] + 1):
        results += handle.search(SearchRequest(query, limit=100, page=page, **filters))["results"]
    return first, results


@pytest.mark.parametrize(("query", "filters"), QUERIES, ids=[f"{q} {f}" for q, f in QUERIES])
def test_same_documents_facets_and_snippets(backends: tuple[Any, Any], query: str, filters: dict[str, Any]) -> None:
    whoosh, opensearch = backends
    w, w_results = _all(whoosh, query, filters)
    o, o_results = _all(opensearch, query, filters)
    assert o["total"] == w["total"]
    assert o["pages"] == w["pages"]
    assert o["facets"] == w["facets"]
    assert sorted(r["id"] for r in o_results) == sorted(r["id"] for r in w_results)
    if filters.get("sort") in ("date", "newest", "oldest") or not query:
        assert [r["published"] for r in o_results] == [r["published"] for r in w_results]
    by_id = {r["id"]: r for r in w_results}
    compared = 0
    for r in o_results:
        mine = by_id[r["id"]]
        assert {k: r[k] for k in r if k not in ("score", "sections")} == \
            {k: mine[k] for k in mine if k not in ("score", "sections")}
        assert len(r["sections"]) == len(mine["sections"])
        if len(mine["sections"]) < 3:  # every matching section is shown: the same ones, the same snippets
            key = lambda s: (s["number"], s["key"], s["heading"])  # noqa: E731
            assert sorted(r["sections"], key=key) == sorted(mine["sections"], key=key)
            compared += len(mine["sections"])
        else:  # the best three by score; where both chose a section, its snippet is the same
            theirs = {(s["number"], s["key"], s["heading"]): s["snippet"] for s in mine["sections"]}
            for s in r["sections"]:
                if (s["number"], s["key"], s["heading"]) in theirs:
                    assert s["snippet"] == theirs[(s["number"], s["key"], s["heading"])]
                    compared += 1
    if w["total"]:
        assert compared > 0


def test_the_corpus_has_answers(backends: tuple[Any, Any]) -> None:
    """The contract is not vacuous: most queries find something, some many documents on several pages."""
    whoosh, _ = backends
    totals = [whoosh.search(SearchRequest(q, limit=10, **f))["total"] for q, f in QUERIES]
    assert sum(1 for t in totals if t) >= len(QUERIES) - 8
    assert max(totals) > 40
    by_scope = [whoosh.search(SearchRequest("予以公开 未发生", within=w))["total"] for w in ("document", "section")]
    assert by_scope[0] > by_scope[1] == 0  # the two scopes are both exercised, and differ
    cited = whoosh.search(SearchRequest("国办发〔2019〕4号"))
    assert cited["total"] == 2  # a 文号 cited in the text, with other brackets and spaces; not 5号


def test_first_page_agrees_for_date_sort(backends: tuple[Any, Any]) -> None:
    whoosh, opensearch = backends
    req = {"query": "公开", "sort": "date", "limit": 10, "page": 2}
    w, o = whoosh.search(SearchRequest(**req)), opensearch.search(SearchRequest(**req))
    assert [r["published"] for r in o["results"]] == [r["published"] for r in w["results"]]


def test_same_documents_and_agency_lists(backends: tuple[Any, Any]) -> None:
    whoosh, opensearch = backends
    ids = [r["id"] for r in _all(whoosh, "", {"years": (1949, 2100)})[1]]
    ids += [r["id"] for r in _all(whoosh, "空白页面", {})[1]]
    assert len(ids) > 50
    for doc_id in ids:
        assert opensearch.document(doc_id) == whoosh.document(doc_id)
    for agency in ("青溪市财政局", "青溪市人民政府办公室", "白沙县教育局"):
        for doc_type in (None, "annual_report", "notice"):
            assert opensearch.agency_documents(agency, doc_type) == whoosh.agency_documents(agency, doc_type)
    stored = {f["doc_id"]: f for f in opensearch.stored_documents("annual_report")}
    with whoosh._lock:
        expected = {f["doc_id"]: dict(f) for f in whoosh._searcher.documents(type="annual_report") if f.get("ord") == 0}
    assert stored.keys() == expected.keys()
    import json

    for doc_id, f in expected.items():
        assert json.loads(stored[doc_id]["meta"]) == json.loads(f["meta"])


def test_similar_documents_are_of_the_corpus_and_not_the_document(backends: tuple[Any, Any]) -> None:
    """More-like-this is each engine's own (the two rank differently); both give documents of the
    corpus, never the document itself, and here annual reports like it."""
    whoosh, opensearch = backends
    doc_id = whoosh.search(SearchRequest("予以公开", limit=1))["results"][0]["id"]
    similar = opensearch.similar(doc_id)
    assert 0 < len(similar) <= 5
    assert doc_id not in [d["id"] for d in similar]
    for d in similar:
        assert whoosh.document(d["id"]).title == d["title"]
    assert {d["type"] for d in similar} == {"annual_report"}


@pytest.mark.parametrize("query", ['"unbalanced', "(复议", "NOT 收费", "foo:bar", "x" * 501])
def test_same_errors(backends: tuple[Any, Any], query: str) -> None:
    whoosh, opensearch = backends
    with pytest.raises(UsageError) as w_err:
        whoosh.search(SearchRequest(query))
    with pytest.raises(UsageError) as o_err:
        opensearch.search(SearchRequest(query))
    assert str(o_err.value) == str(w_err.value)


@pytest.mark.parametrize(("query", "filters"), [("公开", {}), ("", {"doc_type": "annual_report"}),
                                               ("申请 NOT 予以公开", {"sort": "oldest"})])
def test_same_exports(backends: tuple[Any, Any], query: str, filters: dict[str, Any]) -> None:
    whoosh, opensearch = backends
    w = list(whoosh.export(SearchRequest(query, **filters)))
    o = list(opensearch.export(SearchRequest(query, **filters)))
    assert len(o) == len(w) > 10
    assert sorted(r["id"] for r in o) == sorted(r["id"] for r in w)
    assert {r["id"]: {k: v for k, v in r.items() if k != "sections"} for r in o} == \
        {r["id"]: {k: v for k, v in r.items() if k != "sections"} for r in w}
    if not query or filters.get("sort"):
        assert [r["published"] for r in o] == [r["published"] for r in w]
    page = list(opensearch.export(SearchRequest(query, page=2, limit=5, **filters), every=False))
    assert len(page) == 5
    assert len(list(opensearch.export(SearchRequest(query, **filters), max_rows=7))) == 7


def test_prefix_snippets_mark_the_expanded_words(backends: tuple[Any, Any]) -> None:
    _, opensearch = backends
    r = opensearch.search(SearchRequest("申请*", limit=100))
    marked = {m for item in r["results"] for s in item["sections"] for m in
              __import__("re").findall(r"<mark>(.*?)</mark>", s["snippet"])}
    assert "申请" in marked and any(m.startswith("申请") and m != "申请" for m in marked)


def test_updates_and_deletes_replace_whole_documents(os_cluster: Cluster, tmp_path: Path) -> None:
    from factory import make_doc

    config = new_config(os_cluster)
    with OpenSearchIndexer(config) as ox:
        assert [ox.upsert(make_doc(i)) for i in range(3)] == ["new"] * 3
        assert ox.upsert(make_doc(1)) == "unchanged"  # still pending, the same content
    with OpenSearchIndexer(config) as ox:
        assert ox.upsert(make_doc(1)) == "unchanged"
        changed = make_doc(1, title="青溪市财政局更正后的年度报告")
        assert ox.upsert(changed) == "updated"
        assert ox.delete(make_doc(2).id) is True
        assert ox.delete("0000000000000000") is False
    with OpenSearchSearcher(config) as s:
        assert s.count() == (2, 6)
        assert s.search(SearchRequest("更正后"))["total"] == 1
        assert s.search(SearchRequest(f"id_never_there {make_doc(2).doc_no}"))["total"] == 0
    with pytest.raises(RuntimeError), OpenSearchIndexer(config) as ox:  # a failed block writes nothing
        ox.upsert(make_doc(7))
        raise RuntimeError("stop")
    with OpenSearchSearcher(config) as s:
        assert s.count() == (2, 6)


def test_tables_come_back_from_opensearch(os_cluster: Cluster) -> None:
    from gongkai.extract.document import extract_document

    path = Path(__file__).parent.parent / "fixtures" / "tables" / "yunxi_2023_ndbg_tables.html"
    doc = extract_document("http://www.yunxi.example.gov.cn/xxgk/ndbg/t20240126_3.html", path.read_bytes())
    assert sum(len(s.tables) for s in doc.sections) == 3
    config = new_config(os_cluster)
    with OpenSearchIndexer(config) as ox:
        assert ox.upsert(doc) == "new"
    with OpenSearchIndexer(config) as ox:
        assert ox.upsert(doc) == "unchanged"
    with OpenSearchSearcher(config) as s:
        assert s.document(doc.id).sections == doc.sections
