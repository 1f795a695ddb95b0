"""The real web is hostile: malformed links, scheme redirects, trickling servers, odd robots.txt files.

Each test crawls `MockSite` servers on 127.0.0.1 that serve one kind of trap, end to end through
`gongkai.crawler.run.crawl` (or the CLI where the user-visible answer matters), and checks that the
crawl goes on, fails the trapped page with a reason, and stays bounded in time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from relhelpers import record, write_sites

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler"))
from mocksite import MockSite, Resp, make_pdf, site_for  # noqa: E402

from gongkai.cli import cli  # noqa: E402
from gongkai.crawler.fetch import FetchSettings  # noqa: E402
from gongkai.crawler.run import crawl  # noqa: E402
from gongkai.crawler.sites import load_sites  # noqa: E402
from gongkai.crawler.state import StateStore  # noqa: E402
from gongkai.errors import ConfigError  # noqa: E402
from gongkai.models import canonical_url, document_id  # noqa: E402

SETTINGS = FetchSettings(timeout=2.0, retries=3, backoff=0.01, max_retry_after=1.0, max_bytes=300_000,
                         concurrency=3)
ARTICLE = ("<html><head><title>{title}</title></head><body><div class='TRS_Editor'><p>{title}</p>"
           "<p>一、总体情况</p><p>本年度主动公开政府信息一百二十条，依申请公开十二件，均按期答复。</p>"
           "<p>二、主动公开政府信息情况</p><p>全年通过门户网站主动公开规范性文件八件，政策解读五篇，回应关切三次。</p>{extra}"
           "</div></body></html>")
BAD_LINKS = ("http://127.0.0.1:99999/x.html", "http://[::1", "http://127.0.0.1:abc/", "http://[zz]/",
             "http://[::1]x/", "http://127.0.0.1:-1/", "http://exa mple.gov.cn/", "http://:80/")
SCHEME_TARGETS = ("mailto:xxgk@example.gov.cn", "javascript:alert(1)", "data:text/html,<p>x</p>",
                  "tel:010-12345678", "about:blank", "http://[::1", "http://127.0.0.1:99999/")


@pytest.fixture
def servers() -> tuple[MockSite, MockSite]:
    a, b = MockSite(), MockSite()
    yield a, b
    a.close()
    b.close()


def _pages(state: Path) -> dict[str, tuple[str, str]]:
    with StateStore(state) as st:
        return {p.url.rsplit("/", 1)[-1]: (p.status, p.error) for p in st.pages()}


def _article(site: MockSite, path: str, title: str, extra: str = "") -> None:
    site.routes[path] = [Resp(body=ARTICLE.format(title=title, extra=extra))]


def test_malformed_links_and_attachments_do_not_stop_the_crawl(servers: tuple[MockSite, MockSite],
                                                               tmp_path: Path) -> None:
    a, b = servers
    links = "".join(f'<li><a href="{u}">坏链接{n}</a></li>' for n, u in enumerate(BAD_LINKS))
    atts = "".join(f'<a href="{u.rstrip("/")}/report{n}.pdf">附件{n}.pdf</a>' for n, u in enumerate(BAD_LINKS))
    a.routes["/"] = [Resp(body=f'<html><head><base href="http://[::1"></head><body><ul>{links}'
                               f'<li><a href="/good.html">青溪市2019年政府信息公开工作年度报告</a></li>'
                               f'<li><a href="/list.html?page=2&x=[">下一页</a></li></ul></body></html>')]
    _article(a, "/good.html", "青溪市2019年政府信息公开工作年度报告", atts)
    _article(b, "/", "青溪市2020年政府信息公开工作年度报告")
    state, index = tmp_path / "state", tmp_path / "index"
    stats = crawl([site_for(a, "a"), site_for(b, "b")], state, index, settings=SETTINGS)
    # The second site was crawled: a bad link on the first one no longer ends the crawl.
    assert b.count("/") == 1
    assert stats.documents_indexed == 2, stats
    pages = _pages(state)
    assert pages["good.html"][0] == "ok"
    assert all(not u.startswith("http://[") for u in pages), sorted(pages)
    # Identity never raises either, and a page's URL has one id whatever its spelling.
    for u in BAD_LINKS:
        assert isinstance(canonical_url(u), str) and len(document_id(u)) == 16
    assert document_id("HTTP://127.0.0.1:80/a#x") == document_id("http://127.0.0.1/a")
    record("hostile.bad_links", f"{len(BAD_LINKS)} malformed links and {len(BAD_LINKS)} attachments on one page: "
                                "crawl went on to the next site, both documents indexed")


def test_start_url_with_a_bad_port_is_a_configuration_error(tmp_path: Path) -> None:
    for url in ("http://127.0.0.1:99999/", "http://[::1/", "http://127.0.0.1:abc/"):
        sites = write_sites(tmp_path / "sites.toml", url)
        with pytest.raises(ConfigError, match="is not a usable http"):
            load_sites(sites)
        res = CliRunner().invoke(cli, ["crawl", "--sites", str(sites), "--state", str(tmp_path / "s"),
                                       "--index", str(tmp_path / "i")])
        assert res.exit_code == 2, res.output  # a configuration error is bad input
        assert res.output.startswith("Error: ") and res.output.count("\n") == 1, res.output
        assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)


def test_redirects_to_other_schemes_fail_the_page_with_a_reason(servers: tuple[MockSite, MockSite],
                                                                tmp_path: Path) -> None:
    a, _ = servers
    names = [f"r{n}.html" for n in range(len(SCHEME_TARGETS))]
    a.routes["/"] = [Resp(body="<html><body>" + "".join(f'<a href="/{x}">跳转{x}</a>' for x in names)
                               + '<a href="/good.html">年度报告</a></body></html>')]
    for name, target in zip(names, SCHEME_TARGETS, strict=True):
        a.routes[f"/{name}"] = [Resp(302, headers={"Location": target})]
    _article(a, "/good.html", "青溪市2019年政府信息公开工作年度报告")
    stats = crawl([site_for(a)], tmp_path / "state", tmp_path / "index", settings=SETTINGS)
    pages = _pages(tmp_path / "state")
    for name, target in zip(names, SCHEME_TARGETS, strict=True):
        status, error = pages[name]
        assert status == "failed" and "cannot be followed" in error, (target, error)
        assert a.count(f"/{name}") == 1, f"{target}: a redirect that can never work was retried"
    assert pages["good.html"][0] == "ok" and stats.documents_indexed == 1
    record("hostile.scheme_redirects", f"{len(SCHEME_TARGETS)} redirects (mailto, javascript, data, tel, about, "
                                       "bad brackets, bad port): each one failed page, one request each")


def test_a_trickling_page_is_cut_off_at_the_response_deadline(servers: tuple[MockSite, MockSite],
                                                              tmp_path: Path) -> None:
    a, _ = servers
    a.routes["/"] = [Resp(body='<html><body><a href="/slow.html">慢</a><a href="/good.html">年度报告</a></body></html>')]
    # 2 KB at one byte every 0.1 s would take 200 s; every read is well inside the 2 s read timeout.
    a.routes["/slow.html"] = [Resp(body=ARTICLE.format(title="慢慢来", extra="x" * 2000), trickle=0.1)]
    _article(a, "/good.html", "青溪市2019年政府信息公开工作年度报告")
    sites = load_sites(write_sites(tmp_path / "sites.toml", a.url, response_timeout_seconds=1.0))
    assert sites[0].response_timeout_seconds == 1.0
    started = time.monotonic()
    stats = crawl(sites, tmp_path / "state", tmp_path / "index", settings=SETTINGS)
    took = time.monotonic() - started
    status, error = _pages(tmp_path / "state")["slow.html"]
    assert status == "failed" and "took longer than 1s (response_timeout_seconds)" in error, error
    assert a.count("/slow.html") == 1  # a server that trickles is not asked again
    assert stats.documents_indexed == 1
    assert took < 15, took
    record("hostile.trickle", f"page trickling 1 byte / 0.1 s with response_timeout_seconds = 1: failed after one "
                              f"request, 3-page crawl took {took:.1f} s")


def test_the_whole_crawl_stops_at_its_deadline_and_resumes(servers: tuple[MockSite, MockSite],
                                                           tmp_path: Path) -> None:
    a, _ = servers
    a.routes["/"] = [Resp(body="<html><body>" + "".join(f'<a href="/p{n}.html">第{n}页</a>' for n in range(8))
                               + "</body></html>")]
    for n in range(8):
        a.routes[f"/p{n}.html"] = [Resp(body=ARTICLE.format(title=f"青溪市通知{n}号", extra=""), trickle=0.05,
                                        trickle_bytes=100)]
    state, index = tmp_path / "state", tmp_path / "index"
    settings = FetchSettings(**{**SETTINGS.__dict__, "concurrency": 1})
    started = time.monotonic()
    stats = crawl([site_for(a)], state, index, settings=settings, max_seconds=1.0)
    took = time.monotonic() - started
    assert stats.deadline_reached and stats.interrupted
    assert 0 < stats.fetched < 9 and took < 5, (stats, took)
    first = stats.fetched
    stats2 = crawl([site_for(a)], state, index, settings=settings)
    assert not stats2.deadline_reached
    assert {f"/p{n}.html" for n in range(8)} <= set(a.paths())
    assert stats.documents_indexed + stats2.documents_indexed == 8
    record("hostile.crawl_deadline", f"max_seconds = 1 on a 9-page slow site: stopped after {first} pages in "
                                     f"{took:.1f} s, the next crawl finished the queue")


def _robots_site(site: MockSite, robots: str | bytes) -> None:
    site.routes["/robots.txt"] = [Resp(body=robots, headers={"Content-Type": "text/plain"})]
    paths = ["/xxgk/public/a.html", "/xxgk/private/b.html", "/files/c.pdf", "/files/c.pdf?v=2", "/open/d.html",
             "/tmp1/e.html", "/ok.html"]
    site.routes["/"] = [Resp(body="<html><body>" + "".join(f'<a href="{p}">链接{p}</a>' for p in paths)
                               + "</body></html>")]
    for p in paths:
        if p.startswith("/files/c.pdf"):
            site.routes[p] = [Resp(body=make_pdf("robots test"), headers={"Content-Type": "application/pdf"})]
        else:
            _article(site, p, f"页面{p}")


ROBOTS_CASES = {
    # RFC 9309: the longest match wins, whatever the order; Allow wins a tie.
    "longest-match": ("User-agent: *\nDisallow: /xxgk/\nAllow: /xxgk/public/\n",
                      {"/xxgk/private/b.html"}),
    # `*` matches any characters, `$` anchors the end.
    "wildcards": ("User-agent: *\nDisallow: /*.pdf$\nDisallow: /tmp*/\n", {"/files/c.pdf", "/tmp1/e.html"}),
    # A UTF-8 byte order mark before the first line.
    "bom": ("\ufeffUser-agent: *\nDisallow: /xxgk/\n", {"/xxgk/public/a.html", "/xxgk/private/b.html"}),
    # A group for our agent beats the `*` group.
    "our-agent": ("User-agent: *\nDisallow: /\n\nUser-agent: gongkai\nDisallow: /open/\n", {"/open/d.html"}),
    # Over the size cap (and over max_bytes): parsed up to the cap, so its first rule holds.
    "oversized": ("User-agent: *\nDisallow: /\n" + "# padding\n" * 60_000, None),
}


@pytest.mark.parametrize("case", sorted(ROBOTS_CASES))
def test_robots_txt_follows_rfc_9309(case: str, servers: tuple[MockSite, MockSite], tmp_path: Path) -> None:
    a, _ = servers
    robots, blocked = ROBOTS_CASES[case]
    _robots_site(a, robots)
    stats = crawl([site_for(a)], tmp_path / "state", tmp_path / "index", settings=SETTINGS)
    fetched = {p for p in a.paths() if p != "/robots.txt"}
    if blocked is None:  # everything disallowed
        assert fetched == set() and stats.robots_blocked == 1, fetched
        return
    wanted = {"/xxgk/public/a.html", "/xxgk/private/b.html", "/files/c.pdf", "/files/c.pdf?v=2", "/open/d.html",
              "/tmp1/e.html", "/ok.html", "/"} - blocked
    assert fetched == wanted, (sorted(fetched - wanted), sorted(wanted - fetched))
    assert stats.robots_blocked == len(blocked)


def test_robots_crawl_delay_is_honoured(servers: tuple[MockSite, MockSite], tmp_path: Path) -> None:
    a, _ = servers
    _robots_site(a, "User-agent: *\nCrawl-delay: 0.4\nDisallow: /xxgk/\n")
    crawl([site_for(a, delay_seconds=0.0)], tmp_path / "state", tmp_path / "index", settings=SETTINGS)
    stamps = [t for p, t in a.times if p != "/robots.txt"]
    gaps = [b - a_ for a_, b in zip(stamps, stamps[1:], strict=False)]
    assert len(gaps) >= 4, gaps
    # Times are the server's: one request that reaches it late (a loaded machine) shortens the gap after
    # it, but never the span of several. So every span of k gaps is at least k delays, less that jitter;
    # a crawler ignoring Crawl-delay leaves gaps of a few ms.
    for j in range(len(stamps)):
        for k in range(j + 1, len(stamps)):
            assert stamps[k] - stamps[j] >= 0.4 * (k - j) - 0.15, gaps
    record("hostile.crawl_delay", f"Crawl-delay 0.4 with delay_seconds 0: {len(gaps) + 1} requests, smallest gap "
                                  f"{min(gaps) * 1000:.0f} ms")


def test_errors_that_cannot_go_away_are_not_retried(servers: tuple[MockSite, MockSite], tmp_path: Path) -> None:
    a, _ = servers
    traps = {
        "/bad-location.html": Resp(302, headers={"Location": "http://[::1"}),
        "/huge-header.html": Resp(raw_head=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Junk: "
                                           + b"x" * 200_000 + b"\r\nContent-Length: 2\r\n\r\n", body=b"ok"),
        "/bad-gzip.html": Resp(body=b"this is not gzip at all" * 10,
                               headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}),
    }
    a.routes["/"] = [Resp(body="<html><body>" + "".join(f'<a href="{p}">陷阱{p}</a>' for p in traps)
                               + '<a href="/busy.html">忙</a></body></html>')]
    for path, resp in traps.items():
        a.routes[path] = [resp]
    a.routes["/busy.html"] = [Resp(503)]
    crawl([site_for(a)], tmp_path / "state", tmp_path / "index", settings=SETTINGS)
    pages = _pages(tmp_path / "state")
    for path in traps:
        assert pages[path.lstrip("/")][0] == "failed", (path, pages[path.lstrip("/")])
        assert a.count(path) == 1, f"{path} asked {a.count(path)} times: {pages[path.lstrip('/')][1]}"
    assert a.count("/busy.html") == SETTINGS.retries + 1  # a 503 may go away: retried
    record("hostile.permanent_errors", "bad Location, 200 KB header, broken gzip: 1 request each "
                                       f"(a 503: {SETTINGS.retries + 1})")
