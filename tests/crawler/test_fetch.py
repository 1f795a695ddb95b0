"""Fetcher behaviour against httpx.MockTransport: retries, Retry-After, redirects, limits, robots."""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx

from gongkai.crawler.fetch import USER_AGENT, Fetcher, FetchSettings

Handler = Callable[[httpx.Request], httpx.Response]
SETTINGS = FetchSettings(timeout=1.0, retries=2, backoff=0.5, max_retry_after=10.0, max_bytes=1000)


def fetcher(handler: Handler, robots: str | None = None, **kw: object) -> tuple[Fetcher, list[float], list[str]]:
    sleeps: list[float] = []
    seen: list[str] = []

    def route(req: httpx.Request) -> httpx.Response:
        seen.append(str(req.url))
        if req.url.path == "/robots.txt":
            return httpx.Response(200, text=robots) if robots is not None else httpx.Response(404)
        return handler(req)

    settings = FetchSettings(**{**SETTINGS.__dict__, **kw})  # type: ignore[arg-type]
    client = httpx.Client(transport=httpx.MockTransport(route))
    return Fetcher(client, settings, sleep=sleeps.append), sleeps, seen


def in_scope(url: str) -> bool:
    return httpx.URL(url).host == "a.gov.cn"


def page(text: str = "<html><body>hello</body></html>", status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=text.encode("utf-8"), headers={"content-type": "text/html", **headers})


def test_ok_sends_user_agent_and_conditional_headers() -> None:
    got: list[httpx.Request] = []

    def h(req: httpx.Request) -> httpx.Response:
        got.append(req)
        return page(status=304) if req.headers.get("if-none-match") == '"v1"' else page(etag='"v1"')

    f, _, _ = fetcher(h)
    res = f.fetch("http://a.gov.cn/x.html", in_scope)
    assert res.outcome == "ok" and res.headers["etag"] == '"v1"' and b"hello" in res.body
    assert got[0].headers["user-agent"] == USER_AGENT
    res = f.fetch("http://a.gov.cn/x.html", in_scope, {"If-None-Match": '"v1"', "If-Modified-Since": "x"})
    assert res.outcome == "not_modified" and res.http_status == 304


def test_500_then_success_is_retried_with_backoff() -> None:
    answers = [page(status=500), page(status=503), page("<p>ok</p>")]
    f, sleeps, _ = fetcher(lambda req: answers.pop(0))
    res = f.fetch("http://a.gov.cn/", in_scope)
    assert res.outcome == "ok" and res.body == b"<p>ok</p>"
    assert sleeps == [0.5, 1.0]


def test_persistent_500_fails_with_reason() -> None:
    f, sleeps, _ = fetcher(lambda req: page(status=502))
    res = f.fetch("http://a.gov.cn/", in_scope)
    assert res.outcome == "failed" and res.http_status == 502
    assert res.error == "HTTP 502 after 3 attempts"
    assert len(sleeps) == 2


def test_429_honours_retry_after_and_caps_it() -> None:
    answers = [page(status=429, **{"retry-after": "3"}), page("fine")]
    f, sleeps, _ = fetcher(lambda req: answers.pop(0))
    assert f.fetch("http://a.gov.cn/", in_scope).outcome == "ok"
    assert sleeps == [3.0]
    f, sleeps, _ = fetcher(lambda req: page(status=429, **{"retry-after": "3600"}))
    res = f.fetch("http://a.gov.cn/", in_scope)
    assert res.outcome == "failed" and "Retry-After 3600s is longer than the 10s we wait" in res.error
    assert sleeps == []


def test_timeouts_are_retried_then_fail() -> None:
    def h(req: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=req)

    f, sleeps, _ = fetcher(h)
    res = f.fetch("http://a.gov.cn/", in_scope)
    assert res.outcome == "failed" and res.error == "timed out after 1s after 3 attempts"
    assert sleeps == [0.5, 1.0]


def test_redirects_followed_in_scope_only() -> None:
    def h(req: httpx.Request) -> httpx.Response:
        if req.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        if req.url.path == "/away":
            return httpx.Response(302, headers={"location": "http://evil.example.com/x"})
        if req.url.path == "/file":
            return httpx.Response(302, headers={"location": "file:///etc/passwd"})
        return page("new page")

    f, _, seen = fetcher(h)
    res = f.fetch("http://a.gov.cn/old", in_scope)
    assert res.outcome == "ok" and res.final_url == "http://a.gov.cn/new" and res.url == "http://a.gov.cn/old"
    res = f.fetch("http://a.gov.cn/away", in_scope)
    assert res.outcome == "failed" and res.error == "redirected outside the allowed domains to http://evil.example.com/x"
    assert not any("evil" in u for u in seen)
    res = f.fetch("http://a.gov.cn/file", in_scope)
    assert res.outcome == "failed" and "unsupported URL scheme 'file'" in res.error


def test_redirect_loop_and_too_many_redirects() -> None:
    def h(req: httpx.Request) -> httpx.Response:
        if req.url.path == "/a":
            return httpx.Response(302, headers={"location": "/b"})
        if req.url.path == "/b":
            return httpx.Response(302, headers={"location": "/a"})
        n = int(req.url.path.strip("/n") or 0)
        return httpx.Response(302, headers={"location": f"/n{n + 1}"})

    f, _, _ = fetcher(h)
    assert f.fetch("http://a.gov.cn/a", in_scope).error == "redirect loop at http://a.gov.cn/a"
    assert f.fetch("http://a.gov.cn/n0", in_scope).error == "more than 5 redirects"


def test_body_size_limit_streams_and_stops() -> None:
    f, _, _ = fetcher(lambda req: httpx.Response(200, content=iter([b"x" * 600, b"y" * 600]),
                                                   headers={"content-type": "text/html"}))
    res = f.fetch("http://a.gov.cn/big", in_scope)
    assert res.outcome == "failed" and "larger than the 1000-byte limit" in res.error and res.body == b""
    f, _, _ = fetcher(lambda req: page("x" * 2000))
    assert "body of 2000 bytes is larger" in f.fetch("http://a.gov.cn/big", in_scope).error


def test_gone_empty_and_other_errors() -> None:
    f, _, _ = fetcher(lambda req: page(status=404) if req.url.path == "/404" else
                      page(status=410) if req.url.path == "/410" else
                      page(status=403) if req.url.path == "/403" else page(""))
    assert f.fetch("http://a.gov.cn/404", in_scope).outcome == "gone"
    assert f.fetch("http://a.gov.cn/410", in_scope).outcome == "gone"
    assert f.fetch("http://a.gov.cn/403", in_scope).error == "HTTP 403"
    assert f.fetch("http://a.gov.cn/empty", in_scope).error == "empty response body"


def test_only_http_and_https() -> None:
    f, _, seen = fetcher(lambda req: page())
    assert "unsupported URL scheme 'ftp'" in f.fetch("ftp://a.gov.cn/x", in_scope).error
    assert seen == []


def test_robots_txt_is_obeyed_and_fetched_once_per_host() -> None:
    f, _, seen = fetcher(lambda req: page(), robots="User-agent: *\nDisallow: /private/\n")
    assert f.fetch("http://a.gov.cn/private/x.html", in_scope).outcome == "robots_blocked"
    assert f.fetch("http://a.gov.cn/open.html", in_scope).outcome == "ok"
    assert seen.count("http://a.gov.cn/robots.txt") == 1
    assert "http://a.gov.cn/private/x.html" not in seen


def test_robots_txt_for_our_agent_and_server_errors() -> None:
    f, _, _ = fetcher(lambda req: page(), robots="User-agent: gongkai\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    assert f.fetch("http://a.gov.cn/x", in_scope).outcome == "robots_blocked"

    def broken(req: httpx.Request) -> httpx.Response:
        return page(status=503) if req.url.path == "/robots.txt" else page()

    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(broken))
    f2 = Fetcher(client, SETTINGS, sleep=sleeps.append)
    assert f2.fetch("http://a.gov.cn/x", in_scope).outcome == "robots_blocked"


def _dns_error(req: httpx.Request) -> httpx.Response:
    # What httpx raises when getaddrinfo fails: a ConnectError caused by socket.gaierror.
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except socket.gaierror as e:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=req) from e


def test_failures_carry_a_category() -> None:
    def refused(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=req)

    def slow(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=req)

    for handler, category, start in ((_dns_error, "dns", "DNS lookup failed"), (refused, "connection", "network error"),
                                     (slow, "timeout", "timed out")):
        sleeps: list[float] = []
        f = Fetcher(httpx.Client(transport=httpx.MockTransport(handler)), SETTINGS, sleep=sleeps.append)
        res = f.fetch("http://a.gov.cn/x.html", in_scope)
        assert (res.outcome, res.category) == ("failed", category), res.error
        assert res.error.startswith("robots.txt could not be fetched (" + start) and "not crawled" in res.error
    f, _, _ = fetcher(_dns_error)  # robots.txt answers (404), the page's host lookup fails
    res = f.fetch("http://a.gov.cn/x", in_scope)
    assert (res.category, res.error) == ("dns", "DNS lookup failed: ConnectError: [Errno -2] Name or service not "
                                                "known after 3 attempts")
    f, _, _ = fetcher(lambda req: page(status=403))
    assert f.fetch("http://a.gov.cn/x", in_scope).category == "http"
    f, _, _ = fetcher(lambda req: page(status=404))
    assert f.fetch("http://a.gov.cn/x", in_scope).category == ""  # gone is no failure
    f, _, _ = fetcher(lambda req: page(), robots="User-agent: *\nDisallow: /\n")
    res = f.fetch("http://a.gov.cn/x", in_scope)
    assert (res.outcome, res.category) == ("robots_blocked", "robots")


def test_robots_answering_5xx_is_a_robots_block_that_says_why() -> None:
    def broken(req: httpx.Request) -> httpx.Response:
        return page(status=503) if req.url.path == "/robots.txt" else page()

    f = Fetcher(httpx.Client(transport=httpx.MockTransport(broken)), SETTINGS, sleep=lambda s: None)
    res = f.fetch("http://a.gov.cn/x", in_scope)
    assert res.outcome == "robots_blocked" and res.error.startswith("robots.txt answered HTTP 503")


def test_post_sends_its_form_and_a_303_continues_as_get() -> None:
    got: list[tuple[str, str, str, str]] = []

    def h(req: httpx.Request) -> httpx.Response:
        got.append((req.method, req.url.path, req.content.decode(), req.headers.get("content-type", "")))
        if req.url.path == "/search":
            return httpx.Response(303, headers={"location": "/result"})
        return page('{"data": []}')

    f, _, _ = fetcher(h)
    res = f.fetch("http://a.gov.cn/api", in_scope, method="POST", body="page=2&channelid=7")
    assert res.outcome == "ok"
    assert got[-1] == ("POST", "/api", "page=2&channelid=7", "application/x-www-form-urlencoded; charset=UTF-8")
    f.fetch("http://a.gov.cn/api", in_scope, method="POST", body='{"page": 2}')
    assert got[-1][3] == "application/json"
    res = f.fetch("http://a.gov.cn/search", in_scope, method="POST", body="q=1")
    assert res.outcome == "ok" and got[-1][:3] == ("GET", "/result", "")
