"""The document page shows a section's tables as HTML tables, merged cells kept, in place of their
flattened "a | b | c" lines; query words are marked inside cells; cell text is escaped."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from gongkai.models import Document
from gongkai.web import create_app


def _page(index: Path, url: str) -> BeautifulSoup:
    with create_app(index).test_client() as client:
        r = client.get(url)
        assert r.status_code == 200
        return BeautifulSoup(r.get_data(as_text=True), "lxml")


def test_sections_show_their_tables_with_merged_cells(tables_index: Path, tables_doc: Document) -> None:
    soup = _page(tables_index, f"/doc/{tables_doc.id}")
    requests = soup.select_one("section.doc-section[data-key=requests]")
    assert requests is not None
    [table] = requests.select(".table-scroll > table.doc-table")
    rows = table.select("tr")
    assert len(rows) == 9
    first = [(td.get_text(), td.get("rowspan"), td.get("colspan")) for td in rows[0].select("td")]
    assert first == [("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "3", "3"),
                     ("申请人情况", None, "7")]
    assert [td.get_text() for td in rows[2].select("td")] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert rows[5].select("td")[0].get("rowspan") == "3"
    # The flattened rows are not shown again as paragraphs.
    paragraphs = [p.get_text() for p in requests.select("p")]
    assert not any("|" in p for p in paragraphs)
    assert "自然人 | 法人或其他组织 | 总计" not in requests.get_text()
    appeals = soup.select_one("section.doc-section[data-key=appeals] table.doc-table")
    assert appeals is not None and len(appeals.select("thead tr")) == 3 and len(appeals.select("tbody tr")) == 1
    assert [th.get("colspan") for th in appeals.select("thead tr")[0].select("th")] == ["5", "10"]
    # Paragraphs around the tables are still there, in order.
    other = soup.select_one("section.doc-section[data-key=other]")
    assert other is not None and other.select("table") == []
    assert "附件:云溪县2023年年度报告.pdf | 下载" in [p.get_text() for p in other.select("p")]


def test_query_words_are_marked_in_cells(tables_index: Path, tables_doc: Document) -> None:
    soup = _page(tables_index, f"/doc/{tables_doc.id}?q=自然人")
    requests = soup.select_one("section.doc-section[data-key=requests]")
    assert requests is not None and "has-hits" in requests["class"]
    marked = requests.select("table.doc-table td mark")
    assert [m.get_text() for m in marked] == ["自然人"]


def test_cell_text_is_escaped(tables_index: Path) -> None:
    from gongkai.index.search import get_document
    from gongkai.models import document_id

    doc = get_document(tables_index, document_id("http://evil.example.gov.cn/t.html"))
    soup = _page(tables_index, f"/doc/{doc.id}?q=依申请公开")
    table = soup.select_one("table.doc-table")
    assert table is not None and table.select("script, img") == []
    assert "<script>alert(4)</script>" in table.get_text()
    assert [td.get("colspan") for td in table.select("tr")[1].select("td")] == ["2"]
    assert [m.get_text() for m in table.select("mark")] == ["依申请公开", "依申请公开"]


def test_api_and_show_json_carry_the_tables(tables_index: Path, tables_doc: Document) -> None:
    from click.testing import CliRunner

    from gongkai.cli import cli

    with create_app(tables_index).test_client() as client:
        record = client.get(f"/api/documents/{tables_doc.id}").get_json()
    result = CliRunner().invoke(cli, ["show", "--index", str(tables_index), "--json", tables_doc.id])
    assert result.exit_code == 0, result.output
    import json

    shown = json.loads(result.output)
    assert shown["sections"] == record["sections"]
    [table] = next(s for s in shown["sections"] if s["key"] == "requests")["tables"]
    assert set(table) == {"rows", "line", "lines", "header_rows"}
    assert table["rows"][0][0] == {"text": "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
                                   "rowspan": 3, "colspan": 3}
