"""Helpers of the reliability tests (not fixtures): running the CLI, killing it, reading index and store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler"))
from crawlhelpers import store_docs as store_state  # noqa: E402  (doc_id -> url, hash, other urls)

from gongkai.crawler.state import DB_NAME  # noqa: E402
from gongkai.index import SearchRequest, exists, open_index, search  # noqa: E402
from servers import serving  # noqa: E402,F401  (used by the reliability tests)

ROOT = Path(__file__).resolve().parents[2]
# Figures of the run, collected by the tests and printed at the end (copied into README.md).
FIGURES: dict[str, Any] = {}


def record(key: str, value: Any) -> None:
    FIGURES[key] = value
    print(f"[figures] {key}: {value}")


def write_sites(path: Path, url: str, **over: Any) -> Path:
    values = {"delay_seconds": 0, "max_pages": 5000, "max_depth": 8, "every": "1d", **over}
    lines = ["[[site]]", 'name = "demo"', f'start_urls = ["{url}"]', 'allowed_domains = ["127.0.0.1"]']
    lines += [f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in values.items()]
    path.write_text("\n".join(lines).replace("'", '"') + "\n", "utf-8")
    return path


# -- a waitress server in a thread ---------------------------------------------------------------


# -- running the CLI in a subprocess ---------------------------------------------------------------


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GONGKAI_INDEX", None)
    env.pop("GONGKAI_STATE", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def cli_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "gongkai.cli", *map(str, args)]


def run_cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_cmd(*args), capture_output=True, text=True, timeout=timeout, env=cli_env(),
                          cwd=ROOT)


@dataclass
class KillResult:
    killed: bool  # False when the run had finished before the kill
    seconds: float


def run_and_kill(args: list[str | Path], delay: float) -> KillResult:
    """Start the command, SIGKILL it after `delay` seconds (unless it is already done)."""
    started = time.monotonic()
    proc = subprocess.Popen(cli_cmd(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(),
                            cwd=ROOT)
    try:
        proc.wait(timeout=delay)
        return KillResult(False, time.monotonic() - started)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return KillResult(True, time.monotonic() - started)


# -- looking at an index and a store --------------------------------------------------------------


@dataclass
class IndexState:
    docs: dict[str, str]  # doc id -> content hash
    sections: int  # Whoosh documents (one per section)
    duplicates: list[str]  # doc ids stored more than once


def index_state(index_dir: Path) -> IndexState:
    ix = open_index(index_dir)
    with ix.searcher() as s:
        fields = list(s.all_stored_fields())
    firsts = Counter(f["doc_id"] for f in fields if f.get("ord") == 0)
    sids = Counter(f["sid"] for f in fields)
    dupes = sorted({d for d, n in firsts.items() if n > 1} | {s.split("#")[0] for s, n in sids.items() if n > 1})
    docs = {f["doc_id"]: f.get("hash", "") for f in fields if f.get("ord") == 0}
    return IndexState(docs, len(fields), dupes)


def integrity_check(state_dir: Path) -> None:
    db = sqlite3.connect(state_dir / DB_NAME)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


def assert_usable(index_dir: Path, state_dir: Path | None = None) -> int:
    """The index (when there is one) opens and answers a search; the store passes integrity_check.

    Returns the number of documents in the index (0 when no index was created yet).
    """
    if state_dir is not None and (state_dir / DB_NAME).exists():
        integrity_check(state_dir)
        store_state(state_dir)  # every stored document decodes
    if not exists(index_dir):
        return 0
    st = index_state(index_dir)
    assert not st.duplicates, st.duplicates
    result = search(index_dir, SearchRequest(query="政府信息公开", limit=5))
    assert result["total"] <= len(st.docs)
    return len(st.docs)


@dataclass
class Reference:
    index: Path
    state: Path | None
    seconds: float


def timed_cli(*args: str | Path) -> float:
    started = time.monotonic()
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr
    return time.monotonic() - started
