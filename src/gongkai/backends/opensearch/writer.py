"""Writing documents into an OpenSearch index: ``OpenSearchIndexer``, the ``index.Indexer`` of this backend.

The same contract as the Whoosh ``Indexer``: ``upsert`` (a document whose content hash is unchanged
is skipped), ``delete``, ``commit`` every ``batch`` documents and on a clean exit of the ``with``
block, nothing written when the block raises. A commit is one or more bulk requests followed by a
refresh, so what a commit wrote is visible to every search when it returns.

What differs, and why it is safe: a bulk request is atomic per document, not per commit. Each
gongkai document is one OpenSearch document (its sections nested), so a document is always whole;
a commit that fails half-way may have written some of its documents. Every caller repeats work
that did not complete (the crawler marks pages done only after the commit, `gongkai index` skips
only files whose stored hash matches), so the next run completes it.

Bulk writes back off and retry when the cluster is busy (429: up to ``RETRIES`` times, doubling
from ``BACKOFF`` seconds); a connection error goes to the next node. A document the cluster
refuses (a mapping error) is a ``StorageError`` naming it.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any, Literal

from ...errors import StorageError
from ...i18n import N_, _
from ...index.writer import document_meta, is_unchanged
from ...models import Document
from .client import OpenSearchConfig, call, check_health, connect, index_meta
from .mapping import check_meta, index_body, to_source

Status = Literal["new", "updated", "unchanged"]
RETRIES = 6
BACKOFF = 1
CHUNK_BYTES = 20 * 1024 * 1024  # per bulk request


def ensure_index(config: OpenSearchConfig, client: Any) -> None:
    """Create the index when it does not exist; refuse one built by another analyzer version."""
    exists = call(config, lambda: client.indices.exists(index=config.index), N_("look for the index"))
    if not exists:
        call(config, lambda: client.indices.create(index=config.index,
                                                   body=index_body(config.shards, config.replicas),
                                                   params={"wait_for_active_shards": "1"}), N_("create the index"))
    else:
        check_meta(index_meta(config, client), config.where)
    check_health(config, client)


class OpenSearchIndexer:
    """``with OpenSearchIndexer(config) as ix: ix.upsert(doc)`` — see the module docstring."""

    def __init__(self, config: OpenSearchConfig, batch: int = 500, refresh: bool = True,
                 lock_timeout: float | None = None, on_wait: Any = None) -> None:
        # lock_timeout and on_wait belong to the Whoosh writer's signature: an OpenSearch index has no
        # index-wide write lock (two writers interleave whole documents), so there is nothing to wait for.
        self.config = config
        self.batch = batch
        self.refresh = refresh  # False: leave visibility to the index's refresh interval (bulk loads)
        self._pending: dict[str, tuple[Document, dict[str, Any]]] = {}
        self._deleted: set[str] = set()
        self._known: dict[str, dict[str, Any] | None] = {}
        self.client: Any = None

    def __enter__(self) -> OpenSearchIndexer:
        self.client = connect(self.config)
        ensure_index(self.config, self.client)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if exc_type is None:
                self._flush()
        finally:
            self._pending.clear()
            self._deleted.clear()
            if self.client is not None:
                self.client.close()

    # -- reading what is there ---------------------------------------------------------------------
    def stored_meta(self, doc_id: str) -> dict[str, Any] | None:
        """The doc-level stored data of a committed or pending document, or None."""
        if doc_id in self._pending:
            return self._pending[doc_id][1]
        if doc_id in self._deleted:
            return None
        if doc_id not in self._known:
            found = call(self.config, lambda: self.client.get(index=self.config.index, id=doc_id, ignore=[404],
                                                              _source_includes=["meta", "hash"]), N_("read a document"),
                         retry=True)
            if found and found.get("found"):
                raw = found["_source"].get("meta") or "{}"
                meta = json.loads(raw) if isinstance(raw, str) else dict(raw)
                meta["hash"] = found["_source"].get("hash", "")
                self._known[doc_id] = meta
            else:
                self._known[doc_id] = None
        return self._known[doc_id]

    # -- writing -----------------------------------------------------------------------------------
    def upsert(self, doc: Document, source: str | None = None, raw_hash: str = "") -> Status:
        old = self.stored_meta(doc.id)
        if is_unchanged(old, doc):
            return "unchanged"
        meta = document_meta(doc, source, raw_hash)
        self._pending[doc.id] = (doc, meta)
        self._deleted.discard(doc.id)
        if len(self._pending) >= self.batch:
            self.commit()
        return "new" if old is None else "updated"

    def delete(self, doc_id: str) -> bool:
        existed = self.stored_meta(doc_id) is not None
        self._pending.pop(doc_id, None)
        self._deleted.add(doc_id)
        return existed

    def commit(self) -> None:
        """Write pending changes and make them visible to searches."""
        self._flush()

    def _actions(self) -> list[dict[str, Any]]:
        index = self.config.index
        out: list[dict[str, Any]] = [{"_op_type": "delete", "_index": index, "_id": d} for d in sorted(self._deleted)]
        for doc_id, (doc, meta) in self._pending.items():
            out.append({"_op_type": "index", "_index": index, "_id": doc_id, "_source": to_source(doc, meta)})
        return out

    def _flush(self) -> bool:
        if not self._pending and not self._deleted:
            return False
        from opensearchpy.helpers import streaming_bulk

        actions = self._actions()
        failed: list[str] = []

        def run() -> None:
            for ok, item in streaming_bulk(self.client, actions, chunk_size=self.batch, max_chunk_bytes=CHUNK_BYTES,
                                           raise_on_error=False, max_retries=RETRIES, initial_backoff=BACKOFF,
                                           max_backoff=30):
                if not ok:
                    op, info = next(iter(item.items()))
                    if op == "delete" and info.get("status") == 404:
                        continue  # already gone
                    err = info.get("error")
                    reason = err.get("reason", err) if isinstance(err, dict) else err
                    failed.append(f"{info.get('_id')}: {reason}")

        call(self.config, run, N_("write documents"), retry=True)  # a re-sent batch only rewrites the same documents
        if self.refresh:
            call(self.config, lambda: self.client.indices.refresh(index=self.config.index), N_("refresh the index"),
                 retry=True)
        for doc_id, (_doc, meta) in self._pending.items():
            self._known[doc_id] = meta
        for doc_id in self._deleted:
            self._known[doc_id] = None
        self._pending.clear()
        self._deleted.clear()
        if failed:
            raise StorageError(_("OpenSearch refused {n_failed} document(s) of this commit; the others were written. First: {value}").format(n_failed=len(failed), value=failed[0]))
        return True
