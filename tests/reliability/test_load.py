"""Concurrency: the web server under load from several clients while a crawl commits new documents.

waitress serves `create_app(index)` on 127.0.0.1 (a free port) in a thread; a `gongkai crawl`
subprocess writes into the same index (it commits every 50 pages and at the end). Client threads
(httpx) cycle through the search page, the JSON API, the feed, document and stats pages until the
crawl is over (each at most a fixed number of requests, all within a deadline). No answer may be a
5xx or an error page, and the crawled documents must appear without a restart. Latency percentiles
are printed and recorded.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from relhelpers import ROOT, cli_cmd, cli_env, record, serving

from factory import make_doc
from gongkai.index import Indexer
from gongkai.web import create_app


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    import waitress.server

    index = tmp_path / "index"
    with Indexer(index) as ix:
        for i in range(12):
            ix.upsert(make_doc(i))
    server = waitress.server.create_server(create_app(index), host="127.0.0.1", port=0, threads=4,
                                           ident="gongkai")
    with serving(server) as port:
        yield f"http://127.0.0.1:{port}", index


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def test_serve_under_load_while_crawling(web: tuple[str, Path], tmp_path: Path, demo_sites: Path,
                                         slow: bool) -> None:
    base, index = web
    clients, max_requests, deadline_s = (8, 600, 120.0) if slow else (4, 100, 45.0)
    first = make_doc(0).id
    paths = ["/", "/?q=政府信息公开", "/api/search?q=依申请公开", "/api/search?q=年度报告&year=2019&limit=20",
             "/feed?q=公开", f"/doc/{first}", f"/api/documents/{first}", "/?q=行政复议&sort=date",
             "/api/search?q=通知", "/stats/"]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    crawl_done = threading.Event()
    deadline = time.monotonic() + deadline_s

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for i in range(max_requests):
                if (crawl_done.is_set() and i >= 20) or time.monotonic() > deadline:
                    break
                path = paths[(n + i) % len(paths)]
                started = time.perf_counter()
                r = http.get(path)
                elapsed = time.perf_counter() - started
                problem = ""
                if r.status_code != 200:
                    problem = f"HTTP {r.status_code}"
                elif path.startswith("/api/") and "error" in r.json():
                    problem = f"error JSON {r.text[:200]}"
                elif 'class="error-page"' in r.text:
                    problem = "error page"
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        failures.append(f"{path}: {problem}")

    before = httpx.get(f"{base}/api/search", params={"q": "通知"}).json()["total"]
    state = tmp_path / "state"
    crawl = subprocess.Popen(cli_cmd("crawl", "--sites", demo_sites, "--state", state, "--index", index, "--json"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=ROOT)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    try:
        out, err = crawl.communicate(timeout=deadline_s)
    finally:
        crawl_done.set()
        if crawl.poll() is None:
            crawl.kill()
        for t in threads:
            t.join(timeout=deadline_s)
    wall = time.monotonic() - started
    assert crawl.returncode == 0, err
    assert not failures, failures[:10]
    after = httpx.get(f"{base}/api/search", params={"q": "通知"}).json()["total"]
    assert after > before, "documents committed by the crawl do not show up in the running server"
    n = len(latencies)
    figures = (f"{clients} clients, {n} requests in {wall:.1f} s during a crawl of the demo site, 0 errors; "
               f"latency p50 {_percentile(latencies, 50) * 1000:.0f} ms, p95 {_percentile(latencies, 95) * 1000:.0f} ms, "
               f"p99 {_percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
               f"'通知' hits {before} -> {after}")
    print(figures, file=sys.stderr)
    record("load.serve_during_crawl", figures)
