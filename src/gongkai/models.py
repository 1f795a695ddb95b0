"""The data model: a disclosure document split into canonical sections.

A `Document` is what extraction produces and what the index stores. It is plain data:
`to_dict()` / `Document.from_dict()` are its storage shape (the attribute names: the crawl store,
the benchmark corpus), `to_record()` is how every output shows it (`gongkai show --json`,
`/api/documents/<id>`), with the field names of `vocabulary.RECORD_FIELDS`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from .urls import normalize_url, strip_href
from .vocabulary import DOC_TYPES, RECORD_FIELDS  # noqa: F401 - DOC_TYPES re-exported: the types a Document may have


@dataclass
class Cell:
    """One cell of a table as the source merged it: it covers `rowspan` rows and `colspan` columns."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A data table of a section, cells in source order row by row (a merged cell appears once, in the
    row where it starts; later rows leave its columns out, as in HTML).

    The table is also in the section's text, flattened to one "a | b | c" line per row (that is what
    search, sections and statistics read): `line` is the index of its first line in
    ``section.text.split("\n")`` and `lines` how many lines it covers there, so a reader can show the
    table in their place. `header_rows` counts the leading rows the source marked as headers
    (``<thead>``/``<th>``, Word's repeated header rows).
    """

    rows: list[list[Cell]]
    line: int = 0
    lines: int = 0
    header_rows: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        return cls(
            rows=[[Cell(**c) for c in row] for row in data.get("rows", [])],
            line=int(data.get("line", 0)),
            lines=int(data.get("lines", 0)),
            header_rows=int(data.get("header_rows", 0)),
        )


@dataclass
class Section:
    """One numbered top-level part of a document (一、二、…).

    `text` holds the section body, sub-part headings (（一）…) included; `subheadings`
    lists those sub-part headings so they can be indexed with the heading field. `tables` are the
    data tables whose flattened rows are lines of `text`.
    """

    number: str
    heading: str
    key: str
    text: str
    subheadings: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        data = dict(data)
        data["tables"] = [Table.from_dict(t) for t in data.get("tables") or []]
        return cls(**data)


@dataclass
class Attachment:
    url: str
    name: str = ""
    kind: str = ""  # "pdf", "docx", "doc", "wps", "ofd", ...


@dataclass
class Document:
    id: str
    url: str
    title: str = ""
    agency: str = ""
    doc_type: str = "other"
    year: int | None = None
    published: str | None = None  # ISO date "YYYY-MM-DD"
    index_no: str = ""
    doc_no: str = ""
    topic: str = ""
    sections: list[Section] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    content_hash: str = ""
    urls: list[str] = field(default_factory=list)  # other URLs carrying the same content
    figures: dict[str, Any] | None = None  # annual-report statistics (gongkai.stats), set at index time
    # Which witness each field came from ("title": "<h1>", "agency": "index table 发布机构", …) and what was
    # rejected ("title.rejected": "<title>: names the site or column"); see gongkai.extract.witness.
    provenance: dict[str, str] = field(default_factory=dict)
    # The day its page was first found gone (404/410 or taken down): the document is kept, withdrawn
    # (已撤下). None while it is current. Not part of the content hash: the content did not change.
    withdrawn: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The storage shape: every attribute under its own name (read back by ``from_dict``)."""
        return asdict(self)

    def to_record(self) -> dict[str, Any]:
        """The document as gongkai's outputs name it: ``type`` for the type, as in search results,
        exports, the query field ``type:`` and ``--type`` (``doc_type`` is only the attribute)."""
        data = asdict(self)
        record = {name: data.pop("doc_type" if name == "type" else name) if name != "status" else self.status
                  for name in RECORD_FIELDS}
        return {**record, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        data["sections"] = [Section.from_dict(s) for s in data.get("sections", [])]
        data["attachments"] = [Attachment(**a) for a in data.get("attachments", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def status(self) -> str:
        """"current" or "withdrawn" (the values of the search filter ``status``)."""
        return "withdrawn" if self.withdrawn else "current"

    @property
    def text(self) -> str:
        """All section text, in order (what the content hash covers besides metadata)."""
        return "\n".join(s.text for s in self.sections)


def canonical_url(url: str) -> str:
    """Normalise a URL for identity: lower-case scheme and host, no fragment, no default port.

    Never raises: a URL that `gongkai.urls.normalize_url` refuses (a bad port, bad brackets) is
    returned stripped, as its own identity. Code that fetches a URL checks it with `normalize_url`.
    """
    normal = normalize_url(url, schemes=None)
    return normal.url if normal else strip_href(url)


def document_id(source: str) -> str:
    """Stable id from a canonical URL or a file path: 16 hex digits."""
    key = canonical_url(source) if "://" in source else source
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def content_hash(doc: Document) -> str:
    """Hash over what a reader sees: title, metadata and section texts."""
    h = hashlib.sha256()
    for part in (doc.title, doc.agency, doc.doc_type, str(doc.year), doc.published or "",
                 doc.index_no, doc.doc_no, doc.topic):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    for s in doc.sections:
        for part in (s.number, s.heading, s.key, s.text):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
    return h.hexdigest()[:32]
