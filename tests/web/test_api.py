"""The machine-readable outputs: JSON API, Atom feed, and the `serve` command."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from gongkai.index import SearchRequest, get_document, search
from gongkai.models import Document
from gongkai.web import commands, create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == "application/json"
    return r.get_json()


# ---------------------------------------------------------------- /api/search


@pytest.mark.parametrize(
    ("url", "req"),
    [
        ("/api/search?q=依申请公开", SearchRequest("依申请公开")),
        (
            "/api/search?q=依申请公开&year=2015-2019&sort=date&page=2",
            SearchRequest("依申请公开", years=(2015, 2019), sort="date", page=2),
        ),
        (
            "/api/search?q=复议&section=appeals&agency=云岭县人民政府&type=annual_report",
            SearchRequest("复议", section="appeals", agency="云岭县人民政府", doc_type="annual_report"),
        ),
        (
            "/api/search?q=复议&section=复议&type=年度报告&limit=3",
            SearchRequest("复议", section="appeals", doc_type="annual_report", limit=3),
        ),
        ("/api/search?type=notice", SearchRequest("", doc_type="notice", sort="date")),
    ],
)
def test_api_search_returns_the_search_dict(
    client: FlaskClient, index_dir: Path, url: str, req: SearchRequest
) -> None:
    assert get_json(client, url) == search(index_dir, req)


def test_api_search_shape(client: FlaskClient) -> None:
    data = get_json(client, "/api/search?q=依申请公开&page=2")
    assert {"query", "total", "page", "pages", "limit", "results", "facets"} <= set(data)
    assert (data["query"], data["page"], data["limit"]) == ("依申请公开", 2, 10)
    assert data["pages"] == -(-data["total"] // 10)
    result = data["results"][0]
    assert {"id", "url", "title", "agency", "type", "year", "published", "score", "sections"} <= set(result)
    assert {"number", "heading", "key", "snippet"} <= set(result["sections"][0])
    assert set(data["facets"]) == {"year", "section", "type", "agency"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=a&year=20x9", "cannot read the year '20x9': use a year like 2017 or a range like 2015-2019 "
                          "(2015- and -2015 leave one end open)"),
        (
            "q=a&section=foo",
            "unknown section 'foo': use one of overview, proactive, requests, fees, appeals, "
            "problems, other (or 依申请公开, 复议 …)",
        ),
        ("q=a&page=1000", "page must be between 1 and 100; 1000 is out of range."),
        ("q=a&limit=101", "limit must be between 1 and 100; 101 is out of range."),
        ("q=" + "x" * 501, "the query is 501 characters long; the limit is 500. Shorten it."),
    ],
)
def test_api_errors_are_json_400(english_client: FlaskClient, query: str, message: str) -> None:
    assert get_json(english_client, "/api/search?" + query, status=400) == {"error": message}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=a&page=1000", "page 应在 1 到 100 之间；1000 超出了范围。"),
        ("q=a&sort=x", "没有排序方式 'x'：请用 relevance（相关度）、newest（最新）或 oldest（最早）。"),
    ],
)
def test_api_errors_are_chinese_by_default(client: FlaskClient, query: str, message: str) -> None:
    assert get_json(client, "/api/search?" + query, status=400) == {"error": message}


def test_api_unknown_route_is_json_404(client: FlaskClient) -> None:
    assert get_json(client, "/api/nothing", status=404) == {"error": "这个地址没有页面。"}


def test_api_without_index_is_503(tmp_path: Path) -> None:
    client = create_app(tmp_path / "none").test_client()
    data = get_json(client, "/api/search?q=复议", status=503)
    assert list(data) == ["error"]
    assert data["error"] == "索引暂不可用：服务器上还没有索引，或索引正在重建。请稍后再试。"
    # visitors get neither the server's folders nor the operator's commands
    assert str(tmp_path) not in data["error"] and "gongkai" not in data["error"]
    assert get_json(client, f"/api/documents/{'0' * 16}", status=503)["error"] == data["error"]


# ---------------------------------------------------------------- /api/documents


def test_api_document_is_the_document_dict(
    client: FlaskClient, index_dir: Path, docs: list[Document]
) -> None:
    for doc in docs[:2] + docs[-3:]:
        data = get_json(client, f"/api/documents/{doc.id}")
        assert data == get_document(index_dir, doc.id).to_record()
        assert data["type"] == doc.doc_type and "doc_type" not in data
        assert (data["title"], data["agency"], data["index_no"]) == (doc.title, doc.agency, doc.index_no)
        assert [s["heading"] for s in data["sections"]] == [s.heading for s in doc.sections]


def test_api_unknown_document_is_404(client: FlaskClient, index_dir: Path) -> None:
    data = get_json(client, "/api/documents/ffffffffffffffff", status=404)
    assert data == {"error": "没有 id 为 'ffffffffffffffff' 的文件；请检查链接或重新检索。"}


# ---------------------------------------------------------------- /feed


def parse_feed(client: FlaskClient, url: str) -> ET.Element:
    r = client.get(url)
    assert r.status_code == 200
    assert r.mimetype == "application/atom+xml"
    return ET.fromstring(r.data)


def test_feed_is_valid_atom_newest_first(client: FlaskClient) -> None:
    feed = parse_feed(client, "/feed?q=依申请公开&type=annual_report")
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{tag}") or "").strip(), tag
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and urlsplit(self_link.get("href", "")).path == "/feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 30
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)  # type: ignore[type-var]
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    for e in entries:
        assert e.findtext(f"{ATOM}id", "").startswith("http://localhost/doc/")
        assert e.findtext(f"{ATOM}title", "").endswith("年政府信息公开工作年度报告")
        assert e.find(f"{ATOM}author/{ATOM}name") is not None
        alternate = e.find(f"{ATOM}link[@rel='alternate']")
        assert alternate is not None and alternate.get("href") == e.findtext(f"{ATOM}id")
        summary = e.find(f"{ATOM}summary")
        assert summary is not None and summary.get("type") == "html" and "<mark>" in (summary.text or "")


def test_feed_escapes_hostile_text(client: FlaskClient, sample: Any) -> None:
    feed = parse_feed(client, "/feed?q=alert")
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == sample.EVIL_TITLE
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == sample.EVIL_AGENCY
    summary = entry.findtext(f"{ATOM}summary") or ""
    # Once unescaped by the XML parser, the summary is HTML whose only tags are <p>, <b> and <mark>.
    assert "<script>" not in summary and "<i>" not in summary and "<img" not in summary
    assert "&lt;i&gt;标题&lt;/i&gt;" in summary


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_feed_in_a_browser_is_a_page_and_readers_get_atom(client: FlaskClient) -> None:
    from bs4 import BeautifulSoup

    atom = client.get("/feed?q=依申请公开&type=annual_report")
    html = client.get("/feed?q=依申请公开&type=annual_report", headers={"Accept": BROWSER_ACCEPT})
    for reader in ("application/atom+xml", "*/*", "application/atom+xml, application/rss+xml, */*;q=0.1"):
        assert client.get("/feed", headers={"Accept": reader}).mimetype == "application/atom+xml", reader
    assert html.status_code == 200 and html.mimetype == "text/html" and "Accept" in html.headers["Vary"]
    feed = ET.fromstring(atom.data)
    page = BeautifulSoup(html.get_data(as_text=True), "lxml")
    assert page.h1.text == feed.findtext(f"{ATOM}title") == "政府信息公开检索：“依申请公开”，年度报告"
    # the same entries, each linking its document page; the address to subscribe to, to copy
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert [a.text for a in page.select("ol.feed-entries h2 a")] == titles
    assert page.select_one(".feed-url input")["value"].endswith("/feed?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80&type=annual_report")
    assert page.select_one("link[rel=alternate][type='application/atom+xml']") is not None


def test_feed_errors(client: FlaskClient) -> None:
    r = client.get("/feed?q=a&year=nope")
    assert r.status_code == 400


def test_feed_without_query_lists_a_filter(client: FlaskClient) -> None:
    feed = parse_feed(client, "/feed?type=policy")
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == [
        "青溪市政府信息公开申请办理规定"
    ]


# ---------------------------------------------------------------- gongkai serve


class _FakeServer:
    def __init__(self, calls: list[tuple[Any, ...]], *args: Any) -> None:
        calls.append(args)

    def run(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.lang("en")
def test_serve_command_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(commands, "bind", lambda *a, **kw: _FakeServer(calls, *a, kw))
    monkeypatch.setenv("GONGKAI_INDEX", str(tmp_path / "idx"))
    monkeypatch.setenv("GONGKAI_STATE", str(tmp_path / "state"))
    result = CliRunner().invoke(commands.serve, [])
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path / "idx", "127.0.0.1", 8000, {"state_dir": tmp_path / "state"})]
    assert f"Serving {tmp_path / 'idx'} at http://127.0.0.1:8000/" in result.output


@pytest.mark.lang("en")
def test_serve_command_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(commands, "bind", lambda *a, **kw: _FakeServer(calls, *a, kw))
    result = CliRunner().invoke(
        commands.serve, ["--index", str(tmp_path), "--host", "0.0.0.0", "--port", "9001", "--state", str(tmp_path / "s")]
    )
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path, "0.0.0.0", 9001, {"state_dir": tmp_path / "s"})]
    assert "reachable from other machines" in result.output
    assert CliRunner().invoke(commands.serve, ["--port", "0"]).exit_code == 2
    help_text = CliRunner().invoke(commands.serve, ["--help"]).output
    assert "--index" in help_text and "--host" in help_text and "--port" in help_text and "--state" in help_text


def test_a_busy_port_is_one_error_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for cmd, args in ((commands.serve, ["--index", str(tmp_path)]), (commands.demo, ["--index", str(tmp_path)])):
            r = CliRunner().invoke(cmd, [*args, "--port", str(port)])
            assert r.exit_code == 1, r.output
            assert r.output == (f"错误：127.0.0.1 的端口 {port} 已被占用（或不允许使用）：请停止占用它的程序，"
                                "或用 --port 换一个端口。\n")  # no URL before it, no traceback
    assert not (tmp_path / "gongkai.json").exists()  # the demo did not crawl first
