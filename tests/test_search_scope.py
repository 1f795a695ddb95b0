"""What a query means: document-level AND, section scope, NOT, exact 文号, prefixes, dates, sorting,
listings and exports — over a small index of documents written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.errors import DateRangeError, QueryError, UsageError
from gongkai.index import SearchRequest, open_searcher, parse_published, parse_years, search
from gongkai.models import Document, Section, content_hash, document_id

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")


def _doc(n: int, title: str, sections: list[tuple[str, str, str, str]], **meta: object) -> Document:
    url = f"http://gk.example.gov.cn/scope/{n}.html"
    doc = Document(id=document_id(url), url=url, title=title, agency=str(meta.pop("agency", "青溪市财政局")),
                   doc_type=str(meta.pop("doc_type", "annual_report")),
                   sections=[Section(*s) for s in sections], **meta)  # type: ignore[arg-type]
    doc.content_hash = content_hash(doc)
    return doc


# A 2021+ report: 依申请公开 in section 三, 信息处理费 only in section 六 (as on real reports).
SPREAD = _doc(1, "青溪市财政局2021年政府信息公开工作年度报告", [
    ("一", "总体情况", "overview", "本机关全面推进政务公开。"),
    ("三", "收到和处理政府信息公开申请情况", "requests", "本年度共受理依申请公开事项12件。"),
    ("六", "其他需要报告的事项", "other", "本年度未收取信息处理费。"),
], year=2021, published="2022-01-20", doc_no="青财办〔2022〕1号", index_no="QX0100-0101-2022-00001")
# A guide with both words in one section.
TOGETHER = _doc(2, "青溪市政府信息公开指南", [
    ("一", "依申请公开", "requests", "依申请公开的，按规定收取信息处理费。"),
], doc_type="guide", year=2020, published="2020-06-01", agency="青溪市人民政府办公室")
# Only the first word.
FIRST_ONLY = _doc(3, "白沙县2019年政府信息公开工作年度报告", [
    ("三", "依申请公开政府信息情况", "requests", "全年依申请公开3件。"),
    ("四", "政府信息公开的收费及减免情况", "fees", "未收取任何费用。"),
], year=2019, published="2020-03-01", agency="白沙县人民政府")
# The second word in an attachment's text (the crawler appends an attachment's sections to its article).
ATTACHED = _doc(4, "关于调整政府信息公开申请办理流程的通知", [
    ("", "", "other", "各单位：现将依申请公开办理流程通知如下，详见附件。"),
    ("一", "附件：收费标准", "other", "信息处理费按件计收。"),
], doc_type="notice", year=2024, published="2024-02-15", agency="青溪市人民政府办公室",
   doc_no="国发〔2019〕4号")
CARRIER = _doc(5, "国务院关于在线政务服务的若干规定", [
    ("", "", "other", "为全面提升政务服务规范化水平，制定本规定。"),
], doc_type="policy", year=2019, published="2019-04-30", agency="国务院", doc_no="国发〔2019〕5号")
CITING = _doc(6, "青溪市贯彻落实在线政务服务规定的通知", [
    ("", "", "other", "根据《国务院关于在线政务服务的若干规定》（国发〔2019〕5号），结合本市实际，现通知如下。"),
], doc_type="notice", year=2019, published="2019-08-01", agency="青溪市人民政府办公室")
UNDATED = _doc(7, "白沙县政府信息公开申请表", [("", "", "other", "申请人填写本表。")], doc_type="other",
               agency="白沙县人民政府")
DOCS = [SPREAD, TOGETHER, FIRST_ONLY, ATTACHED, CARRIER, CITING, UNDATED]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gongkai.index import Indexer

    path = tmp_path_factory.mktemp("scope") / "index"
    with Indexer(path) as ix:
        for d in DOCS:
            ix.upsert(d)
    return path


def found(index: Path, query: str = "", **opts: object) -> list[str]:
    r = search(index, SearchRequest(query, limit=100, **opts))  # type: ignore[arg-type]
    assert r["total"] == len(r["results"])
    return [x["id"] for x in r["results"]]


def ids(*docs: Document) -> set[str]:
    return {d.id for d in docs}


# -- document-level AND ------------------------------------------------------------------------
def test_words_may_be_in_different_sections_title_or_attachment(index: Path) -> None:
    assert set(found(index, "依申请公开 信息处理费")) == ids(SPREAD, TOGETHER, ATTACHED)
    # a title word and a body word of different sections
    assert set(found(index, "白沙县 费用")) == ids(FIRST_ONLY)


def test_words_meeting_in_one_section_rank_first_and_every_matching_section_is_shown(index: Path) -> None:
    r = search(index, SearchRequest("依申请公开 信息处理费"))
    assert r["results"][0]["id"] == TOGETHER.id
    spread = next(x for x in r["results"] if x["id"] == SPREAD.id)
    assert sorted(s["number"] for s in spread["sections"]) == ["三", "六"]  # not 一, where neither word is
    marked = " ".join(s["snippet"] for s in spread["sections"])
    assert "<mark>依申请公开</mark>" in marked and "<mark>信息处理费</mark>" in marked


def test_sections_shown_are_those_matched_by_their_own_text(index: Path) -> None:
    # 白沙县 is in the title (carried by every section), 费用 only in section 四
    r = search(index, SearchRequest("白沙县 费用"))
    (doc,) = r["results"]
    assert [s["number"] for s in doc["sections"]] == ["四"]
    assert r["facets"]["section"] == {"fees": 1}
    # a document matched by its title alone still shows where it starts
    r = search(index, SearchRequest("申请表"))
    assert [x["id"] for x in r["results"]] == [UNDATED.id] and r["results"][0]["sections"]


def test_within_section_needs_every_word_in_one_section(index: Path) -> None:
    assert found(index, "依申请公开 信息处理费", within="section") == [TOGETHER.id]
    r = search(index, SearchRequest("依申请公开 信息处理费", within="section"))
    assert r["within"] == "section"
    with pytest.raises(UsageError, match="unknown scope 'paragraph'"):
        search(index, SearchRequest("公开", within="paragraph"))


def test_a_typed_word_stays_whole(index: Path) -> None:
    # 依申请公开 is segmented into 依 + 申请 + 公开; it must not match 申请 in one section and 公开 in another
    assert ids(UNDATED).isdisjoint(found(index, "依申请公开"))


def test_section_key_in_the_query_limits_the_words_beside_it(index: Path) -> None:
    assert found(index, "section:requests 信息处理费") == [TOGETHER.id]
    assert found(index, "信息处理费", section="requests") == [TOGETHER.id]
    assert set(found(index, "section:fees")) == ids(FIRST_ONLY)
    # words outside the group are still looked for anywhere (ATTACHED has 依申请公开 outside a requests section)
    assert set(found(index, "(section:requests 依申请公开) 信息处理费")) == ids(SPREAD, TOGETHER)


def test_not_excludes_documents_containing_the_word_anywhere(index: Path) -> None:
    assert set(found(index, "依申请公开 NOT 信息处理费")) == ids(FIRST_ONLY)
    assert set(found(index, "依申请公开 -信息处理费", within="section")) == ids(FIRST_ONLY)
    assert set(found(index, "依申请公开 OR NOT 信息处理费")) >= ids(FIRST_ONLY, CARRIER, UNDATED)


# -- exact identifiers -------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["国发〔2019〕5号", "国发[2019]5号", "国发(2019)5号", "国发﹝2019﹞5号", "文号:国发[2019]5号"])
def test_a_doc_no_finds_its_carrier_first_and_no_partial_overlap(index: Path, query: str) -> None:
    got = found(index, query)
    assert got[0] == CARRIER.id
    assert ATTACHED.id not in got  # 国发〔2019〕4号 shares every word but the number
    if not query.startswith("文号"):
        assert got == [CARRIER.id, CITING.id]  # then the documents citing it in their text


def test_an_index_no_finds_exactly_its_document(index: Path) -> None:
    assert found(index, "qx0100-0101-2022-00001") == [SPREAD.id]
    assert found(index, "QX0100-0101-2022-00002") == []


# -- prefixes ----------------------------------------------------------------------------------
def test_prefix_queries(index: Path) -> None:
    assert set(found(index, "申请*")) >= ids(SPREAD, TOGETHER, FIRST_ONLY, ATTACHED, UNDATED)
    assert set(found(index, "申请人*")) == ids(UNDATED)
    assert set(found(index, "agency:青溪*")) == ids(SPREAD, TOGETHER, ATTACHED, CITING)
    assert set(found(index, "agency:白沙*")) == ids(FIRST_ONLY, UNDATED)
    assert found(index, "国发〔2019〕*") and set(found(index, "国发〔2019〕*")) == ids(ATTACHED, CARRIER)
    r = search(index, SearchRequest("申请人*"))
    assert "<mark>申请人</mark>" in r["results"][0]["sections"][0]["snippet"]


@pytest.mark.parametrize(("query", "message"), [
    ("*公开", "'*公开': a * stands only at the end of a word, after its first characters, as in 申请*"),
    ("*", "'*': a * stands only at the end of a word, after its first characters, as in 申请*"),
    ("申*请", "'申*请': a * stands only at the end of a word, after its first characters, as in 申请*"),
    ("year:201*", "year: takes a whole value, not a word ending in *: remove the * from '201*'"),
])
def test_bad_wildcards_are_clear_errors(index: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError) as e:
        search(index, SearchRequest(query))
    assert str(e.value) == message


def test_a_prefix_standing_for_too_many_words_is_refused(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gongkai.index.tables.MAX_EXPANSION", 1)  # 申 starts 申请 and 申请人 (body)
    with pytest.raises(QueryError) as e:
        search(index, SearchRequest("申*"))
    assert str(e.value) == "申* stands for more than 1 different words in the index: type more of the word before the *"
    assert found(index, "申请人*")  # one word: still fine


# -- years, dates, sorting ---------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    ("2019年", (2019, 2019)), ("2015-", (2015, 2100)), ("-2015", (1949, 2015)), ("2015年-2019年", (2015, 2019)),
    ("2015至今", (2015, 2100)), ("2015～2019", (2015, 2019)),
])
def test_parse_years_open_ranges(value: str, expected: tuple[int, int]) -> None:
    assert parse_years(value) == expected


def test_year_filters(index: Path) -> None:
    assert set(found(index, "", years=parse_years("2021-"))) == ids(SPREAD, ATTACHED)
    assert set(found(index, "", years=parse_years("-2019"))) == ids(FIRST_ONLY, CARRIER, CITING)
    assert set(found(index, "year:2020-")) == ids(SPREAD, TOGETHER, ATTACHED)


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01-01..2024-03-31", ("2024-01-01", "2024-03-31")), ("2024-01..2024-03", ("2024-01-01", "2024-03-31")),
    ("2024", ("2024-01-01", "2024-12-31")), ("2024-02", ("2024-02-01", "2024-02-29")),
    ("2024-01-01..", ("2024-01-01", None)), ("..2019-12-31", (None, "2019-12-31")), ("2024年3月", ("2024-03-01", "2024-03-31")),
    ("", None),
])
def test_parse_published(value: str, expected: tuple[str | None, str | None] | None) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("2024-13", "the date '2024-13' has no month 13: months run from 1 to 12"),
    ("2023-02-29", "the date '2023-02-29' does not exist: 2023-02 has 28 days"),
    ("2024-03..2024-01", "the date range '2024-03..2024-01' ends before it starts: write the earlier date first"),
    ("..", "the date range '..' has no date: write one like 2024-01-01..2024-03-31"),
    ("March", "cannot read the date 'March' in 'March': write a day, month or year like 2024-03-31, 2024-03 or "
              "2024, and a range with .. (2024-01..2024-03)"),
])
def test_impossible_dates(value: str, message: str) -> None:
    with pytest.raises(DateRangeError) as e:
        parse_published(value)
    assert str(e.value) == message


def test_published_filter(index: Path) -> None:
    assert set(found(index, "", published=parse_published("2019"))) == ids(CARRIER, CITING)
    assert set(found(index, "", published=parse_published("2020-01..2020-06"))) == ids(FIRST_ONLY, TOGETHER)
    assert set(found(index, "", published=parse_published("2022-01-20.."))) == ids(SPREAD, ATTACHED)
    assert UNDATED.id not in found(index, "申请", published=parse_published("..2030"))


def test_sorting_by_date_puts_undated_documents_last(index: Path) -> None:
    newest = found(index, "申请", sort="newest")
    oldest = found(index, "申请", sort="oldest")
    assert newest[-1] == UNDATED.id and oldest[-1] == UNDATED.id
    assert newest[:-1] == oldest[:-1][::-1]
    assert found(index, "申请", sort="date") == newest
    dates = [x["published"] for x in search(index, SearchRequest("申请", sort="oldest", limit=100))["results"]]
    assert dates[:-1] == sorted(dates[:-1]) and dates[-1] is None
    with pytest.raises(UsageError, match="unknown sort 'random': use relevance, newest or oldest"):
        search(index, SearchRequest("申请", sort="random"))


# -- listings ------------------------------------------------------------------------------------
def test_an_empty_query_lists_documents_newest_first(index: Path) -> None:
    r = search(index, SearchRequest(""))
    assert r["total"] == len(DOCS) and r["sort"] == "newest"
    dates = [x["published"] for x in r["results"]]
    assert dates[-1] is None and dates[:-1] == sorted(dates[:-1], reverse=True)
    assert search(index, SearchRequest("", sort="relevance"))["sort"] == "newest"
    assert set(found(index, "", doc_type="notice")) == ids(ATTACHED, CITING)
    assert found(index, "", section="fees") == [FIRST_ONLY.id]


# -- exports -------------------------------------------------------------------------------------
def test_export_yields_every_result_as_records(index: Path) -> None:
    with open_searcher(index) as h:
        page = h.search(SearchRequest("申请", limit=2))
        rows = list(h.export(SearchRequest("申请", limit=2)))
        one_page = list(h.export(SearchRequest("申请", limit=2, page=2), every=False))
        capped = list(h.export(SearchRequest("申请"), max_rows=3))
    assert len(rows) == page["total"] > 2
    assert [r["id"] for r in rows[:2]] == [r["id"] for r in page["results"]]
    assert [r["id"] for r in one_page] == [r["id"] for r in rows[2:4]]
    assert [r["id"] for r in capped] == [r["id"] for r in rows[:3]]
    first = next(r for r in rows if r["id"] == SPREAD.id)
    assert first == {"id": SPREAD.id, "url": SPREAD.url, "title": SPREAD.title, "agency": "青溪市财政局",
                     "type": "annual_report", "year": 2021, "published": "2022-01-20",
                     "index_no": "QX0100-0101-2022-00001", "doc_no": "青财办〔2022〕1号", "status": "current", "withdrawn": None,
                     "sections": [{"number": "三", "heading": "收到和处理政府信息公开申请情况", "key": "requests"}]}


def test_export_keeps_its_searcher_open_across_a_new_commit(index: Path, tmp_path: Path) -> None:
    import shutil

    from gongkai.index import Indexer

    copy = tmp_path / "ix"
    shutil.copytree(index, copy)
    with open_searcher(copy) as h:
        rows = h.export(SearchRequest(""))
        first = next(rows)
        with Indexer(copy) as ix:
            ix.delete(SPREAD.id)
        assert h.refresh() is True
        rest = list(rows)  # still reading the generation it started on
        assert len([first, *rest]) == len(DOCS)
        assert h.search(SearchRequest(""))["total"] == len(DOCS) - 1
