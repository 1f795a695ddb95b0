"""Article pages: meta tags, title candidates, index table, body text and attachment links.

The page's title witnesses (meta ArticleTitle, the index table's 标题 row, ``<h1>``, an element whose
class names a title, ``<title>``) are collected here and ranked in `witness`. All text of the document
counts, also what broken markup leaves outside ``<body>`` (a stray ``</body></html>`` before the
content). The body comes from the CMS content container (div.TRS_Editor, div#zoom, …) or, failing that,
the element with the most paragraph text. Page chrome (breadcrumbs, font-size switch, print/close, share,
login, counters) is removed by element class/id and again line by line. Tables become one line per
row, "cell | cell | cell", with empty cells kept empty; data tables are also kept as cells with their
rowspan/colspan (`tables`). A layout table — one holding another table or a cell of running text
(over 300 characters) — is read as blocks, and a table of a single row or column is flattened but not
kept as a table: CMS templates lay pages, bodies and title banners out in tables, while the data
tables of reports are grids of short cells.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import (
    BeautifulSoup,
    Comment,
    MarkupResemblesLocatorWarning,
    NavigableString,
    Tag,
    XMLParsedAsHTMLWarning,
)

from gongkai.i18n import _

from ..errors import ExtractionError
from ..models import Attachment, Cell
from .encoding import repair_mojibake
from .meta import IndexFields, parse_index_table
from .tables import FoundTable, build_table, cell_text, span
from .text import clean_line, is_chrome, normalize
from .witness import Candidate, Context, clean_title, title_problem

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "button",
    "select",
    "input",
    "textarea",
    "object",
    "embed",
    "svg",
    "canvas",
    "template",
    "map",
    "audio",
    "video",
)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "dd",
    "dt",
    "dl",
    "blockquote",
    "pre",
    "hr",
    "tr",
    "form",
    "fieldset",
    "address",
    "figure",
    "figcaption",
    "center",
    "body",
    "html",
    "tbody",
    "thead",
    "caption",
}
_CONTAINERS = (
    "div.TRS_Editor",
    "div.TRS_UEDITOR",
    "div#zoom",
    "div.zoom",
    "div#UCAP-CONTENT",
    "div.article-content",
    "div.article_content",
    "div#article-content",
    "div.articleContent",
    "div.content-text",
    "div.main-text",
    "div.zw",
    "div#zw",
    "div.pages_content",
    "div.wzy_content",
    "div.view",
    "div.detail-content",
    "div.content",
    "div#content",
    "div.article",
    "article",
    "div.detail",
    "div.con",
)
# Containers that, when present but empty, mean "the body is empty" (report published as an attachment).
_SPECIFIC = 8
_CHROME_ATTR_RE = re.compile(
    r"share|bdshare|print|breadcrumb|crumb|position|location|weizhi|dqwz|font-?size|fontsize|toolbar|wza|"
    r"accessib|login|denglu|copyright|sidebar|pager|qrcode|erweima|ewm|shoucang|favorite|fenxiang|"
    r"(?:^|[-_ ])(?:nav|menu|footer|header|foot|head|top|bottom)(?:$|[-_ ])",
    re.I,
)
_CHROME_MAX_TEXT = 300
_MIN_BODY = 30
ATTACHMENT_KINDS = ("pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "et", "zip", "rar")


@dataclass
class ParsedPage:
    titles: list[Candidate] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    fields: IndexFields = field(default_factory=IndexFields)
    body_lines: list[str] = field(default_factory=list)
    page_lines: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    tables: list[FoundTable] = field(default_factory=list)  # the body's data tables


def soup_of(html_text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # Pages that look like a URL or start with an XML declaration (XHTML, junk) are still parsed
        # as HTML on purpose; bs4's warnings about them are noise on stderr (and errors under pytest).
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html_text, "lxml")


def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """name/property → content, names lower-cased; the first non-empty value of a name wins."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = tag.get("name") or tag.get("property") or tag.get("http-equiv")
        content = tag.get("content")
        if isinstance(name, str) and isinstance(content, str) and content.strip():
            out.setdefault(name.strip().lower(), clean_line(normalize(content)))
    return out


def _text_of(node: Tag) -> str:
    return clean_line(normalize(node.get_text(" ")))


def _fix_title(raw: str, ctx: Context) -> str:
    return clean_title(repair_mojibake(clean_line(normalize(raw)), top_lines=1), ctx)


# class/id of an element holding the article's title (div.article-title, td.bt, h2.title …); sidebars
# and lists have titles of their own.
_TITLE_ATTR_RE = re.compile(r"(?:^|[-_\s])(?:title|tit|biaoti|bt|wztit|wzbt|arttitle|detailtitle)(?:$|[-_\s\d])", re.I)
_NOT_ARTICLE_ATTR_RE = re.compile(r"left|right|side|nav|menu|foot|head|list|lm|column|logo|related|xgwz|tab", re.I)


def _title_element(soup: BeautifulSoup, ctx: Context) -> str:
    """The first element named like a title whose text is one (a "site-title" banner is not)."""
    for el in soup.find_all(["div", "td", "p", "h2", "h3", "h4", "span", "strong"]):
        attrs = " ".join([str(el.get("id") or ""), " ".join(el.get("class") or [])])
        if not attrs.strip() or not _TITLE_ATTR_RE.search(attrs) or _NOT_ARTICLE_ATTR_RE.search(attrs):
            continue
        text = el.get_text(" ", strip=True)
        if len(text) <= 200 and title_problem(_fix_title(text, ctx), ctx) is None:
            return text
    return ""


def page_titles(soup: BeautifulSoup, meta: dict[str, str]) -> list[Candidate]:
    """The page's title witnesses, cleaned of site-name parts (ranked by `witness.choose_title`)."""
    ctx = Context.from_meta(meta)
    h1 = soup.find("h1")
    raw = [
        ("meta ArticleTitle", meta.get("articletitle", "")),
        ("<h1>", h1.get_text(" ") if isinstance(h1, Tag) else ""),
        ("title element", _title_element(soup, ctx)),
        ("<title>", soup.title.get_text(" ") if soup.title else ""),
    ]
    return [Candidate(w, _fix_title(v, ctx)) for w, v in raw if v.strip()]


# --- body ---------------------------------------------------------------------------------------


def _inline(s: str) -> str:
    # A line break in the source between two Chinese characters is not a space.
    s = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])", "", s)
    return re.sub(r"\s+", " ", s)


def _cell_text(cell: Tag) -> str:
    """Text of a table cell; pieces split by <br>/<p> are joined without a space between Chinese characters
    ("商业<br />企业" → "商业企业")."""
    text = ""
    for s in cell.find_all(string=True):
        if isinstance(s, Comment):
            continue
        piece = _inline(str(s)).strip()
        if not piece:
            continue
        if text and text[-1].isascii() and text[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            text += " "
        text += piece
    return clean_line(normalize(text, nfkc=False)).replace(" | ", " / ")


def _rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _is_layout(table: Tag) -> bool:
    if table.find("table") is not None:
        return True
    return any(len(_cell_text(c)) > _CHROME_MAX_TEXT for c in table.find_all(["td", "th"]))


def _walk(node: Tag, out: list[str], tables: list[FoundTable] | None = None) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:
                out.append(_inline(str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in _DROP_TAGS:
            continue
        if name == "br":
            out.append("\n")
        elif name == "table":
            out.append("\n")
            _table(child, out, tables)
            out.append("\n")
        elif name in _BLOCK_TAGS or name in ("td", "th"):
            out.append("\n")
            _walk(child, out, tables)
            out.append("\n")
        else:
            _walk(child, out, tables)


def _table(table: Tag, out: list[str], tables: list[FoundTable] | None) -> None:
    if _is_layout(table):
        _walk(table, out, tables)
        return
    lines: list[str] = []
    rows: list[list[Cell]] = []
    header_rows, in_header = 0, True
    for tr in _rows(table):
        cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
        if cells:
            texts = [_cell_text(c) for c in cells]
            lines.append(" | ".join(texts))
            out.append("\n" + lines[-1] + "\n")
            rows.append([Cell(cell_text(t), span(c.get("rowspan")), span(c.get("colspan"))) for c, t in
                         zip(cells, texts, strict=True)])
            in_header = in_header and (tr.parent is not None and tr.parent.name == "thead"
                                       or all(c.name == "th" for c in cells))
            header_rows += in_header
    found = build_table(rows, lines, header_rows) if tables is not None else None
    if found is not None and tables is not None:
        tables.append(found)


def lines_of(node: Tag, tables: list[FoundTable] | None = None) -> list[str]:
    """Readable lines of an element: blocks on their own lines, table rows as "a | b | c". Not NFKC-normalised.
    Data tables are added to `tables` (when given) with the lines they became."""
    out: list[str] = []
    _walk(node, out, tables)
    lines = [clean_line(x) for x in normalize("".join(out), nfkc=False).split("\n")]
    return [x for x in lines if x and x.strip("| ")]


def _remove_chrome(root: Tag, keep: Tag | None) -> None:
    """Drop chrome elements by class/id, never `keep` or anything containing it."""
    for el in list(root.find_all(True)):
        if el.decomposed or el is keep or (keep is not None and el in keep.parents):
            continue
        if el.name in ("nav", "header", "footer") and keep is None:
            el.decompose()
            continue
        attrs = " ".join([str(el.get("id") or ""), " ".join(el.get("class") or [])])
        if attrs.strip() and _CHROME_ATTR_RE.search(attrs) and len(el.get_text()) <= _CHROME_MAX_TEXT:
            el.decompose()


def _paragraph_score(el: Tag) -> int:
    score = 0
    for child in el.children:
        if isinstance(child, NavigableString) and not isinstance(child, Comment):
            score += len(child.strip())
        elif isinstance(child, Tag) and child.name in ("p", "span", "font", "strong", "br"):
            score += len(child.get_text(strip=True))
    return score


_SELECTORS = [re.fullmatch(r"(\w+)(?:([.#])([\w-]+))?", sel).groups() for sel in _CONTAINERS]  # type: ignore[union-attr]
_SELECTOR_TAGS = sorted({tag for tag, _, _ in _SELECTORS})


def _container_candidates(soup: BeautifulSoup) -> list[list[Tag]]:
    """The elements matching each of `_CONTAINERS`, in document order — what ``soup.select(sel)`` gives
    for each selector, found in one pass over the tree (23 CSS selects cost seconds on huge pages)."""
    found: list[list[Tag]] = [[] for _ in _SELECTORS]
    for el in soup.find_all(_SELECTOR_TAGS):
        classes = el.get("class") or ()
        el_id = el.get("id")
        for i, (tag, kind, value) in enumerate(_SELECTORS):
            if el.name == tag and (kind is None or (kind == "." and value in classes)
                                   or (kind == "#" and el_id == value)):
                found[i].append(el)
    return found


def find_container(soup: BeautifulSoup) -> tuple[Tag | None, bool]:
    """The body container and whether it is a known CMS container (trusted even when empty)."""
    first_specific: Tag | None = None
    for i, found in enumerate(_container_candidates(soup)):
        for el in found:
            if len(el.get_text(strip=True)) >= _MIN_BODY:
                return el, True
            if i < _SPECIFIC and first_specific is None:
                first_specific = el
    if first_specific is not None:
        return first_specific, True
    best: Tag | None = None
    best_score = 0
    for el in soup.find_all(["div", "td", "article", "section", "main"]):
        score = _paragraph_score(el)
        if score > best_score:
            best, best_score = el, score
    if best is not None and best_score >= _MIN_BODY:
        return best, False
    return None, False


# Elements nested deeper than this make a page unreadable: real pages stay far below (a few dozen
# levels); hostile ones go to 10^5, which costs bs4 seconds to build and overflows the tree walks.
MAX_NESTING = 800
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")
# Void elements and elements whose end tag the parser implies never make the tree deeper.
_FLAT_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param",
                        "source", "track", "wbr", "p", "li", "td", "th", "tr", "option", "dt", "dd", "thead",
                        "tbody", "tfoot", "colgroup", "optgroup", "rt", "rp", "!doctype"})


def nesting_depth(html_text: str, limit: int = MAX_NESTING) -> int:
    """How deep the page's elements nest (a cheap scan of the tags), counting up to just past `limit`."""
    depth = deepest = 0
    for m in _TAG_RE.finditer(html_text):
        closing, name, self_closing = m.groups()
        if self_closing or name.lower() in _FLAT_TAGS:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def parse_html(url: str, html_text: str) -> ParsedPage:
    too_deep = ExtractionError(
        _("{value} nests its HTML elements more than {MAX_NESTING} levels deep; it cannot be read (a broken or hostile page), nothing to index.").format(value=url[:120], MAX_NESTING=MAX_NESTING)
    )
    if nesting_depth(html_text) > MAX_NESTING:
        raise too_deep
    try:
        return _parse_html(url, html_text)
    except RecursionError:  # a tree walk overflowed all the same
        raise too_deep from None


def _parse_html(url: str, html_text: str) -> ParsedPage:
    soup = soup_of(html_text)
    page = ParsedPage(meta=meta_tags(soup))
    page.titles = page_titles(soup, page.meta)
    page.attachments = find_attachments(url, soup)
    for tag in soup.find_all([*_DROP_TAGS, "head", "title"]):
        tag.decompose()
    container, _ = find_container(soup)
    # The whole document, not only <body>: broken pages leave their content after a stray </html>.
    page.page_lines = lines_of(soup)
    page.fields = parse_index_table([x for x in page.page_lines if len(x) <= 400])
    if page.fields.title:
        ctx = Context.from_meta(page.meta)
        page.titles.append(Candidate("index table 标题", _fix_title(page.fields.title, ctx)))
    if container is None:
        _remove_chrome(soup, None)
        body = [clean_line(normalize(x)) for x in lines_of(soup, page.tables)]
        titles = [c.value for c in page.titles]
        start = next((i for i, x in enumerate(body[:200]) if x.replace(" ", "") in titles), -1)
        body = body[start + 1 :]
    else:
        _remove_chrome(container, container)
        body = [clean_line(normalize(x)) for x in lines_of(container, page.tables)]
    page.body_lines = _drop_index_lines(repair_mojibake("\n".join(body)).split("\n"))
    return page


def _drop_index_lines(lines: list[str]) -> list[str]:
    """Remove chrome lines and an index table at the top of the body."""
    lines = [x for x in lines if x.strip() and not is_chrome(x)]
    head = parse_index_table(lines[:20])
    if len(head.labelled_lines) >= 2:
        lines = [x for i, x in enumerate(lines) if i not in head.labelled_lines]
    return lines


# --- attachments --------------------------------------------------------------------------------

_KIND_RE = re.compile(r"\.(" + "|".join(ATTACHMENT_KINDS) + r")$", re.I)


def _kind(href: str) -> str:
    parts = urlsplit(href)
    m = _KIND_RE.search(parts.path)
    if not m:
        # download.jsp?file=…/report.pdf
        m = _KIND_RE.search(parts.query)
    return m.group(1).lower() if m else ""


def find_attachments(url: str, html: str | BeautifulSoup) -> list[Attachment]:
    """Links to PDF/DOC/DOCX/WPS/OFD (and spreadsheets, archives) as absolute URLs with the link text as name."""
    soup = soup_of(html) if isinstance(html, str) else html
    base = url
    base_tag = soup.find("base")
    if isinstance(base_tag, Tag) and isinstance(base_tag.get("href"), str):
        try:
            base = urljoin(url, str(base_tag["href"]))
        except ValueError:
            base = url
    found: list[Attachment] = []
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip().replace("\\", "/")
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        try:
            kind = _kind(href)
            absolute = urljoin(base, href) if "://" in base or base.startswith("/") else href
        except ValueError:  # a malformed URL ("http://[bad") is no attachment
            continue
        if not kind:
            continue
        if absolute in seen:
            continue
        seen.add(absolute)
        name = _text_of(a) or str(a.get("title") or "").strip()
        name = re.sub(r"^附件\s*\d*\s*[:：.、]?\s*", "", name).strip()
        if not name:
            name = urlsplit(absolute).path.rsplit("/", 1)[-1]
        found.append(Attachment(url=absolute, name=name, kind=kind))
    return found
