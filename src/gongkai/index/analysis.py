"""The Whoosh analyzer: jieba segmentation with ordinal positions and exact character offsets.

Why our own tokenizer: ``jieba.analyse.ChineseAnalyzer`` writes character offsets into token
positions, so phrase queries never match, and its search-mode tokens make highlights overlap.

What ``ChineseTokenizer`` yields for a text:
1. The text is NFKC-normalised (full-width letters, digits and punctuation become ASCII) and
   lower-cased; character offsets still point into the *original* text.
2. Runs of Han characters go to the segmenter (precise mode, HMM on). Each word becomes a token
   at the next ordinal position.
3. Runs of other letters and digits are one token each ("2019", "xm02100").
4. Punctuation and white space yield nothing and take no position.
5. At index time (not in queries), a word of three or more characters also yields each of its
   dictionary sub-words, at the *same* position with its own offsets: 中华人民共和国 also yields
   中华, 人民, 共和国 …, so a query for 共和国 finds it.

Phrase queries (``CharPhrase`` in ``query``) match on character adjacency, so a phrase still
matches when the query is segmented differently from the document.

``PairTokenizer`` (the ``*_pairs`` fields) yields word pairs for those phrases: every two tokens of a
text (sub-words included) where the second starts at the character the first ends at, as the term
``A B``, when A or B is a common word (``pair_words``). Its occurrence is (join, start of A, end of B),
join being the character where B starts. A phrase over common words is then checked on the pairs'
short posting lists instead of the words' long ones (``phrases``). The common words are pickled with
the analyzer into the index's schema, so an index is always searched with the pairs it was built with.

The classes here are pickled into the index schema by Whoosh: keep them at this import path.
Change ``ANALYZER_VERSION`` whenever the tokens for a text change; an index built by another
version is refused with a message to rebuild.
"""

from __future__ import annotations

import heapq
import os
import re
import unicodedata
from array import array
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Token, Tokenizer

from . import native
from .segment import get_segmenter

ANALYZER_VERSION = "1"

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>[^\W_{_HAN}]+)")
# Sub-words are looked for only in words up to this long (longer "words" are HMM artefacts).
_MAX_SUBWORD_PARENT = 12


def normalize_with_map(text: str) -> tuple[str, list[int] | None]:
    """NFKC + lower-case. Returns (normalised, offsets) where offsets[i] is the index in the
    original text of normalised character i (plus one final entry for the end), or None when
    the two strings align one to one."""
    norm = unicodedata.normalize("NFKC", text).lower()
    if len(norm) == len(text):
        return norm, None
    pieces: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch).lower()
        pieces.append(n)
        offsets.extend([i] * len(n))
    offsets.append(len(text))
    return "".join(pieces), offsets


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


# Dictionary sub-words of a word, per segmenter: words repeat (Zipf), so each is looked up once.
_SUBWORDS: dict[str, tuple[tuple[int, int, str], ...]] = {}
_SUBWORDS_OWNER: list[object] = [None]
_SUBWORDS_MAX = 500_000


def _subwords_of(word: str, seg: Any) -> tuple[tuple[int, int, str], ...]:
    """(offset, length, sub-word) of every dictionary word inside ``word``, longest first."""
    n = len(word)
    return tuple((i, size, word[i : i + size]) for size in range(n - 1, 1, -1) for i in range(0, n - size + 1)
                 if seg.has_word(word[i : i + size]))


def _subword_table(seg: Any) -> dict[str, tuple[tuple[int, int, str], ...]]:
    if _SUBWORDS_OWNER[0] is not seg or len(_SUBWORDS) > _SUBWORDS_MAX:
        _SUBWORDS.clear()
        _SUBWORDS_OWNER[0] = seg
    return _SUBWORDS


def token_lists(norm: str, subwords: bool) -> tuple[list[str], list[int], list[int], list[int]]:
    """(words, positions, startchars, endchars) over already normalised text, as four lists.

    All Han runs of the text go to the segmenter in one call, joined by line breaks (the segmenter
    cuts at white space, so each run is cut exactly as on its own); a word of 3 to 12 characters
    is followed by its dictionary sub-words at the same position."""
    seg = get_segmenter()
    runs = [(m.start(), m.end(), m.lastgroup == "han") for m in _RUN.finditer(norm)]
    han = [norm[a:b] for a, b, is_han in runs if is_han]
    cut = iter(seg.cut("\n".join(han)) if han else ())
    subs = _subword_table(seg) if subwords else None
    words: list[str] = []
    poss: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    add_w, add_p, add_s, add_e = words.append, poss.append, starts.append, ends.append
    pos = 0
    for a, b, is_han in runs:
        if not is_han:
            add_w(norm[a:b])
            add_p(pos)
            add_s(a)
            add_e(b)
            pos += 1
            continue
        start = a
        for word in cut:
            if word == "\n":
                break
            n = len(word)
            end = start + n
            add_w(word)
            add_p(pos)
            add_s(start)
            add_e(end)
            if subs is not None and 2 < n <= _MAX_SUBWORD_PARENT:
                found = subs.get(word)
                if found is None:
                    found = subs[word] = _subwords_of(word, seg)
                for i, size, sub in found:
                    add_w(sub)
                    add_p(pos)
                    add_s(start + i)
                    add_e(start + i + size)
            pos += 1
            start = end
        if start != b:  # the segmenter did not give back this run's characters: cut it on its own
            return _token_lists_per_run(norm, runs, subwords)
    return words, poss, starts, ends


def _token_lists_per_run(norm: str, runs: list[tuple[int, int, bool]],
                         subwords: bool) -> tuple[list[str], list[int], list[int], list[int]]:
    seg = get_segmenter()
    words: list[str] = []
    poss: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b, is_han in runs:
        pieces = seg.cut(norm[a:b]) if is_han else [norm[a:b]]
        start = a
        for word in pieces:
            n = len(word)
            words.append(word)
            poss.append(pos)
            starts.append(start)
            ends.append(start + n)
            if subwords and is_han and 2 < n <= _MAX_SUBWORD_PARENT:
                for i, size, sub in _subwords_of(word, seg):
                    words.append(sub)
                    poss.append(pos)
                    starts.append(start + i)
                    ends.append(start + i + size)
            pos += 1
            start += n
    return words, poss, starts, ends


# The last text analysed: Whoosh's writer gives a text field's value to its pair field right after it.
_LAST: list[Any] = [None]  # (text, subwords, token lists): one item, replaced whole (threads share it)


def analyse(text: str, subwords: bool = True) -> tuple[list[str], list[int], list[int], list[int]]:
    """``token_lists`` of ``text`` with offsets into the original (not the normalised) text.
    The lists are shared with later calls for the same text: do not change them."""
    last = _LAST[0]
    if last is not None and last[1] == subwords and last[0] == text:
        return last[2]  # type: ignore[no-any-return]
    norm, offsets = normalize_with_map(text)
    words, poss, starts, ends = token_lists(norm, subwords)
    if offsets is not None:
        starts = [offsets[x] for x in starts]
        ends = [offsets[x] for x in ends]
    _LAST[0] = (text, subwords, (words, poss, starts, ends))
    return words, poss, starts, ends


def analyse_arrays(text: str, subwords: bool = True) -> tuple[list[str], bytes, bytes, bytes]:
    """``analyse`` for bulk builds: the words, and the positions, starts and ends as bytes of native
    int32 (for ``array.frombytes``), from the Rust loop (``native``) where it is built."""
    got = _rust_loop(text, lambda rust, norm: rust.token_lists(norm, subwords))
    if got is not None:
        return got
    words, p, s, e = analyse(text, subwords)
    return words, array("i", p).tobytes(), array("i", s).tobytes(), array("i", e).tobytes()


def analyse_ids(text: str, subwords: bool, vocab: Any) -> tuple[bytes, bytes, bytes, bytes] | None:
    """``analyse_arrays`` with the words as their numbers in ``vocab`` (a ``_native.Vocab``, which
    numbers new words), as bytes of native int32 too; None where the Rust loop cannot take ``text``
    (no extension, or a lone surrogate): then ``analyse_arrays`` does."""
    return _rust_loop(text, lambda rust, norm: rust.token_ids(norm, subwords, vocab))


def _rust_loop(text: str, call: Any) -> Any:
    """``call(analyzer, normalised text)`` of the Rust loop, its starts and ends made offsets into the
    original ``text``; None where the loop is not built or cannot take the text."""
    rust = native.analyzer()
    if rust is None:
        return None
    norm, offsets = normalize_with_map(text)
    try:
        words, poss, starts, ends = call(rust, norm)
    except UnicodeEncodeError:  # (a lone surrogate: not UTF-8, the Python loop takes it)
        return None
    if offsets is None:
        return words, poss, starts, ends
    at = offsets.__getitem__
    return words, poss, array("i", map(at, _int32(starts))).tobytes(), array("i", map(at, _int32(ends))).tobytes()


def _int32(raw: Any) -> array[int]:
    values = array("i")
    values.frombytes(raw)
    return values


def _segment(norm: str, subwords: bool) -> Iterator[tuple[int, str, int, int]]:
    """(position, word, startchar, endchar) over already normalised text."""
    words, poss, starts, ends = token_lists(norm, subwords)
    return zip(poss, words, starts, ends, strict=True)


def tokens(text: str, subwords: bool = True) -> Iterator[tuple[int, str, int, int]]:
    """(position, word, startchar, endchar) with offsets into the original ``text``."""
    words, poss, starts, ends = analyse(text, subwords)
    return zip(poss, words, starts, ends, strict=True)


def query_terms(text: str) -> list[str]:
    """The terms a query string stands for: precise segmentation, no sub-words."""
    return [w for _, w, _, _ in _segment(normalize(text), subwords=False)]


class ChineseTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer over ``iter_words``; see the module docstring."""

    def __init__(self, subwords: bool = True) -> None:
        self.subwords = subwords
        self.version = ANALYZER_VERSION

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseTokenizer) and other.subwords == self.subwords

    def __hash__(self) -> int:
        return hash((type(self), self.subwords))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        subwords = self.subwords and mode != "query"
        for pos, word, s, e in tokens(value, subwords):
            t.original = t.text = word
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + s
                t.endchar = start_char + e
            yield t


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕",
                           "〖": "〔", "〗": "〕", "﹝": "〔", "﹞": "〕", "［": "〔", "］": "〕"})
_SPACE = re.compile(r"\s+")


def exact_value(value: str) -> str:
    """Normal form of a 文号 or 索引号: NFKC, no spaces, lower case, one kind of bracket."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value)).lower().translate(_BRACKETS)


class ExactTokenizer(Tokenizer):  # type: ignore[misc]
    """One token: the whole value in ``exact_value`` form (for 文号 and 索引号)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExactTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = exact_value(value)
        if not text:
            return
        t.original = t.text = text
        t.boost = 1.0
        t.stopped = False
        if positions:
            t.pos = start_pos
        if chars:
            t.startchar = start_char
            t.endchar = start_char + len(value)
        yield t


PAIR_SEP = " "  # between the two words of a pair term (no token holds white space)
PAIR_DICT_TOP = 2000  # the most frequent words of the segmenter's dictionary are common words
_DICT_LINE = re.compile(r"^(\S+) (\d{4,})", re.M)


@lru_cache(maxsize=1)
def pair_words() -> frozenset[str]:
    """The common words word pairs are indexed for: the ``PAIR_DICT_TOP`` most frequent words of
    jieba's dictionary (which both segmenters use) and the user dictionary's disclosure terms.
    Read when an index is created; the index keeps its own copy (``PairTokenizer.common``)."""
    import jieba

    from .segment import _user_words

    rows: list[tuple[str, str]] = []  # (word, frequency) of the words seen 1000 times or more
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for lines in iter(lambda: f.readlines(1 << 20), []):  # 1 MB at a time: a writer's peak memory
            rows += _DICT_LINE.findall("".join(lines))
    top = heapq.nlargest(PAIR_DICT_TOP, rows, key=lambda r: (int(r[1]), r[0]))
    words = {normalize(w) for w, _ in top} | {normalize(w) for w, _ in _user_words()}
    return frozenset(w for w in words if w and not any(ch.isspace() for ch in w))


def pair_lists(words: list[str], starts: list[int], ends: list[int], common: frozenset[str]
               ) -> tuple[list[str], list[int], list[int], list[int]]:
    """(pair terms, joins, starts, ends) of the touching token pairs with a common word, in the order
    ``bulk`` makes them: by first token, then by second token, in token order."""
    by_start: dict[int, list[int]] = {}
    for i, s in enumerate(starts):
        by_start.setdefault(s, []).append(i)
    terms: list[str] = []
    joins: list[int] = []
    p_starts: list[int] = []
    p_ends: list[int] = []
    for i, a in enumerate(words):
        after = by_start.get(ends[i])
        if not after:
            continue
        a_common = a in common
        for j in after:
            b = words[j]
            if a_common or b in common:
                terms.append(a + PAIR_SEP + b)
                joins.append(starts[j])
                p_starts.append(starts[i])
                p_ends.append(ends[j])
    return terms, joins, p_starts, p_ends


class PairTokenizer(Tokenizer):  # type: ignore[misc]
    """Word pairs of a text (see the module docstring); ``common``: the index's common words."""

    def __init__(self, common: frozenset[str]) -> None:
        self.common = frozenset(common)
        self.version = ANALYZER_VERSION

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairTokenizer) and other.common == self.common

    def __hash__(self) -> int:
        return hash((type(self), len(self.common)))

    def pairs(self, value: str) -> tuple[list[str], list[int], list[int], list[int]]:
        words, _, starts, ends = analyse(value, True)
        return pair_lists(words, starts, ends, self.common)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, join, s, e in zip(*self.pairs(value), strict=True):
            t.original = t.text = term
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = join
            if chars:
                t.startchar = start_char + s
                t.endchar = start_char + e
            yield t
