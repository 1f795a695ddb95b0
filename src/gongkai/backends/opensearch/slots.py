"""Pre-tokenised text for OpenSearch: our jieba tokens, placed at their character offsets.

OpenSearch never segments Chinese here; Python does, with the index analyzer, and sends the
tokens in a form a whitespace analyzer turns back into exactly those tokens at exactly those
positions. The position of a token is its start offset in the normalised text, so "word B
starts where word A ends" — the condition our phrases match on (``index.query.CharPhrase``) —
becomes "B's position = A's position + len(A)", which a Lucene phrase query with gaps checks:

    text     政府信息公开工作   (jieba: 政府信息公开 | 工作; dictionary sub-words 政府 信息公开 信息 公开)
    slots    "政府信息公开|政府 _ 信息公开|信息 _ 公开 _ 工作"
    tokens   政府信息公开@0 政府@0 信息公开@2 信息@2 公开@4 工作@6

One slot per character offset up to the last token start: the tokens starting there joined by
``|`` (the ``pattern_capture`` filter emits each at the slot's position), or ``_`` (removed by a
``stop`` filter, which keeps the gap). Words and dictionary sub-words live in one field, because a
phrase may join a sub-word of one word to the next word ("公开工作" above). Tokens longer than
``MAX_TOKEN`` characters are left out (no one searches a 300-character run of letters, and a
longer token would be split by the tokenizer and shift every later position).
"""

from __future__ import annotations

from ...index.analysis import normalize, token_lists

GAP = "_"
ALT = "|"
MAX_TOKEN = 255
# The whitespace tokenizer's limit: a slot holds a word of at most MAX_TOKEN characters, or one of at
# most 12 (the longest word given sub-words) with its sub-words — well under this.
MAX_SLOT = 4096

ANALYSIS = {
    "tokenizer": {"gk_ws": {"type": "whitespace", "max_token_length": MAX_SLOT}},
    "filter": {
        "gk_alts": {"type": "pattern_capture", "preserve_original": False, "patterns": [f"([^{ALT}]+)"]},
        "gk_gap": {"type": "stop", "stopwords": [GAP], "ignore_case": False},
    },
    "analyzer": {"gk_slots": {"type": "custom", "tokenizer": "gk_ws", "filter": ["gk_alts", "gk_gap"]}},
}
ANALYZER = "gk_slots"


def slots(text: str) -> str:
    """``text`` as slots (see the module docstring); "" when it has no tokens."""
    starts: dict[int, list[str]] = {}
    words, _, offsets, _ = token_lists(normalize(text), subwords=True)  # offsets into the normalised text
    for word, start in zip(words, offsets, strict=True):
        if len(word) <= MAX_TOKEN:
            starts.setdefault(start, []).append(word)
    if not starts:
        return ""
    last = max(starts)
    return " ".join(ALT.join(starts[i]) if i in starts else GAP for i in range(last + 1))


def phrase_slots(words: list[str]) -> str:
    """A phrase query's words with the gaps that make each start where the previous one ends."""
    out: list[str] = []
    for w in words[:-1]:
        out.append(w)
        out.extend([GAP] * (len(w) - 1))
    out.append(words[-1])
    return " ".join(out)
