"""Page roles from evidence: "article" (a document), "list" (a page of links, never a document),
"attachment" (a file) and "api" (an XML/JSON list answer, never a document).

An HTML page is judged by the strongest evidence it offers, in this order (FORMATS.md):
1. the site's own hints (``body_selector``, ``list_selector`` in sites.toml);
2. government-site metadata: ``ArticleTitle``, ``PubDate`` or ``ContentSource`` mark an article; column
   tags (``ColumnName``, ``ColumnType`` …) without them mark a list ("list and column pages carry only
   the site and column tags");
3. the platform: a page a platform loader reads as its list is a list; a URL with the shape of a
   family's article or list pages (``/t20210125_1.html``, ``/art/2021/1/25/art_1_2.html``, ``index_2.html`` …);
4. a folder index ("Index of /files/" linking a PDF) is a list: its files are documents, it is not;
5. the content, counting every text of the document — text after a premature ``</html>`` included —
   except links, scripts and page chrome (footers, copyright and ICP lines, 主办/承办, breadcrumbs):
   pagination means a list; running text means an article unless document links outnumber it (a
   portal or column index with an intro paragraph); a short notice (停水、停电、公示: one sentence,
   almost no document links) is an article; a page wrapping an attachment named like itself is an
   article; anything else is a list.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from gongkai.crawler import platforms
from gongkai.crawler.links import LinkStats
from gongkai.crawler.platforms import Listing

ARTICLE_META = ("articletitle", "pubdate", "contentsource")
COLUMN_META = ("columnname", "columntype", "columndescription", "columnkeywords")
ARTICLE_MIN_CHARS = 60  # running text a page needs to count as a document (chrome lines are shorter)
NOTICE_MIN_CHARS = 12  # the shortest sentence that makes a notice ("定于明日停水，请相互转告。")
TEXT_PER_LINK = 20  # running text per document link below which a page is a list of documents
_SENTENCE = re.compile(r"[。，；！？]")
_SPACE = re.compile(r"\s+")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "a", "select", "option", "title", "head",
                        "button", "textarea"})
_CHROME_BOX = re.compile(r"foot|copyright|banquan|bottom|crumb|\bnav|menu|share|position|location|toolbar", re.I)
_CHROME_TEXT = re.compile(
    r"版权所有|主办[:：单]|承办[:：单]|主办单位|承办单位|ICP|备案|网站标识码|网站识别码|公网安备|技术支持|建议使用|分辨率|浏览器|"
    r"联系我们|Copyright|©|当前位置|您的位置|字号|浏览次数|访问量|无障碍|长者模式", re.I)
_INDEX_OF = re.compile(r"^\s*Index of\s+/", re.I)


def html_role(url: str, soup: BeautifulSoup, links: LinkStats, *, listing: Listing | None = None,
              list_selector: str | None = None, body_selector: str | None = None) -> tuple[str, str]:
    """(role, reason) of an HTML page; `soup` is read, not changed."""
    if body_selector and _selected_text_len(soup, body_selector) >= 20:
        return "article", f"site hint body_selector {body_selector!r}"
    if list_selector and soup.select(list_selector):
        return "list", f"site hint list_selector {list_selector!r}"
    meta = _meta_names(soup)
    marks = [m for m in ARTICLE_META if m in meta]
    if marks:
        return "article", "article meta tags (" + ", ".join(meta[m] for m in marks) + ")"
    columns = [m for m in COLUMN_META if m in meta]
    if columns:
        return "list", "column meta tags (" + ", ".join(meta[m] for m in columns) + ") without article tags"
    if listing is not None and (listing.items or listing.next):
        return "list", f"{listing.platform} list: {listing.reason}"
    shape = platforms.url_shape(url)
    if shape is not None:
        return shape
    heading = next((h for h in _headings(soup) if _INDEX_OF.match(h)), "")
    if heading:
        return "list", f"folder index page ({heading.strip()[:60]})"
    return content_role(soup, links)


def content_role(soup: BeautifulSoup, links: LinkStats) -> tuple[str, str]:
    if links.paging:
        return "list", "pagination links"
    running, notice = _running_text(soup)
    crowded = links.title_links >= 5 and running < TEXT_PER_LINK * links.title_links
    if running >= ARTICLE_MIN_CHARS and not crowded:
        return "article", f"running text ({running} characters)"
    if links.attachments and (links.title_links < 3 or _named_like_page(links.attachments, _page_titles(soup))):
        return "article", "a page wrapping its attachment"
    if notice and links.title_links < 3:
        return "article", f"short notice ({running} characters of running text)"
    return "list", f"{links.title_links} document links and {running} characters of running text"


def _meta_names(soup: BeautifulSoup) -> dict[str, str]:
    """Lower-cased names of the meta tags that carry content → their name as written."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name, content = tag.get("name"), tag.get("content")
        if isinstance(name, str) and isinstance(content, str) and content.strip():
            out.setdefault(name.strip().lower(), name.strip())
    return out


def _running_text(soup: BeautifulSoup) -> tuple[int, bool]:
    """(characters of sentence-like text outside links and chrome, whether one of them is a sentence
    long enough for a notice). All strings of the document count, wherever the parser put them."""
    chars = 0
    notice = False
    for s in soup.find_all(string=True):
        if isinstance(s, Comment | Declaration | Doctype | ProcessingInstruction) or not isinstance(s, NavigableString):
            continue
        text = _SPACE.sub("", str(s))
        if len(text) < NOTICE_MIN_CHARS or not _SENTENCE.search(text) or _in_chrome(s):
            continue
        if _CHROME_TEXT.search(text):
            continue
        if len(text) >= 15:
            chars += len(text)
        notice = True
    return chars, notice


def _in_chrome(s: NavigableString) -> bool:
    for parent in s.parents:
        if not isinstance(parent, Tag):
            continue
        if parent.name in _SKIP_TAGS or parent.name in ("footer", "nav", "header"):
            return True
        marks = " ".join(parent.get("class") or []) + " " + str(parent.get("id") or "")
        if marks.strip() and _CHROME_BOX.search(marks):
            return True
    return False


def _headings(soup: BeautifulSoup) -> list[str]:
    return [tag.get_text(" ") for tag in (soup.title, soup.find("h1")) if isinstance(tag, Tag)]


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


def _selected_text_len(soup: BeautifulSoup, selector: str) -> int:
    return sum(len(_SPACE.sub("", el.get_text())) for el in soup.select(selector))
