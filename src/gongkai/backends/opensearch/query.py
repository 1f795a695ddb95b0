"""The parsed query (``index.query.parse_query``'s Whoosh query objects) as OpenSearch query DSL.

Both backends read the same parsed query, so the query language has one implementation. Every
query here is evaluated on nested sections, field for field as the Whoosh backend evaluates it on
its section documents: a word is a ``term`` on the field's slots, a phrase a ``match_phrase`` whose
gaps make each word start where the previous one ends (see ``slots``), ``NOT`` inside a group a
``must_not``, a year range a ``range``. Field boosts follow ``index.schema.FIELD_BOOSTS``.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq
from whoosh.query import Phrase

from gongkai.i18n import _

from ...errors import QueryError
from ...index.schema import FIELD_BOOSTS
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
        return {"match_phrase": {_field(q.fieldname): {"query": phrase_slots(words), "analyzer": ANALYZER,
                                                       **_boost(q.fieldname)}}}
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
    raise QueryError(_("this query cannot be run on the OpenSearch backend ({name}); simplify it or use the Whoosh backend").format(name=type(q).__name__))
