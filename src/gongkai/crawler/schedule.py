"""The periodic crawl: each site is crawled every ``every`` interval, in the foreground.

`Scheduler.run` crawls every site once at start, then sleeps until the next site is due. A run
that fails is logged and retried after ``RETRY_SECONDS`` (or the site's interval, if shorter);
a crawl held by another process (the lock) is retried the same way. Clock and sleep are
injected so tests run the loop without waiting; ``max_runs`` bounds it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gongkai.crawler.sites import Site
from gongkai.errors import GongkaiError

RETRY_SECONDS = 300.0
MAX_SLEEP = 60.0  # wake up at least this often (keeps Ctrl-C and clock jumps responsive)


class Scheduler:
    def __init__(self, sites: list[Site], run_site: Callable[[Site], Any], *,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 log: Callable[[str], None] = print) -> None:
        self.sites = sites
        self.run_site = run_site
        self.clock = clock
        self.sleep = sleep
        self.log = log
        self.next_due: dict[str, float] = {}

    def run(self, max_runs: int | None = None) -> int:
        """Crawl due sites until stopped (or `max_runs` runs); returns the number of runs."""
        now = self.clock()
        self.next_due = {s.name: now for s in self.sites}
        runs = 0
        while self.sites and (max_runs is None or runs < max_runs):
            now = self.clock()
            due = [s for s in self.sites if self.next_due[s.name] <= now]
            if not due:
                wait = min(self.next_due.values()) - now
                self.sleep(min(max(wait, 0.0), MAX_SLEEP))
                continue
            site = min(due, key=lambda s: self.next_due[s.name])
            self._run_one(site)
            runs += 1
        return runs

    def _run_one(self, site: Site) -> None:
        started = self.clock()
        self.log(f"{_stamp(started)} crawl {site.name}: starting")
        try:
            result = self.run_site(site)
        except GongkaiError as e:
            retry = min(RETRY_SECONDS, site.interval_seconds)
            self.next_due[site.name] = self.clock() + retry
            self.log(f"{_stamp(self.clock())} crawl {site.name}: failed: {e} (retrying in {retry:g}s)")
            return
        finished = self.clock()
        self.next_due[site.name] = max(started + site.interval_seconds, finished)
        summary = _summary(result)
        self.log(f"{_stamp(finished)} crawl {site.name}: done in {finished - started:.1f}s{summary}; "
                 f"next at {_stamp(self.next_due[site.name])}")


def _summary(result: Any) -> str:
    as_dict = getattr(result, "as_dict", None)
    if not callable(as_dict):
        return ""
    d = as_dict()
    parts = [f"{k.replace('_', ' ')} {v}" for k, v in d.items() if isinstance(v, int) and not isinstance(v, bool)]
    return " (" + ", ".join(parts) + ")"


def _stamp(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))
