"""Searching: sections ranked by BM25F, grouped per document, with filters, facets and snippets.

``search(index_dir, SearchRequest(...))`` returns the JSON shape documented in the README
(``gongkai search --json`` and ``/api/search`` print it as is). A ``SearcherHandle`` keeps an
index open for many searches (the web server) and picks up new commits on ``refresh()``.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from whoosh import query as wq

from ..config import settings
from ..errors import GongkaiError, QueryError
from ..models import Attachment, Document, Section
from .highlight import snippet
from .query import agency_query, parse_query, positive_leaves, positive_terms
from .request import SearchRequest
from .schema import open_index
from .tables import Tables


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


def _too_slow() -> NoReturn:
    raise QueryError(
        f"the query took longer than {settings().search_time_limit:g} s and was stopped: "
        f"make it more specific (more words, a phrase, or a filter)"
    )


class SearcherHandle:
    """An open index for many searches; thread-safe; ``refresh()`` sees new commits."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self._ix = open_index(self.index_dir)
        self._searcher = self._ix.searcher()
        self._lock = threading.RLock()
        self._tables_of: Any = None
        self._tables_cache: Any = None

    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    def __del__(self) -> None:
        # A handle dropped without close() (a web app torn down, a one-shot command) still
        # closes its segment files rather than leaving them to the garbage collector.
        with contextlib.suppress(Exception):
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
            # A whole new searcher, and the old one closed: Whoosh's refresh() would leave the
            # files of segments it does not reuse open until garbage collection.
            old, self._searcher = self._searcher, self._ix.searcher()
            old.close()
            return True

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

    def _tables(self) -> Tables:
        if self._tables_of is not self._searcher:
            self._tables_cache = Tables(self._searcher, self.index_dir)
            self._tables_of = self._searcher
        return self._tables_cache

    def _run(self, req: SearchRequest, q: Any, fq: Any) -> dict[str, Any]:
        s = self._searcher
        t = self._tables()
        deadline = time.monotonic() + settings().search_time_limit

        def check() -> None:
            if time.monotonic() > deadline:
                _too_slow()

        t.check = check
        excluded = None
        if isinstance(q, wq.AndNot):
            # NOT excludes whole documents, not just the sections that contain the word.
            excluded = np.zeros(len(t.doc_ids), dtype=bool)
            excluded[t.sec_doc[t.mask(q.b)]] = True
            q = q.a
        matched = t.mask(q)
        if fq is not None:
            matched &= t.filter_mask(repr(fq), fq)
        if excluded is not None:
            matched &= ~excluded[t.sec_doc]
        check()
        sections = np.flatnonzero(matched)
        docs = np.unique(t.sec_doc[sections])
        scores = t.scores(positive_leaves(q), matched)
        start = (req.page - 1) * req.limit
        if req.sort == "date":
            ranked = docs[np.argsort(t.doc_published[docs], kind="stable")[::-1]]
        else:
            best = np.zeros(len(t.doc_ids), dtype=np.float64)
            np.maximum.at(best, t.sec_doc[sections], scores[sections])
            ranked = docs[np.lexsort((docs, -best[docs]))]
        page_docs = ranked[start : start + req.limit]
        on_page = sections[np.isin(t.sec_doc[sections], page_docs)]
        on_page = on_page[np.lexsort((on_page, -scores[on_page]))]
        per_doc: dict[int, list[int]] = {int(d): [] for d in page_docs}
        for sec in on_page.tolist():
            group = per_doc[int(t.sec_doc[sec])]
            if len(group) < settings().sections_per_result:
                group.append(sec)
        terms = positive_terms(q)
        results = []
        for doc, docnums in per_doc.items():
            stored = [s.stored_fields(n) for n in docnums]
            item = _doc_summary(stored[0])
            item["id"] = t.doc_ids[doc]
            item["score"] = round(float(scores[docnums[0]]), 4)
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
        total = len(docs)
        return {
            "query": req.query,
            "total": total,
            "page": req.page,
            "pages": max(1, math.ceil(total / req.limit)),
            "limit": req.limit,
            "sort": req.sort,
            "results": results,
            "facets": t.facets(sections, docs),
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
            t = self._tables()
            matched = t.mask(q)
            scores = t.scores(positive_leaves(q), matched)
            sections = np.flatnonzero(matched)
            best = np.zeros(len(t.doc_ids), dtype=np.float64)
            np.maximum.at(best, t.sec_doc[sections], scores[sections])
            docs = np.unique(t.sec_doc[sections])
            out: dict[str, dict[str, Any]] = {}
            for doc in docs[np.lexsort((docs, -best[docs]))].tolist():
                did = t.doc_ids[doc]
                if did != doc_id:
                    out[did] = _doc_summary(s.stored_fields(int(t.doc_first[doc])))
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
