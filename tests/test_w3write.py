"""Posting lists laid out by the extension (``_native.encode_postings``) and by numpy
(``w3write._encode``) are the same bytes; small blocks, and blocks that compression would not
shrink, are stored as they are."""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from typing import Any

import numpy as np
import pytest

from gongkai.index import native, w3write
from gongkai.index.w3write import BLOCK, MAGIC, Postings

rust_only = pytest.mark.skipif(native.extension() is None, reason="gongkai._native is not built (no cargo)")


def _postings(rng: np.random.Generator, with_values: bool) -> Postings:
    """Terms of every kind: one posting (most of a real field's), several blocks, long values, weights
    all 1.0, all equal, varied and whole (frequencies) or not, documents without a length byte."""
    sizes = [1] * 40 + [2, 3, 7, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5] + list(rng.integers(1, 60, size=20))
    docs, weights = [], []
    for k, n in enumerate(sizes):
        docs.append(np.sort(rng.choice(200_000, size=n, replace=False)))  # ids of 1, 2 and 4 bytes
        weights.append(np.ones(n) if k % 4 == 0 else np.full(n, 2.5) if k % 4 == 1
                       else rng.integers(1, 9, size=n) * 1.5 if k % 4 == 2 else rng.integers(1, 300, size=n))
    doc = np.concatenate(docs).astype(np.int64)
    term_start = (np.cumsum(sizes) - sizes).astype(np.int64)
    freq = rng.integers(1, 4, size=len(doc))
    freq[rng.choice(len(doc), size=5, replace=False)] = 30  # values of 360 bytes: past a short byte string
    len_byte = rng.integers(0, 256, size=len(doc)).astype(np.uint8)
    len_byte[::7] = 0
    value_len = 12 * freq.astype(np.int64) if with_values else None
    values = rng.integers(0, 40, size=int(value_len.sum())).astype(np.uint8) if with_values else None
    return Postings(terms=[f"t{k:03d}".encode() for k in range(len(sizes))], term_start=term_start, doc=doc,
                    weight=np.concatenate(weights).astype(np.float32), values=values, value_len=value_len,
                    len_byte=len_byte)


def _write(p: Postings) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    f = io.BytesIO()
    f.write(b"head")  # term offsets are file offsets
    infos = w3write.write_postings(f, p)
    return f.getvalue(), infos


def _lists(data: bytes, infos: list[tuple[bytes, bytes]]) -> list[list[tuple[Any, ...]]]:
    """Each term's blocks: (last, info, level used, pickled data decompressed)."""
    out = []
    for _, info in infos:
        offset, length = struct.unpack("!qi", info[-12:])
        assert data[offset : offset + 4] == MAGIC
        pos, end, blocks = offset + 4, offset + length, []
        while pos < end:
            (size,) = struct.unpack_from("!i", data, pos)
            buf = io.BytesIO(data[pos + 4 : pos + 4 + abs(size)])
            count, maxid, maxw, level, lmin, lmax = pickle.load(buf)
            body = buf.read()
            blocks.append((size < 0, (count, maxid, maxw, lmin, lmax), level, zlib.decompress(body) if level else body))
            pos += 4 + abs(size)
        assert pos == end and blocks[-1][0]
        out.append(blocks)
    return out


@rust_only
@pytest.mark.parametrize("level", [w3write.LEVEL, 0])
@pytest.mark.parametrize("with_values", [True, False])
def test_the_extension_writes_the_bytes_numpy_writes(monkeypatch: pytest.MonkeyPatch, with_values: bool,
                                                     level: int) -> None:
    monkeypatch.setattr(w3write, "LEVEL", level)
    p = _postings(np.random.default_rng(15), with_values)
    rust = _write(p)
    monkeypatch.setattr(native, "extension", lambda: None)
    assert rust == _write(p)
    levels = {used for t in _lists(*rust) for _, _, used, _ in t}
    assert levels == ({0, level} if level else {0})
    # The blocks unpickle to Whoosh's (ids, weights, values) tuples.
    full = next(t for t in _lists(*rust) if t[0][1][0] == BLOCK)  # a term with a full first block
    ids, weights, values = pickle.loads(full[0][3])
    assert len(ids) == BLOCK and (values is None) != with_values


def test_blocks_compression_would_not_shrink_are_stored_as_they_are() -> None:
    data, infos = _write(_postings(np.random.default_rng(17), True))
    for blocks in _lists(data, infos):
        for _, _, level, body in blocks:
            packed = len(zlib.compress(body, 1))
            if len(body) < w3write.SMALL:
                assert level == 0
            elif packed < len(body) / 2:
                assert level == w3write.LEVEL


@rust_only
def test_the_extension_refuses_what_is_not_a_posting_list() -> None:
    ext = native.extension()
    doc = np.arange(5, dtype=np.int64)
    w, lb = np.ones(5, dtype=np.float32), np.zeros(5, dtype=np.uint8)
    cases = [
        (np.array([0, 3, 3], dtype=np.int64), doc, w, lb, None, None, "ascending"),
        (np.array([1], dtype=np.int64), doc, w, lb, None, None, "start at 0"),
        (np.array([0], dtype=np.int64), doc, w[:4], lb, None, None, "one value per posting"),
        (np.array([0], dtype=np.int64), doc - 1, w, lb, None, None, "0 .. 2"),
        (np.array([0], dtype=np.int64), doc, w, lb, np.zeros(10, dtype=np.uint8), np.full(5, 3, dtype=np.int64),
         "adding up"),
        (np.array([0], dtype=np.int64), doc, w, lb, np.zeros(10, dtype=np.uint8), None, "together"),
    ]
    for ts, d, ww, ll, values, value_len, message in cases:
        with pytest.raises(ValueError, match=message):
            ext.encode_postings(ts, d, ww, ll, BLOCK, w3write.SMALL, 1, w3write.compress_block, values, value_len)


@pytest.mark.parametrize("with_values", [True, False])
def test_the_blocks_unpickle_to_the_postings(with_values: bool) -> None:
    p = _postings(np.random.default_rng(18), with_values)
    data, infos = _write(p)
    ends = np.append(p.term_start[1:], len(p.doc))
    value_at = np.concatenate(([0], np.cumsum(p.value_len))) if with_values else None
    kinds = set()
    for t, blocks in enumerate(_lists(data, infos)):
        docs, weights, values = [], [], []
        for _, (count, maxid, _, _, _), _, body in blocks:
            ids, w, vs = pickle.loads(body)
            assert len(ids) == count and sum(ids) == maxid  # delta-encoded from 0 in every block
            docs += np.cumsum(ids).tolist()
            weights += [1.0] * count if w is None else [w] * count if isinstance(w, float) else list(w)
            kinds.add(type(w).__name__ if w is None or isinstance(w, float) else {type(x).__name__ for x in w}.pop())
            values += list(vs) if with_values else [vs]
        a, b = int(p.term_start[t]), int(ends[t])
        assert docs == p.doc[a:b].tolist()
        assert weights == p.weight[a:b].tolist()  # (an int equals its float)
        if with_values:
            assert values == [bytes(p.values[value_at[i]:value_at[i + 1]]) for i in range(a, b)]
        else:
            assert values == [None] * len(blocks)
    assert kinds == {"NoneType", "float", "int"}  # all 1.0, one float, and whole weights as ints
