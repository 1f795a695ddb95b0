"""The archive in the crawl store: page versions with their bytes, and the history of each document.

Tables (created by migration 2 of `gongkai.crawler.storeschema`):

- ``blobs``      each body ever kept, once per SHA-256 of its bytes (zlib): two pages or two versions
                 with the same bytes share one blob;
- ``versions``   every distinct content of a page in the order seen: the hash of its bytes, when it was
                 first and last fetched, HTTP status, content type and final URL, and ``doc_hash``, the
                 content hash of the document read from it (set by the sync). A page that goes back to
                 earlier bytes gets a new version (A, B, A are three versions over two blobs);
- ``doc_history`` what happened to each document: ``added``, ``changed`` (both with the document as it
                 read then, zlib JSON, and the page versions it was read from), ``withdrawn`` (its
                 page answered 404/410 or was removed), ``restored`` (back, with the gap in ``detail``),
                 and ``known`` (a version that is no event: the documents a store held when versions
                 began, or a document that took over a twin's content).

Bounded: a new version whose bytes read to the same document as the version before it (a visit
counter, a rotating token in the page) is folded into that version (`Archive.settle`): only its fetch
time is kept. Lists and list answers keep their latest version only — they change with every new item
and are no documents.

`Archive` runs on a connection it is given: the crawl's store (`StateStore.archive`, inside the
store's transactions, so a kill never loses a version already committed) or a read-only one
(`open_archive`, for the web).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.errors import StorageError
from gongkai.i18n import _

EVENTS = ("added", "changed", "withdrawn", "restored")  # what `gongkai changes` and feeds list
VERSION_EVENTS = ("known", "added", "changed")  # history rows that carry a document version
HISTORY_ROLES = ("article", "attachment")  # pages whose every version is kept

Execute = Callable[[str, tuple[Any, ...] | list[Any]], sqlite3.Cursor]

_VERSION_COLS = "id, url, hash, first_seen, last_seen, http_status, content_type, final_url, doc_hash"
_HISTORY_COLS = "id, doc_id, site, at, event, content_hash, url, sources, detail, doc IS NOT NULL"


@dataclass(frozen=True)
class Version:
    id: int
    url: str  # the page's key in the store (`Request.key`)
    hash: str  # SHA-256 of the bytes
    first_seen: float
    last_seen: float
    http_status: int | None
    content_type: str
    final_url: str
    doc_hash: str | None

    @property
    def is_html(self) -> bool:
        ctype = self.content_type.lower()
        return "html" in ctype or not ctype


@dataclass(frozen=True)
class Event:
    """One row of a document's history."""

    id: int
    doc_id: str
    site: str
    at: float
    event: str
    content_hash: str
    url: str
    sources: list[list[Any]]  # [[page key, version id], ...] the document was read from
    detail: dict[str, Any]
    has_doc: bool


def day(ts: float | None) -> str | None:
    """A timestamp as the local calendar day (ISO), as dates are shown everywhere."""
    return time.strftime("%Y-%m-%d", time.localtime(ts)) if ts is not None else None


def iso_time(ts: float | None) -> str | None:
    """A timestamp as ISO 8601 local time with its offset, as every JSON output gives times."""
    if ts is None:
        return None
    return datetime.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _version(row: tuple[Any, ...]) -> Version:
    return Version(*row)


def _event(row: tuple[Any, ...]) -> Event:
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7] or "[]"),
                 json.loads(row[8] or "{}"), bool(row[9]))


def pack_doc(doc: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(doc, ensure_ascii=False).encode("utf-8"), 6)


def unpack_doc(blob: bytes) -> dict[str, Any]:
    return json.loads(zlib.decompress(blob).decode("utf-8"))  # type: ignore[no-any-return]


class Archive:
    def __init__(self, execute: Execute) -> None:
        self._x = execute

    # -- page versions -------------------------------------------------------------------------

    def latest(self, url: str) -> Version | None:
        row = self._x(f"SELECT {_VERSION_COLS} FROM versions WHERE url = ? ORDER BY id DESC LIMIT 1", (url,)).fetchone()
        return _version(row) if row else None

    def version(self, version_id: int) -> Version | None:
        row = self._x(f"SELECT {_VERSION_COLS} FROM versions WHERE id = ?", (version_id,)).fetchone()
        return _version(row) if row else None

    def versions(self, url: str) -> list[Version]:
        """Every version of a page, oldest first."""
        return [_version(r) for r in self._x(f"SELECT {_VERSION_COLS} FROM versions WHERE url = ? ORDER BY id",
                                             (url,))]

    def body(self, digest: str) -> bytes | None:
        row = self._x("SELECT data FROM blobs WHERE hash = ?", (digest,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    def raw(self, url: str) -> bytes | None:
        """The bytes of the page's latest version."""
        row = self._x("SELECT b.data FROM versions v JOIN blobs b ON b.hash = v.hash WHERE v.url = ? "
                      "ORDER BY v.id DESC LIMIT 1", (url,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    def record(self, url: str, body: bytes, digest: str, now: float, *, http_status: int | None,
               content_type: str, final_url: str, keep_history: bool) -> int:
        """Keep `body` as the page's newest version (or, same bytes as the newest, refresh its last
        fetch); without `keep_history` the page's older versions go. Returns the version id."""
        last = self.latest(url)
        if last is not None and last.hash == digest:
            self.seen(url, now)
            return last.id
        self._x("INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?, ?, ?)",
                (digest, len(body), zlib.compress(body, 6)))
        cur = self._x("INSERT INTO versions (url, hash, first_seen, last_seen, http_status, content_type, final_url) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)", (url, digest, now, now, http_status, content_type, final_url))
        new_id = int(cur.lastrowid or 0)
        if not keep_history:
            for old in self.versions(url)[:-1]:
                self._drop(old)
        return new_id

    def seen(self, url: str, now: float) -> None:
        """The page was fetched again with the bytes of its newest version (or answered 304)."""
        self._x("UPDATE versions SET last_seen = ? WHERE id = (SELECT MAX(id) FROM versions WHERE url = ?)",
                (now, url))

    def settle(self, url: str, doc_hash: str) -> bool:
        """Note which document the page's newest version reads to; a version reading to the same
        document as the one before it is folded into it (returns True then)."""
        vs = self._x(f"SELECT {_VERSION_COLS} FROM versions WHERE url = ? ORDER BY id DESC LIMIT 2",
                     (url,)).fetchall()
        if not vs:
            return False
        newest = _version(vs[0])
        if len(vs) == 2 and newest.doc_hash is None and _version(vs[1]).doc_hash == doc_hash:
            before = _version(vs[1])
            self._x("UPDATE versions SET last_seen = ? WHERE id = ?", (max(before.last_seen, newest.last_seen),
                                                                      before.id))
            self._drop(newest)
            return True
        if newest.doc_hash != doc_hash:
            self._x("UPDATE versions SET doc_hash = ? WHERE id = ?", (doc_hash, newest.id))
        return False

    def _drop(self, v: Version) -> None:
        self._x("DELETE FROM versions WHERE id = ?", (v.id,))
        self._x("DELETE FROM blobs WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM versions WHERE hash = ?)",
                (v.hash, v.hash))

    def sizes(self) -> dict[str, int]:
        """Versions, blobs and compressed bytes kept (for tests and reports)."""
        versions = self._x("SELECT COUNT(*) FROM versions", ()).fetchone()[0]
        blobs, stored = self._x("SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM blobs", ()).fetchone()
        return {"versions": int(versions), "blobs": int(blobs), "stored_bytes": int(stored)}

    # -- document history ----------------------------------------------------------------------

    def add_event(self, doc_id: str, site: str, at: float, event: str, *, content_hash: str = "", url: str = "",
                  sources: list[list[Any]] | None = None, detail: dict[str, Any] | None = None,
                  doc: dict[str, Any] | None = None) -> None:
        self._x("INSERT INTO doc_history (doc_id, site, at, event, content_hash, url, sources, detail, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, site, at, event, content_hash, url, json.dumps(sources or []),
                 json.dumps(detail or {}, ensure_ascii=False), pack_doc(doc) if doc is not None else None))

    def history(self, doc_id: str) -> list[Event]:
        """A document's history, oldest first."""
        return [_event(r) for r in self._x(f"SELECT {_HISTORY_COLS} FROM doc_history WHERE doc_id = ? ORDER BY id",
                                           (doc_id,))]

    def has_history(self, doc_id: str) -> bool:
        return self._x("SELECT 1 FROM doc_history WHERE doc_id = ? LIMIT 1", (doc_id,)).fetchone() is not None

    def event(self, event_id: int) -> Event | None:
        row = self._x(f"SELECT {_HISTORY_COLS} FROM doc_history WHERE id = ?", (event_id,)).fetchone()
        return _event(row) if row else None

    def event_doc(self, event_id: int) -> dict[str, Any] | None:
        """The document as it read at a version (an added, changed or known event)."""
        row = self._x("SELECT doc FROM doc_history WHERE id = ?", (event_id,)).fetchone()
        return unpack_doc(row[0]) if row and row[0] is not None else None

    def doc_at(self, doc_id: str, before_id: int) -> tuple[int, dict[str, Any]] | None:
        """The document's newest version up to event `before_id` (its id and content)."""
        row = self._x("SELECT id, doc FROM doc_history WHERE doc_id = ? AND id <= ? AND doc IS NOT NULL "
                      "ORDER BY id DESC LIMIT 1", (doc_id, before_id)).fetchone()
        return (int(row[0]), unpack_doc(row[1])) if row else None

    def events(self, *, since: float | None = None, site: str | None = None, doc_ids: list[str] | None = None,
               kinds: tuple[str, ...] = EVENTS, limit: int = 100) -> list[Event]:
        """Events of all documents, newest first."""
        where = [f"event IN ({', '.join('?' * len(kinds))})"]
        params: list[Any] = list(kinds)
        if since is not None:
            where.append("at >= ?")
            params.append(since)
        if site:
            where.append("site = ?")
            params.append(site)
        if doc_ids is not None:
            where.append(f"doc_id IN ({', '.join('?' * len(doc_ids))})")
            params.extend(doc_ids)
        params.append(limit)
        rows = self._x(f"SELECT {_HISTORY_COLS} FROM doc_history WHERE {' AND '.join(where)} "
                       "ORDER BY at DESC, id DESC LIMIT ?", params)
        return [_event(r) for r in rows]


class ArchiveReader(Archive):
    """The archive of a state folder opened read-only (the web never writes the store)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

        def execute(sql: str, params: tuple[Any, ...] | list[Any] = ()) -> sqlite3.Cursor:
            try:
                return db.execute(sql, params)
            except sqlite3.Error as e:
                raise StorageError(_("cannot read the crawl archive: {reason}").format(reason=e)) from None

        super().__init__(execute)

    def close(self) -> None:
        self._db.close()


@contextlib.contextmanager
def open_archive(state_dir: Path | str) -> Iterator[ArchiveReader | None]:
    """The archive of `state_dir`, read-only; None when there is none (no crawl yet, a store from
    before versions, a store being created)."""
    from gongkai.crawler.state import DB_NAME

    path = Path(state_dir) / DB_NAME
    if not path.is_file():
        yield None
        return
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5, check_same_thread=False)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        yield None
        return
    if not {"versions", "blobs", "doc_history"} <= tables:
        db.close()
        yield None
        return
    reader = ArchiveReader(db)
    try:
        yield reader
    finally:
        reader.close()
