"""Prose figures are searched only in sentences holding a number with its unit (stats.figures._COUNT):
every prose pattern must end its number with one of those units, or that shortcut would drop its figures."""

from __future__ import annotations

import random
import re

from gongkai.stats import figures


def test_every_prose_pattern_needs_a_number_with_one_of_the_units_searched_for() -> None:
    units = set(figures._UNITS)
    number_then_unit = re.escape(figures._NUM) + r"\\s\*\(\?P<a>余\|多\)\?\\s\*\(\?P<u>([^)]*)\)(?!\?)"
    for key, patterns in figures._PROSE_RE:
        for pat, _needs in patterns:
            groups = re.findall(number_then_unit, pat.pattern)  # a number, then a required unit group
            assert groups, (key, pat.pattern)
            assert all(set(g.split("|")) <= units for g in groups), (key, pat.pattern)
    assert figures._COUNT.search("收到申请12 余 件") and figures._COUNT.search("三条")
    assert not figures._COUNT.search("根据《条例》和有关文件，本项工作")


def test_a_sentence_without_a_unit_is_not_searched_but_its_neighbours_are() -> None:
    text = "本年度共收到政府信息公开申请。其中，依申请公开12件。"  # (the first sentence holds no count)
    found = figures._read_prose(text).fields
    assert found.get("requests.received") is not None


def test_the_possessive_number_finds_what_a_plain_one_finds() -> None:
    """``_NUM`` is a look-ahead and possessive runs (fast: a search skips to the next number); nothing
    that may follow a number is a digit or a numeral, so every pattern matches as with plain runs."""
    plain = r"(?P<n>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
    assert "++" in figures._NUM
    rng = random.Random(3)
    pieces = ["收到政府信息公开申请", "共", "12", "3.5", "1.", "件", "。", "同意公开", "或部分公开", "条", "；",
              "行政复议", "和", "行政诉讼", "各", "一", "二十", "万", "余", "多", " ", "起", "，", "不予公开",
              "项", "部分公开的", "份", "答复", "主动公开", "篇", "依申请公开", "次", "2019年", "〇"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    for _key, patterns in figures._PROSE_RE:
        for pat, _needs in patterns:
            slow = re.compile(pat.pattern.replace(figures._NUM, plain))
            assert slow.pattern != pat.pattern
            for text in texts:
                fast_m, slow_m = pat.search(text), slow.search(text)
                assert (fast_m and (fast_m.span(), fast_m.groupdict())) == (slow_m and (slow_m.span(), slow_m.groupdict()))
