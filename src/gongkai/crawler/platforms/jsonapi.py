"""The general case: a list whose data comes from a JSON endpoint named in an inline script.

Provincial 集约化 platforms and many other CMS products (FORMATS.md) fill a column page from a JSON
request their script makes: articles ``/{site}/{column}/{YYYYMM}/{32 hex}.shtml``,
``/content/post_{id}.html`` or ``/public/{siteId}/{id}.html``. This loader takes a quoted URL of an
inline script as such an endpoint when it pages (``page``, ``pageNo``, ``pageIndex``, ``curPage`` …) or
names a list (``list``, ``search``, ``query``, ``/api/``), asks it for page 1, and reads the answer:
the longest list of records with a title and a link, and a total beside it
(`gongkai.crawler.platforms.common.records`). An answer without such records ends there.
"""

from __future__ import annotations

import re
from posixpath import splitext
from urllib.parse import parse_qsl, urlsplit

from gongkai.crawler.platforms.base import Listing, ListPage, Loader
from gongkai.crawler.platforms.common import (
    PAGES_KEYS,
    TOTAL_KEYS,
    following_pages,
    int_value,
    item_of,
    number_at,
    page_requests,
    records,
    with_params,
)
from gongkai.crawler.request import Request
from gongkai.urls import normalize_url

PAGE_PARAMS = ("page", "pageno", "pageindex", "curpage", "currentpage", "pagenum", "pn", "cur_page")
SIZE_PARAMS = ("pagesize", "size", "rows", "limit", "perpage", "prepage", "num", "pagecount")
_QUOTED = re.compile(r"""["']((?:https?:)?/[^"'\s<>]+|[\w./-]+\.(?:json|do|action|jsp|php|aspx?)(?:\?[^"'\s<>]*)?)["']""")
_LISTY = re.compile(r"list|search|query|/api/|getdata|getinfo|\.json\b", re.I)
_NOT_DATA = frozenset({".js", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".html", ".htm", ".shtml",
                       ".pdf", ".doc", ".docx", ".woff", ".woff2", ".ttf"})
HEX_ID = re.compile(r"/\d{6}/[0-9a-f]{32}\.s?html?$")


class JsonListLoader(Loader):
    name = "jsonapi"
    label = "JSON list endpoint named in an inline script"
    article_shapes = (HEX_ID, re.compile(r"/content/post_\d+\.html?$"), re.compile(r"/public/\d+/\d+\.html?$"))

    def detect(self, page: ListPage) -> str | None:
        if page.is_api:
            return "JSON list answer" if records(page.data) else None
        found = endpoints(page)
        return f"JSON list endpoint {found[0]} in a script" if found else None

    def expand(self, page: ListPage) -> Listing:
        if page.is_api:
            return self._answer(page)
        nxt = []
        for url in endpoints(page):
            key = _page_key(url)
            nxt.append(Request(with_params(url, **{key: 1}) if key else url, kind="api", paging=True,
                               platform=self.name, referer=page.url))
        return self.listing(next=nxt)

    def _answer(self, page: ListPage) -> Listing:
        data = page.data
        items = [i for i in (item_of(r, page.base) for r in records(data)) if i is not None]
        total = number_at(data, TOTAL_KEYS)
        pages = number_at(data, PAGES_KEYS)
        url = page.request.url
        key = _page_key(url)
        if key is None:
            return self.listing(items=items, total=total)
        query = dict((k.lower(), v) for k, v in parse_qsl(urlsplit(url).query))
        page_no = int_value(query.get(key.lower())) or 1
        per_page = next((int_value(query[k]) for k in SIZE_PARAMS if int_value(query.get(k))), None)
        if page_no > 1 and per_page is None and (total is not None or pages is not None):
            nxt: list[int] = []  # page 1 planned them all
        else:
            per_page = per_page or (len(items) if page_no == 1 else None)
            nxt = following_pages(page_no, len(items), total, per_page, pages)
        return self.listing(items=items, total=total, next=page_requests(page.request, key, nxt, self.name))


def endpoints(page: ListPage) -> list[str]:
    """Quoted URLs in the page's inline scripts that look like list data endpoints, resolved."""
    out: list[str] = []
    for raw in _QUOTED.findall(page.scripts):
        url = normalize_url(raw, page.url).url
        if not url or splitext(urlsplit(url).path.lower())[1] in _NOT_DATA:
            continue
        parts = urlsplit(url)
        if (_page_key(url) or _LISTY.search(parts.path)) and url not in out:
            out.append(url)
    return out


def _page_key(url: str) -> str | None:
    return next((k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k.lower() in PAGE_PARAMS),
                None)
