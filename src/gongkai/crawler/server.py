"""A small static web server for a folder of saved pages (the bundled demo site, test sites).

Runs `http.server.ThreadingHTTPServer` in a daemon thread on localhost. It behaves like the
disclosure sites the crawler meets:
- ``.shtml``, ``.htm``, ``.html`` and ``.jhtml`` are ``text/html`` with no charset in the header,
  so the page's bytes and meta tag decide (as on many real sites);
- query strings are mapped to files: ``/list.html?page=2`` (also ``cur_page``, ``pageNo`` …) is
  ``list_2.html`` when that file exists; otherwise the query string is ignored;
- a folder serves its ``index.html`` / ``index.shtml`` / ``index.htm``;
- every file has an ETag and a Last-Modified date, and conditional requests get 304.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from gongkai.crawler.links import PAGE_PARAMS

_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".jhtml": "text/html",
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain; charset=utf-8", ".css": "text/css", ".js": "application/javascript",
    ".json": "application/json", ".xml": "application/xml",
}
_INDEX_FILES = ("index.html", "index.shtml", "index.htm")


def resolve_path(root: Path, raw_path: str) -> Path | None:
    """The file under `root` that serves `raw_path` (path and query), or None."""
    parts = urlsplit(raw_path)
    rel = unquote(parts.path).lstrip("/")
    target = (root / rel).resolve()
    root = root.resolve()
    if target != root and root not in target.parents:
        return None  # ../ escapes
    if target.is_dir():
        target = next((target / n for n in _INDEX_FILES if (target / n).is_file()), target)
    page = next((v for k, v in parse_qsl(parts.query) if k.lower() in PAGE_PARAMS), None)
    if page and page.isdigit() and target.is_file():
        numbered = target.with_name(f"{target.stem}_{int(page)}{target.suffix}")
        if int(page) > 1 and numbered.is_file():
            return numbered
    return target if target.is_file() else None


class _Handler(BaseHTTPRequestHandler):
    server_version = "gongkai-site/0.1"
    root: Path = Path(".")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def _serve(self, with_body: bool) -> None:
        path = resolve_path(self.root, self.path)
        if path is None:
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)
            return
        data = path.read_bytes()
        etag = '"' + hashlib.md5(data).hexdigest() + '"'  # noqa: S324 - a cache validator, not security
        modified = email.utils.formatdate(int(path.stat().st_mtime), usegmt=True)
        if self.headers.get("If-None-Match") == etag or (
                not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        ctype = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence per-request logs
        pass


class SiteServer:
    """``with SiteServer(folder) as srv: crawl(srv.url)`` — serves until the block ends."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("SiteHandler", (_Handler,), {"root": Path(root)})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.httpd.server_address[0])
        return f"http://{host}:{self.port}/"

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
