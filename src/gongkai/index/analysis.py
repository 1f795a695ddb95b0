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

The classes here are pickled into the index schema by Whoosh: keep them at this import path.
Change ``ANALYZER_VERSION`` whenever the tokens for a text change; an index built by another
version is refused with a message to rebuild.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

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


def _segment(norm: str, subwords: bool) -> Iterator[tuple[int, str, int, int]]:
    """(position, word, startchar, endchar) over already normalised text."""
    seg = get_segmenter()
    pos = 0
    for m in _RUN.finditer(norm):
        start = m.start()
        if m.lastgroup == "word":
            yield pos, m.group(), start, m.end()
            pos += 1
            continue
        for word in seg.cut(m.group()):
            end = start + len(word)
            yield pos, word, start, end
            n = len(word)
            if subwords and 2 < n <= _MAX_SUBWORD_PARENT:
                for size in range(n - 1, 1, -1):
                    for i in range(0, n - size + 1):
                        sub = word[i : i + size]
                        if seg.has_word(sub):
                            yield pos, sub, start + i, start + i + size
            pos += 1
            start = end


def tokens(text: str, subwords: bool = True) -> Iterator[tuple[int, str, int, int]]:
    """(position, word, startchar, endchar) with offsets into the original ``text``."""
    norm, offsets = normalize_with_map(text)
    if offsets is None:
        yield from _segment(norm, subwords)
        return
    for pos, word, s, e in _segment(norm, subwords):
        yield pos, word, offsets[s], offsets[e]


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
