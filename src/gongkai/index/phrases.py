"""Phrase checks over whole arrays: which candidate sections hold the words touching, in order.

A phrase matches a section when an occurrence of each word starts where the previous word's
occurrence ends (``query.CharPhrase``), or for other phrases at the next position. With every
occurrence of every word in the candidate sections as (section, position, start, end) arrays, that
is one sorted look-up per word: keys ``section << 32 | end`` of the chain so far against
``section << 32 | start`` of the next word (positions: ``pos`` against ``pos - 1``).

A step may also be a word pair (``analysis.PairTokenizer``, occurrences (join, start of A, end of
B)) standing for the word before it and the next one: its join is where the next word starts, so it
continues the chain from ``join`` (column 0) where a word continues it from its start (column 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import native as _native

_SHIFT = np.int64(32)


def _unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` would import ``numpy.ma`` on first use: 25 ms of a
    command-line search)."""
    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if len(a) else a


class Spans:
    """The occurrences of the postings of one term: how many per posting, and their int32
    (position, start, end) rows one after another (``CharSpans`` values, or a pair field's
    (join, start of A, end of B))."""

    __slots__ = ("counts", "rows", "_first")

    def __init__(self, counts: np.ndarray, rows: np.ndarray) -> None:
        self.counts, self.rows = counts, rows
        self._first: np.ndarray | None = None

    @classmethod
    def of_values(cls, values: Sequence[bytes]) -> Spans:
        """From the packed values of ``CharSpans`` postings (12 bytes an occurrence)."""
        counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 12
        return cls(counts, np.frombuffer(b"".join(values), dtype=np.int32).reshape(-1, 3))

    @classmethod
    def concat(cls, parts: Sequence[Spans]) -> Spans:
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls(np.zeros(0, dtype=np.int64), np.zeros((0, 3), dtype=np.int32))
        return cls(np.concatenate([p.counts for p in parts]), np.concatenate([p.rows for p in parts]))

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def nbytes(self) -> int:
        return int(self.counts.nbytes + self.rows.nbytes)

    def first(self) -> np.ndarray:
        """Index of each posting's first row."""
        if self._first is None:
            c = self.counts.astype(np.int64)
            self._first = np.cumsum(c) - c
        return self._first

    def as_values(self) -> list[bytes]:
        """Each posting's occurrences as ``CharSpans`` packs them (for comparisons and tests)."""
        return [self.rows[f : f + c].tobytes() for f, c in zip(self.first().tolist(), self.counts.tolist(), strict=True)]

    def take(self, keep: np.ndarray) -> Spans:
        """The postings where ``keep`` (a boolean mask over them) is True."""
        owner = np.repeat(keep, self.counts.astype(np.int64))
        return Spans(self.counts[keep], self.rows[owner])

    def gather(self, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index into ``where``, row) of every occurrence of the postings ``where`` (posting indexes)."""
        n = self.counts[where].astype(np.int64)
        owner = np.repeat(np.arange(len(where), dtype=np.int64), n)
        before = np.cumsum(n) - n
        rows = np.repeat(self.first()[where] - before, n) + np.arange(int(n.sum()), dtype=np.int64)
        return owner, self.rows[rows]


def _positions(cand: np.ndarray, ids: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Where each of ``cand`` is in ``ids`` (both sorted, every candidate in the list): read through
    the candidates' section mask when there is one (a pass over the list in section order), else found
    by binary search (a search per candidate, in scattered places of a list of a million)."""
    return np.flatnonzero(mask[ids]) if mask is not None else np.searchsorted(ids, cand)


def _occurrences(cand: np.ndarray, ids: np.ndarray, spans: Spans, mask: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(candidate index, (position, start, end) rows) of every occurrence of a word in the candidates."""
    return spans.gather(_positions(cand, ids, mask))


def adjacent(cand: np.ndarray, words: Sequence[tuple[np.ndarray, Spans]],
             check: Callable[[], None] = lambda: None, by_chars: bool = True,
             pairs: Sequence[bool] | None = None, mask: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask over ``cand`` (sorted section numbers found in every word's posting list):
    True where the words occur one right after the other — the next word starting at the character
    where the previous one ends (``by_chars``), or at the next position. ``words``: per word, its
    posting list's section numbers (sorted) and their occurrences (``Spans``).
    ``pairs`` (by characters only): which steps after the first are word pairs. ``mask``: the
    candidates as a section mask (True at ``cand`` only), when the caller has it."""
    first, after = (2, 1) if by_chars else (0, 0)  # the column a chain ends at, the column that continues it
    step = 0 if by_chars else 1
    native = getattr(_native.extension(), "phrase_step", None)
    if native is not None:  # the same steps as below, as one merge per word (native/src/lib.rs)
        ends: np.ndarray | None = None
        for k, (ids, vals) in enumerate(words):
            check()
            col = 0 if k and pairs is not None and pairs[k] else after
            ends = np.frombuffer(native(ends, _positions(cand, ids, mask), vals.first(),
                                        vals.counts.astype(np.int64, copy=False),
                                        np.ascontiguousarray(vals.rows, dtype=np.int32), col, step, first),
                                 dtype=np.int64)
            if not len(ends):
                break
        out = np.zeros(len(cand), dtype=bool)
        if ends is not None:
            out[(ends >> _SHIFT).astype(np.int64)] = True
        return out
    owner, spans = _occurrences(cand, *words[0], mask)
    ends = _unique((owner << _SHIFT) | spans[:, first].astype(np.int64))
    for k, (ids, vals) in enumerate(words[1:], 1):
        check()
        owner, spans = _occurrences(cand, ids, vals, mask)
        col = 0 if pairs is not None and pairs[k] else after
        starts = (owner << _SHIFT) | (spans[:, col].astype(np.int64) - step)
        at = np.minimum(np.searchsorted(ends, starts), len(ends) - 1)  # ends: sorted, distinct
        keep = ends[at] == starts
        ends = _unique((owner[keep] << _SHIFT) | spans[keep, first].astype(np.int64))
        if not len(ends):
            break
    out = np.zeros(len(cand), dtype=bool)
    out[(ends >> _SHIFT).astype(np.int64)] = True
    return out
