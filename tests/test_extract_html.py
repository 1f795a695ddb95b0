"""HTML article pages: title, agency, index table layouts, body container, chrome, tables, attachments."""

from __future__ import annotations

import pytest

from gongkai.errors import ExtractionError
from gongkai.extract import extract_document, find_attachments
from gongkai.extract.meta import parse_index_table
from gongkai.extract.witness import agency_from_title, clean_title

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

URL = "http://www.qingxi.example.gov.cn/xxgk/zfxxgknb/202001/t20200115_1001.html"

PAGE = """<!DOCTYPE html><html><head>
<meta charset="utf-8">
<title>青溪区财政局2019年政府信息公开工作年度报告_青溪区人民政府</title>
<meta name="SiteName" content="青溪区人民政府门户网站">
{meta}
<script>var x = "浏览次数";</script><style>.a{{color:red}}</style>
</head><body>
<div class="topbar"><a id="wza">无障碍浏览</a> <a>长者模式</a> <a href="/login">登录</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; 信息公开年报</div>
<table class="xxgk">
<tr><td>索 引 号：</td><td>QX1001/2020-00003</td><td>发布机构：</td><td>青溪区财政局</td></tr>
<tr><td>文　　号：</td><td>无</td><td>主题分类：</td><td>财政&nbsp;</td></tr>
<tr><td>成文日期：</td><td>2020-01-14</td><td>发布日期：</td><td>2020-01-15</td></tr>
</table>
<h1>青溪区财政局2019年政府信息公开工作年度报告</h1>
<div class="info">发布时间：2020-01-15 09时30分 浏览次数：20730次 字号：大 中 小 【打印】【关闭】</div>
<div class="TRS_Editor">
<p>　　本报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。</p>
<p>一、总体情况</p>
<p>2019年，我局主动公开政府信息312条。</p>
<p>二、主动公开政府信息情况</p>
<table border="1">
<tr><td>信息内容</td><td>本年新<br/>制作数量</td><td>本年新公开数量</td></tr>
<tr><td>规章</td><td>&nbsp;</td><td>0</td></tr>
</table>
<p>三、收到和处理政府信息公开申请情况</p><p>全年收到申请5件。</p>
<div class="share">分享到：微信 微博</div>
</div>
<p class="fj">附件：<a href="/attach/P0202001.pdf">青溪区财政局2019年年报.pdf</a>
<a href="../files/tongji.xlsx" title="统计表"></a> <a href="/a.html">无关链接</a></p>
<div class="footer">主办单位：青溪区人民政府 网站标识码：3301100008</div>
</body></html>"""


def _page(meta: str = "") -> bytes:
    return PAGE.format(meta=meta).encode("utf-8")


@pytest.fixture(scope="module")
def doc():
    return extract_document(URL, _page(), content_type="text/html")


def test_title_without_site_suffix(doc):
    assert doc.title == "青溪区财政局2019年政府信息公开工作年度报告"


def test_index_table_fields(doc):
    assert doc.index_no == "QX1001/2020-00003"
    assert doc.agency == "青溪区财政局"
    assert doc.doc_no == ""
    assert doc.topic == "财政"
    assert doc.published == "2020-01-15"


def test_type_and_year(doc):
    assert doc.doc_type == "annual_report"
    assert doc.year == 2019


def test_ids(doc):
    from gongkai.models import content_hash, document_id

    assert doc.id == document_id(URL) and doc.url == URL
    assert doc.content_hash == content_hash(doc)


def test_body_without_chrome(doc):
    text = doc.text
    for junk in (
        "当前位置",
        "无障碍",
        "长者模式",
        "登录",
        "浏览次数",
        "字号",
        "打印",
        "关闭",
        "分享",
        "网站标识码",
        "color:red",
        "索引号",
    ):
        assert junk not in text, junk
    assert "我局主动公开政府信息312条" in text


def test_table_rows_flattened(doc):
    lines = doc.text.split("\n")
    assert "信息内容 | 本年新制作数量 | 本年新公开数量" in lines
    assert "规章 | | 0" in lines


def test_sections(doc):
    assert [s.number for s in doc.sections] == ["", "一", "二", "三"]
    assert [s.key for s in doc.sections][1:] == ["overview", "proactive", "requests"]


def test_attachments(doc):
    assert [(a.url, a.name, a.kind) for a in doc.attachments] == [
        ("http://www.qingxi.example.gov.cn/attach/P0202001.pdf", "青溪区财政局2019年年报.pdf", "pdf"),
        ("http://www.qingxi.example.gov.cn/xxgk/zfxxgknb/files/tongji.xlsx", "统计表", "xlsx"),
    ]


def test_meta_tags_and_index_table_rank_above_the_page():
    meta = (
        '<meta name="ArticleTitle" content="白沙县财政局2019年政府信息公开工作年度报告">'
        '<meta name="ContentSource" content="白沙县财政局"><meta name="PubDate" content="2020年02月03日 16:40">'
    )
    html = _page(meta).decode().replace("<td>发布日期：</td><td>2020-01-15</td>", "")
    doc = extract_document(URL, html.encode())
    assert doc.title == "白沙县财政局2019年政府信息公开工作年度报告"
    # The index table's 发布机构 is a better witness than ContentSource (FORMATS.md).
    assert doc.agency == "青溪区财政局"
    assert doc.published == "2020-02-03"
    assert (doc.provenance["title"], doc.provenance["agency"], doc.provenance["published"]) == (
        "meta ArticleTitle", "index table 发布机构", "meta PubDate")


def test_published_falls_back_to_page_date_then_url():
    html = (
        "<html><head><title>关于做好春节值班的通知</title></head><body><div id='zoom'>{}</div></body></html>"
    )
    body = "<p>各单位：请做好春节期间值班工作，确保安全稳定，及时报送信息。</p>"
    doc = extract_document(URL, html.format(body).encode())
    assert doc.published == "2020-01-15" and doc.doc_type == "notice" and doc.year == 2020
    doc = extract_document(URL, html.format("<p>发布时间:2020-01-13 10时59分</p>" + body).encode())
    assert doc.published == "2020-01-13"


def test_largest_text_block_without_known_container():
    html = (
        "<html><head><title>白沙县教育局政府信息公开指南 - 白沙县门户网站</title></head><body>"
        "<div class='menu'><a>首页</a><a>机构</a></div>"
        "<div class='xx'><p>一、公开主体</p><p>白沙县教育局负责本机关政府信息公开工作，办公地址在县府路1号。</p>"
        "<p>二、公开方式</p><p>主动公开的信息通过县政府门户网站发布。</p></div></body></html>"
    )
    doc = extract_document("http://bs.example.gov.cn/a.html", html.encode())
    assert doc.title == "白沙县教育局政府信息公开指南"
    assert doc.doc_type == "guide" and doc.agency == "白沙县教育局"
    assert "首页" not in doc.text and "办公地址" in doc.text


def test_empty_body_with_attachment_is_a_document():
    html = (
        "<html><head><title>云岭镇2021年政府信息公开工作年度报告</title></head><body>"
        "<div class='TRS_Editor'></div><a href='nb.pdf'>年报全文</a></body></html>"
    )
    doc = extract_document("http://yl.example.gov.cn/xxgk/202201/t20220120_1.html", html.encode())
    assert doc.attachments[0].url == "http://yl.example.gov.cn/xxgk/202201/nb.pdf"
    assert len(doc.sections) == 1 and doc.sections[0].key == "other"
    assert doc.year == 2021 and doc.agency == "云岭镇"


def test_junk_html_is_refused():
    with pytest.raises(ExtractionError, match="no title and no text"):
        extract_document("http://x.example.gov.cn/a.html", b"<html><body><script>x()</script></body></html>")


@pytest.mark.parametrize(
    "raw,title",
    [
        ("青溪区2019年政府信息公开工作年度报告_青溪区人民政府", "青溪区2019年政府信息公开工作年度报告"),
        ("关于印发实施方案的通知 - 白沙县门户网站", "关于印发实施方案的通知"),
        (
            "白沙县财政局2021年度政府信息公开工作年度报告-白沙县人民政府",
            "白沙县财政局2021年度政府信息公开工作年度报告",
        ),
        ("政务公开|青溪区2020年政务公开工作要点", "青溪区2020年政务公开工作要点"),
        ("青溪区2019年 政府信息公开工作年度报告", "青溪区2019年政府信息公开工作年度报告"),
    ],
)
def test_clean_title(raw, title):
    assert clean_title(raw) == title


@pytest.mark.parametrize(
    "title,agency",
    [
        ("青溪区人民政府2019年政府信息公开工作年度报告", "青溪区人民政府"),
        ("白沙县财政局2020年政府信息公开工作年度报告", "白沙县财政局"),
        ("白沙县财政局关于做好预算公开的通知", "白沙县财政局"),
        ("东湖街道办事处政府信息公开指南", "东湖街道办事处"),
        ("关于印发工作要点的通知", ""),
    ],
)
def test_agency_from_title(title, agency):
    assert agency_from_title(title) == agency


def test_index_layouts():
    bullets = parse_index_table(
        [
            "• 索引号：XM02100-0101-2019-00001",
            "• 发文机关：青溪区人民政府",
            "• 发文字号：厦湖府〔2019〕1号",
            "• 组配分类：政务公开",
        ]
    )
    assert (bullets.index_no, bullets.agency, bullets.doc_no, bullets.topic) == (
        "XM02100-0101-2019-00001",
        "青溪区人民政府",
        "厦湖府〔2019〕1号",
        "政务公开",
    )
    inline = parse_index_table(["索引号:FZ0021/2021-00315 发文机构:白沙县财政局 文号:冠政办发〔2021〕9号"])
    assert (inline.index_no, inline.agency, inline.doc_no) == (
        "FZ0021/2021-00315",
        "白沙县财政局",
        "冠政办发〔2021〕9号",
    )
    separate = parse_index_table(["索引号", "12620600MB0523338C/2025-04735", "文号:", "青溪区2024年年度报告"])
    assert separate.index_no == "12620600MB0523338C/2025-04735" and separate.doc_no == ""
    traditional = parse_index_table(["索 引 號：QX/2022-1", "發布機構：青溪區人民政府"])
    assert traditional.index_no == "QX/2022-1" and traditional.agency == "青溪區人民政府"


def test_find_attachments_kinds():
    html = (
        '<a href="a.doc">A</a><a href="b.DOCX">B</a><a href="c.wps">C</a><a href="d.ofd">D</a>'
        '<a href="down.jsp?file=e.pdf">附件1：E</a><a href="a.doc">dup</a><a href="javascript:f(\'x.pdf\')">js</a>'
    )
    found = find_attachments("http://x.example.gov.cn/y/z.html", html)
    assert [(a.name, a.kind) for a in found] == [
        ("A", "doc"),
        ("B", "docx"),
        ("C", "wps"),
        ("D", "ofd"),
        ("E", "pdf"),
    ]
    assert found[0].url == "http://x.example.gov.cn/y/a.doc"
