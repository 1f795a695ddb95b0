"""Pages derived from the index, kept while the index stays the same.

`VersionedCache.get(version, key, compute)` returns the value computed for ``key`` under the
index's current ``version`` (`gongkai.web.pool.SearcherPool.version`: the index's identity and a
counter of commits seen); a new version drops every older value, so a crawl's commit or an index
rebuilt under the server is never answered from a stale cache. Bounded in entries (LRU).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class VersionedCache:
    def __init__(self, size: int = 512) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._version: Hashable = None
        self._size = size
        self._lock = threading.Lock()

    def get(self, version: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if version != self._version:
                self._items.clear()
                self._version = version
            elif key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
        value = compute()  # outside the lock: other pages are not held up by a slow one
        with self._lock:
            if version == self._version:
                self._items[key] = value
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return value
