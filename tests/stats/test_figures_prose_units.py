"""Prose figures are searched only in sentences holding a unit (stats.figures._UNIT): every prose
pattern must end its number with one of those units, or that shortcut would drop its figures."""

from __future__ import annotations

import re

from gongkai.stats import figures


def test_every_prose_pattern_needs_one_of_the_units_searched_for() -> None:
    units = set(figures._UNIT.pattern.strip("[]"))
    for key, patterns in figures._PROSE_RE:
        for pat in patterns:
            groups = re.findall(r"\(\?P<u>([^)]*)\)(?!\?)", pat.pattern)  # a required unit group
            assert groups, (key, pat.pattern)
            assert all(set(g.split("|")) <= units for g in groups), (key, pat.pattern)


def test_a_sentence_without_a_unit_is_not_searched_but_its_neighbours_are() -> None:
    text = "本年度共收到政府信息公开申请。其中，依申请公开12件。"
    found = figures._read_prose(text).fields
    assert found.get("requests.received") is not None
