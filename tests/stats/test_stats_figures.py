"""Figures from the fixture reports: known values (100% on template tables), golden output, pieces."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from stats_helpers import FIXTURES, load, report_files

from gongkai.models import Document, Section
from gongkai.stats import check_figures, extract_figures, figures_from_text
from gongkai.stats.figures import ALL_FIELDS, cn_number, field_label, template_version

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import stats_accuracy  # noqa: E402

UPDATE = os.environ.get("GONGKAI_UPDATE_GOLDEN") == "1"


def _expected(path: Path) -> dict:
    return json.loads((FIXTURES / f"{path.stem}.expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", report_files(), ids=lambda p: p.name)
def test_known_figures(path: Path) -> None:
    expected = _expected(path)
    figures = extract_figures(load(path))
    if expected["template"] is None:
        assert figures is None
        return
    assert figures is not None
    assert figures["template"] == expected["template"]
    got = {k: v["value"] for k, v in figures["fields"].items()}
    assert got == expected["fields"]
    assert len(check_figures(figures)) == expected["failed_checks"]


@pytest.mark.parametrize("path", report_files(), ids=lambda p: p.name)
def test_golden_output(path: Path) -> None:
    golden = FIXTURES / f"{path.stem}.figures.json"
    figures = extract_figures(load(path))
    text = json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden {golden.name}: run with GONGKAI_UPDATE_GOLDEN=1 to write it"
    assert json.loads(golden.read_text(encoding="utf-8")) == json.loads(text)


def test_accuracy_script_is_100_percent_on_template_tables() -> None:
    rows = stats_accuracy.measure(FIXTURES)
    tables = [r for r in rows if r["layout"] not in ("prose", "none")]
    assert {r["layout"] for r in tables} == {"html", "pipes", "cells", "one_line", "pdf"}
    assert sum(r["correct"] for r in tables) == sum(r["figures"] for r in tables) > 1000
    assert all(not r["extra"] and not r["wrong"] for r in rows)
    assert all(r["failed_checks"] == r["expected_failed_checks"] for r in rows)


def test_accuracy_script_prints_shares(capsys: pytest.CaptureFixture[str]) -> None:
    assert stats_accuracy.main([]) == 0
    out = capsys.readouterr().out
    assert "template tables: 1062/1062 = 100.0%" in out


def test_every_value_keeps_its_source() -> None:
    figures = extract_figures(load(FIXTURES / "mingshan_2019_ndbg.html"))
    assert figures is not None
    f = figures["fields"]
    assert f["proactive.procurement.amount"] == {"value": 80618, "unit": "元", "source": "政府集中采购 | 6 | 80618元"}
    assert f["proactive.licensing.decisions"]["unit"] == "件"
    assert f["proactive.licensing.change"]["value"] == -4
    assert f["requests.result.refused.third_party.natural"]["source"].startswith("4.保护第三方合法权益 | 1 |")
    # &nbsp; cells are no figures, not zeros
    assert "requests.new.research" not in f
    assert "requests.result.refused.state_secret.total" not in f


def test_empty_cells_are_never_zero() -> None:
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 4 | | | | | | 4\n"
    figures = figures_from_text(text, 2020)
    assert figures is not None
    assert {k: v["value"] for k, v in figures["fields"].items()} == {"requests.new.natural": 4,
                                                                      "requests.new.total": 4}


def test_2021_fee_amount_defaults_to_wan_yuan() -> None:
    figures = extract_figures(load(FIXTURES / "mingshan_2021_ndbg_fails.html"))
    assert figures is not None
    assert figures["fields"]["proactive.fees.amount"] == {"value": 1.25, "unit": "万元", "source": "行政事业性收费 | 1.25"}


def test_prose_sources_and_approximate_values() -> None:
    figures = extract_figures(load(FIXTURES / "xiahe_2017_ndbg_prose.txt"))
    assert figures is not None and figures["template"] == "prose"
    items = figures["fields"]["proactive.items"]
    assert items["value"] == 2860 and items["approx"] is True
    assert "主动公开政府信息2860余条次" in items["source"]
    assert figures["fields"]["requests.received"]["source"] == "2017年,街道收到依申请公开8件,对申请的答…"


def test_seed_like_prose_report() -> None:
    doc = Document(id="x", url="x", title="烈岭区2017年政府信息公开年度报告", doc_type="annual_report", year=2017,
                   sections=[Section("五", "政府信息公开申请办理情况", "requests",
                                     "收到申请情况。2017年,区政府收到依申请公开8件,对申请的答复数为8件,答复率为100%。"
                                     "其中,同意公开数为7件,申请内容不明确等其他情况1件。"),
                             Section("六", "因政府信息公开申请提起行政复议、行政诉讼的情况", "appeals",
                                     "2017年,因政府信息公开提起行政复议申请1件,没有发生提起行政诉讼的情况。")])
    figures = extract_figures(doc)
    assert figures is not None
    assert {k: v["value"] for k, v in figures["fields"].items()} == {
        "requests.received": 8, "requests.answered": 8, "requests.disclosed": 7, "appeals.review": 1,
        "appeals.litigation": 0}


def test_no_figures_is_none() -> None:
    doc = Document(id="x", url="x", sections=[Section("", "", "other", "本年度工作稳步推进。")])
    assert extract_figures(doc) is None


def test_extract_figures_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.stats.figures as figures_module

    def boom(text: str, year: int | None = None) -> None:
        raise ValueError("bug")

    monkeypatch.setattr(figures_module, "figures_from_text", boom)
    doc = Document(id="x", url="x", sections=[Section("", "", "other", "本年新收 1 0 0 0 0 0 1")])
    assert figures_module.extract_figures(doc) is None


def test_traditional_characters() -> None:
    text = "一、本年新收政府信息公開申請數量 | 3 | 0 | 0 | 0 | 0 | 0 | 3\n(七)總計 | 3 | 0 | 0 | 0 | 0 | 0 | 3"
    figures = figures_from_text(text, 2021)
    assert figures is not None
    assert figures["fields"]["requests.result.total.total"]["value"] == 3


@pytest.mark.parametrize(("text", "value"), [("十二", 12), ("一千二百", 1200), ("一百零五", 105), ("三万二千", 32000),
                                             ("二〇", 20), ("十", 10), ("八", 8), ("零", 0), ("x", None)])
def test_cn_number(text: str, value: int | None) -> None:
    assert cn_number(text) == value


def test_template_version() -> None:
    assert template_version("本年制发件数 本年废止件数", 2019) == "2021"
    assert template_version("本年新制作数量 对外公开总数量", 2022) == "2019"
    assert template_version("", 2022) == "2021"
    assert template_version("", 2020) == "2019"


def test_field_names_and_labels() -> None:
    assert len(ALL_FIELDS) == len(set(ALL_FIELDS))
    assert "requests.result.other_handling.misc.total" in ALL_FIELDS
    assert "appeals.litigation.after_review.pending" in ALL_FIELDS
    assert field_label("requests.result.disclosed.natural") == "(一)予以公开 · 自然人"
    assert field_label("appeals.review.total") == "行政复议 · 总计"
    assert field_label("proactive.rules.in_force") == "规章 · 现行有效件数"
    assert field_label("requests.received") == "收到申请"
