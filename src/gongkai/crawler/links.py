"""Link discovery on a decoded HTML page: articles, pagination, attachments, meta refresh.

Generic rules cover the page structures in FORMATS.md without per-site hints:
- every same-scope link to an HTML-like page (the runner applies allowed_domains and depth);
- pagination ("下一页", "尾页", page numbers, ``?page=2`` / ``?cur_page=2``), kept at the same depth;
- TRS script paging: ``createPageHTML(total, current, "index", "shtml")`` or ``var countPage = N``
  gives ``index.shtml``, ``index_1.shtml`` … ``index_{N-1}.shtml`` beside the page;
- query-string paging with a page count ("共5页") gives every ``?page=K`` up to the count;
- ``<meta http-equiv="refresh" content="0;url=…">``;
- attachment links (.pdf .doc .docx .wps .ofd).
Optional site hints (``list_selector``, ``next_selector``, ``body_selector``) narrow the rules.

`page_role` tells a list page (links to documents) from an article page (a document).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from posixpath import splitext
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

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
_TRS_PAGING = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*['\"]?(\d+)")
_PAGE_TOTAL = re.compile(r"共\s*(\d+)\s*页")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.I)
_SENTENCE = re.compile(r"[。，；！？]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_SPACE = re.compile(r"\s+")
ARTICLE_MIN_CHARS = 60  # non-link text a page needs to count as a document (chrome lines are shorter)
MAX_GENERATED_PAGES = 500  # a list claiming more pages than this is cut (defends against junk counts)


@dataclass(frozen=True)
class Link:
    url: str
    kind: str = "page"  # "page" | "attachment"
    paging: bool = False  # pagination and refresh links stay at the page's depth


@dataclass
class PageLinks:
    role: str  # "list" | "article"
    links: list[Link]


def parse_html(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # bs4 warns about markup that looks like a URL or XML; junk pages are expected here.
        warnings.simplefilter("ignore")
        return BeautifulSoup(_XML_DECL.sub("", text, count=1), "lxml")


def discover(url: str, text: str, *, soup: BeautifulSoup | None = None, list_selector: str | None = None, next_selector: str | None = None,
             body_selector: str | None = None) -> PageLinks:
    """Links found on the page at `url` (resolved, fragment-free, deduplicated, in page order).

    Pass `soup` (from `parse_html(text)`) to reuse a parse; it is modified.
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
        if not is_paging and len(label) >= 8:
            title_links += 1
        if is_paging and page_total and target:
            for extra in _query_pages(target, page_total):
                add(extra, paging=True)

    trs = _trs_pages(url, text)
    for extra in trs:
        add(extra, paging=True)

    role = page_role(soup, paging=paging_seen or bool(trs), title_links=title_links, attachments=attachments,
                     list_selector=list_selector, body_selector=body_selector)
    found.pop(normalize_url(url).url, None)
    return PageLinks(role, list(found.values()))


def page_role(soup: BeautifulSoup, *, paging: bool, title_links: int, attachments: list[str] | None = None,
              list_selector: str | None = None, body_selector: str | None = None) -> str:
    """"list" for pages of links (to documents, or nothing much), "article" for a document page."""
    if body_selector and _selected_text_len(soup, body_selector) >= 20:
        return "article"
    if list_selector and _select_anchors(soup, list_selector):
        return "list"
    if paging:
        return "list"
    page_titles = _page_titles(soup)
    for tag in soup(["script", "style", "noscript", "template", "a", "select", "option"]):
        tag.decompose()
    # Running text is what a document has and a list has not: text pieces that read as sentences
    # (Chinese clause punctuation). List cells — titles, dates, 索引号, agencies — and page chrome
    # (footers, ICP numbers) rarely do.
    body = soup.body or soup
    sentences = sum(len(t) for t in (_SPACE.sub("", str(x)) for x in body.find_all(string=True))
                    if len(t) >= 15 and _SENTENCE.search(t))
    if sentences >= ARTICLE_MIN_CHARS:
        return "article"
    # An article whose body is only a link to its PDF/DOCX: few title links besides the menu,
    # or an attachment named like the page itself.
    if attachments and (title_links < 3 or _named_like_page(attachments, page_titles)):
        return "article"
    return "list"


def _page_titles(soup: BeautifulSoup) -> list[str]:
    found = [soup.title.get_text()] if soup.title else []
    found += [h.get_text() for h in soup.find_all(["h1", "h2"], limit=4)]
    return [t for t in (_SPACE.sub("", x) for x in found) if len(t) >= 6]


def _named_like_page(labels: list[str], titles: list[str]) -> bool:
    for label in labels:
        name = re.sub(r"\.(pdf|docx?|wps|ofd)$", "", _SPACE.sub("", label), flags=re.I)
        name = re.sub(r"^附件\d*[:：.、]?", "", name)
        if len(name) >= 6 and any(name in t or t in name for t in titles):
            return True
    return False


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
    m = _COUNT_PAGE.search(text) or _PAGE_TOTAL.search(soup.get_text(" "))
    return min(int(m.group(1)), MAX_GENERATED_PAGES) if m else 0


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


def _trs_pages(url: str, text: str) -> list[str]:
    m = _TRS_PAGING.search(text)
    if m:
        total, prefix, ext = int(m.group(1)), m.group(3), m.group(4)
    else:
        c = _COUNT_PAGE.search(text)
        if not c:
            return []
        total = int(c.group(1))
        path_ext = splitext(urlsplit(url).path)[1].lstrip(".")
        prefix, ext = "index", path_ext or "html"
    total = min(total, MAX_GENERATED_PAGES)
    if total <= 1:
        return []
    names = [f"{prefix}.{ext}"] + [f"{prefix}_{i}.{ext}" for i in range(1, total)]
    return [urljoin(url, name) for name in names]


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


def _selected_text_len(soup: BeautifulSoup, selector: str) -> int:
    return sum(len(_SPACE.sub("", el.get_text())) for el in soup.select(selector))
