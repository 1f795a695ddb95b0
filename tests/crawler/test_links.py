"""Link discovery on pages shaped like FORMATS.md describes (roles: test_roles.py; script lists: test_platforms.py)."""

from __future__ import annotations

from gongkai.crawler.links import discover

BASE = "http://www.a.gov.cn/xxgk/ndbg/index.shtml"


def urls(page: str, url: str = BASE) -> dict[str, tuple[str, bool]]:
    return {link.url: (link.kind, link.paging) for link in discover(url, page).links}


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


def test_site_hints_narrow_the_links() -> None:
    page = """<div class="nav"><a href="/other/x.html">其他栏目的很长的一个链接标题</a></div>
    <ul class="list"><li><a href="/a/1.html">关于做好2019年度政务公开工作的通知</a></li></ul>
    <a class="nx" href="index_1.shtml">后页</a><a href="index_5.shtml">5</a>"""
    found = discover(BASE, page, list_selector="ul.list", next_selector="a.nx")
    assert {link.url for link in found.links} == {"http://www.a.gov.cn/a/1.html", "http://www.a.gov.cn/xxgk/ndbg/index_1.shtml"}
