"""Search behaviour over a small index: phrases, sub-words, filters, facets, paging, sorting, snippets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from factory import make_doc
from gongkai.errors import (
    IndexVersionError,
    NoIndexError,
    QueryError,
    UnknownSectionError,
    UsageError,
    YearRangeError,
)
from gongkai.index import Indexer, SearchRequest, get_document, open_searcher, parse_years, search
from gongkai.index.highlight import snippet
from gongkai.models import Document

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

Maker = Callable[[Iterable[Document]], Path]


def ids(result: dict) -> list[str]:
    return [r["id"] for r in result["results"]]


def test_phrase_finds_documents_containing_it(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest('"政府信息公开条例"', limit=100))
    assert r["total"] == 25
    # the phrase spans words segmented differently in the document ("中华人民共和国政府信息公开" + "条例")
    r = search(reports_index, SearchRequest('"信息公开条例"', limit=100))
    assert r["total"] == 25
    assert search(reports_index, SearchRequest('"条例信息公开"'))["total"] == 0


def test_phrase_needs_adjacent_words(reports_index: Path) -> None:
    assert search(reports_index, SearchRequest('"行政复议1件"'))["total"] == 7  # i % 4 == 0 for i < 25
    assert search(reports_index, SearchRequest('"复议 诉讼"'))["total"] == 0


def test_sub_words_match_long_words(reports_index: Path) -> None:
    assert search(reports_index, SearchRequest("共和国", limit=100))["total"] == 25
    assert search(reports_index, SearchRequest("信息公开", limit=100))["total"] == 25
    assert search(reports_index, SearchRequest("公开", limit=100))["total"] == 26


def test_and_or_not(reports_index: Path) -> None:
    # all words must occur in the document; 予以公开 (odd i) is in section 二, 未发生 (i % 4 != 0) in 三
    assert search(reports_index, SearchRequest("予以公开 按时答复", limit=100))["total"] == 12
    assert search(reports_index, SearchRequest("予以公开 未发生", limit=100))["total"] == 12
    assert search(reports_index, SearchRequest("予以公开 未发生", within="section", limit=100))["total"] == 0
    assert search(reports_index, SearchRequest("予以公开 财政局", limit=100))["total"] == 4
    # 予以公开 only for odd i, 本年度 only for i % 4 == 0 (even)
    either = search(reports_index, SearchRequest("予以公开 OR 本年度", limit=100))["total"]
    assert either == 12 + 7
    # NOT excludes whole documents, even when the word is in another section
    r = search(reports_index, SearchRequest("申请 NOT 予以公开", limit=100))
    assert r["total"] == 13
    r = search(reports_index, SearchRequest("申请 -予以公开", limit=100))
    assert r["total"] == 13


def test_exact_doc_no_and_index_no(reports_index: Path) -> None:
    for q in ("青政办发〔2017〕11号", "青政办发[2017]11号", "文号:青政办发(2017)11号", "qx0001-0101-2016-00011",
              "索引号:QX0001-0101-2016-00011"):
        r = search(reports_index, SearchRequest(q))
        assert r["results"][0]["id"] == make_doc(11).id, q


def test_year_filter_single_and_range(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest("信息公开", years=(2017, 2017), limit=100))
    assert {x["year"] for x in r["results"]} == {2017}
    assert r["total"] == 5
    r = search(reports_index, SearchRequest("信息公开", years=(2016, 2018), limit=100))
    assert {x["year"] for x in r["results"]} == {2016, 2017, 2018}
    assert search(reports_index, SearchRequest("年份:2019", limit=100))["total"] == 5


def test_section_filter_accepts_aliases(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest("申请", section="依申请公开", limit=100))
    assert r["total"] == 25
    assert all(s["key"] == "requests" for x in r["results"] for s in x["sections"])
    r = search(reports_index, SearchRequest("行政复议", section="复议", limit=100))
    assert all(s["key"] == "appeals" for x in r["results"] for s in x["sections"])


def test_agency_and_type_filters(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest("信息公开", agency="财政局", limit=100))
    assert {x["agency"] for x in r["results"]} == {"青溪市财政局"}
    r = search(reports_index, SearchRequest("政务公开", doc_type="notice"))
    assert [x["type"] for x in r["results"]] == ["notice"]
    r = search(reports_index, SearchRequest("政务公开", doc_type="通知"))
    assert r["total"] == 1


def test_filters_alone_list_documents(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest("", years=(2019, 2019), limit=100))
    assert r["total"] == 5


def test_facets_count_documents(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest("公开", limit=5))
    f = r["facets"]
    assert f["year"] == {"2020": 1, "2019": 5, "2018": 5, "2017": 5, "2016": 5, "2015": 5}
    assert list(f["year"]) == sorted(f["year"], reverse=True)
    assert f["type"] == {"annual_report": 25, "notice": 1}
    assert f["agency"]["青溪市财政局"] == 9
    assert f["section"]["overview"] == 25


def test_results_grouped_per_document_with_up_to_three_sections(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest("政府信息公开", limit=100))
    assert len(ids(r)) == len(set(ids(r)))
    assert all(1 <= len(x["sections"]) <= 3 for x in r["results"])
    assert any(len(x["sections"]) == 3 for x in r["results"])


def test_paging(reports_index: Path) -> None:
    first = search(reports_index, SearchRequest("公开", limit=10, page=1))
    second = search(reports_index, SearchRequest("公开", limit=10, page=2))
    third = search(reports_index, SearchRequest("公开", limit=10, page=3))
    assert first["pages"] == 3 and first["total"] == 26
    assert len(ids(first)) == 10 and len(ids(second)) == 10 and len(ids(third)) == 6
    assert not set(ids(first)) & set(ids(second))
    assert search(reports_index, SearchRequest("信息公开", limit=10, page=9))["results"] == []


def test_sort_by_date(reports_index: Path) -> None:
    r = search(reports_index, SearchRequest("信息公开", sort="date", limit=100))
    dates = [x["published"] for x in r["results"]]
    assert dates == sorted(dates, reverse=True)


def test_title_weighted_above_body(make_index: Maker) -> None:
    in_title = make_doc(1, title="青溪市财政局关于预算公开的说明")
    in_body = make_doc(2)
    in_body.sections[0].text += "预算公开工作稳步推进。"
    from gongkai.models import content_hash

    in_body.content_hash = content_hash(in_body)
    path = make_index([in_title, in_body])
    assert ids(search(path, SearchRequest("预算公开"))) == [in_title.id, in_body.id]


def test_snippets_mark_whole_words_and_escape(make_index: Maker) -> None:
    doc = make_doc(3)
    doc.sections[0].text = "<script>alert(1)</script> 本机关收到政府信息公开申请。"
    path = make_index([doc])
    r = search(path, SearchRequest("信息公开"))
    snip = next(s["snippet"] for s in r["results"][0]["sections"] if s["key"] == "overview")
    assert "&lt;/script&gt;" in snip and "<script" not in snip and "</script>" not in snip
    assert "政府<mark>信息公开</mark>申请" in snip


def test_snippet_window_and_offsets() -> None:
    text = "甲" * 300 + "行政复议" + "乙" * 300
    s = snippet(text, {"行政复议"})
    assert "<mark>行政复议</mark>" in s and s.startswith("…") and s.endswith("…")
    assert snippet("ＡＢ行政复议", {"行政复议"}) == "ＡＢ<mark>行政复议</mark>"
    assert snippet("没有匹配", {"复议"}) == "没有匹配"


def test_reindexing_updates_in_place(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    docs = [make_doc(i) for i in range(5)]
    with Indexer(path) as ix:
        assert [ix.upsert(d) for d in docs] == ["new"] * 5
    with Indexer(path) as ix:
        assert [ix.upsert(d) for d in docs] == ["unchanged"] * 5
        changed = make_doc(0)
        changed.sections[1].text = "全年共收到申请99件。"
        from gongkai.models import content_hash

        changed.content_hash = content_hash(changed)
        assert ix.upsert(changed) == "updated"
    r = search(path, SearchRequest("信息公开", limit=100))
    assert r["total"] == 5
    assert "99件" in get_document(path, docs[0].id).sections[1].text
    with Indexer(path) as ix:
        assert ix.delete(docs[1].id)
    assert search(path, SearchRequest("信息公开", limit=100))["total"] == 4


def test_same_document_twice_in_one_run_is_not_duplicated(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Indexer(path) as ix:
        ix.upsert(make_doc(1))
        ix.upsert(make_doc(1, title="改过的标题"))
    r = search(path, SearchRequest("信息公开", limit=100))
    assert [x["title"] for x in r["results"]] == ["改过的标题"]


def test_exception_inside_writer_commits_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Indexer(path) as ix:
        ix.upsert(make_doc(1))
    with pytest.raises(RuntimeError), Indexer(path) as ix:
        ix.upsert(make_doc(2))
        raise RuntimeError("boom")
    assert search(path, SearchRequest("年度报告"))["total"] == 1


def test_document_round_trip(reports_index: Path) -> None:
    doc = get_document(reports_index, make_doc(4).id)
    original = make_doc(4).to_dict()
    stored = doc.to_dict()
    stored.pop("figures")  # added at index time from the text (tests/stats)
    original.pop("figures")
    assert stored == original


def test_searcher_handle_sees_new_commits(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Indexer(path) as ix:
        ix.upsert(make_doc(1))
    handle = open_searcher(path)
    assert handle.search(SearchRequest("年度报告"))["total"] == 1
    with Indexer(path) as ix:
        ix.upsert(make_doc(2))
    assert handle.refresh() is True
    assert handle.search(SearchRequest("年度报告"))["total"] == 2
    assert handle.refresh() is False
    handle.close()


def test_similar_and_agency_documents(reports_index: Path) -> None:
    h = open_searcher(reports_index)
    similar = h.similar(make_doc(0).id)
    assert similar and make_doc(0).id not in [d["id"] for d in similar]
    docs = h.agency_documents("青溪市财政局")
    assert [d["year"] for d in docs] == sorted(d["year"] for d in docs)
    assert len(docs) == 9
    h.close()


# -- errors ------------------------------------------------------------------------------------------
def test_no_index_error(tmp_path: Path) -> None:
    with pytest.raises(NoIndexError) as e:
        search(tmp_path / "nothing", SearchRequest("公开"))
    assert str(e.value) == f"no index at {tmp_path / 'nothing'}/ — run `gongkai index PATH` or `gongkai crawl` first"


def test_analyzer_version_mismatch_is_refused(reports_index: Path) -> None:
    meta_file = reports_index / "gongkai.json"
    meta = json.loads(meta_file.read_text("utf-8"))
    meta["analyzer_version"] = "0"
    meta_file.write_text(json.dumps(meta), "utf-8")
    with pytest.raises(IndexVersionError) as e:
        search(reports_index, SearchRequest("公开"))
    assert "built by analyzer version 0" in str(e.value)
    assert "gongkai reindex" in str(e.value) and "gongkai index PATH" in str(e.value)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"政府信息', 'the query has an unbalanced quote: close the phrase with a second "'),
        ("(复议 OR 诉讼", "the query has an unbalanced parenthesis: close the group with )"),
        ("复议)", "the query has a closing parenthesis without an opening one"),
        ("NOT 复议", "the query only excludes: add at least one word to look for, e.g. 复议 NOT 诉讼"),
        ("复议 NOT", "the query ends with NOT: say what to exclude, e.g. 复议 NOT 诉讼"),
        ("foo:bar", "unknown field 'foo' in the query: use one of title, body, heading, agency, section, year, "
                    "type, doc_no (文号), index_no (索引号), topic"),
        ("，。！", "the query has no searchable words: use Chinese words, numbers or a 文号"),
        ("公开 " * 300, "the query is 900 characters long; the limit is 500"),
    ],
)
def test_query_errors(reports_index: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError) as e:
        search(reports_index, SearchRequest(query))
    assert str(e.value) == message


def test_unknown_section_and_bad_paging(reports_index: Path) -> None:
    with pytest.raises(UnknownSectionError):
        search(reports_index, SearchRequest("公开", section="nonsense"))
    with pytest.raises(UsageError, match="page must be between 1 and 100"):
        search(reports_index, SearchRequest("公开", page=101))
    with pytest.raises(UsageError, match="limit must be between 1 and 100"):
        search(reports_index, SearchRequest("公开", limit=0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2017", (2017, 2017)), ("2015-2019", (2015, 2019)), (" 2015 — 2019 ", (2015, 2019)), ("2015至2019", (2015, 2019)),
     ("", None), (None, None)],
)
def test_parse_years(value: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_years(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2019-2015", "the year range '2019-2015' ends before it starts: write it as 2015-2019"),
        ("17", "cannot read the year '17': use a year like 2017 or a range like 2015-2019 "
               "(2015- and -2015 leave one end open)"),
        ("1800-1900", "the year range '1800-1900' is outside 1949-2100"),
    ],
)
def test_impossible_years(value: str, message: str) -> None:
    with pytest.raises(YearRangeError) as e:
        parse_years(value)
    assert str(e.value) == message


@pytest.mark.parametrize("query", ["*公开", "公开*", "?", "a" * 400, "\x00\x01公开\x7f", "((((复议))))",
                                   "title:", "\ud800公开", "OR OR OR", '""', "year:abc"])
def test_hostile_queries_answer_or_fail_cleanly(reports_index: Path, query: str) -> None:
    from gongkai.errors import GongkaiError

    try:
        r = search(reports_index, SearchRequest(query))
    except GongkaiError as e:
        assert str(e)
    else:
        assert r["total"] >= 0


def test_a_filtered_phrase_leaves_the_cached_phrase_whole(reports_index: Path) -> None:
    """Phrase masks are cached per generation; a filter or section scope must not narrow the cached one."""
    with open_searcher(reports_index) as h:
        for q in ('body:"政府信息公开条例"', 'body:"政府信息公开条例" 政务公开'):
            everywhere = h.search(SearchRequest(q, limit=100))["total"]
            assert h.search(SearchRequest(q, years=(2017, 2017)))["total"] < everywhere
            assert h.search(SearchRequest(q, section="appeals", within="section"))["total"] == 0
            assert h.search(SearchRequest(q, limit=100))["total"] == everywhere
