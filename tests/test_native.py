"""The Rust analyzer loop (``gongkai._native``, ``index.native``) gives the tokens of the Python loop
over rjieba for every text: the fixtures, the benchmark's report sections and random strings that mix
scripts, full-width forms, connectors, combining marks and characters outside the BMP; and a bulk
build with it writes the same index as one without it."""

from __future__ import annotations

import os
import random
import shutil
from array import array
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from factory import sample_texts
from gongkai.index import analysis, native

pytest.importorskip("rjieba")


def test_ci_builds_the_extension() -> None:
    if os.environ.get("CI") and shutil.which("cargo"):
        assert native.available(), "scripts/setup should have built gongkai._native with cargo"


rust_only = pytest.mark.skipif(not native.available(), reason="gongkai._native is not built (no cargo)")


def _ints(raw: object) -> list[int]:
    """The int32 values of a bytes-like result (bytes or an array)."""
    values = array("i")
    values.frombytes(raw)  # type: ignore[arg-type]
    return values.tolist()


def _random() -> list[str]:
    rng = random.Random(16)
    han = [chr(c) for c in range(0x4E00, 0x9FA6)]
    common = list("政府信息公开申请主动依年度报告的了和是在中华人民共和国条例办法")
    other = list("〇㐀䶵豈鿿𠀀ab12.5%+#&_-x  \r\n\t，。３４ｘÅé\u0301\u0915\u093f١٢ⅫⅧ½²_·")
    out = ["".join(rng.choice(common) for _ in range(rng.randint(1, 60))) for _ in range(600)]
    out += ["".join(rng.choice(han + common * 20 + other * 5) for _ in range(rng.randint(0, 80))) for _ in range(900)]
    out += ["", " ", "\n", "2018-01-18", "http-equiv", "ｇｏｎｇｋａｉ２０２４", "ﬁ ﬂ Ⅻ ㈠ ㍿", "中\n华\r\n人"]
    return out


@rust_only
@pytest.mark.parametrize("subwords", [True, False])
def test_same_tokens_as_the_python_loop(tmp_path: Path, subwords: bool) -> None:
    rust = native.analyzer()
    texts = sample_texts(tmp_path) + _random()
    assert len(texts) > 1800 and sum(map(len, texts)) > 300_000
    different = []
    for text in texts:
        norm = analysis.normalize(text)
        words, poss, starts, ends = rust.token_lists(norm, subwords)
        got = (words, _ints(poss), _ints(starts), _ints(ends))
        if got != analysis.token_lists(norm, subwords):
            different.append(text)
    assert different == []


@rust_only
def test_analyse_arrays_maps_offsets_into_the_original_text() -> None:
    # NFKC changes the length here (ﬁ → fi, ㍿ → 株式会社): offsets must point into the original
    for text in ("ﬁle ㍿ 政府信息公开", "中华人民共和国", "２０２４年ｘｍ"):
        words, poss, starts, ends = analysis.analyse_arrays(text)
        assert (words, _ints(poss), _ints(starts), _ints(ends)) == tuple(analysis.analyse(text))


def test_the_python_loop_stands_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_NATIVE", "0")
    for cached in (native.extension, native._load, native.analyzer):
        cached.cache_clear()
    try:
        assert native.extension() is None
        assert native.analyzer() is None
        words, poss, starts, ends = analysis.analyse_arrays("政府信息公开申请")
        assert (words, _ints(poss), _ints(starts), _ints(ends)) == tuple(analysis.analyse("政府信息公开申请"))
    finally:
        monkeypatch.delenv("GONGKAI_NATIVE")
        for cached in (native.extension, native._load, native.analyzer):
            cached.cache_clear()


@rust_only
def test_a_lone_surrogate_goes_to_the_python_loop() -> None:
    text = "政府\ud800信息"
    words, poss, starts, ends = analysis.analyse_arrays(text)
    assert (words, _ints(poss), _ints(starts), _ints(ends)) == tuple(analysis.analyse(text))


@rust_only
def test_word_numbers_from_the_rust_loop_are_the_words_of_analyse_arrays(tmp_path: Path) -> None:
    """``analyse_ids`` numbers words in a ``_native.Vocab`` as a dict numbering them in order would."""
    vocab, numbers = native.vocab(), {}
    for text in [*sample_texts(tmp_path)[:300], *_random(), "ﬁle ㍿ 政府信息公开", "２０２４年ｘｍ"]:
        for subwords in (True, False):
            got = analysis.analyse_ids(text, subwords, vocab)
            assert got is not None
            words, poss, starts, ends = analysis.analyse_arrays(text, subwords)
            expected = [numbers.setdefault(w, len(numbers)) for w in words]
            assert (_ints(got[0]), got[1:]) == (expected, (poss, starts, ends)), text
    assert len(vocab) == len(numbers) and vocab.words_from(0) == list(numbers)
    assert vocab.words_from(len(numbers) - 2) == list(numbers)[-2:]
    assert vocab["一个新词"] == len(numbers) and vocab["一个新词"] == len(numbers) and len(vocab) == len(numbers) + 1
    assert analysis.analyse_ids("政府\ud800信息", True, vocab) is None  # (a lone surrogate: the Python loop)


@rust_only
def test_a_bulk_build_writes_the_same_segment_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_bulk import _build, _segment_contents, corpus

    docs = corpus()
    calls = []
    rust = native.analyzer()

    class Counting:
        def token_lists(self, norm: str, subwords: bool) -> object:
            calls.append(1)
            return rust.token_lists(norm, subwords)

        def token_ids(self, norm: str, subwords: bool, vocab: object) -> object:
            calls.append(1)
            return rust.token_ids(norm, subwords, vocab)

    monkeypatch.setattr(native, "analyzer", lambda: Counting())
    with_rust = _segment_contents(_build(tmp_path / "rust", docs, bulk=True))
    assert len(calls) > 300
    monkeypatch.setattr(native, "analyzer", lambda: None)
    monkeypatch.setattr(native, "vocab", lambda: None)  # the words numbered in Python
    monkeypatch.setattr(native, "extension", lambda: None)  # the block layout's copies in numpy too
    without = _segment_contents(_build(tmp_path / "python", docs, bulk=True))
    assert with_rust["terms"].keys() == without["terms"].keys()
    assert with_rust == without


@rust_only
def test_scatter_copies_as_numpy_does(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from gongkai.index import w3write

    rng = np.random.default_rng(7)
    lengths = rng.integers(0, 40, size=3000).astype(np.int64)
    values = rng.integers(0, 256, size=int(lengths.sum())).astype(np.uint8)
    dest = np.cumsum(lengths + rng.integers(0, 6, size=len(lengths))) - lengths  # gaps between pieces
    size = int(dest[-1] + lengths[-1]) + 3
    ours, theirs = np.zeros(size, dtype=np.uint8), np.zeros(size, dtype=np.uint8)
    ext = native.extension()
    ext.scatter(ours, dest, values, lengths)
    monkeypatch.setattr(native, "extension", lambda: None)
    w3write._scatter(theirs, dest, values, lengths)
    assert ours.tobytes() == theirs.tobytes()
    for bad in (np.array([size - 2], dtype=np.int64), np.array([-1], dtype=np.int64)):
        with pytest.raises(ValueError, match="outside"):
            ext.scatter(ours, bad, values[:5], np.array([5], dtype=np.int64))
    with pytest.raises(ValueError, match="read-only"):
        ext.scatter(b"abcdef", np.array([0], dtype=np.int64), values[:2], np.array([2], dtype=np.int64))


@rust_only
def test_word_pairs_are_found_as_numpy_finds_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.index.bulk import pair_indexes

    rng = np.random.default_rng(11)
    # (sparse: words far apart, as in a text of few words among blanks and punctuation)
    for n_docs, sparse in ((1, False), (5, False), (60, False), (5, True), (60, True)):
        # documents of tokens: words one after the other, some followed by sub-words inside them
        ids, doc, trip = [], [], []
        for d in range(n_docs):
            at = 0
            for pos in range(int(rng.integers(0, 80))):
                size = int(rng.integers(1, 5))
                ids.append(int(rng.integers(0, 50)))
                doc.append(d)
                trip.append((pos, at, at + size))
                for _ in range(int(rng.integers(0, 3)) if size > 2 else 0):
                    k = int(rng.integers(0, size - 1))
                    ids.append(int(rng.integers(0, 50)))
                    doc.append(d)
                    trip.append((pos, at + k, at + k + 2))
                at += size + (int(rng.integers(0, 400)) if sparse and rng.random() < 0.5 else 0)
        args = (np.array(ids, dtype=np.int32), np.array(doc, dtype=np.int32),
                np.array(trip, dtype=np.int32).reshape(-1, 3), rng.random(50) < 0.3)
        a, b = pair_indexes(*args)
        with monkeypatch.context() as m:
            m.setattr(native, "extension", lambda: None)
            a2, b2 = pair_indexes(*args)
        assert len(a2) > 0 or n_docs == 1
        assert a.tolist() == a2.tolist() and b.tolist() == b2.tolist()
    ext = native.extension()
    with pytest.raises(ValueError, match="document order"):
        ext.pair_tokens(np.array([0, 0], dtype=np.int32), np.array([1, 0], dtype=np.int32),
                        np.array([0, 1], dtype=np.int32), np.array([1, 2], dtype=np.int32), np.ones(1, dtype=np.uint8))
    with pytest.raises(ValueError, match="outside common"):
        ext.pair_tokens(np.array([0, 3], dtype=np.int32), np.array([0, 0], dtype=np.int32),
                        np.array([0, 1], dtype=np.int32), np.array([1, 2], dtype=np.int32), np.zeros(1, dtype=np.uint8))


@rust_only
def test_chunks_are_sorted_as_numpy_sorts_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.index.bulk import _TextField, _Vocab

    rng = np.random.default_rng(12)
    n, size = 5000, 900
    ids = (rng.zipf(1.4, size=n) % size).astype(np.int32)  # a few words everywhere, most in one document
    doc = np.sort(rng.integers(0, 40, size=n)).astype(np.int32)
    trip = rng.integers(0, 1 << 20, size=(n, 3)).astype(np.int32)
    words = [f"w{k:04d}" for k in rng.permutation(size).tolist()]  # numbered in another order than sorted

    def spilled(name: str) -> tuple[Any, ...]:
        field = _TextField(1.0, True, tmp_path / f"{name}.values")
        field.vocab = _Vocab()
        for w in words:
            field.vocab[w]
        field.sort_chunk(ids, doc, trip)
        field._spill.close()
        field._spill_postings.close()
        run = field.runs[0]
        return ((tmp_path / f"{name}.values").read_bytes(), (tmp_path / f"{name}.postings").read_bytes(),
                run.term_ids.tolist(), run.first.tolist(), run.first_occ.tolist(), run.n_postings, run.n_occ)

    ext = native.extension()
    rust = spilled("rust")
    assert [words[i] for i in rust[2]] == sorted({words[i] for i in ids.tolist()})
    monkeypatch.setattr(native, "extension", lambda: None)
    assert rust == spilled("numpy")
    with pytest.raises(ValueError, match="without a key"):
        ext.sort_chunk(ids, doc, trip, np.zeros(10, dtype=np.int32), 10)


@rust_only
def test_postings_are_put_in_rank_order_as_numpy_puts_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.index.bulk import _by_rank

    rng = np.random.default_rng(13)
    # three chunks' postings of ranks 100 .. 160, each chunk in rank order, one after the other
    parts = [np.sort(rng.integers(100, 160, size=int(rng.integers(1, 300)))) for _ in range(3)]
    rank = np.concatenate(parts).astype(np.int32)
    doc = rng.integers(0, 1000, size=len(rank)).astype(np.int32)
    freq = rng.integers(1, 6, size=len(rank)).astype(np.int32)
    occ = rng.integers(0, 1 << 20, size=(int(freq.sum()), 3)).astype(np.int32)
    rust = [a.tolist() for a in _by_rank(rank, doc, freq, occ, 100, 160)]
    ext = native.extension()
    monkeypatch.setattr(native, "extension", lambda: None)
    assert rust == [a.tolist() for a in _by_rank(rank, doc, freq, occ, 100, 160)]
    assert rust[0] == sorted(rank.tolist())
    with pytest.raises(ValueError, match="ranks in lo"):
        ext.merge_by_rank(rank, doc, freq, occ, 100, 150)
    with pytest.raises(ValueError, match="as many occurrences"):
        ext.merge_by_rank(rank, doc, freq, occ[:-1], 100, 160)


def _spans(rng: object, n_post: int, ordered: bool = True) -> tuple[object, object]:
    """Random postings (sorted section numbers) and their occurrences as ``phrases.Spans``."""
    import numpy as np

    from gongkai.index.phrases import Spans

    r = rng  # a numpy Generator
    ids = np.unique(r.integers(0, 400, size=n_post))  # type: ignore[attr-defined]
    counts = r.integers(1, 5, size=len(ids))  # type: ignore[attr-defined]
    rows = []
    for c in counts.tolist():
        starts = np.sort(r.integers(0, 30, size=c)) if ordered else r.integers(0, 30, size=c)  # type: ignore[attr-defined]
        lens = r.integers(1, 3, size=c)  # type: ignore[attr-defined]
        rows += [(s + 1, s, s + ln) for s, ln in zip(starts.tolist(), lens.tolist(), strict=True)]
    return ids, Spans(counts.astype(np.uint16), np.array(rows, dtype=np.int32).reshape(-1, 3))


@rust_only
@pytest.mark.parametrize("ordered", [True, False])
def test_phrase_steps_find_what_numpy_finds(monkeypatch: pytest.MonkeyPatch, ordered: bool) -> None:
    import numpy as np

    from gongkai.index import phrases

    rng = np.random.default_rng(3 if ordered else 4)
    found = 0
    for trial in range(60):
        words = [_spans(rng, 300, ordered) for _ in range(rng.integers(2, 5))]
        cand = words[0][0]
        for ids, _ in words[1:]:
            cand = np.intersect1d(cand, ids)
        pairs = [bool(rng.integers(0, 2)) for _ in words]
        for by_chars in (True, False):
            ours = phrases.adjacent(cand, words, by_chars=by_chars, pairs=pairs if by_chars else None)
            with monkeypatch.context() as m:
                m.setattr(native, "extension", lambda: None)
                theirs = phrases.adjacent(cand, words, by_chars=by_chars, pairs=pairs if by_chars else None)
            assert ours.tolist() == theirs.tolist(), (trial, by_chars)
            mask = np.zeros(int(max(ids.max(initial=0) for ids, _ in words)) + 1, dtype=bool)
            mask[cand] = True  # the candidates as the caller's section mask: the same positions read
            assert phrases.adjacent(cand, words, by_chars=by_chars, pairs=pairs if by_chars else None,
                                    mask=mask).tolist() == ours.tolist()
            found += int(ours.sum())
    assert found > 50  # the random occurrences do chain


@rust_only
def test_phrase_step_refuses_indexes_outside_the_lists() -> None:
    import numpy as np

    step = native.extension().phrase_step
    rows = np.zeros((2, 3), dtype=np.int32)
    one = np.array([0], dtype=np.int64)
    with pytest.raises(ValueError, match="outside"):
        step(None, np.array([1], dtype=np.int64), one, one + 1, rows, 0, 0, 2)
    with pytest.raises(ValueError, match="outside"):
        step(None, np.array([0], dtype=np.int64), one, one + 3, rows, 0, 0, 2)
    with pytest.raises(ValueError, match="columns"):
        step(None, np.array([0], dtype=np.int64), one, one + 1, rows, 3, 0, 2)


@rust_only
def test_searches_score_and_match_the_same_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_hotlists import QUERIES, _answers, _build

    path = tmp_path / "ix"
    _build(path, monkeypatch)
    with_rust = _answers(path)
    assert all(a[0] for a in with_rust)
    monkeypatch.setattr(native, "extension", lambda: None)
    assert _answers(path) == with_rust, QUERIES


@rust_only
@pytest.mark.parametrize("deleted", [False, True])
def test_words_scored_straight_from_the_files_score_as_their_lists_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      deleted: bool) -> None:
    """A phrase's words are scored from the long-list files (``hot_bm25``), not read into arrays: the same
    float64 scores to the last bit as ``hot_fill`` then ``bm25_add``, segments with deletions included."""
    from factory import make_doc
    from gongkai.index import Indexer, open_index
    from gongkai.index.query import parse_query, positive_leaves
    from gongkai.index.tables import Tables
    from test_hotlists import _build

    path = tmp_path / "ix"
    _build(path, monkeypatch)
    if deleted:
        with Indexer(path) as ix:
            ix.delete(make_doc(3).id)
            ix.upsert(make_doc(70))
    real = native.extension()

    class WithoutFused:
        def __getattr__(self, name: str) -> object:
            if name == "hot_bm25":
                raise AttributeError(name)
            return getattr(real, name)

    searcher = open_index(path).searcher()
    q = parse_query('"全面推进政务公开"')
    got = []
    for ext in (real, WithoutFused()):
        monkeypatch.setattr(native, "extension", lambda ext=ext: ext)
        t = Tables(searcher, path)
        matched = t.mask(q) | (np.arange(t.n) % 3 == 0) & t.live
        got.append(t.scores(positive_leaves(q), matched))
        if ext is real:  # the words' lists were not kept: scored from the files
            assert not any(key[0] in ("title", "heading", "body") for key in t._postings)
    assert got[0].any() and got[0].tolist() == got[1].tolist()
    searcher.close()
