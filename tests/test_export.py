"""Exports: `gongkai search --format csv|jsonl --all` and the web page's 导出 CSV, on 10 000 results;
the CSV writer that keeps crawled text from running as spreadsheet formulas."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from factory import BULK_DOCS, bulk_doc
from gongkai.cli import cli
from gongkai.config import Settings
from gongkai.csvout import csv_lines, safe_cell
from gongkai.export import EXPORT_COLUMNS, csv_export
from gongkai.index import SearcherHandle, SearchRequest, open_searcher
from gongkai.web import create_app

HEADER = ["id", "url", "title", "agency", "type", "year", "published", "index_no", "doc_no", "status", "withdrawn",
          "sections"]


@contextlib.contextmanager
def _client(index: Path, settings: Settings | None = None) -> Iterator[FlaskClient]:
    """A test client whose index handles are closed at the end (not left to the garbage collector)."""
    handles: list[SearcherHandle] = []

    def opener(path: Path) -> SearcherHandle:
        handles.append(open_searcher(path))
        return handles[-1]

    try:
        yield create_app(index, settings=settings, opener=opener).test_client()
    finally:
        for h in handles:
            h.close()


def _search_order(index: Path, **opts: object) -> list[str]:
    """The ids of the first 100 results, as the paged search orders them."""
    with open_searcher(index) as h:
        return [r["id"] for r in h.search(SearchRequest(limit=100, **opts))["results"]]  # type: ignore[arg-type]


def test_cli_csv_all_streams_every_result(bulk_index: Path) -> None:
    r = CliRunner().invoke(cli, ["search", "--index", str(bulk_index), "依申请公开", "--sort", "oldest",
                                 "--format", "csv", "--all"])
    assert r.exit_code == 0, r.output[-500:]
    assert r.output.startswith("\ufeff")  # every CSV: spreadsheet programs then read the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(r.output.removeprefix("\ufeff"))))
    assert rows[0] == HEADER == list(EXPORT_COLUMNS)
    body = rows[1:]
    assert len(body) == BULK_DOCS
    assert len({row[0] for row in body}) == BULK_DOCS
    assert [row[0] for row in body[:100]] == _search_order(bulk_index, query="依申请公开", sort="oldest")
    published = [row[6] for row in body]
    assert published == sorted(published)
    by_id = {bulk_doc(i).id: bulk_doc(i) for i in range(BULK_DOCS)}
    for row in body[:: BULK_DOCS // 20]:
        d = by_id[row[0]]
        # the one untitled section is the document's opening text: 前言, never its key's name
        assert row == [d.id, d.url, d.title, d.agency, "notice", str(d.year), d.published, "", d.doc_no, "current", "",
                       "前言"]


def test_cli_jsonl_all_and_one_page(bulk_index: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["search", "--index", str(bulk_index), "--type", "notice", "--format", "jsonl", "--all"])
    assert r.exit_code == 0, r.output[-500:]
    lines = [json.loads(line) for line in r.output.splitlines()]
    assert len(lines) == BULK_DOCS
    assert list(lines[0]) == HEADER
    assert lines[0]["sections"] == [{"number": "", "heading": "", "key": "other"}]
    dates = [x["published"] for x in lines]
    assert dates == sorted(dates, reverse=True)  # a listing: newest first
    page = runner.invoke(cli, ["search", "--index", str(bulk_index), "--type", "notice", "--format", "jsonl",
                               "--limit", "5", "--page", "3"])
    assert [json.loads(line)["id"] for line in page.output.splitlines()] == [x["id"] for x in lines[10:15]]


@pytest.mark.lang("en")
def test_cli_all_needs_a_row_format(bulk_index: Path) -> None:
    r = CliRunner().invoke(cli, ["search", "--index", str(bulk_index), "公开", "--all"])
    assert r.exit_code == 2
    assert r.output == "Error: --all streams every result as rows: use it with --format csv or --format jsonl\n"
    r = CliRunner().invoke(cli, ["--lang", "zh", "search", "--index", str(bulk_index), "公开", "--all"])
    assert r.output == "错误：--all 逐行输出全部结果：请与 --format csv 或 --format jsonl 一起使用\n"


def test_web_csv_export_has_every_result_and_a_bom(bulk_index: Path) -> None:
    with _client(bulk_index) as client:
        r = client.get("/export.csv?q=依申请公开&year=2015-2024&page=3")
        text = r.get_data().decode("utf-8")  # the body streams: read it while the index is open
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"].startswith('attachment; filename="gongkai-export.csv"; filename*=UTF-8\'\'')
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == HEADER and len(rows) == BULK_DOCS + 1
    cli_out = CliRunner().invoke(cli, ["search", "--index", str(bulk_index), "依申请公开", "--year", "2015-2024",
                                       "--format", "csv", "--all"]).output
    assert list(csv.reader(io.StringIO(cli_out.removeprefix("\ufeff")))) == rows  # the same columns and rows
    assert cli_out.startswith("\ufeff")  # and the BOM too


def test_web_export_is_capped_and_errors_before_streaming(bulk_index: Path) -> None:
    with _client(bulk_index, replace(Settings(), max_export_rows=7)) as client:
        text = client.get("/export.csv").get_data().decode("utf-8")
        assert len(text.strip().splitlines()) == 8
        r = client.get("/export.csv?q=%22公开")
        assert r.status_code == 400 and r.mimetype == "text/html"


def test_formula_cells_are_neutralised() -> None:
    assert [safe_cell(v) for v in ("=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\t=1", "普通", None, 2019, 1.5)] == [
        "'=HYPERLINK(\"x\")", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "普通", "", 2019, 1.5]
    text = "".join(csv_lines(["a", "b"], [["=1+2", 3]], bom=True))
    assert text == "\ufeffa,b\r\n'=1+2,3\r\n"
    record = {"id": "x", "title": "=cmd|' /C calc'!A0", "year": 2020,
              "sections": [{"number": "三", "heading": "收到和处理政府信息公开申请情况", "key": "requests"},
                           {"number": "", "heading": "", "key": "fees"}]}
    rows = list(csv.reader(io.StringIO("".join(csv_export([record])))))
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    assert rows[1][-1] == "三、收到和处理政府信息公开申请情况; 前言"
