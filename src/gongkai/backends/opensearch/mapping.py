"""The OpenSearch index: settings, mapping, and documents in and out.

One OpenSearch document per gongkai document, its sections as ``nested`` objects. Measured and
chosen over one OpenSearch document per section with ``collapse`` (see the CHANGELOG): with nested
sections the cluster counts documents itself — ``total``, every facet and ``NOT`` (which excludes
whole documents) are exact — a document's sections are replaced in one atomic write, and a
document ranks by its best section (``score_mode: max``) as in the Whoosh backend.

Each nested section carries what the Whoosh backend indexes per section (``index.writer.
section_fields``): the text fields as slots (``slots``), and copies of the document's fields the
query language and filters test per section (agency, type, year, 文号, 索引号, topic). Those copies
and the slots are left out of ``_source``; ``_source`` keeps what a reader sees, as the Whoosh
index stores it, so ``source_document`` rebuilds the same ``Document``.

The mapping's ``_meta`` records the analyzer and schema versions; ``check_meta`` refuses an index
built by another version with the command that rebuilds it.
"""

from __future__ import annotations

from typing import Any

from gongkai.i18n import _

from ...errors import IndexVersionError
from ...index.analysis import ANALYZER_VERSION, exact_value
from ...index.schema import SCHEMA_VERSION, TEXT_FIELDS
from ...index.search import stored_document
from ...index.segment import get_segmenter
from ...index.writer import section_fields
from ...models import Document
from .slots import ANALYSIS, ANALYZER, slots

BACKEND_SCHEMA = "3"  # change with the layout below (3: status, withdrawn, doc_id per section)
SECTION_PATH = "sections"
# Per-section copies of document fields that queries test (Whoosh field name -> OpenSearch type).
EXACT_FIELDS = ("agency", "type", "doc_no", "index_no", "topic", "section", "status", "doc_id")
# What a search result and a document need from _source.
STORED = ("doc_id", "url", "title", "agency", "type", "year", "published", "doc_no", "index_no", "topic",
          "source", "hash", "status", "withdrawn", "meta")
SECTION_STORED = ("ord", "number", "section", "heading", "body")
MAX_SECTIONS = 100_000  # nested objects per document (OpenSearch's default is 10 000)

_TEXT = {"type": "text", "analyzer": ANALYZER, "index_options": "positions"}
_KEYWORD = {"type": "keyword"}
_STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}


def index_body(shards: int, replicas: int) -> dict[str, Any]:
    section_props: dict[str, Any] = {f: dict(_TEXT) for f in TEXT_FIELDS}
    section_props.update({f: dict(_KEYWORD) for f in EXACT_FIELDS})
    section_props.update(
        ord={"type": "integer"},
        year={"type": "integer"},
        published={"type": "keyword"},
        # The raw section texts, stored under their own names so the slots can stay out of _source.
        raw={"type": "object", "enabled": False},
    )
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "mapping": {"nested_objects": {"limit": MAX_SECTIONS}},
            },
            "analysis": ANALYSIS,
        },
        "mappings": {
            "_meta": meta(),
            "dynamic": "strict",
            "_source": {"excludes": [f"{SECTION_PATH}.{f}" for f in section_props if f not in ("raw", "ord", "section")]},
            "properties": {
                "doc_id": dict(_KEYWORD),
                "agency": dict(_KEYWORD),
                "type": dict(_KEYWORD),
                "year": {"type": "integer"},
                "published": dict(_KEYWORD),
                "status": dict(_KEYWORD),
                "withdrawn": dict(_STORED_ONLY),
                "url": dict(_STORED_ONLY),
                "title": dict(_STORED_ONLY),
                "doc_no": dict(_STORED_ONLY),
                "index_no": dict(_STORED_ONLY),
                "topic": dict(_STORED_ONLY),
                "source": dict(_STORED_ONLY),
                "hash": dict(_STORED_ONLY),
                "meta": dict(_STORED_ONLY),  # JSON text, as the Whoosh index stores it (keeps key order)
                SECTION_PATH: {"type": "nested", "properties": section_props},
            },
        },
    }


def meta() -> dict[str, Any]:
    return {"gongkai": {"analyzer_version": ANALYZER_VERSION, "schema_version": SCHEMA_VERSION,
                        "backend_schema": BACKEND_SCHEMA, "segmenter": get_segmenter().name}}


def check_meta(found: dict[str, Any], where: str) -> None:
    got = (found or {}).get("gongkai") or {}
    want = meta()["gongkai"]
    if any(got.get(k) != want[k] for k in ("analyzer_version", "schema_version", "backend_schema")):
        raise IndexVersionError(
            _("the OpenSearch index {where} was built by analyzer version {value} (schema {value2}, layout {value3}); this gongkai uses analyzer version {ANALYZER_VERSION} (schema {SCHEMA_VERSION}, layout {BACKEND_SCHEMA}). Rebuild it: `curl -X DELETE {where}`, then `gongkai reindex` (crawled archives), `gongkai migrate --to opensearch` or `gongkai index PATH` again").format(where=where, value=got.get('analyzer_version', 'unknown'), value2=got.get('schema_version', 'unknown'), value3=got.get('backend_schema', 'unknown'), ANALYZER_VERSION=ANALYZER_VERSION, SCHEMA_VERSION=SCHEMA_VERSION, BACKEND_SCHEMA=BACKEND_SCHEMA)
        )


# -- documents in --------------------------------------------------------------------------------
def to_source(doc: Document, meta_: dict[str, Any]) -> dict[str, Any]:
    """The OpenSearch document for ``doc``: its fields as the Whoosh index stores them, plus sections."""
    per_section = section_fields(doc, meta_)
    first = per_section[0]
    out: dict[str, Any] = {k: first[k] for k in STORED if k in first}
    texts: dict[str, str] = {}  # title and agency are the same on every section: segment them once

    def slotted(value: str) -> str:
        found = texts.get(value)
        if found is None:
            found = texts[value] = slots(value)
        return found

    sections = []
    for f in per_section:
        s: dict[str, Any] = {
            "ord": f["ord"],
            "section": f["section"],
            "raw": {"number": f.get("number", ""), "heading": f.get("heading", ""), "body": f.get("body", "")},
            "title": slotted(f.get("title", "")),
            "heading": slots(f.get("heading", "")),
            "body": slots(f.get("body", "")),
            "agency_text": slotted(f.get("agency_text", "")),
        }
        for k in ("agency", "type", "topic", "published", "year", "status", "doc_id"):
            if k in f:
                s[k] = f[k]
        for k in ("doc_no", "index_no"):  # matched in the exact form the Whoosh field's analyzer makes
            if f.get(k) and exact_value(f[k]):
                s[k] = exact_value(f[k])
        sections.append(s)
    out[SECTION_PATH] = sections
    return out


# -- documents out -------------------------------------------------------------------------------
def summary_fields(src: dict[str, Any]) -> dict[str, Any]:
    """_source as the Whoosh backend's stored fields of a document's first section."""
    return {k: src[k] for k in STORED if k in src and k != "meta"}


def section_stored(hit_source: dict[str, Any]) -> dict[str, Any]:
    """A nested section's _source as Whoosh stored fields (number, heading, section, body)."""
    raw = hit_source.get("raw") or {}
    return {"ord": hit_source.get("ord", 0), "number": raw.get("number", ""), "heading": raw.get("heading", ""),
            "section": hit_source.get("section", "other"), "body": raw.get("body", "")}


def source_document(src: dict[str, Any]) -> Document:
    """The ``Document`` an OpenSearch document stores, rebuilt as the Whoosh backend rebuilds its own."""
    sections = sorted((section_stored(s) for s in src.get(SECTION_PATH) or []), key=lambda f: f.get("ord", 0))
    if not sections:
        sections = [section_stored({})]
    sections[0] = {**summary_fields(src), "meta": src.get("meta") or "{}", **sections[0]}
    return stored_document(str(src.get("doc_id", "")), sections)
