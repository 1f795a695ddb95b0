"""The Flask application factory, the per-thread index handles and the waitress entry point.

Settings read (from `gongkai.config.Settings`): ``index_dir`` (when no folder is given),
``max_query_chars``, ``max_page``, ``max_limit`` (request bounds, see `views`).

The app only reads: it opens the index through `gongkai.index.open_searcher` and refreshes
the handle before every request, so documents committed by a running crawl show up without
a restart. A missing index is not fatal at start-up: requests answer 503 until it appears.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from gongkai.config import Settings
from gongkai.errors import GongkaiError, IndexError_, UsageError

# Tight but complete: the pages use no inline script or style and load nothing from elsewhere.
CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

ERROR_TITLES = {
    400: "请求有误",
    404: "没有找到",
    405: "不支持的请求方式",
    500: "服务器出错",
    503: "索引暂不可用",
}


class Searcher(Protocol):
    """What the views need from `gongkai.index.SearcherHandle`."""

    def search(self, req: Any) -> dict[str, Any]: ...

    def document(self, doc_id: str) -> Any: ...

    def similar(self, doc_id: str, limit: int = 5) -> list[dict[str, Any]]: ...

    def agency_documents(self, agency: str, doc_type: str | None = None) -> list[dict[str, Any]]: ...

    def refresh(self) -> Any: ...


Opener = Callable[[Path], Searcher]


class NotFound(GongkaiError):
    """An unknown document id (answered with 404)."""


class SearcherPool:
    """The app's one index handle: opened on first use, refreshed before every request.

    `SearcherHandle` is thread-safe, so waitress's threads share it. Opening is retried on
    each request while there is no index, so a server started before the first crawl
    commit starts answering as soon as the index appears.
    """

    def __init__(self, index_dir: Path, opener: Opener | None = None) -> None:
        self.index_dir = index_dir
        self._opener = opener
        self._handle: Searcher | None = None
        self._lock = threading.Lock()

    def _open(self) -> Searcher:
        if self._opener is None:
            from gongkai.index import open_searcher

            return open_searcher(self.index_dir)
        return self._opener(self.index_dir)

    def get(self) -> Searcher:
        with self._lock:
            if self._handle is not None:
                try:
                    self._handle.refresh()
                    return self._handle
                except (GongkaiError, OSError):
                    # Deleted or rebuilt under us: open afresh below (NoIndexError if it is gone).
                    self._handle = None
            self._handle = self._open()
            return self._handle


def status_for(err: GongkaiError) -> int:
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, UsageError):
        return 400
    if isinstance(err, IndexError_):
        return 503
    return 500


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(message: str, status: int) -> Response | tuple[Any, int]:
    if _wants_json():
        return jsonify({"error": message}), status
    title = ERROR_TITLES.get(status, "出错了")
    q = (request.args.get("q") or "")[:1000]
    html = render_template("error.html", message=message, status=status, title=title, q=q)
    return Response(html, status=status, mimetype="text/html")


def create_app(
    index_dir: str | Path | None = None,
    *,
    settings: Settings | None = None,
    opener: Opener | None = None,
) -> Flask:
    """Build the app over `index_dir` (default: `Settings.index_dir`).

    `opener` replaces `gongkai.index.open_searcher` (tests use it to inject failures).
    """
    from gongkai.stats.web import blueprint as stats_blueprint
    from gongkai.web import feed, views

    settings = settings or Settings()
    index_path = Path(index_dir) if index_dir is not None else settings.index_dir
    app = Flask(__name__)
    app.config["GONGKAI_SETTINGS"] = settings
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    app.extensions["gongkai_pool"] = SearcherPool(index_path, opener)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.autoescape = True  # every template, whatever its extension
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["max_query_chars"] = settings.max_query_chars

    app.register_blueprint(views.bp)
    app.register_blueprint(feed.bp)
    app.register_blueprint(stats_blueprint, url_prefix="/stats")
    views.init_app(app)

    @app.errorhandler(GongkaiError)
    def _gongkai_error(err: GongkaiError) -> Any:
        return _error_response(str(err), status_for(err))

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        status = err.code or 500
        messages = {
            404: "这个地址没有页面。",
            405: "这个地址只接受 GET 请求。",
            500: "服务器内部出错，请稍后再试；问题持续时请查看服务器日志。",
        }
        return _error_response(messages.get(status, err.description or str(err)), status)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def serve(
    index_dir: str | Path | None, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 4
) -> None:
    """Serve `create_app(index_dir)` with waitress until interrupted."""
    import waitress

    waitress.serve(create_app(index_dir), host=host, port=port, threads=threads, ident="gongkai")
