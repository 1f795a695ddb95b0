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

import math
from typing import Any

from whoosh import query as wq

from ...config import settings
from ...errors import ClusterError, GongkaiError, QueryError
from ...index.highlight import snippet
from ...index.query import filters_query, parse_query, positive_terms
from ...index.request import SearchRequest
from ...index.search import _doc_summary, _too_slow
from ...models import Document
from .client import OpenSearchConfig, call, check_health, connect, index_meta
from .mapping import SECTION_PATH, STORED, check_meta, section_stored, source_document, summary_fields
from .query import section_dsl
from .slots import slots

_SUMMARY_SOURCE = [k for k in STORED if k != "meta"]
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
                     "read the index statistics")
        p = stats.get("_all", {}).get("primaries", {})
        ix = p.get("indexing", {})
        return (int(ix.get("index_total", 0)), int(ix.get("delete_total", 0)), int(p.get("docs", {}).get("count", 0)))

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> OpenSearchSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _search(self, body: dict[str, Any], what: str = "search") -> dict[str, Any]:
        limit = settings().search_time_limit
        resp: dict[str, Any] = call(self.config, lambda: self.client.search(
            index=self.config.index, body=body, allow_partial_search_results=False,
            request_timeout=limit + 5, params={"timeout": f"{int(limit * 1000)}ms"}), what)
        if resp.get("timed_out"):
            _too_slow()
        shards = resp.get("_shards") or {}
        if shards.get("failed"):
            raise ClusterError(f"the OpenSearch index {self.config.where} answered from only "
                               f"{shards.get('successful')} of {shards.get('total')} shards; start the stopped "
                               f"nodes and search again")
        return resp

    # -- search ------------------------------------------------------------------------------------
    def search(self, req: SearchRequest) -> dict[str, Any]:
        req.validate()
        q = parse_query(req.query)
        fq = filters_query(req)
        if q is None:
            if fq is None:
                raise QueryError("the query is empty: type words to search for, or filter by year, section, agency or type")
            q = wq.Every()
        negative = None
        if isinstance(q, wq.AndNot):
            negative, q = q.b, q.a
        sections: dict[str, Any] = {"bool": {"must": [section_dsl(q)],
                                             "filter": [section_dsl(fq)] if fq is not None else []}}
        per_doc = settings().sections_per_result
        query: dict[str, Any] = {"bool": {"must": [{"nested": {
            "path": SECTION_PATH, "query": sections, "score_mode": "max",
            "inner_hits": {"size": per_doc, "sort": [{"_score": "desc"}, {f"{SECTION_PATH}.ord": "asc"}],
                           "track_scores": True}}}]}}
        if negative is not None:
            query["bool"]["must_not"] = [{"nested": {"path": SECTION_PATH, "query": section_dsl(negative),
                                                     "score_mode": "none"}}]
        order = ([{"published": {"order": "desc", "missing": "_last"}}] if req.sort == "date"
                 else [{"_score": "desc"}])
        body = {
            "query": query,
            "from": (req.page - 1) * req.limit,
            "size": req.limit,
            "track_total_hits": True,
            "sort": [*order, {"doc_id": "asc"}],
            "track_scores": True,
            "_source": _SUMMARY_SOURCE,
            "aggs": _facet_aggs(sections),
        }
        resp = self._search(body)
        terms = positive_terms(q)
        results = []
        for hit in resp["hits"]["hits"]:
            item = _doc_summary(summary_fields(hit["_source"]))
            item["score"] = round(float(hit.get("_score") or 0.0), 4)
            inner = hit.get("inner_hits", {}).get(SECTION_PATH, {}).get("hits", {}).get("hits", [])
            stored = [section_stored(h["_source"]) for h in inner]
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
        total = int(resp["hits"]["total"]["value"])
        return {
            "query": req.query,
            "total": total,
            "page": req.page,
            "pages": max(1, math.ceil(total / req.limit)),
            "limit": req.limit,
            "sort": req.sort,
            "results": results,
            "facets": _facets(resp.get("aggregations") or {}),
        }

    # -- documents -----------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        found = call(self.config, lambda: self.client.get(index=self.config.index, id=doc_id, ignore=[404]),
                     "read a document")
        if not found or not found.get("found"):
            raise GongkaiError(f"no document with id {doc_id!r} in {self.config.where}")
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
        body = {"query": {"bool": {"must": [{"nested": {"path": SECTION_PATH, "query": mlt, "score_mode": "max"}}],
                                   "must_not": [{"ids": {"values": [doc_id]}}]}},
                "size": limit, "sort": [{"_score": "desc"}, {"doc_id": "asc"}], "_source": _SUMMARY_SOURCE}
        return [_doc_summary(summary_fields(h["_source"])) for h in self._search(body, "find similar documents")
                ["hits"]["hits"]]

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
            hits = self._search(body, "list documents")["hits"]["hits"]
            out.extend(h["_source"] for h in hits)
            if len(hits) < page:
                return out
            after = hits[-1]["sort"]

    def count(self) -> tuple[int, int]:
        """(documents, sections) in the index."""
        resp = self._search({"size": 0, "track_total_hits": True,
                             "aggs": {"s": {"nested": {"path": SECTION_PATH}}}}, "count documents")
        return int(resp["hits"]["total"]["value"]), int(resp["aggregations"]["s"]["doc_count"])


def _facet_aggs(sections: dict[str, Any]) -> dict[str, Any]:
    return {
        "year": {"terms": {"field": "year", "size": FACET_SIZES["year"]}},
        "type": {"terms": {"field": "type", "size": FACET_SIZES["type"]}},
        "agency": {"terms": {"field": "agency", "size": FACET_SIZES["agency"]}},
        "sections": {"nested": {"path": SECTION_PATH}, "aggs": {"hit": {"filter": sections, "aggs": {"key": {
            "terms": {"field": f"{SECTION_PATH}.section", "size": FACET_SIZES["section"]},
            "aggs": {"docs": {"reverse_nested": {}}}}}}}},
    }


def _facets(aggs: dict[str, Any]) -> dict[str, dict[str, int]]:
    def count(buckets: list[dict[str, Any]], value: str = "doc_count") -> dict[str, int]:
        pairs = [(str(b["key"]), int(b[value] if value == "doc_count" else b[value]["doc_count"])) for b in buckets]
        pairs.sort(key=lambda p: -p[1])
        return dict(pairs)

    years = count([b for b in aggs.get("year", {}).get("buckets", []) if int(b["key"]) > 0])
    section = aggs.get("sections", {}).get("hit", {}).get("key", {}).get("buckets", [])
    return {
        "year": dict(sorted(years.items(), reverse=True)),
        "section": count(section, "docs"),
        "type": count(aggs.get("type", {}).get("buckets", [])),
        "agency": count(aggs.get("agency", {}).get("buckets", [])),
    }
