"""The index shared by a crawl and `gongkai index`, files left behind, and what the CLI and exports write.

- a crawl while `gongkai index` holds the index's write lock: it fetches on, waits (bounded, with a
  message) at the end, and either indexes its pages or leaves them stored for the next crawl;
- a no-op `gongkai index` and a commit that fails on a full disk leave no files behind;
- CSV exports never hand a spreadsheet a formula (cells starting with = + - @);
- `gongkai search 申请 -shanghai` searches (the `h` is no `-h`); invalid UTF-8 in arguments gives valid
  UTF-8 JSON.
"""

from __future__ import annotations

import csv
import gc
import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from relhelpers import ROOT, cli_env, record
from test_storage import LEAKS, failing_index_writes

from factory import make_doc
from gongkai.cli import cli
from gongkai.csvout import safe_cell
from gongkai.errors import StorageError
from gongkai.index import Indexer
from gongkai.stats.report import check_csv
from gongkai.web import create_app

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler"))
from mocksite import MockSite, Resp, site_for  # noqa: E402

from gongkai.crawler.run import crawl  # noqa: E402
from gongkai.crawler.state import StateStore  # noqa: E402

ARTICLE = ("<html><head><title>{title}</title></head><body><div class='TRS_Editor'><p>{title}</p>"
           "<p>一、总体情况</p><p>本年度主动公开政府信息一百二十条，依申请公开十二件，均按期答复。</p>"
           "<p>二、主动公开政府信息情况</p><p>全年通过门户网站主动公开规范性文件八件，政策解读五篇，回应关切三次。</p>"
           "</div></body></html>")


@pytest.fixture
def site() -> MockSite:
    s = MockSite()
    s.routes["/"] = [Resp(body="<html><body>" + "".join(f'<a href="/a{n}.html">文件{n}</a>' for n in range(3))
                               + "</body></html>")]
    for n in range(3):
        s.routes[f"/a{n}.html"] = [Resp(body=ARTICLE.format(title=f"青溪市{2019 + n}年政府信息公开工作年度报告"))]
    yield s
    s.close()


def test_crawl_while_the_index_is_locked_keeps_its_pages_and_indexes_them_later(site: MockSite,
                                                                                 tmp_path: Path) -> None:
    state, index = tmp_path / "state", tmp_path / "index"
    notes: list[str] = []
    with Indexer(index):  # `gongkai index` writing for longer than the crawl is willing to wait
        stats = crawl([site_for(site)], state, index, index_lock_wait=0.5, notice=notes.append)
    assert stats.fetched == 4 and stats.index_pending == 4 and stats.documents_indexed == 0, stats
    assert any("wait to be indexed" in n for n in notes), notes
    with StateStore(state) as st:
        assert len(st.dirty_urls()) == 4  # stored (the list page too), not lost
    again = crawl([site_for(site)], state, index)
    assert again.documents_indexed == 3 and again.index_pending == 0


def test_crawl_waits_for_the_index_lock_then_indexes(site: MockSite, tmp_path: Path) -> None:
    state, index = tmp_path / "state", tmp_path / "index"
    notes: list[str] = []
    holder = Indexer(index).__enter__()
    timer = threading.Timer(1.5, lambda: holder.__exit__(None, None, None))
    timer.start()
    started = time.monotonic()
    try:
        stats = crawl([site_for(site)], state, index, index_lock_wait=30, notice=notes.append)
    finally:
        timer.join()
    took = time.monotonic() - started
    assert stats.documents_indexed == 3 and stats.index_pending == 0, stats
    assert any("waiting up to 30 s" in n for n in notes), notes
    assert took < 10
    record("index.lock_wait", f"crawl during a held index lock: fetched on, waited {took:.1f} s at the end with a "
                              "message, indexed everything; with a 0.5 s bound: its 4 pages kept for the next crawl")


def _files(index: Path) -> set[str]:
    return {p.name for p in index.iterdir() if p.name != "MAIN_WRITELOCK"}


@LEAKS  # Whoosh's writer leaves its half-written segment files open after the failed write
def test_no_op_index_runs_and_failed_commits_leave_no_files(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.html").write_text(ARTICLE.format(title="青溪市2019年政府信息公开工作年度报告"), "utf-8")
    index = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "--index", str(index), str(src)]).exit_code == 0
    after_first = _files(index)
    for _ in range(3):
        assert runner.invoke(cli, ["index", "--index", str(index), str(src)]).exit_code == 0
    assert _files(index) == after_first, sorted(_files(index) - after_first)

    big = [make_doc(i) for i in range(40)]
    for budget in (2_000, 20_000, 60_000):
        with failing_index_writes(monkeypatch, budget), pytest.raises(StorageError), Indexer(index) as ix:
            for d in big:
                ix.upsert(d)
        gc.collect()
        assert _files(index) == after_first, (budget, sorted(_files(index) - after_first))
    with Indexer(index) as ix:  # the next small update goes through
        ix.upsert(make_doc(99))
    record("index.leftovers", "3 no-op `gongkai index` runs and 3 commits failed by a full disk: no file left behind")


FORMULAS = ('=HYPERLINK("http://evil.example/","点击")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
            "\t=1+1", "=1+1")


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def test_csv_exports_hold_no_formulas(tmp_path: Path) -> None:
    index = tmp_path / "index"
    with Indexer(index) as ix:
        for n, payload in enumerate(FORMULAS):
            ix.upsert(make_doc(n, title=payload, agency=f"{payload}局" if n % 2 else "青溪市财政局", year=2019))
    outputs = [CliRunner().invoke(cli, ["stats", "--index", str(index), "--format", "csv"]).output]
    client = create_app(index).test_client()
    outputs.append(client.get("/stats/year/2019.csv").get_data(as_text=True))
    outputs.append(client.get("/stats/agency/青溪市财政局.csv").get_data(as_text=True))
    outputs.append(check_csv([{"id": "x", "agency": "=1+1", "year": 2019, "title": "@x", "failed": ["-1 != 2"]}]))
    for text in outputs:
        cells = _cells(text)
        assert cells, text
        bad = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))
               or (c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit())]
        assert not bad, bad
    assert "'" + FORMULAS[0] in _cells(outputs[0])  # the text itself is kept
    assert [safe_cell(v) for v in (-3, 1.5, "3")] == [-3, 1.5, "3"]  # numbers stay numbers
    record("exports.csv", f"{len(FORMULAS)} formula payloads in titles and agencies: 4 CSV exports, no cell a "
                          "spreadsheet would evaluate")


def test_cli_words_and_bytes_from_the_command_line(tmp_path: Path) -> None:
    index = tmp_path / "index"
    with Indexer(index) as ix:
        for i in range(4):
            ix.upsert(make_doc(i))
    res = CliRunner().invoke(cli, ["search", "--index", str(index), "申请", "-shanghai", "--json"])
    assert res.exit_code == 0 and res.output.lstrip().startswith("{"), res.output[:200]
    assert '"query": "申请 -shanghai"' in res.output
    assert CliRunner().invoke(cli, ["search", "-h"]).output.startswith("Usage:")
    # Invalid UTF-8 bytes in an argument, as a shell passes them: the JSON printed is valid UTF-8.
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "search", "--index", str(index).encode(),
                           b"\xff\xfe\xe7\x94\xb3\xe8\xaf\xb7", b"--json"], capture_output=True, env=cli_env(),
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")  # raises on invalid UTF-8
    assert '"query": "\ufffd\ufffd申请"' in text
