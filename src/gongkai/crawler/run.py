"""One crawl: fetch every site's pages into the store, then bring the index up to date.

`crawl` holds the state folder's lock for its whole run. Fetches run on a few worker threads
(`FetchSettings.concurrency`); everything that writes — store and index — happens on the
calling thread, one transaction per fetched page. The index is synced every ``index_batch``
pages and at the end of each site (see `gongkai.crawler.sync`), so a killed crawl loses at most
the pages fetched since the last sync, and the next crawl first indexes what is still dirty and
then resumes the site's queue.

While another process writes the index (`gongkai index`, a reindex), the syncs during the crawl do
not wait: the pages stay dirty in the store and the crawl goes on fetching. The last sync waits up
to ``index_lock_wait`` seconds (telling ``notice`` that it waits); if the index is still locked then,
the crawl ends normally and ``stats.index_pending`` pages wait for the next crawl or `gongkai reindex`.

Incremental: known pages are revisited with If-None-Match / If-Modified-Since; a 304 or a body
with the same hash changes nothing; a changed body becomes a new version (`gongkai.crawler.archive`)
and is re-indexed; 404/410, or an article URL that now answers with a "not found" notice or a
redirect to a list (`gongkai.crawler.gone`), marks the page gone: its document stays, withdrawn.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gongkai.crawler.archive import HISTORY_ROLES
from gongkai.crawler.fetch import Fetcher, FetchResult, FetchSettings, make_client
from gongkai.crawler.frontier import Frontier
from gongkai.crawler.gone import removal
from gongkai.crawler.reading import is_file, read_body
from gongkai.crawler.request import Request
from gongkai.crawler.sites import Site
from gongkai.crawler.state import CrawlLock, StateStore
from gongkai.crawler.sync import SyncStats, rebuild_index, sync_index
from gongkai.errors import IndexLockedError
from gongkai.i18n import _

INDEX_BATCH = 50  # pages between two index syncs
INDEX_LOCK_WAIT = 600.0  # seconds the crawl's last sync waits for another writer of the index
_SYNC_LOCK_WAIT = 0.5  # a sync during the crawl: the pages stay dirty if the index is busy


@dataclass
class CrawlStats:
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    gone: int = 0
    failed: int = 0
    robots_blocked: int = 0
    documents_indexed: int = 0
    index_pending: int = 0  # pages stored but not indexed: the index was locked by another writer
    failures: Counter[str] = field(default_factory=Counter)  # failed fetches by FetchResult.category
    deadline_reached: bool = field(default=False, compare=False)  # stopped by `max_seconds`; resumes next run
    interrupted: bool = field(default=False, compare=False)
    seconds: float = field(default=0.0, compare=False)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("interrupted", "seconds"):
            d.pop(key)
        d["failures"] = dict(sorted(self.failures.items()))
        return d


@dataclass(frozen=True)
class CrawlProgress:
    """One fetched page, for a progress display: `done` pages of this crawl out of `known` so far
    (done plus what the current site still has queued, within its page budget)."""

    site: str
    url: str
    outcome: str
    done: int
    known: int


Progress = Callable[[CrawlProgress], None]
Notice = Callable[[str], None]  # a message for the user (the CLI prints it on stderr)


@dataclass
class _Item:
    request: Request
    depth: int
    parent: str

    @property
    def key(self) -> str:
        return self.request.key


def crawl(sites: list[Site], state_dir: Path | str, index_dir: Path | str, *,
          client: httpx.Client | None = None, settings: FetchSettings | None = None,
          max_pages: int | None = None, progress: Progress | None = None,
          stop_after: int | None = None, index_batch: int = INDEX_BATCH, max_seconds: float | None = None,
          index_lock_wait: float = INDEX_LOCK_WAIT, notice: Notice | None = None,
          sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time) -> CrawlStats:
    """Crawl `sites` in order. `stop_after` N pages simulates an interrupted crawl (tests).

    `max_seconds` bounds the whole crawl: when it is up no new request starts, running responses are
    cut short, what was fetched is indexed and the queue is kept, so the next crawl resumes there
    (``stats.deadline_reached``). Indexing after the deadline is not cut short. `clock` gives the
    time recorded with each fetch (its versions, when a page was found gone); tests move it on.
    """
    stats = CrawlStats()
    started = time.monotonic()
    settings = settings or FetchSettings()
    with CrawlLock(state_dir), StateStore(state_dir) as store:
        own = client is None
        http = client or make_client(settings)
        fetcher = Fetcher(http, settings, sleep=sleep)
        fetcher.set_deadline(started + max_seconds if max_seconds is not None else None)
        sync = _Syncer(store, Path(index_dir), stats, notice)
        try:
            sync.run()  # pages a killed crawl stored but did not index yet
            budget = stop_after
            done_before = 0
            for site in sites:
                if _out_of_time(fetcher):
                    stats.interrupted = stats.deadline_reached = True
                    break
                runner = _SiteCrawl(store, fetcher, site, sync, stats, progress, index_batch, clock)
                used = runner.run(max_pages or site.max_pages, budget, done_before)
                done_before += used
                if budget is not None:
                    budget -= used
                    if budget <= 0:
                        stats.interrupted = True
                        break
            sync.run(final_wait=index_lock_wait)
            store.prune_log()
        finally:
            if own:
                http.close()
    stats.seconds = time.monotonic() - started
    return stats


def _out_of_time(fetcher: Fetcher) -> bool:
    left = fetcher.time_left()
    return left is not None and left <= 0


def reindex(state_dir: Path | str, index_dir: Path | str) -> SyncStats:
    """Rebuild the index from the stored pages (no network); holds the crawl lock meanwhile."""
    with CrawlLock(state_dir), StateStore(state_dir) as store:
        return rebuild_index(store, index_dir)


class _Syncer:
    """Index syncs of one crawl; a busy index leaves the pages dirty (see the module docstring)."""

    def __init__(self, store: StateStore, index_dir: Path, stats: CrawlStats, notice: Notice | None) -> None:
        self.store = store
        self.index_dir = index_dir
        self.stats = stats
        self.notice = notice
        self._written: set[str] = set()
        self._told = False

    def run(self, site: str | None = None, final_wait: float | None = None) -> None:
        """Sync dirty pages; `final_wait` (the crawl's last sync) waits that long for a busy index."""
        final = final_wait is not None
        wait = final_wait if final_wait is not None else _SYNC_LOCK_WAIT
        on_wait = self.notice if final else None
        try:
            done = sync_index(self.store, self.index_dir, site=site, lock_timeout=wait, on_wait=on_wait)
            # documents indexed by the crawl: each once, however many of its syncs wrote it, and not
            # those a later sync took out again
            self._written = (self._written | done.written) - done.removed
            self.stats.documents_indexed = len(self._written)
        except IndexLockedError:
            pending = len(self.store.dirty_urls())
            if final:
                self.stats.index_pending = pending
                if self.notice is not None:
                    self.notice(_("the index is still being written by another process after {wait:g} s: {pending} fetched pages are stored and wait to be indexed — the next `gongkai crawl` (or `gongkai reindex`) indexes them").format(wait=wait, pending=pending))
            elif not self._told and self.notice is not None:
                self._told = True
                self.notice(_("another process is writing the index; the crawl goes on and indexes its pages "
                            "when the index is free"))
        else:
            self.stats.index_pending = 0


class _SiteCrawl:
    def __init__(self, store: StateStore, fetcher: Fetcher, site: Site, sync: _Syncer, stats: CrawlStats,
                 progress: Progress | None, index_batch: int, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.fetcher = fetcher
        self.site = site
        self.syncer = sync
        self.stats = stats
        self.progress = progress
        self.index_batch = max(1, index_batch)
        self.frontier = Frontier(store, site)
        self.clock = clock

    def run(self, limit: int, stop_after: int | None, done_before: int = 0) -> int:
        """Crawl the site; returns pages processed. The queue is kept when stopped early."""
        self.frontier.start()
        self.fetcher.set_delay(self.site.delay_seconds)
        self.fetcher.set_response_timeout(self.site.response_timeout_seconds)
        workers = max(1, self.fetcher.settings.concurrency)
        done = self.frontier.done_count()
        processed = since_sync = 0
        stopped = False
        in_flight: dict[Future[FetchResult], _Item] = {}
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"crawl-{self.site.name}")
        try:
            while True:
                room = workers - len(in_flight)
                budget = limit - done - len(in_flight)
                if stop_after is not None:
                    budget = min(budget, stop_after - processed - len(in_flight))
                if _out_of_time(self.fetcher):
                    budget = 0
                    stopped = self.stats.interrupted = self.stats.deadline_reached = True
                if room > 0 and budget > 0:
                    busy = {item.key for item in in_flight.values()}
                    for req, depth, parent in self.frontier.next(min(room, budget), busy):
                        item = _Item(req, depth, parent)
                        in_flight[pool.submit(self._fetch, item, self._conditional(req))] = item
                if not in_flight:
                    break
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in finished:
                    item = in_flight.pop(fut)
                    res = fut.result()
                    if res.out_of_time:
                        continue  # the crawl's time ran out, not the page: it stays queued for the next crawl
                    outcome = self._record(item, res)
                    done += 1
                    processed += 1
                    since_sync += 1
                    if self.progress:
                        queued = self.frontier.size()[0]
                        known = done_before + processed + min(queued, max(0, limit - done))
                        self.progress(CrawlProgress(self.site.name, item.request.url, outcome,
                                                    done_before + processed, known))
                if since_sync >= self.index_batch:
                    self._sync()
                    since_sync = 0
                if stop_after is not None and processed >= stop_after:
                    stopped = True
                    if not in_flight:
                        break
        except BaseException:
            self.fetcher.stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            self.fetcher.stop.clear()
            raise
        pool.shutdown(wait=True)
        self._sync()
        if not stopped:
            self.frontier.finish()
        return processed

    def _sync(self) -> None:
        self.syncer.run(self.site.name)

    def _conditional(self, req: Request) -> dict[str, str]:
        if req.method != "GET":
            return {}  # validators describe GET answers
        prev = self.store.page(req.key)
        conditional: dict[str, str] = {}
        if prev is not None and prev.has_raw and prev.status != "gone":
            if prev.etag:
                conditional["If-None-Match"] = prev.etag
            if prev.last_modified:
                conditional["If-Modified-Since"] = prev.last_modified
        return conditional

    def _fetch(self, item: _Item, conditional: dict[str, str]) -> FetchResult:
        # Worker thread: network only; the store is touched on the crawl thread.
        req = item.request
        return self.fetcher.fetch(req.url, self.frontier.in_scope, conditional, method=req.method, body=req.body)

    # -- recording one result ----------------------------------------------------------------

    def _record(self, item: _Item, res: FetchResult) -> str:
        """Store one result (page, queue, log) in one transaction; returns what happened, for progress."""
        st = self.stats
        key = item.key
        prev = self.store.page(key)
        depth = min(item.depth, prev.depth) if prev else item.depth
        now = self.clock()
        fields: dict[str, object] = {"depth": depth, "fetched_at": now, "http_status": res.http_status,
                                     "final_url": res.final_url}
        hint = item.request.hint()
        if hint:
            fields["hint"] = hint
            if prev is not None and prev.hint != hint:
                fields["dirty"] = 1  # the list's title or date may fill what the page lacks
        change = ""
        links: list[Request] = []
        atts: list[str] | None = None
        role, reason = (prev.role, prev.role_reason) if prev is not None else ("", "")
        outcome = res.outcome
        if outcome == "ok" and _looks_binary_junk(res):
            outcome, res.error, res.category = "failed", "binary data served as a web page; not stored", "content"
        archive = self.store.archive
        with self.store.transaction():
            if outcome == "ok":
                kind = "attachment" if item.request.kind == "attachment" or is_file(res) else item.request.kind
                seen = read_body(item.request, kind, res.final_url or item.request.url, res.body, res.content_type,
                                 self.site)
                removed = removal(prev, item.request.url, res.final_url, res.body, res.content_type, seen.role,
                                  lambda: self.store.raw(key))
                if removed:
                    # The article's URL now answers with a "page not found" notice or a redirect to a
                    # list: the document was taken down. Its last version stays the document's.
                    outcome, res.error = "gone", removed
            if outcome == "ok":
                digest = hashlib.sha256(res.body).hexdigest()
                revived = prev is not None and prev.status == "gone"
                if prev is not None and prev.has_raw and prev.content_hash == digest and not revived:
                    change = "unchanged"
                    st.unchanged += 1
                    archive.seen(key, now)
                else:
                    change = "changed" if prev is not None and prev.has_raw else "new"
                    setattr(st, change, getattr(st, change) + 1)
                    fields.update(dirty=1)
                    archive.record(key, res.body, digest, now, http_status=res.http_status,
                                   content_type=res.content_type, final_url=res.final_url,
                                   keep_history=seen.role in HISTORY_ROLES)
                role, reason, links, atts = seen.role, seen.reason, seen.requests, seen.attachments
                if prev is not None and prev.role != role:
                    fields["dirty"] = 1
                fields.update(kind=kind, status="ok", etag=res.headers.get("etag"), error="", role=role,
                              role_reason=reason, last_modified=res.headers.get("last-modified"),
                              content_hash=digest, content_type=res.content_type, gone_at=None)
            elif outcome == "not_modified" and prev is not None and prev.has_raw:
                st.not_modified += 1
                fields.update(status="not_modified", error="", gone_at=None)
                if prev.status == "gone":
                    fields["dirty"] = 1  # back: its document is current again
                archive.seen(key, now)
                raw = self.store.raw(key)
                if raw is not None:
                    seen = read_body(item.request, prev.kind, prev.final_url or item.request.url, raw,
                                     prev.content_type, self.site)
                    role, reason, links, atts = seen.role, seen.reason, seen.requests, seen.attachments
                    fields.update(role=role, role_reason=reason)
            elif outcome == "not_modified":
                outcome, res.error, res.category = "failed", "HTTP 304 for a page we never stored", "http"
            if outcome == "gone":
                st.gone += 1
                fields.update(status="gone", error=res.error)
                if prev is None or prev.status != "gone":
                    fields.update(gone_at=now, dirty=1 if prev is not None and prev.has_raw else 0)
            elif outcome == "robots_blocked":
                st.robots_blocked += 1
                fields.update(status="robots_blocked", error=res.error)
            if outcome == "failed":
                st.failed += 1
                st.failures[res.category or "other"] += 1
                # A failure says nothing new about the page: a gone page stays gone, a live one alive.
                fields.update(status="gone" if prev is not None and prev.status == "gone" else "failed",
                              error=res.error)
            if outcome != "robots_blocked":
                st.fetched += 1
            if prev is None:
                fields.setdefault("kind", item.request.kind)
            self.store.put_page(key, self.site.name, **fields)
            if links:
                self.frontier.add(key, depth, links)
            if atts is not None:
                self.store.set_attachments(key, atts if role == "article" else [])
            self.store.mark_done(self.site.name, key)
            self.store.log(self.site.name, key, outcome, change, res.http_status, res.error,
                           category=res.category if outcome in ("failed", "robots_blocked") else "",
                           role=role if outcome in ("ok", "not_modified") else "",
                           reason=reason if outcome in ("ok", "not_modified") else "")
        return change or outcome


def _looks_binary_junk(res: FetchResult) -> bool:
    """Random bytes labelled as a page: many control bytes and no known file signature."""
    if is_file(res):
        return False
    sample = res.body[:8192]
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    return ctrl > max(8, len(sample) // 20)
