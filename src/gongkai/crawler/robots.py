"""robots.txt rules, fetched once per origin through the crawler's own HTTP client.

`urllib.robotparser` does the matching; it is fed text we fetched ourselves so that the
User-Agent, timeouts, retries and size limits of the crawl apply to robots.txt too.

Policy on failures (the usual one, as in Google's documentation):
- 2xx: parse the file; 4xx (no robots.txt): everything allowed;
- 5xx or a network failure after retries: nothing allowed for this run — a site that cannot
  say what it allows is not crawled until it can.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

ROBOTS_AGENT = "gongkai"

# (http status or None on a network failure, text)
RobotsFetch = Callable[[str], tuple[int | None, str]]


class RobotsCache:
    """Thread-safe `allowed(url)` with one robots.txt fetch per origin."""

    def __init__(self, fetch_text: RobotsFetch, agent: str = ROBOTS_AGENT) -> None:
        self._fetch_text = fetch_text
        self._agent = agent
        self._parsers: dict[str, RobotFileParser] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def allowed(self, url: str) -> bool:
        return self.parser_for(url).can_fetch(self._agent, url)

    def crawl_delay(self, url: str) -> float | None:
        delay = self.parser_for(url).crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    def parser_for(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        with self._guard:
            if origin in self._parsers:
                return self._parsers[origin]
            lock = self._locks.setdefault(origin, threading.Lock())
        # One fetch per origin even when several workers ask at once.
        with lock:
            with self._guard:
                if origin in self._parsers:
                    return self._parsers[origin]
            parser = _parse(origin + "/robots.txt", *self._fetch_text(origin + "/robots.txt"))
            with self._guard:
                self._parsers[origin] = parser
            return parser


def _parse(url: str, status: int | None, text: str) -> RobotFileParser:
    parser = RobotFileParser(url)
    if status is not None and 200 <= status < 300:
        parser.parse(text.splitlines())
    elif status is not None and 400 <= status < 500:
        parser.allow_all = True  # type: ignore[attr-defined]
    else:
        parser.disallow_all = True  # type: ignore[attr-defined]
    return parser
