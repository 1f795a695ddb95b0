"""One URL normaliser for every URL taken from a page, a header or a configuration file.

Real pages carry every kind of broken link: ports out of range (``:99999``), unclosed or bogus
IPv6 brackets (``http://[::1``, ``http://[zz]/``), ``java\\tscript:`` and ``\\x01javascript:``
(which browsers run: the WHATWG URL parser strips tabs, newlines and leading control characters
before it reads the scheme), ``mailto:``, ``data:``. Python's ``urlsplit(...).port`` raises on some
of them; this module never raises. `normalize_url` returns a `NormalizedUrl` whose ``reason`` says
why a URL was refused, so callers skip the link (or fail the page, or refuse the configuration)
with that reason instead of crashing.

    strip_href(href)            what a browser's URL parser sees: C0 controls and spaces trimmed,
                                tabs and newlines removed anywhere
    href_scheme(href)           the scheme of a stripped href in lower case, "" for a relative one
    normalize_url(href, base)   resolve against ``base``, check, canonicalise (see below)
    is_safe_href(href)          http, https or relative: what a page of ours may link to
    is_web_url(url)             an absolute http(s) URL (a document's 原文 link; not a local file path)

The canonical form (document ids are hashes of it, so it must not change): scheme and host in
lower case, userinfo and the fragment dropped, the default port dropped, an empty path as "/",
the query kept as it is.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

WEB_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# WHATWG's forbidden domain code points (C0 controls, space and these) never make a host.
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20\x7f#%/:<>?@\[\\\]^|]")
_NETLOC_HOST = re.compile(r"^(?:[^@]*@)?(\[[^\]]*\]|[^:\[\]]*)(?::([^:]*))?$")


@dataclass(frozen=True)
class NormalizedUrl:
    """``url`` is the canonical URL when ``reason`` is empty; otherwise ``url`` is "" and ``reason`` says why."""

    url: str
    reason: str = ""

    def __bool__(self) -> bool:
        return not self.reason


def strip_href(href: str) -> str:
    """The href as a WHATWG URL parser reads it: leading and trailing C0 controls and spaces removed,
    ASCII tabs and newlines removed anywhere."""
    return _TAB_NEWLINE.sub("", href.strip("".join(chr(c) for c in range(0x21))))


def href_scheme(href: str) -> str:
    """The scheme of `href` (after `strip_href`) in lower case, or "" when it is relative."""
    m = _SCHEME.match(strip_href(href))
    return m.group(1).lower() if m else ""


def is_safe_href(href: str) -> bool:
    """True for http, https and relative URLs: the only ones a page of ours links to."""
    return href_scheme(href) in ("", *WEB_SCHEMES)


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL (not a relative one, not a local file path)."""
    return href_scheme(url) in WEB_SCHEMES


def normalize_url(href: str, base: str | None = None, *,
                  schemes: tuple[str, ...] | None = WEB_SCHEMES) -> NormalizedUrl:
    """`href` resolved against `base` and canonicalised, or the reason it cannot be used.

    `schemes` lists the schemes accepted (None: any scheme, for identity only — `canonical_url`).
    Never raises.
    """
    if not isinstance(href, str):
        return NormalizedUrl("", "not a URL")
    cleaned = strip_href(href)
    if not cleaned:
        return NormalizedUrl("", "empty link")
    if cleaned.startswith("#"):
        return NormalizedUrl("", "a link to a place on the same page")
    scheme = href_scheme(cleaned)
    if schemes is not None and scheme and scheme not in schemes:
        return NormalizedUrl("", f"unsupported URL scheme {scheme!r}: only {' and '.join(schemes)} are fetched")
    absolute = cleaned
    if base is not None and not (scheme and cleaned[len(scheme) + 1:].startswith("//")):
        try:
            absolute = urljoin(strip_href(base), cleaned)
        except ValueError as e:
            return NormalizedUrl("", f"malformed URL {_short(cleaned)}: {e}")
    return _canonical(absolute, schemes)


def _canonical(url: str, schemes: tuple[str, ...] | None) -> NormalizedUrl:
    try:
        parts = urlsplit(url)
    except ValueError as e:
        return NormalizedUrl("", f"malformed URL {_short(url)}: {e}")
    scheme = parts.scheme.lower()
    if schemes is not None and not scheme:
        return NormalizedUrl("", f"relative URL {_short(url)} without a page to resolve it against")
    if schemes is not None and scheme not in schemes:
        return NormalizedUrl("", f"unsupported URL scheme {scheme!r}: only {' and '.join(schemes)} are fetched")
    if not parts.netloc:
        if schemes is not None:
            return NormalizedUrl("", f"URL without a host: {_short(url)}")
        return NormalizedUrl(urlunsplit((scheme, "", parts.path, parts.query, "")))
    m = _NETLOC_HOST.match(parts.netloc)
    if not m:
        return NormalizedUrl("", f"malformed host in {_short(url)}")
    host, port_text = m.group(1), m.group(2)
    if host.startswith("["):
        try:
            ip = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return NormalizedUrl("", f"malformed IPv6 address {host!r} in {_short(url)}")
        host = f"[{ip.compressed}]"
    else:
        host = host.lower()
        if not host:
            return NormalizedUrl("", f"URL without a host: {_short(url)}")
        if _FORBIDDEN_HOST.search(host):
            return NormalizedUrl("", f"malformed host {host!r} in {_short(url)}")
    port: int | None = None
    if port_text:
        if not port_text.isascii() or not port_text.isdigit() or int(port_text) > 65535:
            return NormalizedUrl("", f"bad port {port_text!r} in {_short(url)} (a port is a number from 0 to 65535)")
        port = int(port_text)
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return NormalizedUrl(urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")))


def _short(url: str, limit: int = 120) -> str:
    return repr(url if len(url) <= limit else url[: limit - 1] + "…")


__all__ = ["WEB_SCHEMES", "NormalizedUrl", "href_scheme", "is_safe_href", "is_web_url", "normalize_url", "strip_href"]
