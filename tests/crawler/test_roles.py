"""Page roles from evidence (metadata, platform and URL shapes, content), on pages shaped like FORMATS.md."""

from __future__ import annotations

from gongkai.crawler.reading import read_body
from gongkai.crawler.request import Request
from gongkai.crawler.sites import Site

HOST = "http://www.qx.example.gov.cn"
FOOTER = ("<div class='footer'><p>主办：青溪县人民政府办公室　承办：青溪县大数据中心　网站标识码：3312000001</p>"
          "<p>本网站为青溪县人民政府门户网站，建议使用1920×1080分辨率、IE10以上版本浏览器浏览本网站，以获得最佳浏览效果。</p></div>")
NAV = "".join(f"<a href='/{p}/'>{t}</a>" for p, t in [("", "首页"), ("xxgk", "政务公开"), ("hdjl", "互动交流"), ("bsfw", "办事服务")])


def role(path: str, html: str, site: Site | None = None) -> tuple[str, str]:
    url = HOST + path
    seen = read_body(Request(url), "page", url, html.encode("utf-8"), "text/html; charset=utf-8", site)
    return seen.role, seen.reason


def page(body: str, head: str = "", title: str = "青溪县人民政府") -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{NAV}{body}{FOOTER}</body></html>"


def test_article_meta_tags_mark_an_article_however_short() -> None:
    head = ("<meta name='SiteName' content='青溪县人民政府'><meta name='ColumnName' content='通知公告'>"
            "<meta name='ArticleTitle' content='关于城区临时停电的通知'><meta name='PubDate' content='2024-03-05 09:00'>")
    assert role("/info/1.html", page("<p>停电。</p>", head)) == ("article", "article meta tags (ArticleTitle, PubDate)")


def test_column_tags_alone_mark_a_list_even_with_a_long_sentence() -> None:
    head = "<meta name='SiteName' content='青溪县人民政府'><meta name='ColumnName' content='政策解读'>"
    intro = "<p>本栏目集中发布本县各部门对重要政策文件的解读材料，方便公众了解政策背景、主要内容和办理要求，欢迎监督。</p>"
    assert role("/zcjd/", page(intro, head)) == ("list", "column meta tags (ColumnName) without article tags")


def test_one_sentence_notice_is_an_article() -> None:
    body = ("<h1>关于城区部分区域临时停水的通知</h1><div class='info'>发布时间：2024-03-05</div>"
            "<div class='content'><p>因供水管道维修，定于3月6日8:00至18:00暂停城区部分区域供水，请相互转告。</p></div>")
    found, why = role("/tzgg/ts.html", page(body, title="关于城区部分区域临时停水的通知"))
    assert found == "article" and why.startswith("short notice")


def test_column_page_with_a_long_footer_sentence_is_a_list() -> None:
    items = "".join(f"<li><a href='/tzgg/{i}.html'>青溪县第{i}批惠民资金发放名单</a><span>2024-0{i}-01</span></li>"
                    for i in range(1, 4))
    assert role("/tzgg/", page(f"<ul class='list'>{items}</ul>"))[0] == "list"


def test_content_after_a_premature_closing_html_counts() -> None:
    html = (f"<html><head><meta charset='utf-8'><title>青溪县2023年政府信息公开工作年度报告</title></head><body>{NAV}"
            "</body></html><div class='TRS_Editor'><p>一、总体情况</p><p>2023年，青溪县认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "全年主动公开政府信息一千二百条，办理依申请公开十五件，均在法定期限内答复。</p></div>")
    found, why = role("/zfxxgk/ndbg/report.html", html)
    assert found == "article" and why.startswith("running text")


def test_folder_index_linking_a_pdf_is_a_list() -> None:
    html = ("<html><head><title>Index of /files/</title></head><body><h1>Index of /files/</h1><pre>"
            "<a href='../'>../</a>\n<a href='qx2023ndbg.pdf'>青溪县2023年政府信息公开工作年度报告.pdf</a>  12-Jan-2024 10:20  81234\n"
            "</pre></body></html>")
    assert role("/files/", html) == ("list", "folder index page (Index of /files/)")


def test_portal_and_site_map_are_lists() -> None:
    news = "".join(f"<li><a href='/xwzx/{i}.html'>青溪县召开第{i}次全县重点项目建设推进会议</a></li>" for i in range(12))
    welcome = "<p>欢迎访问青溪县人民政府门户网站，这里发布全县政务信息、办事指南和便民服务，我们将竭诚为您服务。</p>"
    assert role("/", page(welcome + f"<ul>{news}</ul>"))[0] == "list"
    columns = "".join(f"<a href='/col{i}/'>栏目{i}</a>" for i in range(40))
    assert role("/sitemap.html", page(f"<h1>网站地图</h1><div>{columns}</div>", title="网站地图"))[0] == "list"


def test_url_shapes_of_the_families() -> None:
    short = page("<h1>附件下载</h1>")
    assert role("/xxgk/202101/t20210125_123.html", short) == ("article", "URL shape of trs article pages")
    assert role("/art/2021/1/25/art_1234_5678.html", short) == ("article", "URL shape of hanweb article pages")
    assert role("/col/col1234/index.html", short) == ("list", "URL shape of hanweb list pages")
    assert role("/zhengce/content/2021-01/25/content_5582.htm", short)[0] == "article"


def test_running_text_with_related_links_is_an_article_and_link_lists_are_not() -> None:
    related = "".join(f"<li><a href='/a/{i}.html'>关于做好2019年度政务公开工作的第{i}号通知</a></li>" for i in range(3))
    article = page("<div class='TRS_Editor'><p>一、总体情况</p><p>2019年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，"
                   "全年主动公开政府信息120条，其中规范性文件5件，切实保障人民群众的知情权、参与权和监督权。</p></div>"
                   f"<ul>{related}</ul>")
    assert role("/a/x.html", article)[0] == "article"
    rows = "".join(f"<tr><td>QX001-2019-{i:05d}</td><td><a href='/a/{i}.html'>青溪市财政局关于第{i}批项目资金的公告</a></td>"
                   f"<td>青溪市财政局</td><td>2019年03月0{i % 9 + 1}日</td></tr>" for i in range(8))
    assert role("/a/list.jsp", page(f"<table>{rows}</table>")) == ("list", "8 document links and 0 characters of running text")
    wrapper = page("<h1>某局2020年年报</h1><p>附件：</p><a href='/f/a.pdf'>某局2020年年报.pdf</a>", title="某局2020年年报")
    assert role("/a/w.html", wrapper) == ("article", "a page wrapping its attachment")


def test_site_hints_come_first() -> None:
    site = Site("s", (HOST + "/",), ("www.qx.example.gov.cn",), body_selector="div.zw")
    assert role("/index.html", page("<div class='zw'>这是正文内容，长度超过二十个字符，足以判断为文章。</div>"), site)[0] == "article"
