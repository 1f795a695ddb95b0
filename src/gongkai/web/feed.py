"""The Atom feed of a search: the newest documents (by publish date) matching a query and filters.

Subscribing to ``/feed?q=依申请公开&type=annual_report`` lets a reader see new reports as a
crawl adds them; ``/feed`` alone is the feed of everything new. It takes the search page's
parameters. Built with ElementTree, so every text node is escaped by the serializer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from markupsafe import escape

from gongkai.i18n import _
from gongkai.vocabulary import section_label, type_label
from gongkai.web import views

bp = Blueprint("feed", __name__)

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 30


def _timestamp(published: str | None) -> str:
    if published:
        return f"{published}T00:00:00Z"
    return "1970-01-01T00:00:00Z"


def _heading(section: dict[str, Any]) -> str:
    number = section.get("number") or ""
    return f"{number}、{section.get('heading') or ''}" if number else section.get("heading") or ""


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _title(params: dict[str, str]) -> str:
    parts = [_("“{query}”").format(query=params["q"])] if params.get("q") else []
    if "type" in params:
        parts.append(type_label(params["type"]))
    for name in ("year", "published", "agency"):
        if name in params:
            parts.append(params[name])
    if "section" in params:
        parts.append(section_label(params["section"]))
    what = _(", ").join(parts) if parts else _("newest documents")
    return _("Government information disclosure search: {what}").format(what=what)


def build_feed(params: dict[str, str], result: dict[str, Any]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    self_url = views.endpoint_url("feed.atom", params, external=True)
    _sub(feed, "id", self_url)
    _sub(feed, "title", _title(params))
    dates = [r["published"] for r in result["results"] if r.get("published")]
    _sub(
        feed, "updated", _timestamp(max(dates)) if dates else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(
        feed,
        "link",
        rel="alternate",
        type="text/html",
        href=views.endpoint_url("web.search_page", {**params, "sort": "newest"}, external=True),
    )
    _sub(feed, "generator", "gongkai")
    for r in result["results"]:
        entry = _sub(feed, "entry")
        doc_url = url_for("web.document_page", doc_id=r["id"], _external=True)
        _sub(entry, "id", doc_url)
        _sub(entry, "title", r.get("title") or _("(untitled)"))
        _sub(entry, "updated", _timestamp(r.get("published")))
        if r.get("published"):
            _sub(entry, "published", _timestamp(r["published"]))
        author = _sub(entry, "author")
        _sub(author, "name", r.get("agency") or _("unknown agency"))
        _sub(entry, "link", rel="alternate", type="text/html", href=doc_url)
        if r.get("url"):
            _sub(entry, "link", rel="related", href=r["url"])
        _sub(
            entry,
            "category",
            term=r.get("type") or "other",
            label=type_label(r.get("type") or "other"),
        )
        # Snippets are already HTML (escaped text with <mark>); ElementTree escapes them once more,
        # which is what type="html" content means.
        parts = [
            f"<p><b>{escape(_heading(s))}</b> {views.safe_snippet(s.get('snippet') or '')}</p>"
            for s in r.get("sections", [])
        ]
        if parts:
            _sub(entry, "summary", "".join(parts), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def wants_html() -> bool:
    """A browser opening the feed's link (it asks for text/html first) gets a page, not raw XML;
    feed readers ask for Atom (or for anything: */*) and get the feed."""
    best = request.accept_mimetypes.best_match(["application/atom+xml", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes[
        "application/atom+xml"]


@bp.get("/feed")
def atom() -> Response:
    params = {k: v for k, v in views._params(request.args).items() if k not in ("page", "sort")}
    req = views.build_request(params, limit=FEED_ENTRIES, sort="newest")
    result = views._searcher().search(req)
    if wants_html():
        resp = Response(render_template("feed.html", title=_title(params), result=result, p=params,
                                        feed_url=views.endpoint_url("feed.atom", params, external=True),
                                        search_url=views.endpoint_url("web.search_page", {**params, "sort": "newest"})),
                        mimetype="text/html")
    else:
        resp = Response(build_feed(params, result), mimetype="application/atom+xml")
    resp.vary.add("Accept")
    return resp
