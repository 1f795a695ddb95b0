"""Hanweb / 大汉 JCMS columns: a ``datastore`` XML block, then ``dataproxy.jsp`` for the rest.

Shapes (FORMATS.md): articles ``/art/{Y}/{M}/{D}/art_{columnId}_{id}.html``, columns
``/col/col{columnId}/index.html``. The first records sit in ``<script type="text/xml"><datastore>
<recordset><record><![CDATA[<li><a href=…>…</a><span>date</span></li>]]></record>…`` with
``<totalrecord>``/``<totalpage>``. Further records come from ``/module/web/jpage/dataproxy.jsp``:
``?startrecord=A&endrecord=B&perpage=P`` POSTed with the column's form fields, or a GET with
``page=N`` and the same fields; the answer is the same XML.

The form fields are read wherever the page names them (a script's object literal or assignments,
or the query of a dataproxy URL in the page). Records are asked for in groups the size of the
static block (a group is what one answer carries; the static block is the first group), or
``perPage × groupSize`` when the script says so.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from gongkai.crawler.markup import parse_html
from gongkai.crawler.platforms.base import Item, Listing, ListPage, Loader
from gongkai.crawler.platforms.common import (
    MAX_PAGES,
    form_value,
    int_value,
    link_items,
    page_requests,
    with_params,
)
from gongkai.crawler.request import Request

PROXY = "/module/web/jpage/dataproxy.jsp"
FORM_FIELDS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
               "permissiontype")
_DEFAULTS = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}
ARTICLE = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+(?:_\d+)?\.html?$")
_DATASTORE = re.compile(r"<datastore\b", re.I)
_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record>", re.S | re.I)
_CDATA = re.compile(r"^\s*<!\[CDATA\[(.*)\]\]>\s*$", re.S)
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
_PROXY_URL = re.compile(r"""["'(=\s]([^"'()\s<>]*dataproxy\.jsp[^"'()\s<>]*)""")
_DEFAULT_GROUP = 60  # FORMATS.md's example group: startrecord=1&endrecord=60&perpage=20


def _field(text: str, name: str) -> str | None:
    m = re.search(r"""(?<![\w.])["']?""" + re.escape(name) + r"""["']?\s*[:=]\s*(["']?)([^"',;&\s}<>)]*)\1""",
                  text, re.I)
    return m.group(2) if m else None


class HanwebLoader(Loader):
    name = "hanweb"
    label = "Hanweb JCMS column (datastore + dataproxy.jsp)"
    article_shapes = (ARTICLE,)
    list_shapes = (re.compile(r"/col/col\d+/(?:index(?:_\d+)?\.html?)?$"),)

    def detect(self, page: ListPage) -> str | None:
        if page.is_api:
            return "datastore XML answer" if _DATASTORE.search(page.text[:2000]) else None
        if _DATASTORE.search(page.text) and _RECORD.search(page.text):
            return "Hanweb datastore XML block"
        if "dataproxy.jsp" in page.text:
            return "Hanweb dataproxy.jsp script"
        return None

    def expand(self, page: ListPage) -> Listing:
        items = records(page.text, page.base)
        total_m = _TOTAL_RECORD.search(page.text)
        total = int(total_m.group(1)) if total_m else None
        listing = self.listing(items=items, total=total)
        if page.is_api:
            listing.next = self._more(page, total, _TOTAL_PAGE.search(page.text))
        else:
            listing.next = self._first(page, len(items), total)
        return listing

    # -- the column page: plan every further request --------------------------------------------
    def _first(self, page: ListPage, static: int, total: int | None) -> list[Request]:
        text = page.text
        proxy = html.unescape(next(iter(_PROXY_URL.findall(text)), PROXY))
        proxy_url = urljoin(page.url, proxy)
        query = urlsplit(proxy_url).query
        fields: dict[str, str] = {}
        for name in FORM_FIELDS:
            value = form_value(query, name) or _field(text, name) or _DEFAULTS.get(name)
            if value is not None:
                fields[name] = value
        m = re.search(r"/col/col(\d+)/", page.url)
        if "columnid" not in fields and m:
            fields["columnid"] = m.group(1)
        per_page = int_value(form_value(query, "perpage")) or int_value(_field(text, "perpage")) or 0
        if form_value(query, "page") is not None:
            # GET paging: the page's own proxy URL (its fields included) with page=N.
            pages_m = _TOTAL_PAGE.search(text)
            per_page = per_page or static or 20
            last = int(pages_m.group(1)) if pages_m else (-(-total // per_page) if total else 2)
            missing = {k: v for k, v in fields.items() if form_value(query, k) is None}
            return [Request(with_params(proxy_url, **missing, page=n), kind="api", paging=True, platform=self.name,
                            referer=page.url) for n in range(2 if static else 1, min(last, MAX_PAGES) + 1)]
        group_size = int_value(_field(text, "groupsize"))
        group = per_page * group_size if per_page and group_size else static or _DEFAULT_GROUP
        base = proxy_url.split("?", 1)[0]
        return self._groups(page.url, base, fields, group, per_page or min(group, 20), static + 1, total)

    def _groups(self, referer: str, base: str, fields: dict[str, str], group: int, per_page: int, start: int,
                total: int | None) -> list[Request]:
        body = urlencode(fields, safe="/")
        out: list[Request] = []
        end_of_list = total if total is not None else start + group - 1  # unknown: one group, its answer tells
        while start <= end_of_list and len(out) < MAX_PAGES:
            end = start + group - 1
            query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
            out.append(Request(f"{base}?{query}", kind="api", paging=True, method="POST", body=body,
                               platform=self.name, referer=referer))
            start = end + 1
        return out

    # -- an answer: the rest, now that the total is known ----------------------------------------
    def _more(self, page: ListPage, total: int | None, pages_m: re.Match[str] | None) -> list[Request]:
        req = page.request
        query = urlsplit(req.url).query
        start, end = int_value(form_value(query, "startrecord")), int_value(form_value(query, "endrecord"))
        base = req.url.split("?", 1)[0]
        if start is not None and end is not None and total is not None and end < total:
            fields = dict(parse_qsl(req.body, keep_blank_values=True))
            per_page = int_value(form_value(query, "perpage")) or 20
            return self._groups(req.referer, base, fields, end - start + 1, per_page, end + 1, total)
        page_no = int_value(form_value(query, "page"))
        last = int(pages_m.group(1)) if pages_m else None
        if page_no is not None and last is not None and page_no < last:
            return page_requests(req, "page", range(page_no + 1, min(last, MAX_PAGES) + 1), self.name)
        return []


def records(text: str, base: str) -> list[Item]:
    """The items of every ``<record>`` of a datastore (CDATA or escaped HTML fragments)."""
    out: list[Item] = []
    seen: set[str] = set()
    for raw in _RECORD.findall(text):
        m = _CDATA.match(raw)
        fragment = m.group(1) if m else html.unescape(raw)
        soup = parse_html(fragment)
        for item in link_items(soup, base, (re.compile(r"."),)):
            if item.url not in seen:
                seen.add(item.url)
                out.append(item)
    return out
