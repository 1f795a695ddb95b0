"""Searching: sections ranked by BM25F, grouped per document, with filters, facets and snippets.

``search(index_dir, SearchRequest(...))`` returns the JSON shape documented in the README
(``gongkai search --json`` and ``/api/search`` print it as is). A ``SearcherHandle`` keeps an
index open for many searches (the web server) and picks up new commits on ``refresh()``.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.collectors import FilterCollector, TimeLimit, TimeLimitCollector

from ..config import settings
from ..errors import GongkaiError, QueryError, UsageError, YearRangeError
from ..models import Attachment, Document, Section
from .highlight import snippet
from .query import agency_query, parse_query, positive_terms, resolve_type
from .schema import open_index

MIN_YEAR, MAX_YEAR = 1949, 2100
_YEARS = re.compile(r"^\s*(\d{4})\s*(?:(?:-|–|—|~|～|至|到)\s*(\d{4})\s*)?$")


def parse_years(value: str | int | None) -> tuple[int, int] | None:
    """"2017" -> (2017, 2017); "2015-2019" -> (2015, 2019); raises YearRangeError."""
    if value is None or str(value).strip() == "":
        return None
    m = _YEARS.match(str(value))
    if not m:
        raise YearRangeError(f"cannot read the year {value!r}: use a year like 2017 or a range like 2015-2019")
    y1 = int(m.group(1))
    y2 = int(m.group(2) or y1)
    if y1 > y2:
        raise YearRangeError(f"the year range {value!r} ends before it starts: write it as {y2}-{y1}")
    if y1 < MIN_YEAR or y2 > MAX_YEAR:
        raise YearRangeError(f"the year range {value!r} is outside {MIN_YEAR}-{MAX_YEAR}")
    return y1, y2


@dataclass
class SearchRequest:
    query: str = ""
    years: tuple[int, int] | None = None
    section: str | None = None
    agency: str | None = None
    doc_type: str | None = None
    sort: str = "relevance"
    page: int = 1
    limit: int = 10

    def validate(self) -> None:
        s = settings()
        if len(self.query) > s.max_query_chars:
            raise QueryError(f"the query is {len(self.query)} characters long; the limit is {s.max_query_chars}")
        if self.sort not in ("relevance", "date"):
            raise UsageError(f"unknown sort {self.sort!r}: use relevance or date")
        if not 1 <= self.page <= s.max_page:
            raise UsageError(f"page must be between 1 and {s.max_page}")
        if not 1 <= self.limit <= s.max_limit:
            raise UsageError(f"limit must be between 1 and {s.max_limit}")
        if self.section:
            from ..extract.sections import resolve_section

            self.section = resolve_section(self.section)
        if self.doc_type:
            self.doc_type = resolve_type(self.doc_type)


def _filters(req: SearchRequest) -> Any:
    parts: list[Any] = []
    if req.years:
        parts.append(wq.NumericRange("year", req.years[0], req.years[1]))
    if req.section:
        parts.append(wq.Term("section", req.section))
    if req.doc_type:
        parts.append(wq.Term("type", req.doc_type))
    if req.agency and req.agency.strip():
        parts.append(agency_query(req.agency))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _doc_summary(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": fields.get("doc_id", ""),
        "url": fields.get("url", ""),
        "title": fields.get("title", ""),
        "agency": fields.get("agency", ""),
        "type": fields.get("type", "other"),
        "year": fields.get("year"),
        "published": fields.get("published") or None,
    }


class SearcherHandle:
    """An open index for many searches; thread-safe; ``refresh()`` sees new commits."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._ix = open_index(self.index_dir)
        self._searcher = self._ix.searcher()
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    def __enter__(self) -> SearcherHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self) -> bool:
        """Re-open when the index has a newer commit; returns whether it did."""
        with self._lock:
            if self._searcher.up_to_date():
                return False
            self._searcher = self._searcher.refresh()
            return True

    @property
    def generation(self) -> int:
        return int(self._searcher.reader().generation())

    # -- search ------------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> dict[str, Any]:
        req.validate()
        q = parse_query(req.query)
        fq = _filters(req)
        if q is None:
            if fq is None:
                raise QueryError("the query is empty: type words to search for, or filter by year, section, agency or type")
            q = wq.Every()
        with self._lock:
            return self._run(req, q, fq)

    def _run(self, req: SearchRequest, q: Any, fq: Any) -> dict[str, Any]:
        s = self._searcher
        excluded: set[str] = set()
        if isinstance(q, wq.AndNot):
            # NOT excludes whole documents, not just the sections that contain the word.
            doc_col = s.reader().column_reader("doc_id")
            excluded = {doc_col[n] for n in s.docs_for_query(q.b)}
            q = q.a
        # The filter must wrap the time limit: TimeLimitCollector feeds its child directly,
        # so a FilterCollector inside it would never get to filter.
        collector: Any = TimeLimitCollector(s.collector(limit=None), timelimit=settings().search_time_limit,
                                            use_alarm=False)
        if fq is not None:
            collector = FilterCollector(collector, fq)
        try:
            s.search_with_collector(q, collector)
        except TimeLimit as e:
            raise QueryError(
                f"the query took longer than {settings().search_time_limit:g} s and was stopped: "
                f"make it more specific (more words, a phrase, or a filter)"
            ) from e
        hits = collector.results()
        reader = s.reader()
        cols = {name: reader.column_reader(name) for name in ("doc_id", "year", "section", "type", "agency",
                                                              "published")}
        groups: dict[str, list[Any]] = {}
        facet_sets: dict[str, set[tuple[Any, str]]] = {k: set() for k in ("year", "section", "type", "agency")}
        per_doc = settings().sections_per_result
        doc_col = cols["doc_id"]
        for score, docnum in hits.top_n:
            did = doc_col[docnum]
            if did in excluded:
                continue
            g = groups.get(did)
            if g is None:
                groups[did] = g = [score, docnum, []]
            if len(g[2]) < per_doc:
                g[2].append(docnum)
            facet_sets["section"].add((cols["section"][docnum], did))
        for did, g in groups.items():
            first = g[1]
            year = cols["year"][first]
            if year and year > 0:
                facet_sets["year"].add((str(year), did))
            facet_sets["type"].add((cols["type"][first], did))
            agency = cols["agency"][first]
            if agency:
                facet_sets["agency"].add((agency, did))
        facets = {name: dict(Counter(v for v, _ in pairs).most_common()) for name, pairs in facet_sets.items()}
        facets["year"] = dict(sorted(facets["year"].items(), reverse=True))

        order = list(groups.items())
        if req.sort == "date":
            order.sort(key=lambda kv: (cols["published"][kv[1][1]] or "", kv[1][0]), reverse=True)
        total = len(order)
        start = (req.page - 1) * req.limit
        terms = positive_terms(q)
        results = []
        for did, (score, _first, docnums) in order[start : start + req.limit]:
            stored = [s.stored_fields(n) for n in docnums]
            item = _doc_summary(stored[0])
            item["id"] = did
            item["score"] = round(float(score), 4)
            item["sections"] = [
                {
                    "number": f.get("number", ""),
                    "heading": (f.get("heading") or "").split("\n")[0],
                    "key": f.get("section", "other"),
                    "snippet": snippet(f.get("body") or f.get("heading") or "", terms),
                }
                for f in stored
            ]
            results.append(item)
        return {
            "query": req.query,
            "total": total,
            "page": req.page,
            "pages": max(1, math.ceil(total / req.limit)),
            "limit": req.limit,
            "sort": req.sort,
            "results": results,
            "facets": facets,
        }

    # -- documents ---------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        with self._lock:
            sections = sorted(self._searcher.documents(doc_id=doc_id), key=lambda f: f.get("ord", 0))
        if not sections:
            raise GongkaiError(f"no document with id {doc_id!r} in {self.index_dir}")
        first = sections[0]
        meta = json.loads(first.get("meta") or "{}")
        heads = [(f.get("heading") or "").split("\n") for f in sections]
        return Document(
            id=doc_id,
            url=first.get("url", ""),
            title=first.get("title", ""),
            agency=first.get("agency", ""),
            doc_type=first.get("type", "other"),
            year=first.get("year"),
            published=first.get("published") or None,
            index_no=first.get("index_no", ""),
            doc_no=first.get("doc_no", ""),
            topic=first.get("topic", ""),
            sections=[
                Section(number=f.get("number", ""), heading=h[0], key=f.get("section", "other"),
                        text=f.get("body", ""), subheadings=[x for x in h[1:] if x])
                for f, h in zip(sections, heads, strict=True)
            ],
            attachments=[Attachment(**a) for a in meta.get("attachments", [])],
            content_hash=first.get("hash", ""),
            urls=meta.get("urls", []),
            figures=meta.get("figures"),
        )

    def similar(self, doc_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """Documents sharing the most distinctive words with ``doc_id`` (Whoosh more-like-this)."""
        doc = self.document(doc_id)
        text = "\n".join([doc.title, doc.text])[:20000]
        with self._lock:
            s = self._searcher
            terms = [t for t, _ in s.key_terms_from_text("body", text, numterms=20) if len(t) > 1]
            if not terms:
                return []
            q = wq.Or([wq.Term("body", t) for t in terms])
            hits = s.search(q, limit=limit * 10)
            out: dict[str, dict[str, Any]] = {}
            for hit in hits:
                did = hit["doc_id"]
                if did != doc_id and did not in out:
                    out[did] = _doc_summary(hit.fields())
                if len(out) >= limit:
                    break
        return list(out.values())

    def agency_documents(self, agency: str, doc_type: str | None = None) -> list[dict[str, Any]]:
        """Every document of ``agency`` (exact name), oldest year first."""
        with self._lock:
            rows = [f for f in self._searcher.documents(agency=agency) if f.get("ord") == 0]
        docs = [_doc_summary(f) for f in rows if doc_type is None or f.get("type") == doc_type]
        docs.sort(key=lambda d: (d["year"] or 0, d["published"] or ""))
        return docs


def open_searcher(index_dir: Path | str) -> SearcherHandle:
    return SearcherHandle(index_dir)


def search(index_dir: Path | str, req: SearchRequest) -> dict[str, Any]:
    with SearcherHandle(index_dir) as h:
        return h.search(req)


def get_document(index_dir: Path | str, doc_id: str) -> Document:
    with SearcherHandle(index_dir) as h:
        return h.document(doc_id)


def similar_documents(index_dir: Path | str, doc_id: str, limit: int = 5) -> list[dict[str, Any]]:
    with SearcherHandle(index_dir) as h:
        return h.similar(doc_id, limit)


def agency_documents(index_dir: Path | str, agency: str, doc_type: str | None = None) -> list[dict[str, Any]]:
    with SearcherHandle(index_dir) as h:
        return h.agency_documents(agency, doc_type)
