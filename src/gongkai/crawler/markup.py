"""Parsing fetched HTML for the crawler: tolerant of junk, quiet about it."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


def parse_html(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # bs4 warns about markup that looks like a URL or XML; junk pages are expected here.
        warnings.simplefilter("ignore")
        return BeautifulSoup(_XML_DECL.sub("", text, count=1), "lxml")
