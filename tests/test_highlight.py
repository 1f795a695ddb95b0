"""Matches for snippets and the document page: analysing only the runs that hold a query word
finds exactly what analysing the whole text finds."""

from __future__ import annotations

import random
from pathlib import Path

from factory import sample_texts
from gongkai.index import highlight
from gongkai.index.analysis import tokens


def _whole(text: str, terms: set[str]) -> list[tuple[int, int]]:
    return highlight._merge([(s, e) for _, w, s, e in tokens(text, subwords=True) if w in terms])


def test_only_the_runs_holding_a_word_are_analysed_and_the_matches_are_the_same(tmp_path: Path) -> None:
    rng = random.Random(5)
    texts = [t for t in sample_texts(tmp_path) if t.strip()][:400]
    texts += ["ﬁle ㍿ 政府信息公开", "２０２４年ｘｍ２０２１信息公开", "信息公开。信息公开，政府信息公开条例", "İstanbul 公开"]
    checked = 0
    for text in texts:
        words = sorted({w for _, w, _, _ in tokens(text[:3000], subwords=True)})
        if not words:
            continue
        for _ in range(3):
            terms = set(rng.sample(words, min(len(words), rng.randint(1, 3))))
            terms.add(rng.choice(["公开", "信息", "申请", "zz"]))
            assert highlight.match_spans(text, terms, hits=len(text) + 1) == _whole(text, terms), (text[:80], terms)
            checked += 1
    assert checked > 600


def test_a_snippet_window_is_chosen_by_the_words_not_their_substrings() -> None:
    # 和平 as a substring (他和平时: 他 / 和 / 平时) comes first; the window goes where it is a word
    text = "他和平时一样来上班。" * 20 + "其他内容" * 30 + "维护世界和平。" + "其他内容" * 40
    s = highlight.snippet(text, {"和平"})
    assert "世界<mark>和平</mark>" in s and "他和平时" not in s
    assert highlight.snippet("他和平时一样", {"和平"}) == "他和平时一样"
