"""The crawl store: one SQLite file under the state folder, plus the crawl lock.

``STATE/state.sqlite3`` (WAL journal, synchronous=NORMAL; tables and migrations in
`gongkai.crawler.storeschema`) holds
- ``pages``      one row per request ever made (``url`` is `Request.key`: the URL of a GET, or
                 ``URL#POST BODY``): status (ok / not_modified / gone / failed / robots_blocked), HTTP
                 status, validators (ETag, Last-Modified), the hash of the last body fetched (the bodies
                 themselves are versions in the archive), when it was first found gone, content type, role (list / article / attachment / api) and why (``role_reason``), what the list
                 said about it (``hint``, JSON), the document it belongs to, and ``dirty`` (the index has
                 not caught up with it yet);
- ``frontier``   the requests queued and done in the current crawl of each site (with their hints), so a
                 killed crawl resumes;
- ``att_links``  which article page links which attachment;
- ``documents``  the documents in the index (id, primary URL, content hash, other URLs, JSON);
- ``fetch_log``  recent fetches with their outcome, failure category and reason, and the role given
                 to the page and why (``gongkai crawl-log``);
- ``blobs``, ``versions``, ``doc_history``  the archive: every version of every page with its bytes,
                 and what happened to each document (`gongkai.crawler.archive`, ``StateStore.archive``).

Every change is made inside a transaction, so a crash (kill -9 included) leaves the last
committed state. ``STATE/crawl.lock`` (fcntl) allows one crawl per state folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.crawler import storeschema
from gongkai.crawler.archive import Archive
from gongkai.errors import CrawlError, StorageError
from gongkai.i18n import _

DB_NAME = "state.sqlite3"
LOCK_NAME = "crawl.lock"
LOG_KEEP = 20000  # fetch_log rows kept
RETIRED = "no longer part of the site"  # the error of pages `retire_other_urls` marked gone: never revisited

PAGE_STATUSES = ("ok", "not_modified", "gone", "failed", "robots_blocked")
LOG_KEYS = ("fetched_at", "site", "url", "outcome", "change", "http_status", "error", "category", "role", "reason")


@dataclass
class Page:
    url: str
    site: str
    kind: str
    depth: int
    status: str
    http_status: int | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    fetched_at: float | None
    error: str
    content_type: str
    final_url: str
    role: str
    doc_id: str | None
    dirty: int
    has_raw: bool
    role_reason: str = ""
    hint: str = ""
    gone_at: float | None = None  # when it was first found gone (404/410, removed), while it stays gone

    @property
    def alive(self) -> bool:
        """Has content worth indexing: fetched once, not gone since (a transient failure keeps it)."""
        return self.has_raw and self.status != "gone"


@dataclass
class StoredDoc:
    doc_id: str
    site: str
    url: str
    content_hash: str
    urls: list[str]
    doc: dict[str, Any]


_PAGE_COLS = ("url, site, kind, depth, status, http_status, etag, last_modified, content_hash, fetched_at, "
              "error, content_type, final_url, role, doc_id, dirty, raw IS NOT NULL OR content_hash IS NOT NULL, role_reason, hint, gone_at")


class StateStore:
    def __init__(self, state_dir: Path | str) -> None:
        self.state_dir = Path(state_dir)
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.state_dir / DB_NAME, isolation_level=None, timeout=30,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                storeschema.prepare(self._db, str(self.state_dir))
            except BaseException:
                self._db.close()
                raise
        except (OSError, sqlite3.Error) as e:
            raise StorageError(_("cannot open the crawl state in {state_dir}: {e} — check the folder's permissions and free disk space.").format(state_dir=self.state_dir, e=e)) from None
        self._depth = 0
        self.archive = Archive(self._x)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing block; nested blocks join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise self._storage_error(e) from None
        self._depth = 1
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException as e:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                raise self._storage_error(e) from None
            raise
        finally:
            self._depth = 0

    def _storage_error(self, e: sqlite3.Error) -> StorageError:
        return StorageError(_("cannot write the crawl state in {state_dir}: {e} — free some disk space or fix the permissions and run again; nothing already stored was lost.").format(state_dir=self.state_dir, e=e))

    def _x(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as e:
            raise self._storage_error(e) from None

    # -- pages -------------------------------------------------------------------------------

    def page(self, url: str) -> Page | None:
        row = self._x(f"SELECT {_PAGE_COLS} FROM pages WHERE url = ?", (url,)).fetchone()
        return _page(row) if row else None

    def raw(self, url: str) -> bytes | None:
        """The page's current body: its latest version (a body stored before versions, in its row)."""
        found = self.archive.raw(url)
        if found is not None:
            return found
        row = self._x("SELECT raw FROM pages WHERE url = ?", (url,)).fetchone()
        return zlib.decompress(row[0]) if row and row[0] is not None else None

    def pages(self, site: str | None = None) -> list[Page]:
        sql = f"SELECT {_PAGE_COLS} FROM pages"
        rows = self._x(sql + " WHERE site = ? ORDER BY url", (site,)) if site else self._x(sql + " ORDER BY url")
        return [_page(r) for r in rows]

    def put_page(self, url: str, site: str, **fields: Any) -> None:
        """Insert or update one page (its bodies are versions: `StateStore.archive`)."""
        existing = self._x("SELECT 1 FROM pages WHERE url = ?", (url,)).fetchone()
        if existing:
            if fields:
                sets = ", ".join(f"{k} = ?" for k in fields)
                self._x(f"UPDATE pages SET {sets}, site = ? WHERE url = ?", [*fields.values(), site, url])
        else:
            fields.setdefault("status", "failed")
            cols = ", ".join(["url", "site", *fields])
            marks = ", ".join("?" * (len(fields) + 2))
            self._x(f"INSERT INTO pages ({cols}) VALUES ({marks})", [url, site, *fields.values()])

    def dirty_urls(self, site: str | None = None) -> list[str]:
        if site:
            rows = self._x("SELECT url FROM pages WHERE dirty = 1 AND site = ? ORDER BY url", (site,))
        else:
            rows = self._x("SELECT url FROM pages WHERE dirty = 1 ORDER BY url")
        return [r[0] for r in rows]

    def mark_dirty(self, urls: list[str]) -> None:
        self._db.executemany("UPDATE pages SET dirty = 1 WHERE url = ?", [(u,) for u in urls])

    def pages_of_doc(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._x("SELECT url FROM pages WHERE doc_id = ? ORDER BY url", (doc_id,))]

    def count_pages(self) -> dict[str, int]:
        return dict(self._x("SELECT status, COUNT(*) FROM pages GROUP BY status").fetchall())

    # -- attachments -------------------------------------------------------------------------

    def set_attachments(self, article: str, attachments: list[str]) -> None:
        self._x("DELETE FROM att_links WHERE article = ?", (article,))
        self._db.executemany("INSERT OR IGNORE INTO att_links VALUES (?, ?)", [(article, a) for a in attachments])

    def attachment_parents(self, attachment: str) -> list[str]:
        rows = self._x("SELECT article FROM att_links WHERE attachment = ? ORDER BY article", (attachment,))
        return [r[0] for r in rows]

    # -- documents ---------------------------------------------------------------------------

    def document(self, doc_id: str) -> StoredDoc | None:
        row = self._x("SELECT doc_id, site, url, content_hash, urls, doc FROM documents WHERE doc_id = ?",
                      (doc_id,)).fetchone()
        return _stored(row) if row else None

    def document_by_hash(self, content_hash: str, exclude: str) -> StoredDoc | None:
        row = self._x("SELECT doc_id, site, url, content_hash, urls, doc FROM documents "
                      "WHERE content_hash = ? AND doc_id != ? ORDER BY url LIMIT 1", (content_hash, exclude)).fetchone()
        return _stored(row) if row else None

    def put_document(self, d: StoredDoc) -> None:
        blob = zlib.compress(json.dumps(d.doc, ensure_ascii=False).encode("utf-8"), 6)
        self._x("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                (d.doc_id, d.site, d.url, d.content_hash, json.dumps(d.urls), blob))

    def delete_document(self, doc_id: str) -> None:
        self._x("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def document_ids(self) -> list[str]:
        return [r[0] for r in self._x("SELECT doc_id FROM documents ORDER BY doc_id")]

    def reset_documents(self) -> None:
        """Forget every document and mark every page for re-assembly (used by reindex)."""
        self._x("DELETE FROM documents")
        self._x("UPDATE pages SET doc_id = NULL, dirty = 1 WHERE raw IS NOT NULL OR content_hash IS NOT NULL")

    # -- frontier ----------------------------------------------------------------------------

    def frontier_size(self, site: str) -> tuple[int, int]:
        """(queued, done) for the site's current crawl."""
        row = self._x("SELECT COALESCE(SUM(done = 0), 0), COALESCE(SUM(done = 1), 0) FROM frontier WHERE site = ?",
                      (site,)).fetchone()
        return int(row[0]), int(row[1])

    def enqueue(self, site: str, key: str, depth: int, kind: str, parent: str = "", hint: str = "") -> bool:
        """Queue a request unless this crawl already has it; a shallower depth wins for queued requests,
        and a hint fills a queued request that had none."""
        cur = self._x("INSERT OR IGNORE INTO frontier (site, url, depth, kind, parent, hint) VALUES (?, ?, ?, ?, ?, ?)",
                      (site, key, depth, kind, parent, hint))
        if cur.rowcount:
            return True
        self._x("UPDATE frontier SET depth = ? WHERE site = ? AND url = ? AND done = 0 AND depth > ?",
                (depth, site, key, depth))
        if hint:
            self._x("UPDATE frontier SET hint = ? WHERE site = ? AND url = ? AND hint = ''", (hint, site, key))
        return False

    def next_queued(self, site: str, limit: int, exclude: set[str]) -> list[tuple[str, int, str, str, str]]:
        """(key, depth, kind, parent, hint) of the next queued requests, oldest first."""
        rows = self._x("SELECT url, depth, kind, parent, hint FROM frontier WHERE site = ? AND done = 0 ORDER BY id "
                       "LIMIT ?", (site, limit + len(exclude))).fetchall()
        return [tuple(r) for r in rows if r[0] not in exclude][:limit]  # type: ignore[misc]

    def mark_done(self, site: str, url: str) -> None:
        self._x("UPDATE frontier SET done = 1 WHERE site = ? AND url = ?", (site, url))

    def clear_frontier(self, site: str) -> None:
        self._x("DELETE FROM frontier WHERE site = ?", (site,))

    def known_urls(self, site: str) -> list[tuple[str, int, str, str]]:
        """(key, depth, kind, hint) to revisit in a new crawl: everything with content that is not gone,
        and the gone articles and files (a withdrawn document may come back)."""
        rows = self._x("SELECT url, depth, kind, hint FROM pages WHERE site = ? AND content_hash IS NOT NULL "
                       "AND (status != 'gone' OR (role IN ('article', 'attachment') AND error != ?)) "
                       "ORDER BY depth, url", (site, RETIRED))
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def retire_other_urls(self, site: str, prefix: str) -> int:
        """Mark the site's pages outside `prefix` gone (the site moved), so the next sync drops them."""
        with self.transaction():
            cur = self._x("UPDATE pages SET status = 'gone', dirty = 1, error = ?, gone_at = ? WHERE site = ? "
                          "AND substr(url, 1, ?) != ? AND status != 'gone'",
                          (RETIRED, time.time(), site, len(prefix), prefix))
            self._x("DELETE FROM frontier WHERE site = ? AND substr(url, 1, ?) != ?", (site, len(prefix), prefix))
        return cur.rowcount

    # -- log ---------------------------------------------------------------------------------

    def log(self, site: str, url: str, outcome: str, change: str, http_status: int | None, error: str, *,
            category: str = "", role: str = "", reason: str = "") -> None:
        self._x("INSERT INTO fetch_log (fetched_at, site, url, outcome, change, http_status, error, category, role, "
                "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (time.time(), site, url, outcome, change, http_status, error, category, role, reason))

    def prune_log(self, keep: int = LOG_KEEP) -> None:
        self._x("DELETE FROM fetch_log WHERE id <= (SELECT MAX(id) FROM fetch_log) - ?", (keep,))

    def recent(self, limit: int = 50, failed_only: bool = False, role: str | None = None) -> list[dict[str, Any]]:
        """The latest fetches, newest first; only failures (robots blocks included), or only one role."""
        where, params = [], []
        if failed_only:
            where.append("outcome IN ('failed', 'robots_blocked')")
        if role:
            where.append("role = ?")
            params.append(role)
        sql = " WHERE " + " AND ".join(where) if where else ""
        rows = self._x(f"SELECT {', '.join(LOG_KEYS)} FROM fetch_log{sql} ORDER BY id DESC LIMIT ?", (*params, limit))
        return [dict(zip(LOG_KEYS, r, strict=True)) for r in rows]


def _page(row: tuple[Any, ...]) -> Page:
    values = list(row)
    values[16] = bool(values[16])
    return Page(*values)


def _stored(row: tuple[Any, ...]) -> StoredDoc:
    doc = json.loads(zlib.decompress(row[5]).decode("utf-8"))
    return StoredDoc(row[0], row[1], row[2], row[3], json.loads(row[4]), doc)


class CrawlLock:
    """``STATE/crawl.lock`` held with fcntl.flock for the length of a crawl (released on exit or death)."""

    def __init__(self, state_dir: Path | str) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StorageError(_("cannot create {path}: {strerror} — check the state folder's permissions.").format(path=self.path, strerror=e.strerror)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise CrawlError(
                _("another crawl is running on {state_dir} (pid {holder}); wait for it to finish or remove {path} if no crawl is running").format(state_dir=self.state_dir, holder=holder, path=self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
