"""TRS WCM static lists: ``index.html``, ``index_1.html`` … with the page count in a script.

Shapes (FORMATS.md): articles ``…/{YYYYMM}/t{YYYYMMDD}_{id}.html|.shtml|.htm``; lists ``index.html``,
``index_1.html`` …, the page count in ``createPageHTML(total, current, "index", "shtml")`` or
``var countPage = N`` (the only place the other pages are named).
"""

from __future__ import annotations

import re
from posixpath import splitext
from urllib.parse import urljoin, urlsplit

from gongkai.crawler.platforms.base import Listing, ListPage, Loader
from gongkai.crawler.platforms.common import MAX_PAGES, link_items
from gongkai.crawler.request import Request

PAGING = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*['\"]?(\d+)")
ARTICLE = re.compile(r"/t\d{8}_\d+(?:_\w+)?\.(?:s?html?)$")
_TOTAL = re.compile(r"共\s*(\d+)\s*条")


class TRSLoader(Loader):
    name = "trs"
    label = "TRS static list pages (createPageHTML / countPage)"
    article_shapes = (ARTICLE,)
    list_shapes = (re.compile(r"/index_\d+\.s?html?$"),)

    def detect(self, page: ListPage) -> str | None:
        if page.is_api:
            return None
        if PAGING.search(page.text):
            return "TRS createPageHTML(...) script"
        if COUNT_PAGE.search(page.text):
            return "TRS countPage variable"
        return None

    def expand(self, page: ListPage) -> Listing:
        total = _TOTAL.search(page.soup.get_text(" ")) if not page.is_api else None
        return self.listing(items=link_items(page.soup, page.url, self.article_shapes),
                            next=[Request(u, paging=True) for u in pages(page.url, page.text)],
                            total=int(total.group(1)) if total else None)


def pages(url: str, text: str) -> list[str]:
    """Every page of a TRS list, given one page's URL and text (none when it has one page)."""
    m = PAGING.search(text)
    if m:
        count, prefix, ext = int(m.group(1)), m.group(3), m.group(4)
    else:
        c = COUNT_PAGE.search(text)
        if not c:
            return []
        count = int(c.group(1))
        prefix, ext = "index", splitext(urlsplit(url).path)[1].lstrip(".") or "html"
    count = min(count, MAX_PAGES)
    if count <= 1:
        return []
    names = [f"{prefix}.{ext}"] + [f"{prefix}_{i}.{ext}" for i in range(1, count)]
    return [urljoin(url, name) for name in names]
