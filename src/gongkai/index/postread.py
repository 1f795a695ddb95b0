"""Whole posting lists read straight from a segment's W3 postings file, block after block.

Whoosh's matcher decodes a block's document ids one by one through a Python generator and hands
them over one at a time; ``term_postings`` reads the term's whole extent with one read, unpickles
each block as Whoosh does and turns the ids into an array with one ``cumsum`` — the same numbers,
in C. Inlined posting lists (which Whoosh's W3 writer never produces with its default settings,
but a codec option could) and other segment types go through Whoosh's matcher.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec
from whoosh.reading import TermNotFound

from .deflate import decompress
from .formats import CharSpans
from .phrases import Spans

_INT = struct.Struct("!i")


def term_postings(leaf: Any, field: str, text: Any, values: bool
                  ) -> tuple[np.ndarray, np.ndarray, list[Any] | Spans] | None:
    """(ids, weights, values or []) of one term in one segment; None when the term is not there.
    Values of a ``CharSpans`` field come as one ``Spans`` (no object per posting).

    Raises ``NotImplementedError`` for posting lists this reader does not handle (use the matcher)."""
    terms = getattr(leaf, "_terms", None)
    if terms is None or not isinstance(getattr(terms, "_codec", None), W3Codec):
        raise NotImplementedError
    fieldobj = leaf.schema[field]
    btext = text if isinstance(text, bytes) else fieldobj.to_bytes(text)
    try:
        info = terms.term_info(field, btext)
    except (TermNotFound, KeyError):
        return None
    if info.is_inlined():
        raise NotImplementedError
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps the unpacked tuple
        length = length[0]
    data = terms._postfile.get(offset, length)
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise NotImplementedError
    fixed = fieldobj.format.fixed_value_size()
    packed = values and isinstance(fieldobj.format, CharSpans)
    counts: list[np.ndarray] = []
    raws: list[bytes] = []
    ids_parts: list[np.ndarray] = []
    w_parts: list[np.ndarray] = []
    vals: list[Any] = []
    pos = 4
    buf = io.BytesIO(data)
    while pos < len(data):
        blocklen = _INT.unpack_from(data, pos)[0]
        last = blocklen < 0
        end = pos + 4 + abs(blocklen)
        buf.seek(pos + 4)
        count, _maxid, _maxw, comp, _mn, _mx = pickle.load(buf)
        raw = data[buf.tell() : end]
        ids, weights, vs = pickle.loads(decompress(raw) if comp else raw)
        ids_parts.append(np.cumsum(np.asarray(ids, dtype=np.int64)))
        if weights is None:
            w_parts.append(np.ones(count, dtype=np.float32))
        elif isinstance(weights, float):
            w_parts.append(np.full(count, weights, dtype=np.float32))
        else:
            w_parts.append(np.asarray(weights, dtype=np.float32))
        if packed:
            counts.append(np.fromiter(map(len, vs), dtype=np.int64, count=count) // 12)
            raws.append(b"".join(vs))
        elif values:
            if fixed is None or fixed < 0:
                vals.extend(vs)
            elif fixed == 0:
                vals.extend([None] * count)
            else:
                vals.extend(vs[i : i + fixed] for i in range(0, len(vs), fixed))
        pos = end
        if last:
            break
    if packed:
        rows = np.frombuffer(b"".join(raws), dtype=np.int32).reshape(-1, 3)
        spans = Spans(np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64), rows)
    if not ids_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), spans if packed else []
    return np.concatenate(ids_parts), np.concatenate(w_parts), spans if packed else vals


def prefetch_dictionaries(folder: Path | str, segment_ids: Iterable[str]) -> threading.Thread | None:
    """Ask the kernel to read the segments' term dictionaries (``.trm``) in the background.

    Every term of a search is looked up in every segment: two or three small reads at scattered
    places of each dictionary (Whoosh's hash table: its slot, then the key and its postings' extent).
    Read from the disk one page at a time, that is 77 µs a page on this machine, 0.3 s for a 3-word
    phrase over 78 segments when nothing is cached; asked for whole when the index opens (a few MB per
    segment, 2 % of the index), they are read in large requests while the process does other work.
    The asking itself walks each file's cached pages (about 0.1 ms a segment even when all are
    cached), so a thread of its own does it while the search goes on (the call releases the
    interpreter's lock); it is returned, for whoever wants to wait. Errors are ignored: this only
    changes when the pages are read."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return None
    paths = [os.path.join(folder, seg_id + W3Codec.TERMS_EXT) for seg_id in segment_ids]
    thread = threading.Thread(target=_advise_whole, args=(advise, paths), name="gongkai-prefetch", daemon=True)
    thread.start()
    return thread


def _advise_whole(advise: Any, paths: list[str]) -> None:
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)
