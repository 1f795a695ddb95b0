"""Crash safety: `gongkai index`, `gongkai crawl` and `gongkai reindex` killed with SIGKILL at random moments.

Each command runs as a real subprocess (`python -m gongkai.cli …`). A seeded RNG picks when to kill
it: somewhere between 10 % and 75 % of an uninterrupted run's duration, so kills land in start-up,
extraction, store transactions and index commits alike. After every kill the index opens and answers
a search, the crawl store passes `PRAGMA integrity_check`; the plan then goes on (another killed run
or a run to completion), and every completed run must leave exactly the state of an uninterrupted run:
the same document ids with the same content hashes, the same number of sections, no duplicates.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
import zlib
from collections import Counter
from pathlib import Path

from relhelpers import (
    ROOT,
    Reference,
    assert_usable,
    cli_cmd,
    cli_env,
    index_state,
    record,
    run_and_kill,
    run_cli,
    store_state,
    timed_cli,
    write_sites,
)

from gongkai.crawler.server import SiteServer
from gongkai.crawler.state import DB_NAME
from gongkai.demo import SITE_DIR
from gongkai.extract import decode_bytes
from gongkai.index import open_index

DEFAULT_PLAN = ("kill", "kill", "complete")
SLOW_PLAN = ("kill",) * 4 + ("complete",) + ("kill",) * 3 + ("complete",) + ("kill",) * 5 + ("complete",)
SEED = 20240601


def _plan(slow: bool) -> tuple[str, ...]:
    return SLOW_PLAN if slow else DEFAULT_PLAN


def _run_plan(name: str, args: list[str | Path], plan: tuple[str, ...], ref: Reference, index: Path,
              state: Path | None, duration: float, fresh_rounds: bool = True) -> None:
    """Run `plan`; with `fresh_rounds`, each round after a completed run starts from empty folders
    (re-running an up-to-date `index` or `crawl` is too quick to be killed at an interesting moment)."""
    rng = random.Random(f"{SEED}-{name}")
    expected_index = index_state(ref.index)
    expected_store = store_state(ref.state) if ref.state is not None and state is not None else None
    kills = survived = early = 0
    delays = []
    for step in plan:
        if step == "kill":
            delay = rng.uniform(0.1, 0.75) * duration
            delays.append(round(delay, 2))
            res = run_and_kill(args, delay)
            if res.killed:
                kills += 1
            else:
                early += 1
            assert_usable(index, state)
            survived += res.killed
            continue
        done = run_cli(*args)
        assert done.returncode == 0, f"{name} after a kill failed: {done.stderr}"
        got = index_state(index)
        assert not got.duplicates, got.duplicates
        assert got.docs == expected_index.docs, f"{name}: index differs from an uninterrupted run"
        assert got.sections == expected_index.sections
        if expected_store is not None:
            assert state is not None
            assert store_state(state) == expected_store
        assert_usable(index, state)
        if fresh_rounds:
            for folder in (index, state):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
    record(f"crash.{name}", f"{kills} SIGKILLs survived ({early} runs ended before their kill), "
                            f"kill delays {delays} s, reference run {duration:.1f} s, "
                            f"{len(expected_index.docs)} documents identical to an uninterrupted run")
    assert kills >= 1


def test_kill_index(tmp_path: Path, slow: bool) -> None:
    """`gongkai index` over the demo site's files (a third of them by default, all with --slow)."""
    files = tmp_path / "files"
    shutil.copytree(SITE_DIR, files)
    if not slow:
        for n, f in enumerate(sorted(p for p in files.rglob("*.htm*") if p.is_file())):
            if n % 3:
                f.unlink()
    ref = Reference(tmp_path / "ref-index", None, 0.0)
    ref.seconds = timed_cli("index", "--index", ref.index, "--json", files)
    index = tmp_path / "index"
    _run_plan("index", ["index", "--index", index, "--json", files], _plan(slow), ref, index, None, ref.seconds)


def test_kill_crawl(tmp_path: Path, demo_sites: Path, crawl_reference: Reference, slow: bool) -> None:
    index, state = tmp_path / "index", tmp_path / "state"
    args: list[str | Path] = ["crawl", "--sites", demo_sites, "--state", state, "--index", index, "--json"]
    _run_plan("crawl", args, _plan(slow), crawl_reference, index, state, crawl_reference.seconds)


def test_kill_reindex(tmp_path: Path, crawl_reference: Reference, slow: bool) -> None:
    """reindex over a copy of a crawled archive (its previous index included) rebuilds the same index."""
    assert crawl_reference.state is not None
    index, state = tmp_path / "index", tmp_path / "state"
    shutil.copytree(crawl_reference.index, index)
    shutil.copytree(crawl_reference.state, state)
    args: list[str | Path] = ["reindex", "--state", state, "--index", index]
    _run_plan("reindex", args, _plan(slow), crawl_reference, index, state, crawl_reference.seconds * 0.9,
              fresh_rounds=False)  # reindex rebuilds everything every time


def _report_files(folder: Path, first: int, count: int) -> None:
    """Plain-text annual reports of six numbered sections each (enough of them for a bulk build)."""
    folder.mkdir(parents=True, exist_ok=True)
    heads = ["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
             "因政府信息公开申请提起行政复议、行政诉讼的情况", "存在的主要问题及改进措施"]
    for i in range(first, first + count):
        agency = f"青溪市第{i % 40}局"
        lines = [f"{agency}{2015 + i % 8}年政府信息公开工作年度报告", ""]
        for n, head in zip("一二三四五六", heads, strict=True):
            lines += [f"{n}、{head}", f"本年度{agency}主动公开政府信息{i + 17}条，受理申请{i % 13}件，"
                                      f"按照《中华人民共和国政府信息公开条例》要求办理。" * 3, ""]
        (folder / f"report-{i:05d}.txt").write_text("\n".join(lines), "utf-8")


def _kill_during_bulk_write(args: list[str | Path], index: Path, after: float) -> bool:
    """Start the command; SIGKILL it `after` seconds once its workers are writing segments (their
    temporary folders exist in the index folder). False when it ended before that."""
    proc = subprocess.Popen(cli_cmd(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(),
                            cwd=ROOT)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if any(p.name.startswith(".gk-") for p in index.iterdir()):
            time.sleep(after)
            if proc.poll() is not None:
                break
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            time.sleep(2.0)  # its workers see the end of their input and remove their files
            return True
        time.sleep(0.02)
    proc.wait(timeout=120)
    return False


def test_kill_bulk_index_keeps_the_previous_index(tmp_path: Path) -> None:
    """A bulk build (worker processes writing segments) killed at random moments: the index still holds
    exactly the previous commit, no worker outlives its writer's files, and the next run completes."""
    files, index = tmp_path / "files", tmp_path / "index"
    _report_files(files / "old", 0, 40)
    assert run_cli("index", "--index", index, files).returncode == 0
    before = index_state(index)
    _report_files(files / "new", 40, 560)  # 600 reports x 6 sections: written by the bulk workers
    ref = tmp_path / "ref"
    shutil.copytree(index, ref)
    duration = timed_cli("index", "--index", ref, files)
    expected = index_state(ref)
    assert len(expected.docs) == 600
    rng = random.Random(f"{SEED}-bulk")
    kills = 0
    for _ in range(3):
        kills += _kill_during_bulk_write(["index", "--index", index, files], index, rng.uniform(0.0, 0.4))
        got = index_state(index)
        assert not got.duplicates
        assert got.docs in (before.docs, expected.docs)  # whole commits only
        assert_usable(index)
    done = run_cli("index", "--index", index, "--json", files)
    assert done.returncode == 0, done.stderr
    got = index_state(index)
    assert got.docs == expected.docs and got.sections == expected.sections
    with open_index(index).reader() as r:
        live = {leaf.segment().segment_id() for leaf, _ in r.leaf_readers()}
    orphans: dict[str, int] = {}
    for p in index.iterdir():
        seg = p.name.split(".")[0]
        if p.name.startswith("MAIN_") and seg not in live and p.is_file():
            orphans[seg] = orphans.get(seg, 0) + p.stat().st_size
    # Killed workers remove their segments (only the empty files of a cancelled Whoosh writer may stay).
    assert not {seg: size for seg, size in orphans.items() if size > 4096}, orphans
    assert not [p for p in index.iterdir() if p.name.startswith(".gk-")]
    record("crash.bulk_index", f"{kills} SIGKILLs of a 3600-section bulk build (reference run {duration:.1f} s): "
                               f"previous commit intact each time, next run identical to an uninterrupted one")
    assert kills >= 1


# -- the archive: versions and history survive kills ---------------------------------------------------


def _archive_state(state: Path) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str, str]]]:
    """(versions as (id, url, hash), history as (id, doc id, event, content hash)) of a store, every blob
    checked against its hash."""
    db = sqlite3.connect(state / DB_NAME)
    try:
        for digest, data in db.execute("SELECT hash, data FROM blobs"):
            assert hashlib.sha256(zlib.decompress(data)).hexdigest() == digest
        versions = [tuple(r) for r in db.execute("SELECT v.id, v.url, v.hash FROM versions v JOIN blobs b "
                                                  "ON b.hash = v.hash ORDER BY v.id")]
        assert len(versions) == db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]  # no version lost its bytes
        history = [tuple(r) for r in db.execute("SELECT id, doc_id, event, content_hash FROM doc_history ORDER BY id")]
    finally:
        db.close()
    return versions, history  # type: ignore[return-value]


def _edit_site(site: Path) -> tuple[int, int]:
    """Edit the text of every third article of a copy of the demo site and remove every seventh."""
    edited = removed = 0
    for n, f in enumerate(sorted(site.rglob("t20*.htm*"))):
        if n % 7 == 3:
            f.unlink()
            removed += 1
        elif n % 3 == 0:
            data = f.read_bytes()
            text, encoding = decode_bytes(data)
            f.write_bytes(text.replace("。", "。本段为修订后新增的内容。", 1).encode(encoding))
            edited += 1
    return edited, removed


def test_kill_crawl_loses_no_version(tmp_path: Path, slow: bool) -> None:
    """A re-crawl of an edited site killed at random moments: every version and history row committed
    before a kill is still there after it (with bytes that match their hash), and the completed run
    records exactly the versions and events of an uninterrupted one."""
    site = tmp_path / "site"
    shutil.copytree(SITE_DIR, site)
    with SiteServer(site, "127.0.0.1", 0) as server:
        sites = write_sites(tmp_path / "sites.toml", server.url)
        state, index = tmp_path / "state", tmp_path / "index"
        args: list[str | Path] = ["crawl", "--sites", sites, "--state", state, "--index", index, "--json"]
        assert run_cli(*args).returncode == 0
        edited, removed = _edit_site(site)
        ref_state, ref_index = tmp_path / "ref-state", tmp_path / "ref-index"
        shutil.copytree(state, ref_state)
        shutil.copytree(index, ref_index)
        duration = timed_cli("crawl", "--sites", sites, "--state", ref_state, "--index", ref_index, "--json")
        want_versions, want_history = _archive_state(ref_state)
        rng = random.Random(f"{SEED}-versions")
        kills = 0
        before = _archive_state(state)
        for _ in range(6 if slow else 3):
            res = run_and_kill(args, rng.uniform(0.1, 0.75) * duration)
            kills += res.killed
            assert_usable(index, state)
            after = _archive_state(state)
            assert set(before[0]) <= set(after[0]), "a version recorded before the kill is gone"
            assert set(before[1]) <= set(after[1]), "a history row recorded before the kill is gone"
            before = after
        assert run_cli(*args).returncode == 0
        got_versions, got_history = _archive_state(state)
    assert sorted((u, h) for _, u, h in got_versions) == sorted((u, h) for _, u, h in want_versions)
    assert sorted((d, e, h) for _, d, e, h in got_history) == sorted((d, e, h) for _, d, e, h in want_history)
    events = Counter(e for _, _, e, _ in got_history)
    # (an edited page can carry more than one document: its twin URLs, the article its file belongs to)
    assert events["withdrawn"] == removed and events["changed"] >= edited
    assert store_state(state) == store_state(ref_state)
    record("crash.versions", f"{kills} SIGKILLs of a re-crawl ({edited} articles edited, {removed} removed; "
                             f"reference {duration:.1f} s): no version or history row lost, final archive identical")
    assert kills >= 1
