"""`gongkai probe URL` and `gongkai sites add URL`, through the CLI, against the platform fixture sites."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawlhelpers import store_docs
from mocksite import MockSite, Resp
from platform_sites import BUILDERS, FixtureSite

from gongkai.cli import cli
from gongkai.crawler.sites import load_sites

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

# platform, items on the first list page, total, next requests (method of the first), per fixture site
EXPECTED = {
    "hanweb": ("hanweb", 10, 23, 2, "POST"),
    "fujian": ("fujian", 16, 21, 1, "POST"),  # the static page and the first search answer
    "gkmlpt": ("gkmlpt", 10, 14, 1, "GET"),
    "govcn": ("govcn", 5, 12, 2, "GET"),
    "jsonapi": ("jsonapi", 6, 14, 2, "GET"),
    "county": (None, 6, None, 0, None),
}


def gongkai(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.output


@pytest.mark.parametrize("served", list(BUILDERS), indirect=True)
def test_probe_json_of_each_family(served: tuple[FixtureSite, MockSite]) -> None:
    fx, server = served
    start = server.url + fx.starts[0].lstrip("/")
    code, out = gongkai("probe", start, "--delay", "0", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert set(data) == {"url", "platform", "items", "total", "next", "sample"}
    platform, n_items, total, n_next, method = EXPECTED[fx.name]
    assert (data["url"], data["platform"], len(data["items"]), data["total"], len(data["next"])) == (
        start, platform, n_items, total, n_next)
    listed = {server.url + d.path.lstrip("/"): (d.title, d.date) for d in fx.docs}
    for item in data["items"]:
        assert set(item) == {"url", "title", "published"}
        title, date = listed[item["url"]]
        assert item["title"] == title and item["published"] in (date, None)
    if n_next:
        assert set(data["next"][0]) == {"method", "url", "body"} and data["next"][0]["method"] == method
        assert (data["next"][0]["body"] != "") == (method == "POST")
    first = next(d for d in fx.docs if server.url + d.path.lstrip("/") == data["items"][0]["url"])
    assert data["sample"] == {"url": data["items"][0]["url"], "title": first.title, "agency": data["sample"]["agency"],
                              "published": first.date, "type": data["sample"]["type"]}
    assert data["sample"]["agency"] and data["sample"]["type"] in ("notice", "policy", "interpretation", "other")
    assert server.count("/robots.txt") == 1


@pytest.mark.parametrize("served", ["hanweb"], indirect=True)
def test_probe_text_output(served: tuple[FixtureSite, MockSite]) -> None:
    fx, server = served
    code, out = gongkai("probe", server.url + "col/col1201/index.html", "--delay", "0")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[1] == "Page      list: column meta tags (ColumnName) without article tags"
    assert lines[2] == "Platform  hanweb: Hanweb datastore XML block"
    assert lines[3] == "Items     10 found (the list reports 23):"
    assert lines[4].startswith(f"  2021-01-05  {fx.docs[0].title}  {server.url}art/2021/1/5/art_1201_4100.html")
    assert f"  POST {server.url}module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=20&perpage=5 col=1&" in out
    assert f"  title     {fx.docs[0].title}" in out and "  published 2021-01-05" in out
    assert out.rstrip().endswith("(2 requests to the site, robots.txt obeyed)")


def test_probe_errors(mock_site: MockSite) -> None:
    mock_site.routes["/robots.txt"] = [Resp(body="User-agent: *\nDisallow: /private/\n",
                                            headers={"Content-Type": "text/plain"})]
    code, out = gongkai("probe", mock_site.url + "private/list.html", "--delay", "0")
    assert (code, out) == (1, f"Error: cannot fetch {mock_site.url}private/list.html: disallowed by robots.txt\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out = gongkai("probe", f"http://127.0.0.1:{port}/", "--delay", "0")
    assert code == 1 and out.startswith(f"Error: cannot fetch http://127.0.0.1:{port}/: connection failure: robots.txt "
                                        "could not be fetched")
    code, out = gongkai("probe", "ftp://www.example.gov.cn/x", "--delay", "0")
    assert code == 2 and out.startswith("Error: 'ftp://www.example.gov.cn/x' is not a URL the crawler can fetch")
    code, out = gongkai("probe", mock_site.url, "--platform", "wordpress")
    assert code == 2 and out.startswith("Error: unknown platform 'wordpress' (known: hanweb, fujian")


def test_probe_an_article_and_an_empty_page(mock_site: MockSite) -> None:
    mock_site.routes["/a.html"] = [Resp(body="<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='关于停水的通知'>"
                                             "<title>关于停水的通知</title></head><body><h1>关于停水的通知</h1><p>因管道维修，"
                                             "定于3月6日暂停供水，请相互转告。</p></body></html>")]
    mock_site.routes["/empty.html"] = [Resp(body="<html><body><p>栏目建设中</p></body></html>")]
    data = json.loads(gongkai("probe", mock_site.url + "a.html", "--delay", "0", "--json")[1])
    assert (data["platform"], data["items"], data["sample"]["title"]) == (None, [], "关于停水的通知")
    code, out = gongkai("probe", mock_site.url + "empty.html", "--delay", "0")
    assert code == 0 and "Nothing for a crawl here: no list items and no list requests." in out


@pytest.mark.parametrize("served", ["gkmlpt"], indirect=True)
def test_sites_add_writes_a_checked_entry_that_crawls(served: tuple[FixtureSite, MockSite], tmp_path: Path) -> None:
    fx, server = served
    sites = tmp_path / "sites.toml"
    sites.write_text('# our sites\n[[site]]\nname = "demo"\nstart_urls = ["http://127.0.0.1:8765/"]\n', encoding="utf-8")
    start = server.url + "gkmlpt/index#2671"
    code, out = gongkai("sites", "add", start, "--sites", str(sites), "--delay", "0")
    assert code == 0, out
    assert out == ("Added site '127-0-0-1' to " + str(sites) + " (platform gkmlpt, 10 items on the first list page "
                   "of 14).\nCrawl it: gongkai crawl --site 127-0-0-1\n")
    text = sites.read_text(encoding="utf-8")
    assert text.startswith('# our sites\n[[site]]\nname = "demo"')  # what was there stays
    demo, added = load_sites(sites)
    assert (added.name, added.start_urls, added.allowed_domains, added.platform, added.delay_seconds) == (
        "127-0-0-1", (start,), ("127.0.0.1",), "gkmlpt", 0.0)
    code, out = gongkai("crawl", "--sites", str(sites), "--site", "127-0-0-1", "--state", str(tmp_path / "st"),
                        "--index", str(tmp_path / "ix"), "--json")
    assert code == 0, out
    found = sorted(u.replace(server.url, "/") for u, _, _ in store_docs(tmp_path / "st").values())
    assert found == sorted(d.path for d in fx.docs)
    # the same URL again, or a taken name: refused, the file unchanged
    code, out = gongkai("sites", "add", start, "--sites", str(sites), "--delay", "0")
    assert code == 2 and out == f"Error: {start} is already a start URL of site '127-0-0-1' in {sites}.\n"
    code, out = gongkai("sites", "add", server.url + "gkmlpt/index", "--name", "demo", "--sites", str(sites))
    assert code == 2 and out == f"Error: {sites} already has a site named 'demo'; choose another --name.\n"
    assert sites.read_text(encoding="utf-8") == text


def test_sites_add_refuses_a_page_with_nothing_to_crawl(mock_site: MockSite, tmp_path: Path) -> None:
    mock_site.routes["/empty.html"] = [Resp(body="<html><body><p>栏目建设中</p></body></html>")]
    sites = tmp_path / "crawler" / "sites.toml"
    code, out = gongkai("sites", "add", mock_site.url + "empty.html", "--sites", str(sites), "--name", "x",
                        "--delay", "0")
    assert code == 1 and out.startswith(f"Error: {mock_site.url}empty.html shows no articles and no list requests")
    assert not sites.exists()
    mock_site.routes["/list.html"] = [Resp(body="<html><body><a href='/a/1.html'>关于做好2024年防汛工作的通知</a>"
                                                "</body></html>")]
    code, out = gongkai("sites", "add", mock_site.url + "list.html", "--sites", str(sites), "--name", "x",
                        "--delay", "0")
    assert code == 0, out  # a new sites file, with its folder
    (site,) = load_sites(sites)
    assert site.name == "x" and site.platform is None and "platform" not in sites.read_text(encoding="utf-8")
