"""Crawler test helpers: a local threaded HTTP server with scriptable (hostile) routes.

`MockSite` serves a folder of static files like `gongkai.crawler.server.SiteServer` does, and any
path can be overridden with a scripted sequence of responses (status, headers, body, delay) —
500 then 200, 429 with Retry-After, slow answers, redirect loops, changing pages, bodies trickled
a few bytes at a time (``trickle``), response heads written raw (``raw_head``: oversized or
malformed headers). ``apis`` maps a path (without its query) to a function answering GET and POST
requests from their query and form (the list endpoints of platform fixture sites). Every request is
recorded with its headers, and in ``calls`` with its method and body. Only 127.0.0.1 is used; no
test touches the internet.
"""

from __future__ import annotations

import io
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from gongkai.crawler.fetch import FetchSettings
from gongkai.crawler.server import _TYPES, resolve_path
from gongkai.crawler.sites import Site

SITES = Path(__file__).parent / "sites"
FAST = FetchSettings(timeout=1.0, retries=2, backoff=0.01, max_retry_after=2.0, concurrency=3)


@dataclass
class Resp:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0  # seconds between body pieces of `trickle_bytes` (0: send at once)
    trickle_bytes: int = 1
    raw_head: bytes | None = None  # sent as the whole response head instead of status and headers

    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Route = list[Resp] | Callable[[BaseHTTPRequestHandler], Resp]


@dataclass
class Call:
    """One request to an ``apis`` function."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    body: str
    base: str  # "http://127.0.0.1:PORT"


Api = Callable[[Call], Resp]


class MockSite:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.routes: dict[str, Route] = {}
        self.apis: dict[str, Api] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.times: list[tuple[str, float]] = []  # (path, time.monotonic()) of each request
        self.closed = threading.Event()  # ends trickled answers when the site shuts down
        self.calls: list[tuple[str, str, str]] = []  # (method, path with query, body) of every request
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                self._answer("GET", "")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self._answer("POST", self.rfile.read(length).decode("utf-8", "replace"))

            def _answer(self, method: str, body: str) -> None:
                path, _, query = self.path.partition("?")
                with site._lock:
                    site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                    site.times.append((self.path, time.monotonic()))
                    site.calls.append((method, self.path, body))
                    route = site.routes.get(self.path)
                    api = site.apis.get(path)
                    if api is not None:
                        route = None
                        call = Call(method, path, dict(parse_qsl(query, keep_blank_values=True)),
                                    dict(parse_qsl(body, keep_blank_values=True)), body, site.url.rstrip("/"))
                        resp: Resp | None = api(call)
                    elif method != "GET" and route is None:
                        resp = Resp(405, "<html><body>method not allowed</body></html>")
                    elif isinstance(route, list):
                        resp = route.pop(0) if len(route) > 1 else route[0]
                    elif route is not None:
                        resp = None
                    else:
                        resp = site._static(self.path, self.headers)
                if resp is None:
                    resp = route(self)  # type: ignore[misc]
                if resp.delay:
                    time.sleep(resp.delay)
                data = resp.data()
                try:
                    if resp.raw_head is not None:
                        self.wfile.write(resp.raw_head + data)
                        self.close_connection = True
                        return
                    self.send_response(resp.status)
                    headers = {"Content-Type": "text/html", **resp.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if resp.status == 304:
                        return
                    if not resp.trickle:
                        self.wfile.write(data)
                        return
                    for i in range(0, len(data), resp.trickle_bytes):
                        self.wfile.write(data[i:i + resp.trickle_bytes])
                        self.wfile.flush()
                        if site.closed.wait(resp.trickle):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients hanging up (timeouts, size limits) are part of the tests

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def _static(self, path: str, headers: Any) -> Resp:
        if self.root is None:
            return Resp(404, "<html><body>not found</body></html>")
        target = resolve_path(self.root, path)
        if target is None:
            return Resp(404, "<html><body>not found</body></html>")
        data = target.read_bytes()
        etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
        if headers.get("If-None-Match") == etag:
            return Resp(304, headers={"ETag": etag})
        ctype = _TYPES.get(target.suffix.lower(), "application/octet-stream")
        return Resp(200, data, {"Content-Type": ctype, "ETag": etag})

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def count(self, path: str) -> int:
        """How often `path` (with its query) was requested."""
        return sum(1 for p, _ in self.requests if p == path)

    def close(self) -> None:
        self.closed.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def make_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in text.splitlines():
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


MZ_DOCX = [
    "青川县民政局2020年度政府信息公开工作年度报告",
    "一、总体情况",
    "2020年，青川县民政局坚持以公开为常态，全年主动公开信息一百二十条，附件正文识别码MINZHENGDOCX。",
    "二、主动公开政府信息情况",
    "主动公开社会救助、养老服务等领域信息。",
    "三、收到和处理政府信息公开申请情况",
    "本年度新收政府信息公开申请三件，均按期答复。",
]
PDF_TEXT = "Statistical annex of the audit bureau report\nAttachment marker AUDITPDFMARKER 2019\nRequests handled: 12"


def build_basic_site(dest: Path) -> Path:
    shutil.copytree(SITES / "basic", dest)
    files = dest / "ndbg" / "files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "report_attach.pdf").write_bytes(make_pdf(PDF_TEXT))
    (files / "mz_report.docx").write_bytes(make_docx(MZ_DOCX))
    return dest










def site_for(server: MockSite, name: str = "t", start: str = "", **kw: Any) -> Site:
    kw.setdefault("delay_seconds", 0.0)
    kw.setdefault("max_pages", 200)
    kw.setdefault("max_depth", 5)
    return Site(name=name, start_urls=(server.url + start.lstrip("/"),), allowed_domains=("127.0.0.1",), **kw)


