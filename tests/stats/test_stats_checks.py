"""check_figures: the sums built into the 2019+ template, with the exact messages."""

from __future__ import annotations

from typing import Any

import pytest
from stats_helpers import FIXTURES, load

from gongkai.models import Document, Section
from gongkai.stats import check_figures, extract_figures
from gongkai.stats.checks import CHECKS, run_checks

pytestmark = pytest.mark.lang("en")  # the checks' wording, in English (Chinese: test_messages_in_chinese)


def _fig(values: dict[str, int], template: str = "2021") -> dict[str, Any]:
    return {"template": template, "fields": {k: {"value": v, "source": ""} for k, v in values.items()}}


def _row(key: str, six: list[int], total: int | None = None) -> dict[str, int]:
    cols = ("natural", "business", "research", "public_interest", "legal", "other")
    out = {f"{key}.{c}": v for c, v in zip(cols, six, strict=True)}
    out[f"{key}.total"] = sum(six) if total is None else total
    return out


def test_consistent_table_passes() -> None:
    fig = _fig({**_row("requests.new", [5, 1, 0, 0, 0, 0]), **_row("requests.carried_over", [1, 0, 0, 0, 0, 0]),
                **_row("requests.result.disclosed", [4, 1, 0, 0, 0, 0]),
                **_row("requests.result.refused.third_party", [1, 0, 0, 0, 0, 0]),
                **_row("requests.result.total", [5, 1, 0, 0, 0, 0]),
                **_row("requests.carried_forward", [1, 0, 0, 0, 0, 0])})
    assert check_figures(fig) == []


def test_balance_row_total_and_result_total_messages() -> None:
    fig = _fig({**_row("requests.new", [5, 1, 0, 0, 0, 0]), **_row("requests.carried_over", [1, 0, 0, 0, 0, 0]),
                **_row("requests.result.disclosed", [4, 1, 0, 0, 0, 0], total=6),
                **_row("requests.result.total", [5, 1, 0, 0, 0, 0]),
                **_row("requests.carried_forward", [0, 0, 0, 0, 0, 0])})
    assert check_figures(fig) == [
        "三 balance, 自然人: 一 新收 5 + 二 上年结转 1 = 6, but 三(七) 总计 5 + 四 结转下年度 0 = 5",
        "三 balance, 总计: 一 新收 6 + 二 上年结转 1 = 7, but 三(七) 总计 6 + 四 结转下年度 0 = 6",
        "三 row (一)予以公开: 总计 6, but the six applicant columns add up to 5",
        "三 result total, 自然人: (七)总计 5, but (一)…(六) add up to 4",
    ]


def test_group_rows_and_appeals() -> None:
    fig = _fig({**_row("requests.result.refused.subtotal", [2, 0, 0, 0, 0, 0]),
                **_row("requests.result.refused.state_secret", [1, 0, 0, 0, 0, 0]),
                "appeals.review.upheld": 1, "appeals.review.corrected": 0, "appeals.review.other": 0,
                "appeals.review.pending": 1, "appeals.review.total": 1,
                "appeals.litigation.direct.upheld": 1, "appeals.litigation.direct.total": 1})
    assert check_figures(fig) == [
        "三 (三)不予公开, 自然人: 2, but its sub-items add up to 1",
        "三 (三)不予公开, 总计: 2, but its sub-items add up to 1",
        "四 行政复议: 总计 1, but 维持 + 纠正 + 其他 + 尚未审结 = 2",
    ]


def test_missing_cells_do_not_fail_and_prose_is_not_checked() -> None:
    assert check_figures(_fig({"requests.new.total": 3})) == []
    assert check_figures({"template": "prose", "fields": {"requests.received": {"value": 1, "source": ""}}}) == []
    assert check_figures(None) == []
    assert check_figures({}) == []


def test_fixture_failures() -> None:
    failed = check_figures(extract_figures_of("mingshan_2021_ndbg_fails.html"))
    assert failed == [
        "三 balance, 自然人: 一 新收 31 + 二 上年结转 3 = 34, but 三(七) 总计 30 + 四 结转下年度 3 = 33",
        "三 row 一、本年新收: 总计 40, but the six applicant columns add up to 41",
        "三 row (二)部分公开: 总计 4, but the six applicant columns add up to 5",
        "三 result total, 总计: (七)总计 39, but (一)…(六) add up to 38",
    ]
    assert check_figures(extract_figures_of("xiahe_2022_ndbg_one_line_fails.txt")) == [
        "四 行政复议: 总计 3, but 维持 + 纠正 + 其他 + 尚未审结 = 2"]


def extract_figures_of(name: str) -> dict[str, Any] | None:
    from gongkai.stats import extract_figures

    return extract_figures(load(FIXTURES / name))


def _report(*sections: tuple[str, str, str, str]) -> Document:
    return Document(id="r1", url="http://x.example.gov.cn/r1.html", title="松岗区2016年政府信息公开工作年度报告",
                    doc_type="annual_report", year=2016,
                    sections=[Section(n, h, k, t) for n, h, k, t in sections])


def test_a_part_without_figures_is_flagged_not_passed() -> None:
    doc = _report(("一", "概述", "overview", "全年主动公开政府信息120条。"),
                  ("三", "依申请公开政府信息情况", "requests", "全年共受理申请12件，均已按期答复。"),
                  ("五", "因政府信息公开申请提起行政复议、行政诉讼的情况", "appeals", "具体情况详见附表。"))
    figures = extract_figures(doc)
    assert figures is not None and figures["unread"] == ["appeals"]
    assert check_figures(figures) == [
        "figures not read: section 四 (appeals) is there, but no figure was read from it"]
    results = run_checks(figures)
    assert results["figures read"] and results["balance"] is None  # prose: no table balance to check


def test_a_report_with_parts_but_no_figure_at_all_still_has_a_record() -> None:
    doc = _report(("三", "收到和处理政府信息公开申请情况", "requests", "见下表。\n| 自然人 | 商业企业 |"),
                  ("四", "政府信息公开行政复议、行政诉讼情况", "appeals", "见下表。"))
    figures = extract_figures(doc)
    assert figures == {"template": "", "fields": {}, "notes": [], "unread": ["requests", "appeals"]}
    assert len(check_figures(figures)) == 2


def test_nothing_to_report_counts_as_read() -> None:
    doc = _report(("三", "依申请公开政府信息情况", "requests", "全年未收到政府信息公开申请。"),
                  ("四", "政府信息公开行政复议、行政诉讼情况", "appeals", "无。"))
    figures = extract_figures(doc)
    assert figures is not None and figures["unread"] == []
    assert run_checks(figures)["figures read"] == []


def test_a_table_report_whose_appeals_are_given_in_words() -> None:
    fig = extract_figures_of("mingshan_2019_ndbg.html")
    assert fig is not None and fig["unread"] == []
    doc = load(FIXTURES / "mingshan_2019_ndbg.html")
    for s in doc.sections:
        if s.key == "appeals":
            s.text = "本年度未发生政府信息公开行政复议、行政诉讼。"
    figures = extract_figures(doc)
    assert figures is not None and figures["template"] == "2019" and figures["unread"] == []
    assert (figures["fields"]["appeals.review"]["value"], figures["fields"]["appeals.litigation"]["value"]) == (0, 0)


def test_run_checks_says_what_could_not_be_checked() -> None:
    assert list(run_checks(None)) == list(CHECKS) and set(run_checks(None).values()) == {None}
    fig = _fig({**_row("requests.new", [5, 1, 0, 0, 0, 0]), **_row("requests.result.total", [5, 1, 0, 0, 0, 0])})
    fig["unread"] = []
    assert run_checks(fig) == {"figures read": [], "balance": [], "row totals": [], "result totals": None,
                               "group rows": None, "review totals": None}
    del fig["unread"]  # stored before unread parts were recorded
    assert run_checks(fig)["figures read"] is None


@pytest.mark.lang("zh_CN")
def test_messages_in_chinese() -> None:
    figures = extract_figures(load(FIXTURES / "mingshan_2021_ndbg_fails.html"))
    assert check_figures(figures)[0] == (
        "三 收支平衡，自然人：一 新收 31 + 二 上年结转 3 = 34，但 三(七) 总计 30 + 四 结转下年度 3 = 33")
