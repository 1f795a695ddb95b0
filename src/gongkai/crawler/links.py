"""Link discovery on a decoded HTML page: articles, pagination, attachments, meta refresh.

Generic rules cover the page structures in FORMATS.md without per-site hints:
- every same-scope link to an HTML-like page (the runner applies allowed_domains and depth);
- pagination ("下一页", "尾页", page numbers, ``?page=2`` / ``?cur_page=2``), kept at the same depth;
- query-string paging with a page count ("共5页") gives every ``?page=K`` up to the count;
- ``<meta http-equiv="refresh" content="0;url=…">``;
- attachment links (.pdf .doc .docx .wps .ofd).
Optional site hints (``list_selector``, ``next_selector``) narrow the rules. Lists that scripts
load or page (TRS ``createPageHTML``, Hanweb, Fujian, gkmlpt, gov.cn, JSON endpoints) are read by
`gongkai.crawler.platforms`; whether the page is an article or a list is `gongkai.crawler.roles`'
call, from the `LinkStats` found here and other evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from posixpath import splitext
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from gongkai.crawler.markup import parse_html
from gongkai.crawler.platforms.common import MAX_PAGES
from gongkai.crawler.platforms.trs import COUNT_PAGE
from gongkai.crawler.request import Request
from gongkai.extract.dates import is_date_line, parse_date
from gongkai.urls import normalize_url

ATTACHMENT_EXTS = frozenset({".pdf", ".doc", ".docx", ".wps", ".ofd"})
# Resources that are never documents: not worth a request.
SKIP_EXTS = frozenset({
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".css", ".js", ".json", ".xml",
    ".zip", ".rar", ".7z", ".gz", ".tar", ".exe", ".apk", ".mp3", ".mp4", ".avi", ".flv", ".swf", ".wmv",
    ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".woff", ".woff2", ".ttf", ".eot",
})
PAGE_PARAMS = ("cur_page", "curpage", "page", "pageno", "pagenum", "pageindex", "page_no", "p", "pn")
PAGING_TEXTS = frozenset({
    "下一页", "下页", "尾页", "末页", "最后一页", "上一页", "上页", "首页", "第一页",
    "next", "next page", "last", "last page", "prev", "previous", ">", ">>", "»", "<", "<<", "«",
})
_NEXT_TEXTS = frozenset({"下一页", "下页", "尾页", "末页", "最后一页", "next", "next page", ">", ">>", "»"})
_PAGE_TOTAL = re.compile(r"共\s*(\d+)\s*页")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_SPACE = re.compile(r"\s+")


Link = Request  # a link found on a page is a GET request for it


@dataclass
class LinkStats:
    """What the links of a page say about it (evidence for `gongkai.crawler.roles`)."""

    paging: bool = False
    title_links: int = 0  # links labelled like a document title (8+ characters)
    attachments: list[str] = field(default_factory=list)  # labels of attachment links


@dataclass
class PageLinks:
    links: list[Request]
    stats: LinkStats


def discover(url: str, text: str, *, soup: BeautifulSoup | None = None, list_selector: str | None = None,
             next_selector: str | None = None) -> PageLinks:
    """Links found on the page at `url` (resolved, fragment-free, deduplicated, in page order).

    Pass `soup` (from `parse_html(text)`) to reuse a parse; it is read, not changed.
    """
    soup = soup if soup is not None else parse_html(text)
    base = url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = normalize_url(str(base_tag["href"]), url).url or url

    found: dict[str, Link] = {}

    def add(href: str, *, paging: bool = False, kind: str | None = None) -> None:
        target = _resolve(base, href)
        if target is None:
            return
        k = kind or _kind(target)
        if k is None:
            return
        old = found.get(target)
        # A link seen both as pagination and as an item keeps the shallower depth.
        if old is None or (paging and not old.paging):
            found[target] = Link(target, k, paging)

    for meta in soup.find_all("meta"):
        if str(meta.get("http-equiv", "")).lower() == "refresh":
            m = _REFRESH_URL.search(str(meta.get("content", "")))
            if m:
                add(m.group(1).strip(), paging=True)

    next_links = set(_select_hrefs(soup, next_selector)) if next_selector else set()
    item_scope = {id(a) for a in _select_anchors(soup, list_selector)} if list_selector else None
    page_total = _page_total(soup, text)
    paging_seen = bool(next_links)
    title_links = 0
    attachments: list[str] = []
    for a in soup.find_all("a", href=True):
        href = str(a["href"])
        label = _SPACE.sub(" ", a.get_text(" ", strip=True)).strip()
        target = _resolve(base, href)
        is_paging = href in next_links or _looks_like_paging(a, label, target)
        # "首页" is also the home link of every page: only forward or numbered links mark a list.
        paging_seen = paging_seen or (is_paging and (label.lower() in _NEXT_TEXTS or label.isdigit()
                                                     or _has_page_param(target)))
        if target and _kind(target) == "attachment":
            attachments.append(label)
            add(href)
            continue
        if item_scope is not None and not is_paging and id(a) not in item_scope:
            continue
        if next_selector and list_selector and is_paging and href not in next_links:
            continue
        add(href, paging=is_paging)
        if not is_paging and target in found and found[target].kind == "page":
            found[target] = _with_item_hints(found[target], a, label)
        if not is_paging and len(label) >= 8:
            title_links += 1
        if is_paging and page_total and target:
            for extra in _query_pages(target, page_total):
                add(extra, paging=True)

    found.pop(normalize_url(url).url, None)
    return PageLinks(list(found.values()), LinkStats(paging_seen, title_links, attachments))


# A list item: the element of a list page that holds one article link, its title and its date.
_ITEM_TAGS = ("li", "tr", "dd", "dt", "p", "div", "td", "span")
_MAX_ITEM_TEXT = 200
_TRUNCATED = ("..", "…")  # "...", "……" end so too
_MIN_LIST_TITLE = 6


def _with_item_hints(link: Link, a: Tag, label: str) -> Link:
    """The link with the list's title and date for its article, as a list page shows them: the anchor's
    text (or its ``title`` attribute when the text is cut short with "…", as lists cut long titles) and a
    date printed beside it in the same list item (``<li><a>…</a><span>2024-03-01</span></li>``).
    They are witnesses the article's own page outranks (see `gongkai.crawler.sync`)."""
    if link.title or link.published:
        return link  # the first list that showed the link names it
    full = _SPACE.sub(" ", str(a.get("title") or "")).strip()
    title = label
    if full and (label.endswith(_TRUNCATED) or not label) and full.startswith(label.rstrip(".…").strip()[:4]):
        title = full
    title = title if len(title) >= _MIN_LIST_TITLE else ""
    published = ""
    item = _item_of(a)
    if item is not None:
        inside = {id(t) for t in a.find_all(string=True)}
        published = next((parse_date(t) or "" for t in item.find_all(string=True)
                          if id(t) not in inside and is_date_line(t.strip())), "")
    if not title and not published:
        return link
    return replace(link, title=title, published=published)


def _item_of(a: Tag) -> Tag | None:
    """The widest element around `a` that holds no other link and little text: its list item (None when
    the link stands in running text)."""
    item = None
    node = a.parent
    while isinstance(node, Tag) and node.name not in ("body", "html", "ul", "ol", "table", "tbody", "dl"):
        if len(node.find_all("a", href=True)) > 1 or len(node.get_text(strip=True)) > _MAX_ITEM_TEXT:
            break
        if node.name in _ITEM_TAGS:
            item = node
        node = node.parent
    return item


def _looks_like_paging(a: Tag, label: str, target: str | None) -> bool:
    """`target` is the link's normalised URL (None when it is no fetchable URL)."""
    low = label.lower()
    if low in PAGING_TEXTS:
        return True
    classes = " ".join(a.get("class") or []).lower() + " " + str(a.get("id") or "").lower()
    if "page" in classes or "next" in classes:
        return True
    if _has_page_param(target):
        return True
    # "1 2 3 …" numbered links to index_N pages
    return label.isdigit() and target is not None and bool(
        re.search(r"(?:^|/)index(?:_\d+)?\.\w+$", urlsplit(target).path))


def _has_page_param(target: str | None) -> bool:
    return target is not None and any(k.lower() in PAGE_PARAMS for k, _ in parse_qsl(urlsplit(target).query))


def _page_total(soup: BeautifulSoup, text: str) -> int:
    m = COUNT_PAGE.search(text) or _PAGE_TOTAL.search(soup.get_text(" "))
    return min(int(m.group(1)), MAX_PAGES) if m else 0


def _query_pages(url: str, total: int) -> list[str]:
    """Every page of a query-string paged list, given one page URL and the page count."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    keys = [k for k, _ in pairs if k.lower() in PAGE_PARAMS]
    if not keys:
        return []
    key = keys[0]
    out = []
    for n in range(1, total + 1):
        q = urlencode([(k, str(n) if k == key else v) for k, v in pairs])
        out.append(urlunsplit((parts.scheme, parts.netloc, parts.path, q, "")))
    return out


def _resolve(base: str, href: str) -> str | None:
    """The link's canonical http(s) URL, or None (`normalize_url` says why; a page's bad links are skipped)."""
    return normalize_url(href, base).url or None


def _kind(url: str) -> str | None:
    ext = splitext(urlsplit(url).path.lower())[1]
    if ext in ATTACHMENT_EXTS:
        return "attachment"
    if ext in SKIP_EXTS:
        return None
    return "page"


def _select_anchors(soup: BeautifulSoup, selector: str) -> list[Tag]:
    anchors: list[Tag] = []
    for el in soup.select(selector):
        anchors.extend([el] if el.name == "a" else el.find_all("a", href=True))
    return anchors


def _select_hrefs(soup: BeautifulSoup, selector: str) -> list[str]:
    return [str(a["href"]) for a in _select_anchors(soup, selector) if a.get("href")]
