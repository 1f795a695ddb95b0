"""The long posting lists of a bulk segment, a second time, as plain arrays (``<segment id>.gkhot``).

A common word's posting list is most of what a search reads: at a million sections "公开" has a
million postings per text field. Whoosh's W3 format keeps them in blocks (of 512 postings here), each a
zlib-compressed pickle, so reading one costs a decompression, an unpickling and a list-to-array
conversion per block — about half a microsecond per posting, seconds for a common phrase. The bulk
builder (``bulk.SegmentBuilder``) therefore also writes, beside the segment, the lists of its terms
found in at least ``HOT_POSTINGS`` sections as arrays a search maps from the file and uses as they
are: section numbers (``uint16`` while the segment has at most 65 536 sections) and frequencies
(``uint16``; the weight is the frequency times the field's boost, as the builder computed it) and,
for the word-pair fields phrases are checked on, each posting's occurrences: the join as int32 and
the distances to the pair's start and end as ``uint16`` (int32 triples where a distance does not fit).
Word fields keep their occurrences in the segment only: a phrase step that is a word (neither
neighbour common) reads them from there.

The W3 postings stay complete and remain what Whoosh reads; this file is a second copy of part of
them. A segment without one (written by Whoosh's own writer, merged, or from an older build), a term
not in it, or a file that cannot be read means the W3 postings are read instead — same numbers,
slower (``tests/test_hotlists.py`` holds both ways equal). The file is named after its segment, so
Whoosh removes it with the segment; it is written before the segment is committed and moved into
place whole.

Layout: the arrays one after another (each aligned to 64 bytes); per field its terms as one sorted
UTF-8 blob with int64 offsets (found by bisection, nothing parsed at open) and an int64 table of
seven columns per term (where its section numbers, frequencies, joins, start and end distances
start, how many postings and occurrences); then a small JSON footer (per field its boost and where
its blob, offsets and table are) and the footer's length as 8 little-endian bytes.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import struct
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .phrases import Spans

SUFFIX = ".gkhot"
HOT_POSTINGS = 1024  # a term found in at least this many sections of a segment is written here
_TAIL = struct.Struct("<Q")
_ALIGN = 64


class HotWriter:
    """Collects the long lists of a segment's text fields while ``bulk`` writes them; ``close`` writes the file."""

    def __init__(self, path: Path, doccount: int) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.id_type = np.dtype(np.uint16 if doccount <= 1 << 16 else np.uint32)
        # per field: its boost, its terms (in order) and their table rows (see the layout above)
        self.boost: dict[str, float] = {}
        self.terms: dict[str, list[bytes]] = {}
        self.table: dict[str, list[np.ndarray]] = {}
        self._f: Any = None
        self._pos = 0

    def _write(self, a: np.ndarray) -> int:
        """Append ``a`` (aligned to 64 bytes); returns its byte offset."""
        if self._f is None:
            self._f = open(self.tmp, "wb")  # noqa: SIM115 - closed in close() or discard()
        pad = -self._pos % _ALIGN
        self._f.write(b"\0" * pad)
        self._pos += pad
        at = self._pos
        a = np.ascontiguousarray(a)
        self._f.write(a.tobytes())
        self._pos += a.nbytes
        return at

    def add(self, field: str, group: Any, boost: float, with_values: bool) -> None:
        """The long lists among ``group`` (a ``w3write.Postings`` of ``field``, whose weights are its
        frequencies times ``boost`` and whose values are ``CharSpans`` triples)."""
        n_post = len(group.doc)
        ends = np.append(group.term_start[1:], n_post)
        counts = ends - group.term_start
        hot = np.flatnonzero(counts >= HOT_POSTINGS)
        if not len(hot):
            return
        first = group.term_start[hot]
        n = counts[hot]
        before = np.cumsum(n) - n  # where each hot term starts among the hot postings
        take = np.repeat(first - before, n) + np.arange(int(n.sum()))
        freq = group.value_len.astype(np.int64)[take] // 12
        if freq.max() >= 1 << 16 or not np.array_equal((freq * boost).astype(np.float32), group.weight[take]):
            return  # not frequencies times the boost: these lists stay in the segment only
        table = np.full((len(hot), 7), -1, dtype=np.int64)
        table[:, 2] = n
        table[:, 0] = self._write(group.doc[take].astype(self.id_type)) + before * self.id_type.itemsize
        table[:, 1] = self._write(freq.astype(np.uint16)) + before * 2
        if with_values:
            row_first = (np.cumsum(group.value_len.astype(np.int64)) // 12 - group.value_len // 12)[take]
            rows = group.values.view(np.int32).reshape(-1, 3)[
                np.repeat(row_first - (np.cumsum(freq) - freq), freq) + np.arange(int(freq.sum()))]
            per_term = np.add.reduceat(freq, before)
            row_before = np.cumsum(per_term) - per_term
            table[:, 6] = per_term
            join = rows[:, 0]
            d_start, d_end = join.astype(np.int64) - rows[:, 1], rows[:, 2].astype(np.int64) - join
            if len(rows) and min(d_start.min(), d_end.min()) >= 0 and max(d_start.max(), d_end.max()) < 1 << 16:
                table[:, 3] = self._write(join) + row_before * 4  # (join, join - start, end - join)
                table[:, 4] = self._write(d_start.astype(np.uint16)) + row_before * 2
                table[:, 5] = self._write(d_end.astype(np.uint16)) + row_before * 2
            else:
                table[:, 3] = self._write(rows) + row_before * 12  # the triples as they are
        self.boost[field] = boost
        self.terms.setdefault(field, []).extend(group.terms[i] for i in hot.tolist())
        self.table.setdefault(field, []).append(table)

    def close(self) -> None:
        """Write the term tables and the footer, and move the file into place (no file without a long list)."""
        if self._f is None:
            return
        footer: dict[str, Any] = {"ids": self.id_type.str, "fields": {}}
        for field, terms in self.terms.items():
            offsets = np.cumsum([0, *map(len, terms)], dtype=np.int64)
            footer["fields"][field] = {
                "n": len(terms), "boost": self.boost[field], "blob": int(self._write(np.frombuffer(b"".join(terms), dtype=np.uint8))),
                "offsets": int(self._write(offsets)), "table": int(self._write(np.concatenate(self.table[field])))}
        data = json.dumps(footer).encode("utf-8")
        self._f.write(data)
        self._f.write(_TAIL.pack(len(data)))
        self._f.close()
        self._f = None
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
        for p in (self.tmp, self.path):
            with contextlib.suppress(OSError):
                os.remove(p)


class _Field:
    """One field's terms (sorted UTF-8, found by bisection in the mapped file) and their table rows."""

    def __init__(self, lists: HotLists, entry: dict[str, Any]) -> None:
        self.buf, n = lists._buf, entry["n"]
        self.blob = entry["blob"]
        self.offsets = lists.view(np.int64, n + 1, entry["offsets"])
        lists.willneed(self.blob, int(self.offsets[-1]))  # the terms, found by bisection
        self.boost = entry["boost"]
        self.table = lists.view(np.int64, 7 * n, entry["table"]).reshape(n, 7)

    def find(self, term: bytes) -> int | None:
        lo, hi = 0, len(self.table)
        offsets, buf, blob = self.offsets, self.buf, self.blob
        while lo < hi:
            mid = (lo + hi) // 2
            here = buf[blob + int(offsets[mid]) : blob + int(offsets[mid + 1])]
            if here < term:
                lo = mid + 1
            elif here > term:
                hi = mid
            else:
                return mid
        return None


class HotLists:
    """The long lists of one segment, mapped from its file; ``get`` answers None when a term is not here."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self._buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if hasattr(self._buf, "madvise"):  # (see ``willneed``)
            self._buf.madvise(mmap.MADV_RANDOM)
        size = len(self._buf)
        (n,) = _TAIL.unpack_from(self._buf, size - _TAIL.size)
        footer = json.loads(bytes(self._buf[size - _TAIL.size - n : size - _TAIL.size]).decode("utf-8"))
        self._ids = np.dtype(footer["ids"])
        self._entries: dict[str, Any] = footer["fields"]
        self._fields: dict[str, _Field | None] = {}

    def willneed(self, at: int, nbytes: int) -> None:
        """Ask the kernel to read ``nbytes`` from ``at`` at once. The file is mapped for random access:
        a page touched where nothing was read before reads that page only, where the kernel's
        read-around of a mapping would read up to its whole read-ahead window (8 MB on some machines)
        around every first touch — a cold search at a million sections read 1.2 GB of these files for
        100 MB of lists. A list about to be used is asked for whole: one large read, not a page at a time."""
        if nbytes > 0 and hasattr(self._buf, "madvise"):
            start = at - at % mmap.PAGESIZE
            self._buf.madvise(mmap.MADV_WILLNEED, start, min(at + nbytes, len(self._buf)) - start)

    def view(self, dtype: Any, count: int, at: int) -> np.ndarray:
        """``count`` items of ``dtype`` from byte ``at`` of the file, read at once (``willneed``), not copied."""
        dt = np.dtype(dtype)
        self.willneed(at, count * dt.itemsize)
        return self._array(dt, count, at)

    def _array(self, dtype: Any, count: int, at: int) -> np.ndarray:
        """The same without asking: for arrays ``locate`` has asked for already."""
        return np.frombuffer(self._buf, dtype=dtype, count=count, offset=at)

    def _field(self, name: str) -> _Field | None:
        if name not in self._fields:
            entry = self._entries.get(name)
            self._fields[name] = _Field(self, entry) if entry else None
        return self._fields[name]

    def locate(self, field: str, text: str, values: bool) -> Entry | None:
        """Where a term's long list lies in the file, its arrays asked for (``willneed``), or None when
        the term is not here (or ``values`` are asked of a field that keeps them in the segment only).
        A search locates a term in every segment first, so the disk reads them side by side."""
        f = self._field(field)
        i = f.find(text.encode("utf-8")) if f is not None else None
        if f is None or i is None:
            return None
        ids_at, freq_at, count, join_at, d_start_at, d_end_at, n_rows = (int(x) for x in f.table[i])
        if values and n_rows < 0:
            return None
        self.willneed(ids_at, count * self._ids.itemsize)
        self.willneed(freq_at, count * 2)
        if values:
            packed = d_start_at >= 0
            self.willneed(join_at, n_rows * (4 if packed else 12))
            if packed:
                self.willneed(d_start_at, n_rows * 2)
                self.willneed(d_end_at, n_rows * 2)
        return Entry(ids_at, freq_at, count, join_at, d_start_at, d_end_at, max(n_rows, 0), f.boost)

    def get(self, field: str, text: str, values: bool, entry: Entry | None = None
            ) -> tuple[np.ndarray, np.ndarray, Spans | None] | None:
        """(segment section numbers, weights, occurrences when ``values``) of a long list, or None.
        The section numbers are the file's own unsigned array (the caller offsets them in one pass)."""
        e = entry or self.locate(field, text, values)
        if e is None:
            return None
        view = self._array  # (``locate`` asked for every array of the list)
        ids = view(self._ids, e.n_post, e.ids_at)
        freq = view(np.uint16, e.n_post, e.freq_at)
        w = (freq * e.boost).astype(np.float32)  # as the bulk builder computed the weights it wrote
        if not values:
            return ids, w, None
        n_rows = e.n_rows
        if e.d_start_at < 0:
            rows = view(np.int32, 3 * n_rows, e.join_at).reshape(n_rows, 3)
        else:
            join = view(np.int32, n_rows, e.join_at)
            rows = np.empty((n_rows, 3), dtype=np.int32)
            rows[:, 0] = join
            rows[:, 1] = join - view(np.uint16, n_rows, e.d_start_at)
            rows[:, 2] = join + view(np.uint16, n_rows, e.d_end_at)
        return ids, w, Spans(freq, rows)

    def _list(self, e: Entry, offset: int) -> tuple[Any, ...]:
        """The extension's arguments that say where a long list is (``hot_fill``, ``hot_bm25``)."""
        return self._buf, e.ids_at, e.n_post, self._ids.itemsize, e.freq_at, offset, e.boost

    def score(self, fused: Any, e: Entry, offset: int, total: np.ndarray, *bm25: Any) -> None:
        """The list's BM25 contributions added to ``total`` by the extension's ``hot_bm25``, straight
        from the file: what ``fill`` then ``bm25_add`` give, without the list's arrays."""
        fused(*self._list(e, offset), total, *bm25)

    def fill(self, fill: Any, e: Entry, offset: int, ids: np.ndarray, weights: np.ndarray,
             counts: np.ndarray | None = None, rows: np.ndarray | None = None) -> None:
        """What ``get`` returns, written by the extension's ``hot_fill`` straight into slices of a
        whole list's arrays: section numbers plus ``offset``, weights, and with ``rows`` the
        frequencies into ``counts`` and the occurrences into ``rows`` (one pass each, no copies)."""
        if rows is None:
            fill(*self._list(e, offset), ids, weights)
        else:
            fill(*self._list(e, offset), ids, weights, e.join_at, e.d_start_at, e.d_end_at, e.n_rows, counts, rows)


class Entry(NamedTuple):
    """Where one term's long list lies in a segment's file (byte offsets; ``d_start_at`` < 0: triples)."""

    ids_at: int
    freq_at: int
    n_post: int
    join_at: int
    d_start_at: int
    d_end_at: int
    n_rows: int
    boost: float


def open_hot(folder: Path | str | None, segment_id: str) -> HotLists | None:
    """The segment's long lists, or None when it has no readable file of them."""
    if folder is None:
        return None
    path = Path(folder) / (segment_id + SUFFIX)
    try:
        return HotLists(path)
    except (OSError, ValueError, KeyError, struct.error):
        return None
