"""Bulk builds on every core: worker processes analyse documents and write whole segments.

The ``Indexer`` hands each document of a large batch to whichever worker process can take it
(``python -m gongkai.index.bulkpool``: it shares nothing with the writer but the index folder and
two pipes, so no caller's main module is imported again); each worker extracts annual-report figures, analyses the sections and writes them with a
``bulk.SegmentBuilder``, starting a new segment whenever the current one holds
``SEGMENT_TOKENS`` tokens. Memory stays bounded whatever the batch: the queue holds a few
documents, a worker at most one segment's token arrays.

At commit the workers finish their segments and send the ``W3Segment`` objects back; the
``Indexer`` adds them to a Whoosh commit. Versions of a document replaced or deleted while
the batch was being written are marked deleted in the segment that holds them. A worker whose
writer dies (a kill) reads the end of its input and removes its files; a worker that fails
(disk full) reports it at once and the whole batch is cancelled.
"""

from __future__ import annotations

import contextlib
import copyreg
import fcntl
import gc
import io
import os
import pickle
import select
import struct
import subprocess
import sys
import termios
import threading
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any

# Tokens per worker segment, word pairs included (about 12 000 report sections). A worker's memory hardly
# grows with it (the builder spills postings and values): about 85 MB of Python, numpy, Whoosh and the
# dictionary, 40 MB for 10M tokens, and while the segment is written about 50 bytes per occurrence of its
# most frequent term (measured: 220 MB per worker at 16M tokens, a build of 532 MB with two workers).
# Fewer, larger segments make cold queries cheaper (each term is looked up per segment).
SEGMENT_TOKENS = 8_000_000
_LEN = struct.Struct("<I")


class WorkerError(Exception):
    """A worker failed; ``errno`` is the OSError's when there was one."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


@cache
def _field_names(cls: Any) -> tuple[str, ...]:
    import dataclasses

    return tuple(f.name for f in dataclasses.fields(cls))


def _positional(obj: Any) -> tuple[Any, tuple[Any, ...]]:
    """A dataclass of the model as its class and its fields' values in order (``_message``)."""
    cls: Any = type(obj)
    return cls, tuple([getattr(obj, name) for name in _field_names(cls)])


@lru_cache(maxsize=1)
def _pickling() -> dict[type, Any]:
    """The pickler's reducers: the model's dataclasses by position. Pickle's default writes every field's
    name and its value in a dict, and unpickling fills each object's dict: a third of a message's time,
    and both ends of the pipe run the same code, so the field order is the same."""
    from ..models import Attachment, Cell, Document, Section, Table

    table = copyreg.dispatch_table.copy()
    for cls in (Attachment, Cell, Document, Section, Table):
        table[cls] = _positional
    return table


def _message(msg: Any) -> bytes:
    buf = io.BytesIO()
    buf.write(b"\0" * _LEN.size)
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _pickling()
    pickler.dump(msg)
    data = buf.getbuffer()
    _LEN.pack_into(data, 0, len(data) - _LEN.size)
    return bytes(data)


def _send(f: IO[bytes], msg: Any) -> None:
    f.write(_message(msg))
    f.flush()


def _recv(f: IO[bytes]) -> Any:
    head = f.read(_LEN.size)
    if len(head) < _LEN.size:
        raise EOFError
    n = _LEN.unpack(head)[0]
    data = f.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)


class BulkPool:
    def __init__(self, index_dir: Path | str, workers: int = 2, segment_tokens: int = SEGMENT_TOKENS) -> None:
        self.index_dir = str(index_dir)
        self._procs: list[subprocess.Popen[bytes]] = []
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        for _ in range(max(1, workers)):
            self._procs.append(subprocess.Popen(
                [sys.executable, "-m", "gongkai.index.bulkpool", self.index_dir, str(segment_tokens)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env))
            _widen(_pipe(self._procs[-1].stdin))
            os.set_blocking(_pipe(self._procs[-1].stdin).fileno(), False)
        # The end of a document's message not yet taken by its worker's pipe, by worker.
        self._pending: dict[int, memoryview] = {}
        self._next = 0
        self._version = 0
        self._dropped: set[int] = set()
        self._closed = False

    def add(self, doc: Any, meta: dict[str, Any], figures: bool) -> int:
        """Send ``doc`` to a worker that can take it; returns its version number (to drop it later)."""
        self._raise_failure()
        self._version += 1
        data = _message(("doc", self._version, doc, meta, figures))
        i = self._taker()
        self._pending[i] = memoryview(data)
        self._push(i)
        return self._version

    def _taker(self) -> int:
        """A worker with no message half-written to it: of those, the one whose pipe has the most room,
        the next in turn among equals; when every worker has one, the first whose pipe takes the rest.

        Documents are written without blocking (``_push``). A worker writing its segment reads nothing
        for seconds: a blocking write into its full pipe held the writer, and the other workers went
        idle once they had read theirs (a fifth of a 100k build ran on one core). Now the rest of the
        message waits beside that worker's pipe and the next documents go to the others."""
        n = len(self._procs)
        turn = self._next % n
        self._next += 1
        order = [(turn + k) % n for k in range(n)]
        while True:
            for i in order:
                if i in self._pending:
                    self._push(i)
            free = [i for i in order if i not in self._pending]
            if free:
                return max(free, key=lambda i: _space(_pipe(self._procs[i].stdin))[0])
            select.select([], [_pipe(self._procs[i].stdin) for i in order], [], 1.0)
            self._raise_failure()

    def _push(self, i: int) -> None:
        """Write to worker ``i`` as much of its pending message as its pipe takes now."""
        view = self._pending[i]
        fd = _pipe(self._procs[i].stdin).fileno()
        try:
            while view:
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    break
        except OSError as e:
            self._raise_failure()
            raise WorkerError(f"a bulk indexing worker stopped ({e})") from e
        if view:
            self._pending[i] = view
        else:
            del self._pending[i]

    def _flush(self) -> None:
        """Write every pending message to the end (before the workers are told to finish)."""
        while self._pending:
            for i in list(self._pending):
                self._push(i)
            if self._pending:
                select.select([], [_pipe(self._procs[i].stdin) for i in self._pending], [], 1.0)
                self._raise_failure()
        for p in self._procs:
            os.set_blocking(_pipe(p.stdin).fileno(), True)

    def drop(self, version: int) -> None:
        self._dropped.add(version)

    def _raise_failure(self) -> None:
        outs = [_pipe(p.stdout) for p in self._procs]
        for f in select.select(outs, [], [], 0)[0]:
            try:
                msg = _recv(f)
            except EOFError:
                msg = ("error", "a bulk indexing worker ended unexpectedly", None)
            raise WorkerError(msg[1], msg[2])

    def finish(self) -> list[Any]:
        """Every segment written, with dropped versions marked deleted."""
        segments: list[Any] = []
        error: WorkerError | None = None
        try:
            self._flush()
        except WorkerError:
            self.abort()
            raise

        def tell(p: subprocess.Popen[bytes]) -> None:
            with contextlib.suppress(OSError, ValueError):
                _send(_pipe(p.stdin), ("finish", self._dropped))
                _pipe(p.stdin).close()

        # Each worker told at once, from its own thread: one writing a segment does not read its pipe,
        # and telling the workers in turn left the others idle until it had (5 s of a 100k build).
        threads = [threading.Thread(target=tell, args=(p,), daemon=True) for p in self._procs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for p in self._procs:
            assert p.stdout is not None
            try:
                msg = _recv(p.stdout)
            except EOFError:
                msg = ("error", f"a bulk indexing worker ended unexpectedly (exit code {p.wait()})", None)
            if msg[0] == "ok":
                segments.extend(msg[1])
            elif error is None:
                error = WorkerError(msg[1], msg[2])
        self._wait()
        if error is not None:
            for seg in segments:
                _remove_segment_files(self.index_dir, seg.segment_id())
            raise error
        return segments

    def abort(self) -> None:
        """Stop the workers; they remove what they wrote."""
        if self._closed:
            return
        for p in self._procs:
            with contextlib.suppress(OSError, ValueError):
                assert p.stdin is not None
                p.stdin.close()  # end of input: the worker discards its segments and exits
        self._wait()

    def _wait(self) -> None:
        self._closed = True
        for p in self._procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            for f in (p.stdin, p.stdout):
                with contextlib.suppress(OSError, ValueError):
                    if f is not None:
                        f.close()


def _pipe(f: IO[bytes] | None) -> IO[bytes]:
    assert f is not None
    return f


# Bytes a worker's pipe may hold: about a hundred report documents, so the writer goes on feeding the
# other workers while one writes a segment (Linux's default 64 KiB holds a few).
PIPE_BYTES = 1 << 20


def _widen(f: IO[bytes]) -> None:
    with contextlib.suppress(AttributeError, OSError):  # (Linux only; elsewhere the default size)
        fcntl.fcntl(f.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # type: ignore[attr-defined]


def _space(f: IO[bytes]) -> tuple[int, int]:
    """(free bytes, size) of the pipe ``f`` writes to; (0, 0) when not known (then workers are taken in turn)."""
    try:
        size = fcntl.fcntl(f.fileno(), fcntl.F_GETPIPE_SZ)  # type: ignore[attr-defined]
        unread = struct.unpack("i", fcntl.ioctl(f.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
    except (AttributeError, OSError, ValueError):
        return 0, 0
    return int(size - unread), int(size)


def _remove_segment_files(folder: str, segment_id: str) -> None:
    prefix = segment_id + "."
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))


# -- the worker process ---------------------------------------------------------------------------
def _work(index_dir: str, segment_tokens: int, jobs: IO[bytes], out: IO[bytes]) -> None:
    from whoosh.filedb.filestore import FileStorage

    from .bulk import SegmentBuilder
    from .writer import section_fields

    storage = FileStorage(index_dir, supports_mmap=False)
    schema = storage.open_index().schema
    # The modules, the dictionary and the schema live as long as the worker: the cyclic collector need not
    # walk them again (gc.freeze), and it runs less often, its passes over a document's many small
    # objects being most of what it does here (2 % of a worker's time).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    builder: SegmentBuilder | None = None
    done: list[tuple[Any, dict[int, tuple[int, int]]]] = []
    versions: dict[int, tuple[int, int]] = {}
    failed = False

    def discard() -> None:
        if builder is not None:
            builder.discard()
        for seg, _ in done:
            _remove_segment_files(index_dir, seg.segment_id())

    while True:
        try:
            msg = _recv(jobs)
        except EOFError:  # the writer cancelled or is gone (killed): nothing will be committed
            discard()
            return
        if msg[0] == "doc":
            if failed:
                continue  # keep reading so that the writer never blocks; it cancels the batch
            try:
                _, version, doc, meta, figures = msg
                if figures:
                    from ..stats import extract_figures

                    doc.figures = meta["figures"] = extract_figures(doc)
                if builder is None:
                    builder = SegmentBuilder(storage, schema)
                    versions = {}
                first = builder.doccount
                builder.add_sections(section_fields(doc, meta))
                versions[version] = (first, builder.doccount - first)
                if builder.tokens >= segment_tokens:
                    done.append((builder.finish(), versions))
                    builder = None
            except Exception as e:  # noqa: BLE001 - reported to the writer, which cancels the batch
                failed = True
                discard()
                builder, done = None, []
                _send(out, ("error", f"{type(e).__name__}: {e}", getattr(e, "errno", None)))
            continue
        # "finish": close the last segment, mark dropped versions deleted, send the segments back
        if failed:
            _send(out, ("error", "the worker failed earlier", None))
            return
        try:
            if builder is not None:
                done.append((builder.finish(), versions))
                builder = None
            for seg, vers in done:
                for version in msg[1] & vers.keys():
                    first, count = vers[version]
                    for d in range(first, first + count):
                        seg.delete_document(d)
            _send(out, ("ok", [seg for seg, _ in done]))
        except Exception as e:  # noqa: BLE001
            discard()
            _send(out, ("error", f"{type(e).__name__}: {e}", getattr(e, "errno", None)))
        return


if __name__ == "__main__":
    _work(sys.argv[1], int(sys.argv[2]), sys.stdin.buffer, sys.stdout.buffer)
