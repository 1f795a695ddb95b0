"""Running a waitress server in a thread for a test (the browser tests, the reliability suites)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def serving(server: Any) -> Iterator[int]:
    """Run a waitress `server` in a thread; yields its port. Closing a waitress server from another thread
    can pull its sockets out from under the `select` of its loop (EBADF): that is the shutdown, not an error."""
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)
