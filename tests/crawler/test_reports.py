"""Honest crawl reports: failure kinds told apart, roles in the log, progress against pages known,
a crawl-wide time limit, no failure hint without failures."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner
from mocksite import FAST, MockSite, Resp, site_for
from platform_sites import build_county

from gongkai.crawler.commands import crawl_command, crawl_log_command, progress_to, summary_line
from gongkai.crawler.fetch import FetchSettings
from gongkai.crawler.run import CrawlProgress, crawl
from gongkai.crawler.sites import Site
from gongkai.crawler.state import StateStore

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

ARTICLE = ("<html><head><meta charset='utf-8'><title>{t}</title></head><body><div class='TRS_Editor'><p>{t}</p>"
           "<p>本年度主动公开政府信息一百二十条，依申请公开十二件，均按期答复，切实保障人民群众的知情权和监督权。</p></div></body></html>")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoDNS(httpx.HTTPTransport):
    """The real transport, except that one host name does not resolve (as getaddrinfo fails)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "unreachable.example":
            try:
                raise socket.gaierror(-2, "Name or service not known")
            except socket.gaierror as e:
                raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from e
        return super().handle_request(request)


def test_failures_are_told_apart_in_summary_and_log(mock_site: MockSite, tmp_path: Path) -> None:
    mock_site.routes["/"] = [Resp(body="<a href='/slow.html'>关于某某工作的通知很长的标题</a>"
                                       "<a href='/private/x.html'>内部资料很长的一个标题</a>")]
    mock_site.routes["/robots.txt"] = [Resp(body="User-agent: *\nDisallow: /private/\n",
                                            headers={"Content-Type": "text/plain"})]
    mock_site.routes["/slow.html"] = [Resp(body=ARTICLE.format(t="慢"), delay=1.0)]
    sites = [Site("nodns", ("http://unreachable.example/",), ("unreachable.example",), delay_seconds=0),
             Site("down", (f"http://127.0.0.1:{closed_port()}/",), ("127.0.0.1",), delay_seconds=0),
             site_for(mock_site, "slow")]
    settings = FetchSettings(timeout=0.3, retries=0, backoff=0.01)
    with httpx.Client(transport=NoDNS(), follow_redirects=False) as client:
        stats = crawl(sites, tmp_path / "st", tmp_path / "ix", client=client, settings=settings)
    assert dict(stats.failures) == {"dns": 1, "connection": 1, "timeout": 1}
    assert stats.robots_blocked == 1 and stats.failed == 3
    line = summary_line(stats, 3)
    assert "3 failed: connection failure 1, DNS error 1, timeout 1), 1 blocked by robots.txt" in line
    out = CliRunner().invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--failed", "--json"])
    rows = {r["site"]: r for r in json.loads(out.output)}
    assert {k: (r["outcome"], r["category"]) for k, r in rows.items()} == {
        "nodns": ("failed", "dns"), "down": ("failed", "connection"), "slow": ("robots_blocked", "robots")}
    assert rows["nodns"]["error"].startswith("robots.txt could not be fetched (DNS lookup failed")
    text = CliRunner().invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--failed"]).output
    assert "↳ DNS error: robots.txt could not be fetched" in text and "↳ blocked by robots.txt: disallowed" in text


def sites_toml(tmp_path: Path, url: str, **extra: object) -> Path:
    p = tmp_path / "sites.toml"
    p.write_text(f'[[site]]\nname = "s"\nstart_urls = ["{url}"]\ndelay_seconds = 0\n'
                 + "".join(f"{k} = {json.dumps(v)}\n" for k, v in extra.items()), encoding="utf-8")
    return p


def test_failure_hint_only_after_failures(mock_site: MockSite, tmp_path: Path) -> None:
    mock_site.routes["/robots.txt"] = [Resp(body="User-agent: *\nDisallow: /private/\n",
                                            headers={"Content-Type": "text/plain"})]
    mock_site.routes["/"] = [Resp(body="<a href='/private/x.html'>内部资料很长的一个标题</a>")]
    args = ["--sites", str(sites_toml(tmp_path, mock_site.url)), "--state", str(tmp_path / "st"),
            "--index", str(tmp_path / "ix")]
    run = CliRunner().invoke(crawl_command, args)
    assert run.exit_code == 0 and "1 blocked by robots.txt" in run.output  # a robots block is no failure
    assert "0 failed)" in run.output and "See why pages failed" not in run.output
    mock_site.routes["/"] = [Resp(403, "<html><body>forbidden</body></html>")]
    down = CliRunner().invoke(crawl_command, args)
    assert down.exit_code == 0 and "1 failed: HTTP error 1)" in down.output
    assert "See why pages failed: gongkai crawl-log --failed" in down.output


def test_crawl_log_shows_roles_and_reasons(tmp_path: Path) -> None:
    fx = build_county(tmp_path / "site")
    server = MockSite(fx.root)
    try:
        crawl([site_for(server, "county")], tmp_path / "st", tmp_path / "ix", settings=FAST)
    finally:
        server.close()
    runner = CliRunner()
    rows = json.loads(runner.invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--role", "list", "--json",
                                                        "--limit", "100"]).output)
    reasons = {r["url"].replace(server.url, "/"): r["reason"] for r in rows}
    assert {r["role"] for r in rows} == {"list"}
    assert reasons["/files/"] == "folder index page (Index of /files/)"
    assert reasons["/xxgk/tzgg/index.html"] == "trs list: TRS createPageHTML(...) script"
    articles = json.loads(runner.invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--role", "article",
                                                            "--json"]).output)
    notice = next(r for r in articles if r["url"].endswith("/tingshui.html"))
    assert notice["reason"].startswith("short notice")
    text = runner.invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--role", "attachment"]).output
    assert "attachment" in text and "qx2022ndbg.pdf" in text and "↳ attachment: file (application/pdf)" in text
    assert "No fetches of api pages." in runner.invoke(crawl_log_command, ["--state", str(tmp_path / "st"),
                                                                           "--role", "api"]).output
    bad = runner.invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--role", "index"])
    assert bad.exit_code == 2 and "Invalid value for '--role'" in bad.output


def test_progress_counts_pages_done_against_pages_known(basic_site: MockSite, tmp_path: Path) -> None:
    events: list[CrawlProgress] = []
    stats = crawl([site_for(basic_site)], tmp_path / "st", tmp_path / "ix", settings=FAST, progress=events.append)
    done = [e.done for e in events]
    assert done == list(range(1, len(events) + 1)) == list(range(1, stats.fetched + stats.robots_blocked + 1))
    assert all(e.known >= e.done for e in events)
    assert events[-1].known == events[-1].done  # the bar fills at the end
    assert max(e.known for e in events) < 200  # pages known, not max_pages
    bar = click.progressbar(length=1, file=io.StringIO())
    show = progress_to(bar)
    for e in events:
        show(e)
    assert bar.pos == bar.length == len(events)


def test_max_time_stops_the_crawl_and_the_next_run_resumes(mock_site: MockSite, tmp_path: Path) -> None:
    links = "".join(f"<a href='/a{i}.html'>关于第{i}批项目资金安排的公告</a>" for i in range(12))
    mock_site.routes["/"] = [Resp(body=f"<html><body>{links}</body></html>")]
    for i in range(12):
        mock_site.routes[f"/a{i}.html"] = [Resp(body=ARTICLE.format(t=f"第{i}批项目资金安排的公告"), delay=0.2)]
    settings = FetchSettings(timeout=2, retries=0, concurrency=1)
    first = crawl([site_for(mock_site)], tmp_path / "st", tmp_path / "ix", settings=settings, max_seconds=0.5)
    assert first.deadline_reached and 1 <= first.fetched < 13
    with StateStore(tmp_path / "st") as st:
        queued, _ = st.frontier_size("t")
    assert queued == 13 - first.fetched
    rest = crawl([site_for(mock_site)], tmp_path / "st", tmp_path / "ix", settings=settings)
    assert not rest.deadline_reached and first.fetched + rest.fetched == 13
    assert first.documents_indexed + rest.documents_indexed == 12


def test_max_time_option(mock_site: MockSite, tmp_path: Path) -> None:
    mock_site.routes["/"] = [Resp(body="<a href='/a.html'>关于第一批项目资金安排的公告</a>", delay=0.3)]
    mock_site.routes["/a.html"] = [Resp(body=ARTICLE.format(t="第一批项目资金安排的公告"))]
    args = ["--sites", str(sites_toml(tmp_path, mock_site.url)), "--state", str(tmp_path / "st"),
            "--index", str(tmp_path / "ix")]
    out = CliRunner().invoke(crawl_command, [*args, "--max-time", "0.1"])
    assert out.exit_code == 0, out.output
    assert "Stopped at --max-time: run `gongkai crawl` again to continue where it stopped." in out.output
    data = json.loads(CliRunner().invoke(crawl_command, [*args, "--max-time", "1m", "--json"]).output)
    assert data["deadline_reached"] is False and data["documents_indexed"] == 1
    bad = CliRunner().invoke(crawl_command, [*args, "--max-time", "often"])
    assert bad.exit_code == 2 and "'often' is no duration" in bad.output


@pytest.mark.parametrize("value", ["600", "90s", "30m", "2h"])
def test_max_time_values(value: str, tmp_path: Path) -> None:
    r = CliRunner().invoke(crawl_command, ["--sites", str(tmp_path / "none.toml"), "--max-time", value])
    assert r.exit_code == 2 and "no sites file" in r.output  # bad input (exit 2); the value itself was accepted
