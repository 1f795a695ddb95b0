"""The crawl store opens stores written by earlier versions (migrations) and refuses newer ones."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pytest
from crawlhelpers import store_docs
from mocksite import FAST, MockSite, site_for

from gongkai.crawler import storeschema
from gongkai.crawler.run import crawl
from gongkai.crawler.state import DB_NAME, StateStore
from gongkai.errors import StorageError

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")


def old_store(state: Path, server_url: str) -> None:
    """A store as version 0 wrote it: its tables, no version number, a page and a fetch logged."""
    state.mkdir(parents=True)
    db = sqlite3.connect(state / DB_NAME)
    db.executescript(storeschema.SCHEMA_V0)
    db.execute("INSERT INTO pages (url, site, kind, depth, status, http_status, content_hash, fetched_at, raw, "
               "content_type, role) VALUES (?, 't', 'page', 0, 'ok', 200, 'x', 1.0, ?, 'text/html', 'list')",
               (server_url, zlib.compress(b"<html><body>old</body></html>")))
    db.execute("INSERT INTO fetch_log (fetched_at, site, url, outcome, change, http_status, error) "
               "VALUES (1.0, 't', ?, 'ok', 'new', 200, '')", (server_url,))
    db.commit()
    db.close()


def columns(state: Path, table: str) -> set[str]:
    with sqlite3.connect(state / DB_NAME) as db:
        return {r[1] for r in db.execute(f"PRAGMA table_info({table})")}


def test_a_version_0_store_is_migrated_and_keeps_its_rows(basic_site: MockSite, tmp_path: Path) -> None:
    state = tmp_path / "state"
    old_store(state, basic_site.url)
    assert "role_reason" not in columns(state, "pages")
    with StateStore(state) as st:
        page = st.page(basic_site.url)
        assert page is not None and page.role == "list" and page.role_reason == "" and page.hint == ""
        assert st.raw(basic_site.url) == b"<html><body>old</body></html>"
        assert [(r["outcome"], r["category"], r["role"]) for r in st.recent(5)] == [("ok", "", "")]
    assert {"role_reason", "hint"} <= columns(state, "pages") and "hint" in columns(state, "frontier")
    assert {"category", "role", "reason"} <= columns(state, "fetch_log")
    with sqlite3.connect(state / DB_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == storeschema.VERSION
    # and a crawl over it works as over a new store
    stats = crawl([site_for(basic_site)], state, tmp_path / "index", settings=FAST)
    assert stats.failed == 0 and len(store_docs(state)) == 12
    with StateStore(state) as st:  # opening again changes nothing
        assert st.page(basic_site.url) is not None


def test_new_and_migrated_stores_have_the_same_tables(tmp_path: Path) -> None:
    old_store(tmp_path / "old", "http://a.gov.cn/")
    StateStore(tmp_path / "old").close()
    StateStore(tmp_path / "new").close()
    for table in ("pages", "frontier", "fetch_log", "documents", "att_links"):
        assert columns(tmp_path / "old", table) == columns(tmp_path / "new", table), table


def test_a_store_of_a_newer_version_is_refused(tmp_path: Path) -> None:
    StateStore(tmp_path / "s").close()
    with sqlite3.connect(tmp_path / "s" / DB_NAME) as db:
        db.execute(f"PRAGMA user_version = {storeschema.VERSION + 1}")
    with pytest.raises(StorageError, match="written by a newer gongkai"):
        StateStore(tmp_path / "s")
