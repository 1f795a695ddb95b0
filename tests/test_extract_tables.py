"""Tables kept as structure: HTML and DOCX merged cells, layout tables left out, the flattened text
unchanged, storage in the crawl-store shape and in the index (old indexes without tables still load)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.extract.document import extract_document
from gongkai.extract.tables import build_table, width
from gongkai.models import Cell, Document, Section, Table, content_hash

TABLES = Path(__file__).parent / "fixtures" / "tables"
HTML = TABLES / "yunxi_2023_ndbg_tables.html"
DOCX = TABLES / "yunxi_2023_ndbg_merged.docx"


CORNER = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
# The three header rows of the 三 (requests) table, as both fixtures merge them.
REQUESTS_HEAD = [
    [(CORNER, 3, 3), ("申请人情况", 1, 7)],
    [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
    [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)],
]


def _extract(path: Path) -> Document:
    return extract_document(str(path), path.read_bytes())


def _spans(table: Table) -> list[list[tuple[str, int, int]]]:
    return [[(c.text, c.rowspan, c.colspan) for c in row] for row in table.rows]


def _section(doc: Document, key: str) -> Section:
    return next(s for s in doc.sections if s.key == key)


def _flat(section: Section, table: Table) -> list[str]:
    return section.text.split("\n")[table.line: table.line + table.lines]


def test_html_requests_table_keeps_its_merged_header_cells() -> None:
    s = _section(_extract(HTML), "requests")
    [t] = s.tables
    assert _spans(t)[:3] == REQUESTS_HEAD  # <br /> inside a header cell joins without a space
    assert _spans(t)[5][:2] == [("三、本年度办理结果", 3, 1), ("(一)予以公开", 1, 2)]
    assert _spans(t)[6][0] == ("(四)无法提供", 2, 1)
    # &nbsp; is an empty cell, not 0
    assert [c.text for c in t.rows[3]] == ["一、本年新收政府信息公开申请数量", "31", "4", "", "", "1", "", "36"]
    assert width(t.rows) == 10 and len(t.rows) == 9 and t.header_rows == 0
    # The table covers exactly its flattened rows, which stay in the text as they always were.
    assert _flat(s, t)[0] == f"{CORNER} | 申请人情况"
    assert _flat(s, t)[-1] == "四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0"
    assert t.lines == 9 and s.text.split("\n")[t.line + t.lines:] == []


def test_html_thead_rows_are_header_rows_and_every_row_is_kept() -> None:
    doc = _extract(HTML)
    [t] = _section(doc, "appeals").tables
    assert t.header_rows == 3 and width(t.rows) == 15
    assert _spans(t)[0] == [("行政复议", 1, 5), ("行政诉讼", 1, 10)]
    assert [c.rowspan for c in t.rows[1][:5]] == [2] * 5 and t.rows[1][0].text == "结果维持"
    [p] = _section(doc, "proactive").tables
    assert _spans(p)[0] == [("第二十条第(一)项", 1, 4)]


def test_layout_tables_and_index_tables_are_not_data_tables() -> None:
    doc = _extract(HTML)
    # The page is laid out in tables (nested, banner, footer), the 总体情况 paragraph sits in a one-cell
    # table of running text and the attachment link in a one-row table: none is a data table.
    assert sum(len(s.tables) for s in doc.sections) == 3
    overview = doc.sections[1]
    assert overview.number == "一" and overview.tables == []
    assert "全年通过门户网站公开政府信息3125条" in overview.text
    other = _section(doc, "other")
    assert other.tables == [] and "附件:云溪县2023年年度报告.pdf | 下载" in other.text
    assert not any("网站标识码" in c.text for s in doc.sections for t in s.tables for r in t.rows for c in r)


def test_index_table_in_the_body_is_dropped_with_its_lines() -> None:
    page = """<html><body><div class="TRS_Editor">
    <table><tr><td>索引号:</td><td>YX01100-0101-2024-00009</td><td>发布机构:</td><td>云溪县财政局</td></tr>
    <tr><td>文号:</td><td>云财〔2024〕2号</td><td>发布日期:</td><td>2024-03-01</td></tr></table>
    <p>关于2024年部门预算公开的通知，各单位按下表时间完成公开。</p>
    <table><tr><td>单位</td><td>完成时间</td></tr><tr><td>县教育局</td><td>3月20日</td></tr></table>
    </div></body></html>"""
    doc = extract_document("http://www.yunxi.example.gov.cn/a.html", page.encode())
    [section] = doc.sections
    assert [_spans(t) for t in section.tables] == [[[("单位", 1, 1), ("完成时间", 1, 1)],
                                                    [("县教育局", 1, 1), ("3月20日", 1, 1)]]]
    assert doc.doc_no == "云财〔2024〕2号"


def test_data_table_inside_a_layout_table_is_kept() -> None:
    page = """<html><body><div id="zoom"><table><tr><td>
    <p>云溪县2024年第一批就业见习岗位公示如下，公示期5个工作日。</p>
    <table border="1"><tr><th>岗位</th><th>人数</th></tr><tr><td>文秘</td><td>2</td></tr>
    <tr><td colspan="2">合计2人</td></tr></table>
    </td></tr></table></div></body></html>"""
    doc = extract_document("http://www.yunxi.example.gov.cn/b.html", page.encode())
    [t] = doc.sections[0].tables
    assert _spans(t) == [[("岗位", 1, 1), ("人数", 1, 1)], [("文秘", 1, 1), ("2", 1, 1)], [("合计2人", 1, 2)]]
    assert t.header_rows == 1
    assert _flat(doc.sections[0], t) == ["岗位 | 人数", "文秘 | 2", "合计2人"]


def test_spans_are_clamped_to_the_table() -> None:
    rows = [[Cell("a", rowspan=0), Cell("b", colspan=5000)], [Cell("c", rowspan=99)], [Cell("d")]]
    found = build_table(rows, ["a | b", "c", "d"])
    assert found is not None
    assert _spans(found.table) == [[("a", 3, 1), ("b", 1, 1000)], [("c", 2, 1)], [("d", 1, 1)]]
    assert build_table([[Cell("a"), Cell("b")]], ["a | b"]) is None  # one row: no data table
    assert build_table([[Cell("a")], [Cell("b")]], ["a", "b"]) is None  # one column


def test_bad_span_attributes_count_as_one() -> None:
    page = """<html><body><div class="content"><p>云溪县2024年政府信息公开工作要点，具体安排见下表。</p><table>
    <tr><td rowspan="x">甲</td><td colspan="-2">乙</td><td colspan="2;">丙</td></tr>
    <tr><td>1</td><td>2</td><td>3</td></tr></table></div></body></html>"""
    doc = extract_document("http://www.yunxi.example.gov.cn/c.html", page.encode())
    [t] = doc.sections[0].tables
    assert _spans(t)[0] == [("甲", 1, 1), ("乙", 1, 1), ("丙", 1, 2)]


def test_docx_merged_cells_from_grid_span_and_vmerge() -> None:
    s = _section(_extract(DOCX), "requests")
    [t] = s.tables
    assert _spans(t)[:3] == REQUESTS_HEAD
    assert _spans(t)[4][:2] == [("三、本年度办理结果", 3, 1), ("(一)予以公开", 1, 2)]
    assert _spans(t)[5][:2] == [("(四)无法提供", 2, 1), ("1.本机关不掌握相关政府信息", 1, 1)]
    assert _spans(t)[6][0] == ("2.没有现成信息需要另行制作", 1, 1)
    assert t.header_rows == 3 and width(t.rows) == 10 and len(t.rows) == 8
    # python-docx's flattening (merged cells repeated in every row they cover) is what the text keeps.
    assert _flat(s, t)[1] == f"{CORNER} | 自然人 | 法人或其他组织 | 总计"
    assert t.lines == 8


def test_docx_without_tables_and_pdf_have_none() -> None:
    pdf = Path(__file__).parent / "fixtures" / "docs" / "qingxi_jyj_2021_ndbg.pdf"
    assert all(s.tables == [] for s in _extract(pdf).sections)


def test_tables_survive_the_storage_shape_and_old_documents_load() -> None:
    doc = _extract(HTML)
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again.sections == doc.sections
    old = doc.to_dict()
    for s in old["sections"]:
        del s["tables"]
    assert all(s.tables == [] for s in Document.from_dict(old).sections)
    # The text is what the content hash covers; tables add no content of their own.
    bare = Document.from_dict(old)
    assert content_hash(bare) == content_hash(doc)


def test_tables_round_trip_through_the_index(tmp_path: Path) -> None:
    from gongkai.index import Indexer
    from gongkai.index.search import get_document

    html, docx = _extract(HTML), _extract(DOCX)
    with Indexer(tmp_path / "ix") as ix:
        assert [ix.upsert(html), ix.upsert(docx)] == ["new", "new"]
    for doc in (html, docx):
        assert get_document(tmp_path / "ix", doc.id).sections == doc.sections
    with Indexer(tmp_path / "ix") as ix:
        assert ix.upsert(html) == "unchanged"


def test_index_written_before_tables_loads_and_is_rewritten_with_them(tmp_path: Path) -> None:
    from gongkai.index import Indexer, writer
    from gongkai.index.search import get_document

    doc = _extract(HTML)
    bare = Document.from_dict({**doc.to_dict(), "sections": [
        {**s, "tables": []} for s in doc.to_dict()["sections"]]})
    old_meta = writer.document_meta
    try:  # the writer of an older gongkai: no "tables" in the stored meta
        writer.document_meta = lambda *a, **k: {  # type: ignore[assignment]
            key: v for key, v in old_meta(*a, **k).items() if key != "tables"}
        with Indexer(tmp_path / "ix") as ix:
            ix.upsert(bare)
    finally:
        writer.document_meta = old_meta
    loaded = get_document(tmp_path / "ix", doc.id)
    assert [s.text for s in loaded.sections] == [s.text for s in doc.sections]
    assert all(s.tables == [] for s in loaded.sections)
    with Indexer(tmp_path / "ix") as ix:
        assert ix.upsert(doc) == "updated"
    assert get_document(tmp_path / "ix", doc.id).sections == doc.sections


@pytest.mark.parametrize("path", [HTML, DOCX], ids=["html", "docx"])
def test_statistics_read_the_same_figures_with_tables(path: Path) -> None:
    from gongkai.stats import extract_figures

    doc = _extract(path)
    figures = extract_figures(doc)
    bare = Document.from_dict({**doc.to_dict(), "sections": [{**s, "tables": []} for s in doc.to_dict()["sections"]]})
    assert figures == extract_figures(bare)
    assert figures["fields"]["requests.new.natural"]["value"] == 31
    assert figures["fields"]["requests.new.total"]["value"] == 36
