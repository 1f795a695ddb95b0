"""`gongkai probe URL`: what a crawl of a start URL would find, checked with a few polite requests.

The start page is fetched (robots.txt obeyed, the usual delay between requests to a host) and read
the way the crawl reads it (`gongkai.crawler.reading`): its role, the platform detected and why, the
items of its list with the list's titles and dates, the total the list reports and the next requests
the crawl would make. When the page holds no items, or no total, but names a list request (XML/JSON),
that first request is made too — its answer is the first list page. Then the first item is fetched
and extracted, so the user sees whether articles come out with a title, agency, date and type.
`site_entry` turns a probe into a checked ``[[site]]`` entry for `gongkai sites add`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from gongkai.crawler import platforms
from gongkai.crawler.fetch import CATEGORIES, Fetcher, FetchResult, FetchSettings, make_client
from gongkai.crawler.markup import parse_html
from gongkai.crawler.platforms import Item
from gongkai.crawler.platforms.common import link_items
from gongkai.crawler.reading import Reading, is_file, read_body
from gongkai.crawler.request import Request
from gongkai.crawler.sites import Site
from gongkai.errors import CrawlError, GongkaiError, UsageError
from gongkai.extract import decode_bytes, extract_document
from gongkai.i18n import _
from gongkai.urls import normalize_url, strip_href

PROBE_DELAY = 1.0  # seconds between two requests to one host, as a site's default delay
_ANY = (re.compile(r"."),)
_TITLE_MIN = 8  # a link labelled with fewer characters is navigation, not a list item


@dataclass
class ProbeResult:
    url: str
    role: str
    role_reason: str
    platform: str | None = None
    platform_reason: str = ""
    items: list[Item] = field(default_factory=list)
    total: int | None = None
    next: list[Request] = field(default_factory=list)
    sample: dict[str, Any] | None = None
    requests: int = 0  # requests made to the site (robots.txt not counted)

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "platform": self.platform,
                "items": [i.as_json() for i in self.items], "total": self.total,
                "next": [r.as_json() for r in self.next], "sample": self.sample}

    @property
    def crawlable(self) -> bool:
        """Whether a crawl from here would find anything: items, or requests that may bring them."""
        return bool(self.items or self.next) or self.role == "article"


def probe(url: str, *, client: httpx.Client | None = None, settings: FetchSettings | None = None,
          delay: float = PROBE_DELAY, platform: str | None = None,
          sleep: Callable[[float], None] = time.sleep) -> ProbeResult:
    """Probe a start URL; raises `CrawlError` when the page itself cannot be fetched."""
    start = normalize_url(url)
    if not start:
        raise UsageError(_("{url!r} is not a URL the crawler can fetch ({reason}); give an http(s) URL of a list or column page.").format(url=url, reason=start.reason))
    if platform is not None:
        platforms.by_name(platform)  # an unknown name is an error before any request
    fragment = urlsplit(strip_href(url)).fragment
    host = urlsplit(start.url).hostname or ""
    site = Site("probe", (start.url,), (host,), delay_seconds=delay, platform=platform)
    settings = settings or FetchSettings(retries=1)
    own = client is None
    http = client or make_client(settings)
    try:
        fetcher = Fetcher(http, settings, sleep=sleep)
        fetcher.set_delay(delay)
        return _Probe(fetcher, site).run(Request(start.url, fragment=fragment))
    finally:
        if own:
            http.close()


class _Probe:
    def __init__(self, fetcher: Fetcher, site: Site) -> None:
        self.fetcher = fetcher
        self.site = site
        self.requests = 0

    def get(self, req: Request) -> FetchResult:
        self.requests += 1
        return self.fetcher.fetch(req.url, lambda u: self.site.allows_host(urlsplit(u).hostname), method=req.method,
                                  body=req.body)

    def read(self, req: Request, res: FetchResult) -> Reading:
        kind = "attachment" if is_file(res) else req.kind
        return read_body(req, kind, res.final_url or req.url, res.body, res.content_type, self.site)

    def run(self, start: Request) -> ProbeResult:
        res = self.get(start)
        if res.outcome != "ok":
            raise CrawlError(_("cannot fetch {url}: {res}").format(url=start.url, res=_why(res)))
        seen = self.read(start, res)
        shown = start.url + (f"#{start.fragment}" if start.fragment else "")  # the hash route names a column
        result = ProbeResult(shown, seen.role, seen.reason)
        listing = seen.listing
        if listing is not None:
            result.platform, result.platform_reason = listing.platform, listing.reason
            result.items, result.total, result.next = list(listing.items), listing.total, list(listing.next)
            first_api = next((r for r in listing.next if r.kind == "api"), None)
            if first_api is not None and (not result.items or result.total is None):
                self._first_answer(result, first_api)
        elif seen.role == "list":
            # No platform: the page's own links with title-like labels are its items.
            text, _encoding = decode_bytes(res.body, {"content-type": res.content_type} if res.content_type else None)
            base = res.final_url or start.url
            result.items = [i for i in link_items(parse_html(text), base, _ANY)
                            if len(i.title) >= _TITLE_MIN and self.site.allows_host(urlsplit(i.url).hostname)]
            result.next = [r for r in seen.requests if r.paging and r.kind == "page"]
        if seen.role == "article":
            result.sample = self._sample(start.url, res)
        elif result.items:
            result.sample = self._fetch_sample(result.items[0].url)
        result.requests = self.requests
        return result

    def _first_answer(self, result: ProbeResult, req: Request) -> None:
        res = self.get(req)
        result.next = [r for r in result.next if r.key != req.key]
        if res.outcome != "ok":
            result.platform_reason += f"; its first list request failed: {_why(res)}"
            result.next.insert(0, req)
            return
        answer = self.read(req, res)
        if answer.listing is None:
            return
        known = {i.url for i in result.items}
        result.items += [i for i in answer.listing.items if i.url not in known]
        result.total = answer.listing.total if answer.listing.total is not None else result.total
        queued = {r.key for r in result.next}
        result.next += [r for r in answer.listing.next if r.key not in queued]

    def _fetch_sample(self, url: str) -> dict[str, Any]:
        res = self.get(Request(url))
        if res.outcome != "ok":
            return {"url": url, "title": None, "agency": None, "published": None, "type": None, "error": _why(res)}
        return self._sample(url, res)

    def _sample(self, url: str, res: FetchResult) -> dict[str, Any]:
        try:
            doc = extract_document(url, res.body, content_type=res.content_type or None)
        except GongkaiError as e:
            return {"url": url, "title": None, "agency": None, "published": None, "type": None, "error": str(e)}
        return {"url": url, "title": doc.title or None, "agency": doc.agency or None, "published": doc.published,
                "type": doc.doc_type}


def _why(res: FetchResult) -> str:
    label = CATEGORIES.get(res.category, "")
    return f"{_(label)}: {res.error}" if label and res.category != "robots" else res.error


# -- sites add ---------------------------------------------------------------------------------------


def site_entry(result: ProbeResult, name: str, delay: float = PROBE_DELAY) -> str:
    """A ``[[site]]`` table for `result`: the start URL, the hosts its lists and articles live on, the
    platform detected (so the crawl skips detection)."""
    hosts: list[str] = []
    for u in [result.url, *(i.url for i in result.items), *(r.url for r in result.next)]:
        h = (urlsplit(u).hostname or "").lower()
        if h and h not in hosts:
            hosts.append(h)
    lines = ["[[site]]", f"name = {_toml(name)}", f"start_urls = [{_toml(result.url)}]",
             f"allowed_domains = [{', '.join(_toml(h) for h in hosts)}]", f"delay_seconds = {delay:g}"]
    if result.platform:
        lines.append(f"platform = {_toml(result.platform)}")
    return "\n".join(lines) + "\n"


def default_name(url: str, taken: set[str]) -> str:
    host = (urlsplit(url).hostname or "site").lower().removeprefix("www.")
    base = re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "site"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def _toml(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


__all__ = ["PROBE_DELAY", "ProbeResult", "default_name", "probe", "site_entry"]
