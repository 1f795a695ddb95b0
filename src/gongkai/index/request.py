"""What a search asks for: ``SearchRequest`` and the parsing of its option values.

The CLI, the web views and the JSON API all build a ``SearchRequest``; ``validate()`` checks it
against the bounds in ``gongkai.config`` and resolves user words (section and type aliases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import settings
from ..errors import QueryError, UsageError, YearRangeError
from ..vocabulary import resolve_section, resolve_type

MIN_YEAR, MAX_YEAR = 1949, 2100
_YEARS = re.compile(r"^\s*(\d{4})\s*(?:(?:-|–|—|~|～|至|到)\s*(\d{4})\s*)?$")


def parse_years(value: str | int | None) -> tuple[int, int] | None:
    """"2017" -> (2017, 2017); "2015-2019" -> (2015, 2019); raises YearRangeError."""
    if value is None or str(value).strip() == "":
        return None
    m = _YEARS.match(str(value))
    if not m:
        raise YearRangeError(f"cannot read the year {value!r}: use a year like 2017 or a range like 2015-2019")
    y1 = int(m.group(1))
    y2 = int(m.group(2) or y1)
    if y1 > y2:
        raise YearRangeError(f"the year range {value!r} ends before it starts: write it as {y2}-{y1}")
    if y1 < MIN_YEAR or y2 > MAX_YEAR:
        raise YearRangeError(f"the year range {value!r} is outside {MIN_YEAR}-{MAX_YEAR}")
    return y1, y2


@dataclass
class SearchRequest:
    query: str = ""
    years: tuple[int, int] | None = None
    section: str | None = None
    agency: str | None = None
    doc_type: str | None = None
    sort: str = "relevance"
    page: int = 1
    limit: int = 10

    def validate(self) -> None:
        s = settings()
        if len(self.query) > s.max_query_chars:
            raise QueryError(f"the query is {len(self.query)} characters long; the limit is {s.max_query_chars}")
        if self.sort not in ("relevance", "date"):
            raise UsageError(f"unknown sort {self.sort!r}: use relevance or date")
        if not 1 <= self.page <= s.max_page:
            raise UsageError(f"page must be between 1 and {s.max_page}")
        if not 1 <= self.limit <= s.max_limit:
            raise UsageError(f"limit must be between 1 and {s.max_limit}")
        if self.section:
            self.section = resolve_section(self.section)
        if self.doc_type:
            self.doc_type = resolve_type(self.doc_type)
