"""Platform loaders one by one: detection from the page itself, items, totals and next requests."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from gongkai.crawler import platforms
from gongkai.crawler.platforms import ListPage, Loader, read_list
from gongkai.crawler.platforms.common import following_pages, iso_date, js_call_object, records
from gongkai.crawler.request import Request, describe, request_key, split_key
from gongkai.errors import ConfigError

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

BASE = "http://www.a.gov.cn/xxgk/ndbg/index.shtml"


def page(text: str, url: str = BASE, **req: str) -> ListPage:
    return ListPage(Request(url, **req), url, text)  # type: ignore[arg-type]


def answer(data: object, url: str, *, platform: str, referer: str = BASE, method: str = "GET",
           body: str = "") -> ListPage:
    req = Request(url, kind="api", platform=platform, referer=referer, method=method, body=body)
    return ListPage(req, url, json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data)


def test_request_keys_include_method_and_body() -> None:
    get = Request("http://a.gov.cn/x?page=2")
    post = Request("http://a.gov.cn/fjdzapp/search", method="POST", body="page=2&channelid=7")
    assert get.key == "http://a.gov.cn/x?page=2"
    assert post.key == "http://a.gov.cn/fjdzapp/search#POST page=2&channelid=7"
    assert split_key(post.key) == ("http://a.gov.cn/fjdzapp/search", "POST", "page=2&channelid=7")
    assert describe(post.key) == "POST http://a.gov.cn/fjdzapp/search page=2&channelid=7"
    assert request_key(post.url, "POST", "page=3") != post.key
    hinted = Request("http://a.gov.cn/a.html", title="关于…的通知", published="2021-01-25")
    back = Request.from_store(hinted.key, "page", hinted.hint())
    assert (back.title, back.published, back.url) == ("关于…的通知", "2021-01-25", "http://a.gov.cn/a.html")
    assert Request.from_store(post.key, "api").body == "page=2&channelid=7"


def test_trs_create_page_html_generates_every_page() -> None:
    p = page("""<ul><li><a href="./202001/t20200115_1.shtml">某区2019年政府信息公开工作年度报告</a>2020-01-15</li></ul>
    <script>createPageHTML(4, 0, "index", "shtml");</script>""")
    listing = read_list(p)
    assert listing is not None and listing.platform == "trs"
    assert [r.url for r in listing.next] == [f"http://www.a.gov.cn/xxgk/ndbg/{n}" for n in
                                              ("index.shtml", "index_1.shtml", "index_2.shtml", "index_3.shtml")]
    assert all(r.paging and r.kind == "page" for r in listing.next)
    assert [(i.url, i.title, i.published) for i in listing.items] == [
        ("http://www.a.gov.cn/xxgk/ndbg/202001/t20200115_1.shtml", "某区2019年政府信息公开工作年度报告", "2020-01-15")]


def test_trs_count_page_variable_alone() -> None:
    listing = read_list(page("<script>var countPage = 3//共多少页\nvar currentPage = 0;</script>"))
    assert listing is not None
    assert [r.url.rsplit("/", 1)[1] for r in listing.next] == ["index.shtml", "index_1.shtml", "index_2.shtml"]


HANWEB = """<html><head><meta name="ColumnName" content="通知公告"></head><body><div id="div7">
<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;webid=12&amp;path=/&amp;columnid=77&amp;unitid=301&amp;webname=%E6%9F%90%E5%8E%BF&amp;permissiontype=0"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href='/art/2021/1/25/art_77_901.html' title='某县关于春节期间值班安排的通知'>某县关于春节…</a><span>2021-01-25</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2021/1/20/art_77_900.html' title='某县关于冬季防火的通告'>某县关于冬季防火的通告</a><span>2021-01-20</span></li>]]></record>
</recordset><totalrecord>5</totalrecord><totalpage>3</totalpage></datastore></script></div></body></html>"""


def test_hanweb_datastore_records_and_get_pages() -> None:
    listing = read_list(page(HANWEB, "http://www.a.gov.cn/col/col77/index.html"))
    assert listing is not None and listing.platform == "hanweb" and listing.total == 5
    assert [(i.title, i.published) for i in listing.items] == [("某县关于春节期间值班安排的通知", "2021-01-25"),
                                                              ("某县关于冬季防火的通告", "2021-01-20")]
    assert [(r.method, r.kind, r.url) for r in listing.next] == [
        ("GET", "api", "http://www.a.gov.cn/module/web/jpage/dataproxy.jsp?page=2&webid=12&path=/&columnid=77"
                       "&unitid=301&webname=%E6%9F%90%E5%8E%BF&permissiontype=0&col=1&appid=1&sourceContentType=1"),
        ("GET", "api", "http://www.a.gov.cn/module/web/jpage/dataproxy.jsp?page=3&webid=12&path=/&columnid=77"
                       "&unitid=301&webname=%E6%9F%90%E5%8E%BF&permissiontype=0&col=1&appid=1&sourceContentType=1")]
    # the XML answer of such a request: its records, nothing more to ask for on the last page
    xml = HANWEB.split("<datastore>", 1)[1].split("</datastore>", 1)[0]
    last = answer("<?xml version='1.0'?><datastore>" + xml + "</datastore>", listing.next[1].url, platform="hanweb",
                  referer="http://www.a.gov.cn/col/col77/index.html")
    got = read_list(last)
    assert got is not None and len(got.items) == 2 and got.next == []
    assert got.items[0].url == "http://www.a.gov.cn/art/2021/1/25/art_77_901.html"


def test_hanweb_post_groups_from_the_script_fields() -> None:
    text = HANWEB.replace('<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;webid=12&amp;path=/&amp;columnid=77'
                          '&amp;unitid=301&amp;webname=%E6%9F%90%E5%8E%BF&amp;permissiontype=0"></a>', "")
    text = text.replace("<totalrecord>5</totalrecord>", "<totalrecord>7</totalrecord>") + (
        "<script>var unitid = '301'; var webid=\"12\"; var columnid = 77; var webname = '某县';</script>")
    listing = read_list(page(text, "http://www.a.gov.cn/col/col77/index.html"))
    assert listing is not None
    # the static block held 2 records: the rest in groups of 2, POSTed with the form of FORMATS.md
    assert [(r.method, r.url.split("?", 1)[1]) for r in listing.next] == [
        ("POST", "startrecord=3&endrecord=4&perpage=2"), ("POST", "startrecord=5&endrecord=6&perpage=2"),
        ("POST", "startrecord=7&endrecord=8&perpage=2")]
    assert listing.next[0].body == ("col=1&appid=1&webid=12&path=/&columnid=77&sourceContentType=1&unitid=301"
                                    "&webname=%E6%9F%90%E5%8E%BF&permissiontype=0")


def test_fujian_list_model_plans_post_pages_from_its_answers() -> None:
    html = ("<ul><li><a href='./202301/t20230105_7001.htm'>关于2023年春运工作的通知</a><span>2023-01-05</span></li></ul>"
            "<script>listModel({maxStaticIndex: 1, listArgs: {channelid: 'c1', classsql: \"chnlid=9\", prepage: 1},"
            " render: function (x) { return x; }});</script>")
    listing = read_list(page(html, "http://www.a.gov.cn/zwgk/tzgg/index.htm"))
    assert listing is not None and listing.platform == "fujian" and len(listing.items) == 1
    (first,) = listing.next
    assert (first.method, first.url, first.body) == ("POST", "http://www.a.gov.cn/fjdzapp/search",
                                                     "channelid=c1&classsql=chnlid%3D9&prepage=1&page=2")
    data = {"total": 3, "data": [{"doctitle": "关于2023年防汛工作的通知", "chnldocurl": "./202302/t20230210_7002.htm",
                                  "docreltime": "2023-02-10 09:00:00"}]}
    got = read_list(answer(data, first.url, platform="fujian", referer="http://www.a.gov.cn/zwgk/tzgg/index.htm",
                           method="POST", body=first.body))
    assert got is not None and got.total == 3
    assert [(i.url, i.published) for i in got.items] == [("http://www.a.gov.cn/zwgk/tzgg/202302/t20230210_7002.htm",
                                                          "2023-02-10")]
    assert [r.body.rsplit("&", 1)[1] for r in got.next] == ["page=3"]


def test_gkmlpt_columns_from_the_hash_route_or_the_page() -> None:
    html = ("<a href='/gkmlpt/index#101'>年报</a><a href='/gkmlpt/index#102'>通知</a>"
            "<script>var config = {sid: '4401', root: '/gkmlpt/'};</script>")
    url = "http://www.a.gov.cn/gkmlpt/index"
    both = read_list(page(html, url))
    assert both is not None and [r.url for r in both.next] == [
        "http://www.a.gov.cn/gkmlpt/api/all/101?page=1&sid=4401", "http://www.a.gov.cn/gkmlpt/api/all/102?page=1&sid=4401"]
    one = read_list(page(html, url, fragment="102"))
    assert one is not None and [r.url for r in one.next] == ["http://www.a.gov.cn/gkmlpt/api/all/102?page=1&sid=4401"]
    data = {"total": 25, "articles": [{"title": f"第{i}号", "url": f"http://www.a.gov.cn/gkmlpt/content/1/102/post_{i}.html#102",
                                       "created_at": "2021-03-04 10:00:00"} for i in range(10)]}
    got = read_list(answer(data, one.next[0].url, platform="gkmlpt", referer=url))
    assert got is not None and got.total == 25 and len(got.items) == 10
    assert [r.url.split("?")[1] for r in got.next] == ["page=2&sid=4401", "page=3&sid=4401"]
    assert got.items[0].url == "http://www.a.gov.cn/gkmlpt/content/1/102/post_0.html"  # no fragment


def test_govcn_search_service_pages_with_p_and_n() -> None:
    html = "<script>var api = '/search-gov/data?t=zhengcelibrary&q=&p=1&n=2'; list = res.searchVO.listVO;</script>"
    listing = read_list(page(html, "http://www.a.gov.cn/zhengce/zhengceku/"))
    assert listing is not None and listing.platform == "govcn"
    data = {"searchVO": {"totalCount": 5, "listVO": [{"title": "国务院关于<em>…</em>的通知", "url": "/zhengce/content/2023-01/05/content_1.htm",
                                                      "pubtimeStr": "2023.01.05"}]}}
    got = read_list(answer(data, listing.next[0].url, platform="govcn"))
    assert got is not None and (got.items[0].title, got.items[0].published) == ("国务院关于…的通知", "2023-01-05")
    assert [r.url.rsplit("p=", 1)[1] for r in got.next] == ["2&n=2", "3&n=2"]


def test_generic_json_endpoint_in_a_script() -> None:
    html = "<script>fetch('/api/list?col=5&pageNo=1&pageSize=2').then(r => r.json()); var x = '/js/app.js';</script>"
    listing = read_list(page(html, "http://www.a.gov.cn/col5/"))
    assert listing is not None and listing.platform == "jsonapi"
    assert [r.url for r in listing.next] == ["http://www.a.gov.cn/api/list?col=5&pageNo=1&pageSize=2"]
    data = {"result": {"records": [{"bt": "关于某事的公告", "linkurl": "/content/post_1.html", "fbrq": "2021-06-03"},
                                   {"bt": "关于某事的通知", "linkurl": "/content/post_2.html", "fbrq": "2021-06-04"}],
                       "recordCount": 5}}
    got = read_list(answer(data, listing.next[0].url, platform="jsonapi"))
    assert got is not None and [i.title for i in got.items] == ["关于某事的公告", "关于某事的通知"]
    assert [r.url.split("pageNo=")[1] for r in got.next] == ["2&pageSize=2", "3&pageSize=2"]
    assert read_list(page("<script>var a = '/static/app.js';</script><p>没有列表</p>")) is None


def test_helpers() -> None:
    assert js_call_object("listModel({a: 1, b: 'x', c: [1, {d: null}], f: function () { return {}; }, g: true})",
                          "listModel") == {"a": 1, "b": "x", "c": [1, {"d": None}], "g": True}
    assert iso_date("2021-01-25 10:00:00") == iso_date("2021.01.25") == iso_date(1611540000000) == "2021-01-25"
    assert iso_date("") == iso_date(None) == ""
    assert records({"a": {"list": [{"title": "x", "url": "/a"}, {"title": "y", "url": "/b"}]}, "n": [1, 2, 3]}) == [
        {"title": "x", "url": "/a"}, {"title": "y", "url": "/b"}]
    assert following_pages(1, 10, 25, 10) == [2, 3]
    assert following_pages(2, 10, None, 10) == [3] and following_pages(3, 4, None, 10) == []
    assert following_pages(1, 10, 10**9, 1) == list(range(2, 501))  # junk totals are bounded


class _Rows(Loader):
    name = "rows"
    label = "test rows"

    def detect(self, page: ListPage) -> str | None:
        return "rows marker" if "ROWS" in page.text else None

    def expand(self, page: ListPage) -> platforms.Listing:
        return self.listing(items=[platforms.Item(page.url + "a.html", "标题", "2021-01-01")])


def test_register_and_name_a_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    platforms.register(_Rows())
    try:
        got = read_list(page("ROWS <script>createPageHTML(3, 0, 'index', 'html')</script>"))
        assert got is not None and got.platform == "rows"  # registered loaders are asked first
        assert "rows" in platforms.names()
        named = read_list(page("<script>createPageHTML(3, 0, 'index', 'html')</script>"), "trs")
        assert named is not None and named.platform == "trs"
    finally:
        platforms.unregister("rows")
    assert "rows" not in platforms.names()
    with pytest.raises(ConfigError, match="unknown platform 'nope'"):
        platforms.by_name("nope")


def test_loaders_from_installed_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = EntryPoint("rows", f"{__name__}:_Rows", platforms.ENTRY_POINT_GROUP)
    monkeypatch.setattr(platforms, "entry_points", lambda group: [ep] if group == platforms.ENTRY_POINT_GROUP else [])
    monkeypatch.setattr(platforms, "_plugins", None)
    assert platforms.by_name("rows").label == "test rows"
    broken = EntryPoint("broken", "no_such_module_x:Loader", platforms.ENTRY_POINT_GROUP)
    monkeypatch.setattr(platforms, "entry_points", lambda group: [broken])
    monkeypatch.setattr(platforms, "_plugins", None)
    with pytest.raises(ConfigError, match="the platform loader 'broken' .* cannot be loaded"):
        platforms.names()
    monkeypatch.setattr(platforms, "_plugins", None)


def test_sites_toml_platform_key(tmp_path: Path) -> None:
    from gongkai.crawler.sites import load_sites

    p = tmp_path / "sites.toml"
    p.write_text('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/col/col1/index.html"]\nplatform = "hanweb"\n',
                 encoding="utf-8")
    assert load_sites(p)[0].platform == "hanweb"
    p.write_text('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\nplatform = "wordpress"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"site 'a': `platform` must be one of hanweb, fujian, gkmlpt, govcn, trs, "
                                          r"jsonapi, not 'wordpress'"):
        load_sites(p)


class _Boom(_Rows):
    name = "boom"

    def expand(self, page: ListPage) -> platforms.Listing:
        raise KeyError("data-source")


def test_a_failing_loader_costs_the_page_its_list_not_the_crawl() -> None:
    platforms.register(_Boom())
    try:
        got = read_list(page("ROWS"))
    finally:
        platforms.unregister("boom")
    assert got is not None and got.items == [] and got.next == []
    assert got.reason == "the boom loader failed on this page (KeyError: 'data-source')"
