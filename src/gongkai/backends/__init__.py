"""Search backends: the embedded Whoosh index (the default) and an OpenSearch cluster, behind one API.

The CLI, the web app, the statistics and the crawler's sync open indexes only through here:

    open_searcher(index_dir)   a handle: search, document, similar, agency_documents, refresh, close
    open_writer(index_dir)     an indexer: upsert, delete, stored_meta, commit (a context manager)
    stored_documents(handle, doc_type)   stored fields of whole documents (the statistics read them)
    index_identity(index_dir), index_info(index_dir), search(...), get_document(...)

Which backend serves an index folder is its configuration (``backend.py``): ``gongkai.json`` in
the folder (``gongkai init --backend opensearch --url …``, ``gongkai migrate --to opensearch``), or
``GONGKAI_BACKEND`` / ``GONGKAI_OPENSEARCH_URL`` in the environment. Nothing outside this package
knows which one runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..index.request import SearchRequest
from .backend import OPENSEARCH, WHOOSH, BackendConfig, backend_config

__all__ = [
    "OPENSEARCH", "WHOOSH", "BackendConfig", "backend_config", "get_document", "index_identity", "index_info",
    "open_searcher", "open_writer", "search", "stored_documents",
]


def open_searcher(index_dir: Path | str, one_search: bool = False) -> Any:
    """The index's searcher; ``one_search`` for a process that makes one search and ends (Whoosh's
    searcher then reads no more than that search needs; OpenSearch's is the same either way)."""
    config = backend_config(Path(index_dir))
    if config.kind == OPENSEARCH:
        from .opensearch import OpenSearchSearcher

        return OpenSearchSearcher(config.opensearch_config())
    from ..index import open_searcher as open_whoosh

    return open_whoosh(index_dir, one_search)


def open_writer(index_dir: Path | str, **options: Any) -> Any:
    """The index's writer; ``options`` (such as ``batch``) go to it, each writer keeps its own defaults."""
    config = backend_config(Path(index_dir))
    if config.kind == OPENSEARCH:
        from .opensearch import OpenSearchIndexer

        return OpenSearchIndexer(config.opensearch_config(), **options)
    from ..index import Indexer

    return Indexer(index_dir, **options)


def search(index_dir: Path | str, req: SearchRequest) -> dict[str, Any]:
    with open_searcher(index_dir) as h:
        return h.search(req)  # type: ignore[no-any-return]


def get_document(index_dir: Path | str, doc_id: str) -> Any:
    with open_searcher(index_dir) as h:
        return h.document(doc_id)


def stored_documents(handle: Any, doc_type: str | None = None) -> list[dict[str, Any]]:
    """Every document's stored fields (those of its first section; ``meta`` as JSON), or those of one type."""
    if hasattr(handle, "stored_documents"):
        return handle.stored_documents(doc_type)  # type: ignore[no-any-return]
    with handle._lock:  # the Whoosh handle: its stored fields directly
        rows = handle._searcher.documents(type=doc_type) if doc_type else handle._searcher.all_stored_fields()
        return [dict(f) for f in rows if f.get("ord") == 0]


def index_identity(index_dir: Path | str) -> str | None:
    """What tells this index from one rebuilt later in its place (None: there is no index)."""
    config = backend_config(Path(index_dir))
    if config.kind == OPENSEARCH:
        return config.identity(Path(index_dir))
    from ..index import index_identity as whoosh_identity

    return whoosh_identity(Path(index_dir))


def index_info(index_dir: Path | str) -> dict[str, Any]:
    """What an index holds and which analyzer built it (``gongkai info``)."""
    path = Path(index_dir)
    config = backend_config(path)
    if config.kind == OPENSEARCH:
        from .opensearch.client import check_health, index_meta

        with open_searcher(path) as h:
            docs, sections = h.count()
            health = check_health(h.config, h.client)
            meta = index_meta(h.config, h.client).get("gongkai", {})
        os_config = config.opensearch_config()
        return {"index": str(path), "backend": OPENSEARCH, "url": ",".join(os_config.urls), "name": os_config.index,
                "documents": docs, "sections": sections, "status": health.get("status"),
                "nodes": health.get("number_of_nodes"), "shards": health.get("active_primary_shards"), **meta}
    from ..index import open_index, read_meta

    ix = open_index(path)
    with ix.searcher() as s:
        docs = sum(1 for f in s.all_stored_fields() if f.get("ord") == 0)
        return {"index": str(path), "backend": WHOOSH, "documents": docs, "sections": s.doc_count(), **read_meta(path)}
