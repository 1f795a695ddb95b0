"""gov.cn 政策文件库: a JSON search service paged with ``p=N&n=…``.

Shapes (FORMATS.md): articles ``/zhengce/content/{YYYY-MM}/{DD}/content_{id}.htm`` (and 国务院公报
``/gongbao/content/{YYYY}/content_{id}.htm``); the library page names its search service in a script,
which answers ``searchVO.listVO[]`` with title, url and dates (and the total count beside them).
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

# A quoted URL in a script whose query pages with p= and sizes with n=.
_ENDPOINT = re.compile(r"""["']((?:https?:)?//?[^"'\s<>]*\?[^"'\s<>]*\bp=\d+[^"'\s<>]*)["']""")


class GovcnLoader(Loader):
    name = "govcn"
    label = "gov.cn policy library (JSON search, searchVO.listVO[])"
    article_shapes = (re.compile(r"/(?:zhengce|gongbao)/content/.*content_\d+\.html?$"),)

    def detect(self, page: ListPage) -> str | None:
        if page.is_api:
            data = page.data
            return "searchVO.listVO[] answer" if isinstance(data, dict) and "searchVO" in data else None
        if any(form_value(urlsplit(u).query, "n") for u in _ENDPOINT.findall(page.scripts)) and (
                "searchVO" in page.scripts or "/zhengce" in page.url):
            return "gov.cn policy library search script"
        return None

    def expand(self, page: ListPage) -> Listing:
        if page.is_api:
            return self._answer(page)
        urls = [u for u in _ENDPOINT.findall(page.scripts) if form_value(urlsplit(u).query, "n")]
        nxt = [Request(with_params(urljoin(page.url, u), p=1), kind="api", paging=True, platform=self.name,
                       referer=page.url) for u in dict.fromkeys(urls)]
        return self.listing(next=nxt)

    def _answer(self, page: ListPage) -> Listing:
        vo = page.data.get("searchVO") if isinstance(page.data, dict) else None
        items = [i for i in (item_of(r, page.base) for r in records(vo, "listVO")) if i is not None]
        total = number_at(vo, ("totalcount", "total"))
        query = urlsplit(page.request.url).query
        page_no = int_value(form_value(query, "p")) or 1
        nxt = following_pages(page_no, len(items), total, int_value(form_value(query, "n")))
        return self.listing(items=items, total=total, next=page_requests(page.request, "p", nxt, self.name))
