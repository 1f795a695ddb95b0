"""robots.txt rules (RFC 9309), fetched once per origin through the crawler's own HTTP client.

`protego` (Scrapy's parser) does the matching: groups per user agent, ``*`` and ``$`` in paths,
the longest matching rule wins (Allow on a tie), percent-encoding compared as RFC 9309 says,
``Crawl-delay``. It is fed bytes we fetched ourselves, so the User-Agent, timeouts, retries and the
size cap of the crawl apply to robots.txt too. Before parsing: a UTF-8 byte order mark is dropped
and a file over ``ROBOTS_MAX_BYTES`` (512 KiB; RFC 9309 asks for at least 500 KiB) is parsed up to
the cap, without its cut last line — its first rules still apply.

Policy on failures (RFC 9309, section 2.3.1):
- 2xx: parse the file; 4xx (no robots.txt): everything allowed;
- 5xx or a network failure after retries: nothing allowed for this run — a site that cannot
  say what it allows is not crawled until it can.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

ROBOTS_AGENT = "gongkai"
ROBOTS_MAX_BYTES = 512 * 1024

# (http status or None on a network failure, body bytes)
RobotsFetch = Callable[[str], tuple[int | None, bytes]]


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one origin: a parsed file, or allow-all / disallow-all."""

    parsed: Protego | None = None
    allow_all: bool = False

    def allowed(self, url: str, agent: str) -> bool:
        if self.parsed is None:
            return self.allow_all
        return bool(self.parsed.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.parsed is None:
            return None
        delay = self.parsed.crawl_delay(agent)
        return float(delay) if delay is not None and delay >= 0 else None


def parse_robots(status: int | None, body: bytes) -> RobotsRules:
    """The rules for an answer to ``/robots.txt`` (see the module docstring for the failure policy)."""
    if status is not None and 200 <= status < 300:
        data = body[:ROBOTS_MAX_BYTES]
        if len(body) >= ROBOTS_MAX_BYTES and b"\n" in data:
            data = data[: data.rindex(b"\n") + 1]  # the cut last line could be half a rule
        text = data.decode("utf-8", "replace").removeprefix("\ufeff")
        return RobotsRules(Protego.parse(text))
    if status is not None and 400 <= status < 500:
        return RobotsRules(allow_all=True)
    return RobotsRules(allow_all=False)


class RobotsCache:
    """Thread-safe `allowed(url)` and `crawl_delay(url)` with one robots.txt fetch per origin."""

    def __init__(self, fetch_text: RobotsFetch, agent: str = ROBOTS_AGENT) -> None:
        self._fetch_text = fetch_text
        self._agent = agent
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def allowed(self, url: str) -> bool:
        return self.rules_for(url).allowed(url, self._agent)

    def crawl_delay(self, url: str) -> float | None:
        return self.rules_for(url).crawl_delay(self._agent)

    def rules_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        with self._guard:
            if origin in self._rules:
                return self._rules[origin]
            lock = self._locks.setdefault(origin, threading.Lock())
        # One fetch per origin even when several workers ask at once.
        with lock:
            with self._guard:
                if origin in self._rules:
                    return self._rules[origin]
            rules = parse_robots(*self._fetch_text(origin + "/robots.txt"))
            with self._guard:
                self._rules[origin] = rules
            return rules
