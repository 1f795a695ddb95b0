"""Posting lists read block by block from the postings file equal what Whoosh's matcher reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from factory import make_doc
from gongkai.index import Indexer, open_index
from gongkai.index.phrases import Spans
from gongkai.index.postread import term_postings


@pytest.mark.parametrize("bulk", [False, True])
def test_every_term_reads_as_the_matcher_reads_it(tmp_path: Path, bulk: bool) -> None:
    path = tmp_path / "ix"
    with Indexer(path, bulk_min=1 if bulk else 10**9, workers=0) as ix:
        for i in range(60):
            ix.upsert(make_doc(i))
    with open_index(path).reader() as r:
        (leaf, _), = list(r.leaf_readers())
        checked = 0
        for field, text in leaf._terms.terms():
            ids, weights, values = term_postings(leaf, field, text, values=True)
            if isinstance(values, Spans):
                values = values.as_values()
            m = leaf.postings(field, text)
            expected = []
            while m.is_active():
                expected.append((m.id(), m.weight(), m.value()))
                m.next()
            assert ids.tolist() == [e[0] for e in expected]
            assert np.allclose(weights, [e[1] for e in expected])
            assert [v if v else None for v in values] == [e[2] if e[2] else None for e in expected]
            checked += 1
        assert checked > 200
        assert term_postings(leaf, "body", "不在索引里的词", values=False) is None


def test_the_dictionaries_are_asked_for_whole_beside_the_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    import os

    from gongkai.index import postread

    for name in ("a", "b"):
        (tmp_path / f"{name}.trm").write_bytes(b"x" * 10)
    asked: list[tuple[int, int, int, int]] = []

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        asked.append((os.fstat(fd).st_size, offset, length, advice))
        if len(asked) == 1:
            raise OSError("not supported here")  # a refusal changes nothing for the others

    monkeypatch.setattr(os, "posix_fadvise", advise, raising=False)
    thread = postread.prefetch_dictionaries(tmp_path, ["a", "gone", "b"])
    assert thread is not None and thread.daemon
    thread.join(10)
    assert asked == [(10, 0, 0, os.POSIX_FADV_WILLNEED)] * 2  # the missing segment is passed over


def test_a_one_search_process_does_not_ask_for_every_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """A searcher for many searches (the web server) asks for the segments' dictionaries when its tables
    open; one for a single search (the command line) does not: it needs a few pages of them."""
    from gongkai.index import SearchRequest, open_searcher, tables

    path = tmp_path / "ix"
    with Indexer(path, bulk_min=1, workers=0) as ix:
        for i in range(20):
            ix.upsert(make_doc(i))
    asked: list[list[str]] = []
    monkeypatch.setattr(tables, "prefetch_dictionaries", lambda folder, ids: asked.append(list(ids)))
    for one_search in (False, True):
        with open_searcher(path, one_search=one_search) as h:
            assert h.search(SearchRequest("公开"))["total"] == 20
    assert len(asked) == 1 and len(asked[0]) == 1  # the many-search one, its one segment
