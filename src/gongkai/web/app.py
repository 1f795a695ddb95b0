"""The Flask application factory, the per-thread index handles and the waitress entry point.

Settings read (from `gongkai.config.Settings`): ``index_dir`` (when no folder is given),
``max_query_chars``, ``max_page``, ``max_limit`` (request bounds, see `views`).

The app only reads: it opens the index through `gongkai.backends.open_searcher` (Whoosh or OpenSearch) and refreshes
the handle before every request, so documents committed by a running crawl show up without
a restart. A missing index is not fatal at start-up: requests answer 503 until it appears.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from gongkai.config import Settings
from gongkai.errors import GongkaiError, IndexError_, NoIndexError, UsageError
from gongkai.i18n import N_, _
from gongkai.urls import is_web_url
from gongkai.web.cache import VersionedCache
from gongkai.web.pool import NO_INDEX_MESSAGE, NotFound, Opener, SearcherPool

# Tight but complete: the pages use no inline script or style and load nothing from elsewhere.
CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

# The web never names the server's folders nor tells visitors how to run the server: messages of the
# index layer carry paths and commands for the CLI's user, and go to the operator's log.
INDEX_ERROR_MESSAGE = N_("The search index is not available right now: it needs maintenance. Please try again "
                         "later, or tell the site's administrator.")
INTERNAL_ERROR_MESSAGE = N_("Something went wrong on the server. Please try again later.")

ERROR_TITLES = {
    400: N_("Bad request"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    500: N_("Server error"),
    503: N_("Search temporarily unavailable"),
}


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
    title = _(ERROR_TITLES.get(status, N_("Something went wrong")))
    q = (request.args.get("q") or "")[:1000]
    html = render_template("error.html", message=message, status=status, title=title, q=q)
    return Response(html, status=status, mimetype="text/html")


def create_app(
    index_dir: str | Path | None = None,
    *,
    state_dir: str | Path | None = None,
    settings: Settings | None = None,
    opener: Opener | None = None,
) -> Flask:
    """Build the app over `index_dir` (default: `Settings.index_dir`).

    `state_dir` is the crawl state whose archive the pages show (versions, withdrawals, stored
    copies; read-only); without it they show none. `opener` replaces `gongkai.backends.open_searcher`
    (tests use it to inject failures).
    """
    from gongkai.stats.web import blueprint as stats_blueprint
    from gongkai.web import archive, feed, language, views

    settings = settings or Settings()
    index_path = Path(index_dir) if index_dir is not None else settings.index_dir
    app = Flask(__name__)
    app.config["GONGKAI_SETTINGS"] = settings
    app.config["GONGKAI_STATE"] = Path(state_dir) if state_dir is not None else None
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    app.extensions["gongkai_pool"] = SearcherPool(index_path, opener)
    app.extensions["gongkai_cache"] = VersionedCache()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.autoescape = True  # every template, whatever its extension
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["max_query_chars"] = settings.max_query_chars
    # Stored URLs come from the pages and files that were indexed: only absolute http(s) URLs become
    # links (`is web_url`). Not `javascript:`, `data:`, `java&#9;script:`; not a local file's path either
    # (`gongkai index` resolves relative attachment links against the file), which would name the
    # server's folders and lead nowhere.
    app.jinja_env.tests["web_url"] = is_web_url

    language.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(feed.bp)
    app.register_blueprint(archive.bp)
    app.register_blueprint(stats_blueprint, url_prefix="/stats")
    views.init_app(app)

    @app.errorhandler(GongkaiError)
    def _gongkai_error(err: GongkaiError) -> Any:
        status = status_for(err)
        if isinstance(err, IndexError_):
            app.logger.warning("index unavailable: %s", err)  # the operator's log names the folder
            message = _(NO_INDEX_MESSAGE if isinstance(err, NoIndexError) else INDEX_ERROR_MESSAGE)
        elif status >= 500:
            app.logger.error("%s: %s", type(err).__name__, err)
            message = _(INTERNAL_ERROR_MESSAGE)
        else:
            message = str(err)
        return _error_response(message, status)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        status = err.code or 500
        messages = {
            400: N_("The request could not be understood."),
            404: N_("There is no page at this address."),
            405: N_("This address only answers GET requests."),
            500: INTERNAL_ERROR_MESSAGE,
        }
        return _error_response(_(messages.get(status, N_("Something went wrong"))), status)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 4) -> Any:
    """A waitress server for `app` (call ``.run()``; ``.close()`` stops it).

    Requests waitress refuses itself (a malformed request line 400, headers too large 431) never reach
    Flask; their answers get the same security headers through our error task.
    """
    import waitress
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class _SecureErrorTask(ErrorTask):  # type: ignore[misc]
        def execute(self) -> None:
            self.response_headers.extend(SECURITY_HEADERS.items())
            super().execute()

    class _Channel(HTTPChannel):  # type: ignore[misc]
        error_task_class = _SecureErrorTask

    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="gongkai")
    for s in [server, *getattr(server, "map", {}).values()]:
        if hasattr(s, "channel_class"):
            s.channel_class = _Channel
    return server


def serve(
    index_dir: str | Path | None, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 4,
    state_dir: str | Path | None = None,
) -> None:
    """Serve `create_app(index_dir, state_dir=state_dir)` with waitress until interrupted."""
    make_server(create_app(index_dir, state_dir=state_dir), host, port, threads=threads).run()
