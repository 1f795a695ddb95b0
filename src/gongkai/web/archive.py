"""The archive on the web: a document's versions and withdrawals, what changed, and stored copies.

Settings read: the app's ``GONGKAI_STATE`` (the crawl state folder `create_app` was given; none, no
archive: pages show no history). The store is opened read-only for each request
(`gongkai.crawler.archive.open_archive`): the web never writes it.

- ``/doc/<id>/changes?from=&to=`` what changed between two versions of a document: metadata fields
  and a word-level diff of the text (`gongkai.diff`); by default the latest version against the
  one before it.
- ``/snapshot/<version>`` a page version as it was fetched (快照): our page with a banner saying it
  is a stored copy and when it was fetched, the copy in a sandboxed iframe;
- ``/snapshot/<version>/raw`` the stored bytes themselves, under ``Content-Security-Policy:
  sandbox`` (no script runs, nothing is loaded from elsewhere; files are downloads);
- ``/api/documents/<id>/history`` the document's versions, withdrawals and page versions as JSON.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from gongkai.crawler.archive import VERSION_EVENTS, Archive, ArchiveReader, Event, day, open_archive
from gongkai.diff import attachment_changes, diff_text, document_text, meta_changes, what_changed
from gongkai.errors import UsageError
from gongkai.extract import decode_bytes
from gongkai.i18n import _
from gongkai.vocabulary import event_label, type_label
from gongkai.web.pool import NotFound

bp = Blueprint("archive", __name__)

# The stored copy: no script, no plugin, no form, nothing fetched from anywhere (images of the
# original site would tell it who reads the copy); its own styles may apply. Framed by our page only.
SNAPSHOT_POLICY = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                   "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


@contextlib.contextmanager
def reading() -> Iterator[ArchiveReader | None]:
    """The app's archive, read-only, for one request (None when the app has none)."""
    state = current_app.config.get("GONGKAI_STATE")
    if state is None:
        yield None
        return
    with open_archive(Path(state)) as archive:
        yield archive


def _stamp(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _file_label(url: str, primary: str) -> str:
    if url == primary:
        return _("Page")
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name or _("Attachment")


def history_of(archive: Archive, doc_id: str, primary_url: str) -> dict[str, Any]:
    """A document's versions (newest first) with their stored copies, its withdrawals (the gaps),
    and every version of its page."""
    events = archive.history(doc_id)
    primary_url = primary_url or (events[-1].url if events else "")
    versions: list[dict[str, Any]] = []
    before: tuple[int, dict[str, Any]] | None = None
    for e in events:
        if not e.has_doc:
            continue
        doc = archive.event_doc(e.id) or {}
        versions.append({
            "id": e.id, "event": e.event, "label": event_label(e.event), "date": day(e.at), "at": round(e.at, 3),
            "title": doc.get("title") or "", "previous": before[0] if before else None,
            "changed": what_changed(before[1], doc) if before else [],
            "snapshots": [{"version": vid, "label": _file_label(url, primary_url)} for url, vid in e.sources],
        })
        before = (e.id, doc)
    versions.reverse()
    gaps: list[dict[str, Any]] = []
    for e in events:
        if e.event == "withdrawn":
            gaps.append({"from": day(e.at), "to": None})
        elif e.event == "restored" and gaps and gaps[-1]["to"] is None:
            gaps[-1]["to"] = day(e.at)
    pages = [{"version": v.id, "first_seen": day(v.first_seen), "last_seen": day(v.last_seen), "hash": v.hash[:12],
              "http_status": v.http_status} for v in reversed(archive.versions(primary_url))]
    return {"versions": versions, "withdrawals": gaps, "page_versions": pages}


def document_history(doc_id: str, primary_url: str) -> dict[str, Any] | None:
    """`history_of` for the document page; None without an archive or a history."""
    with reading() as archive:
        if archive is None:
            return None
        found = history_of(archive, doc_id, primary_url)
    return found if found["versions"] or found["page_versions"] else None


def _version_event(archive: Archive, doc_id: str, value: str | None, name: str) -> Event | None:
    if value is None or value == "":
        return None
    try:
        event_id = int(value)
    except ValueError:
        raise UsageError(_("{name} must be a version number from the document's history, not {value!r}.").format(
            name=name, value=value)) from None
    e = archive.event(event_id)
    if e is None or e.doc_id != doc_id or e.event not in VERSION_EVENTS:
        raise NotFound(_("the document has no version {id}; pick one from its list of versions.").format(id=event_id))
    return e


@bp.get("/doc/<doc_id>/changes")
def changes_page(doc_id: str) -> Any:
    with reading() as archive:
        if archive is None:
            raise NotFound(_("no archive of versions is kept for this index."))
        kept = [e for e in archive.history(doc_id) if e.has_doc]
        if not kept:
            raise NotFound(_("no versions of document {id!r} are kept; check the link.").format(id=doc_id))
        new = _version_event(archive, doc_id, request.args.get("to"), "to") or kept[-1]
        old = _version_event(archive, doc_id, request.args.get("from"), "from")
        if old is None:
            earlier = [e for e in kept if e.id < new.id]
            old = earlier[-1] if earlier else new
        a, b = archive.event_doc(old.id) or {}, archive.event_doc(new.id) or {}
    text = diff_text(document_text(a), document_text(b))
    added, removed = attachment_changes(a, b)
    return render_template(
        "changes.html", doc_id=doc_id, title=b.get("title") or a.get("title") or _("(untitled)"),
        old={"id": old.id, "date": day(old.at), "label": event_label(old.event)},
        new={"id": new.id, "date": day(new.at), "label": event_label(new.event)},
        versions=[{"id": e.id, "date": day(e.at), "label": event_label(e.event)} for e in reversed(kept)],
        meta=[(name, label, *(type_label(v) if name == "doc_type" and v else v for v in (before, after)))
              for name, label, before, after in meta_changes(a, b)], text=text, hunks=text.hunks(), attachments_added=added,
        attachments_removed=removed, same=old.id == new.id,
    )


def _stored(version_id: int) -> tuple[Any, bytes]:
    with reading() as archive:
        v = archive.version(version_id) if archive is not None else None
        body = archive.body(v.hash) if archive is not None and v is not None else None
    if v is None or body is None:
        raise NotFound(_("no stored copy {id}; check the link.").format(id=version_id))
    return v, body


@bp.get("/snapshot/<int:version_id>")
def snapshot_page(version_id: int) -> Any:
    v, body = _stored(version_id)
    url = v.url.split("#", 1)[0]
    return render_template("snapshot.html", version=v, url=url, fetched=_stamp(v.first_seen),
                           last_seen=_stamp(v.last_seen), size=len(body), is_html=v.is_html and not _is_file(body))


def _is_file(body: bytes) -> bool:
    return body[:5] == b"%PDF-" or body[:4] == b"PK\x03\x04"


@bp.get("/snapshot/<int:version_id>/raw")
def snapshot_raw(version_id: int) -> Response:
    v, body = _stored(version_id)
    ctype = v.content_type or ("application/pdf" if body[:5] == b"%PDF-" else "text/html")
    html = v.is_html and not _is_file(body)
    if html:
        # The bytes as fetched, labelled with the encoding they are in (the header wins over a
        # wrong or missing meta tag, as it did when the page was read).
        _, encoding = decode_bytes(body, {"content-type": v.content_type} if v.content_type else None)
        ctype = f"text/html; charset={encoding}"
    resp = Response(body, mimetype=None, content_type=ctype)
    resp.headers["Content-Security-Policy"] = SNAPSHOT_POLICY
    resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    resp.headers["X-Robots-Tag"] = "noindex"
    resp.headers["Cache-Control"] = "public, max-age=86400"
    resp.headers["Memento-Datetime"] = formatdate(v.first_seen, usegmt=True)
    if not html:
        name = urlsplit(v.url).path.rsplit("/", 1)[-1] or f"snapshot-{v.id}"
        resp.headers["Content-Disposition"] = f"attachment; filename=\"snapshot-{v.id}-{_ascii(name)}\""
    return resp


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)[:80]


@bp.get("/api/documents/<doc_id>/history")
def api_history(doc_id: str) -> Any:
    with reading() as archive:
        history = history_of(archive, doc_id, "") if archive is not None else None
    if not history or not history["versions"]:
        raise NotFound(_("no versions of document {id!r} are kept.").format(id=doc_id))
    return jsonify(history)
