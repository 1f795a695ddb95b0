"""Searching an OpenSearch index: the Whoosh backend's answers, computed by the cluster.

``OpenSearchSearcher`` has the methods of ``index.SearcherHandle`` (search, document, similar,
agency_documents, refresh, close) and returns the same shapes. A search is one request: the
parsed query over nested sections (``query.section_dsl``) with the request's filters, documents
ranked by their best section, a document-level ``must_not`` for ``NOT`` (which excludes whole
documents), the best sections of each document as ``inner_hits``, and the facets as aggregations
(documents per year, type and agency; documents per matching section key). Snippets come from
our own highlighter (``index.highlight``) over the stored section text, so they are the Whoosh
backend's snippets, character for character.

A search never returns partial answers: with a shard that has no running copy the cluster refuses
it (``allow_partial_search_results=false``) and the caller gets a ``ClusterError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import query as wq

from ...config import settings
from ...errors import ClusterError, UnknownDocumentError
from ...i18n import N_, _
from ...index.highlight import snippet
from ...index.query import agency_query, highlight_terms, parse_query, positive_leaves
from ...index.request import SearchRequest
from ...index.search import _doc_summary, _section_summary, _too_slow, rank_similar, result_page
from ...models import Document
from .client import OpenSearchConfig, call, check_health, connect, index_meta
from .mapping import SECTION_PATH, STORED, check_meta, section_stored, source_document, summary_fields
from .query import document_dsl, section_dsl
from .slots import slots

_SUMMARY_SOURCE = [k for k in STORED if k != "meta"]
SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}],
    "newest": [{"published": {"order": "desc", "missing": "_last"}}],  # undated documents last either way
    "oldest": [{"published": {"order": "asc", "missing": "_last"}}],
}
CARRIER_BOOST = 1e9  # above any text score: a 文号/索引号 match ranks first
EXPORT_PAGE = 500
FACET_SIZES = {"year": 1000, "type": 100, "agency": 10_000, "section": 100}


class OpenSearchSearcher:
    def __init__(self, config: OpenSearchConfig, client: Any = None) -> None:
        self.config = config
        self.client = client or connect(config)
        check_meta(index_meta(config, self.client), config.where)
        check_health(config, self.client)
        self._writes = self._write_count()

    # -- handle protocol (see index.SearcherHandle) --------------------------------------------------
    def refresh(self) -> bool:
        """Whether the index was written since the last call. Nothing needs reopening (the cluster shows
        every refreshed write to every search); callers key caches of derived pages on it."""
        now = self._write_count()
        changed, self._writes = now != self._writes, now
        return changed

    def _write_count(self) -> tuple[int, int, int]:
        stats = call(self.config, lambda: self.client.indices.stats(index=self.config.index, metric="indexing,docs"),
                     N_("read the index statistics"))
        p = stats.get("_all", {}).get("primaries", {})
        ix = p.get("indexing", {})
        return (int(ix.get("index_total", 0)), int(ix.get("delete_total", 0)), int(p.get("docs", {}).get("count", 0)))

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> OpenSearchSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _search(self, body: dict[str, Any], what: str = N_("search")) -> dict[str, Any]:
        limit = settings().search_time_limit
        resp: dict[str, Any] = call(self.config, lambda: self.client.search(
            index=self.config.index, body=body, allow_partial_search_results=False,
            request_timeout=limit + 5, params={"timeout": f"{int(limit * 1000)}ms"}), what, retry=True,
            retry_timeouts=False)
        if resp.get("timed_out"):
            _too_slow()
        shards = resp.get("_shards") or {}
        if shards.get("failed"):
            raise ClusterError(_("the OpenSearch index {where} answered from only {value} of {value2} shards; start the stopped nodes and search again").format(where=self.config.where, value=shards.get('successful'), value2=shards.get('total')))
        return resp

    # -- search ------------------------------------------------------------------------------------
    def _body(self, req: SearchRequest) -> tuple[dict[str, Any], Any]:
        """The search request for ``req`` (its documents ranked, their best sections as inner hits, the
        facets) and the parsed query."""
        req.validate()
        q = parse_query(req.query)
        within = section_dsl(wq.Term("section", req.section)) if req.section else None
        docs, hits = document_dsl(wq.Every() if q is None else q, req.within, within)
        filters = [docs, *_doc_filters(req)]
        found = _any([h for h, _ in hits])
        own = _any([o for _, o in hits if o is not None]) if any(o is not None for _, o in hits) else None
        # Scored by the best hit section (the Whoosh backend's ranking); matching is all filters. A
        # document shows the sections matched by their own text, else those matched through fields
        # every section carries (title, agency …): two carriers, each with its inner hits.
        should: list[dict[str, Any]] = [_carrier("found", found)]
        if own is not None:
            should.append(_carrier("own", own))
        exact = [(f, v) for f, v in positive_leaves(q) if f in ("doc_no", "index_no")]
        if exact:  # documents carrying a 文号 or 索引号 of the query come first, whatever their text scores
            should.append({"constant_score": {"boost": CARRIER_BOOST, "filter": {"nested": {
                "path": SECTION_PATH, "score_mode": "none", "query": {"bool": {"should": [
                    {"term": {f"{SECTION_PATH}.{f}": v}} for f, v in exact]}}}}}})
        order: list[dict[str, Any]] = SORTS[str(req.sort)]
        body: dict[str, Any] = {
            "query": {"bool": {"filter": filters, "should": should}},
            "track_total_hits": True,
            "sort": [*order, {"doc_id": "asc"}],
            "track_scores": True,
            "_source": _SUMMARY_SOURCE,
            "aggs": _facet_aggs(found, own),
        }
        return body, q

    def _rows(self, hits: list[dict[str, Any]], q: Any, snippets: bool) -> list[dict[str, Any]]:
        rows = []
        for hit in hits:
            item = _doc_summary(summary_fields(hit["_source"]))
            inner_hits = hit.get("inner_hits", {})
            inner = (inner_hits.get("own", {}).get("hits", {}).get("hits", [])
                     or inner_hits.get("found", {}).get("hits", {}).get("hits", []))
            stored = [section_stored(h["_source"]) for h in inner] or [self._first_section(item["id"])]
            if snippets:
                item["score"] = round(float(inner[0].get("_score") or 0.0) if inner else 0.0, 4)
            sections = []
            for f in stored:
                text = f.get("body") or f.get("heading") or ""
                row = _section_summary(f)
                if snippets:
                    row["snippet"] = snippet(text, highlight_terms(q, [text]))
                sections.append(row)
            item["sections"] = sections
            rows.append(item)
        return rows

    def _first_section(self, doc_id: str) -> dict[str, Any]:
        """A document matched only through an OR NOT has no hit section: it shows where it starts."""
        found = call(self.config, lambda: self.client.get(index=self.config.index, id=doc_id,
                                                          _source_includes=[f"{SECTION_PATH}.*"]), N_("read a document"))
        sections = sorted((section_stored(s) for s in found["_source"].get(SECTION_PATH) or []),
                          key=lambda f: f.get("ord", 0))
        return sections[0] if sections else {}

    def search(self, req: SearchRequest) -> dict[str, Any]:
        body, q = self._body(req)
        body.update({"from": (req.page - 1) * req.limit, "size": req.limit})
        resp = self._search(body)
        return result_page(req, int(resp["hits"]["total"]["value"]), self._rows(resp["hits"]["hits"], q, snippets=True),
                           _facets(resp.get("aggregations") or {}))

    def export(self, req: SearchRequest, every: bool = True, max_rows: int | None = None
               ) -> Iterator[dict[str, Any]]:
        """Results as records in result order (see ``index.SearcherHandle.export``): every result (at
        most ``max_rows``) read page by page with ``search_after``, or the request's page."""
        body, q = self._body(req)  # a bad query raises here, before anything is written
        body.pop("aggs")
        if not every:
            body.update({"from": (req.page - 1) * req.limit, "size": req.limit})
            rows = self._rows(self._search(body, N_("export results"))["hits"]["hits"], q, snippets=False)
            return iter(rows[:max_rows] if max_rows is not None else rows)
        return self._export_all(body, q, max_rows)

    def _export_all(self, body: dict[str, Any], q: Any, max_rows: int | None) -> Iterator[dict[str, Any]]:
        left = max_rows if max_rows is not None else -1
        body["size"] = EXPORT_PAGE
        while left != 0:
            hits = self._search(body, N_("export results"))["hits"]["hits"]
            for row in self._rows(hits, q, snippets=False):
                if left == 0:
                    return
                yield row
                left -= 1
            if len(hits) < EXPORT_PAGE:
                return
            body["search_after"] = hits[-1]["sort"]

    # -- documents -----------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        found = call(self.config, lambda: self.client.get(index=self.config.index, id=doc_id, ignore=[404]),
                     N_("read a document"))
        if not found or not found.get("found"):
            raise UnknownDocumentError(_("no document with id {id!r} in {path}: check the id that "
                                         "`gongkai search` shows.").format(id=doc_id, path=self.config.where))
        return source_document(found["_source"])

    def similar(self, doc_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """Documents sharing the most distinctive words with ``doc_id`` (OpenSearch's more-like-this
        over section bodies, ranked by the best section, as the Whoosh backend ranks its own)."""
        doc = self.document(doc_id)
        like = slots("\n".join([doc.title, doc.text])[:20000])
        if not like:
            return []
        mlt = {"more_like_this": {"fields": [f"{SECTION_PATH}.body"], "like": like, "min_term_freq": 1,
                                  "min_doc_freq": 1, "max_query_terms": 20, "min_word_length": 2,
                                  "minimum_should_match": 1}}
        # The document itself is searched too: its own score is the measure of "close" (rank_similar).
        body = {"query": {"nested": {"path": SECTION_PATH, "query": mlt, "score_mode": "max"}},
                "size": limit * 10 + 1, "sort": [{"_score": "desc"}, {"doc_id": "asc"}], "_source": _SUMMARY_SOURCE,
                "track_scores": True}
        hits = self._search(body, N_("find similar documents"))["hits"]["hits"]
        scored = [(float(h["_score"] or 0.0), _doc_summary(summary_fields(h["_source"]))) for h in hits]
        own = [score for score, summary in scored if summary["id"] == doc_id]
        top = own[0] if own else max((score for score, _ in scored), default=0.0)
        return rank_similar(doc, top, scored, limit)

    def agency_documents(self, agency: str, doc_type: str | None = None) -> list[dict[str, Any]]:
        """Every document of ``agency`` (exact name), oldest year first."""
        filters: list[dict[str, Any]] = [{"term": {"agency": agency}}]
        if doc_type is not None:
            filters.append({"term": {"type": doc_type}})
        docs = [_doc_summary(summary_fields(src)) for src in self.scan({"bool": {"filter": filters}}, _SUMMARY_SOURCE)]
        docs.sort(key=lambda d: (d["year"] or 0, d["published"] or ""))
        return docs

    def stored_documents(self, doc_type: str | None = None) -> list[dict[str, Any]]:
        """The stored fields (as the Whoosh backend keeps them on a document's first section, ``meta``
        as JSON) of every document, or of every document of one type."""
        import json

        query: dict[str, Any] = {"term": {"type": doc_type}} if doc_type else {"match_all": {}}
        out = []
        for src in self.scan(query, list(STORED)):
            fields = summary_fields(src)
            fields["ord"] = 0
            meta = src.get("meta") or "{}"
            fields["meta"] = meta if isinstance(meta, str) else json.dumps(meta, ensure_ascii=False)
            out.append(fields)
        return out

    def scan(self, query: dict[str, Any], source: list[str], page: int = 1000) -> list[dict[str, Any]]:
        """Every matching document's _source, in doc_id order (search_after: no result window limit)."""
        out: list[dict[str, Any]] = []
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"query": query, "size": page, "sort": [{"doc_id": "asc"}], "_source": source}
            if after is not None:
                body["search_after"] = after
            hits = self._search(body, N_("list documents"))["hits"]["hits"]
            out.extend(h["_source"] for h in hits)
            if len(hits) < page:
                return out
            after = hits[-1]["sort"]

    def count(self) -> tuple[int, int]:
        """(documents, sections) in the index."""
        resp = self._search({"size": 0, "track_total_hits": True,
                             "aggs": {"s": {"nested": {"path": SECTION_PATH}}}}, N_("count documents"))
        return int(resp["hits"]["total"]["value"]), int(resp["aggregations"]["s"]["doc_count"])


def _doc_filters(req: SearchRequest) -> list[dict[str, Any]]:
    """The request's document filters: year, publish date, type, agency, status, ids (as ``index.search._doc_filter``)."""
    out: list[dict[str, Any]] = []
    if req.years:
        lo, hi = req.years
        out.append({"range": {"year": {k: v for k, v in (("gte", lo), ("lte", hi)) if v is not None}}})
    if req.published:
        lo_d, hi_d = req.published
        out.append({"range": {"published": {k: v for k, v in (("gte", lo_d), ("lte", hi_d)) if v is not None}}})
    if req.doc_type:
        out.append({"term": {"type": req.doc_type}})
    if req.agency and req.agency.strip():
        out.append({"nested": {"path": SECTION_PATH, "score_mode": "none", "query": section_dsl(agency_query(req.agency))}})
    if req.status != "all":
        out.append({"term": {"status": req.status}})
    if req.ids is not None:
        out.append({"terms": {"doc_id": list(req.ids)}})  # an empty list matches nothing
    return out


def _any(queries: list[dict[str, Any]]) -> dict[str, Any]:
    if not queries:
        return {"match_none": {}}
    return queries[0] if len(queries) == 1 else {"bool": {"should": queries, "minimum_should_match": 1}}


def _carrier(name: str, sections: dict[str, Any]) -> dict[str, Any]:
    """A nested clause that scores a document by its best section among ``sections`` and returns the
    best ``sections_per_result`` of them as inner hits named ``name``."""
    return {"nested": {"path": SECTION_PATH, "query": sections, "score_mode": "max", "inner_hits": {
        "name": name, "size": settings().sections_per_result,
        "_source": [f"{SECTION_PATH}.{k}" for k in ("ord", "section", "raw")],
        "sort": [{"_score": "desc"}, {f"{SECTION_PATH}.ord": "asc"}], "track_scores": True}}}


def _section_keys(sections: dict[str, Any]) -> dict[str, Any]:
    return {"nested": {"path": SECTION_PATH}, "aggs": {"hit": {"filter": sections, "aggs": {"key": {
        "terms": {"field": f"{SECTION_PATH}.section", "size": FACET_SIZES["section"]},
        "aggs": {"docs": {"reverse_nested": {}}}}}}}}


def _facet_aggs(found: dict[str, Any], own: dict[str, Any] | None) -> dict[str, Any]:
    """Documents per year, type and agency; per section key, documents whose shown sections have it
    (their own-text hits, or for documents without one, their other hits)."""
    aggs: dict[str, Any] = {
        "year": {"terms": {"field": "year", "size": FACET_SIZES["year"]}},
        "type": {"terms": {"field": "type", "size": FACET_SIZES["type"]}},
        "agency": {"terms": {"field": "agency", "size": FACET_SIZES["agency"]}},
    }
    if own is None:
        aggs["sections"] = _section_keys(found)
        return aggs
    has_own = {"nested": {"path": SECTION_PATH, "query": own, "score_mode": "none"}}
    aggs["own"] = {"filter": has_own, "aggs": {"sections": _section_keys(own)}}
    aggs["found"] = {"filter": {"bool": {"must_not": [has_own]}}, "aggs": {"sections": _section_keys(found)}}
    return aggs


def _facets(aggs: dict[str, Any]) -> dict[str, dict[str, int]]:
    def count(buckets: list[dict[str, Any]], value: str = "doc_count") -> dict[str, int]:
        pairs = [(str(b["key"]), int(b[value] if value == "doc_count" else b[value]["doc_count"])) for b in buckets]
        pairs.sort(key=lambda p: -p[1])
        return dict(pairs)

    years = count([b for b in aggs.get("year", {}).get("buckets", []) if int(b["key"]) > 0])
    per_key: dict[str, int] = {}
    for part in (aggs, aggs.get("own", {}), aggs.get("found", {})):
        for b in part.get("sections", {}).get("hit", {}).get("key", {}).get("buckets", []):
            per_key[str(b["key"])] = per_key.get(str(b["key"]), 0) + int(b["docs"]["doc_count"])
    section = [{"key": k, "docs": {"doc_count": v}} for k, v in per_key.items()]
    return {
        "year": dict(sorted(years.items(), reverse=True)),
        "section": count(section, "docs"),
        "type": count(aggs.get("type", {}).get("buckets", [])),
        "agency": count(aggs.get("agency", {}).get("buckets", [])),
    }
