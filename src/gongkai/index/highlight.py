"""Snippets: a window of a section's text with the query's words in <mark>, HTML-escaped.

The text's matches are found with the index analyzer (sub-words included), so a match covers a
whole word or dictionary sub-word exactly; overlapping matches are merged into one mark. The
analyzer cuts every run of Han characters, and every run of other letters and digits, on its own
(``analysis.token_lists``), so only the runs that hold a query word as a substring are analysed:
the same matches as analysing the whole text, for a fraction of it.
"""

from __future__ import annotations

from bisect import bisect_right
from html import escape

from .analysis import _RUN, normalize, tokens

SNIPPET_CHARS = 140
_LEAD = 24  # characters of context before the first match
_HITS = 500  # substring hits of the query's words looked at per text


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _whole(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """The matches of ``terms`` found by analysing all of ``text``."""
    return _merge([(s, e) for _, w, s, e in tokens(text, subwords=True) if w in terms])


def match_spans(text: str, terms: set[str], hits: int = _HITS) -> list[tuple[int, int]]:
    """The spans of ``text``'s words that are among ``terms``, merged, from the runs holding the
    first ``hits`` substring occurrences of each term (where normalising changes the text's length,
    its offsets move: then the whole text is analysed)."""
    norm = normalize(text)
    if len(norm) != len(text):
        return _whole(text, terms)
    runs = [(m.start(), m.end()) for m in _RUN.finditer(norm)]
    starts = [a for a, _ in runs]
    wanted: set[int] = set()
    for term in terms:
        i, n = norm.find(term), 0
        while i >= 0 and n < hits:
            r = bisect_right(starts, i) - 1
            if r >= 0 and i + len(term) <= runs[r][1]:  # a word lies inside one run
                wanted.add(r)
            i, n = norm.find(term, i + 1), n + 1
    # The runs go to the analyzer as one text, a line break between two (each is cut as on its own):
    # one call, not one per run. ``at`` holds each run's start in that text and in ``text``.
    pieces: list[str] = []
    at: list[tuple[int, int]] = []
    pos = 0
    for r in sorted(wanted):
        a, b = runs[r]
        piece = text[a:b]
        if normalize(piece) != norm[a:b]:  # (normalising this run alone would differ: the whole text)
            return _whole(text, terms)
        pieces.append(piece)
        at.append((pos, a))
        pos += b - a + 1
    starts_in = [p for p, _ in at]
    spans: list[tuple[int, int]] = []
    for _, w, s, e in tokens("\n".join(pieces), subwords=True):
        if w in terms:
            p, a = at[bisect_right(starts_in, s) - 1]
            spans.append((s - p + a, e - p + a))
    return _merge(spans)


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Start of the window of ``width`` characters that covers the most matches."""
    best_start, best_count, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= s + width:
            j += 1
        if j - i > best_count:
            best_start, best_count = s, j - i
    return best_start


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape ``text`` and wrap each span in <mark>."""
    out, pos = [], 0
    for s, e in spans:
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)


def _window_spans(flat: str, terms: set[str], width: int) -> tuple[int, list[tuple[int, int]]]:
    """(window start, word spans): the window of ``width`` characters covering the most matches."""
    spans = match_spans(flat, terms)
    if not spans:
        return 0, []
    return max(0, _best_window(spans, width) - _LEAD), spans


def snippet(text: str, terms: set[str], width: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    start, spans = _window_spans(flat, terms, width) if terms else (0, [])
    if not spans:
        cut = flat[:width]
        return escape(cut) + ("…" if len(flat) > width else "")
    end = min(len(flat), start + width)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end]
    body = mark(flat[start:end], inside)
    return ("…" if start > 0 else "") + body + ("…" if end < len(flat) else "")


def highlight_all(text: str, terms: set[str]) -> str:
    """The whole text escaped, with every match marked (for the document page)."""
    return mark(text, match_spans(text, terms, hits=len(text) + 1) if terms else [])
