"""The parsed query (``index.query.parse_query``'s Whoosh query objects) as OpenSearch query DSL.

Both backends read the same parsed query, so the query language has one implementation, and this
module follows ``index.tables.Tables.match`` step for step:

- ``section_dsl``: a part evaluated on one section (a word is a ``term`` on the field's slots, a
  phrase a ``match_phrase`` whose gaps make each word start where the previous one ends — see
  ``slots`` —, a year a ``range``, a prefix a ``prefix``), over the nested sections;
- ``document_dsl``: how the parts combine, per document (the default scope: each part of an AND
  may match in another section, ``section:KEY`` limits its siblings, NOT excludes documents) or in
  one section (``within="section"``); it also returns the section queries of the positive parts,
  which say which sections a document shows and scores by (the Whoosh backend's ``hits``).

Field boosts follow ``index.schema.FIELD_BOOSTS``.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.query import Phrase

from gongkai.i18n import _

from ...errors import QueryError
from ...index.schema import FIELD_BOOSTS

# The array evaluator's rules for which parts mean the same per section and per document, and which
# sections a part matches by their own text: one definition for both backends.
from ...index.tables import _flat, _own
from .mapping import SECTION_PATH
from .slots import ANALYZER, MAX_TOKEN, phrase_slots

MATCH_NONE: dict[str, Any] = {"match_none": {}}


def _field(name: str) -> str:
    return f"{SECTION_PATH}.{name}"


def _boost(field: str) -> dict[str, float]:
    b = FIELD_BOOSTS.get(field)
    return {"boost": b} if b and b != 1.0 else {}


def section_dsl(q: Any) -> dict[str, Any]:
    """A query over nested sections matching exactly the sections ``q`` matches in the Whoosh backend."""
    if isinstance(q, Phrase):
        words = [str(w) for w in q.words]
        if any(len(w) > MAX_TOKEN for w in words):
            return MATCH_NONE
        if getattr(q, "adjacency", "positions") == "chars":
            return {"match_phrase": {_field(q.fieldname): {"query": phrase_slots(words), "analyzer": ANALYZER,
                                                           **_boost(q.fieldname)}}}
        # The parts of a 文号 in order with punctuation between them ("consecutive words"): positions
        # here are character offsets, so allow each gap the word's length plus up to two characters.
        slop = sum(len(w) - 1 for w in words[:-1]) + 2 * (len(words) - 1)
        return {"span_near": {"clauses": [{"span_term": {_field(q.fieldname): w}} for w in words],
                              "slop": slop, "in_order": True}}
    if isinstance(q, wq.Term):
        return {"term": {_field(q.fieldname): {"value": q.text, **_boost(q.fieldname)}}}
    if isinstance(q, wq.Or):
        return {"bool": {"should": [section_dsl(s) for s in q.subqueries], "minimum_should_match": 1}}
    if isinstance(q, wq.And):
        return {"bool": {"must": [section_dsl(s) for s in q.subqueries]}}
    if isinstance(q, wq.AndNot):
        return {"bool": {"must": [section_dsl(q.a)], "must_not": [section_dsl(q.b)]}}
    if isinstance(q, wq.Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [section_dsl(q.query)]}}
    if isinstance(q, wq.Every):
        return {"match_all": {}}
    if isinstance(q, wq.NumericRange):
        bounds: dict[str, Any] = {}
        if q.start is not None:
            bounds["gt" if q.startexcl else "gte"] = q.start
        if q.end is not None:
            bounds["lt" if q.endexcl else "lte"] = q.end
        return {"range": {_field(q.fieldname): bounds}}
    if isinstance(q, wq.TermRange):
        bounds = {}
        if q.start is not None:
            bounds["gt" if q.startexcl else "gte"] = q.start
        if q.end is not None:
            bounds["lt" if q.endexcl else "lte"] = q.end
        return {"range": {_field(q.fieldname): bounds}}
    if isinstance(q, wq.Prefix):
        return {"prefix": {_field(q.fieldname): {"value": q.text}}}
    if isinstance(q, wq.Wildcard):
        return {"wildcard": {_field(q.fieldname): {"value": q.text}}}
    if q is wq.NullQuery:
        return MATCH_NONE
    raise QueryError(_("this query cannot be run on the OpenSearch backend ({name}); simplify it or use the "
                       "Whoosh backend").format(name=type(q).__name__))


# -- how parts combine (index.tables.Tables.match) ----------------------------------------------------
def _nested(query: dict[str, Any]) -> dict[str, Any]:
    return {"nested": {"path": SECTION_PATH, "query": query, "score_mode": "none"}}


def _and(parts: list[dict[str, Any]]) -> dict[str, Any]:
    parts = [p for p in parts if p != MATCH_ALL]
    if not parts:
        return MATCH_ALL
    return parts[0] if len(parts) == 1 else {"bool": {"must": parts}}


def _limit(sections: dict[str, Any], within: dict[str, Any] | None) -> dict[str, Any]:
    """``sections`` among those of ``within`` (which does not count towards the score)."""
    return sections if within is None else {"bool": {"must": [sections], "filter": [within]}}


MATCH_ALL: dict[str, Any] = {"match_all": {}}


def _is_section_key(q: Any) -> bool:
    return isinstance(q, wq.Term) and q.fieldname == "section"


Hit = tuple[dict[str, Any], "dict[str, Any] | None"]  # sections a part matched, those it matched by own text


def document_dsl(q: Any, scope: str, within: dict[str, Any] | None) -> tuple[dict[str, Any], list[Hit]]:
    """(a document-level query matching the documents ``q`` matches, the section queries of its
    positive parts with, for each, the sections it matches by their own text or None).
    ``within``: a section query limiting the sections looked at (--section)."""
    hits: list[Hit] = []
    if scope == "section":
        sections, excluded = _in_one_section(q)
        sections = _limit(sections, within)
        hits.append((sections, None))
        docs: dict[str, Any] = {"bool": {"filter": [_nested(sections)], "must_not": excluded}}
        return docs, hits
    return _in_document(q, within, hits), hits


def _in_document(q: Any, within: dict[str, Any] | None, hits: list[Hit] | None) -> dict[str, Any]:
    if isinstance(q, wq.AndNot):
        return {"bool": {"filter": [_in_document(q.a, within, hits)], "must_not": [_in_document(q.b, None, None)]}}
    if isinstance(q, wq.Not):
        return {"bool": {"must_not": [_in_document(q.query, None, None)]}}
    if isinstance(q, wq.And) and not getattr(q, "one_word", False):
        parts = []
        for sub in q.subqueries:
            if _is_section_key(sub):
                within = _and([within, section_dsl(sub)]) if within else section_dsl(sub)
            else:
                parts.append(sub)
        if not parts:
            return _leaf_docs(wq.Every(), within, hits)
        return {"bool": {"filter": [_in_document(sub, within, hits) for sub in parts]}}
    if isinstance(q, wq.Or) and not _flat(q):
        return {"bool": {"should": [_in_document(sub, within, hits) for sub in q.subqueries],
                         "minimum_should_match": 1}}
    return _leaf_docs(q, within, hits)


def _leaf_docs(q: Any, within: dict[str, Any] | None, hits: list[Hit] | None) -> dict[str, Any]:
    sections = _limit(section_dsl(q), within)
    if hits is not None:
        own = _own(q)
        hits.append((sections, sections if own is q else None if own is None else _limit(section_dsl(own), within)))
    return _nested(sections)


def _in_one_section(q: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(section query, document queries to exclude): every part in one section, NOT excluding documents.

    A NOT under an OR is the one case a nested query cannot say exactly (the sections of one branch,
    in documents without a word elsewhere): there it excludes the sections that contain the word."""
    if isinstance(q, wq.AndNot):
        sections, excluded = _in_one_section(q.a)
        return sections, [*excluded, _section_scope_docs(q.b)]
    if isinstance(q, wq.Not):
        return MATCH_ALL, [_section_scope_docs(q.query)]
    if isinstance(q, wq.And):
        parts = [_in_one_section(sub) for sub in q.subqueries]
        return _and([p for p, _ in parts]), [e for _, ex in parts for e in ex]
    if isinstance(q, wq.Or) and not _flat(q):
        return {"bool": {"should": [section_dsl(sub) for sub in q.subqueries], "minimum_should_match": 1}}, []
    return section_dsl(q), []


def _section_scope_docs(q: Any) -> dict[str, Any]:
    sections, excluded = _in_one_section(q)
    return {"bool": {"filter": [_nested(sections)], "must_not": excluded}}


