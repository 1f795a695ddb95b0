"""Snippets: a window of a section's text with the query's words in <mark>, HTML-escaped.

The text is re-analysed with the index analyzer (sub-words included), so a match covers a
whole word or dictionary sub-word exactly; overlapping matches are merged into one mark.
"""

from __future__ import annotations

from html import escape

from .analysis import normalize, tokens

SNIPPET_CHARS = 140
_LEAD = 24  # characters of context before the first match
_MARGIN = 12  # characters segmented around a window, so words at its edges segment as in the text


def match_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    spans = sorted((s, e) for _, w, s, e in tokens(text, subwords=True) if w in terms)
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


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
    """(window start, word spans) found by segmenting only around the best window of plain
    substring hits; segmenting a whole long section for one snippet is what used to cost most."""
    norm = normalize(flat)
    if len(norm) != len(flat):
        return 0, match_spans(flat, terms)
    hits: list[tuple[int, int]] = []
    for term in terms:
        i = norm.find(term)
        while i >= 0 and len(hits) < 500:
            hits.append((i, i + len(term)))
            i = norm.find(term, i + 1)
    if not hits:
        return 0, []
    hits.sort()
    start = max(0, _best_window(hits, width) - _LEAD)
    lo, hi = max(0, start - _MARGIN), min(len(flat), start + width + _MARGIN)
    spans = [(s + lo, e + lo) for s, e in match_spans(flat[lo:hi], terms)]
    if not spans:  # the substrings were inside other words here: look at the whole text
        spans = match_spans(flat, terms)
        if spans:
            start = max(0, _best_window(spans, width) - _LEAD)
    return start, spans


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
    return mark(text, match_spans(text, terms) if terms else [])
