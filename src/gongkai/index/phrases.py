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
from typing import Any

import numpy as np

_SHIFT = np.int64(32)


def _unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` would import ``numpy.ma`` on first use: 25 ms of a
    command-line search)."""
    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if len(a) else a


def _occurrences(cand: np.ndarray, ids: np.ndarray, vals: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(candidate index, (position, start, end) rows) of every occurrence of a word in the candidates."""
    where = np.searchsorted(ids, cand).tolist()
    pieces = [vals[i] for i in where]
    lens = np.fromiter((len(v) for v in pieces), dtype=np.int64, count=len(pieces)) // 12
    trip = np.frombuffer(b"".join(pieces), dtype=np.int32).reshape(-1, 3)
    owner = np.repeat(np.arange(len(cand), dtype=np.int64), lens)
    return owner, trip


def adjacent(cand: np.ndarray, words: Sequence[tuple[np.ndarray, Sequence[Any]]],
             check: Callable[[], None] = lambda: None, by_chars: bool = True,
             pairs: Sequence[bool] | None = None) -> np.ndarray:
    """Boolean mask over ``cand`` (sorted section numbers found in every word's posting list):
    True where the words occur one right after the other — the next word starting at the character
    where the previous one ends (``by_chars``), or at the next position. ``words``: per word, its
    posting list's section numbers (sorted) and CharSpans values (int32 (position, start, end) triples).
    ``pairs`` (by characters only): which steps after the first are word pairs."""
    first, after = (2, 1) if by_chars else (0, 0)  # the column a chain ends at, the column that continues it
    step = 0 if by_chars else 1
    owner, spans = _occurrences(cand, *words[0])
    ends = _unique((owner << _SHIFT) | spans[:, first].astype(np.int64))
    for k, (ids, vals) in enumerate(words[1:], 1):
        check()
        owner, spans = _occurrences(cand, ids, vals)
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
