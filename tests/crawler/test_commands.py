"""The click commands, run in-process with CliRunner; one kill -9 run in a subprocess."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawlhelpers import index_docs, store_docs
from mocksite import MockSite

from gongkai.crawler.commands import (
    crawl_command,
    crawl_log_command,
    reindex_command,
    schedule_command,
)
from gongkai.crawler.schedule import Scheduler
from gongkai.crawler.server import SiteServer
from gongkai.crawler.sites import Site
from gongkai.crawler.state import CrawlLock, StateStore
from gongkai.demo import SITE_DIR
from gongkai.errors import CrawlError
from gongkai.web.commands import demo as demo_command

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")


def sites_file(tmp_path: Path, server: MockSite, **extra: object) -> Path:
    body = (f'[[site]]\nname = "basic"\nstart_urls = ["{server.url}"]\ndelay_seconds = 0\nmax_depth = 5\n'
            + "".join(f"{k} = {json.dumps(v)}\n" for k, v in extra.items()))
    p = tmp_path / "sites.toml"
    p.write_text(body, encoding="utf-8")
    return p


def test_crawl_json_log_and_reindex(basic_site: MockSite, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--sites", str(sites_file(tmp_path, basic_site)), "--state", str(tmp_path / "st"),
            "--index", str(tmp_path / "ix")]
    result = runner.invoke(crawl_command, [*args, "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["robots_blocked"] == 1 and counts["documents_indexed"] >= 12 and counts["failed"] == 0

    result = runner.invoke(crawl_command, args)
    assert result.exit_code == 0
    assert result.output.startswith("Crawled 1 site in ") and "26 not modified" in result.output

    log = runner.invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--failed", "--json"])
    rows = json.loads(log.output)
    assert [(r["outcome"], r["error"]) for r in rows][:1] == [("robots_blocked", "disallowed by robots.txt")]
    # dates as ISO 8601 like every other JSON gongkai prints, not Unix floats
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", r["fetched_at"]) for r in rows)
    text = runner.invoke(crawl_log_command, ["--state", str(tmp_path / "st"), "--limit", "3"]).output
    assert len([ln for ln in text.splitlines() if "basic" in ln]) == 3

    out = runner.invoke(reindex_command, ["--state", str(tmp_path / "st"), "--index", str(tmp_path / "ix")])
    assert out.exit_code == 0 and "12 documents" in out.output


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.toml"
    bad.write_text('[[site]]\nname = "x"\nstart_urls = ["http://a.cn/"]\nmax_depth = -1\n', encoding="utf-8")
    r = runner.invoke(crawl_command, ["--sites", str(bad), "--state", str(tmp_path / "s")])
    # a wrong sites file is bad input: exit 2, as the README says
    assert r.exit_code == 2 and r.output.startswith("Error: ") and f"{bad}: site 'x': `max_depth`" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(crawl_log_command, ["--state", str(tmp_path / "none")])
    assert r.exit_code == 1
    assert r.output == f"Error: no crawl state at {tmp_path / 'none'} — run `gongkai crawl` first (or pass --state DIR).\n"
    r = runner.invoke(reindex_command, ["--state", str(tmp_path / "none")])
    assert r.exit_code == 1 and "no crawl state" in r.output


def test_lock_held_message_from_the_command(basic_site: MockSite, tmp_path: Path) -> None:
    state = tmp_path / "st"
    with CrawlLock(state):
        r = CliRunner().invoke(crawl_command, ["--sites", str(sites_file(tmp_path, basic_site)), "--state", str(state),
                                               "--index", str(tmp_path / "ix")])
    assert r.exit_code == 1
    assert r.output == (f"Error: another crawl is running on {state} (pid {os.getpid()}); wait for it to finish or "
                        f"remove {state}/crawl.lock if no crawl is running\n")


def test_scheduler_runs_sites_on_their_intervals() -> None:
    now = [1000.0]
    ran: list[tuple[str, float]] = []
    sites = [Site("a", ("http://a.cn/",), ("a.cn",), every="1h", interval_seconds=3600),
             Site("b", ("http://b.cn/",), ("b.cn",), every="30m", interval_seconds=1800)]

    def run_site(site: Site) -> None:
        ran.append((site.name, now[0]))
        now[0] += 60  # each crawl takes a minute
        if site.name == "b" and len(ran) == 5:
            raise CrawlError("another crawl is running")

    def sleep(seconds: float) -> None:
        now[0] += seconds

    logs: list[str] = []
    assert Scheduler(sites, run_site, clock=lambda: now[0], sleep=sleep, log=logs.append).run(max_runs=6) == 6
    assert ran == [("a", 1000.0), ("b", 1060.0), ("b", 2860.0), ("a", 4600.0), ("b", 4660.0), ("b", 5020.0)]
    assert any("failed: another crawl is running (retrying in 300s)" in line for line in logs)


def test_schedule_command_max_runs(basic_site: MockSite, tmp_path: Path) -> None:
    r = CliRunner().invoke(schedule_command, ["--sites", str(sites_file(tmp_path, basic_site, max_pages=3)),
                                              "--state", str(tmp_path / "st"), "--index", str(tmp_path / "ix"),
                                              "--max-runs", "1"])
    assert r.exit_code == 0, r.output
    assert "crawl basic: starting" in r.output and "crawl basic: done in" in r.output


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_demo_no_serve_and_a_taken_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with socket.socket() as probe:  # a free port for the sample site, named in the sites file
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site_url = f"http://127.0.0.1:{port}/"
    (tmp_path / "sites.toml").write_text(f'[[site]]\nname = "demo"\nstart_urls = ["{site_url}"]\n'
                                         'delay_seconds = 0\nmax_depth = 8\n', encoding="utf-8")
    monkeypatch.setenv("GONGKAI_SITES", str(tmp_path / "sites.toml"))
    args = ["--no-serve", "--index", str(tmp_path / "index")]
    r = CliRunner().invoke(demo_command, args)
    assert r.exit_code == 0, r.output
    assert f"Sample site at {site_url}" in r.output and "documents indexed" in r.output and "gongkai search" in r.output
    state = tmp_path / "crawler" / "state"
    assert (state / "state.sqlite3").is_file()
    docs = store_docs(state)
    assert len(index_docs(tmp_path / "index")) == len(docs) >= 60

    def stored_urls() -> set[str]:
        with StateStore(state) as st:
            return {p.url for p in st.pages()}

    urls = stored_urls()
    assert all(u.startswith(site_url) for u in urls)
    # The port taken by another program: a clear error, nothing rewritten.
    squatter = ThreadingHTTPServer(("127.0.0.1", port), _Quiet)  # another program: answers 501 to everything
    threading.Thread(target=squatter.serve_forever, daemon=True).start()
    try:
        r = CliRunner().invoke(demo_command, args)
    finally:
        squatter.shutdown()
        squatter.server_close()
    assert r.exit_code == 1 and r.output.startswith(f"Error: port {port} (the sample site's") and "Traceback" not in r.output
    assert stored_urls() == urls and store_docs(state) == docs
    # The port taken by another `gongkai demo`: the crawl goes through it, the URLs stay.
    with SiteServer(SITE_DIR, "127.0.0.1", port):
        r = CliRunner().invoke(demo_command, args)
    assert r.exit_code == 0, r.output
    assert stored_urls() == urls and store_docs(state) == docs


def test_kill_9_mid_crawl_then_rerun(basic_site: MockSite, tmp_path: Path) -> None:
    sites = sites_file(tmp_path, basic_site)
    ref_state, ref_index = tmp_path / "ref-st", tmp_path / "ref-ix"
    CliRunner().invoke(crawl_command, ["--sites", str(sites), "--state", str(ref_state), "--index", str(ref_index)])
    state, index = tmp_path / "st", tmp_path / "ix"
    cmd = [sys.executable, "-c", "from gongkai.crawler.commands import crawl_command; crawl_command()",
           "--sites", str(sites), "--state", str(state), "--index", str(index), "--json"]
    # Start from a small finished crawl so the index exists: a kill inside the index's very first
    # creation (Whoosh files written, version stamp not yet) is the index package's to handle.
    first = subprocess.run([*cmd, "--max-pages", "3"], capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    rng = random.Random(os.getpid())
    for _ in range(2):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    index_docs(index)  # whatever was committed is readable
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert store_docs(state) == store_docs(ref_state)
    assert set(index_docs(index)) == set(index_docs(ref_index))
