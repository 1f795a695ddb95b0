"""Small helpers shared by the crawler tests (not fixtures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gongkai.crawler.state import StateStore
from gongkai.index import SearchRequest, open_index, search


def index_docs(index_dir: Path) -> dict[str, dict[str, Any]]:
    """doc_id -> stored fields of the first section, read straight from the Whoosh index."""
    ix = open_index(Path(index_dir))
    with ix.searcher() as s:
        return {f["doc_id"]: dict(f) for f in s.all_stored_fields() if f.get("ord") == 0}


def store_docs(state_dir: Path) -> dict[str, tuple[str, str, list[str]]]:
    """doc_id -> (primary url, content hash, other urls), from the crawl store."""
    with StateStore(state_dir) as st:
        out = {}
        for doc_id in st.document_ids():
            d = st.document(doc_id)
            assert d is not None
            out[doc_id] = (d.url, d.content_hash, sorted(d.urls))
        return out


def hits(index_dir: Path, query: str) -> list[dict[str, Any]]:
    return list(search(index_dir, SearchRequest(query=query, limit=50))["results"])
