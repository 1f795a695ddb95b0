"""The Atom feed of a search: the newest documents (by publish date) matching a query and filters,
and what happened to matching documents (changed, withdrawn, restored; from the crawl archive).

Subscribing to ``/feed?q=依申请公开&type=annual_report`` lets a reader see new reports as a
crawl adds them, and an entry when a matching report is edited or taken down; ``/feed`` alone is
the feed of everything new. It takes the search page's parameters. Which documents of the archive's
recent events match is asked of the index (``SearchRequest.ids``). Built with ElementTree, so every
text node is escaped by the serializer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from markupsafe import escape

from gongkai.i18n import _
from gongkai.vocabulary import change_list, event_label, section_label, type_label
from gongkai.web import views

bp = Blueprint("feed", __name__)

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 30
EVENT_WINDOW = 300  # the archive's newest events looked at for a feed
FEED_EVENTS = ("changed", "withdrawn", "restored")  # new documents are the feed's document entries


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


def _iso(at: str) -> str:
    """An event's time (ISO 8601 with an offset, as `gongkai changes --json` gives it) in UTC for Atom."""
    return datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _event_entry(feed: ET.Element, e: dict[str, Any]) -> None:
    entry = _sub(feed, "entry")
    doc_url = url_for("web.document_page", doc_id=e["id"], _external=True)
    _sub(entry, "id", f"{doc_url}#event-{e['event_id']}")
    _sub(entry, "title", _("[{event}] {title}").format(event=event_label(e["event"]),
                                                        title=e.get("title") or _("(untitled)")))
    _sub(entry, "updated", _iso(e["at"]))
    if e["event"] == "changed" and e.get("previous"):
        href = url_for("archive.changes_page", doc_id=e["id"], _external=True,
                       **{"from": e["previous"], "to": e["version"]})
    else:
        href = doc_url + "#history"
    _sub(entry, "link", rel="alternate", type="text/html", href=href)
    if e.get("url"):
        _sub(entry, "link", rel="related", href=e["url"])
    _sub(entry, "category", term=e["event"], label=event_label(e["event"]))
    if e["event"] == "changed":
        text = (_("The document was found changed on {date}: {fields}").format(
            date=e["date"], fields=change_list(e["changed"])) if e.get("changed")
            else _("The document was found changed on {date}").format(date=e["date"]))
    elif e["event"] == "withdrawn":
        text = _("The original page has been unreachable since {date} (withdrawn); the archive keeps its last "
                 "version").format(date=e["date"])
    elif e.get("withdrawn"):
        text = _("The original page came back on {date} (withdrawn since {withdrawn})").format(
            date=e["date"], withdrawn=e["withdrawn"])
    else:
        text = _("The original page came back on {date}").format(date=e["date"])
    _sub(entry, "summary", text)


def matching_events(params: dict[str, str]) -> list[dict[str, Any]]:
    """The archive's recent changes, withdrawals and restorations of documents matching the search."""
    from gongkai.crawler.changes import list_changes
    from gongkai.web.archive import reading

    with reading() as archive:
        if archive is None:
            return []
        recent = [e for e in list_changes(archive, limit=EVENT_WINDOW) if e["event"] in FEED_EVENTS]
    ids = sorted({e["id"] for e in recent})
    matched: set[str] = set()
    searcher = views._searcher()
    for start in range(0, len(ids), 100):
        req = views.build_request(params, limit=100, sort="newest")
        req.ids = tuple(ids[start : start + 100])
        matched.update(r["id"] for r in searcher.search(req)["results"])
    return [e for e in recent if e["id"] in matched][:FEED_ENTRIES]


def build_feed(params: dict[str, str], result: dict[str, Any], events: list[dict[str, Any]] | None = None) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    self_url = views.endpoint_url("feed.atom", params, external=True)
    _sub(feed, "id", self_url)
    _sub(feed, "title", _title(params))
    events = events or []
    dates = [_timestamp(r["published"]) for r in result["results"] if r.get("published")]
    dates += [_iso(e["at"]) for e in events]
    _sub(feed, "updated", max(dates) if dates else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(
        feed,
        "link",
        rel="alternate",
        type="text/html",
        href=views.endpoint_url("web.search_page", {**params, "sort": "newest"}, external=True),
    )
    _sub(feed, "generator", "gongkai")
    for e in events:
        _event_entry(feed, e)
    for r in result["results"]:
        entry = _sub(feed, "entry")
        doc_url = url_for("web.document_page", doc_id=r["id"], _external=True)
        _sub(entry, "id", doc_url)
        badge = _("[withdrawn]") + " " if r.get("status") == "withdrawn" else ""
        _sub(entry, "title", badge + (r.get("title") or _("(untitled)")))
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
        resp = Response(build_feed(params, result, matching_events(params)), mimetype="application/atom+xml")
    resp.vary.add("Accept")
    return resp
