"""Guangdong 政府信息公开目录 (gkmlpt): hash-routed columns read from a JSON list API.

Shapes (FORMATS.md): the catalogue page ``/gkmlpt/index#{column}`` holds no items; its script reads
``GET /gkmlpt/api/all/{column}?page=N&sid={siteId}``, answering JSON ``articles[]`` with
``identifier`` (索引号), ``publisher``, ``title``, ``url`` and ``created_at``; articles live under
``/gkmlpt/content/…``.

The column comes from the start URL's hash route (kept as the request's ``fragment``), else from the
hash-route links of the page (every column it links); the site id from the page's script or an API
URL in it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from gongkai.crawler.platforms.base import Listing, ListPage, Loader
from gongkai.crawler.platforms.common import (
    following_pages,
    form_value,
    int_value,
    item_of,
    number_at,
    page_requests,
    records,
    with_params,
)
from gongkai.crawler.request import Request

_HASH_COLUMN = re.compile(r"/gkmlpt/index#(\d+)")
_API_COLUMN = re.compile(r"/gkmlpt/api/all/(\d+)")
_SID = re.compile(r"""(?<![\w.])["']?sid["']?\s*[:=]\s*["']?(\w+)""", re.I)


class GkmlptLoader(Loader):
    name = "gkmlpt"
    label = "Guangdong gkmlpt catalogue (/gkmlpt/api/all/{column})"
    article_shapes = (re.compile(r"/gkmlpt/content/.+\.html?$"), re.compile(r"/post_\d+\.html?$"))
    list_shapes = (re.compile(r"/gkmlpt/(?:index|policy)?$"),)

    def detect(self, page: ListPage) -> str | None:
        if page.is_api:
            data = page.data
            return "gkmlpt articles[] answer" if isinstance(data, dict) and isinstance(data.get("articles"), list) \
                else None
        if "/gkmlpt/" in urlsplit(page.url).path and ("/gkmlpt/api/" in page.text or _HASH_COLUMN.search(page.text)):
            return "gkmlpt catalogue page"
        return None

    def expand(self, page: ListPage) -> Listing:
        if page.is_api:
            return self._answer(page)
        fragment = page.request.fragment
        columns = [fragment] if fragment.isdigit() else list(dict.fromkeys(
            _HASH_COLUMN.findall(page.text) + _API_COLUMN.findall(page.scripts)))
        m = _SID.search(page.scripts) or re.search(r"[?&]sid=(\w+)", page.text)
        params = {"page": 1, **({"sid": m.group(1)} if m else {})}
        api = [Request(with_params(urljoin(page.url, f"/gkmlpt/api/all/{c}"), **params), kind="api", paging=True,
                       platform=self.name, referer=page.url) for c in columns]
        return self.listing(next=api)

    def _answer(self, page: ListPage) -> Listing:
        data = page.data
        items = [i for i in (item_of(r, page.base) for r in records(data, "articles")) if i is not None]
        total = number_at(data, ("total", "count", "totalcount"))
        query = urlsplit(page.request.url).query
        page_no = int_value(form_value(query, "page")) or 1
        per_page = number_at(data, ("per_page", "pagesize", "page_size", "size")) or (
            len(items) if page_no == 1 else None)
        if page_no > 1 and total is not None and per_page is None:
            nxt: list[int] = []  # the first page planned them all
        else:
            nxt = following_pages(page_no, len(items), total, per_page)
        return self.listing(items=items, total=total, next=page_requests(page.request, "page", nxt, self.name))
