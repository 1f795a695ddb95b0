"""A searching process keeps freed large blocks in its heap (``index.memory``): the arrays of one
search come back to the next without new pages."""

from __future__ import annotations

import platform
import resource
import sys

import numpy as np
import pytest

from factory import make_doc
from gongkai.index import Indexer, SearchRequest, memory, open_searcher

glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                           reason="mallopt is glibc's")


def _faults_of(make: object) -> int:
    """Minor page faults while ``make`` (a callable) allocates and frees, after one run to warm up."""
    make()  # type: ignore[operator]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        make()  # type: ignore[operator]
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@glibc
def test_large_arrays_come_back_from_the_heap() -> None:
    def arrays() -> None:  # a search's temporaries: a million-entry mask, scores, their products
        mask = np.zeros(1_000_000, dtype=bool)
        scores = np.zeros(1_000_000, dtype=np.float64)
        (scores + 1.0)[mask]

    assert memory.keep_freed_memory()
    # 20 rounds of 9 MB: about 20 000 fresh pages without the settings (1000 a round), a few hundred
    # at most with them (the heap growing once)
    assert _faults_of(arrays) < 2000


@glibc
def test_opening_a_searcher_sets_them(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(sys.modules["gongkai.index.search"], "keep_freed_memory", lambda: calls.append(1) or True)
    with Indexer(tmp_path) as ix:  # type: ignore[arg-type]
        ix.upsert(make_doc(0))
    with open_searcher(tmp_path) as h:  # type: ignore[arg-type]
        assert h.search(SearchRequest("公开"))["total"] == 1
    assert calls == [1]
