"""Link discovery and list/article detection on pages shaped like FORMATS.md describes."""

from __future__ import annotations

from gongkai.crawler.links import discover

BASE = "http://www.a.gov.cn/xxgk/ndbg/index.shtml"


def urls(page: str, url: str = BASE) -> dict[str, tuple[str, bool]]:
    return {link.url: (link.kind, link.paging) for link in discover(url, page).links}


def test_trs_create_page_html_generates_every_page() -> None:
    page = """<ul><li><a href="./202001/t20200115_1.shtml">某区2019年政府信息公开工作年度报告</a>2020-01-15</li></ul>
    <script>createPageHTML(4, 0, "index", "shtml");</script>"""
    found = urls(page)
    for n in (1, 2, 3):
        assert found[f"http://www.a.gov.cn/xxgk/ndbg/index_{n}.shtml"] == ("page", True)
    assert found["http://www.a.gov.cn/xxgk/ndbg/202001/t20200115_1.shtml"] == ("page", False)
    assert discover(BASE, page).role == "list"


def test_count_page_variable_alone() -> None:
    found = urls('<script>var countPage = 3//共多少页\nvar currentPage = 0;</script>')
    assert "http://www.a.gov.cn/xxgk/ndbg/index_2.shtml" in found
    assert "http://www.a.gov.cn/xxgk/ndbg/index_3.shtml" not in found


def test_next_page_links_keep_depth() -> None:
    page = '<a href="/index.html">首页</a><a href="list_2.html">下一页</a><a href="list_9.html">尾页</a>'
    found = urls(page, "http://www.a.gov.cn/tzgg/list.html")
    assert found["http://www.a.gov.cn/tzgg/list_2.html"] == ("page", True)
    assert found["http://www.a.gov.cn/tzgg/list_9.html"] == ("page", True)


def test_query_string_paging_with_page_count() -> None:
    page = '<div>共 4 页 <a href="list.jsp?cid=7&cur_page=2">2</a></div>'
    found = urls(page, "http://www.a.gov.cn/col/list.jsp?cid=7")
    for n in (1, 2, 3, 4):
        assert found[f"http://www.a.gov.cn/col/list.jsp?cid=7&cur_page={n}"] == ("page", True)


def test_meta_refresh_attachments_and_junk_links() -> None:
    page = """<html><head><meta http-equiv="refresh" content="0;URL='/new/index.html'"></head><body>
    <a href="javascript:void(0)">打印</a><a href="mailto:x@a.gov.cn">信箱</a><a href="#top">顶部</a>
    <a href="/logo.png">图</a><a href="file:///etc/passwd">x</a><a href="http://other.cn/a.html#frag">外链</a>
    <a href="/files/report.PDF">附件：年报.pdf</a></body></html>"""
    found = urls(page)
    assert found == {
        "http://www.a.gov.cn/new/index.html": ("page", True),
        "http://other.cn/a.html": ("page", False),  # scope is the frontier's job
        "http://www.a.gov.cn/files/report.PDF": ("attachment", False),
    }


def test_article_and_list_roles() -> None:
    article = """<html><body><a href="/">首页</a><a href="/xxgk/">政务公开</a>
    <div class="TRS_Editor"><p>一、总体情况</p><p>2019年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，
    全年主动公开政府信息120条，其中规范性文件5件，切实保障人民群众的知情权、参与权和监督权。</p></div>
    <ul><li><a href="/a/1.html">关于做好2019年度政务公开工作的通知</a></li><li><a href="/a/2.html">关于开展2019年度政府网站检查的通知</a></li></ul>
    </body></html>"""
    assert discover(BASE, article).role == "article"
    rows = "".join(f'<tr><td>QX001-2019-{i:05d}</td><td><a href="/a/{i}.html">青溪市财政局关于第{i}批项目资金的公告</a></td>'
                   f"<td>青溪市财政局</td><td>2019年03月0{i % 9 + 1}日</td></tr>" for i in range(8))
    listing = f"<html><body><table>{rows}</table><div>主办：青溪市人民政府办公室 网站标识码：3312000001</div></body></html>"
    assert discover(BASE, listing).role == "list"
    wrapper = '<html><body><h1>某局2020年年报</h1><p>附件：</p><a href="/f/a.pdf">某局2020年年报.pdf</a></body></html>'
    assert discover(BASE, wrapper).role == "article"


def test_site_hints_narrow_the_links() -> None:
    page = """<div class="nav"><a href="/other/x.html">其他栏目的很长的一个链接标题</a></div>
    <ul class="list"><li><a href="/a/1.html">关于做好2019年度政务公开工作的通知</a></li></ul>
    <a class="nx" href="index_1.shtml">后页</a><a href="index_5.shtml">5</a>"""
    found = discover(BASE, page, list_selector="ul.list", next_selector="a.nx")
    assert {link.url for link in found.links} == {"http://www.a.gov.cn/a/1.html", "http://www.a.gov.cn/xxgk/ndbg/index_1.shtml"}
    assert found.role == "list"
