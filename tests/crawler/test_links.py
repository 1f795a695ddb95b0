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


def test_list_items_name_their_articles_title_and_date() -> None:
    """A list shows each article's title (cut short with "…", whole in the title attribute) and its date
    in the same item; these become the article's list witnesses. A link in running text, or an item
    with several links, names no date."""
    page = """<ul class="list">
      <li><a href="/tzgg/202611/t20261120_1.html">关于城区临时停水的通知</a><span class="date">2026-11-20</span></li>
      <li><span class="t"><a href="/tzgg/202610/t20261001_2.html" title="关于开展2026年政府开放日活动的公告">关于开展2026年政府开放日...</a></span>
          <span class="d">[2026/10/01]</span></li>
      <li><a href="/tzgg/a3.html">关于2025年度部门决算公开的说明</a> <a href="/tzgg/a3.pdf">PDF</a> 2026-08-01</li>
    </ul>
    <div class="text"><p>根据<a href="/zcwj/b4.html">青溪县政务公开实施办法（试行）</a>的规定，2026年3月1日起施行。
    本办法自发布之日起实行，其他未尽事宜另行通知，各部门遵照执行，特此说明。请认真学习，抓好落实，确保各项工作落到实处，
    按时报送工作进展情况和总结，联系人：李明，联系电话：0000-1234567，各单位务必高度重视。</p></div>"""
    links = {link.url.rsplit("/", 1)[1]: link for link in discover("http://www.qx.gov.cn/tzgg/", page).links}
    assert (links["t20261120_1.html"].title, links["t20261120_1.html"].published) == ("关于城区临时停水的通知", "2026-11-20")
    assert (links["t20261001_2.html"].title, links["t20261001_2.html"].published) == (
        "关于开展2026年政府开放日活动的公告", "2026-10-01")
    assert (links["a3.html"].title, links["a3.html"].published) == ("关于2025年度部门决算公开的说明", "")
    assert links["b4.html"].published == ""
    assert links["a3.pdf"].title == ""  # attachments keep their own names
