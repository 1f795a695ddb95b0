"""The app's one index handle (`SearcherPool`), what the pages need from it (`Searcher`) and the
errors they raise for a missing document (`NotFound`).

The blueprints (`views`, `feed`, `archive`, `gongkai.stats.web`) import this module, never the app
factory (`gongkai.web.app`), which imports them: the web layer's imports only go downward.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from gongkai.errors import GongkaiError, NoIndexError
from gongkai.i18n import N_

NO_INDEX_MESSAGE = N_("The search index is not available right now: it is being built or rebuilt. "
                      "Please try again later.")


class Searcher(Protocol):
    """What the views need from `gongkai.index.SearcherHandle`."""

    def search(self, req: Any) -> dict[str, Any]: ...

    def export(self, req: Any, every: bool = True, max_rows: int | None = None) -> Iterator[dict[str, Any]]: ...

    def document(self, doc_id: str) -> Any: ...

    def similar(self, doc_id: str, limit: int = 5) -> list[dict[str, Any]]: ...

    def agency_documents(self, agency: str, doc_type: str | None = None) -> list[dict[str, Any]]: ...

    def refresh(self) -> Any: ...


Opener = Callable[[Path], Searcher]


class NotFound(GongkaiError):
    """An unknown document id (answered with 404)."""


class SearcherPool:
    """The app's one index handle: opened on first use, refreshed before every request.

    `SearcherHandle` is thread-safe, so waitress's threads share it. Before each request the pool
    reads the index's identity (`gongkai.index.index_identity`, a random id written when an index is
    created): an index deleted under the server answers 503 until one is back, and an index rebuilt
    from scratch — whose generation numbers start again at 1, so "is it up to date?" would say yes —
    is opened afresh. ``version`` changes whenever what the handle shows may have changed (a new
    commit, another index): caches of derived pages key on it.
    """

    def __init__(self, index_dir: Path, opener: Opener | None = None) -> None:
        self.index_dir = index_dir
        self._opener = opener
        self._handle: Searcher | None = None
        self._identity: str | None = None
        self._changes = 0
        self._lock = threading.Lock()

    @property
    def version(self) -> tuple[str | None, int]:
        return self._identity, self._changes

    def _open(self) -> Searcher:
        if self._opener is None:
            from gongkai.backends import open_searcher

            return open_searcher(self.index_dir)
        return self._opener(self.index_dir)

    def _drop(self) -> None:
        # Not closed here: a request on another thread may still be reading it. The handle closes
        # its files when the last reference goes (`SearcherHandle.__del__`).
        self._handle = None

    def get(self) -> Searcher:
        from gongkai.backends import index_identity

        with self._lock:
            identity = index_identity(self.index_dir)
            if identity is None and self._opener is None:
                self._drop()
                raise NoIndexError(NO_INDEX_MESSAGE)
            if self._handle is not None and identity != self._identity:
                self._drop()  # another index now lives in the folder
            if self._handle is not None:
                try:
                    if self._handle.refresh():
                        self._changes += 1
                    return self._handle
                except Exception:  # noqa: BLE001 - Whoosh raises many kinds on an index removed under it
                    self._drop()
            try:
                self._handle = self._open()
            except GongkaiError:
                raise
            except Exception as e:  # noqa: BLE001 - half-written or half-deleted index files
                raise NoIndexError(NO_INDEX_MESSAGE) from e
            self._identity = identity
            self._changes += 1
            return self._handle
