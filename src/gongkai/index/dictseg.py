"""jieba-rs's cut of short texts from a compiled dictionary that costs nothing to open.

A command-line search segments a query and a few snippet windows, a few hundred characters in all;
loading jieba-rs's dictionary for that takes 0.11–0.15 s of the 0.4 s the command costs, and the
time does not shrink with the text. ``DictSegmenter`` gives the same words as ``rjieba`` — jieba's
algorithm as jieba-rs 0.11 (the version rjieba 0.2.2 is built on) runs it (``cut(text, hmm=True)``):

1. the text is split into blocks of CJK ideographs, Latin letters, digits and ``+#&._%-``; every
   other character is a word of its own (a CR LF one word);
2. in a block, every dictionary word starting at each character is an edge of a DAG; the route of
   highest summed ``ln(freq) - ln(total)`` is taken (a character starting no word is a step of
   frequency 1; among equal scores the longer word wins);
3. consecutive one-character steps are a run: one character stays as it is; a run that is a
   dictionary word is cut into its characters; otherwise its runs of CJK characters (U+4E00–U+9FD5)
   are cut by the HMM's Viterbi path over the B/E/M/S states (a tie goes to the later state), and
   what lies between them into letter-and-digit tokens (joined by single ``.``, ``_`` or ``-``, then
   an optional ``%``) and the stretches between those.

The dictionary — jieba's ``dict.txt`` (the entries jieba-rs embeds, in another order) with the user words added as
jieba-rs adds them (``add_word`` replaces a word's frequency; the total is the sum) — and the HMM's
tables (jieba's ``finalseg``; the emission log probabilities rounded to six decimals, as jieba-rs's
model file has them) are compiled once into one file of arrays (``compile_dictionary``),
memory-mapped when opened. Words are found by two 64-bit polynomial hashes of their code points:
the first, sorted, is searched for every substring of a block at once with numpy; the second must
match too. The file is compiled by an index writer (``ensure_compiled``: about 1 s, once per
machine and version) into the user's cache folder; a search uses it only when it is there and was
compiled from the same inputs (the two packages' files and the user dictionary), else rjieba.
``tests/test_dictseg.py`` holds the two to the same words over the fixtures and the benchmark's text.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "1"
_P1, _P2 = np.uint64(1_000_003), np.uint64(0x9E3779B97F4A7C15 | 1)
_P1_INT, _P2_INT, _MASK = int(_P1), int(_P2), (1 << 64) - 1
_MIN_FLOAT = -3.14e100
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002b73f\U0002b740-\U0002b81f" \
       "\U0002b820-\U0002ceaf\U0002ceb0-\U0002ebef\U0002f800-\U0002fa1f"
_BLOCK = re.compile(f"([{_CJK}a-zA-Z0-9+#&._%\\-]+)")  # what jieba-rs segments; the rest goes one by one
_CHAR = re.compile("\r\n|.", re.S)
_HMM_HAN = re.compile("([\u4e00-\u9fd5]+)")  # what the HMM's emission table covers
_ALNUM_TOKEN = re.compile(r"[a-zA-Z0-9]+(?:[._-][a-zA-Z0-9]+)*%?")
_STATES = "BEMS"
_B, _E, _M, _S = range(4)
_PREV = ((_E, _S), (_B, _M), (_B, _M), (_E, _S))  # the states allowed before B, E, M, S


def _hashes(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Both hashes of each word (Horner's rule over code points, modulo 2**64)."""
    h1 = np.zeros(len(words), dtype=np.uint64)
    h2 = np.zeros(len(words), dtype=np.uint64)
    longest = max(map(len, words), default=0)
    codes = np.zeros((len(words), longest), dtype=np.uint64)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    for i, w in enumerate(words):
        codes[i, : len(w)] = [ord(c) for c in w]
    with np.errstate(over="ignore"):
        for j in range(longest):
            more = lengths > j
            h1[more] = h1[more] * _P1 + codes[more, j]
            h2[more] = h2[more] * _P2 + codes[more, j]
    return h1, h2


# -- compiling ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _inputs() -> dict[str, Any] | None:
    """What the compiled file depends on: jieba's dictionary and HMM tables, the rjieba extension
    and the user dictionary (without importing either package)."""
    import importlib.util

    from .segment import _rjieba_path, _user_words

    jieba = importlib.util.find_spec("jieba")
    ext = _rjieba_path()
    if jieba is None or not jieba.submodule_search_locations or ext is None:
        return None
    folder = Path(list(jieba.submodule_search_locations)[0])
    files = [folder / "dict.txt", folder / "finalseg" / "prob_emit.py", Path(ext)]
    try:
        stats = [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    except OSError:
        return None
    users = hashlib.sha1(repr(_user_words()).encode("utf-8")).hexdigest()
    key = hashlib.sha1(repr((FORMAT, stats, users)).encode("utf-8")).hexdigest()[:16]
    return {"key": key, "dict": files[0]}


def cache_folder() -> Path | None:
    """$GONGKAI_CACHE, else $XDG_CACHE_HOME/gongkai, else ~/.cache/gongkai (None without a home)."""
    if os.environ.get("GONGKAI_CACHE"):
        return Path(os.environ["GONGKAI_CACHE"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "gongkai"
    try:
        return Path.home() / ".cache" / "gongkai"
    except (RuntimeError, KeyError):
        return None


def _path(key: str) -> Path | None:
    folder = cache_folder()
    return folder / f"segmenter-{key}.bin" if folder is not None else None


def compile_dictionary(path: Path, dict_file: Path) -> None:
    """Write the dictionary and HMM tables as arrays to ``path`` (atomically)."""
    from jieba.finalseg.prob_emit import P as emit
    from jieba.finalseg.prob_start import P as start
    from jieba.finalseg.prob_trans import P as trans

    from .gentables import _pack, _write_atomic
    from .segment import _user_words

    freq: dict[str, int] = {}
    with open(dict_file, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts:
                freq[parts[0]] = int(parts[1]) if len(parts) > 1 else 0
    for word, n in _user_words():
        freq[word] = n
    words = list(freq)
    h1, h2 = _hashes(words)
    order = np.argsort(h1, kind="stable")
    if len(order) > 1 and bool((np.diff(h1[order]) == 0).any()):
        raise ValueError("two dictionary words share a hash")  # (not with jieba's: then rjieba is used)
    chars = sorted(set().union(*(emit[s].keys() for s in _STATES)))
    # jieba-rs's model file holds the emission log probabilities to six decimals (start and transitions whole)
    emit_table = np.array([[float(f"{emit[s][c]:.6f}") if c in emit[s] else _MIN_FLOAT for s in _STATES]
                           for c in chars], dtype=np.float64)
    arrays = {
        "h1": h1[order], "h2": h2[order],
        "freq": np.fromiter((freq[w] for w in words), dtype=np.int64, count=len(words))[order],
        "emit_chars": np.array([ord(c) for c in chars], dtype=np.int64), "emit": emit_table,
        "start": np.array([start[s] for s in _STATES], dtype=np.float64),
        "trans": np.array([[trans[a].get(b, _MIN_FLOAT) for b in _STATES] for a in _STATES], dtype=np.float64),
    }
    meta = {"total": sum(freq.values()), "longest": max(map(len, words)), "format": FORMAT}
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, _pack(arrays, meta))


_OPENED: set[Path] = set()  # compiled files this process has opened: no need to look at them again


def _compiled() -> tuple[Path, Path] | None:
    """(compiled file, jieba's dict.txt) for the installed packages, or None where there can be none."""
    inputs = _inputs()
    path = _path(inputs["key"]) if inputs is not None else None
    return (path, inputs["dict"]) if inputs is not None and path is not None else None


def open_compiled() -> DictSegmenter | None:
    """The segmenter over the compiled dictionary, if one was compiled from the installed packages."""
    found = _compiled()
    if found is None:
        return None
    try:
        segmenter = DictSegmenter(found[0])
    except (OSError, ValueError, KeyError, struct.error):
        return None  # not there yet, or damaged
    _OPENED.add(found[0])
    return segmenter


def ensure_compiled() -> Path | None:
    """The compiled dictionary of the installed packages, compiling it if it is not there yet or
    damaged (None where that cannot be done: no jieba or rjieba, or a cache folder that cannot be
    written). Cheap after the first call of a process: every commit of an index writer calls it."""
    found = _compiled()
    if found is None:
        return None
    path, dict_file = found
    if path in _OPENED or open_compiled() is not None:
        return path
    try:
        compile_dictionary(path, dict_file)
    except (OSError, ImportError, ValueError):
        return None
    return path


# -- cutting --------------------------------------------------------------------------------------
class DictSegmenter:
    def __init__(self, path: Path) -> None:
        from .gentables import _map, _unpack

        meta, a = _unpack(_map(path))
        if meta.get("format") != FORMAT:
            raise ValueError("compiled dictionary of another format")
        self._h1, self._h2, self._freq = a["h1"], a["h2"], a["freq"]
        self._logtotal = math.log(meta["total"])
        self._longest = int(meta["longest"])
        self._emit_chars, self._emit = a["emit_chars"], a["emit"]
        self._start, self._trans = a["start"].tolist(), a["trans"].tolist()

    @property
    def name(self) -> str:  # the same words as rjieba's, so the same name (an index built by one is read by the other)
        from .segment import segmenter_name

        return segmenter_name("rjieba")

    def has_word(self, word: str) -> bool:
        if not word or len(word) > self._longest:
            return False
        h1 = h2 = 0
        for c in word:  # the two hashes in Python integers: one word is cheaper without numpy
            h1 = (h1 * _P1_INT + ord(c)) & _MASK
            h2 = (h2 * _P2_INT + ord(c)) & _MASK
        at = int(np.searchsorted(self._h1, np.uint64(h1)))
        return at < len(self._h1) and int(self._h1[at]) == h1 and int(self._h2[at]) == h2

    def _words(self, text: str, room: np.ndarray) -> list[tuple[int, int, int]]:
        """(start, length - 1, frequency) of every dictionary word in ``text`` that fits in the
        ``room[start]`` characters from its start, by start then length."""
        n = len(text)
        longest = min(self._longest, int(room.max()) if len(room) else 0)
        if not longest:
            return []
        codes = np.fromiter(map(ord, text), dtype=np.uint64, count=n)
        h1 = np.zeros((n, longest), dtype=np.uint64)
        h2 = np.zeros((n, longest), dtype=np.uint64)
        a1 = np.zeros(n, dtype=np.uint64)
        a2 = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(longest):
                k = n - j  # starts where a word of j + 1 characters fits in the text
                a1[:k] = a1[:k] * _P1 + codes[j:]
                a2[:k] = a2[:k] * _P2 + codes[j:]
                h1[:k, j], h2[:k, j] = a1[:k], a2[:k]
        at = np.minimum(np.searchsorted(self._h1, h1), len(self._h1) - 1)
        found = (np.arange(longest)[None, :] < room[:, None]) & (self._h1[at] == h1) & (self._h2[at] == h2)
        starts, lengths = np.nonzero(found)
        return list(zip(starts.tolist(), lengths.tolist(), self._freq[at[starts, lengths]].tolist(), strict=True))

    def cut(self, text: str) -> list[str]:
        pieces = [(i % 2 == 1, piece) for i, piece in enumerate(_BLOCK.split(text)) if piece]
        room = np.zeros(len(text), dtype=np.int64)  # characters left in a position's block (0 outside)
        pos = 0
        for is_block, piece in pieces:
            if is_block:
                room[pos : pos + len(piece)] = np.arange(len(piece), 0, -1)
            pos += len(piece)
        found = self._words(text, room)  # every block's dictionary words at once
        edges: dict[int, list[tuple[int, int]]] = {}
        for start, j, f in found:
            edges.setdefault(start, []).append((j, f))
        words: list[str] = []
        pos = 0
        for is_block, piece in pieces:
            if is_block:
                self._cut_block(piece, [edges.get(pos + i, []) for i in range(len(piece))], words)
            else:  # every other character on its own, a CR LF together
                words.extend(_CHAR.findall(piece))
            pos += len(piece)
        return words

    def _cut_block(self, block: str, edges: list[list[tuple[int, int]]], words: list[str]) -> None:
        """The best route through ``block``, whose dictionary words starting at each character are
        ``edges`` ((length - 1, frequency), shortest first)."""
        n = len(block)
        logtotal = self._logtotal
        best = [0.0] * (n + 1)
        step = list(range(1, n + 2))
        for i in range(n - 1, -1, -1):
            score, end = -logtotal + best[i + 1], 0  # a character starting no word: a step of frequency 1
            for j, f in edges[i]:
                s = (math.log(f) if f > 0 else -math.inf) - logtotal + best[i + j + 1]
                if not end or s > score or (s == score and i + j + 1 > end):  # equal: the longer word
                    score, end = s, i + j + 1
            best[i], step[i] = score, end or i + 1
        x, left = 0, -1
        while x < n:
            y = step[x]
            if y - x == 1:
                if left < 0:
                    left = x
            else:
                if left >= 0:
                    self._run(block[left:x], edges[left], words)
                    left = -1
                words.append(block[x:y])
            x = y
        if left >= 0:
            self._run(block[left:], edges[left], words)

    def _run(self, run: str, edges: list[tuple[int, int]], words: list[str]) -> None:
        """Characters the route left one by one (``edges``: the words starting at the first): one
        stays as it is; a run that is a dictionary word is cut into its characters; any other goes
        to the HMM."""
        if len(run) == 1 or any(j == len(run) - 1 for j, _ in edges):
            words.extend(run)
            return
        for i, piece in enumerate(_HMM_HAN.split(run)):
            if not piece:
                continue
            if i % 2 == 0:
                words.extend(_skip_pieces(piece))
            elif len(piece) == 1:
                words.append(piece)
            else:
                self._viterbi(piece, words)

    def _viterbi(self, text: str, words: list[str]) -> None:
        """The B/E/M/S path of highest probability (a tie goes to the later state of ``_PREV``)."""
        codes = np.fromiter(map(ord, text), dtype=np.int64, count=len(text))
        at = np.minimum(np.searchsorted(self._emit_chars, codes), len(self._emit_chars) - 1)
        emit = np.where((self._emit_chars[at] == codes)[:, None], self._emit[at], _MIN_FLOAT).tolist()
        trans = self._trans
        v = [self._start[y] + emit[0][y] for y in range(4)]
        back: list[list[int]] = []
        for t in range(1, len(text)):
            em = emit[t]
            nv = [0.0] * 4
            prev = [0] * 4
            for y, (y0, y1) in enumerate(_PREV):
                p0 = v[y0] + trans[y0][y] + em[y]
                p1 = v[y1] + trans[y1][y] + em[y]
                nv[y], prev[y] = (p0, y0) if p0 > p1 else (p1, y1)
            v = nv
            back.append(prev)
        state = _E if v[_E] > v[_S] else _S
        path = [state]
        for prev in reversed(back):
            state = prev[state]
            path.append(state)
        path.reverse()
        begin, nxt = 0, 0
        for i, s in enumerate(path):
            if s == _B:
                begin = i
            elif s == _E:
                words.append(text[begin : i + 1])
                nxt = i + 1
            elif s == _S:
                words.append(text[i])
                nxt = i + 1
        if nxt < len(text):
            words.append(text[nxt:])


def _skip_pieces(text: str) -> list[str]:
    """A run the HMM does not cover: what lies between letter-and-digit tokens whole, and each
    token (letters and digits, joined by single . _ or - between them, then an optional %)."""
    out, pos = [], 0
    for m in _ALNUM_TOKEN.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        out.append(m.group())
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out
