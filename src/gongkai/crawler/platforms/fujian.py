"""Fujian 集约化 lists: a static first page, the rest from ``POST /fjdzapp/search`` (JSON).

Shapes (FORMATS.md): articles ``…/{YYYYMM}/t{YYYYMMDD}_{id}.htm``; only pages up to
``maxStaticIndex`` are static. The page calls ``listModel({maxStaticIndex: 1, listArgs: {channelid: …,
classsql: "chnlid=…", …}})``; other pages are ``POST /fjdzapp/search`` with the list arguments plus
``page`` and ``prepage``, answering JSON whose ``data[]`` items carry ``doctitle``, ``chnldocurl`` or
``docpuburl`` and ``docreltime``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin

from gongkai.crawler.platforms.base import Listing, ListPage, Loader
from gongkai.crawler.platforms.common import (
    following_pages,
    int_value,
    item_of,
    js_call_object,
    link_items,
    number_at,
    records,
    set_form,
)
from gongkai.crawler.platforms.trs import ARTICLE
from gongkai.crawler.request import Request

SEARCH = "/fjdzapp/search"
_URL_KEYS = ("url", "searchUrl", "searchurl", "action")


class FujianLoader(Loader):
    name = "fujian"
    label = "Fujian 集约化 list (listModel + POST /fjdzapp/search)"
    # Its article URLs are TRS's (the platform is built on TRS WCM): the trs loader names that shape.

    def detect(self, page: ListPage) -> str | None:
        if page.is_api:
            data = page.data
            rows = records(data, "data") if isinstance(data, dict) else []
            return "fjdzapp search answer" if rows and "doctitle" in {k.lower() for k in rows[0]} else None
        return "Fujian listModel(...) script" if "listModel(" in page.scripts else None

    def expand(self, page: ListPage) -> Listing:
        if page.is_api:
            return self._answer(page)
        model = js_call_object(page.scripts, "listModel") or {}
        args = model.get("listArgs") if isinstance(model.get("listArgs"), dict) else {}
        items = link_items(page.soup, page.url, (ARTICLE,))
        listing = self.listing(items=items)
        if not args:
            return listing
        static = _int(model.get("maxStaticIndex")) or 1
        endpoint = next((str(model[k]) for k in _URL_KEYS if isinstance(model.get(k), str)), SEARCH)
        url = urljoin(page.url, endpoint)
        fields = {k: _text(v) for k, v in args.items() if not isinstance(v, dict | list)}
        fields.setdefault("prepage", str(_int(model.get("prepage")) or len(items) or 15))
        total = _int(model.get("total")) or _int(args.get("total"))
        per_page = int_value(fields["prepage"])
        pages = following_pages(static, per_page or 0, total, per_page) if total else [static + 1]
        listing.total = total
        listing.next = [self._request(url, fields, n, page.url) for n in pages]
        return listing

    def _answer(self, page: ListPage) -> Listing:
        data = page.data
        rows = records(data, "data") if data is not None else []
        items = [i for i in (item_of(_fujian_record(r), page.base) for r in rows) if i is not None]
        total = number_at(data, ("total", "totalcount", "recordcount", "totalrecord"))
        fields = dict(parse_qsl(page.request.body, keep_blank_values=True))
        page_no = int_value(fields.get("page")) or 1
        per_page = int_value(fields.get("prepage"))
        nxt = following_pages(page_no, len(items), total, per_page)
        return self.listing(items=items, total=total,
                            next=[self._request(page.request.url, fields, n, page.base) for n in nxt])

    def _request(self, url: str, fields: dict[str, str], page_no: int, referer: str) -> Request:
        body = set_form(urlencode(fields, safe="/"), page=page_no)
        return Request(url, kind="api", paging=True, method="POST", body=body, platform=self.name, referer=referer)


def _fujian_record(r: dict[str, Any]) -> dict[str, Any]:
    # chnldocurl is the address inside the column, docpuburl the published one; either will do.
    low = {k.lower(): v for k, v in r.items()}
    url = low.get("chnldocurl") or low.get("docpuburl") or low.get("url")
    return {"title": low.get("doctitle") or low.get("title"), "url": url,
            "date": low.get("docreltime") or low.get("docpubtime") or low.get("pubdate")}


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    return int_value(v) if isinstance(v, str) else None


def _text(v: Any) -> str:
    return "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)


