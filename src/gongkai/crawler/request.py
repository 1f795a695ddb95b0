"""What the crawler asks a server for: a URL with a method and a body, and what a list said about it.

A `Request` is one entry of the crawl queue. Its identity (`Request.key`, the ``url`` column of the
store's ``pages`` and ``frontier`` tables) is its canonical URL for a GET, and
``URL#METHOD BODY`` for anything else: the list endpoints of government platforms answer different
pages of one list to POSTs with different form bodies on the same URL (``POST /fjdzapp/search``,
``dataproxy.jsp``). Canonical URLs never hold a fragment, so the ``#`` cannot be confused with one.

The other fields are hints, kept with the queued request and then with the fetched page:
- ``kind``       page (HTML), attachment (PDF/DOCX …) or api (an XML/JSON list answer, never a document);
- ``paging``     pagination and list requests stay at the depth of the page that made them;
- ``title``, ``published``  what the list said about an article (shown by `gongkai probe`, used as a
                 witness when the article itself has no title or date);
- ``platform``   the platform loader that made the request (it reads the answer);
- ``referer``    the list page an api request belongs to (the base of relative article URLs);
- ``fragment``   a start URL's hash route (``/gkmlpt/index#2671``), which canonical URLs drop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

KINDS = ("page", "attachment", "api")
_HINTS = ("title", "published", "platform", "referer", "fragment")


@dataclass(frozen=True)
class Request:
    url: str
    kind: str = "page"
    paging: bool = False
    method: str = "GET"
    body: str = ""
    title: str = ""
    published: str = ""
    platform: str = ""
    referer: str = ""
    fragment: str = ""

    @property
    def key(self) -> str:
        return request_key(self.url, self.method, self.body)

    def hint(self) -> str:
        """The hints worth storing, as JSON ('' when there are none)."""
        data = {k: getattr(self, k) for k in _HINTS if getattr(self, k)}
        return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else ""

    def with_url(self, url: str) -> Request:
        return replace(self, url=url)

    @classmethod
    def from_store(cls, key: str, kind: str, hint: str = "") -> Request:
        url, method, body = split_key(key)
        extra = _load_hint(hint)
        return cls(url=url, kind=kind, method=method, body=body, **extra)

    def as_json(self) -> dict[str, str]:
        """{"method", "url", "body"}: the shape `gongkai probe --json` prints."""
        return {"method": self.method, "url": self.url, "body": self.body}


def request_key(url: str, method: str = "GET", body: str = "") -> str:
    method = method.upper()
    if method == "GET" and not body:
        return url
    return f"{url}#{method} {body}"


def split_key(key: str) -> tuple[str, str, str]:
    """(url, method, body) of a stored key."""
    url, sep, rest = key.partition("#")
    if not sep:
        return key, "GET", ""
    method, _, body = rest.partition(" ")
    return url, method or "GET", body


def describe(key: str) -> str:
    """A key as people read it: the URL, or ``POST URL BODY``."""
    url, method, body = split_key(key)
    return url if method == "GET" and not body else f"{method} {url} {body}".rstrip()


def _load_hint(hint: str) -> dict[str, Any]:
    if not hint:
        return {}
    try:
        data = json.loads(hint)
    except ValueError:
        return {}
    known = {f.name for f in fields(Request)} & set(_HINTS)
    return {k: str(v) for k, v in data.items() if k in known} if isinstance(data, dict) else {}
