"""HTTP fetching: politeness, retries, redirects, deadlines and size limits around an injected httpx client.

Settings (`FetchSettings`, documented defaults):
- ``user_agent``        sent with every request, robots.txt included
- ``timeout``           seconds for connect and for each read (default 20)
- ``response_timeout``  seconds for one whole response, headers to last byte (default 60; a site's
                        ``response_timeout_seconds`` overrides it): a server trickling its body is cut off
- ``retries``           extra attempts on timeouts, connection errors, 429 and 5xx (default 3)
- ``backoff``           first retry wait in seconds, doubled each time (default 1.0)
- ``max_retry_after``   cap on a server's Retry-After (default 60 s): a longer one fails the page
- ``max_redirects``     redirect hops followed by hand, each checked against the site scope (default 5)
- ``max_bytes``         a body larger than this is cut off and the page fails (default 20 MiB)
- ``max_crawl_delay``   cap on a robots.txt ``Crawl-delay`` (default 120 s)
- ``concurrency``       worker threads of a crawl (default 3); the per-host delay still applies

Only http and https are fetched; every URL (redirect targets included) goes through
`gongkai.urls.normalize_url`, and redirects are never followed outside the allowed domains.
Errors that cannot go away by asking again — a ``Location`` we cannot follow, a malformed or
oversized response head, a body that does not decode, a response over its deadline — fail at once;
timeouts, connection errors, 429 and 5xx are retried. A crawl-wide deadline (`Fetcher.set_deadline`)
stops retries and cuts responses short when the crawl's time is up.
`Fetcher.fetch` never raises for network trouble: it returns a `FetchResult` whose
``outcome`` is one of ok / not_modified / gone / failed / robots_blocked, with a reason and, for
failures, a ``category`` (`CATEGORIES`) so reports tell a DNS error from a refused connection, a
timeout or a robots.txt block. A host whose robots.txt cannot be fetched at all (DNS, connection,
timeout) is not crawled, and its pages fail with that network category, not as robots blocks.

Requests are GET by default; ``method="POST"`` with a form (or JSON) ``body`` serves the list
endpoints of government platforms. A POST answered by a 301/302/303 redirect continues as a GET
(as browsers do); 307/308 repeat the POST.
"""

from __future__ import annotations

import email.utils
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from gongkai.crawler.robots import ROBOTS_MAX_BYTES, RobotsCache
from gongkai.i18n import N_
from gongkai.urls import normalize_url

USER_AGENT = "gongkai/0.1 (+https://github.com/gongkai; disclosure archive crawler)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})
# Failure categories of FetchResult.category, with the words reports use for them.
# Labels are message ids, shown through gongkai.i18n._ (the keys are what JSON and the store say).
CATEGORIES = {
    "dns": N_("DNS error"), "connection": N_("connection failure"), "timeout": N_("timeout"),
    "http": N_("HTTP error"), "robots": N_("blocked by robots.txt"), "redirect": N_("bad redirect"),
    "too_large": N_("too large"), "content": N_("unusable content"), "url": N_("unsupported URL"),
}


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = USER_AGENT
    timeout: float = 20.0
    response_timeout: float = 60.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024
    max_crawl_delay: float = 120.0
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
    out_of_time: bool = False  # cut short by the crawl's deadline: not an answer of the site
    category: str = ""  # a key of CATEGORIES when the outcome is failed or robots_blocked

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

    def __init__(self, reason: str, wait: float | None = None, category: str = "http") -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.category = category


class _BadRedirect(Exception):
    """Internal: a redirect whose Location `normalize_url` refuses (raised from a response hook,
    before httpx builds the next request and fails on it with `InvalidURL`)."""

    def __init__(self, status: int, location: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = f"HTTP {status} redirect to {location[:200]!r} that cannot be followed: {reason}"


def _check_redirect(response: httpx.Response) -> None:
    if response.has_redirect_location:
        target = normalize_url(response.headers["location"], str(response.request.url))
        if not target:
            raise _BadRedirect(response.status_code, response.headers["location"], target.reason)


# Protocol errors that a second request will not fix (a malformed or oversized response head);
# others (a keep-alive connection closed under us) are worth one more try.
_TRANSIENT_PROTOCOL = ("disconnected", "peer closed", "connection closed", "without sending")


class Fetcher:
    def __init__(self, client: httpx.Client, settings: FetchSettings | None = None, *,
                 sleep: Callable[[float], None] = time.sleep,
                 throttle: HostThrottle | None = None) -> None:
        self.client = client
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self.throttle = throttle or HostThrottle(sleep=sleep)
        self.robots = RobotsCache(self._fetch_robots_text)
        self._robots_unreachable: dict[str, FetchResult] = {}  # origin -> why its robots.txt gave no answer
        self._delay = 0.0  # per-host delay of the site being crawled (set by the runner)
        self._response_timeout = self.settings.response_timeout
        self._deadline: float | None = None  # time.monotonic() at which the whole crawl stops
        self.stop = threading.Event()  # set to abandon retries quickly on shutdown
        hooks = client.event_hooks
        if _check_redirect not in hooks["response"]:
            client.event_hooks = {**hooks, "response": [*hooks["response"], _check_redirect]}

    def set_delay(self, seconds: float) -> None:
        self._delay = seconds

    def set_response_timeout(self, seconds: float) -> None:
        """Seconds one response may take, headers to last byte (a site's ``response_timeout_seconds``)."""
        self._response_timeout = seconds

    def set_deadline(self, deadline: float | None) -> None:
        """A `time.monotonic()` time after which no request starts and running ones are cut short."""
        self._deadline = deadline

    def time_left(self) -> float | None:
        return None if self._deadline is None else self._deadline - time.monotonic()

    def host_delay(self, url: str) -> float:
        """Seconds between two requests to `url`'s host: the site's delay or robots.txt's Crawl-delay,
        whichever is longer (the latter capped at ``max_crawl_delay``)."""
        asked = self.robots.crawl_delay(url)
        if asked is None:
            return self._delay
        return max(self._delay, min(asked, self.settings.max_crawl_delay))

    def fetch(self, url: str, in_scope: Callable[[str], bool],
              conditional: Mapping[str, str] | None = None, *, method: str = "GET", body: str = "") -> FetchResult:
        """Request `url` (GET, or POST with `body`), following redirects that stay in scope and obeying
        robots.txt."""
        seen: set[tuple[str, str]] = set()
        current = url
        for hop in range(self.settings.max_redirects + 1):
            problem = _check_url(current)
            if problem:
                return FetchResult(url, "failed", current, error=problem, category="url")
            if hop and not in_scope(current):
                return FetchResult(url, "failed", current, error=f"redirected outside the allowed domains to {current}",
                                   category="redirect")
            if (method, current) in seen:
                return FetchResult(url, "failed", current, error=f"redirect loop at {current}", category="redirect")
            seen.add((method, current))
            if not self.robots.allowed(current):
                return self._robots_refusal(url, current)
            headers = dict(conditional or {}) if hop == 0 else {}
            result = self._get(url, current, headers, self.host_delay(current), method=method, body=body)
            if result.outcome == "ok" and _is_redirect(result.http_status):
                status = result.http_status
                location = result.headers.get("location")
                if not location:
                    return _failed(result, f"HTTP {status} redirect without a Location header", category="redirect")
                target = normalize_url(location, current)
                if not target:
                    reason = f"HTTP {status} redirect to {location[:200]!r} that cannot be followed"
                    return _failed(result, f"{reason}: {target.reason}", category="redirect")
                current = target.url
                if status not in (307, 308):
                    method, body = "GET", ""
                continue
            return result
        return FetchResult(url, "failed", current, error=f"more than {self.settings.max_redirects} redirects",
                           category="redirect")

    def _robots_refusal(self, url: str, current: str) -> FetchResult:
        trouble = self._robots_unreachable.get(_origin(current))
        if trouble is None:
            return FetchResult(url, "robots_blocked", current, error="disallowed by robots.txt", category="robots")
        if trouble.http_status is not None:  # 5xx: the site cannot say what it allows
            return FetchResult(url, "robots_blocked", current, category="robots",
                               error=f"robots.txt answered {trouble.error}; the host is not crawled until it answers")
        return FetchResult(url, "failed", current, category=trouble.category,
                           error=f"robots.txt could not be fetched ({trouble.error}); the host is not crawled until "
                                 "it answers")

    # -- one URL, with retries -------------------------------------------------------------

    def _get(self, url: str, current: str, headers: dict[str, str], delay: float, *,
             max_bytes: int | None = None, truncate: bool = False, method: str = "GET",
             body: str = "") -> FetchResult:
        s = self.settings
        host = urlsplit(current).netloc.lower()
        reason, category = "", ""
        for attempt in range(s.retries + 1):
            if self.stop.is_set():
                return FetchResult(url, "failed", current, error="crawl stopped")
            self.throttle.wait(host, delay)
            left = self.time_left()
            if left is not None and left <= 0:
                return FetchResult(url, "failed", current, error=reason or "the crawl's time limit was reached",
                                   out_of_time=True)
            try:
                return self._attempt(url, current, headers, max_bytes or s.max_bytes, truncate, method, body)
            except _Attempt as e:
                reason, category = e.reason, e.category
                if attempt == s.retries:
                    break
                wait = s.backoff * (2 ** attempt) if e.wait is None else e.wait
                if wait > s.max_retry_after:
                    reason += f" (Retry-After {wait:g}s is longer than the {s.max_retry_after:g}s we wait)"
                    break
                left = self.time_left()
                if left is not None and wait >= left:
                    reason += " (no time left in the crawl to try again)"
                    break
                self._sleep(wait)
        tries = f" after {s.retries + 1} attempts" if s.retries else ""
        status = _status_of(reason)
        return FetchResult(url, "failed", current, http_status=status, error=reason + tries, category=category)

    def _attempt(self, url: str, current: str, headers: dict[str, str], max_bytes: int,
                 truncate: bool, method: str = "GET", body: str = "") -> FetchResult:
        """One request. With `truncate`, a body over `max_bytes` is cut there instead of failing."""
        s = self.settings
        req_headers = {"User-Agent": s.user_agent, **headers}
        content = None
        if method != "GET" and body:
            content = body.encode("utf-8")
            req_headers["Content-Type"] = ("application/json" if body.lstrip()[:1] in ("{", "[")
                                           else "application/x-www-form-urlencoded; charset=UTF-8")
        allowed = self._response_timeout
        left = self.time_left()
        if left is not None:
            allowed = min(allowed, left)
        started = time.monotonic()
        deadline = started + allowed
        try:
            with self.client.stream(method, current, headers=req_headers, content=content, follow_redirects=False,
                                    timeout=min(s.timeout, allowed)) as r:
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
                if declared.isdigit() and int(declared) > max_bytes and not truncate:
                    return _failed(res, f"body of {int(declared)} bytes is larger than the {max_bytes}-byte limit",
                                   category="too_large")
                data = bytearray()
                for chunk in r.iter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        if truncate:
                            del data[max_bytes:]
                            break
                        return _failed(res, f"body is larger than the {max_bytes}-byte limit; stopped reading",
                                       category="too_large")
                    if time.monotonic() > deadline:
                        return self._overdue(res, allowed, len(data))
                res.body = bytes(data)
                if not res.body:
                    return _failed(res, "empty response body", category="content")
                return res
        except _BadRedirect as e:
            return FetchResult(url, "failed", current, http_status=e.status, error=e.reason, category="redirect")
        except httpx.TimeoutException:
            if time.monotonic() >= deadline - 0.01 and allowed < s.timeout:
                return self._overdue(FetchResult(url, "failed", current), allowed, None)
            raise _Attempt(f"timed out after {min(s.timeout, allowed):g}s", category="timeout") from None
        except httpx.DecodingError as e:
            return FetchResult(url, "failed", current, error=f"the response body cannot be decoded ({e})",
                               category="content")
        except httpx.RemoteProtocolError as e:
            reason = f"malformed response: {e}".rstrip(": ")
            if any(w in str(e).lower() for w in _TRANSIENT_PROTOCOL):
                raise _Attempt(f"network error: RemoteProtocolError: {e}", category="connection") from None
            return FetchResult(url, "failed", current, error=reason, category="content")
        except httpx.InvalidURL as e:
            return FetchResult(url, "failed", current, error=f"cannot request {current[:200]!r}: {e}", category="url")
        except httpx.TransportError as e:
            category = network_category(e)
            what = "DNS lookup failed" if category == "dns" else "network error"
            raise _Attempt(f"{what}: {type(e).__name__}: {e}".rstrip(": "), category=category) from None

    def _overdue(self, res: FetchResult, allowed: float, received: int | None) -> FetchResult:
        got = f" after {received} bytes" if received is not None else ""
        left = self.time_left()
        if left is not None and left <= 0.01 and allowed < self._response_timeout:
            res.out_of_time = True
            return _failed(res, f"the crawl's time limit was reached while this response was read{got}")
        return _failed(res, f"the response took longer than {allowed:g}s (response_timeout_seconds){got}; "
                            "stopped reading — the server sends too slowly", category="timeout")

    def _fetch_robots_text(self, robots_url: str) -> tuple[int | None, bytes]:
        # Up to ROBOTS_MAX_BYTES are read and parsed (RFC 9309: at least 500 KiB), the rest ignored.
        current = robots_url
        for _ in range(self.settings.max_redirects + 1):
            res = self._get(robots_url, current, {}, self._delay, max_bytes=ROBOTS_MAX_BYTES, truncate=True)
            if _is_redirect(res.http_status):
                nxt = normalize_url(res.headers.get("location", ""), current)
                if not nxt or urlsplit(nxt.url).netloc != urlsplit(normalize_url(robots_url).url).netloc:
                    return 404, b""  # robots.txt redirecting elsewhere (or nowhere): treat as absent
                current = nxt.url
                continue
            if res.outcome == "ok":
                return res.http_status, res.body
            if (res.http_status is None or res.http_status >= 500) and not res.out_of_time:
                self._robots_unreachable[_origin(robots_url)] = res
            return res.http_status, b""
        return 404, b""


def _is_redirect(status: int | None) -> bool:
    return status is not None and 300 <= status < 400 and status != 304


def _check_url(url: str) -> str:
    return normalize_url(url).reason


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def network_category(exc: BaseException) -> str:
    """"dns" when the host name could not be resolved, else "connection" (refused, reset, TLS …)."""
    seen: BaseException | None = exc
    for _ in range(8):  # httpx wraps httpcore, which wraps the socket error
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return "dns"
        if isinstance(seen, ssl.SSLError):
            return "connection"
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    if any(m in text for m in ("name or service not known", "name resolution", "nodename nor servname",
                               "no address associated", "getaddrinfo")):
        return "dns"
    return "connection"


def _failed(res: FetchResult, reason: str, outcome: str = "failed", category: str = "http") -> FetchResult:
    res.outcome = outcome
    res.error = reason
    res.category = "" if outcome == "gone" else category
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
