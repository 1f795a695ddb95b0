"""Bring the index up to date with the crawl store: stored pages -> documents -> index.

Pages whose content changed are marked ``dirty`` by the crawl. `sync_index` turns every dirty
page back into documents from its stored bytes (no network) and upserts or deletes them:
- an article page is a document; the text of its attachments (PDF, DOCX) joins it, or, when
  the article body is empty, its first readable attachment is the document (the article's
  title and metadata fill what the file lacks); an attachment that is a copy of the page's own
  text (the report as HTML and as PDF) is not added twice: the better of the two is kept;
  attachment URLs go to ``Document.attachments``;
- an attachment linked from no article is a document of its own;
- list pages are no documents;
- a gone page (404/410, taken down) keeps its document, built from its last version and marked
  withdrawn (``Document.withdrawn``, the day it was first found gone) — unless another URL of the
  document still serves it; a page that comes back makes it current again;
- the same content on two URLs (mirror, ``_wap`` variant) is one document: the preferred URL
  (not ``_wap``, shorter, then alphabetical — independent of crawl order) is the primary one and
  the others go to ``Document.urls``.

Every document written is also a row of its history in the archive (`gongkai.crawler.archive`):
added, changed (with the document as it now reads and the page versions it was read from),
withdrawn, restored. A page version that reads to the same document as the one before it is folded
into it (`Archive.settle`). ``reindex`` rebuilds documents without adding history.

The store transaction is committed only after the index commit, so after a crash the pages
are still dirty and the next sync repeats the (idempotent) work: a document counts as indexed
only once it is in the index. ``reindex`` is the same code over every stored page.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from gongkai.backends import open_writer
from gongkai.crawler.archive import day
from gongkai.crawler.request import Request
from gongkai.crawler.state import RETIRED, Page, StateStore, StoredDoc
from gongkai.errors import GongkaiError
from gongkai.extract import extract_document, find_attachments
from gongkai.extract.classify import classify
from gongkai.extract.text import text_overlap
from gongkai.extract.witness import NO_VALID_WITNESS, choose_year
from gongkai.models import Attachment, Document, content_hash
from gongkai.urls import normalize_url

FETCH_ATTACHMENT_KINDS = frozenset({"pdf", "doc", "docx", "wps", "ofd"})
EMPTY_BODY_CHARS = 20  # an article with less body text than this is only a wrapper for its attachment
_MAX_VISITS = 4  # a page re-examined more often than this in one sync is left for the next one
_WAP = re.compile(r"_wap\b|/wap/|//wap\.|//m\.", re.I)


@dataclass
class SyncStats:
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    written: set[str] = field(default_factory=set)  # ids of the documents written (new or updated) and kept
    removed: set[str] = field(default_factory=set)  # ids of the documents taken out of the index

    @property
    def indexed(self) -> int:
        """Documents written, each once however often the sync rewrote it (a second URL found for it),
        and not those it removed again (a copy folded into another document)."""
        return len(self.written)

    @property
    def deleted(self) -> int:
        return len(self.removed)


def sync_index(store: StateStore, index_dir: Path | str, *, site: str | None = None, lock_timeout: float = 2.0,
               on_wait: Callable[[str], None] | None = None) -> SyncStats:
    """Index every dirty page (of one site, or all); a no-op when nothing is dirty.

    Waits up to `lock_timeout` seconds for another writer of the index (`Indexer`), then raises
    `IndexLockedError` with nothing changed: the pages stay dirty for the next sync."""
    stats = SyncStats()
    urls = store.dirty_urls(site)
    if not urls:
        return stats
    with store.transaction(), open_writer(index_dir, lock_timeout=lock_timeout, on_wait=on_wait) as ix:
        _Assembler(store, ix, stats).run(urls)
    return stats


def rebuild_index(store: StateStore, index_dir: Path | str) -> SyncStats:
    """Re-extract every stored page and rewrite the index to match (no network)."""
    stats = SyncStats()
    with store.transaction(), open_writer(index_dir) as ix:
        before = set(store.document_ids())
        store.reset_documents()
        _Assembler(store, ix, stats, rebuild=True).run(store.dirty_urls())
        for doc_id in sorted(before - set(store.document_ids())):
            ix.delete(doc_id)
            stats.removed.add(doc_id)
    return stats


def attachment_urls(url: str, html: str | BeautifulSoup) -> list[str]:
    """Canonical URLs of the fetchable attachments linked from a page."""
    out: list[str] = []
    for a in find_attachments(url, html):
        u = normalize_url(a.url, url).url
        if a.kind in FETCH_ATTACHMENT_KINDS and u and u not in out:
            out.append(u)
    return out


def _fill_from_list(doc: Document, hint: str) -> None:
    """The list's title and date as witnesses where the article itself has no valid one (stored fragments,
    pages titled with the site name only); extraction's own findings always win."""
    listed = Request.from_store(doc.url, "page", hint)
    filled = False
    if listed.title and (not doc.title or doc.provenance.get("title", "").endswith(NO_VALID_WITNESS)):
        doc.title, filled = listed.title, True
        doc.provenance["title"] = "list page"
        if doc.doc_type == "other":
            doc.doc_type = classify(doc.title)
    if doc.published is None and listed.published:
        doc.published, filled = listed.published, True
        doc.provenance["published"] = "list page"
    if filled and doc.year is None:
        year = choose_year(doc.doc_type, doc.title, doc.text, published=doc.published, written=None,
                           doc_no=doc.doc_no, signed=None)
        doc.year = int(year.value) if year.value else None
        year.record("year", doc.provenance)
    if filled:
        doc.content_hash = content_hash(doc)


COPY_OVERLAP = 0.6  # share of the shorter text's 4-character shingles found in the other: the same report


def _better(file: Document, page: Document) -> bool:
    """Whether a file copy of a page's text is the better one: more numbered sections, or as many and
    clearly more text (the page was cut short); ties go to the page, whose tables are real tables."""
    def numbered(d: Document) -> int:
        return sum(1 for s in d.sections if s.number)

    return numbered(file) > numbered(page) or (numbered(file) == numbered(page)
                                                and len(page.text) < 0.8 * len(file.text))


def _adopt(file: Document, page: Document) -> Document:
    """The file's text under the page's metadata (title, agency, dates, numbers), provenance included."""
    for attr in ("title", "agency", "published", "index_no", "doc_no", "topic"):
        if getattr(page, attr):
            setattr(file, attr, getattr(page, attr))
    if page.year is not None:
        file.year = page.year
    if page.doc_type != "other":
        file.doc_type = page.doc_type
    file.provenance = dict(page.provenance)
    return file


def _rank(url: str) -> tuple[int, int, str]:
    return (1 if _WAP.search(url) else 0, len(url), url)


class _Assembler:
    def __init__(self, store: StateStore, ix: Any, stats: SyncStats, rebuild: bool = False) -> None:
        self.store = store
        self.archive = store.archive
        self.rebuild = rebuild
        self.ix = ix
        self.stats = stats
        self.queue: deque[str] = deque()
        self.pending: set[str] = set()
        self.visits: Counter[str] = Counter()

    def run(self, urls: list[str]) -> None:
        self._enqueue(urls)
        while self.queue:
            url = self.queue.popleft()
            self.pending.discard(url)
            page = self.store.page(url)
            if page is None:
                continue
            self.visits[url] += 1
            self.store.put_page(url, page.site, dirty=0)
            if self.visits[url] > _MAX_VISITS:
                continue
            self._process(page)

    def _enqueue(self, urls: list[str]) -> None:
        for u in urls:
            if u not in self.pending:
                self.pending.add(u)
                self.queue.append(u)

    def _touch(self, urls: list[str]) -> None:
        urls = [u for u in urls if u]
        self.store.mark_dirty(urls)
        self._enqueue(urls)

    # -- one page ----------------------------------------------------------------------------

    def _process(self, page: Page) -> None:
        if page.kind == "attachment":
            # A file stays with its article, also when the article was withdrawn.
            parents = [u for u in self.store.attachment_parents(page.url) if self._is_article(u)]
            if parents:
                self._detach(page)
                self._touch(parents)
                return
            doc = self._attachment_doc(page) if page.has_raw else None
        elif page.has_raw and page.role == "article":
            doc = self._article_doc(page)
        else:
            doc = None
        if page.status == "gone" and page.error == RETIRED:
            doc = None  # the site moved away from this URL (its configuration changed): nothing was withdrawn
        if doc is not None:
            self.archive.settle(page.url, doc.content_hash)
            if page.status == "gone":
                if self._served_elsewhere(page):
                    doc = None  # another URL of the document still serves it: only this URL goes
                else:
                    doc.withdrawn = day(page.gone_at or page.fetched_at)
        if doc is None:
            self._detach(page)
        else:
            self._attach(page, doc)

    def _is_article(self, url: str) -> bool:
        p = self.store.page(url)
        return p is not None and p.has_raw and p.role == "article"

    def _served_elsewhere(self, page: Page) -> bool:
        if not page.doc_id:
            return False
        for url in self.store.pages_of_doc(page.doc_id):
            other = self.store.page(url)
            if url != page.url and other is not None and other.alive:
                return True
        return False

    def _extract(self, page: Page) -> Document | None:
        raw = self.store.raw(page.url)
        if raw is None:
            return None
        try:
            return extract_document(page.url, raw, content_type=page.content_type or None)
        except GongkaiError as e:
            reason = str(e)
        except Exception as e:  # noqa: BLE001 - one odd page must not stop the crawl; the reason is kept
            reason = f"extraction failed ({type(e).__name__}: {e})"
        if not isinstance(reason, str) or not reason:
            reason = "extraction failed"
        self.store.put_page(page.url, page.site, error=reason)
        self.stats.errors.append(f"{page.url}: {reason}")
        return None

    def _attachment_doc(self, page: Page) -> Document | None:
        doc = self._extract(page)
        if doc is not None:
            kind = urlsplit(page.url).path.rsplit(".", 1)[-1].lower()
            if not any(a.url == page.url for a in doc.attachments):
                doc.attachments.append(Attachment(page.url, page.url.rsplit("/", 1)[-1], kind))
        return doc

    def _article_doc(self, page: Page) -> Document | None:
        doc = self._extract(page)
        if doc is None:
            return None
        _fill_from_list(doc, page.hint)
        atts = {u: a for u, a in ((normalize_url(a.url, page.url).url, a) for a in doc.attachments) if u}
        files: list[Document] = []
        for url, att in atts.items():
            p = self.store.page(url)
            # A withdrawn article keeps the files it had; a current one has the files still served.
            if att.kind in FETCH_ATTACHMENT_KINDS and p is not None and (p.alive or (p.has_raw and not page.alive)):
                d = self._extract(p)
                if d is not None:
                    self.archive.settle(url, d.content_hash)
                    files.append(d)
        attachments = [Attachment(u, a.name, a.kind) for u, a in atts.items()]
        # A file holding the page's own text (the report as HTML and as its PDF) is a copy: one of the
        # two is kept, the better one, never both.
        copies = [f for f in files if text_overlap(doc.text, f.text) >= COPY_OVERLAP]
        if files and len(doc.text.strip()) < EMPTY_BODY_CHARS:
            main, rest = _adopt(files[0], doc), files[1:]
        elif copies and _better(copies[0], doc):
            main, rest = _adopt(copies[0], doc), [f for f in files if f not in copies]
        else:
            main, rest = doc, [f for f in files if f not in copies]
        for f in rest:
            main.sections.extend(f.sections)
        main.attachments = attachments
        main.urls = []
        main.content_hash = content_hash(main)
        return main

    # -- documents ---------------------------------------------------------------------------

    def _attach(self, page: Page, doc: Document) -> None:
        twin = self.store.document_by_hash(doc.content_hash, exclude=doc.id)
        if twin is not None and bool(twin.doc.get("withdrawn")) != bool(doc.withdrawn):
            if doc.withdrawn:
                self._detach(page)  # the same content is current under another URL
                return
            twin = None  # a page that serves the content is no other URL of a withdrawn document
        if twin is not None and _rank(twin.url) < _rank(doc.url):
            # Same content already indexed under a preferred URL: this page is another URL of it.
            if page.doc_id and page.doc_id != twin.doc_id:
                self._detach(page)
            if page.url != twin.url and page.url not in twin.urls:
                twin.urls.append(page.url)
                self._write(twin)
            self.store.put_page(page.url, page.site, doc_id=twin.doc_id)
            return
        if page.doc_id and page.doc_id != doc.id:
            self._detach(page)
        old = self.store.document(doc.id)
        urls: list[str] = []
        if old is not None:
            if old.content_hash == doc.content_hash:
                urls = old.urls
            else:
                # The other URLs carried the old content: look at them again.
                others = [u for u in self.store.pages_of_doc(doc.id) if u != page.url]
                for u in others:
                    self.store.put_page(u, page.site, doc_id=None)
                self._touch(others)
        if twin is not None:
            # This URL is preferred over the twin's: take its other URLs and replace it.
            urls = sorted({*urls, *twin.urls, twin.url} - {doc.url})
            moved = self.store.pages_of_doc(twin.doc_id)
            self._delete(twin.doc_id)
            for u in moved:
                self.store.put_page(u, page.site, doc_id=doc.id)
        doc.urls = [u for u in urls if u != doc.url]
        stored = StoredDoc(doc.id, page.site, doc.url, doc.content_hash, doc.urls, doc.to_dict())
        if (old is None or old.content_hash != doc.content_hash or old.urls != doc.urls or twin is not None
                or old.doc.get("withdrawn") != doc.withdrawn):
            self._write(stored)
        else:
            self.stats.unchanged += 1
        self._history(page, doc, old, twin)
        self.store.put_page(page.url, page.site, doc_id=doc.id, error="")

    def _history(self, page: Page, doc: Document, old: StoredDoc | None, twin: StoredDoc | None) -> None:
        """The document's history rows for what this sync found."""
        if self.rebuild:
            if not self.archive.has_history(doc.id):
                self._event(page, doc, "known")
            return
        was = old.doc.get("withdrawn") if old is not None else None
        if was and not doc.withdrawn:
            self._event(page, doc, "restored", doc_too=False, detail={"withdrawn": was})
        if old is None:
            self._event(page, doc, "added" if twin is None else "known")
        elif old.content_hash != doc.content_hash:
            self._event(page, doc, "changed")
        if doc.withdrawn and not was:
            self._event(page, doc, "withdrawn", doc_too=False, at=page.gone_at)

    def _event(self, page: Page, doc: Document, event: str, *, doc_too: bool = True, at: float | None = None,
               detail: dict[str, str] | None = None) -> None:
        sources: dict[str, int] = {}
        for url in (page.url, doc.url, *(a.url for a in doc.attachments)):
            v = self.archive.latest(url) if url not in sources else None
            if v is not None:
                sources[url] = v.id
        self.archive.add_event(doc.id, page.site, at or page.fetched_at or 0.0, event, content_hash=doc.content_hash,
                               url=doc.url, sources=[[u, i] for u, i in sources.items()], detail=detail,
                               doc=doc.to_dict() if doc_too else None)

    def _detach(self, page: Page) -> None:
        """This page no longer carries its document: drop the document or just this URL from it."""
        old_id = page.doc_id
        if not old_id:
            return
        self.store.put_page(page.url, page.site, doc_id=None)
        d = self.store.document(old_id)
        if d is None:
            return
        remaining = self.store.pages_of_doc(old_id)
        if d.url == page.url or not remaining:
            self._delete(old_id)
            for u in remaining:
                self.store.put_page(u, page.site, doc_id=None)
            self._touch(remaining)
        elif page.url in d.urls:
            d.urls.remove(page.url)
            self._write(d)

    def _write(self, d: StoredDoc) -> None:
        doc = Document.from_dict(d.doc)
        doc.urls = list(d.urls)
        d.doc = doc.to_dict()
        status = self.ix.upsert(doc, source=d.url)
        if status == "unchanged":
            # Only the other-URL list changed (not part of the content hash): rewrite anyway.
            self.ix.delete(doc.id)
            self.ix.upsert(doc, source=d.url)
        self.stats.written.add(doc.id)
        self.store.put_document(d)

    def _delete(self, doc_id: str) -> None:
        self.ix.delete(doc_id)
        self.store.delete_document(doc_id)
        self.stats.written.discard(doc_id)
        self.stats.removed.add(doc_id)


__all__ = ["SyncStats", "attachment_urls", "rebuild_index", "sync_index"]
