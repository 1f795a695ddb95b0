"""`gongkai stats` with CliRunner over an index of the fixture reports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import gongkai.cli  # noqa: F401 - the command module uses the CLI's helpers; import the CLI first
from gongkai.stats.commands import stats

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(stats, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_table_lists_every_annual_report(index_dir: Path) -> None:
    code, out, _ = run("--index", str(index_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["agency", "year", "tpl", "requests", "disclosed", "partly_disclosed", "refused",
                                "handled", "reviews", "lawsuits", "checks", "id"]
    assert len(lines) == 1 + 8  # the notice has no row
    cells = [line.split() for line in lines[1:]]
    assert ["鸣山区人民政府", "2019", "2019", "27", "14", "3", "1", "26", "1", "1", "ok"] in [c[:11] for c in cells]
    assert ["鸣山区人民政府", "2021", "2021", "40", "20", "4", "2", "39", "3", "2", "4", "failed"] in [
        c[:12] for c in cells]
    assert ["霞河街道办事处", "2017", "prose", "8", "6", "1", "8", "0", "0", "ok"] in [c[:10] for c in cells]


def test_filters(index_dir: Path) -> None:
    code, out, _ = run("--index", str(index_dir), "--agency", "霞河", "--year", "2020-2021")
    assert code == 0
    rows = out.splitlines()[1:]
    assert [r.split()[:2] for r in rows] == [["霞河街道办事处", "2020"], ["霞河街道办事处", "2021"]]


def test_csv_has_every_field(index_dir: Path) -> None:
    code, out, _ = run("--index", str(index_dir), "--format", "csv", "--year", "2019")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    row = rows[0]
    assert row["agency"] == "鸣山区人民政府" and row["template"] == "2019"
    assert row["proactive.procurement.amount"] == "80618"
    assert row["requests.new.total"] == "27" and row["summary.requests"] == "27"
    assert row["requests.new.research"] == ""  # an empty cell stays empty
    assert row["failed_checks"] == "0"


def test_json_keeps_sources(index_dir: Path) -> None:
    code, out, _ = run("--index", str(index_dir), "--format", "json", "--agency", "松林县", "--year", "2016")
    assert code == 0
    (row,) = json.loads(out)
    assert row["template"] == "prose"
    assert row["fields"]["requests.received"]["value"] == 12
    assert "受理依申请公开十二件" in row["fields"]["requests.received"]["source"]
    assert row["summary"]["reviews"] == 2 and row["failed"] == []


def test_check_lists_failing_reports(index_dir: Path) -> None:
    code, out, err = run("--index", str(index_dir), "--check")
    assert code == 1
    assert "鸣山区人民政府 2021 — 鸣山区人民政府2021年政府信息公开工作年度报告" in out
    assert "  - 四 行政复议: 总计 3, but 维持 + 纠正 + 其他 + 尚未审结 = 2" in out
    table = out[out.index("\ncheck ") + 1:].splitlines()
    assert table[0].split() == ["check", "what", "checked", "passed", "failed", "not", "checkable"]
    counts = {line[:14].strip(): line.split()[-4:] for line in table[1:]}
    assert counts == {"figures read": ["8", "8", "0", "0"], "balance": ["6", "5", "1", "2"],
                      "row totals": ["6", "5", "1", "2"], "result totals": ["6", "5", "1", "2"],
                      "group rows": ["0", "0", "0", "8"], "review totals": ["6", "5", "1", "2"]}
    assert "2 of 8 reports fail a check (8 with figures, 0 with figures not read)." in err


def test_check_json_and_passing_selection(index_dir: Path) -> None:
    code, out, _ = run("--index", str(index_dir), "--check", "--format", "json", "--year", "2022")
    assert code == 1
    data = json.loads(out)
    (row,) = data["failing"]
    assert row["failed"] == ["四 行政复议: 总计 3, but 维持 + 纠正 + 其他 + 尚未审结 = 2"]
    assert data["checks"]["review totals"] == {"checked": 1, "passed": 0, "failed": 1, "unchecked": 0}
    code, out, err = run("--index", str(index_dir), "--check", "--year", "2019")
    assert code == 0 and out.startswith("check ") and "0 of 1 reports" in err


def test_check_flags_figures_not_read_and_stores_a_combined_number_once(tmp_path: Path) -> None:
    from gongkai.extract import extract_document
    from gongkai.index import Indexer

    text = ("松岗区司法局2016年政府信息公开工作年度报告\n一、概述\n全年主动公开政府信息127条。\n"
            "二、依申请公开政府信息情况\n全年共受理申请12件，其中同意公开或部分公开9件，不予公开1件。\n"
            "三、因政府信息公开申请提起行政复议、行政诉讼的情况\n详见附表。\n松岗区司法局\n2017年3月1日\n")
    with Indexer(tmp_path / "ix") as ix:
        ix.upsert(extract_document("songgang_sfj_2016.txt", text.encode()))
    code, out, err = run("--index", str(tmp_path / "ix"), "--check")
    assert code == 1
    assert "  - figures not read: section 四 (appeals) is there, but no figure was read from it" in out
    assert "1 of 1 reports fail a check (1 with figures, 1 with figures not read)." in err
    code, out, _ = run("--index", str(tmp_path / "ix"))
    assert out.splitlines()[1].split()[-2:-1] == ["read"]  # the checks column says "not read", never "ok"
    code, out, _ = run("--index", str(tmp_path / "ix"), "--format", "json")
    (row,) = json.loads(out)
    values = {k: v["value"] for k, v in row["fields"].items()}
    assert values == {"proactive.items": 127, "requests.received": 12, "requests.disclosed_or_partly": 9,
                      "requests.refused": 1}
    assert row["summary"]["disclosed"] is None and row["summary"]["partly_disclosed"] is None


def test_errors_are_one_line(tmp_path: Path, index_dir: Path) -> None:
    code, _, err = run("--index", str(tmp_path / "nothing"))
    assert code == 1
    assert err.startswith("Error: no index at")
    code, _, err = run("--index", str(index_dir), "--year", "2023-2019")
    assert code == 2
    assert err == "Error: the year range '2023-2019' ends before it starts: write it as 2019-2023\n"


def test_no_match_message(index_dir: Path) -> None:
    code, out, _ = run("--index", str(index_dir), "--agency", "不存在的机关")
    assert code == 0 and out == "No annual reports match.\n"


def test_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "--check" in out and "gongkai stats --check" in out
