"""Extraction: bytes of a page or file → Document (pure functions, no network).

    extract_document(source, data, content_type=None, headers=None) -> Document
    decode_bytes(data, headers=None) -> (text, encoding)
    find_attachments(url, html_text) -> list[Attachment]
    split_sections(text) -> list[Section]   (section keys and their names: gongkai.vocabulary)

Modules: encoding (bytes → text, mojibake), html (article pages), meta (index table, titles, agencies),
dates, classify (doc type, year), binary (PDF, DOCX), text (normalisation, chrome lines),
sections (the outline splitter), document (dispatch and assembly).
"""

from __future__ import annotations

from .document import extract_document
from .encoding import decode_bytes
from .html import find_attachments
from .sections import split_sections

__all__ = [
    "decode_bytes",
    "extract_document",
    "find_attachments",
    "split_sections",
]
