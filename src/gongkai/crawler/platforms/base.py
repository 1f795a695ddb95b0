"""The loader interface: a page in, the list's items and the next requests out.

A `Loader` knows one platform family. `detect(page)` says, from the page itself (script names,
URL shapes, markers), whether this is one of its list pages or list answers, and why; `expand(page)`
reads the list: its items (article URL, the list's title and date), the total the list reports, and
the next requests (method, URL, body) that fetch the rest of it. An XML/JSON answer of such a request
comes back to the same loader's `expand` as a page of kind "api". Both are pure: no network, no store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from bs4 import BeautifulSoup

from gongkai.crawler.markup import parse_html
from gongkai.crawler.request import Request

_JSONP = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)


@dataclass(frozen=True)
class Item:
    url: str
    title: str = ""
    published: str = ""  # ISO date, or ""

    def as_json(self) -> dict[str, str | None]:
        return {"url": self.url, "title": self.title, "published": self.published or None}


@dataclass
class Listing:
    """What a loader read from one page."""

    platform: str
    reason: str  # why the page was taken for this platform's list ("datastore XML block" …)
    items: list[Item] = field(default_factory=list)
    next: list[Request] = field(default_factory=list)
    total: int | None = None  # items in the whole list, as the list reports it


@dataclass
class ListPage:
    """A fetched page as loaders see it: the request that fetched it, its final URL and its text."""

    request: Request
    url: str
    text: str
    content_type: str = ""
    soup_: BeautifulSoup | None = None

    @property
    def is_api(self) -> bool:
        return self.request.kind == "api"

    @property
    def base(self) -> str:
        """The URL relative item links are resolved against: the list page an answer belongs to."""
        return self.request.referer or self.url

    @cached_property
    def soup(self) -> BeautifulSoup:
        if self.soup_ is None:
            self.soup_ = parse_html(self.text)
        return self.soup_

    @cached_property
    def data(self) -> Any:
        """The body as JSON (JSONP ``callback({...})`` unwrapped), or None when it is not JSON."""
        text = self.text.strip().lstrip("\ufeff")
        if text[:1] not in ("{", "["):
            m = _JSONP.match(text)  # fails at once on markup
            if m is None:
                return None
            text = m.group(1)
        try:
            return json.loads(text)
        except ValueError:
            return None

    @cached_property
    def scripts(self) -> str:
        """The text of the page's inline scripts, joined (where platforms name their endpoints)."""
        if self.is_api:
            return ""
        return "\n".join(s.get_text() for s in self.soup.find_all("script") if not s.get("src"))


class Loader:
    """Base class of platform loaders; subclasses set `name` and implement `detect` and `expand`.

    ``article_shapes`` and ``list_shapes`` are URL patterns of the platform's article and list pages;
    page roles use them as evidence when a page carries no metadata.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    article_shapes: ClassVar[tuple[re.Pattern[str], ...]] = ()
    list_shapes: ClassVar[tuple[re.Pattern[str], ...]] = ()

    def detect(self, page: ListPage) -> str | None:
        """Why `page` is one of this platform's list pages or list answers, or None."""
        raise NotImplementedError

    def expand(self, page: ListPage) -> Listing:
        """Items, total and next requests of a list page or answer of this platform."""
        raise NotImplementedError

    def listing(self, reason: str = "", **kw: Any) -> Listing:
        return Listing(self.name, reason or self.label, **kw)
