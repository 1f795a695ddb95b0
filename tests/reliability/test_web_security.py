"""Web: XSS payloads render as text everywhere, security headers on every response, static files stay in
their folder, and `gongkai serve` binds to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from relhelpers import ROOT, cli_cmd, cli_env, record

from gongkai.index import Indexer
from gongkai.models import Document, Section, content_hash, document_id
from gongkai.web import create_app

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg/onload=alert(3)>",
    "javascript:alert(4)",
    "<iframe src=javascript:alert(5)>",
    '<a href="javascript:alert(6)">点我</a>',
    "</title><script>alert(7)</script>",
    "<!--<script>alert(8)//-->",
    "]]><script>alert(9)</script>",
    "{{7*7}}{% raw %}",
    "<style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
]
# What must never appear in a page: any of these means a payload became markup.
DANGER = re.compile(r"<script>alert|<img src=x|<svg/onload|<iframe src|<a href=\"javascript|<style>body|"
                    r"onerror=alert\(\d+\)>|<mglyph", re.I)
CHECKED = {"responses": 0}


def _doc(n: int, payload: str, year: int) -> Document:
    url = f"http://evil.example.gov.cn/{n}.html"
    doc = Document(
        id=document_id(url), url=url, title=f"{payload}政府信息公开工作年度报告{year}",
        agency=f"{payload}局", doc_type="annual_report", year=year, published=f"{year + 1}-01-15",
        doc_no=payload, index_no=payload, topic=payload,
        sections=[Section("一", f"总体情况{payload}", "overview", f"依申请公开 {payload} 全年收到申请12件。\n{payload}"),
                  Section("二", "收到和处理政府信息公开申请情况", "requests",
                          f"本年新收政府信息公开申请12件。{payload}")],
    )
    doc.content_hash = content_hash(doc)
    return doc


DOCS = [_doc(n, p, 2015 + n % 8) for n, p in enumerate(PAYLOADS)]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    index = tmp_path_factory.mktemp("xss") / "index"
    with Indexer(index) as ix:
        for d in DOCS:
            ix.upsert(d)
    with create_app(index).test_client() as c:
        yield c


def _get(client: FlaskClient, url: str) -> tuple[int, str, dict[str, str]]:
    r = client.get(url)
    text = r.get_data(as_text=True)
    r.close()  # static files are streamed from an open file
    CHECKED["responses"] += 1
    headers = dict(r.headers)
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, (url, csp)
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy"), url
    return r.status_code, text, headers


def _assert_text_only(url: str, body: str) -> None:
    m = DANGER.search(body)
    assert m is None, f"{url}: payload rendered as markup near {body[max(0, m.start() - 80):m.end() + 80]!r}"


def test_payloads_render_as_text(client: FlaskClient) -> None:
    urls = ["/", "/stats/", "/stats/year/2019", "/feed", "/feed?q=依申请公开"]
    for d, p in zip(DOCS, PAYLOADS, strict=True):
        qp = quote(p)
        urls += [f"/?q={qp}", f"/?q=依申请公开&agency={quote(d.agency)}", f"/?q={qp}&year=2019&section={qp}",
                 f"/?type={qp}", f"/?agency={qp}&sort=date", f"/doc/{d.id}", f"/doc/{d.id}?q={qp}",
                 f"/feed?q={qp}", f"/feed?agency={quote(d.agency)}", f"/stats/agency/{quote(d.agency, safe='')}",
                 f"/stats/doc/{d.id}", f"/api/search?q={qp}", f"/doc/{qp}", f"/stats/agency/{qp}", f"/nope/{qp}"]
    statuses: dict[int, int] = {}
    for url in urls:
        status, body, headers = _get(client, url)
        statuses[status] = statuses.get(status, 0) + 1
        assert status < 500, (url, status)
        if "json" not in headers.get("Content-Type", ""):
            _assert_text_only(url, body)
    assert statuses.get(200, 0) > len(urls) // 2
    record("web.xss", f"{len(PAYLOADS)} payloads in titles, bodies, agencies, 文号, query strings and facet values; "
                      f"{len(urls)} pages (search, document, feed, stats, errors) — all rendered as text; "
                      f"statuses {dict(sorted(statuses.items()))}")


def test_feed_is_well_formed_xml_with_payloads(client: FlaskClient) -> None:
    import xml.etree.ElementTree as ET

    for p in PAYLOADS:
        status, body, _ = _get(client, f"/feed?q={quote(p)}")
        assert status in (200, 400)
        if status == 200:
            ET.fromstring(body.encode("utf-8"))


TRAVERSALS = [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2fapp.py",
    "/static/..%5capp.py", "/static/%252e%252e/app.py", "/static/....//app.py", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/..%c0%afapp.py",
    "/static/style.css%00.py", "/static/../../../../../../etc/passwd", "/static/./../views.py",
    "/stats/static/../web.py", "/stats/static/%2e%2e/web.py", "/stats/static/..%2fweb.py",
    "/static/%2e%2e/%2e%2e/%2e%2e/config.py", "/static/..;/app.py",
]


def test_static_files_cannot_escape(client: FlaskClient) -> None:
    status, body, headers = _get(client, "/static/style.css")
    assert status == 200 and "text/css" in headers["Content-Type"]
    for url in TRAVERSALS:
        status, body, headers = _get(client, url)
        if status in (301, 308):  # werkzeug merges slashes: follow it, it must stay under /static/
            assert headers["Location"].split("localhost", 1)[-1].startswith(url[:url.index("/static/") + 8]), headers
            status, body, _ = _get(client, headers["Location"])
        assert status in (400, 403, 404), (url, status)
        assert "import " not in body and "root:x:0:0" not in body, url
    record("web.static", f"{len(TRAVERSALS)} traversal paths (../, %2e%2e, %2f, %5c, %252e, overlong UTF-8, NUL) "
                         "answered 400/404 with no file content; security headers on all "
                         f"{CHECKED['responses']} responses checked so far")


def test_error_responses_carry_headers(client: FlaskClient) -> None:
    for url in ("/nope", "/doc/does-not-exist", "/api/search?page=0", "/api/documents/x", "/?page=abc",
                "/stats/year/99999", "/static/missing.css"):
        status, _, _ = _get(client, url)
        assert 400 <= status < 500, (url, status)
    r = client.post("/")
    assert r.status_code == 405 and r.headers.get("X-Content-Type-Options") == "nosniff"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on `port`."""
    out = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.rsplit(":", 1)
            if int(p, 16) == port and state == "0A":
                out.append(addr)
    return out


def test_serve_binds_loopback_by_default(tmp_path: Path) -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cli_cmd("serve", "--index", tmp_path / "index", "--port", str(port)),
                                stdout=out, stderr=subprocess.STDOUT, env=cli_env(), cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        found: list[str] = []
        while time.monotonic() < deadline and not found:
            time.sleep(0.2)
            found = _listening(port)
            assert proc.poll() is None, log.read_text()
        assert found == ["0100007F"], f"serve listens on {found} (0100007F is 127.0.0.1)"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
