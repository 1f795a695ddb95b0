"""Reading one fetched body: its role and why, the platform list on it, the requests it leads to.

Used by the crawl (`gongkai.crawler.run`) and by `gongkai probe`, so both see a page the same way.
Pure: no network, no store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.crawler import platforms
from gongkai.crawler.fetch import FetchResult
from gongkai.crawler.links import discover
from gongkai.crawler.markup import parse_html
from gongkai.crawler.platforms import Listing, ListPage
from gongkai.crawler.request import Request
from gongkai.crawler.roles import html_role
from gongkai.crawler.sites import Site
from gongkai.crawler.sync import attachment_urls
from gongkai.extract import decode_bytes

_BINARY_TYPES = ("application/pdf", "application/msword", "officedocument", "application/octet-stream",
                 "application/vnd.ms-word", "application/ofd", "application/wps")


def is_file(res: FetchResult) -> bool:
    """A fetched body that is a file (PDF, Office, OFD …), by its signature or content type."""
    ctype = res.content_type.lower()
    return res.body[:5] == b"%PDF-" or res.body[:4] == b"PK\x03\x04" or any(t in ctype for t in _BINARY_TYPES)


@dataclass
class Reading:
    role: str  # article | list | attachment | api
    reason: str
    requests: list[Request] = field(default_factory=list)  # items first (with the list's title and date)
    attachments: list[str] | None = None  # attachment URLs of an HTML page, None for other bodies
    listing: Listing | None = None


def read_body(req: Request, kind: str, url: str, body: bytes, content_type: str, site: Site | None = None) -> Reading:
    """What the body fetched for `req` (final URL `url`) is, and what it links to.

    `kind` is what the crawl decided the body is (page, attachment, api); `site` brings the hints
    and the named platform of sites.toml."""
    if kind == "attachment":
        return Reading("attachment", f"file ({content_type or 'recognised by its signature'})")
    text, _ = decode_bytes(body, {"content-type": content_type} if content_type else None)
    platform = site.platform if site else None
    if kind == "api":
        listing = platforms.read_list(ListPage(req, url, text, content_type), platform)
        if listing is None:
            return Reading("api", "list answer without items a loader could read")
        return Reading("api", f"{listing.platform}: {listing.reason}", list_requests(listing), listing=listing)
    list_selector = site.list_selector if site else None
    soup = parse_html(text)
    listing = platforms.read_list(ListPage(req, url, text, content_type, soup), platform)
    atts = attachment_urls(url, soup)
    found = discover(url, text, soup=soup, list_selector=list_selector, next_selector=site.next_selector if site else None)
    role, reason = html_role(url, soup, found.stats, listing=listing, list_selector=list_selector,
                             body_selector=site.body_selector if site else None)
    att_set = set(atts)
    requests = list_requests(listing) if listing is not None else []
    requests += [ln for ln in found.links if ln.kind != "attachment" and ln.url not in att_set]
    requests += [Request(a, "attachment") for a in atts]
    return Reading(role, reason, requests, atts, listing)


def list_requests(listing: Listing) -> list[Request]:
    """A listing's items (with the list's title and date) and its next requests."""
    items = [Request(i.url, title=i.title, published=i.published) for i in listing.items]
    return items + listing.next
