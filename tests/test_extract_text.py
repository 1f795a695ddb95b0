"""Plain text input, dispatch, doc types and junk input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.errors import ExtractionError
from gongkai.extract import extract_document
from gongkai.extract.classify import classify
from gongkai.extract.text import is_chrome, join_broken_cells, unflatten

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

TXT = """您的位置:首页 > 白沙县人民政府办公室信息公开年报

白沙县人民政府2016年政府信息公开年度报告

字体大小:【
浏览次数:发布时间:2017-01-20 00:00

    根据《中华人民共和国政府信息公开条例》规定，特向社会公布2016年本级政府信息公开工作年度报告。

一、概述
2016年，白沙县进一步完善政务公开工作机制。
二、主动公开政府信息情况
全年主动公开政府信息1200条。
"""


def test_plain_text_report():
    doc = extract_document("/data/baisha_2016.txt", TXT.encode("utf-8"))
    assert doc.title == "白沙县人民政府2016年政府信息公开年度报告"
    assert doc.agency == "白沙县人民政府"
    assert doc.published == "2017-01-20"
    assert doc.year == 2016 and doc.doc_type == "annual_report"
    assert "浏览次数" not in doc.text and "您的位置" not in doc.text and "字体大小" not in doc.text
    assert [s.number for s in doc.sections] == ["", "一", "二"]


def test_plain_text_in_gbk():
    doc = extract_document("/data/baisha_2016.txt", TXT.encode("gbk"))
    assert doc.title == "白沙县人民政府2016年政府信息公开年度报告"


def test_unnumbered_text_gives_one_other_section():
    doc = extract_document("/data/note.txt", "青溪区停水通告\n因管道维修，青溪区部分路段停水一天。".encode())
    assert doc.doc_type == "notice"
    assert [(s.number, s.key) for s in doc.sections] == [("", "other")]


def test_nul_bytes_and_surrogates_do_not_crash():
    text = "青溪区财政局关于公开预算的通知\n正文\x00内容\ud800。\n".encode("utf-8", "surrogatepass")
    doc = extract_document("/data/x.txt", text)
    assert doc.title == "青溪区财政局关于公开预算的通知"
    assert "\x00" not in doc.text


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "is empty"),
        (b"   \n ", "is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG image"),
        (bytes(range(256)) * 40, "binary data"),
    ],
)
def test_junk_is_refused(data, message):
    with pytest.raises(ExtractionError, match=message):
        extract_document("http://x.example.gov.cn/page.html", data, content_type="text/html")


def test_markup_without_html_extension_is_html():
    doc = extract_document(
        "/data/page",
        "<html><title>白沙县2020年政务公开工作要点</title><body><p>一、总体要求</p>"
        "<p>坚持以公开为常态。</p></body></html>".encode(),
    )
    assert doc.title == "白沙县2020年政务公开工作要点" and doc.doc_type == "policy" and doc.year == 2020


@pytest.mark.parametrize(
    "title,kind",
    [
        ("青溪区2019年政府信息公开工作年度报告", "annual_report"),
        ("青溪区政府信息公开年报（2018年）", "annual_report"),
        ("《白沙县农村饮水安全管理办法》政策解读", "interpretation"),
        ("青溪区财政局政府信息公开指南", "guide"),
        ("关于印发《青溪区2021年政务公开工作要点》的通知", "policy"),
        ("白沙县关于加快发展的实施意见", "policy"),
        ("青溪区城市管理条例实施细则", "policy"),
        ("关于开展安全检查的通知", "notice"),
        ("白沙县自然资源局征收土地公告", "notice"),
        ("关于报送2020年政府信息公开工作年度报告的通知", "notice"),
        ("青溪区领导分工", "other"),
        ("青溪區2021年政府信息公開工作年度報告", "annual_report"),
    ],
)
def test_classify(title, kind):
    assert classify(title) == kind


def test_chrome_lines():
    for line in (
        "当前位置：首页 > 政务公开",
        "字号：大 中 小",
        "【打印】【关闭】",
        "浏览次数：20730次",
        "无障碍浏览",
        "长者模式",
        "分享到：",
        "登录 | 注册",
        "當前位置：首頁",
    ):
        assert is_chrome(line), line
    for line in ("一、概述", "全年打印宣传资料3000份。", "发文字号:", "主动公开政府信息情况"):
        assert not is_chrome(line), line


def test_one_line_report_is_split():
    line = (
        "青溪区2022年政府信息公开工作年度报告 发布时间：2023-01-31 09:00 本报告统计期限自2022年1月1日至2022年12月31日。"
        " 一、总体情况 （一）主动公开 全年公开信息917条。"
        + " 全年工作扎实推进。" * 20
        + " 二、主动公开政府信息情况 规章 0 0 0"
    )
    assert unflatten([line]) == [
        "青溪区2022年政府信息公开工作年度报告",
        "发布时间：2023-01-31 09:00",
        "本报告统计期限自2022年1月1日至2022年12月31日。",
        "一、总体情况",
        "（一）主动公开 全年公开信息917条。" + " 全年工作扎实推进。" * 20,
        "二、主动公开政府信息情况 规章 0 0 0",
    ]


def test_broken_cells_rejoined():
    assert join_broken_cells(["自然人", "商业", "企业", "社会公益", "组织", "其他"]) == [
        "自然人",
        "商业企业",
        "社会公益组织",
        "其他",
    ]


def test_text_overlap_sees_copies_through_line_breaks_and_punctuation():
    from gongkai.extract.text import text_overlap

    html = "一、总体情况\n2021年，青溪区教育局主动公开政府信息612条，其中招生入学信息88条。"
    pdf = "一、总体情况 2021年,青溪区教育局主动公开政府信息612条,其中招生\n入学信息88条。"
    assert text_overlap(html, pdf) == 1.0
    assert text_overlap(html, "关于公布学校名单的通知：各学校请认真核对名单，如有异议及时反馈。") < 0.1
    assert text_overlap("", pdf) == 0.0


_TRANSLATED = "報開資訊讀辦規實條細點見統計數據時間區縣機關構號類發來鄉鎮務業會與為門戶網當處覆"


@given(st.text(alphabet=st.sampled_from(_TRANSLATED + "明报告年度公开 abc\n"), max_size=60))
@settings(max_examples=300, deadline=None)
def test_translate_found_is_translate(text: str) -> None:
    """Replacing only the characters found gives what translating every character gives, however many
    distinct ones there are (more than 8: translate itself)."""
    from gongkai.extract.text import _TRAD_CHARS, _TRAD_TABLE, translate_found
    from gongkai.stats.figures import _TRAD_EXTRA, _TRAD_EXTRA_CHARS

    assert translate_found(text, _TRAD_CHARS, _TRAD_TABLE) == text.translate(_TRAD_TABLE)
    assert translate_found(text, _TRAD_EXTRA_CHARS, _TRAD_EXTRA) == text.translate(_TRAD_EXTRA)
