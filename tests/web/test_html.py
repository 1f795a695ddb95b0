"""The HTML pages, in-process through Flask's test client, checked with BeautifulSoup."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from gongkai.errors import QueryError
from gongkai.index import Indexer, SearchRequest, search
from gongkai.models import Document
from gongkai.vocabulary import type_label
from gongkai.web import create_app
from gongkai.web.views import safe_snippet


def soup_of(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "text/html"
    return BeautifulSoup(r.get_data(as_text=True), "lxml")


def params_of(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def result_ids(soup: BeautifulSoup) -> list[str]:
    return [li["data-id"] for li in soup.select("ol.results > li.result")]


def api(client: FlaskClient, url: str) -> dict[str, Any]:
    r = client.get(url)
    assert r.status_code == 200
    return r.get_json()  # type: ignore[no-any-return]


# ---------------------------------------------------------------- search page


def test_landing_page_shows_newest_documents_and_examples(client: FlaskClient) -> None:
    soup = soup_of(client, "/")
    assert soup.title is not None and "政府信息公开检索" in soup.title.text
    assert soup.select_one("form.searchbox-main input[name=q]") is not None
    assert len(result_ids(soup)) == 10
    assert soup.select("p.examples a")
    dates = [t["datetime"] for t in soup.select("ol.results time")]
    assert dates == sorted(dates, reverse=True)


def test_results_match_the_search_api(client: FlaskClient) -> None:
    soup = soup_of(client, "/?q=依申请公开")
    data = api(client, "/api/search?q=依申请公开")
    assert soup.select_one("#total").text == str(data["total"])
    assert result_ids(soup) == [r["id"] for r in data["results"]]
    first = soup.select_one("ol.results > li.result")
    link = first.select_one("h2 a")
    assert link.text == data["results"][0]["title"]
    assert link["href"].startswith(f"/doc/{data['results'][0]['id']}?")
    assert params_of(link["href"]) == {"q": "依申请公开"}
    assert first.select_one(".agency").text == data["results"][0]["agency"]
    assert first.select_one(".tag").text == type_label(data["results"][0]["type"])
    assert type_label("policy") == "政策文件"  # the page is Chinese by default
    assert first.select(".snippet mark"), "snippets show highlighted matches"
    report = soup.select_one("li.result .tag.tag-annual_report").find_parent("li")
    assert [h.text for h in report.select(".hit-head")] == ["三、收到和处理政府信息公开申请情况"]


def test_facet_counts_and_links_add_filters(client: FlaskClient) -> None:
    soup = soup_of(client, "/?q=依申请公开")
    data = api(client, "/api/search?q=依申请公开")
    for name in ("year", "section", "type", "agency"):
        links = soup.select(f"a[data-facet={name}]")
        shown = {a["data-value"]: int(a.select_one(".count").text) for a in links}
        assert shown == {k: v for k, v in data["facets"][name].items() if v}
        for a in links:
            assert params_of(a["href"]) == {"q": "依申请公开", name: a["data-value"]}
    labels = {
        a["data-value"]: a.select_one(".facet-label").text for a in soup.select("a[data-facet=section]")
    }
    assert labels["requests"] == "依申请公开"
    types = {a["data-value"]: a.select_one(".facet-label").text for a in soup.select("a[data-facet=type]")}
    assert types["annual_report"] == "年度报告"


def test_active_filter_shows_a_removable_chip(client: FlaskClient) -> None:
    soup = soup_of(client, "/?q=依申请公开&year=2015-2019&section=requests&page=2")
    chips = {a["data-remove"]: a for a in soup.select(".chips a[data-remove]")}
    assert set(chips) == {"year", "section"}
    assert "2015-2019" in chips["year"].text
    assert "依申请公开" in chips["section"].text
    assert params_of(chips["year"]["href"]) == {"q": "依申请公开", "section": "requests"}
    assert params_of(chips["section"]["href"]) == {"q": "依申请公开", "year": "2015-2019"}
    # The active facet entry toggles the filter off.
    active = soup.select_one("a[data-facet=section][data-value=requests]")
    assert active.find_parent("li")["class"] == ["active"]
    assert "section" not in params_of(active["href"])
    # The search box keeps the filters for the next query.
    hidden = {i["name"]: i["value"] for i in soup.select("form.searchbox-main input[type=hidden]")}
    assert hidden == {"year": "2015-2019", "section": "requests"}


def test_filters_narrow_results(client: FlaskClient, docs: list[Document]) -> None:
    data = api(client, "/api/search?q=依申请公开&year=2015-2019&type=annual_report&limit=100")
    assert data["total"] == 15
    assert all(2015 <= r["year"] <= 2019 for r in data["results"])
    soup = soup_of(client, "/?q=依申请公开&agency=云岭县人民政府")
    assert {r.select_one(".agency").text for r in soup.select("li.result")} == {"云岭县人民政府"}
    soup = soup_of(client, "/?type=notice")
    assert [r.select_one("h2 a").text for r in soup.select("li.result")] == [
        "关于做好2020年政务公开工作的通知"
    ]


def test_paging(client: FlaskClient) -> None:
    one = soup_of(client, "/?q=依申请公开")
    two = soup_of(client, "/?q=依申请公开&page=2")
    assert len(result_ids(one)) == 10 and result_ids(two)
    assert not set(result_ids(one)) & set(result_ids(two))
    assert two.select_one(".pager .current").text == "2"
    prev = two.select_one(".pager a[rel=prev]")
    assert params_of(prev["href"]) == {"q": "依申请公开", "page": "1"}
    nxt = one.select_one(".pager a[rel=next]")
    assert params_of(nxt["href"]) == {"q": "依申请公开", "page": "2"}
    assert one.select_one("ol.results")["start"] == "1"
    assert two.select_one("ol.results")["start"] == "11"


def test_sort_by_date(client: FlaskClient) -> None:
    for sort, label, newest_first in (("date", "最新", True), ("newest", "最新", True), ("oldest", "最早", False)):
        soup = soup_of(client, f"/?q=依申请公开&sort={sort}")
        dates = [t["datetime"] for t in soup.select("ol.results time")]
        assert dates == sorted(dates, reverse=newest_first)
        assert soup.select_one(".sort a.current").text == label
        others = [params_of(a["href"])["sort"] for a in soup.select(".sort a") if "current" not in (a.get("class") or [])]
        assert set(others) == {"relevance", "newest", "oldest"} - {"newest" if newest_first else "oldest"}


def test_feed_link_carries_query_and_filters(client: FlaskClient) -> None:
    soup = soup_of(client, "/?q=依申请公开&type=annual_report&page=2")
    link = soup.select_one("link[rel=alternate][type='application/atom+xml']")
    assert urlsplit(link["href"]).path == "/feed"
    assert params_of(link["href"]) == {"q": "依申请公开", "type": "annual_report"}
    assert soup.select_one("a.feed")["href"] == link["href"]


def test_no_results_suggests_dropping_each_filter(client: FlaskClient) -> None:
    soup = soup_of(client, "/?q=依申请公开&year=2015&type=notice")
    assert soup.select_one(".noresults h2").text == "没有找到相关文件"
    suggestions = {a["data-remove"]: params_of(a["href"]) for a in soup.select(".suggestions a")}
    assert suggestions == {
        "year": {"q": "依申请公开", "type": "notice"},
        "type": {"q": "依申请公开", "year": "2015"},
    }
    for query in suggestions.values():
        assert api(client, "/api/search?" + "&".join(f"{k}={v}" for k, v in query.items()))["total"] >= 0
    soup = soup_of(client, "/?q=完全不存在的词语组合xyzzy")
    assert soup.select_one(".noresults") is not None and not soup.select(".suggestions")


# ---------------------------------------------------------------- escaping


def test_search_layer_escapes_snippets(index_dir: Path) -> None:
    """The proof behind rendering snippets with |safe: only <mark> survives as markup."""
    for query in ("alert", "script", "onerror", "依申请公开", "quoted", "amp"):
        for r in search(index_dir, SearchRequest(query=query, limit=100))["results"]:
            for s in r["sections"]:
                bare = s["snippet"].replace("<mark>", "").replace("</mark>", "")
                assert "<" not in bare and ">" not in bare, s["snippet"]
                assert '"' not in bare, s["snippet"]


def test_safe_snippet_refuses_other_tags() -> None:
    assert str(safe_snippet("a <mark>b</mark> &lt;c&gt;")) == "a <mark>b</mark> &lt;c&gt;"
    assert str(safe_snippet("<mark>x</mark><script>alert(1)</script>")) == (
        "&lt;mark&gt;x&lt;/mark&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    )


def _assert_inert(raw: str, soup: BeautifulSoup) -> None:
    assert not soup.find_all("script")
    assert not soup.find_all(["img", "b", "i"])
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert "<script>alert" not in raw and "<b>恶意" not in raw


def test_hostile_document_renders_as_text_in_results(client: FlaskClient, sample: Any) -> None:
    r = client.get("/?q=alert")
    raw = r.get_data(as_text=True)
    soup = BeautifulSoup(raw, "lxml")
    _assert_inert(raw, soup)
    result = soup.select_one("li.result")
    assert result.select_one("h2 a").text == sample.EVIL_TITLE
    assert result.select_one(".agency").text == sample.EVIL_AGENCY
    assert result.select_one(".hit-head").text == "一、<i>标题</i>"
    assert [m.text for m in result.select(".snippet mark")] == ["alert", "alert"]
    assert "<script>alert(4)</script>" in result.select_one(".snippet").text
    assert "&amp;" in result.select_one(".snippet").text  # the literal entity text, shown as typed
    facet = soup.select_one(f"a[data-facet=agency][data-value='{sample.EVIL_AGENCY}']")
    assert facet.select_one(".facet-label").text == sample.EVIL_AGENCY


def test_hostile_document_page_and_query_are_escaped(
    client: FlaskClient, docs: list[Document], sample: Any
) -> None:
    evil = next(d for d in docs if d.title == sample.EVIL_TITLE)
    r = client.get(f"/doc/{evil.id}?q=alert")
    raw = r.get_data(as_text=True)
    soup = BeautifulSoup(raw, "lxml")
    _assert_inert(raw, soup)
    assert soup.select_one("h1").text == sample.EVIL_TITLE
    assert soup.select_one("#s-1 h2").text == "一、<i>标题</i>"
    assert soup.select_one("#s-1 p").text == sample.EVIL_BODY
    assert [m.text for m in soup.select("#s-1 mark")] == ["alert", "alert"]
    # A hostile query string is only ever echoed as text or attribute values.
    q = '"><script>alert(5)</script>'
    for url in (f"/?q={q}", f"/doc/{evil.id}?q={q}", f"/?year={q}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(5)" not in page
        assert not BeautifulSoup(page, "lxml").find_all("script")


# ---------------------------------------------------------------- document page


def test_document_page(client: FlaskClient, docs: list[Document]) -> None:
    doc = next(d for d in docs if d.agency == "青溪市财政局" and d.year == 2017)
    soup = soup_of(client, f"/doc/{doc.id}")
    assert soup.select_one("h1").text == doc.title
    meta = {dt.text: dt.find_next_sibling("dd") for dt in soup.select("dl.metadata dt")}
    assert meta["索引号"].text == doc.index_no
    assert meta["文号"].text == "无"
    assert meta["发布机关"].text == "青溪市财政局"
    assert meta["类型"].text == "年度报告"
    assert meta["年份"].text == "2017"
    assert meta["发布日期"].text == doc.published
    assert meta["原文"].a["href"] == doc.url
    assert [a["href"] for a in meta["附件"].select("a")] == [doc.attachments[0].url]
    anchors = [s["id"] for s in soup.select("section.doc-section")]
    assert anchors == [f"s-{n}" for n in range(1, 7)]
    assert [a["href"] for a in soup.select("nav.toc a")] == [f"#s-{n}" for n in range(1, 7)]
    assert soup.select_one("#s-3 h2").text == "三、收到和处理政府信息公开申请情况"
    assert soup.select_one("#s-1 h3.subheading").text == "（一）主动公开"
    assert not soup.select("mark"), "nothing is highlighted without a query"


def test_document_page_highlights_the_query(client: FlaskClient, docs: list[Document]) -> None:
    doc = next(d for d in docs if d.agency == "青溪市财政局" and d.year == 2017)
    soup = soup_of(client, f"/doc/{doc.id}?q=依申请公开")
    marks = soup.select("mark")
    assert marks and {m.text for m in marks} == {"依申请公开"}
    assert [s["id"] for s in soup.select("section.has-hits")] == ["s-3"]
    assert params_of(soup.select_one("p.back a")["href"]) == {"q": "依申请公开"}
    # NOT terms are not highlighted
    soup = soup_of(client, f"/doc/{doc.id}?q=依申请公开 NOT 复议")
    assert {m.text for m in soup.select("mark")} == {"依申请公开"}


def test_document_page_links_other_years_and_similar(client: FlaskClient, docs: list[Document]) -> None:
    doc = next(d for d in docs if d.agency == "青溪市财政局" and d.year == 2017)
    soup = soup_of(client, f"/doc/{doc.id}")
    others = soup.select("#agency-docs li a")
    years = [int(a.select_one(".year").text) for a in others]
    assert all(a["title"].startswith("青溪市财政局") for a in others)
    assert years == [y for y in range(2014, 2024) if y != 2017]
    by_id = {d.id: d for d in docs}
    for a in others:
        other = by_id[a["href"].removeprefix("/doc/")]
        assert other.agency == doc.agency and other.doc_type == "annual_report"
    similar = soup.select("#similar li a")
    assert 1 <= len(similar) <= 5
    assert all(a["href"].removeprefix("/doc/") in by_id for a in similar)
    assert f"/doc/{doc.id}" not in [a["href"] for a in similar]


def test_unknown_document_is_404(client: FlaskClient) -> None:
    soup = soup_of(client, "/doc/0000000000000000", status=404)
    assert soup.select_one(".error-page h1").text == "没有找到"
    assert soup.select_one(".message").text == "没有 id 为 '0000000000000000' 的文件；请检查链接或重新检索。"
    soup_of(client, "/doc/..%2F..%2Fetc", status=404)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/?q=a&year=abc", "cannot read the year 'abc': use a year like 2017 or a range like 2015-2019 "
                           "(2015- and -2015 leave one end open)"),
        ("/?q=a&year=2019-2015", "the year range '2019-2015' ends before it starts: write it as 2015-2019"),
        (
            "/?q=a&section=nonsense",
            "unknown section 'nonsense': use one of overview, proactive, requests, fees, "
            "appeals, problems, other (or 依申请公开, 复议 …)",
        ),
        (
            "/?q=a&type=memo",
            "unknown document type 'memo': use one of annual_report, notice, policy, "
            "interpretation, guide, other",
        ),
        ("/?q=a&sort=random", "unknown sort 'random'; use relevance, newest or oldest."),
        ("/?q=a&page=0", "page must be between 1 and 100; 0 is out of range."),
        ("/?q=a&page=101", "page must be between 1 and 100; 101 is out of range."),
        ("/?q=a&page=x", "page must be a whole number between 1 and 100, not 'x'."),
        ("/?q=" + "公" * 501, "the query is 501 characters long; the limit is 500. Shorten it."),
        ("/?q=NOT 复议", "the query only excludes: add at least one word to look for, e.g. 复议 NOT 诉讼"),
    ],
)
def test_bad_requests_show_a_friendly_400_page(english_client: FlaskClient, url: str, message: str) -> None:
    soup = soup_of(english_client, url, status=400)
    assert soup.select_one(".error-page .status").text == "400"
    assert soup.select_one(".error-page h1").text == "Bad request"
    assert soup.select_one(".message").text == message


def test_bad_request_page_is_chinese_by_default(client: FlaskClient) -> None:
    soup = soup_of(client, "/?q=a&page=x", status=400)
    assert soup.select_one(".error-page h1").text == "请求有误"
    assert soup.select_one(".message").text == "page 应为 1 到 100 之间的整数，而不是 'x'。"
    assert soup.select_one("html")["lang"] == "zh-CN"


def test_section_and_type_accept_chinese_names(client: FlaskClient) -> None:
    by_key = result_ids(soup_of(client, "/?q=依申请公开&section=requests&type=annual_report"))
    assert by_key == result_ids(soup_of(client, "/?q=依申请公开&section=依申请公开&type=年度报告"))


def test_missing_index_is_503(tmp_path: Path) -> None:
    client = create_app(tmp_path / "nowhere").test_client()
    for url in ("/", "/?q=复议", f"/doc/{'0' * 16}", "/feed?q=复议"):
        soup = soup_of(client, url, status=503)
        assert soup.select_one(".error-page h1").text == "索引暂不可用"
        assert "还没有索引" in soup.select_one(".message").text and str(tmp_path) not in str(soup)


def test_server_started_before_the_index_picks_it_up(tmp_path: Path, sample: Any) -> None:
    client = create_app(tmp_path / "index").test_client()
    assert client.get("/").status_code == 503
    sample.build_index(tmp_path / "index", sample.sample_documents()[:3])
    assert len(result_ids(soup_of(client, "/"))) == 3


def test_new_commits_show_up_without_restart(tmp_path: Path, sample: Any) -> None:
    index = sample.build_index(tmp_path / "index", [sample.annual_report("青溪市财政局", 2019, 0)])
    client = create_app(index).test_client()
    assert len(result_ids(soup_of(client, "/?q=依申请公开"))) == 1
    with Indexer(index) as ix:
        ix.upsert(sample.annual_report("青溪市财政局", 2020, 0))
    assert len(result_ids(soup_of(client, "/?q=依申请公开"))) == 2


class _SlowSearcher:
    """A handle whose searches hit the time limit, as the search layer reports it."""

    def refresh(self) -> bool:
        return False

    def search(self, req: Any) -> dict[str, Any]:
        raise QueryError(
            "the query took longer than 5 s and was stopped: make it more specific "
            "(more words, a phrase, or a filter)"
        )


def test_time_limit_message_is_shown(tmp_path: Path) -> None:
    client = create_app(tmp_path, opener=lambda _: _SlowSearcher()).test_client()  # type: ignore[arg-type]
    soup = soup_of(client, "/?q=公开", status=400)
    assert soup.select_one(".message").text.startswith("the query took longer than 5 s and was stopped")
    r = client.get("/api/search?q=公开")
    assert r.status_code == 400 and r.get_json()["error"].startswith("the query took longer")


def test_unknown_page_and_method(client: FlaskClient) -> None:
    soup = soup_of(client, "/no/such/page", status=404)
    assert soup.select_one(".error-page h1").text == "没有找到"
    r = client.post("/?q=复议")
    assert r.status_code == 405


# ---------------------------------------------------------------- safety


def _all_urls(docs: list[Document]) -> list[str]:
    return [
        "/",
        "/?q=依申请公开&year=2015",
        f"/doc/{docs[0].id}?q=复议",
        "/doc/nope",
        "/?year=x",
        "/missing",
        "/feed?q=复议",
        "/api/search?q=复议",
        f"/api/documents/{docs[0].id}",
        "/api/documents/nope",
        "/static/style.css",
    ]


def test_security_headers_on_every_response(client: FlaskClient, docs: list[Document]) -> None:
    for url in _all_urls(docs):
        r = client.get(url)
        r.close()  # the static file response holds the file open until closed
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert r.headers["X-Frame-Options"] == "DENY"


def test_no_inline_script_or_style(client: FlaskClient, docs: list[Document]) -> None:
    for url in ("/", "/?q=依申请公开&year=2015-2019", f"/doc/{docs[0].id}?q=复议", "/?year=x"):
        soup = BeautifulSoup(client.get(url).get_data(as_text=True), "lxml")
        assert not soup.find_all("style")
        assert not soup.find_all(style=True)
        assert all(s.get("src") for s in soup.find_all("script"))
        for tag in soup.find_all(["link", "script", "img"]):
            ref = tag.get("href") or tag.get("src") or ""
            assert ref.startswith("/"), f"{url}: {ref} is not local"


def test_requests_write_nothing(tmp_path: Path, docs: list[Document], sample: Any) -> None:
    index = sample.build_index(tmp_path / "index", docs[:5])

    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")}

    before = snapshot()
    client = create_app(index).test_client()
    for url in _all_urls(docs):
        client.get(url).close()
    for method in (client.post, client.put, client.delete):
        assert method("/api/search?q=复议").status_code == 405
    assert snapshot() == before


def test_typical_query_renders_fast(client: FlaskClient) -> None:
    client.get("/?q=依申请公开")  # warm up: segmenter dictionary, templates
    timings = []
    for url in ("/?q=依申请公开", "/?q=行政复议&year=2015-2019", "/?q=依申请公开&section=requests&page=2"):
        for _ in range(3):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - started)
    # Well under 200 ms on a developer machine; the bound leaves room for a slow CI box.
    assert statistics.median(timings) < 0.5, timings


class _BrokenSearcher(_SlowSearcher):
    def search(self, req: Any) -> dict[str, Any]:
        raise RuntimeError("disk exploded")


def test_unexpected_errors_are_a_friendly_500(tmp_path: Path) -> None:
    client = create_app(tmp_path, opener=lambda _: _BrokenSearcher()).test_client()  # type: ignore[arg-type]
    soup = soup_of(client, "/?q=公开", status=500)
    assert soup.select_one(".error-page h1").text == "服务器出错"
    assert "disk exploded" not in str(soup)
    r = client.get("/api/search?q=公开")
    assert r.status_code == 500 and r.headers["X-Frame-Options"] == "DENY"
    assert r.get_json() == {"error": "服务器内部出错，请稍后再试。"}
