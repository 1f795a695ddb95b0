"""HTTP fetching: politeness, retries, redirects and size limits around an injected httpx client.

Settings (`FetchSettings`, documented defaults):
- ``user_agent``       sent with every request, robots.txt included
- ``timeout``          seconds for connect and for each read (default 20)
- ``retries``          extra attempts on timeouts, connection errors, 429 and 5xx (default 3)
- ``backoff``          first retry wait in seconds, doubled each time (default 1.0)
- ``max_retry_after``  cap on a server's Retry-After (default 60 s): a longer one fails the page
- ``max_redirects``    redirect hops followed by hand, each checked against the site scope (default 5)
- ``max_bytes``        a body larger than this is cut off and the page fails (default 20 MiB)
- ``concurrency``      worker threads of a crawl (default 3); the per-host delay still applies

Only http and https are fetched; redirects are never followed outside the allowed domains.
`Fetcher.fetch` never raises for network trouble: it returns a `FetchResult` whose
``outcome`` is one of ok / not_modified / gone / failed / robots_blocked, with a reason.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from gongkai.crawler.robots import RobotsCache

USER_AGENT = "gongkai/0.1 (+https://github.com/gongkai; disclosure archive crawler)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = USER_AGENT
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024
    concurrency: int = 3


@dataclass
class FetchResult:
    url: str
    outcome: str  # ok | not_modified | gone | failed | robots_blocked
    final_url: str = ""
    http_status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def make_client(settings: FetchSettings | None = None) -> httpx.Client:
    """The production client: our User-Agent and timeouts, redirects left to `Fetcher`."""
    s = settings or FetchSettings()
    return httpx.Client(
        headers={"User-Agent": s.user_agent},
        timeout=httpx.Timeout(s.timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max(4, s.concurrency * 2)),
    )


class HostThrottle:
    """Spaces requests to one host by at least `delay` seconds, across threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, host: str, delay: float) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + delay
        if slot > now:
            self._sleep(slot - now)


class _Attempt(Exception):
    """Internal: one attempt failed in a way worth retrying."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class Fetcher:
    def __init__(self, client: httpx.Client, settings: FetchSettings | None = None, *,
                 sleep: Callable[[float], None] = time.sleep,
                 throttle: HostThrottle | None = None) -> None:
        self.client = client
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self.throttle = throttle or HostThrottle(sleep=sleep)
        self.robots = RobotsCache(self._fetch_robots_text)
        self._delay = 0.0  # per-host delay of the site being crawled (set by the runner)
        self.stop = threading.Event()  # set to abandon retries quickly on shutdown

    def set_delay(self, seconds: float) -> None:
        self._delay = seconds

    def fetch(self, url: str, in_scope: Callable[[str], bool],
              conditional: Mapping[str, str] | None = None) -> FetchResult:
        """GET `url`, following redirects that stay in scope and obeying robots.txt."""
        seen: set[str] = set()
        current = url
        for hop in range(self.settings.max_redirects + 1):
            problem = _check_url(current)
            if problem:
                return FetchResult(url, "failed", current, error=problem)
            if hop and not in_scope(current):
                return FetchResult(url, "failed", current, error=f"redirected outside the allowed domains to {current}")
            if current in seen:
                return FetchResult(url, "failed", current, error=f"redirect loop at {current}")
            seen.add(current)
            if not self.robots.allowed(current):
                return FetchResult(url, "robots_blocked", current, error="disallowed by robots.txt")
            headers = dict(conditional or {}) if hop == 0 else {}
            result = self._get(url, current, headers)
            if result.http_status is not None and 300 <= result.http_status < 400 and result.http_status != 304:
                location = result.headers.get("location")
                if not location:
                    return _failed(result, f"HTTP {result.http_status} redirect without a Location header")
                current = urljoin(current, location.strip())
                continue
            return result
        return FetchResult(url, "failed", current, error=f"more than {self.settings.max_redirects} redirects")

    # -- one URL, with retries -------------------------------------------------------------

    def _get(self, url: str, current: str, headers: dict[str, str]) -> FetchResult:
        s = self.settings
        host = urlsplit(current).netloc.lower()
        reason = ""
        for attempt in range(s.retries + 1):
            if self.stop.is_set():
                return FetchResult(url, "failed", current, error="crawl stopped")
            self.throttle.wait(host, self._delay)
            try:
                return self._attempt(url, current, headers)
            except _Attempt as e:
                reason = e.reason
                if attempt == s.retries:
                    break
                wait = s.backoff * (2 ** attempt) if e.wait is None else e.wait
                if wait > s.max_retry_after:
                    reason += f" (Retry-After {wait:g}s is longer than the {s.max_retry_after:g}s we wait)"
                    break
                self._sleep(wait)
        tries = f" after {s.retries + 1} attempts" if s.retries else ""
        status = _status_of(reason)
        return FetchResult(url, "failed", current, http_status=status, error=reason + tries)

    def _attempt(self, url: str, current: str, headers: dict[str, str]) -> FetchResult:
        s = self.settings
        req_headers = {"User-Agent": s.user_agent, **headers}
        try:
            with self.client.stream("GET", current, headers=req_headers, follow_redirects=False,
                                    timeout=s.timeout) as r:
                status = r.status_code
                hdrs = {k.lower(): v for k, v in r.headers.items()}
                if status in RETRY_STATUSES:
                    raise _Attempt(f"HTTP {status}", _retry_after(hdrs.get("retry-after")))
                res = FetchResult(url, "ok", current, http_status=status, headers=hdrs)
                if 300 <= status < 400:
                    res.outcome = "not_modified" if status == 304 else "ok"
                    return res
                if status in GONE_STATUSES:
                    return _failed(res, f"HTTP {status}", outcome="gone")
                if status >= 400:
                    return _failed(res, f"HTTP {status}")
                declared = hdrs.get("content-length", "")
                if declared.isdigit() and int(declared) > s.max_bytes:
                    return _failed(res, f"body of {int(declared)} bytes is larger than the {s.max_bytes}-byte limit")
                body = bytearray()
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > s.max_bytes:
                        return _failed(res, f"body is larger than the {s.max_bytes}-byte limit; stopped reading")
                res.body = bytes(body)
                if not res.body:
                    return _failed(res, "empty response body")
                return res
        except httpx.TimeoutException:
            raise _Attempt(f"timed out after {s.timeout:g}s") from None
        except (httpx.TransportError, httpx.DecodingError) as e:
            raise _Attempt(f"network error: {type(e).__name__}: {e}".rstrip(": ")) from None

    def _fetch_robots_text(self, robots_url: str) -> tuple[int | None, str]:
        current = robots_url
        for _ in range(self.settings.max_redirects + 1):
            res = self._get(robots_url, current, {})
            if res.http_status is not None and 300 <= res.http_status < 400 and res.http_status != 304:
                nxt = urljoin(current, res.headers.get("location", ""))
                if _check_url(nxt) or urlsplit(nxt).netloc.lower() != urlsplit(robots_url).netloc.lower():
                    return 404, ""  # robots.txt redirecting elsewhere: treat as absent
                current = nxt
                continue
            if res.outcome == "ok":
                return res.http_status, res.body.decode("utf-8", "replace")
            return res.http_status, ""
        return 404, ""


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"unsupported URL scheme {parts.scheme or '(none)'!r}: only http and https are fetched"
    if not parts.hostname:
        return f"URL without a host: {url}"
    return ""


def _failed(res: FetchResult, reason: str, outcome: str = "failed") -> FetchResult:
    res.outcome = outcome
    res.error = reason
    res.body = b""
    return res


def _status_of(reason: str) -> int | None:
    if reason.startswith("HTTP "):
        head = reason[5:8]
        return int(head) if head.isdigit() else None
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
