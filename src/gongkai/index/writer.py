"""Writing documents into the index: one Whoosh document per section.

``Indexer`` is the only writer. Updates are keyed by document id: a document whose content hash
is unchanged is skipped, a changed one replaces all its old sections. Pending documents are
written and committed together (every ``batch`` documents and on a clean exit); an exception
inside the ``with`` block cancels the uncommitted part, so the index always holds whole commits.
Whoosh writes a new generation beside the old one and switches atomically, so a kill or a full
disk in the middle of a commit leaves the previous generation readable. A writer that ends without
a commit (nothing to write, a failed write) removes the files of the segment it had started, so
neither a no-op run nor a full disk leaves files behind.

Small commits go through Whoosh's own writer. Large ones (``BULK_MIN_SECTIONS``) are written as
whole segments by ``bulk.SegmentBuilder``, and from ``PARALLEL_MIN_SECTIONS`` on by worker
processes (``bulkpool``) while the documents keep coming; the segments join the same atomic
Whoosh commit.

Another process writing the index holds its lock: ``Indexer`` waits up to ``lock_timeout`` seconds
for it (telling ``on_wait`` once that it waits), then raises `IndexLockedError`.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.index import clean_files
from whoosh.util.filelock import try_for
from whoosh.util.numeric import byte_to_length

from gongkai.i18n import _

from ..errors import IndexLockedError, StorageError
from ..models import Document
from .schema import open_index, with_pairs

Status = Literal["new", "updated", "unchanged"]
# A commit of at least this many sections is written by the bulk segment writer (``bulk``) instead of
# Whoosh's; from PARALLEL_MIN_SECTIONS on, worker processes write it (``bulkpool``) while documents
# keep coming, and a commit is due every BULK_BATCH documents instead of every ``batch``.
BULK_MIN_SECTIONS = 500
PARALLEL_MIN_SECTIONS = 3000
BULK_BATCH = 50_000


def _storage_error(index_dir: Path, e: OSError) -> StorageError:
    why = "the disk is full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
    return StorageError(
        _("could not write the index at {index_dir}: {why}. Nothing was committed; the previous index is unchanged — free space or fix permissions and run the command again").format(index_dir=index_dir, why=why)
    )


class Indexer:
    """``with Indexer(dir) as ix: ix.upsert(doc)`` — see the module docstring."""

    def __init__(self, index_dir: Path | str, batch: int = 1000, limitmb: int = 256, procs: int = 1,
                 bulk_min: int = BULK_MIN_SECTIONS, workers: int | None = None,
                 parallel_min: int = PARALLEL_MIN_SECTIONS, *, lock_timeout: float = 2.0,
                 on_wait: Callable[[str], None] | None = None):
        self.index_dir = Path(index_dir)
        self.batch = batch
        self.bulk_min = bulk_min
        self.workers = min(2, os.cpu_count() or 1) if workers is None else workers
        self.parallel_min = parallel_min
        self.lock_timeout = lock_timeout
        self._on_wait = on_wait
        self._writer_args = {"limitmb": limitmb, "procs": procs}
        # Pending documents; in parallel mode only their metadata (the documents went to the workers).
        self._pending: dict[str, tuple[Document | None, dict[str, Any]]] = {}
        self._pending_sections = 0
        self._pool: Any = None
        self._versions: dict[str, int] = {}
        self._deleted: set[str] = set()
        self._ix: Any = None
        self._writer: Any = None
        self._searcher: Any = None
        self._empty = False
        self._lock: Any = None

    # -- context -----------------------------------------------------------------------------
    def __enter__(self) -> Indexer:
        self._ix = open_index(self.index_dir, create=True)
        self._open_writer()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self._flush()
        self._cancel()

    def _open_writer(self) -> None:
        # We hold Whoosh's write lock ourselves, so that it is released however a write ends
        # (Whoosh's writer would keep it until garbage collection when it fails half-way).
        lock = self._ix.lock("WRITELOCK")
        try:
            acquired = lock.acquire()
            if not acquired and self.lock_timeout > 0:
                if self._on_wait is not None:
                    self._on_wait(_("another process is writing the index at {index_dir} (a crawl or `gongkai index`); waiting up to {lock_timeout:g} s for it to finish …").format(index_dir=self.index_dir, lock_timeout=self.lock_timeout))
                acquired = try_for(lock.acquire, timeout=self.lock_timeout, delay=0.2)
        except OSError as e:
            raise _storage_error(self.index_dir, e) from e
        if not acquired:
            raise IndexLockedError(
                _("another process is writing the index at {index_dir} (a crawl or `gongkai index`); wait for it to finish and try again").format(index_dir=self.index_dir)
            )
        self._lock = lock
        try:
            self._writer = self._ix.writer(_lk=False, **self._writer_args)
        except OSError as e:
            self._release_lock()
            raise _storage_error(self.index_dir, e) from e
        except BaseException:
            self._release_lock()
            raise
        self._writer.per_document_reader = _with_cached_lengths(self._writer.per_document_reader)
        self._searcher = self._ix.searcher()
        self._empty = self._searcher.doc_count_all() == 0  # (then no document is looked up: a first build)

    def _close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _release_lock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(Exception):
                self._lock.release()
            self._lock = None

    def _cancel(self) -> None:
        self._pending.clear()
        self._deleted.clear()
        self._pending_sections = 0
        self._versions.clear()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.abort()
        writer, self._writer = self._writer, None
        try:
            if writer is not None:
                # Cancelling after a failed write may fail the same way; nothing was committed.
                with contextlib.suppress(OSError):
                    writer.cancel()
                self._remove_uncommitted()
        finally:
            self._release_lock()
            self._close()

    def _remove_uncommitted(self) -> None:
        """Delete files no committed generation uses: the segment this writer had begun (created when a
        writer opens, so even a run with nothing to write leaves some) and what a failed commit wrote
        before the disk filled up. The same clean-up Whoosh does after a commit; we hold the lock."""
        with contextlib.suppress(Exception):  # best effort: a file still open elsewhere stays for next time
            ix = self._ix
            clean_files(ix.storage, ix.indexname, ix.latest_generation(), ix._segments())
        # The writer's scratch folder, which Whoosh removes only when its cancel gets that far.
        shutil.rmtree(self.index_dir / f"{self._ix.indexname}.tmp", ignore_errors=True)

    # -- reading what is there ---------------------------------------------------------------
    def stored_meta(self, doc_id: str) -> dict[str, Any] | None:
        """The doc-level stored data of a committed or pending document, or None."""
        if doc_id in self._pending:
            return self._pending[doc_id][1]
        if doc_id in self._deleted or self._empty:
            return None
        fields = self._searcher.document(sid=f"{doc_id}#0")
        if not fields:
            return None
        meta = json.loads(fields.get("meta") or "{}")
        meta["hash"] = fields.get("hash", "")
        return meta  # type: ignore[no-any-return]

    # -- writing -----------------------------------------------------------------------------
    def upsert(self, doc: Document, source: str | None = None, raw_hash: str = "") -> Status:
        """Add or replace ``doc``; returns what happened. ``raw_hash`` identifies the input bytes."""
        old = self.stored_meta(doc.id)
        if is_unchanged(old, doc):
            return "unchanged"
        figures = doc.figures is None and doc.doc_type == "annual_report"
        # With a worker pool the figures are read by the worker that writes the document.
        meta = document_meta(doc, source, raw_hash, read_figures=self._pool is None)
        self._unpend(doc.id)
        self._deleted.discard(doc.id)
        if self._pool is not None:
            self._versions[doc.id] = self._pool_call(self._pool.add, doc, meta, figures)
            self._pending[doc.id] = (None, _slim(meta))
        else:
            self._pending[doc.id] = (doc, meta)
            self._pending_sections += max(1, len(doc.sections))
            # Many sections, or a batch due that the bulk writer would write anyway: hand the documents
            # to the workers and commit less often (a segment per small commit would pile up).
            if self.workers > 0 and (self._pending_sections >= self.parallel_min or (
                    len(self._pending) >= self.batch and self._pending_sections >= self.bulk_min)):
                self._start_pool()
        if len(self._pending) >= (self.batch if self._pool is None else max(self.batch, BULK_BATCH)):
            self.commit()
        return "new" if old is None else "updated"

    def delete(self, doc_id: str) -> bool:
        existed = self.stored_meta(doc_id) is not None
        self._unpend(doc_id)
        self._deleted.add(doc_id)
        return existed

    def _unpend(self, doc_id: str) -> None:
        found = self._pending.pop(doc_id, None)
        if found is not None and found[0] is not None:
            self._pending_sections -= max(1, len(found[0].sections))
        version = self._versions.pop(doc_id, None)
        if version is not None:
            self._pool.drop(version)

    def _start_pool(self) -> None:
        """From here on, documents go to worker processes as they come (see ``bulkpool``)."""
        from .bulkpool import BulkPool

        self._pool = BulkPool(self.index_dir, workers=self.workers)
        for doc_id, (doc, meta) in list(self._pending.items()):
            assert doc is not None
            figures = doc.figures is None and doc.doc_type == "annual_report"
            self._versions[doc_id] = self._pool_call(self._pool.add, doc, meta, figures)
            self._pending[doc_id] = (None, _slim(meta))
        self._pending_sections = 0

    def _pool_call(self, fn: Any, *args: Any) -> Any:
        from .bulkpool import WorkerError

        try:
            return fn(*args)
        except WorkerError as e:
            raise _storage_error(self.index_dir, OSError(e.errno, str(e))) from e

    def commit(self) -> None:
        """Write pending changes and make them visible to searchers; keep writing after."""
        if self._flush():
            self._open_writer()

    def _flush(self) -> bool:
        """Write and commit pending changes (closing the writer); False when there were none."""
        if not self._pending and not self._deleted:
            return False
        w = self._writer
        # Writing allocates millions of small objects that live until the commit; the cyclic garbage
        # collector would scan them again and again (measured: 13% of a 10k-section build).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for doc_id in self._deleted:
                w.delete_by_term("doc_id", doc_id)
            if self._pool is not None or self._pending_sections >= self.bulk_min:
                for doc_id in self._pending:
                    w.delete_by_term("doc_id", doc_id)
                if self._pool is not None:
                    pool, self._pool = self._pool, None
                    self._versions.clear()
                    w.segments.extend(self._pool_call(pool.finish))
                else:
                    w.segments.append(self._bulk_segment(w.schema))
            else:
                for doc_id, (doc, meta) in self._pending.items():
                    assert doc is not None
                    w.delete_by_term("doc_id", doc_id)
                    for fields in section_fields(doc, meta):
                        w.add_document(**with_pairs(fields))
            w.commit(mergetype=merge_small_segments)
        except OSError as e:
            self._cancel()
            raise _storage_error(self.index_dir, e) from e
        except BaseException:
            self._cancel()
            raise
        finally:
            if gc_was_enabled:
                gc.enable()
        self._writer = None
        try:
            from .gentables import write_generation

            write_generation(self.index_dir)  # while we hold the lock: no other commit can interleave
        except OSError:
            pass  # searches read the columns instead (slower to open, same answers)
        self._release_lock()
        self._pending.clear()
        self._pending_sections = 0
        self._deleted.clear()
        self._close()
        from .dictseg import ensure_compiled

        ensure_compiled()  # once per machine: what lets a command-line search skip loading the dictionary
        return True


    def _bulk_segment(self, schema: Any) -> Any:
        from .bulk import SegmentBuilder

        builder = SegmentBuilder(self._ix.storage, schema)
        try:
            for doc, meta in self._pending.values():
                assert doc is not None
                builder.add_sections(section_fields(doc, meta))
        except BaseException:
            builder.discard()
            raise
        return builder.finish()


class _CachedLengths:
    """A segment's per-document reader whose field lengths come from memory.

    When a segment is written, Whoosh asks the new segment's length column for every single
    posting (one file read each); reading each column once makes that a list lookup."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lengths: dict[str, list[int | None]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            col = self._reader._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            lengths = [byte_to_length(b) if b else None for b in col] if col is not None else []
            self._lengths[fieldname] = lengths
        return lengths[docnum] if docnum < len(lengths) else default

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


def _with_cached_lengths(make_reader: Any) -> Any:
    def per_document_reader() -> Any:
        return _CachedLengths(make_reader())

    return per_document_reader


def _slim(meta: dict[str, Any]) -> dict[str, Any]:
    """What the writer keeps of a document handed to a worker until the commit: what ``stored_meta``'s
    callers compare (a whole meta per pending document made a million-section build's writer grow
    by about 2 KB a document)."""
    return {k: meta[k] for k in ("hash", "raw_hash", "provenance", "tables") if k in meta}


def is_unchanged(old: dict[str, Any] | None, doc: Document) -> bool:
    """Whether the stored doc-level data `old` already holds `doc`. Provenance is no content (two URLs of
    one text may name different witnesses), but a document stored before it was kept is rewritten, so
    `gongkai show --json` can trace its fields."""
    return (old is not None and old.get("hash") == doc.content_hash and old.get("provenance", {}) == doc.provenance
            and old.get("tables", []) == table_meta(doc))


def table_meta(doc: Document) -> list[dict[str, Any]]:
    """The document's tables as stored: each with the position (``section``) of the section it belongs to.
    Like provenance they are no content of their own (their text is the section text), but a document
    stored before tables were kept is rewritten to gain them."""
    return [{"section": i, **asdict(t)} for i, s in enumerate(doc.sections) for t in s.tables]


def document_meta(doc: Document, source: str | None, raw_hash: str, read_figures: bool = True) -> dict[str, Any]:
    """The doc-level data stored with a document; an annual report's figures are read here, at index time
    (unless `read_figures` is False: a worker reads them)."""
    if read_figures and doc.figures is None and doc.doc_type == "annual_report":
        from ..stats import extract_figures

        doc.figures = extract_figures(doc)
    return {
        "hash": doc.content_hash,
        "raw_hash": raw_hash,
        "source": source or doc.url,
        "attachments": [a.__dict__ for a in doc.attachments],
        "urls": doc.urls,
        "figures": doc.figures,
        "provenance": doc.provenance,
        "tables": table_meta(doc),
    }


MERGE_BELOW = 5000  # sections: Whoosh merges segments smaller than this; bulk segments are larger


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's merge policy (``MERGE_SMALL``) over the small segments only. Whoosh's own policy,
    given every segment, merges them all once their number outgrows a Fibonacci bound (22 bulk
    segments of 4500 sections, or 26 of 18 000): a merge in Whoosh's pure-Python writer that would
    take hours at a million sections. Bulk segments are written once and only shrink by deletions."""
    from whoosh.writing import MERGE_SMALL

    small = [seg for seg in segments if seg.doc_count_all() < MERGE_BELOW]
    large = [seg for seg in segments if seg.doc_count_all() >= MERGE_BELOW]
    return [*MERGE_SMALL(writer, small), *large]


def section_fields(doc: Document, meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The Whoosh documents for ``doc``: one per section, doc-level data stored on the first."""
    common: dict[str, Any] = {
        "doc_id": doc.id,
        "title": doc.title,
        "agency": doc.agency,
        "agency_text": doc.agency,
        "type": doc.doc_type,
        "published": doc.published or "",
        "doc_no": doc.doc_no,
        "index_no": doc.index_no,
        "topic": doc.topic,
        "url": doc.url,
        "source": meta.get("source") or doc.url,
        "hash": doc.content_hash,
        "status": doc.status,
        "withdrawn": doc.withdrawn or "",
    }
    if doc.year is not None:
        common["year"] = doc.year
    common = {k: v for k, v in common.items() if v != ""}
    out = []
    sections = doc.sections or []
    for i, s in enumerate(sections):
        fields = dict(common)
        fields.update(
            sid=f"{doc.id}#{i}",
            ord=i,
            number=s.number,
            section=s.key,
            heading="\n".join([s.heading, *s.subheadings]).strip(),
            body=s.text,
        )
        if i == 0:
            fields["meta"] = json.dumps(meta, ensure_ascii=False)
        out.append(fields)
    if not out:  # a document always has a place in the index, even with no text
        out.append(dict(common, sid=f"{doc.id}#0", ord=0, number="", section="other", heading="", body="",
                        meta=json.dumps(meta, ensure_ascii=False)))
    return out
