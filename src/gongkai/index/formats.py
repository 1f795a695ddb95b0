"""``CharSpans``: Whoosh's Characters posting format, packed as int32 triples instead of pickles.

Each posting value is the (position, startchar, endchar) of every occurrence, as a flat native
int32 array. Encoding is one ``array.tobytes()`` and decoding one ``frombytes`` (or a zero-copy
``numpy.frombuffer`` for phrase checks), where Whoosh's own format pickles a list of tuples per
posting — most of the cost of indexing and of checking phrases. ``word_values`` also reads our
analyzer's token tuples directly instead of building Whoosh Token objects.

The class is pickled into the index schema: keep it at this import path. Changing the layout
means a new ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.formats import Characters

from .analysis import ChineseTokenizer, PairTokenizer, tokens

# The last value analysed per format instance: a document's title and agency are indexed once
# per section, so consecutive calls often repeat (kept outside the instance, which Whoosh pickles).
_LAST: dict[int, tuple[str, list[tuple[str, int, float, bytes]]]] = {}


class CharSpans(Characters):  # type: ignore[misc]
    def word_values(self, value: str, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        if isinstance(analyzer, PairTokenizer):
            yield from self._group(zip(*analyzer.pairs(value), strict=True))
            return
        if not isinstance(analyzer, ChineseTokenizer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        last = _LAST.get(id(self))
        if last is not None and last[0] == value:
            yield from last[1]
            return
        out = self._word_values(value, analyzer)
        if len(value) <= 200:
            _LAST[id(self)] = (value, out)
        yield from out

    def _word_values(self, value: str, analyzer: ChineseTokenizer) -> list[tuple[str, int, float, bytes]]:
        return self._group((word, pos, start, end) for pos, word, start, end in tokens(value, analyzer.subwords))

    def _group(self, occurrences: Any) -> list[tuple[str, int, float, bytes]]:
        """(word, frequency, weight, value) per word of (word, position, start, end) occurrences."""
        seen: dict[str, list[int]] = {}
        for word, pos, start, end in occurrences:
            flat = seen.get(word)
            if flat is None:
                seen[word] = [pos, start, end]
            else:
                flat += (pos, start, end)
        fb = self.field_boost
        return [(word, len(flat) // 3, len(flat) // 3 * fb, array("i", flat).tobytes()) for word, flat in seen.items()]

    def encode(self, poslist: list[tuple[int, int, int]]) -> bytes:
        return array("i", [x for triple in poslist for x in triple]).tobytes()

    @staticmethod
    def _ints(valuestring: bytes) -> array[int]:
        a = array("i")
        a.frombytes(valuestring)
        return a

    def decode_characters(self, valuestring: bytes) -> list[tuple[int, int, int]]:
        a = self._ints(valuestring)
        return list(zip(a[0::3], a[1::3], a[2::3], strict=True))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(self._ints(valuestring)[0::3])

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 12

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring) * self.field_boost)

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, int]]:
        return [(pos, 1) for pos in self.decode_positions(valuestring)]
