"""Helpers shared by the loaders: JSON records, totals, page counts, JS object literals, dates.

Government list answers differ in their key names more than in their shapes: a list of records,
each with a title, a link and a date, next to a total. `records` finds that list wherever it sits
in a JSON answer and `item_of` reads a record through the key names seen on the platforms of
FORMATS.md ("How real platforms publish their lists").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from gongkai.crawler.platforms.base import Item
from gongkai.crawler.request import Request
from gongkai.extract.dates import parse_date
from gongkai.urls import normalize_url

MAX_PAGES = 500  # a list claiming more pages than this is cut (defends against junk totals)
TITLE_KEYS = ("title", "doctitle", "listtitle", "showtitle", "name", "bt", "wjbt", "subject", "topic")
URL_KEYS = ("url", "docpuburl", "chnldocurl", "puburl", "docurl", "link", "href", "pageurl", "linkurl",
            "detailurl", "path")
DATE_KEYS = ("docreltime", "pubtimestr", "pubtime", "publishtime", "publishdate", "pubdate", "releasetime",
             "created_at", "createdat", "createtime", "docpubtime", "writetime", "fbrq", "fwrq", "cwrq", "date",
             "time", "ptime", "updatetime")
TOTAL_KEYS = ("total", "totalcount", "totalrecord", "recordcount", "totalelements", "totalnum", "totalsize",
              "totalrows", "count")
PAGES_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal")
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_DATE_TEXT = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


def clean(text: str) -> str:
    """A title from a list: markup (search highlights) and runs of space removed."""
    return _SPACE.sub(" ", _TAGS.sub("", text)).strip()


def iso_date(value: Any) -> str:
    """A list's date as ISO: "2021-01-25 10:00:00", "2021.01.25", "2021年1月25日", epoch seconds or ms."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()
                                          and len(value.strip()) in (10, 13)):
        n = float(value)
        if n > 1e11:
            n /= 1000
        try:
            return dt.datetime.fromtimestamp(n, tz=dt.timezone(dt.timedelta(hours=8))).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return ""
    if not isinstance(value, str):
        return ""
    return parse_date(value) or ""


def _lower_keys(d: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in d.items()}


def item_of(record: dict[str, Any], base: str) -> Item | None:
    """An Item from one JSON record, or None when it names no link."""
    low = _lower_keys(record)
    href = next((low[k] for k in URL_KEYS if isinstance(low.get(k), str) and low[k].strip()), "")
    url = normalize_url(href, base).url if href else ""
    if not url:
        return None  # no link, or one that cannot be fetched (javascript:, a broken host …)
    title = next((clean(low[k]) for k in TITLE_KEYS if isinstance(low.get(k), str) and low[k].strip()), "")
    published = next((d for d in (iso_date(low.get(k)) for k in DATE_KEYS if low.get(k) not in (None, "")) if d), "")
    return Item(url, title, published)


def _walk(data: Any, depth: int = 0) -> Iterator[Any]:
    yield data
    if depth >= 6:
        return
    children = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    for child in children:
        if isinstance(child, dict | list):
            yield from _walk(child, depth + 1)


def records(data: Any, key: str | None = None) -> list[dict[str, Any]]:
    """The list of item records in a JSON answer: the list under `key` when given (at any depth),
    else the longest list of objects that carry both a title and a link."""
    best: list[dict[str, Any]] = []
    for node in _walk(data):
        if key is not None:
            if isinstance(node, dict) and isinstance(node.get(key), list):
                return [r for r in node[key] if isinstance(r, dict)]
            continue
        if isinstance(node, list) and len(node) > len(best):
            rows = [r for r in node if isinstance(r, dict)]
            if rows and any(_is_record(r) for r in rows[:5]):
                best = rows
    return best


def _is_record(r: dict[str, Any]) -> bool:
    low = _lower_keys(r)
    return any(k in low for k in TITLE_KEYS) and any(isinstance(low.get(k), str) for k in URL_KEYS)


def number_at(data: Any, keys: tuple[str, ...]) -> int | None:
    """The first whole number under one of `keys` (case-insensitive), nearest the top first."""
    level = [data]
    for _ in range(6):
        nxt: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                low = _lower_keys(node)
                for k in keys:
                    v = low.get(k)
                    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
                        return v
                    if isinstance(v, str) and v.strip().isdigit():
                        return int(v)
                nxt.extend(v for v in node.values() if isinstance(v, dict | list))
            elif isinstance(node, list):
                nxt.extend(v for v in node if isinstance(v, dict))
        level = nxt
    return None


def page_count(total: int | None, per_page: int | None) -> int | None:
    if total is None or not per_page:
        return None
    return min(MAX_PAGES, math.ceil(total / per_page))


def following_pages(page_no: int, count: int, total: int | None, per_page: int | None,
                    pages: int | None = None) -> list[int]:
    """Page numbers to request after page `page_no`, which held `count` items.

    With a total (or a page count) all remaining pages at once (their keys are stable, so asking
    again from a later page adds nothing); without one, the next page while pages come back full
    (or, when the page size is unknown, while they come back non-empty)."""
    last = pages or page_count(total, per_page)
    if last is not None:
        return list(range(page_no + 1, min(last, MAX_PAGES) + 1))
    if count and (per_page is None or count >= per_page) and page_no < MAX_PAGES:
        return [page_no + 1]
    return []


def page_requests(req: Request, key: str, numbers: list[int] | range, platform: str) -> list[Request]:
    """The API requests for other pages of the list `req` asked for: its URL with `key` set to each number."""
    return [Request(with_params(req.url, **{key: n}), kind="api", paging=True, platform=platform,
                    referer=req.referer) for n in numbers]


def with_params(url: str, **params: Any) -> str:
    """`url` with query parameters set (kept in place when present, else appended)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=set_form(parts.query, **params)))


def set_form(query: str, **params: Any) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    seen = set()
    out = []
    for k, v in pairs:
        if k in params:
            out.append((k, str(params[k])))
            seen.add(k)
        else:
            out.append((k, v))
    out += [(k, str(v)) for k, v in params.items() if k not in seen]
    return urlencode(out, safe="/")


def form_value(query: str, key: str) -> str | None:
    for k, v in parse_qsl(query, keep_blank_values=True):
        if k.lower() == key.lower():
            return v
    return None


def int_value(text: str | None) -> int | None:
    return int(text) if text is not None and text.strip().isdigit() else None


def row_date(a: Tag) -> str:
    """The date printed next to a list link (its own text, or the text of its row)."""
    for node in (a, a.parent, a.parent.parent if a.parent is not None else None):
        if isinstance(node, Tag):
            m = _DATE_TEXT.search(node.get_text(" "))
            if m:
                return parse_date(m.group(0)) or ""
    return ""


def link_items(soup: BeautifulSoup | Tag, base: str, shapes: tuple[re.Pattern[str], ...]) -> list[Item]:
    """Links of `soup` whose URL has one of the article `shapes`, with their title and row date."""
    out: dict[str, Item] = {}
    for a in soup.find_all("a", href=True):
        url = normalize_url(str(a["href"]), base).url
        if not url or url in out or not any(p.search(urlsplit(url).path) for p in shapes):
            continue
        title = clean(str(a.get("title") or "") or a.get_text(" "))
        out[url] = Item(url, title, row_date(a))
    return list(out.values())


# -- JavaScript object literals -------------------------------------------------------------------

_JS_TOKEN = re.compile(r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<num>-?\d+(?:\.\d+)?)"""
                       r"""|(?P<word>[A-Za-z_$][\w$]*)|(?P<punct>[{}\[\]:,]))""", re.S)


def js_object(text: str, start: int) -> dict[str, Any] | None:
    """The JavaScript object literal opening at ``text[start] == "{"`` as a dict.

    Keys may be bare words or quoted; strings use either quote. Values that are not literals
    (functions, expressions) are skipped up to the next comma at their level."""
    if start >= len(text) or text[start] != "{":
        return None
    parser = _JsParser(text, start)
    try:
        value = parser.value()
    except (ValueError, IndexError):
        return None
    return value if isinstance(value, dict) else None


def js_call_object(text: str, function: str) -> dict[str, Any] | None:
    """The object literal passed to the first call ``function({...})`` in `text`."""
    m = re.search(re.escape(function) + r"\s*\(\s*\{", text)
    return js_object(text, m.end() - 1) if m else None


class _JsParser:
    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos

    def _token(self) -> tuple[str, str]:
        m = _JS_TOKEN.match(self.text, self.pos)
        if not m:
            raise ValueError(self.pos)
        self.pos = m.end()
        kind = m.lastgroup or ""
        return kind, m.group(kind)

    def _peek(self) -> tuple[str, str]:
        save = self.pos
        try:
            return self._token()
        finally:
            self.pos = save

    def value(self) -> Any:
        kind, tok = self._token()
        if tok == "{":
            return self._object()
        if tok == "[":
            return self._array()
        if kind == "str":
            return _js_string(tok)
        if kind == "num":
            return float(tok) if "." in tok else int(tok)
        if kind == "word":
            return {"true": True, "false": False, "null": None, "undefined": None}.get(tok, _Skip)
        raise ValueError(tok)

    def _object(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while True:
            kind, tok = self._token()
            if tok == "}":
                return out
            if tok == ",":
                continue
            key = _js_string(tok) if kind == "str" else tok
            if self._token()[1] != ":":
                raise ValueError(key)
            start = self.pos
            try:
                v = self.value()
                literal = v is not _Skip and self._peek()[1] in (",", "}")
            except (ValueError, IndexError):
                literal = False
            if literal:
                out[key] = v
            else:  # a function, an expression: skipped whole
                self.pos = start
                self._skip_expression()

    def _array(self) -> list[Any]:
        out: list[Any] = []
        while True:
            if self._peek()[1] == "]":
                self._token()
                return out
            v = self.value()
            if v is not _Skip:
                out.append(v)
            sep = self._token()[1]
            if sep == "]":
                return out
            if sep != ",":
                raise ValueError(sep)

    def _skip_expression(self) -> None:
        """Move to the comma or closing brace that ends a non-literal value (function bodies included)."""
        depth = 0
        quote = ""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if quote:
                if ch == "\\":
                    self.pos += 1
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif ch == "," and depth == 0:
                return
            self.pos += 1
        raise ValueError("unterminated")


class _SkipType:
    pass


_Skip = _SkipType()


def _js_string(tok: str) -> str:
    body = tok[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)
