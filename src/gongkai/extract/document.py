"""extract_document: bytes of a page or file to a Document.

Dispatch: magic bytes first (%PDF, PK zip → DOCX, OLE → refused), then content type and extension,
then HTML when the text looks like markup, else plain text. Every path produces title candidates,
metadata lines and body lines; `_assemble` collects every field's witnesses the same way for all of
them and lets `witness` choose (the winners are kept in `Document.provenance`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from gongkai.i18n import _

from ..config import settings
from ..errors import ExtractionError
from ..models import Attachment, Document, Section, content_hash, document_id
from . import dates
from .binary import OLE_MAGIC, docx_content, pdf_lines
from .classify import classify
from .encoding import decode_bytes, repair_mojibake
from .html import parse_html
from .meta import IndexFields, parse_index_table
from .sections import split_sections
from .tables import FoundTable, attach_tables
from .text import (
    clean_line,
    clean_lines,
    is_chrome,
    join_broken_cells,
    looks_binary,
    normalize,
    simplify,
    unflatten,
)
from .witness import (
    DOC_NO_LINE_RE,
    Candidate,
    Context,
    agency_from_title,
    choose_agency,
    choose_published,
    choose_title,
    choose_year,
    clean_title,
    file_title,
    first_lines_title,
    is_agency_name,
    title_problem,
)

_HTML_EXT = (".htm", ".html", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx", ".jhtml", ".do")
_MARKUP_RE = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|table|meta|title|span|br)\b", re.I)
_OTHER_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"{\\rtf": "an RTF document",
}
_HEAD_LINES = 40


@dataclass
class _Parts:
    titles: list[Candidate] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    head: list[str] = field(default_factory=list)  # lines holding page info (dates, index table)
    meta: dict[str, str] = field(default_factory=dict)
    fields: IndexFields = field(default_factory=IndexFields)
    attachments: list[Attachment] = field(default_factory=list)
    tables: list[FoundTable] = field(default_factory=list)


def _name(source: str) -> str:
    return source if len(source) <= 120 else source[:117] + "..."


def _extension(source: str) -> str:
    path = urlsplit(source).path if "://" in source else source
    m = re.search(r"(\.[A-Za-z0-9]{1,6})$", path)
    return m.group(1).lower() if m else ""


def _kind(source: str, data: bytes, content_type: str | None) -> str:
    head = data[:1024].lstrip()
    ctype = (content_type or "").split(";")[0].strip().lower()
    ext = _extension(source)
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(OLE_MAGIC):
        what = "WPS" if ext == ".wps" else "legacy Word .doc (Word 97-2003)"
        raise ExtractionError(
            _("{source} is a {what} file; this format is not supported — save it as DOCX or PDF and index that.").format(source=_name(source), what=what)
        )
    for magic, what in _OTHER_MAGIC.items():
        if data.startswith(magic):
            raise ExtractionError(_("{source} is {what}, not a document; nothing to index.").format(source=_name(source), what=what))
    if ctype == "application/pdf" or ext == ".pdf":
        raise ExtractionError(
            _("{source} is labelled as PDF but is not one (no %PDF header); the download may be an error page or incomplete.").format(source=_name(source))
        )
    if "html" in ctype or "xml" in ctype or ext in _HTML_EXT:
        return "html"
    return "markup?"


def extract_document(
    source: str,
    data: bytes,
    *,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Document:
    """Turn the bytes of a page or file at `source` (URL or path) into a Document."""
    if not data or not data.strip():
        raise ExtractionError(_("{source} is empty; there is nothing to index.").format(source=_name(source)))
    limit = settings().max_document_bytes
    if len(data) > limit:
        raise ExtractionError(_("{source} is larger than {value} MB; it was not read.").format(source=_name(source), value=limit // (1024 * 1024)))
    if content_type is None and headers:
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    kind = _kind(source, data, content_type)
    if kind == "pdf":
        lines, meta_title = pdf_lines(data, _name(source))
        parts = _from_lines(lines, meta_title)
    elif kind == "docx":
        lines, meta_title, tables = docx_content(data, _name(source))
        parts = _from_lines(lines, meta_title)
        parts.tables = tables
    else:
        text, _encoding = decode_bytes(data, headers or ({"content-type": content_type} if content_type else None))
        if looks_binary(text):
            raise ExtractionError(
                _("{source} is binary data, not a web page or text; nothing to index.").format(source=_name(source))
            )
        if kind == "html" or _MARKUP_RE.search(text[:4096]):
            parts = _from_html(source, text)
        else:
            parts = _from_lines(clean_lines(repair_mojibake(normalize(text, nfkc=False))), "")
    if not any(c.value for c in parts.titles) and not parts.body and not parts.attachments:
        raise ExtractionError(_("{source} has no title and no text; nothing to index.").format(source=_name(source)))
    return _assemble(source, parts)


def _from_html(source: str, text: str) -> _Parts:
    page = parse_html(source, text)
    return _Parts(
        titles=page.titles,
        body=join_broken_cells(unflatten(page.body_lines)),
        head=page.page_lines,
        meta=page.meta,
        fields=page.fields,
        attachments=page.attachments,
        tables=page.tables,
    )


def _from_lines(lines: list[str], meta_title: str) -> _Parts:
    """Plain text, PDF or DOCX: title candidates from the first lines and the file's title property."""
    # Index values are read before NFKC so 文号/索引号 keep their exact characters.
    raw = join_broken_cells(unflatten(lines))
    fields = parse_index_table(raw[:_HEAD_LINES])
    lines = [clean_line(normalize(x)) for x in raw]
    head = lines[:_HEAD_LINES]
    rest = [
        x
        for i, x in enumerate(lines)
        if not is_chrome(x) and not (i in fields.labelled_lines and i < _HEAD_LINES)
    ]
    titles = []
    if meta_title:
        titles.append(Candidate("file metadata title", clean_title(file_title(meta_title))))
    return _Parts(titles=titles, body=rest, head=head, fields=fields)


def _assemble(source: str, parts: _Parts) -> Document:
    f, meta = parts.fields, parts.meta
    ctx = Context.from_meta(meta)
    provenance: dict[str, str] = {}

    # Title: the first lines of the body are the last witness of a page and the first of a file.
    first, start, end = first_lines_title(parts.body)
    body = parts.body
    choice = choose_title([*parts.titles, Candidate("first lines", clean_title(first, ctx))], ctx)
    choice.record("title", provenance)
    title = clean_title(choice.value, ctx)
    first_title = clean_title(first, ctx)
    if first and title_problem(first_title, ctx) is None and _squash(first_title) in _squash(title):
        # The title's own lines (and the 附件/red-head lines above them) are not body text; a 文号
        # line among them is the document's number. Text that is no title (a first sentence taken as
        # the title for want of one) stays in the body.
        if not f.doc_no:
            f.doc_no = next((x for x in body[:start] if DOC_NO_LINE_RE.match(_squash(x))), "")
        body = body[end:]
    below = body[:3]

    body_text = "\n".join(body)
    head_text = "\n".join(parts.head)
    sig_agency, signed = signature(body)
    written = dates.parse_date(f.written) or dates.parse_cn_date(f.written)

    agency = choose_agency(
        [
            Candidate("index table 发布机构", normalize(f.agency)),
            Candidate("title", agency_from_title(title)),
            Candidate("meta ContentSource", meta.get("contentsource", "")),
            Candidate("meta source", meta.get("source", "")),
            Candidate("index table 来源", normalize(f.source)),
            Candidate("signature", sig_agency),
            Candidate("first lines", next((x for x in below if is_agency_name(x)), "")),
            *(Candidate("site name", owner) for owner in ctx.owners[:1]),
        ],
        ctx,
    )
    agency.record("agency", provenance)

    published = choose_published(
        [
            Candidate("index table 发布日期", dates.parse_date(f.published) or ""),
            Candidate("meta PubDate", next((d for d in (dates.parse_date(meta.get(k, "")) for k in _PUBDATE_META)
                                            if d), "")),
            Candidate("page label", dates.page_date(simplify(head_text)) or ""),
            Candidate("beside the title", dates.date_beside(parts.head or below, title) or ""),
            Candidate("URL", dates.url_date(source) or ""),
            Candidate("index table 成文日期", written or ""),
            Candidate("signature", signed or ""),
        ],
        written,
    )
    published.record("published", provenance)

    doc_type = classify(title)
    year = choose_year(doc_type, title, body_text, published=published.value or None, written=written,
                       doc_no=f.doc_no, signed=signed)
    year.record("year", provenance)
    sections = split_sections(body_text) or [Section(number="", heading="", key="other", text=body_text)]
    attach_tables(sections, parts.tables)
    doc = Document(
        id=document_id(source),
        url=source,
        title=title,
        agency=agency.value,
        doc_type=doc_type,
        year=int(year.value) if year.value else None,
        published=published.value or None,
        index_no=f.index_no,
        doc_no=f.doc_no,
        topic=normalize(f.topic),
        sections=sections,
        attachments=parts.attachments,
        provenance=provenance,
    )
    doc.content_hash = content_hash(doc)
    return doc


_PUBDATE_META = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "releasedate")
_WS_RE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS_RE.sub("", text)


# A signature: an agency line, then a date line (Arabic or Chinese numerals), near the end or where a
# notice ends before its attachment; trailing notes after it are skipped.
_SIGNATURE_NOTE_RE = re.compile(r"^[(（]?(?:此件公开发布|此件主动公开|此页无正文|联系人|联系电话|抄送|附件)")
_MAX_DATE_LINE = 20


def signature(body: list[str]) -> tuple[str, str | None]:
    """(agency, date) of the document's signature block: "白沙县财政局" then "2020年1月15日", or both on
    one line ("白沙县财政局 2020年1月15日": a right-aligned paragraph whose line break was a space)."""
    for i, line in enumerate(body):
        if len(line) <= _MAX_DATE_LINE and i > 0 and is_agency_name(body[i - 1]):
            iso = dates.parse_date(line) or dates.parse_cn_date(line)
            if iso and dates.is_date_line(line):
                return clean_line(body[i - 1]), iso
    tail = [x for x in body[-6:] if not _SIGNATURE_NOTE_RE.match(x)][-4:]
    for line in reversed(tail):
        if len(line) <= 24 and dates.is_date_line(line):
            iso = dates.parse_date(line) or dates.parse_cn_date(line)
            if iso:
                return "", iso
        agency, iso = _signed_line(line)
        if iso:
            return agency, iso
    return "", None


_SIGNED_LINE_RE = re.compile(r"^(\S+?)\s+(\S.*)$")


def _signed_line(line: str) -> tuple[str, str | None]:
    """("白沙县财政局", "2020-01-15") for the one line "白沙县财政局 2020年1月15日", else ("", None)."""
    m = _SIGNED_LINE_RE.match(line.strip())
    if not m or len(line) > _MAX_DATE_LINE + 40 or not dates.is_date_line(m.group(2)):
        return "", None
    if not is_agency_name(m.group(1)):
        return "", None
    return clean_line(m.group(1)), dates.parse_date(m.group(2)) or dates.parse_cn_date(m.group(2))
