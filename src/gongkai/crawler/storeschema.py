"""The crawl store's tables and their migrations (SQLite ``PRAGMA user_version``).

Version 0 is the first store layout (no version number written). Each later version is a list of
``ALTER TABLE … ADD COLUMN`` (or other additive) statements in `MIGRATIONS`; opening a store applies
the missing ones inside one write transaction, so an older store keeps every row and a store
opened by two processes at once is migrated once. A store written by a newer gongkai is refused
rather than half-understood.

To add a column: append a new version to `MIGRATIONS` (never edit an old one) and read it with a
default, so the code keeps working on rows written before it existed.
"""

from __future__ import annotations

import sqlite3

from gongkai.errors import StorageError
from gongkai.i18n import _

# The first layout, exactly as version 0 wrote it.
SCHEMA_V0 = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'page',
    depth INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    http_status INTEGER,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    fetched_at REAL,
    error TEXT NOT NULL DEFAULT '',
    raw BLOB,
    content_type TEXT NOT NULL DEFAULT '',
    final_url TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    doc_id TEXT,
    dirty INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site);
CREATE INDEX IF NOT EXISTS pages_doc ON pages(doc_id);
CREATE INDEX IF NOT EXISTS pages_dirty ON pages(dirty) WHERE dirty = 1;
CREATE TABLE IF NOT EXISTS frontier (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    depth INTEGER NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    UNIQUE (site, url)
);
CREATE TABLE IF NOT EXISTS att_links (
    article TEXT NOT NULL,
    attachment TEXT NOT NULL,
    PRIMARY KEY (article, attachment)
);
CREATE INDEX IF NOT EXISTS att_links_attachment ON att_links(attachment);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    urls TEXT NOT NULL DEFAULT '[]',
    doc BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS fetch_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fetched_at REAL NOT NULL,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    outcome TEXT NOT NULL,
    change TEXT NOT NULL DEFAULT '',
    http_status INTEGER,
    error TEXT NOT NULL DEFAULT ''
);
"""

# version -> statements that bring version-1 to it
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # Page roles with their reason, list hints (title, date, platform) with queued and fetched
    # requests, and failure categories in the log.
    1: (
        "ALTER TABLE pages ADD COLUMN role_reason TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE pages ADD COLUMN hint TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE frontier ADD COLUMN hint TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE fetch_log ADD COLUMN category TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE fetch_log ADD COLUMN role TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE fetch_log ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
    ),
    # The archive (`gongkai.crawler.archive`): every distinct content of a page as a version, its
    # bytes once per hash in `blobs` (zlib, as `pages.raw` held them), the history of each document
    # (added, changed, withdrawn, restored) with its content at each version, and when a page was first
    # found gone. The current body of each page becomes its first version and leaves `pages.raw`; the
    # documents already stored become their first ('known') version.
    2: (
        "ALTER TABLE pages ADD COLUMN gone_at REAL",
        """CREATE TABLE IF NOT EXISTS blobs (
            hash TEXT PRIMARY KEY,
            size INTEGER,
            data BLOB NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL,
            hash TEXT NOT NULL,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL,
            http_status INTEGER,
            content_type TEXT NOT NULL DEFAULT '',
            final_url TEXT NOT NULL DEFAULT '',
            doc_hash TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS versions_url ON versions(url, id)",
        "CREATE INDEX IF NOT EXISTS versions_hash ON versions(hash)",
        """CREATE TABLE IF NOT EXISTS doc_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id TEXT NOT NULL,
            site TEXT NOT NULL,
            at REAL NOT NULL,
            event TEXT NOT NULL,
            content_hash TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            sources TEXT NOT NULL DEFAULT '[]',
            detail TEXT NOT NULL DEFAULT '{}',
            doc BLOB
        )""",
        "CREATE INDEX IF NOT EXISTS doc_history_doc ON doc_history(doc_id, id)",
        "CREATE INDEX IF NOT EXISTS doc_history_at ON doc_history(at)",
        "INSERT OR IGNORE INTO blobs (hash, size, data) SELECT content_hash, NULL, raw FROM pages "
        "WHERE raw IS NOT NULL AND content_hash IS NOT NULL",
        "INSERT INTO versions (url, hash, first_seen, last_seen, http_status, content_type, final_url) "
        "SELECT url, content_hash, COALESCE(fetched_at, 0), COALESCE(fetched_at, 0), http_status, content_type, "
        "final_url FROM pages WHERE raw IS NOT NULL AND content_hash IS NOT NULL ORDER BY url",
        "UPDATE pages SET raw = NULL WHERE raw IS NOT NULL AND content_hash IS NOT NULL",
        "UPDATE pages SET gone_at = fetched_at WHERE status = 'gone'",
        "INSERT INTO doc_history (doc_id, site, at, event, content_hash, url, doc) "
        "SELECT d.doc_id, d.site, COALESCE((SELECT MAX(p.fetched_at) FROM pages p WHERE p.doc_id = d.doc_id), 0), "
        "'known', d.content_hash, d.url, d.doc FROM documents d ORDER BY d.doc_id",
    ),
}
VERSION = max(MIGRATIONS)


def version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def prepare(db: sqlite3.Connection, where: str) -> None:
    """Create the tables of a new store, or bring an older one up to `VERSION`."""
    if version(db) == VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        found = version(db)  # again: another process may have migrated meanwhile
        if found > VERSION:
            raise StorageError(_("the crawl state in {where} was written by a newer gongkai (store version {found}, this one reads up to {VERSION}); upgrade gongkai or use another --state folder.").format(where=where, found=found, VERSION=VERSION))
        for stmt in SCHEMA_V0.split(";"):
            if stmt.strip():
                db.execute(stmt)
        for v in range(found + 1, VERSION + 1):
            for stmt in MIGRATIONS[v]:
                db.execute(stmt)
        db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
