"""The one URL normaliser: canonical forms, reasons instead of exceptions, browser-like stripping."""

from __future__ import annotations

import pytest

from gongkai.models import canonical_url
from gongkai.urls import href_scheme, is_safe_href, normalize_url, strip_href


@pytest.mark.parametrize(("href", "expected"), [
    ("HTTP://Www.Example.GOV.cn:80/a?b=1#frag", "http://www.example.gov.cn/a?b=1"),
    ("https://a.gov.cn:443", "https://a.gov.cn/"),
    ("http://u:p@A.gov.cn:8080/x", "http://a.gov.cn:8080/x"),
    ("  http://a.gov.cn/x\n/y\t.html ", "http://a.gov.cn/x/y.html"),
    ("http://[::1]:80/", "http://[::1]/"),
    ("http://127.0.0.1:/x", "http://127.0.0.1/x"),
    ("http://青溪.政务/公开/", "http://青溪.政务/公开/"),
])
def test_canonical_forms(href: str, expected: str) -> None:
    assert normalize_url(href).url == expected
    assert canonical_url(href) == expected


@pytest.mark.parametrize(("href", "reason"), [
    ("http://127.0.0.1:99999/x.html", "bad port '99999'"),
    ("http://127.0.0.1:abc/", "bad port 'abc'"),
    ("http://127.0.0.1:-1/", "bad port '-1'"),
    ("http://[::1", "malformed URL"),
    ("http://[zz]/", "malformed"),
    ("http://[::1]x/", "malformed host"),
    ("http://exa mple.cn/", "malformed host"),
    ("http:///x", "URL without a host"),
    ("mailto:a@b.cn", "unsupported URL scheme 'mailto'"),
    ("java\tscript:alert(1)", "unsupported URL scheme 'javascript'"),
    ("\x01javascript:alert(1)", "unsupported URL scheme 'javascript'"),
    ("", "empty link"),
    ("#top", "same page"),
    ("/relative", "without a page to resolve it against"),
])
def test_refused_with_a_reason(href: str, reason: str) -> None:
    result = normalize_url(href)
    assert not result and result.url == "" and reason in result.reason
    assert isinstance(canonical_url(href), str)  # identity never raises


def test_relative_links_resolve_against_the_page() -> None:
    assert normalize_url("../b.html", "http://a.gov.cn/x/y/z.html").url == "http://a.gov.cn/x/b.html"
    assert normalize_url("//b.gov.cn/p", "https://a.gov.cn/").url == "https://b.gov.cn/p"
    assert not normalize_url("/x", "http://[::1")


def test_stripping_and_schemes_as_a_browser_reads_them() -> None:
    assert strip_href("\x00 java\nscript:x \x1f") == "javascript:x"
    assert href_scheme("VBScript:x") == "vbscript" and href_scheme("/a.pdf") == "" and href_scheme("a:b") == "a"
    for bad in ("javascript:x", "java\tscript:x", "\x01javascript:x", "data:text/html,x", "vbscript:x", "file:///x"):
        assert not is_safe_href(bad), bad
    for good in ("http://a.gov.cn/x.pdf", "HTTPS://a.gov.cn/", "/files/x.pdf", "x.pdf", "?page=2"):
        assert is_safe_href(good), good
