"""PDF and DOCX extraction, built in the test; hostile input refused with clear messages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gongkai.errors import ExtractionError
from gongkai.extract import extract_document
from gongkai.extract.binary import MAX_UNZIPPED_BYTES, join_broken_lines

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _docx() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("白沙县林业局2021年政府信息公开")
    document.add_paragraph("工作年度报告")
    document.add_paragraph("本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("2021年，我局主动公开政府信息96条。")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["申请人情况", "自然人", "总计"], strict=True):
        cell.text = text
    merged = table.rows[1].cells[0].merge(table.rows[1].cells[1])
    merged.text = "一、本年新收政府信息公开申请数量"
    table.rows[1].cells[2].text = "3"
    document.add_paragraph("白沙县林业局")
    document.add_paragraph("2022年1月20日")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_document():
    doc = extract_document("/data/baisha_lyj_2021.docx", _docx())
    assert doc.title == "白沙县林业局2021年政府信息公开工作年度报告"
    assert doc.agency == "白沙县林业局"
    assert doc.doc_type == "annual_report" and doc.year == 2021
    lines = doc.text.split("\n")
    assert "申请人情况 | 自然人 | 总计" in lines
    assert "一、本年新收政府信息公开申请数量 | 3" in lines
    assert [s.number for s in doc.sections][:2] == ["", "一"]


def _pdf(lines: list[str]) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip(f"font {FONT} is missing (Debian package fonts-wqy-microhei); PDF test skipped")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("wqy", "", str(FONT))
    pdf.set_font("wqy", size=12)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_document():
    data = _pdf(
        [
            "青溪区审计局2020年政府信息公开工作年度报告",
            "一、总体情况",
            "2020年，我局主动公开政府信息58条。",
            "二、主动公开政府信息情况",
            "全年制发规范性文件2件。",
        ]
    )
    doc = extract_document("http://qx.example.gov.cn/attach/nb2020.pdf", data)
    assert doc.title == "青溪区审计局2020年政府信息公开工作年度报告"
    assert doc.agency == "青溪区审计局" and doc.year == 2020
    assert [s.key for s in doc.sections] == ["overview", "proactive"]
    assert "主动公开政府信息58条" in doc.text


DOCS = Path(__file__).parent / "fixtures" / "docs"


def test_pdf_lines_broken_inside_a_sentence_are_joined():
    """A phrase the PDF wrapped over two printed lines is one phrase again, and the text has no stray breaks."""
    path = DOCS / "nanping_sthjj_2021_ndbg_generic_pdf_title.pdf"
    doc = extract_document(str(path), path.read_bytes())
    text = doc.text
    for phrase in ("国务院办公厅政府信息公开工作年度报告格式要求编制", "生态环境领域“放管服”改革",
                   "全年开展公开专项培训2次,对局属各单位"):
        assert phrase in text, phrase
    # table rows, headings and the signature keep their own lines
    assert "一、本年新收政府信息公开申请数量 5 2 0 1 0 0 8" in text.split("\n")
    assert doc.sections[-1].text.split("\n")[-2:] == ["南屏市生态环境局", "2022年1月25日"]


def test_join_broken_lines_rules():
    full = "本报告依据《中华人民共和国政府信息公开条例》编制，全文包括总体情况、主动公开政府信息情"
    lines = [
        full, "况等六部分。",  # wrapped inside a word: joined
        full[:-2] + "况。", "一、总体情况",  # a line ending with 。 is a paragraph end
        full, "（一）主动公开",  # a numbered item starts its own line
        full + "2020", "年度",  # digits and Chinese join without a space
        "规章 0 0 0", "行政规范性文件 1 3 17",  # table rows stay rows
    ]
    assert join_broken_lines(lines) == [
        full + "况等六部分。", full[:-2] + "况。", "一、总体情况", full, "（一）主动公开", full + "2020年度",
        "规章 0 0 0", "行政规范性文件 1 3 17",
    ]
    # without a text block (fewer than three lines of running text) nothing is joined
    assert join_broken_lines(["青溪区教育局", "2021年政府信息公开工作年度报告"]) == [
        "青溪区教育局", "2021年政府信息公开工作年度报告"]


def test_broken_pdf_is_an_extraction_error():
    with pytest.raises(ExtractionError, match="not a readable PDF"):
        extract_document(
            "x.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage" + b"\x00" * 50
        )


def test_pdf_label_without_pdf_bytes():
    with pytest.raises(ExtractionError, match="labelled as PDF but is not one"):
        extract_document("http://x.example.gov.cn/a.pdf", b"\x00\x01 error", content_type="application/pdf")


def test_legacy_doc_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(ExtractionError, match=r"legacy Word \.doc .*not supported"):
        extract_document("report.doc", data)
    with pytest.raises(ExtractionError, match="WPS"):
        extract_document("report.wps", data)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_zip_bomb_is_refused_before_inflating():
    data = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\x00" * (MAX_UNZIPPED_BYTES + 1)})
    with pytest.raises(ExtractionError, match="zip bomb"):
        extract_document("bomb.docx", data)


def test_high_ratio_member_is_refused():
    data = _zip({"word/document.xml": b"a" * (20 * 1024 * 1024)})
    with pytest.raises(ExtractionError, match="zip bomb"):
        extract_document("bomb.docx", data)


def test_zip_that_is_not_docx():
    with pytest.raises(ExtractionError, match="not a Word document"):
        extract_document("a.docx", _zip({"readme.txt": b"hi"}))
    with pytest.raises(ExtractionError, match="OFD is not supported"):
        extract_document("a.ofd", _zip({"OFD.xml": b"<ofd/>"}))


def test_truncated_zip():
    with pytest.raises(ExtractionError, match="not a readable zip"):
        extract_document("a.docx", _docx()[:200])
