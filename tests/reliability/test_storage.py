"""Full disk and read-only folders: a write that cannot complete fails with a clear message and leaves the
previous index and crawl store usable (and the next run, with space again, completes).

Two ways of making writes fail:
- monkeypatching Whoosh's file creation so every index file write raises ``OSError(ENOSPC)`` (or
  ``EROFS``) once a byte budget is spent — works anywhere, lands at many points of a commit;
- real file systems: a tiny tmpfs (``mount -t tmpfs -o size=…``) that fills up, and a read-only bind
  mount. These need root and mount rights; the tests skip with a message where that is impossible.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from relhelpers import Reference, assert_usable, index_state, integrity_check, record, run_cli, store_state

from factory import make_doc
from gongkai.cli import cli
from gongkai.crawler.state import StateStore
from gongkai.errors import StorageError
from gongkai.index import Indexer, SearchRequest, search

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

# -- failing writes by monkeypatching --------------------------------------------------------------


class _Budget:
    def __init__(self, nbytes: int, err: int) -> None:
        self.left = nbytes
        self.err = err
        self.tripped = 0


class _FailingFile:
    """A file object whose writes fail once the shared byte budget is spent."""

    def __init__(self, f: Any, budget: _Budget) -> None:
        self._f = f
        self._budget = budget

    def write(self, data: Any) -> int:
        n = len(data)
        if n > self._budget.left:
            self._budget.tripped += 1
            raise OSError(
                self._budget.err,
                "No space left on device" if self._budget.err == errno.ENOSPC else "Read-only file system",
            )
        self._budget.left -= n
        return int(self._f.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


@contextlib.contextmanager
def failing_index_writes(
    monkeypatch: pytest.MonkeyPatch, nbytes: int, err: int = errno.ENOSPC
) -> Iterator[_Budget]:
    from whoosh.filedb import filestore

    budget = _Budget(nbytes, err)
    original = filestore.FileStorage.create_file

    def create_file(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if budget.left <= 0:
            budget.tripped += 1
            raise OSError(err, "No space left on device" if err == errno.ENOSPC else "Read-only file system")
        sf = original(self, name, *args, **kwargs)
        sf.file = _FailingFile(sf.file, budget)
        return sf

    with monkeypatch.context() as m:
        m.setattr(filestore.FileStorage, "create_file", create_file)
        yield budget


def _base_index(path: Path) -> Path:
    with Indexer(path) as ix:
        for i in range(5):
            ix.upsert(make_doc(i))
    return path


# Byte budgets after which writes fail: 0 and 1 fail while the writer opens its segment files,
# the others while documents are added or the segment is written at commit.
OPEN_BUDGETS = (0, 1)
ADD_BUDGETS = (200, 2_000, 20_000, 60_000)


def _attempt(fn: Any, collect: bool = True) -> tuple[type[BaseException] | None, str]:
    """Run `fn`; return the type and message of what it raised. The writer bugs below leak Whoosh's open
    segment files through the exception's frames: drop them and collect here, not in a later test."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the test asserts the type
        found: tuple[type[BaseException] | None, str] = (type(e), str(e))
    else:
        found = (None, "")
    if collect:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gc.collect()
    return found


LEAKS = pytest.mark.filterwarnings(
    "ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning"
)


def _write_new_docs(index: Path) -> None:
    with Indexer(index) as ix:
        for i in range(5, 40):
            ix.upsert(make_doc(i))


def _check_failed_write(index: Path, before: dict[str, str], err: int, msg: str) -> None:
    assert "could not write the index" in msg and "previous index is unchanged" in msg, msg
    if err == errno.ENOSPC:
        assert "disk is full" in msg
    assert index_state(index).docs == before, "the index changed after a failed write"
    assert_usable(index)


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS], ids=["ENOSPC", "EROFS"])
@pytest.mark.parametrize("budget", OPEN_BUDGETS)
@LEAKS
def test_index_write_fails_opening_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, budget: int
) -> None:
    index = _base_index(tmp_path / "index")
    before = index_state(index).docs
    with failing_index_writes(monkeypatch, budget, err):
        raised, msg = _attempt(lambda: _write_new_docs(index))
    assert raised is StorageError, msg
    _check_failed_write(index, before, err, msg)


@LEAKS
@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS], ids=["ENOSPC", "EROFS"])
@pytest.mark.parametrize("budget", ADD_BUDGETS)
def test_index_write_fails_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, budget: int
) -> None:
    index = _base_index(tmp_path / "index")
    before = index_state(index).docs
    with failing_index_writes(monkeypatch, budget, err) as b:
        raised, msg = _attempt(lambda: _write_new_docs(index))
    assert b.tripped
    assert raised is StorageError, f"{raised.__name__ if raised else 'nothing'} raised: {msg}"
    _check_failed_write(index, before, err, msg)
    raised, msg = _attempt(lambda: _write_new_docs(index))  # with room again the same write goes through
    assert raised is None, msg
    assert len(index_state(index).docs) == 40


@LEAKS
def test_index_lock_released_after_failed_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = _base_index(tmp_path / "index")
    # No garbage collection in between: the leaked writer holds the lock until one happens to run.
    gc.disable()
    try:
        with failing_index_writes(monkeypatch, 0):
            raised, _ = _attempt(lambda: _write_new_docs(index), collect=False)
        assert raised is StorageError
        raised, msg = _attempt(lambda: _write_new_docs(index), collect=False)  # IndexLockedError today
    finally:
        gc.enable()
        _attempt(lambda: None)
    assert raised is None, msg
    assert len(index_state(index).docs) == 40


def test_index_failures_figures() -> None:
    record(
        "storage.index_monkeypatched",
        f"ENOSPC and EROFS injected into Whoosh file writes at byte budgets "
        f"{OPEN_BUDGETS + ADD_BUDGETS}: {2 * len(OPEN_BUDGETS + ADD_BUDGETS) + 1} cases pass",
    )


def test_cli_index_disk_full_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = _base_index(tmp_path / "index")
    before = index_state(index)
    files = tmp_path / "files"
    files.mkdir()
    for i in range(3):
        (files / f"r{i}.txt").write_text(
            f"青溪市第{i}号政府信息公开工作年度报告\n一、总体情况\n主动公开信息{i}条。\n", "utf-8"
        )
    with failing_index_writes(monkeypatch, 0):
        res = CliRunner().invoke(cli, ["index", "--index", str(index), str(files)])
    assert res.exit_code == 1, res.output
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: could not write the index"), res.stderr
    assert "disk is full" in lines[0] and "Traceback" not in res.output
    assert index_state(index).docs == before.docs


@LEAKS
def test_cli_index_disk_full_mid_commit_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = _base_index(tmp_path / "index")
    before = index_state(index)
    files = tmp_path / "files"
    files.mkdir()
    for i in range(3):
        (files / f"r{i}.txt").write_text(
            f"青溪市第{i}号政府信息公开工作年度报告\n一、总体情况\n主动公开信息{i}条。\n", "utf-8"
        )
    with failing_index_writes(monkeypatch, 3000):
        res = CliRunner().invoke(cli, ["index", "--index", str(index), str(files)])
    escaped, code, stderr = repr(res.exception), res.exit_code, res.stderr
    del res
    _attempt(lambda: None)  # collect the leaked writer now
    assert escaped == "None" or escaped.startswith("SystemExit"), escaped
    assert code == 1, stderr
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: could not write the index"), stderr
    assert index_state(index).docs == before.docs


def test_index_lock_file_cannot_be_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read-only index folder: even the writer lock fails — a StorageError, searching still works."""
    index = _base_index(tmp_path / "index")
    from whoosh.filedb import filestore

    def refuse(self: Any, name: str, *a: Any, **k: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", name)

    with monkeypatch.context() as m:
        m.setattr(filestore.FileStorage, "create_file", refuse)
        m.setattr(filestore.FileStorage, "lock", lambda self, name: _RefusingLock())
        with pytest.raises(StorageError, match="could not write the index"), Indexer(index) as ix:
            ix.upsert(make_doc(9))
        assert search(index, SearchRequest(query="年度报告"))["total"] == 5


class _RefusingLock:
    def acquire(self, blocking: bool = False) -> bool:
        raise PermissionError(errno.EACCES, "Permission denied")

    def release(self) -> None:
        pass


# -- real file systems: tiny tmpfs, read-only bind mount --------------------------------------------


def _mount(*args: str) -> str:
    try:
        res = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    return "" if res.returncode == 0 else (res.stderr.strip() or f"mount exited {res.returncode}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=20, check=False)


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    problem = _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt))
    if problem:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount rights): {problem}")
    try:
        yield mnt
    finally:
        _umount(mnt)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    problem = _mount("--bind", str(path), str(path)) or _mount("-o", "remount,ro,bind", str(path))
    if problem:
        _umount(path)
        pytest.skip(f"cannot make a read-only bind mount here (needs root and mount rights): {problem}")
    try:
        yield
    finally:
        _umount(path)


def test_crawl_fills_a_tiny_disk_then_completes(
    tiny_tmpfs: Path, demo_sites: Path, crawl_reference: Reference
) -> None:
    """A crawl into a 1 MB tmpfs runs out of space: one clear line, exit 1, the store and index usable;
    with room again, the next crawl completes to the same documents as an uninterrupted crawl."""
    state, index = tiny_tmpfs / "state", tiny_tmpfs / "index"
    res = run_cli("crawl", "--sites", demo_sites, "--state", state, "--index", index, "--json")
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr[-2000:])
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, res.stderr[-3000:]
    assert lines[0].startswith("Error: ") and ("disk is full" in lines[0] or "full" in lines[0]), lines[0]
    integrity_check(state)
    docs_then = assert_usable(index, state)
    assert _mount("-o", "remount,size=64m", str(tiny_tmpfs)) == ""
    res = run_cli("crawl", "--sites", demo_sites, "--state", state, "--index", index, "--json")
    assert res.returncode == 0, res.stderr
    assert index_state(index).docs == index_state(crawl_reference.index).docs
    assert crawl_reference.state is not None
    assert store_state(state) == store_state(crawl_reference.state)
    record(
        "storage.tmpfs_crawl",
        f"crawl into a 1 MB tmpfs stopped with {lines[0][:90]!r}…; "
        f"{docs_then} documents searchable after; completed after resize",
    )


def _invoke(*args: str | Path) -> Any:
    """The CLI in-process; returns an object with returncode and stderr like subprocess.run."""
    res = CliRunner().invoke(cli, [str(a) for a in args])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return type("R", (), {"returncode": res.exit_code, "stderr": res.stderr, "stdout": res.stdout})


def test_read_only_index_and_state(tmp_path: Path, demo_sites: Path, crawl_reference: Reference) -> None:
    """A read-only index can still be searched; writing to it or to a read-only state says why, in one line."""
    assert crawl_reference.state is not None
    index, state = tmp_path / "index", tmp_path / "state"
    shutil.copytree(crawl_reference.index, index)
    shutil.copytree(crawl_reference.state, state)
    files = tmp_path / "files"
    files.mkdir()
    (files / "a.txt").write_text("青溪市政府信息公开工作年度报告\n一、总体情况\n主动公开。\n", "utf-8")
    before = index_state(index).docs
    with read_only(index):
        res = _invoke("search", "--index", index, "--json", "依申请公开")
        assert res.returncode == 0, res.stderr
        res = _invoke("index", "--index", index, files)
        assert res.returncode == 1
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: ") and "index" in lines[0], res.stderr[-2000:]
    assert index_state(index).docs == before
    with read_only(state):
        res = _invoke("crawl", "--sites", demo_sites, "--state", state, "--index", index)
        assert res.returncode == 1, res.stderr[-2000:]
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), res.stderr[-2000:]
        res = _invoke("reindex", "--state", state, "--index", index)
        assert res.returncode == 1, res.stderr[-2000:]
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), res.stderr[-2000:]
    integrity_check(state)
    with StateStore(state) as st:
        assert st.document_ids()
    assert index_state(index).docs == before
