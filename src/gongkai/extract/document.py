"""extract_document: bytes of a page or file to a Document.

Dispatch: magic bytes first (%PDF, PK zip → DOCX, OLE → refused), then content type and extension,
then HTML when the text looks like markup, else plain text. Every path produces a title, metadata
lines and body lines; `_assemble` turns those into a Document the same way for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..config import settings
from ..errors import ExtractionError
from ..models import Attachment, Document, Section, content_hash, document_id
from . import dates
from .binary import OLE_MAGIC, docx_lines, pdf_lines
from .classify import classify, document_year
from .encoding import decode_bytes, repair_mojibake
from .html import parse_html
from .meta import IndexFields, agency_from_title, clean_agency, clean_title, parse_index_table
from .sections import split_sections
from .text import (
    clean_line,
    clean_lines,
    is_chrome,
    join_broken_cells,
    join_split_title,
    looks_binary,
    normalize,
    simplify,
    unflatten,
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
_PDF_TITLE_JUNK = re.compile(r"^(?:microsoft\s+word\s*-|untitled|无标题|\d+$)|\.(?:docx?|wps|pdf)$", re.I)


@dataclass
class _Parts:
    title: str = ""
    body: list[str] = field(default_factory=list)
    head: list[str] = field(default_factory=list)  # lines holding page info (dates, index table)
    meta: dict[str, str] = field(default_factory=dict)
    fields: IndexFields = field(default_factory=IndexFields)
    attachments: list[Attachment] = field(default_factory=list)


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
            f"{_name(source)} is a {what} file; this format is not supported — "
            "save it as DOCX or PDF and index that."
        )
    for magic, what in _OTHER_MAGIC.items():
        if data.startswith(magic):
            raise ExtractionError(f"{_name(source)} is {what}, not a document; nothing to index.")
    if ctype == "application/pdf" or ext == ".pdf":
        raise ExtractionError(
            f"{_name(source)} is labelled as PDF but is not one (no %PDF header); "
            "the download may be an error page or incomplete."
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
        raise ExtractionError(f"{_name(source)} is empty; there is nothing to index.")
    limit = settings().max_document_bytes
    if len(data) > limit:
        raise ExtractionError(f"{_name(source)} is larger than {limit // (1024 * 1024)} MB; it was not read.")
    if content_type is None and headers:
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    kind = _kind(source, data, content_type)
    if kind == "pdf":
        lines, meta_title = pdf_lines(data, _name(source))
        parts = _from_lines(lines, meta_title)
    elif kind == "docx":
        lines, meta_title = docx_lines(data, _name(source))
        parts = _from_lines(lines, meta_title)
    else:
        text, _ = decode_bytes(data, headers or ({"content-type": content_type} if content_type else None))
        if looks_binary(text):
            raise ExtractionError(
                f"{_name(source)} is binary data, not a web page or text; nothing to index."
            )
        if kind == "html" or _MARKUP_RE.search(text[:4096]):
            parts = _from_html(source, text)
        else:
            parts = _from_lines(clean_lines(repair_mojibake(normalize(text, nfkc=False))), "")
    if not parts.title and not parts.body and not parts.attachments:
        raise ExtractionError(f"{_name(source)} has no title and no text; nothing to index.")
    return _assemble(source, parts)


def _from_html(source: str, text: str) -> _Parts:
    page = parse_html(source, text)
    return _Parts(
        title=page.title,
        body=join_broken_cells(unflatten(page.body_lines)),
        head=page.page_lines,
        meta=page.meta,
        fields=page.fields,
        attachments=page.attachments,
    )


def _from_lines(lines: list[str], meta_title: str) -> _Parts:
    """Plain text, PDF or DOCX: the first non-chrome line is the title, the rest is the body."""
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
    title, used = join_split_title(rest)
    meta_title = clean_title(meta_title)
    if meta_title and not _PDF_TITLE_JUNK.search(meta_title) and len(meta_title) >= 4 and meta_title != title:
        # The file's own title property, when it is a real title, beats the first line; the first
        # line is then kept in the body unless it repeats the title.
        title, used = meta_title, 0
    return _Parts(title=clean_title(title), body=rest[used:], head=head, fields=fields)


def _signature(body: list[str]) -> tuple[str, str | None]:
    """(agency, date) of a signature block at the end: "白沙县财政局" then "2020年1月15日"."""
    tail = body[-4:]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        if len(line) > 24:
            continue
        iso = dates.parse_date(line) or dates.parse_cn_date(line)
        if iso:
            agency = ""
            if i > 0 and len(tail[i - 1]) <= 30:
                agency = clean_agency(agency_from_title(tail[i - 1] + "关于") or "")
            return agency, iso
    return "", None


def _assemble(source: str, parts: _Parts) -> Document:
    f, meta = parts.fields, parts.meta
    body_text = "\n".join(parts.body)
    head_text = "\n".join(parts.head)
    sig_agency, signed = _signature(parts.body)
    title = parts.title
    agency = next(
        (
            a
            for a in (
                clean_agency(meta.get("contentsource", "")),
                clean_agency(meta.get("source", "")),
                clean_agency(normalize(f.agency)),
                clean_agency(agency_from_title(title)),
                clean_agency(normalize(f.source)),
                sig_agency,
            )
            if a
        ),
        "",
    )
    published = (
        dates.parse_date(f.published)
        or dates.parse_date(meta.get("pubdate", ""))
        or dates.parse_date(meta.get("publishdate", ""))
        or dates.page_date(simplify(head_text))
        or dates.url_date(source)
    )
    written = dates.parse_date(f.written) or dates.parse_cn_date(f.written)
    doc_type = classify(title)
    year = document_year(
        doc_type, title, body_text, published=published, written=written, doc_no=f.doc_no, signed=signed
    )
    sections = split_sections(body_text) or [Section(number="", heading="", key="other", text=body_text)]
    doc = Document(
        id=document_id(source),
        url=source,
        title=title,
        agency=agency,
        doc_type=doc_type,
        year=year,
        published=published,
        index_no=f.index_no,
        doc_no=f.doc_no,
        topic=normalize(f.topic),
        sections=sections,
        attachments=parts.attachments,
    )
    doc.content_hash = content_hash(doc)
    return doc
