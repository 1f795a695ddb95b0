"""The crawl frontier of one site: what to fetch next, kept in the store so a killed crawl resumes.

A crawl of a site starts by seeding the start URLs and every known live request (so changed and
removed pages are noticed even when no list links them any more). Requests are identified by
`Request.key`: the canonical URL (`gongkai.urls.normalize_url`; a link it refuses is skipped), plus
method and body for a POST. They stay inside the site's allowed domains and are bounded by
``max_depth`` (pagination and list requests add no depth; attachments may sit one hop below the
deepest page). The queue is cleared when the site's crawl finishes; queued rows left by a killed
crawl are picked up by the next one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from gongkai.crawler.request import Request
from gongkai.crawler.sites import Site
from gongkai.crawler.state import StateStore
from gongkai.urls import normalize_url, strip_href


class Frontier:
    def __init__(self, store: StateStore, site: Site) -> None:
        self.store = store
        self.site = site
        self.resumed = False

    def in_scope(self, url: str) -> bool:
        normal = normalize_url(url)
        return bool(normal) and self.site.allows_host(urlsplit(normal.url).hostname)

    def start(self) -> None:
        """Resume the site's interrupted crawl, or seed a new one."""
        queued, done = self.store.frontier_size(self.site.name)
        if queued or done:
            self.resumed = True
            return
        with self.store.transaction():
            for url in self.site.start_urls:  # checked by `load_sites`
                # A hash route (/gkmlpt/index#2671) names the column a script loads: kept as a hint,
                # since canonical URLs drop fragments.
                start = Request(normalize_url(url).url or url, fragment=urlsplit(strip_href(url)).fragment)
                self.store.enqueue(self.site.name, start.key, 0, "page", hint=start.hint())
            for key, depth, kind, hint in self.store.known_urls(self.site.name):
                if self.in_scope(Request.from_store(key, kind).url):
                    self.store.enqueue(self.site.name, key, depth, kind, hint=hint)

    def add(self, parent: str, depth: int, links: list[Request]) -> int:
        """Queue the in-scope requests found on a page fetched at `depth`; returns how many were new."""
        added = 0
        for link in links:
            url = normalize_url(link.url).url
            if not url or not self.in_scope(url):
                continue
            d = depth if link.paging else depth + 1
            limit = self.site.max_depth + (1 if link.kind == "attachment" else 0)
            if d > limit:
                continue
            req = link.with_url(url)
            added += self.store.enqueue(self.site.name, req.key, d, req.kind, parent, req.hint())
        return added

    def next(self, limit: int, exclude: set[str]) -> list[tuple[Request, int, str]]:
        """(request, depth, parent) of the next requests to make."""
        rows = self.store.next_queued(self.site.name, limit, exclude)
        return [(Request.from_store(key, kind, hint), depth, parent) for key, depth, kind, parent, hint in rows]

    def size(self) -> tuple[int, int]:
        """(queued, done) in the site's current crawl."""
        return self.store.frontier_size(self.site.name)

    def done_count(self) -> int:
        return self.size()[1]

    def finish(self) -> None:
        with self.store.transaction():
            self.store.clear_frontier(self.site.name)
