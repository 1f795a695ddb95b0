"""The reader's language on the web: Flask-Babel over gongkai's catalogues.

The choice, strongest first: the 中文/English switch (``/lang/<code>``, kept in a cookie for a
year), then the browser's ``Accept-Language``, then Chinese. Templates use Flask-Babel's ``_``;
library messages (`gongkai.i18n._`, e.g. a query error) follow the same choice because every
request runs under `gongkai.i18n.use_language`. Responses say ``Vary: Accept-Language, Cookie``.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, g, redirect, request
from flask_babel import Babel

from gongkai.i18n import (
    DEFAULT_LANGUAGE,
    DOMAIN,
    LANGUAGE_NAMES,
    LANGUAGES,
    LOCALE_DIR,
    _current,
)

COOKIE = "lang"
bp = Blueprint("language", __name__)


def choose_language() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    # zh_TW, zh-HK … read simplified Chinese better than English; any English is English.
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"], default=DEFAULT_LANGUAGE)
    return "en" if best.startswith("en") else "zh_CN"


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //host): the switch is no open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.get("/lang/<code>")
def switch(code: str) -> Any:
    resp = redirect(_safe_next(request.args.get("next")), code=303)
    if code in LANGUAGES:
        resp.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return resp


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(LOCALE_DIR)
    app.config["BABEL_DOMAIN"] = DOMAIN
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    Babel(app, locale_selector=lambda: g.get("language") or choose_language())
    app.register_blueprint(bp)

    def languages() -> list[dict[str, Any]]:
        here = request.full_path.rstrip("?") if request else "/"
        return [{"code": code, "name": LANGUAGE_NAMES[code], "current": code == g.get("language"),
                 "url": f"/lang/{code}?next={_quote(here)}"} for code in LANGUAGES]

    app.jinja_env.globals["languages"] = languages
    app.jinja_env.globals["html_lang"] = lambda: (g.get("language") or DEFAULT_LANGUAGE).replace("_", "-")

    @app.before_request
    def _language() -> None:
        g.language = choose_language()
        g.language_token = _current.set(g.language)

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = g.pop("language_token", None)
        if token is not None:
            # torn down in another context than it was set in: nothing to undo there
            with contextlib.suppress(ValueError):
                _current.reset(token)

    @app.after_request
    def _vary(response: Response) -> Response:
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
