"""End to end: a crawl of each platform fixture site finds every article exactly once, reads the
lists where the platform publishes them (XML/JSON, GET and POST), and makes no list or API answer a
document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from crawlhelpers import hits, store_docs
from mocksite import FAST, MockSite, Resp, site_for
from platform_sites import BUILDERS, FixtureSite

from gongkai.crawler.request import Request, split_key
from gongkai.crawler.run import CrawlStats, crawl
from gongkai.crawler.sites import Site
from gongkai.crawler.state import StateStore


def site_of(fx: FixtureSite, server: MockSite, **kw: object) -> Site:
    return Site(fx.name, tuple(server.url + s.lstrip("/") for s in fx.starts), ("127.0.0.1",), delay_seconds=0,
                max_pages=300, max_depth=4, **kw)  # type: ignore[arg-type]


def run(fx: FixtureSite, server: MockSite, tmp_path: Path, **kw: object) -> CrawlStats:
    return crawl([site_of(fx, server, **kw)], tmp_path / "state", tmp_path / "index", settings=FAST)


@pytest.mark.parametrize("served", list(BUILDERS), indirect=True)
def test_crawl_finds_every_article_exactly_once(served: tuple[FixtureSite, MockSite], tmp_path: Path) -> None:
    fx, server = served
    stats = run(fx, server, tmp_path)
    assert stats.failed == 0, stats
    docs = store_docs(tmp_path / "state")
    found = sorted(url.replace(server.url, "/") for url, _, _ in docs.values())
    assert found == sorted([d.path for d in fx.docs] + fx.files)
    assert [d.path for d in fx.docs if server.count(d.path) != 1] == []  # fetched once each
    assert [d.path for d in fx.absent if server.count(d.path)] == []
    with StateStore(tmp_path / "state") as st:
        pages = {p.url: p for p in st.pages()}
    assert [(k, p.role) for k, p in pages.items() if p.role in ("list", "api") and p.doc_id] == []
    for path in fx.lists:
        page = pages[server.url + path.lstrip("/")]
        assert page.role == "list" and page.role_reason, (path, page.role_reason)
    for d in fx.docs:
        page = pages[server.url + d.path.lstrip("/")]
        assert page.role == "article" and page.doc_id, (d.path, page.role, page.role_reason)
    for d in fx.docs[:3]:
        assert len(hits(tmp_path / "index", d.code)) == 1, d.code
    if fx.apis:  # the answers are stored, as "api" pages
        answers = [p for p in pages.values() if p.kind == "api"]
        assert answers and all(p.role == "api" and p.doc_id is None for p in answers)


@pytest.mark.parametrize("served", ["fujian", "hanweb", "gkmlpt", "govcn", "jsonapi"], indirect=True)
def test_list_titles_and_dates_are_kept(served: tuple[FixtureSite, MockSite], tmp_path: Path) -> None:
    fx, server = served
    run(fx, server, tmp_path)
    with StateStore(tmp_path / "state") as st:
        for d in fx.docs:
            page = st.page(server.url + d.path.lstrip("/"))
            assert page is not None
            hint = Request.from_store(page.url, page.kind, page.hint)
            assert (hint.title, hint.published) == (d.title, d.date), d.path


@pytest.mark.parametrize("served", ["hanweb"], indirect=True)
def test_hanweb_posts_its_form_and_gets_its_pages(served: tuple[FixtureSite, MockSite], tmp_path: Path) -> None:
    fx, server = served
    run(fx, server, tmp_path)
    # Sorted: the crawl fetches with a pool of threads, so two requests queued together may go either way.
    posts = sorted((p, body) for m, p, body in server.calls if m == "POST")
    assert [p for p, _ in posts] == ["/module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=20&perpage=5",
                                     "/module/web/jpage/dataproxy.jsp?startrecord=21&endrecord=30&perpage=5"]
    body = posts[0][1]
    assert body.startswith("col=1&appid=1&webid=3&path=/&columnid=1201&sourceContentType=1&unitid=5678&webname=")
    assert body.endswith("&permissiontype=0")
    gets = sorted(p for m, p, _ in server.calls if m == "GET" and "dataproxy" in p)
    assert len(gets) == 2 and all("columnid=1302" in p and "unitid=9031" in p for p in gets)
    assert {p.split("page=")[1][0] for p in gets} == {"2", "3"}
    with StateStore(tmp_path / "state") as st:
        rows = st.recent(200, role="api")
    assert sorted(split_key(r["url"])[1] for r in rows) == ["GET", "GET", "POST", "POST"]


@pytest.mark.parametrize("served", ["fujian"], indirect=True)
def test_recrawl_sends_the_same_requests_and_changes_nothing(served: tuple[FixtureSite, MockSite],
                                                            tmp_path: Path) -> None:
    fx, server = served
    first = run(fx, server, tmp_path)
    before = sorted((m, p, b) for m, p, b in server.calls if p != "/robots.txt")
    server.calls.clear()
    again = run(fx, server, tmp_path)
    after = sorted((m, p, b) for m, p, b in server.calls if p != "/robots.txt")
    assert after == before  # the same requests (POSTs included, with their bodies), none new
    assert again.documents_indexed == 0 and again.new == 0 and again.fetched == first.fetched


@pytest.mark.parametrize("served", ["hanweb"], indirect=True)
def test_named_platform_skips_detection(served: tuple[FixtureSite, MockSite], tmp_path: Path) -> None:
    fx, server = served
    stats = run(fx, server, tmp_path, platform="hanweb")
    assert stats.failed == 0
    assert len(store_docs(tmp_path / "state")) == len(fx.docs)
    with StateStore(tmp_path / "state") as st:
        col = st.page(server.url + "col/col1201/index.html")
        assert col is not None and col.role == "list"
        answers = st.recent(10, role="api")
        assert answers and all(r["reason"].startswith("hanweb: ") for r in answers)


@pytest.mark.parametrize("served", ["gkmlpt"], indirect=True)
def test_json_answers_are_never_documents_even_when_reindexed(served: tuple[FixtureSite, MockSite],
                                                              tmp_path: Path) -> None:
    from gongkai.crawler.run import reindex

    fx, server = served
    run(fx, server, tmp_path)
    before = store_docs(tmp_path / "state")
    reindex(tmp_path / "state", tmp_path / "index")
    assert store_docs(tmp_path / "state") == before
    with StateStore(tmp_path / "state") as st:
        answers = [p for p in st.pages() if p.kind == "api"]
    assert len(answers) == 2 and all(p.doc_id is None and p.role == "api" for p in answers)


def test_the_list_title_and_date_fill_an_article_that_has_none(mock_site: MockSite, tmp_path: Path) -> None:
    mock_site.routes["/"] = [Resp(body="<html><body><ul id='list'></ul><script>load('/api/list?pageNo=1');</script>"
                                       "</body></html>")]
    rows = [{"title": "青溪县关于2024年春季造林绿化工作的通知", "linkUrl": "/content/post_71.html", "publishDate": "2024-03-01"}]
    mock_site.routes["/api/list?pageNo=1"] = [Resp(body=json.dumps({"total": 1, "list": rows}, ensure_ascii=False),
                                                   headers={"Content-Type": "application/json"})]
    # a stored fragment: no <title>, no heading, no date anywhere, only the text
    mock_site.routes["/content/post_71.html"] = [Resp(body="<div class='content'><p>各乡镇：为做好春季造林绿化工作，"
                                                           "现将有关事项通知如下，请认真贯彻执行，识别码HINTFILL。</p></div>")]
    crawl([site_for(mock_site)], tmp_path / "st", tmp_path / "ix", settings=FAST)
    (hit,) = hits(tmp_path / "ix", "HINTFILL")
    assert (hit["title"], hit["published"], hit["type"], hit["year"]) == (rows[0]["title"], "2024-03-01", "notice", 2024)
