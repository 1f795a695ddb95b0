"""The command line, through click's CliRunner: output shapes, exit codes, error lines."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from factory import make_doc
from gongkai.cli import cli

ENGLISH = {"LANG": "C"}  # the environment of a user without a Chinese locale
CHINESE = {"LANG": "zh_CN.UTF-8"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_has_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert {"index", "search", "show", "info", "crawl", "crawl-log", "reindex", "schedule", "demo", "serve",
            "stats"} <= set(names)
    for name in names:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None and cmd.help, f"command {name} has no help"
        r = runner.invoke(cli, [name, "--help"])
        assert r.exit_code == 0, name


def test_search_json_shape(runner: CliRunner, reports_index: Path) -> None:
    r = runner.invoke(cli, ["search", "--index", str(reports_index), "依申请公开", "--year", "2016-2017",
                            "--section", "依申请公开", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data) >= {"query", "total", "page", "results", "facets"}
    assert data["query"] == "依申请公开"
    assert set(data["facets"]) == {"year", "section", "type", "agency"}
    first = data["results"][0]
    assert set(first) == {"id", "url", "title", "agency", "type", "year", "published", "index_no", "doc_no",
                          "status", "withdrawn",
                          "score", "sections"}
    assert set(first["sections"][0]) == {"number", "heading", "key", "snippet"}
    assert {x["year"] for x in data["results"]} <= {2016, 2017}


def test_search_text_output_in_chinese(runner: CliRunner, reports_index: Path) -> None:
    r = runner.invoke(cli, ["search", "--index", str(reports_index), "行政复议", "--limit", "2"], env=CHINESE)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "共 25 份文件（检索“行政复议”）（第 1 / 13 页）"
    assert lines[-1].startswith("年份：") and " | 章节：复议诉讼 (" in lines[-1] and "类型：年度报告 (" in lines[-1]
    assert "年度报告 · 2015" in r.output  # the type by its label, not annual_report
    assert "  1. " in r.output and "  2. " in r.output and "  3. " not in r.output


def test_search_text_output_in_english(runner: CliRunner, reports_index: Path) -> None:
    r = runner.invoke(cli, ["search", "--index", str(reports_index), "行政复议", "--limit", "2"], env=ENGLISH)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "25 documents for “行政复议” (page 1 of 13)"
    assert lines[-1].startswith("Year: ") and " | Section: Reviews and lawsuits (" in lines[-1]
    assert "Annual report · 2015" in r.output
    # --lang wins over the environment
    r = runner.invoke(cli, ["--lang", "zh", "search", "--index", str(reports_index), "行政复议"], env=ENGLISH)
    assert r.output.startswith("共 25 份文件")


def test_help_follows_the_language(runner: CliRunner) -> None:
    zh = runner.invoke(cli, ["search", "--help"], env=CHINESE).output
    assert zh.startswith("用法：") and "检索索引。" in zh and "选项:" in zh and "每页文件数。" in zh
    en = runner.invoke(cli, ["search", "--help"], env=ENGLISH).output
    assert en.startswith("Usage:") and "Search the index." in en and "Documents per page." in en
    assert runner.invoke(cli, ["--lang", "en", "crawl", "--help"], env=CHINESE).output.startswith("Usage:")
    top = runner.invoke(cli, ["--help"], env=CHINESE).output
    assert "抓取配置的公开网站并更新索引。" in top  # the commands' short help, translated too
    r = runner.invoke(cli, ["search", "--limit", "x"], env=CHINESE)
    assert r.exit_code == 2 and "错误：'--limit' 的值无效" in r.output


def test_search_page_and_sort(runner: CliRunner, reports_index: Path) -> None:
    r = runner.invoke(cli, ["search", "--index", str(reports_index), "公开", "--sort", "date", "--page", "2",
                            "--limit", "5", "--json"])
    data = json.loads(r.output)
    assert data["page"] == 2 and len(data["results"]) == 5
    dates = [x["published"] for x in data["results"]]
    assert dates == sorted(dates, reverse=True)


def test_search_without_query_lists_newest_first(runner: CliRunner, reports_index: Path) -> None:
    r = runner.invoke(cli, ["search", "--index", str(reports_index), "--limit", "3"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "共 26 份文件，最新在前（第 1 / 9 页）"
    r = runner.invoke(cli, ["search", "--index", str(reports_index), "--year", "-2016", "--sort", "oldest", "--json"])
    data = json.loads(r.output)
    assert data["sort"] == "oldest" and {x["year"] for x in data["results"]} == {2015, 2016}
    dates = [x["published"] for x in data["results"]]
    assert dates == sorted(dates)


def test_search_scope_dates_and_sort_options(runner: CliRunner, reports_index: Path) -> None:
    def total(*args: str) -> int:
        r = runner.invoke(cli, ["search", "--index", str(reports_index), *args, "--json"])
        assert r.exit_code == 0, r.output
        return int(json.loads(r.output)["total"])

    assert total("予以公开", "未发生") == 12
    assert total("予以公开", "未发生", "--within", "section") == 0
    assert total("--published", "2017-02", "--year", "2016年") == 5
    assert total("公开", "--sort", "date") == total("公开", "--sort", "newest") == 26


def test_search_help_explains_the_query_language(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["search", "--help"]).output
    for text in ("依申请公开 信息处理费", "--within section", "申请*", "国发[2019]5号", "--published", "--format",
                 "--all", "newest"):
        assert text in out, text


def test_show(runner: CliRunner, reports_index: Path) -> None:
    doc = make_doc(2)
    r = runner.invoke(cli, ["show", "--index", str(reports_index), doc.id], env=CHINESE)
    assert r.exit_code == 0
    assert doc.title in r.output and "二、依申请公开政府信息情况 [依申请公开]" in r.output
    assert f"机关：{doc.agency}" in r.output and "类型：年度报告" in r.output and f"文号：{doc.doc_no}" in r.output
    r = runner.invoke(cli, ["show", "--index", str(reports_index), doc.id], env=ENGLISH)
    assert "二、依申请公开政府信息情况 [Requests]" in r.output and "Type: Annual report" in r.output
    r = runner.invoke(cli, ["show", "--index", str(reports_index), doc.id, "--json"])
    shown = json.loads(r.output)
    assert shown["doc_no"] == doc.doc_no
    # the same field names as search results and exports
    assert list(shown)[:11] == ["id", "url", "title", "agency", "type", "year", "published", "index_no", "doc_no",
                              "status", "withdrawn"]
    assert shown["type"] == "annual_report" and "doc_type" not in shown


def test_show_json_prints_the_provenance(runner: CliRunner, tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "docs" / "songgang_swj_tingshui_wechat_source.txt"
    page = tmp_path / "tingshui.html"
    page.write_bytes(fixture.with_suffix(".html").read_bytes())
    index = tmp_path / "index"
    assert runner.invoke(cli, ["index", "--index", str(index), str(page)]).exit_code == 0
    r = runner.invoke(cli, ["search", "--index", str(index), "停水", "--json"])
    doc_id = json.loads(r.output)["results"][0]["id"]
    r = runner.invoke(cli, ["show", "--index", str(index), doc_id, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["agency"] == "松岗区水务局"
    assert data["provenance"] == {
        "title": "meta ArticleTitle", "agency": "signature",
        "agency.rejected": "meta ContentSource: a channel or account, not an issuer; "
                           "index table 来源: a channel or account, not an issuer",
        "published": "meta PubDate", "year": "published"}


@pytest.mark.lang("en")
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["search", "公开", "--year", "2019-2015"],
         2, "Error: the year range '2019-2015' ends before it starts: write it as 2015-2019"),
        (["search", "公开", "--section", "xyz"], 2, "Error: unknown section 'xyz'"),
        (["search", '"公开'], 2, 'Error: the query has an unbalanced quote: close the phrase with a second "'),
        (["search", "公开", "--published", "2024-13"], 2, "Error: the date '2024-13' has no month 13"),
        (["search", "*公开"], 2, "Error: '*公开': a * stands only at the end of a word"),
        (["show", "0000000000000000"], 2, "Error: no document with id '0000000000000000'"),
    ],
)
def test_errors_are_one_line(runner: CliRunner, reports_index: Path, args: list[str], code: int, message: str) -> None:
    r = runner.invoke(cli, [args[0], "--index", str(reports_index), *args[1:]])
    assert r.exit_code == code
    assert r.output.startswith(message)
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_errors_are_chinese_by_default(runner: CliRunner, reports_index: Path) -> None:
    r = runner.invoke(cli, ["show", "--index", str(reports_index), "0000000000000000"], env=CHINESE)
    assert r.exit_code == 2  # an unknown id is bad input, as the README says
    assert r.output == (f"错误：{reports_index} 中没有 id 为 '0000000000000000' 的文件：请核对 `gongkai search` 显示的 id。\n")
    r = runner.invoke(cli, ["search", "--index", str(reports_index), "公开", "--section", "xyz"], env=CHINESE)
    assert r.exit_code == 2 and r.output.startswith("错误：没有章节 'xyz'：")


@pytest.mark.lang("en")
def test_no_index(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(cli, ["search", "--index", str(tmp_path / "none"), "公开"])
    assert r.exit_code == 1
    assert r.output == f"Error: no index at {tmp_path / 'none'}/ — run `gongkai index PATH` or `gongkai crawl` first\n"


def _write_pages(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for i in range(3):
        p = folder / f"report{i}.html"
        p.write_text(
            f"<html><head><title>青溪区财政局{2018 + i}年政府信息公开工作年度报告</title></head><body>"
            f"<div class='TRS_Editor'><p>一、概述</p><p>{2018 + i}年，青溪区财政局推进政务公开。</p>"
            f"<p>二、依申请公开政府信息情况</p><p>共收到申请{i + 3}件。</p></div></body></html>",
            "utf-8",
        )
        pages.append(p)
    return pages


def test_index_command_updates_in_place(runner: CliRunner, tmp_path: Path) -> None:
    pages = _write_pages(tmp_path / "docs")
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    ix = str(tmp_path / "ix")
    r = runner.invoke(cli, ["index", "--index", ix, str(tmp_path / "docs"), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert (data["indexed"], data["updated"], data["unchanged"]) == (3, 0, 0)
    assert sorted(Path(f["path"]).name for f in data["failed"]) == ["broken.pdf", "empty.txt"]
    assert all(f["error"] for f in data["failed"])

    pages[0].write_text(pages[0].read_text("utf-8").replace("共收到申请3件", "共收到申请30件"), "utf-8")
    r = runner.invoke(cli, ["index", "--index", ix, str(tmp_path / "docs"), "--json"])
    data = json.loads(r.output)
    assert (data["indexed"], data["updated"], data["unchanged"]) == (0, 1, 2)

    r = runner.invoke(cli, ["search", "--index", ix, "政务公开", "--json"])
    assert json.loads(r.output)["total"] == 3
    r = runner.invoke(cli, ["info", "--index", ix, "--json"])
    info = json.loads(r.output)
    assert info["documents"] == 3 and info["analyzer_version"] == "1"
    assert info["segmenter"].split()[0] in ("rjieba", "jieba")
