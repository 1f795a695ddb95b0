"""Whoosh's W3 posting lists and term dictionary, written with numpy for whole fields at once.

Whoosh's own writer (``whoosh.codec.whoosh3.W3PostingsWriter``) spends most of a build in Python
per posting. This module writes the same on-disk structure from arrays:

- a term's postings start with ``b"W3Bl"`` and are cut into blocks of ``BLOCK`` postings (512:
  Whoosh's own writer cuts them every 128, its codec's ``blocklimit``, and its reader reads a block
  of any size); each block is a big-endian int32 length (negative for the term's last block),
  the pickled info tuple ``(count, last id, max weight, compression, min length byte, max length
  byte)`` and the pickle of ``(ids, weights, values)``, zlib-format compressed
  (``deflate.compress_block``; the info's compression is ``LEVEL``), except blocks under ``SMALL``
  bytes and those compression would not make smaller: they stay as they are, their compression 0,
  and Whoosh's reader does not decompress them;
  ids delta-encoded from 0 in every block, weights ``None`` when all 1.0, one float when all
  equal, else a tuple (of ints when all are whole, as frequencies are, else of floats), values
  ``None`` for fixed-size-0 formats, else a tuple of bytes; ints in pickle's shortest opcode;
- the term dictionary is Whoosh's own ``OrderedHashWriter``, keyed by field number + term bytes,
  valued by ``W3TermInfo`` bytes.

The pickles are written opcode by opcode (4-byte ints, 8-byte floats, short bytes), which is
not byte-for-byte what ``pickle.dumps(..., 2)`` writes but unpickles to exactly the same tuples;
Whoosh's reader only ever unpickles them. ``tests/test_bulk.py`` reads segments back through
Whoosh and compares them with Whoosh's writer.

The blocks are laid out and compressed in Rust where the extension is built
(``_native.encode_postings``: one call per group of terms, where numpy's layout takes a dozen array
passes and Python a few calls per block), otherwise in numpy (``_encode``); both compress with
``deflate.compress_block`` and write the same bytes (``tests/test_w3write.py``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.util.numeric import _length_byte_cache

from . import native
from .deflate import LEVEL, compress_block

MAGIC = b"W3Bl"
# Postings per block. Every block is a zlib stream of its own, and ISA-L compresses small streams slowly
# (a 2.4 kB block at 200 MB/s, a 23 kB one at 800): blocks of 512 made bulk builds 7 % faster and the
# postings files 12 % smaller than Whoosh's 128, and a list is read in fewer blocks (``postread``).
BLOCK = 512
_INFO = 30  # bytes of our pickled block info tuple
# Blocks shorter than this are stored as they are: half of a field's blocks hold a posting or two, 30 to
# 60 bytes that zlib's header and checksum would make longer.
SMALL = 64
_TERMINFO = struct.Struct(W3TermInfo._struct.format)
_EXTENT = struct.Struct("!qi")
_INT = struct.Struct("!i")
_LENGTH_CACHE = np.frombuffer(_length_byte_cache.tobytes(), dtype=np.int32)
_J, _G, _N, _MARK, _TUPLE, _STOP, _K, _M = (ord(c) for c in "JGN(t.KM")
_SHORT_BYTES, _BYTES = ord("C"), ord("B")


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's ``length_to_byte`` of every field length (0 stays 0)."""
    out = np.searchsorted(_LENGTH_CACHE, lengths, side="left")
    out[lengths >= 106374] = 255
    return out.astype(np.uint8)


@dataclass
class Postings:
    """The postings of some consecutive terms of one field, in (term, document) order."""

    terms: list[bytes]  # the terms, in order
    term_start: np.ndarray  # int64: index of each term's first posting
    doc: np.ndarray  # int64: document number of each posting
    weight: np.ndarray  # float32
    values: np.ndarray | None = None  # uint8: all posting values, concatenated (None: no values)
    value_len: np.ndarray | None = None  # int64: bytes of each posting's value
    len_byte: np.ndarray | None = None  # uint8 length byte of each posting's document (None: unscored)


def _put(buf: np.ndarray, at: np.ndarray, data: np.ndarray, width: int) -> None:
    """Write ``width`` bytes of each row of ``data`` (already in byte form) at offsets ``at``."""
    if not len(at):
        return
    if (ext := native.extension()) is not None:
        ext.scatter(buf, at.astype(np.int64), np.ascontiguousarray(data.reshape(-1)),
                    np.full(len(at), width, dtype=np.int64))
        return
    buf[at[:, None] + np.arange(width)] = data.reshape(len(at), width)


def _int_sizes(v: np.ndarray) -> np.ndarray:
    """Bytes of each non-negative int below 2**31 in pickle's shortest opcode for it (``_put_ints``)."""
    return np.where(v < 256, 2, np.where(v < 65536, 3, 5))


def _put_ints(buf: np.ndarray, at: np.ndarray, v: np.ndarray) -> None:
    """Each of ``v`` at ``at`` in pickle's shortest opcode, as ``pickle.dumps`` writes it: BININT1 (one
    byte), BININT2 (two) or BININT (four)."""
    for op, lo, hi, width, kind in ((_K, 0, 256, 1, "<u1"), (_M, 256, 65536, 2, "<u2"), (_J, 65536, 2**31, 4, "<i4")):
        sel = (v >= lo) & (v < hi)
        buf[at[sel]] = op
        _put(buf, at[sel] + 1, v[sel].astype(kind).view(np.uint8), width)


def _within(item: np.ndarray, bstart: np.ndarray, blk: np.ndarray) -> np.ndarray:
    """Each item's offset in its block, from the items' sizes (blocks start at ``bstart``)."""
    excl = np.cumsum(item) - item
    return excl - excl[bstart][blk]


def _ends(starts: np.ndarray, total: int) -> np.ndarray:
    return np.append(starts[1:], total)


def write_postings(f: Any, p: Postings) -> list[tuple[bytes, bytes]]:
    """Append ``p``'s posting lists to the postings file ``f``; return (term, terminfo bytes) pairs."""
    n_post, n_terms = len(p.doc), len(p.terms)
    if not n_terms:
        return []
    n_t = _ends(p.term_start, n_post) - p.term_start
    doc = p.doc.astype(np.int64)
    w = p.weight.astype(np.float32)
    lb = p.len_byte if p.len_byte is not None else np.zeros(n_post, dtype=np.uint8)
    pos = f.tell()
    if (ext := native.extension()) is not None:
        data, offs = ext.encode_postings(
            np.ascontiguousarray(p.term_start, dtype=np.int64), doc, w, np.ascontiguousarray(lb, dtype=np.uint8),
            BLOCK, SMALL, LEVEL, compress_block, None if p.values is None else np.ascontiguousarray(p.values),
            None if p.value_len is None else np.ascontiguousarray(p.value_len, dtype=np.int64))
        f.write(data)
        offsets = (np.frombuffer(offs, dtype=np.int64) + pos).tolist()
    else:
        data, term_at = _encode(p, n_t, doc, w, lb)
        f.write(data)
        offsets = [pos + at for at in term_at]

    wsum = np.add.reduceat(w.astype(np.float64), p.term_start).tolist()
    tmax = np.maximum.reduceat(w, p.term_start).tolist()
    tmin_lb = np.minimum.reduceat(np.where(lb == 0, 256, lb.astype(np.int16)), p.term_start)
    tmin_lb[tmin_lb == 256] = 0
    tmax_lb = np.maximum.reduceat(lb, p.term_start).tolist()
    minid = doc[p.term_start].tolist()
    maxid = doc[p.term_start + n_t - 1].tolist()
    pack_ti, pack_ext = _TERMINFO.pack, _EXTENT.pack
    return [(term, pack_ti(0, ws, df, mn, mx, wm, a, z) + pack_ext(off, end - off))
            for term, ws, df, mn, mx, wm, a, z, off, end
            in zip(p.terms, wsum, n_t.tolist(), tmin_lb.tolist(), tmax_lb, tmax, minid, maxid, offsets[:-1],
                   offsets[1:], strict=True)]


def _encode(p: Postings, n_t: np.ndarray, doc: np.ndarray, w: np.ndarray, lb: np.ndarray
            ) -> tuple[bytes, list[int]]:
    """``_native.encode_postings`` in numpy (where the extension is not built): a group's posting lists
    and where each term's list starts in them, then their end."""
    n_post, n_terms = len(doc), len(n_t)
    nb_t = (n_t + BLOCK - 1) // BLOCK
    bfirst_t = np.cumsum(nb_t) - nb_t
    ti = np.repeat(np.arange(n_terms), n_t)
    rank = np.arange(n_post) - p.term_start[ti]
    blk = bfirst_t[ti] + rank // BLOCK
    n_blocks = int(nb_t.sum())
    bstart = np.flatnonzero(np.diff(blk, prepend=-1))
    bn = _ends(bstart, n_post) - bstart
    delta = doc.copy()
    delta[1:] -= doc[:-1]
    delta[bstart] = doc[bstart]
    id_item = _int_sizes(delta)
    id_bytes = np.add.reduceat(id_item, bstart)
    wmax = np.maximum.reduceat(w, bstart)
    wmin = np.minimum.reduceat(w, bstart)
    ones = (wmax == 1.0) & (wmin == 1.0)
    same = (wmax == wmin) & ~ones
    many = ~(ones | same)
    # A block's varied weights: ints where all are whole (frequencies), else floats.
    whole = np.logical_and.reduceat((w >= 0) & (w < 2.0**31) & (w == np.floor(w)), bstart)
    w_item = np.where(whole[blk], _int_sizes(w.astype(np.int64)), 9)
    wsize = np.where(ones, 1, np.where(same, 9, 2 + np.add.reduceat(w_item, bstart)))
    if p.values is None:
        vsize = np.ones(n_blocks, dtype=np.int64)
        vitem = None
    else:
        assert p.value_len is not None
        vitem = np.where(p.value_len < 256, 2, 5) + p.value_len
        vsize = 2 + np.add.reduceat(vitem, bstart)
    size = 4 + id_bytes + 1 + wsize + vsize + 2
    boff = np.cumsum(size) - size
    buf = np.zeros(int(size.sum()), dtype=np.uint8)
    buf[boff] = 0x80
    buf[boff + 1] = 3
    buf[boff + 2] = _MARK
    buf[boff + 3] = _MARK
    _put_ints(buf, boff[blk] + 4 + _within(id_item, bstart, blk), delta)
    wpos = boff + 4 + id_bytes
    buf[wpos] = _TUPLE
    wpos += 1
    buf[wpos[ones]] = _N
    buf[wpos[same]] = _G
    _put(buf, wpos[same] + 1, wmax[same].astype(">f8").view(np.uint8), 8)
    buf[wpos[many]] = _MARK
    buf[wpos[many] + wsize[many] - 1] = _TUPLE
    sel = many[blk]
    gpos = wpos[blk] + 1 + _within(w_item, bstart, blk)
    ints, floats = sel & whole[blk], sel & ~whole[blk]
    _put_ints(buf, gpos[ints], w[ints].astype(np.int64))
    buf[gpos[floats]] = _G
    _put(buf, gpos[floats] + 1, w[floats].astype(">f8").view(np.uint8), 8)
    vpos = wpos + wsize
    if p.values is None or vitem is None:
        buf[vpos] = _N
    else:
        assert p.value_len is not None
        buf[vpos] = _MARK
        buf[vpos + vsize - 1] = _TUPLE
        ipos = vpos[blk] + 1 + _within(vitem, bstart, blk)
        short = p.value_len < 256
        buf[ipos[short]] = _SHORT_BYTES
        buf[ipos[short] + 1] = p.value_len[short]
        buf[ipos[~short]] = _BYTES
        _put(buf, ipos[~short] + 1, p.value_len[~short].astype("<u4").view(np.uint8), 4)
        _scatter(buf, ipos + np.where(short, 2, 5), p.values, p.value_len)
    buf[boff + size - 2] = _TUPLE
    buf[boff + size - 1] = _STOP

    lb_max = np.maximum.reduceat(lb, bstart)
    lb_min = np.minimum.reduceat(np.where(lb == 0, 256, lb.astype(np.int16)), bstart)
    lb_min[lb_min == 256] = 0
    info = np.zeros((n_blocks, _INFO), dtype=np.uint8)
    info[:, 0], info[:, 1], info[:, 2] = 0x80, 2, _MARK
    info[:, 3] = _J
    info[:, 4:8] = bn.astype("<i4").view(np.uint8).reshape(-1, 4)
    info[:, 8] = _J
    info[:, 9:13] = doc[bstart + bn - 1].astype("<i4").view(np.uint8).reshape(-1, 4)
    info[:, 13] = _G
    info[:, 14:22] = wmax.astype(">f8").view(np.uint8).reshape(-1, 8)
    info[:, 22], info[:, 23] = _K, LEVEL
    info[:, 24], info[:, 25] = _K, lb_min
    info[:, 26], info[:, 27] = _K, lb_max
    info[:, 28], info[:, 29] = _TUPLE, _STOP

    # Compress block by block (a block compression would not make smaller stays as it is, its
    # compression 0) and lay the blocks out term after term.
    mv = memoryview(buf.data)
    datas: list[bytes | memoryview] = []
    for b, (s, e) in enumerate(zip(boff.tolist(), (boff + size).tolist(), strict=True)):
        data = compress_block(mv[s:e]) if LEVEL and e - s >= SMALL else mv[s:e]
        if len(data) >= e - s:
            data = mv[s:e]
            info[b, 23] = 0
        datas.append(data)
    first = np.zeros(n_blocks, dtype=bool)
    first[bfirst_t] = True
    last = np.zeros(n_blocks, dtype=bool)
    last[bfirst_t + nb_t - 1] = True
    infob = memoryview(info.tobytes())
    out: list[bytes | memoryview] = []
    term_at: list[int] = []
    at = 0
    pack = _INT.pack
    for b, (is_first, is_last, data) in enumerate(zip(first.tolist(), last.tolist(), datas, strict=True)):
        if is_first:
            term_at.append(at)
            out.append(MAGIC)
            at += 4
        length = _INFO + len(data)
        out.append(pack(-length if is_last else length))
        out.append(infob[b * _INFO : (b + 1) * _INFO])
        out.append(data)
        at += 4 + length
    term_at.append(at)
    return b"".join(out), term_at


_SCATTER_BYTES = 1 << 20  # bytes copied per step (its index arrays take 8 bytes per byte copied)


def _scatter(buf: np.ndarray, dest: np.ndarray, values: np.ndarray, lengths: np.ndarray) -> None:
    """Copy consecutive ``lengths``-byte pieces of ``values`` to the offsets ``dest`` of ``buf`` (in Rust
    where the extension is built; numpy's fancy indexing needs eight bytes of index per byte copied)."""
    if (ext := native.extension()) is not None:
        ext.scatter(buf, dest.astype(np.int64), np.ascontiguousarray(values), lengths.astype(np.int64))
        return
    src = np.cumsum(lengths) - lengths
    i, n = 0, len(lengths)
    while i < n:
        j = int(np.searchsorted(src, src[i] + _SCATTER_BYTES, side="left"))
        j = max(j, i + 1)
        lens = lengths[i:j]
        total = int(lens.sum())
        if total:
            base = int(src[i])
            idx = np.repeat(dest[i:j] - (src[i:j] - base), lens) + np.arange(total)
            buf[idx] = values[base : base + total]
        i = j
