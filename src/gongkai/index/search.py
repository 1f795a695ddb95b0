"""Searching: documents matched, ranked by their best sections' BM25F, with filters, facets, snippets.

``search(index_dir, SearchRequest(...))`` returns the JSON shape documented in the README
(``gongkai search --json`` and ``/api/search`` print it as is); ``export`` yields every result as
a record (``gongkai search --all``, the web's CSV). A ``SearcherHandle`` keeps an index open for
many searches (the web server) and picks up new commits on ``refresh()``.

Ranking: by relevance, documents carrying a 文号/索引号 of the query first, then by the score of
their best-matching section (so words that meet in one section rank above words spread over the
document); newest and oldest by publish date, documents without one last. An empty query lists
every document passing the filters, newest first.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from whoosh import query as wq

from ..config import settings
from ..errors import QueryError, UnknownDocumentError
from ..i18n import _
from ..models import Attachment, Document, Section, Table
from .highlight import snippet
from .memory import keep_freed_memory
from .query import agency_query, parse_query, positive_leaves, positive_terms, status_query
from .request import SearchRequest
from .schema import open_index
from .tables import Tables

_EXPORT_CHUNK = 500  # documents read per turn of an export (the lock is released between turns)


@dataclass
class _Ranked:
    """A search evaluated: its documents in result order, and where each matched."""

    tables: Tables
    query: Any  # the parsed query, prefixes expanded
    matched: np.ndarray  # document numbers, ascending
    late: np.ndarray  # per matched document: True for those ranked after all others (see ``first_positions``)
    key: np.ndarray  # per matched document: ascending in result order among the early, and among the late
    hits: np.ndarray  # section mask: sections of those documents where the query's words are
    scores: np.ndarray  # BM25F per section (0 outside hits)
    facets: Callable[[], dict[str, dict[str, int]]]

    @property
    def total(self) -> int:
        return len(self.matched)

    def first(self, n: int | None = None) -> np.ndarray:
        """The first ``n`` documents in result order (every one when None)."""
        return self.matched[first_positions(self.late, self.key, n)]

    def page(self, page: int, limit: int) -> np.ndarray:
        """The documents of page ``page`` (from 1) of ``limit`` documents each."""
        return self.first(page * limit)[(page - 1) * limit :]

    def sections(self, docs: np.ndarray, per_doc: int) -> list[list[int]]:
        """For each of ``docs``, its best ``per_doc`` hit sections, highest score first."""
        t = self.tables
        where = np.full(t.ndocs, -1, dtype=np.int64)
        where[docs] = np.arange(len(docs))
        secs = np.flatnonzero(self.hits & (where >= 0)[t.sec_doc])  # (a page's documents: a byte per section)
        secs = secs[np.lexsort((secs, -self.scores[secs], where[t.sec_doc[secs]]))]
        out: list[list[int]] = [[] for _ in range(len(docs))]
        for sec, pos in zip(secs.tolist(), where[t.sec_doc[secs]].tolist(), strict=True):
            if len(out[pos]) < per_doc:
                out[pos].append(sec)
        for pos, doc in enumerate(docs.tolist()):
            if not out[pos]:  # matched only through an OR NOT: show where the document starts
                out[pos].append(int(t.doc_first[doc]))
        return out


def first_positions(late: np.ndarray, key: np.ndarray, n: int | None = None) -> np.ndarray:
    """The first ``n`` of the positions 0 … m-1 ordered by (``late``, ``key``, position), as
    ``np.lexsort`` orders them (all of them when ``n`` is None).

    A page of results needs its first 10 or 20 documents of perhaps half a million: sorting them all
    costs 15 ms at a million sections. For a few, the ``n``-th smallest key is found by partition
    (linear), and only the positions holding a key up to it (ties all kept, so the order is exact)
    are sorted."""
    m = len(key)
    if n is None or n * 8 >= m:
        return np.lexsort((np.arange(m), key, late))[:n]
    if n <= 0:
        return np.zeros(0, dtype=np.intp)
    early = np.flatnonzero(~late)
    if len(early) >= n:
        pool, k, head = early, n, np.zeros(0, dtype=np.intp)
    else:
        pool, k, head = np.flatnonzero(late), n - len(early), early
    values = key[pool]
    cut = np.partition(values, k - 1)[k - 1]
    candidates = np.concatenate([head, pool[values <= cut]])
    return candidates[np.lexsort((candidates, key[candidates], late[candidates]))][:n]


class _Releasing(Iterator[dict[str, Any]]):
    """An export's rows; ``release`` runs once, when they are exhausted, closed or dropped."""

    def __init__(self, rows: Iterator[dict[str, Any]], release: Callable[[], None]) -> None:
        self._rows = rows
        self._release: Callable[[], None] | None = release

    def __next__(self) -> dict[str, Any]:
        try:
            return next(self._rows)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __del__(self) -> None:
        self.close()


def _doc_filter(t: Tables, req: SearchRequest) -> np.ndarray | None:
    """Documents passing the request's document filters (year, publish date, type, agency)."""
    parts: list[np.ndarray] = []
    if req.years:
        parts.append(t.year_docs(*req.years))
    if req.published:
        parts.append(t.published_docs(*req.published))
    if req.doc_type:
        parts.append(t.type_docs(req.doc_type))
    if req.agency and req.agency.strip():
        q = agency_query(req.agency)
        parts.append(t.docs_of(t.filter_mask(repr(q), q)))
    if req.status != "all" or req.ids is not None:
        q = status_query(req)
        parts.append(t.docs_of(t.filter_mask(repr(q), q)))
    if not parts:
        return None
    m = parts[0].copy()
    for p in parts[1:]:
        m &= p
    return m


# `similar`: the share of a document's score against its own key terms that a candidate must reach.
SIMILAR_SAME_TYPE = 0.25
SIMILAR_OTHER_TYPE = 0.6


def _doc_summary(fields: dict[str, Any]) -> dict[str, Any]:
    """A document as every listing shows it (search results, exports, feeds): see RECORD_FIELDS."""
    return {
        "id": fields.get("doc_id", ""),
        "url": fields.get("url", ""),
        "title": fields.get("title", ""),
        "agency": fields.get("agency", ""),
        "type": fields.get("type", "other"),
        "year": fields.get("year"),
        "published": fields.get("published") or None,
        "index_no": fields.get("index_no", ""),
        "doc_no": fields.get("doc_no", ""),
        "status": fields.get("status") or "current",
        "withdrawn": fields.get("withdrawn") or None,
    }


def _section_summary(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": fields.get("number", ""),
        "heading": (fields.get("heading") or "").split("\n")[0],
        "key": fields.get("section", "other"),
    }


def _too_slow() -> NoReturn:
    raise QueryError(
        _("the query took longer than {search_time_limit:g} s and was stopped: make it more specific (more words, a phrase, or a filter)").format(search_time_limit=settings().search_time_limit)
    )


class SearcherHandle:
    """An open index for many searches; thread-safe; ``refresh()`` sees new commits."""

    def __init__(self, index_dir: Path | str, one_search: bool = False) -> None:
        """``one_search``: for a process that makes one search and ends (the command line), which then
        does not ask the kernel for every segment's term dictionary (``postread.prefetch_dictionaries``:
        worth it over many searches, 176 MB at a million sections where one search needs a few pages)."""
        keep_freed_memory()  # a search's large arrays come back from the heap, not as new pages (index/memory.py)
        self.index_dir = Path(index_dir)
        self._one_search = one_search
        self._ix = open_index(self.index_dir)
        self._searcher = self._ix.searcher()
        self._lock = threading.RLock()
        self._tables_of: Any = None
        self._tables_cache: Any = None
        # Searchers an export is still reading (id -> count), and replaced ones to close after it.
        self._pins: dict[int, int] = {}
        self._retired: list[Any] = []

    def close(self) -> None:
        with self._lock:
            self._searcher.close()
            for old in self._retired:
                old.close()
            self._retired.clear()

    def __del__(self) -> None:
        # A handle dropped without close() (a web app torn down, a one-shot command) still
        # closes its segment files rather than leaving them to the garbage collector.
        with contextlib.suppress(Exception):
            self.close()

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
            # files of segments it does not reuse open until garbage collection. An export still
            # reading the old one closes it when it ends.
            old, self._searcher = self._searcher, self._ix.searcher()
            if self._pins.get(id(old)):
                self._retired.append(old)
            else:
                old.close()
            return True

    # -- search ------------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> dict[str, Any]:
        """One page of results as the JSON shape of the README."""
        req.validate()
        q = parse_query(req.query)
        with self._lock:
            ranked = self._rank(req, q)
            s = self._searcher
            t = ranked.tables
            page_docs = ranked.page(req.page, req.limit)
            terms = positive_terms(ranked.query)
            results = []
            for doc, docnums in zip(page_docs.tolist(), ranked.sections(page_docs, settings().sections_per_result),
                                    strict=True):
                stored = [s.stored_fields(n) for n in docnums]
                item = _doc_summary(stored[0])
                item["id"] = t.doc_ids[doc]
                item["score"] = round(float(ranked.scores[docnums[0]]), 4)
                item["sections"] = [
                    {**_section_summary(f), "snippet": snippet(f.get("body") or f.get("heading") or "", terms)}
                    for f in stored
                ]
                results.append(item)
            facets = ranked.facets()
        return result_page(req, ranked.total, results, facets)

    def export(self, req: SearchRequest, every: bool = True, max_rows: int | None = None
               ) -> Iterator[dict[str, Any]]:
        """Results as records, one per document in result order (``RECORD_FIELDS``, with the best
        sections' number, heading and key): every result (at most ``max_rows``), or the request's
        page when not ``every``.

        The search runs now (a bad query raises here, before anything is written); the rows are
        read as the iterator is consumed, in chunks, so a large export does not hold the index
        from other searches. The searcher it started on stays open until the iterator ends, even
        when a new commit arrives meanwhile."""
        req.validate()
        q = parse_query(req.query)
        with self._lock:
            ranked = self._rank(req, q)
            s = self._searcher
            self._pins[id(s)] = self._pins.get(id(s), 0) + 1
        docs = ranked.first(max_rows) if every else ranked.page(req.page, req.limit)
        rows = self._records(ranked, s, docs)
        return _Releasing(rows, lambda: self._unpin(s))

    def _records(self, ranked: _Ranked, s: Any, docs: np.ndarray) -> Iterator[dict[str, Any]]:
        for start in range(0, len(docs), _EXPORT_CHUNK):
            chunk = docs[start : start + _EXPORT_CHUNK]
            with self._lock:
                rows = []
                for doc, docnums in zip(chunk.tolist(), ranked.sections(chunk, settings().sections_per_result),
                                        strict=True):
                    stored = [s.stored_fields(n) for n in docnums]
                    row = _doc_summary(stored[0])
                    row["id"] = ranked.tables.doc_ids[doc]
                    row["sections"] = [_section_summary(f) for f in stored]
                    rows.append(row)
            yield from rows

    def _unpin(self, s: Any) -> None:
        with self._lock:
            self._pins[id(s)] -= 1
            if not self._pins[id(s)]:
                del self._pins[id(s)]
                if s in self._retired:
                    self._retired.remove(s)
                    s.close()

    def _tables(self) -> Tables:
        if self._tables_of is not self._searcher:
            self._tables_cache = Tables(self._searcher, self.index_dir, prefetch=not self._one_search)
            self._tables_of = self._searcher
        return self._tables_cache

    def _rank(self, req: SearchRequest, q: Any) -> _Ranked:
        """Evaluate ``q`` with the request's scope and filters and order the documents."""
        t = self._tables()
        deadline = time.monotonic() + settings().search_time_limit

        def check() -> None:
            if time.monotonic() > deadline:
                _too_slow()

        t.check = check
        q = wq.Every() if q is None else t.expand(q)
        within = None
        if req.section:
            key = wq.Term("section", req.section)
            within = t.filter_mask(repr(key), key)
        leaves = positive_leaves(q)
        t.prefetch(leaves)
        docs, hits = t.match(q, req.within, within)
        doc_filter = _doc_filter(t, req)
        if doc_filter is not None:
            docs &= doc_filter
            hits &= docs[t.sec_doc]
        check()
        scores = t.scores(leaves, hits)
        matched = np.flatnonzero(docs)
        if req.sort == "relevance":
            best = t.best_per_doc(hits, scores)
            # documents carrying a 文号 or 索引号 of the query come first, whatever their text scores
            exact = wq.Or([wq.Term(f, v) for f, v in leaves if f in ("doc_no", "index_no")])
            late = ~t.docs_of(t.mask(exact))[matched] if exact.subqueries else np.zeros(len(matched), dtype=bool)
            key = -best[matched]
        else:
            # documents without a publish date last, in either direction
            dates = t.doc_date[matched]
            late, key = dates < 0, -dates if req.sort == "newest" else dates
        return _Ranked(t, q, matched, late, key, hits, scores, lambda: t.facets(hits, matched))

    # -- documents ---------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        with self._lock:
            sections = sorted(self._searcher.documents(doc_id=doc_id), key=lambda f: f.get("ord", 0))
        if not sections:
            raise UnknownDocumentError(_("no document with id {id!r} in {path}: check the id that "
                                         "`gongkai search` shows.").format(id=doc_id, path=self.index_dir))
        return stored_document(doc_id, sections)

    def similar(self, doc_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """Documents sharing the most distinctive words with ``doc_id`` (Whoosh more-like-this), of its
        own type first (its agency's a little ahead), and none rather than unrelated ones.

        Every disclosure document shares words such as 政府信息公开 with every other, so a score alone
        always finds "similar" documents. A candidate must score a share of what the document scores
        against its own key terms: `SIMILAR_SAME_TYPE` of it for a document of the same type,
        `SIMILAR_OTHER_TYPE` (much closer) for one of another type — a notice about an open day is
        not like five annual reports that mention disclosure too."""
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
            best = t.best_per_doc(matched, scores)
            docs = np.flatnonzero(t.docs_of(matched))
            own = [d for d in docs.tolist() if t.doc_ids[d] == doc_id]
            top = float(best[own[0]]) if own else float(best[docs].max(initial=0.0))
            order = docs[np.lexsort((docs, -best[docs]))][: limit * 10].tolist()
            candidates = [(float(best[d]), _doc_summary(s.stored_fields(int(t.doc_first[d]))))
                          for d in order if t.doc_ids[d] != doc_id]
        return rank_similar(doc, top, candidates, limit)

    def agency_documents(self, agency: str, doc_type: str | None = None) -> list[dict[str, Any]]:
        """Every document of ``agency`` (exact name), oldest year first."""
        with self._lock:
            rows = [f for f in self._searcher.documents(agency=agency) if f.get("ord") == 0]
        docs = [_doc_summary(f) for f in rows if doc_type is None or f.get("type") == doc_type]
        docs.sort(key=lambda d: (d["year"] or 0, d["published"] or ""))
        return docs


def result_page(req: SearchRequest, total: int, results: list[dict[str, Any]],
                facets: dict[str, Any]) -> dict[str, Any]:
    """One page of a search's answer, as both backends give it (the web, the CLI and the API read it)."""
    return {
        "query": req.query,
        "within": req.within,
        "total": total,
        "page": req.page,
        "pages": max(1, math.ceil(total / req.limit)),
        "limit": req.limit,
        "sort": req.sort,
        "results": results,
        "facets": facets,
    }


def rank_similar(doc: Document, top: float, candidates: list[tuple[float, dict[str, Any]]],
                 limit: int) -> list[dict[str, Any]]:
    """The documents to show as like `doc`, from (score, summary) candidates of either backend's
    more-like-this, `top` being what `doc` scores against its own key terms: documents of its type first
    (its agency's a little ahead), others only when much closer, and none rather than unrelated ones
    (see `SearcherHandle.similar`)."""
    if top <= 0:
        return []
    ranked: list[tuple[bool, float, dict[str, Any]]] = []
    for score, summary in candidates:
        if summary["id"] == doc.id:
            continue
        same_type = summary["type"] == doc.doc_type
        if score < top * (SIMILAR_SAME_TYPE if same_type else SIMILAR_OTHER_TYPE):
            continue
        if same_type and doc.agency and summary["agency"] == doc.agency:
            score *= 1.25
        ranked.append((not same_type, -score, summary))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in ranked[:limit]]


def stored_document(doc_id: str, sections: list[dict[str, Any]]) -> Document:
    """A document from its sections' stored fields in order (doc-level fields and ``meta`` on the first);
    the OpenSearch backend rebuilds documents with it too."""
    first = sections[0]
    meta = json.loads(first.get("meta") or "{}")
    heads = [(f.get("heading") or "").split("\n") for f in sections]
    tables: dict[int, list[Table]] = {}
    for t in meta.get("tables") or []:  # indexes written before tables were kept have none
        tables.setdefault(int(t.get("section", 0)), []).append(Table.from_dict(t))
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
                    text=f.get("body", ""), subheadings=[x for x in h[1:] if x], tables=tables.get(i, []))
            for i, (f, h) in enumerate(zip(sections, heads, strict=True))
        ],
        attachments=[Attachment(**a) for a in meta.get("attachments", [])],
        content_hash=first.get("hash", ""),
        urls=meta.get("urls", []),
        figures=meta.get("figures"),
        provenance=meta.get("provenance") or {},
        withdrawn=first.get("withdrawn") or None,
    )


def open_searcher(index_dir: Path | str, one_search: bool = False) -> SearcherHandle:
    return SearcherHandle(index_dir, one_search)


def search(index_dir: Path | str, req: SearchRequest) -> dict[str, Any]:
    with SearcherHandle(index_dir, one_search=True) as h:
        return h.search(req)


def get_document(index_dir: Path | str, doc_id: str) -> Document:
    with SearcherHandle(index_dir, one_search=True) as h:
        return h.document(doc_id)


def similar_documents(index_dir: Path | str, doc_id: str, limit: int = 5) -> list[dict[str, Any]]:
    with SearcherHandle(index_dir) as h:
        return h.similar(doc_id, limit)


def agency_documents(index_dir: Path | str, agency: str, doc_type: str | None = None) -> list[dict[str, Any]]:
    with SearcherHandle(index_dir) as h:
        return h.agency_documents(agency, doc_type)
