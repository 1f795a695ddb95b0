"""Batch indexing: whole Whoosh segments built from arrays instead of one posting at a time.

``SegmentBuilder`` takes the Whoosh documents of a batch (``writer.section_fields``), analyses
each text once into token arrays, and writes a complete segment in Whoosh's own W3 format:

- stored fields, field lengths and sortable columns are kept column by column (``bulkcols``) and
  written at the end through Whoosh's own per-document writer (``W3PerDocWriter``): the same files
  as its per-document calls make;
- the inverted index (term dictionary and posting lists) is built with numpy: tokens are
  collected per chunk of documents, each chunk is sorted by (term, document) once and spilled to
  files, and at the end the chunks' postings are merged by term and encoded by ``w3write``.

A finished segment is a ``W3Segment`` whose files are in the index folder but in no generation
yet; ``Indexer`` adds it to a Whoosh commit (which writes the new generation's TOC atomically),
so a kill before that commit leaves the previous generation as it was (the orphan files are
removed by the next commit). Whoosh's writer stays in charge of small updates, deletions and
merges, and Whoosh's reader (and ``tables``) read these segments like any other.
"""

from __future__ import annotations

import contextlib
import os
from array import array
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import W3PerDocWriter, W3Segment
from whoosh.fields import FieldType
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.formats import Existence
from whoosh.system import pack_ushort

from . import native
from .analysis import PAIR_SEP, ChineseTokenizer, PairTokenizer, analyse_arrays, analyse_ids
from .bulkcols import Columns
from .deflate import LEVEL, compress
from .formats import CharSpans
from .gentables import STRINGS, TEXT_LENGTHS, write_sidecar
from .hotlists import SUFFIX as HOT_SUFFIX
from .hotlists import HotWriter
from .schema import PAIR_FIELDS
from .w3write import Postings, length_bytes, write_postings

CHUNK_TOKENS = 100_000  # tokens sorted together (each text field holds one chunk's arrays meanwhile)
GROUP_POSTINGS = 100_000  # postings encoded together (bounds the encoder's memory)
GROUP_OCCURRENCES = 500_000
KEY_CACHE = 4096  # values of a key field whose terms are kept
_NOTHING = object()


class _Vocab(dict[Any, int]):
    """term -> number, numbering new terms in the order they come (``_native.Vocab`` in Python)."""

    def __init__(self) -> None:
        super().__init__()
        self._terms: list[Any] = []

    def __missing__(self, key: Any) -> int:
        n = self[key] = len(self)
        self._terms.append(key)
        return n

    def words_from(self, start: int) -> list[Any]:
        return self._terms[start:]


def _rank(keys: list[Any]) -> np.ndarray:
    """rank[i] = place of keys[i] in sorted order (str order is UTF-8 byte order)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(len(keys))
    return rank


def _bounds(sizes: np.ndarray, term_start: np.ndarray, limit: int) -> list[int]:
    """Cut points (term indexes) so that each group of terms holds about ``limit`` of ``sizes``."""
    cum = np.cumsum(sizes)
    before = np.concatenate(([0], cum))[term_start]  # total before each term's first posting
    cuts = [0]
    while True:
        nxt = int(np.searchsorted(before, before[cuts[-1]] + limit, side="right"))
        if nxt >= len(term_start):
            break
        cuts.append(max(nxt - 1, cuts[-1] + 1))
    cuts.append(len(term_start))
    return cuts


class _Run:
    """One closed chunk of a text field: where each of its terms starts in the spill files."""

    def __init__(self, term_ids: np.ndarray, first: np.ndarray, first_occ: np.ndarray, n_postings: int, n_occ: int,
                 posting_base: int, occ_base: int) -> None:
        self.term_ids = term_ids  # the chunk's terms (vocabulary numbers), in term order
        self.first = first  # index (in the chunk's postings) of each term's first posting
        self.first_occ = first_occ  # index (in the chunk's occurrences) of each term's first occurrence
        self.n_postings, self.n_occ = n_postings, n_occ
        self.posting_base, self.occ_base = posting_base, occ_base  # where the chunk starts in the spill files
        self.rank = term_ids  # replaced by the terms' ranks in the whole vocabulary when the field is written


def pair_indexes(ids: np.ndarray, doc: np.ndarray, trip: np.ndarray, common: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(a, b): every token b starting where a token a of its document ends (``trip[:, 1]`` and
    ``trip[:, 2]``), a or b common (``common[id]``); a in token order, and one a's bs in token order.
    Tokens come in document order. In Rust where the extension is built (``_native.pair_tokens``)."""
    if (ext := native.extension()) is not None:
        raw_a, raw_b = ext.pair_tokens(np.ascontiguousarray(ids, dtype=np.int32),
                                       np.ascontiguousarray(doc, dtype=np.int32),
                                       np.ascontiguousarray(trip[:, 1]), np.ascontiguousarray(trip[:, 2]),
                                       common.view(np.uint8))
        return np.frombuffer(raw_a, dtype=np.int32), np.frombuffer(raw_b, dtype=np.int32)
    d64 = doc.astype(np.int64) << 32
    key_start = d64 | trip[:, 1].astype(np.int64)
    key_end = d64 | trip[:, 2].astype(np.int64)
    order = np.argsort(key_start, kind="stable")  # stable: tokens starting at one character in token order
    sorted_start = key_start[order]
    lo = np.searchsorted(sorted_start, key_end, side="left")
    cnt = np.searchsorted(sorted_start, key_end, side="right") - lo
    total = int(cnt.sum())
    a = np.repeat(np.arange(len(ids)), cnt)
    b = order[np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)]
    keep = common[ids[a]] | common[ids[b]]
    return a[keep], b[keep]


class _TextField:
    """Token arrays of one text field (CharSpans postings), chunk by chunk.

    Each closed chunk is sorted by term; its postings (document, frequency) and their values (the
    occurrences' int32 triples) go to two spill files, and only where each of its terms starts stays in
    memory (``_Run``); at the end, terms are encoded group by group, each group's postings and values
    read back from every chunk. Memory thus holds one chunk and one group, whatever the segment's size."""

    def __init__(self, boost: float, subwords: bool, spill: Path, common: frozenset[str] | None = None) -> None:
        self.boost = boost
        self.subwords = subwords
        # A pair field: its common words and pair term numbers by (first word, second word) number.
        self.common = common or frozenset()
        self.pair_keys: dict[int, int] = {}
        self.pairs: _TextField | None = None  # this field's pair field, if it has one
        self._common = np.zeros(0, dtype=bool)  # per word number: is it common (for ``pairs``)
        # The words' numbers: filled by the Rust analyzer loop where it is used (``analysis.analyse_ids``).
        self.rust_vocab = native.vocab()
        self.vocab: Any = self.rust_vocab if self.rust_vocab is not None else _Vocab()
        self._words: list[str] = []
        self.lengths = array("i")
        self._last: tuple[str, bytes, bytes, bytes, bytes] | None = None
        self._new_chunk()
        self.runs: list[_Run] = []
        self.spill_path = spill
        self._spill: Any = None
        self._spill_postings: Any = None
        self._postings_written = 0
        self.occurrences = 0

    def _new_chunk(self) -> None:
        self.c_terms, self.c_pos, self.c_start, self.c_end = array("i"), array("i"), array("i"), array("i")
        self.c_docs, self.c_counts = array("i"), array("i")

    @property
    def pending(self) -> int:
        return len(self.c_terms)

    def add(self, docnum: int, value: str) -> int:
        last = self._last
        if last is not None and last[0] == value:
            _, ids, poss, starts, ends = last
        else:
            got = None if self.rust_vocab is None else analyse_ids(value, self.subwords, self.rust_vocab)
            if got is None:
                words, poss, starts, ends = analyse_arrays(value, self.subwords)
                ids = array("i", map(self.vocab.__getitem__, words)).tobytes()
            else:
                ids, poss, starts, ends = got
            self._last = (value, ids, poss, starts, ends)
        n = len(ids) // 4
        if len(self.lengths) < docnum:
            self.lengths.extend([0] * (docnum - len(self.lengths)))
        self.lengths.append(n)
        if n:
            self.c_terms.frombytes(ids)
            self.c_pos.frombytes(poss)
            self.c_start.frombytes(starts)
            self.c_end.frombytes(ends)
            self.c_docs.append(docnum)
            self.c_counts.append(n)
        return n

    def close_chunk(self) -> None:
        """Sort the chunk's tokens by (term, document) into postings; spill their values in that order.
        A field with a pair field (``pairs``) hands it the chunk's word pairs first."""
        n = len(self.c_terms)
        if not n:
            return
        ids = np.frombuffer(self.c_terms, dtype=np.int32).copy()
        doc = np.repeat(np.frombuffer(self.c_docs, dtype=np.int32), np.frombuffer(self.c_counts, dtype=np.int32))
        trip = np.empty((n, 3), dtype=np.int32)
        trip[:, 0] = np.frombuffer(self.c_pos, dtype=np.int32)
        trip[:, 1] = np.frombuffer(self.c_start, dtype=np.int32)
        trip[:, 2] = np.frombuffer(self.c_end, dtype=np.int32)
        self._new_chunk()
        if self.pairs is not None:
            self.pairs.sort_chunk(*self._pair_tokens(ids, doc, trip))
        self.sort_chunk(ids, doc, trip)

    def _pair_tokens(self, ids: np.ndarray, doc: np.ndarray, trip: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The chunk's word pairs (``analysis.pair_lists``, same order) as pair-term ids, documents and
        (join, start, end) triples: every token B starting where a token A of the document ends, A or B common."""
        pairs = self.pairs
        assert pairs is not None
        words = self.words()
        common = self._common
        if len(common) < len(words):
            grown = np.zeros(len(words), dtype=bool)
            grown[: len(common)] = common
            grown[len(common):] = [w in pairs.common for w in words[len(common):]]
            common = self._common = grown
        a, b = pair_indexes(ids, doc, trip, common)
        p_trip = np.empty((len(a), 3), dtype=np.int32)
        p_trip[:, 0] = trip[b, 1]
        p_trip[:, 1] = trip[a, 1]
        p_trip[:, 2] = trip[b, 2]
        return self._pair_ids(ids[a], ids[b]), doc[a], p_trip

    def _pair_ids(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The pair field's numbers of the word pairs (first[i], second[i]) (this field's word numbers)."""
        pairs = self.pairs
        assert pairs is not None
        if self.rust_vocab is not None and pairs.rust_vocab is not None:
            raw = pairs.rust_vocab.pair_ids(self.rust_vocab, np.ascontiguousarray(first, dtype=np.int32),
                                            np.ascontiguousarray(second, dtype=np.int32), PAIR_SEP)
            return np.frombuffer(raw, dtype=np.int32)
        words = self.words()
        key = (first.astype(np.int64) << 32) | second.astype(np.int64)
        uniq, inv = np.unique(key, return_inverse=True)
        known, vocab = pairs.pair_keys, pairs.vocab
        pid = np.empty(len(uniq), dtype=np.int32)
        for i, k in enumerate(uniq.tolist()):
            found = known.get(k)
            if found is None:
                found = known[k] = vocab[words[k >> 32] + PAIR_SEP + words[k & 0xFFFFFFFF]]
            pid[i] = found
        return pid[inv.reshape(-1)]

    def sort_chunk(self, ids: np.ndarray, doc: np.ndarray, trip: np.ndarray) -> None:
        """Postings of a chunk of tokens (term ids, documents in order, value triples)."""
        n = len(ids)
        if not n:
            return
        seen = np.zeros(len(self.vocab), dtype=bool)
        seen[ids] = True
        uniq = np.flatnonzero(seen)  # (np.unique's result, without sorting the chunk)
        del seen
        words = self.words()
        local = np.empty(len(self.vocab), dtype=np.int32)
        local[uniq] = _rank([words[i] for i in uniq.tolist()]).astype(np.int32)
        if self._spill is None:
            self._spill = open(self.spill_path, "w+b")  # noqa: SIM115 - closed in groups()
            self._spill_postings = open(self.spill_path.with_suffix(".postings"), "w+b")  # noqa: SIM115
        if (ext := native.extension()) is not None:  # a counting sort, in Rust
            raw_trip, raw_rows, raw_terms, raw_first, raw_first_occ = ext.sort_chunk(
                ids, np.ascontiguousarray(doc, dtype=np.int32), trip, local, len(uniq))
            self._spill.write(raw_trip)
            self._spill_postings.write(raw_rows)
            run = _Run(np.frombuffer(raw_terms, dtype=np.int32), np.frombuffer(raw_first, dtype=np.int64),
                       np.frombuffer(raw_first_occ, dtype=np.int64), len(raw_rows) // 8, n,
                       self._postings_written, self.occurrences)
        else:
            run = self._sort(ids, doc, trip, local[ids], len(uniq))
        self.runs.append(run)
        self._postings_written += run.n_postings
        self.occurrences += n

    def _sort(self, ids: np.ndarray, doc: np.ndarray, trip: np.ndarray, key: np.ndarray, n_keys: int) -> _Run:
        """``_native.sort_chunk`` in numpy: the chunk's postings, sorted by (key, document), spilled."""
        n = len(ids)
        if n_keys <= 1 << 16:
            key = key.astype(np.uint16)  # (numpy's stable sort of 16-bit keys is a radix sort: 5x faster)
        order = np.argsort(key, kind="stable")  # stable: documents, then tokens, stay in order
        k, d = key[order], doc[order]
        del key, doc
        new = np.ones(n, dtype=bool)
        new[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
        pstart = np.flatnonzero(new)
        freq = np.diff(np.append(pstart, n)).astype(np.int32)
        trip[order].tofile(self._spill)
        del trip
        # The postings (document, frequency) go to a second spill file; only where each term starts stays.
        term_ids = ids[order][pstart]
        rows = np.empty((len(pstart), 2), dtype=np.int32)
        rows[:, 0], rows[:, 1] = d[pstart], freq
        rows.tofile(self._spill_postings)
        first = np.flatnonzero(np.concatenate(([True], term_ids[1:] != term_ids[:-1])))
        return _Run(term_ids[first], first.astype(np.int64), pstart[first].astype(np.int64), len(pstart), n,
                    self._postings_written, self.occurrences)

    def words(self) -> list[str]:
        """The field's words, by number."""
        if len(self._words) != len(self.vocab):
            self._words.extend(self.vocab.words_from(len(self._words)))
        return self._words

    def groups(self, doccount: int) -> Any:
        self.close_chunk()
        if not self.runs:
            return
        words = self.words()
        rank = _rank(words).astype(np.int32)
        runs = self.runs
        self.runs = []
        n_terms = len(words)
        postings = np.zeros(n_terms, dtype=np.int64)
        occurrences = np.zeros(n_terms, dtype=np.int64)
        for run in runs:
            run.rank = rank[run.term_ids]  # ascending: a chunk is sorted by term, and so is the vocabulary's rank
            np.add.at(postings, run.rank, np.diff(np.append(run.first, run.n_postings)))
            np.add.at(occurrences, run.rank, np.diff(np.append(run.first_occ, run.n_occ)))
        by_rank = np.empty(n_terms, dtype=np.int64)
        by_rank[rank] = np.arange(n_terms)
        lengths = np.zeros(doccount, dtype=np.int64)
        lengths[: len(self.lengths)] = np.frombuffer(self.lengths, dtype=np.int32)
        lb = length_bytes(lengths)
        present = np.flatnonzero(postings > 0)  # ranks that have postings (``postings`` is by rank)
        pcount = postings[present]
        ocount = occurrences[present]
        cuts = _rank_cuts(pcount, ocount)
        spill, spill_postings = self._spill, self._spill_postings
        try:
            for g0, g1 in zip(cuts[:-1], cuts[1:], strict=True):
                ra, rb = int(present[g0]), int(present[g1 - 1]) + 1
                g_rank, g_doc, g_freq, blocks = [], [], [], []
                for run in runs:
                    a, b = (int(x) for x in np.searchsorted(run.rank, [ra, rb]))
                    if a == b:
                        continue
                    p0 = int(run.first[a])
                    p1 = int(run.first[b]) if b < len(run.first) else run.n_postings
                    lo = int(run.first_occ[a])
                    hi = int(run.first_occ[b]) if b < len(run.first_occ) else run.n_occ
                    spill.seek((run.occ_base + lo) * 12)
                    blocks.append(np.fromfile(spill, dtype=np.int32, count=(hi - lo) * 3).reshape(-1, 3))
                    spill_postings.seek((run.posting_base + p0) * 8)
                    rows = np.fromfile(spill_postings, dtype=np.int32, count=(p1 - p0) * 2).reshape(-1, 2)
                    starts = np.append(run.first[a:b], p1) - p0
                    g_rank.append(np.repeat(run.rank[a:b], np.diff(starts)))
                    g_doc.append(rows[:, 0])
                    g_freq.append(rows[:, 1])
                rk, doc, freq = (np.concatenate(x) for x in (g_rank, g_doc, g_freq))
                del g_rank, g_doc, g_freq
                block = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
                del blocks
                if len(rk) > 1 and bool((rk[1:] < rk[:-1]).any()):  # chunks come in document order
                    rk, doc, freq, block = _by_rank(rk, doc, freq, block, ra, rb)
                # else (one term, or one chunk): the values already come in (term, document) order
                doc, freq = doc.astype(np.int64), freq.astype(np.int64)
                tstart = np.flatnonzero(np.diff(rk, prepend=-1))
                group = Postings(
                    terms=[words[i].encode("utf-8") for i in by_rank[rk[tstart]].tolist()],
                    term_start=tstart, doc=doc, weight=(freq * self.boost).astype(np.float32),
                    values=block.reshape(-1).view(np.uint8), value_len=12 * freq, len_byte=lb[doc])
                # Nothing but the group stays alive while it is written (its values are most of the memory).
                del rk, doc, freq, tstart, block
                yield group
                del group
        finally:
            spill.close()
            spill_postings.close()


def _by_rank(rank: np.ndarray, doc: np.ndarray, freq: np.ndarray, occ: np.ndarray, lo: int, hi: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Postings (ranks in lo .. hi, documents, frequencies) and their occurrences (``freq`` rows each)
    in a stable order by rank (in Rust where the extension is built: ``_native.merge_by_rank``)."""
    if (ext := native.extension()) is not None:
        raw = ext.merge_by_rank(np.ascontiguousarray(rank, dtype=np.int32), np.ascontiguousarray(doc, dtype=np.int32),
                                np.ascontiguousarray(freq, dtype=np.int32), np.ascontiguousarray(occ), lo, hi)
        rank, doc, freq, values = (np.frombuffer(r, dtype=np.int32) for r in raw)
        return rank, doc, freq, values.reshape(-1, 3)
    start = np.cumsum(freq, dtype=np.int64) - freq
    perm = np.argsort(rank, kind="stable")
    rank, doc, freq, start = rank[perm], doc[perm], freq[perm], start[perm]
    del perm
    rows = np.repeat((start - (np.cumsum(freq) - freq)).astype(np.int32), freq)
    rows += np.arange(len(rows), dtype=np.int32)
    return rank, doc, freq, occ[rows]


def _rank_cuts(pcount: np.ndarray, ocount: np.ndarray) -> list[int]:
    """Cut points over consecutive terms so that a group holds about GROUP_POSTINGS postings and
    GROUP_OCCURRENCES occurrences (a single term may hold more)."""
    cp, co = np.cumsum(pcount), np.cumsum(ocount)
    cuts, i, n = [0], 0, len(pcount)
    while i < n:
        bp = cp[i - 1] if i else 0
        bo = co[i - 1] if i else 0
        j = min(int(np.searchsorted(cp, bp + GROUP_POSTINGS, side="right")),
                int(np.searchsorted(co, bo + GROUP_OCCURRENCES, side="right")))
        i = max(j, i + 1)
        cuts.append(min(i, n))
    return cuts


class _KeyField:
    """Postings of an indexed field without positions (IDs, numbers), from Whoosh's own ``index()``."""

    def __init__(self, field: Any) -> None:
        self.field = field
        # An ID field (the whole value one term, existence only; NUMERIC has the same format and tokenizer but
        # an index() of its own): most of a segment's distinct values (the section ids) are of one.
        self._whole = (type(field).index is FieldType.index and type(field.format) is Existence
                       and type(field.analyzer) is IDTokenizer)
        self.vocab = _Vocab()
        # Each distinct value's terms (vocabulary numbers) and weights, one after the other (an entry
        # is a value's first term and its number of terms), and per value added: document and entry.
        self.e_term, self.e_weight, self.e_first, self.e_count = array("i"), array("f"), array("q"), array("i")
        self.p_doc, self.p_entry = array("i"), array("i")
        # value -> entry: a document's sections share most values, and so do documents (years, types,
        # agencies, section keys); emptied when it holds KEY_CACHE values.
        self._cache: dict[str | int, int] = {}

    def add(self, docnum: int, value: Any) -> int:
        """Add document ``docnum``'s value; returns its entry."""
        key = value if isinstance(value, str | int) else None
        entry = self._cache.get(key) if key is not None else None
        if entry is None:
            if self._whole and isinstance(value, str):  # what Whoosh's index() gives, without its generators
                items = [(value.encode("utf-8"), 1, self.field.format.field_boost, b"")]
            else:
                items = list(self.field.index(value))
            entry = len(self.e_first)
            self.e_first.append(len(self.e_term))
            self.e_count.append(len(items))
            self.e_term.extend([self.vocab[t] for t, _, _, _ in items])
            self.e_weight.extend([w for _, _, w, _ in items])
            if key is not None:
                if len(self._cache) >= KEY_CACHE:
                    self._cache.clear()
                self._cache[key] = entry
        return self.again(docnum, entry)

    def again(self, docnum: int, entry: int) -> int:
        """Add document ``docnum``'s value, the one of ``entry`` (that ``add`` returned); returns ``entry``."""
        self.p_doc.append(docnum)
        self.p_entry.append(entry)
        return entry

    def groups(self, doccount: int) -> Any:
        if not len(self.e_term):
            return
        # The values' terms, in the order the values came (each value's terms in its order).
        entry = np.frombuffer(self.p_entry, dtype=np.int32)
        count = np.frombuffer(self.e_count, dtype=np.int32)[entry]
        first = np.frombuffer(self.e_first, dtype=np.int64)[entry]
        at = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
        keys = list(self.vocab)
        rank = _rank(keys)
        p_rank = rank[np.frombuffer(self.e_term, dtype=np.int32)[at]]
        perm = np.argsort(p_rank, kind="stable")
        p_rank = p_rank[perm]
        doc = np.repeat(np.frombuffer(self.p_doc, dtype=np.int32), count)[perm].astype(np.int64)
        weight = np.frombuffer(self.e_weight, dtype=np.float32)[at][perm]
        tstart = np.flatnonzero(np.diff(p_rank, prepend=-1))
        by_rank = np.empty(len(keys), dtype=np.int64)
        by_rank[rank] = np.arange(len(keys))
        term_keys = by_rank[p_rank[tstart]].tolist()
        cuts = _bounds(np.ones(len(p_rank), dtype=np.int64), tstart, GROUP_POSTINGS)
        for t0, t1 in zip(cuts[:-1], cuts[1:], strict=True):
            a = int(tstart[t0])
            b = int(tstart[t1]) if t1 < len(tstart) else len(p_rank)
            yield Postings(terms=[keys[i] for i in term_keys[t0:t1]], term_start=tstart[t0:t1] - a,
                           doc=doc[a:b], weight=weight[a:b])


class _PrivateTemp:
    """The index storage, but with a temporary folder of our own for the per-document writer
    (Whoosh's writer deletes its shared ``MAIN.tmp`` folder when it finishes)."""

    def __init__(self, storage: Any, name: str) -> None:
        self._storage = storage
        self._name = name

    def temp_storage(self, name: str | None = None) -> Any:
        return self._storage.temp_storage(self._name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)


class SegmentBuilder:
    """Collects Whoosh documents (dicts of field values) and writes them as one new segment."""

    def __init__(self, storage: Any, schema: Any, indexname: str = "MAIN") -> None:
        self.storage = storage
        self.schema = schema
        self.codec = default_codec()
        self.segment = W3Segment(self.codec, indexname)
        self._temp = f".gk-{self.segment.segid}.tmp"
        self.perdoc = W3PerDocWriter(self.codec, _PrivateTemp(storage, self._temp), self.segment)
        # The stored fields' column writes its offsets (a Whoosh column option, on by itself only from
        # 32 768 documents): without them a reader derives them in Python from the lengths, 5 ms per
        # segment a search shows a result from.
        # Its values are compressed by ``deflate`` (the same zlib format, faster) at its level.
        stored = getattr(self.perdoc._colwriters.get("_stored"), "_child", None)
        if stored is not None and hasattr(stored, "cutoff"):
            stored.cutoff = 0
        if stored is not None and hasattr(stored, "_compress"):
            stored._compress, stored._level = compress, LEVEL
        self.cols = Columns(self.perdoc, schema)
        self.text: dict[str, _TextField] = {}
        self.keys: dict[str, _KeyField] = {}
        for name, field in schema.items():
            spill = Path(storage.folder) / self._temp / f"{name}.values"
            if isinstance(field.format, CharSpans) and isinstance(field.analyzer, ChineseTokenizer):
                self.text[name] = _TextField(field.format.field_boost, field.analyzer.subwords, spill)
            elif isinstance(field.format, CharSpans) and isinstance(field.analyzer, PairTokenizer):
                self.text[name] = _TextField(field.format.field_boost, True, spill, field.analyzer.common)
            elif field.indexed:
                self.keys[name] = _KeyField(field)
        # Pair fields take their tokens from their text field's (``with_pairs`` values are not analysed again).
        self._derived = {pairs for name, pairs in PAIR_FIELDS.items() if name in self.text and pairs in self.text}
        for name, pairs in PAIR_FIELDS.items():
            if pairs in self._derived:
                self.text[name].pairs = self.text[pairs]
        self._plans: dict[str, Any] = {}
        self.doccount = 0
        # What a search needs per section (``gentables``), kept as the documents come.
        self.columns: dict[str, list[Any]] = {name: [] for name in ("doc_id", "year", *STRINGS)}

    def _plan(self, name: str) -> tuple[Any, _TextField | None, _KeyField | None, bool, bool] | None:
        """What ``add`` does with a value of field ``name``; None: nothing (derived and private fields)."""
        if name.startswith("_") or name in self._derived:
            return None
        field = self.schema[name]
        return (field, self.text.get(name), self.keys.get(name) if field.indexed else None, bool(field.stored),
                field.column_type is not None)

    @property
    def tokens(self) -> int:
        """Tokens collected so far, word pairs included (what a segment's memory grows with)."""
        return sum(text.occurrences + text.pending for text in self.text.values())

    def add(self, fields: dict[str, Any]) -> int:
        """Add one Whoosh document; returns its number in the segment."""
        return self.add_sections([fields])

    def add_sections(self, sections: list[dict[str, Any]]) -> int:
        """Add a document's Whoosh documents (one per section, ``writer.section_fields``); returns the
        first one's number. Field by field: a value that is the same object as the section before's
        (the document's own fields, shared by its sections) is looked up once."""
        first, n = self.doccount, len(sections)
        stored: list[dict[str, Any]] = [{} for _ in range(n)]
        values: list[dict[str, Any]] = [{} for _ in range(n)]
        plans = self._plans
        for name in sorted(sections[0] if n == 1 else set().union(*sections)):  # Whoosh adds fields in name order
            plan = plans.get(name, False)
            if plan is False:
                plan = plans[name] = self._plan(name)
            if plan is None:
                continue
            field, text, key, is_stored, has_column = plan
            last: Any = _NOTHING
            entry, column_value = -1, None
            for i, fields in enumerate(sections):
                value = fields.get(name)
                if value is None:
                    continue
                docnum = first + i
                if text is not None:
                    text.add(docnum, value)
                    if text.pending >= CHUNK_TOKENS:
                        text.close_chunk()
                elif key is not None:
                    entry = key.again(docnum, entry) if value is last else key.add(docnum, value)
                if is_stored:
                    stored[i][name] = value
                if has_column:
                    if value is not last or column_value is None:
                        column_value = field.to_column_value(value)
                    values[i][name] = column_value
                last = value
        for i, fields in enumerate(sections):
            self.cols.add(first + i, stored[i], values[i])
            for name, column in self.columns.items():
                column.append(fields.get(name))
        self.doccount += n
        return first

    def finish(self) -> W3Segment:
        """Write the inverted index and close the segment's files; returns the (uncommitted) segment."""
        seg = self.segment
        files: list[Any] = []
        hot = HotWriter(Path(self.storage.folder) / (seg.segment_id() + HOT_SUFFIX), self.doccount)
        try:
            self.cols.close(self.doccount, {name: text.lengths for name, text in self.text.items()
                                            if name not in self._derived})
            for text in self.text.values():  # text fields first: they hand their pair fields the last pairs
                if text.pairs is not None:
                    text.close_chunk()
            postfile = seg.create_file(self.storage, ".pst")
            files.append(postfile)
            termfile = seg.create_file(self.storage, ".trm")
            files.append(termfile)
            tindex = OrderedHashWriter(termfile)
            fieldmap: dict[str, int] = {}
            tindex.extras["fieldmap"] = fieldmap
            fields: dict[str, Any] = {**self.text, **self.keys}
            pair_fields = set(PAIR_FIELDS.values())
            for name in sorted(fields):
                prefix = None
                for group in fields[name].groups(self.doccount):
                    if prefix is None:
                        fieldmap[name] = len(fieldmap)
                        prefix = pack_ushort(fieldmap[name])
                    for term, info in write_postings(postfile, group):
                        tindex.add(prefix + term, info)
                    if name in self.text:
                        hot.add(name, group, self.text[name].boost, with_values=name in pair_fields)
            files.clear()
            postfile.close()
            tindex.close()
            hot.close()
            self._write_tables()
        except BaseException:
            for f in files:
                with contextlib.suppress(Exception):
                    f.close()
            hot.discard()
            self.discard()
            raise
        finally:
            self._remove_temp()
        seg.set_doc_count(self.doccount)
        return seg

    def _write_tables(self) -> None:
        cols: dict[str, Any] = dict(self.columns, n=self.doccount)
        cols["year"] = [y if y and y > 0 else 0 for y in cols["year"]]
        for field in TEXT_LENGTHS:
            lengths = np.zeros(self.doccount, dtype=np.int64)
            text = self.text.get(field)
            if text is not None:
                lengths[: len(text.lengths)] = np.frombuffer(text.lengths, dtype=np.int32)
            cols[f"len_{field}"] = length_bytes(lengths)
        write_sidecar(Path(self.storage.folder), self.segment.segment_id(), cols)

    def _remove_temp(self) -> None:
        with contextlib.suppress(OSError):
            self.storage.temp_storage(self._temp).destroy()

    def discard(self) -> None:
        """Remove whatever files of this segment were written."""
        for text in self.text.values():
            for f in (text._spill, text._spill_postings):
                if f is not None:
                    with contextlib.suppress(OSError):
                        f.close()
        self._remove_temp()
        prefix = self.segment.segment_id() + "."
        for name in list(self.storage.list()):
            if name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(self.storage.folder, name))
