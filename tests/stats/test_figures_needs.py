"""The prose reader's shortcuts (stats.figures): a pattern is searched only in sentences holding one of
the strings every match of it holds (``_needs``, read from the pattern itself), blanks are closed and
sentences cut without look-behind searches (nor a regex), counted sentences found
only among those holding a unit. Each must find exactly what the plain way finds."""

from __future__ import annotations

import random
import re

from gongkai.stats import figures

PIECES = ["同意公开", "不同意公开", "予以公开", "部分公开", "或", "和", "行政复议", "行政诉讼", "共", "计", "为",
          "收到", "申请", "依申请公开", "答复", "办结", "主动公开", "政府信息", "未", "没有", "发生", "12", "三",
          "十五", "0", "件", "条", "项", "余", "多", "。", "；", "，", "\n", " ", "\t", "　", "的", "各", "均为",
          "不予公开", "全部公开", "属于", "3.5", "信息", "！", "？", "１２", " 5 ", "本年度", "\r", "a", "7"]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(n)]


def test_every_prose_pattern_is_searched_only_where_its_strings_are() -> None:
    searchers = [s for _, patterns in figures._PROSE_RE for s in patterns] + list(figures._ZERO_RE.values())
    assert all(needs for _, needs in searchers)  # (the parser read each one: the shortcut is in use)
    for pat, needs in searchers:
        for text in _texts(2000, 5):
            if pat.search(text):
                assert any(n in text for n in needs), (pat.pattern, needs, text)


def test_what_a_pattern_needs() -> None:
    def needs(pattern: str) -> tuple[str, ...]:
        return figures._searcher(pattern)[1]

    assert needs("收到(?:政府信息)?申请") == ("收到",)  # (an optional part is not needed)
    assert needs("(?:同意公开|予以公开)或部分公开") == ("或部分公开",)
    assert set(needs("(?:同意公开|予以公开)[^。]{0,6}")) == {"同意公开", "予以公开"}
    assert needs("(?:(?<!不)同意公开|全部公开)") == ("同意公开", "全部公开")
    assert needs("(?P<u>件行政|条行政)") == ("件行政", "条行政")  # (a group's contents are needed too)
    assert needs(r"\d+件?") == ()  # nothing fixed: every sentence is searched
    assert needs("(?i:abc)d") == ("d",)  # a group with flags of its own is left out
    assert needs("(?i)abc") == ()


def test_blanks_between_han_and_digits_are_closed_as_the_look_behind_pattern_closed_them() -> None:
    cjk = figures._CJK
    old = re.compile(rf"(?<=[{cjk}])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[{cjk}])")
    for text in [*_texts(3000, 7), " 12件", "共 ", "共\t\t１２ 件 a 3 b", "一 二", "1 2"]:
        assert figures._close_digit_gaps(text) == old.sub("", text), repr(text)


def test_sentences_are_cut_as_the_look_behind_split_cut_them() -> None:
    old = re.compile(r"(?<=[。;!?])|\n")
    for text in [*_texts(3000, 9), "", "。", "a。。b", "\n\n", "甲;乙!丙?丁\n戊"]:
        expected = [s.strip() for s in old.split(text) if s and s.strip()]
        assert figures._sentences(text) == expected, repr(text)


def test_a_sentence_without_a_unit_is_not_counted() -> None:
    for text in _texts(3000, 11):
        for s in figures._sentences(text):
            assert bool(figures._UNIT.search(s) and figures._COUNT.search(s)) == bool(figures._COUNT.search(s))
