"""What a search asks for: ``SearchRequest`` and the parsing of its option values.

The CLI, the web views and the JSON API all build a ``SearchRequest``; ``validate()`` checks it
against the bounds in ``gongkai.config`` and resolves user words (section and type aliases, the
``date`` sort). ``parse_years`` and ``parse_published`` read the values people type for years and
publish dates.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from gongkai.i18n import _

from ..config import settings
from ..errors import DateRangeError, QueryError, UsageError, YearRangeError
from ..vocabulary import resolve_section, resolve_type

MIN_YEAR, MAX_YEAR = 1949, 2100
SORTS = ("relevance", "newest", "oldest")
SORT_ALIASES = {"date": "newest"}  # the name of newest-first before there was an oldest-first
SCOPES = ("document", "section")

_YEAR = r"(\d{4})\s*年?"
_TO = r"(?:-|–|—|~|～|至|到)"
_YEARS = re.compile(rf"^\s*(?:{_YEAR})?\s*(?:({_TO})\s*(?:{_YEAR}|(今))?\s*)?$")
STATUSES = ("all", "current", "withdrawn")
MAX_IDS = 1000


def parse_years(value: str | int | None) -> tuple[int, int] | None:
    """The years a user means: "2017" or "2017年" -> (2017, 2017); "2015-2019" -> (2015, 2019);
    "2015-" or "2015至今" -> (2015, MAX_YEAR); "-2015" -> (MIN_YEAR, 2015). Raises YearRangeError."""
    if value is None or str(value).strip() == "":
        return None
    m = _YEARS.match(str(value))
    if not m or not (m.group(1) or m.group(3)) or (m.group(4) and not m.group(1)):
        raise YearRangeError(_("cannot read the year {value!r}: use a year like 2017 or a range like 2015-2019 (2015- and -2015 leave one end open)").format(value=value))
    start, dash, end = m.group(1), m.group(2), m.group(3)
    y1 = int(start) if start else MIN_YEAR
    y2 = int(end) if end else (MAX_YEAR if dash else y1)
    if y1 > y2:
        raise YearRangeError(_("the year range {value!r} ends before it starts: write it as {y2}-{y1}").format(value=value, y2=y2, y1=y1))
    if y1 < MIN_YEAR or y2 > MAX_YEAR:
        raise YearRangeError(_("the year range {value!r} is outside {MIN_YEAR}-{MAX_YEAR}").format(value=value, MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR))
    return y1, y2


_DATE = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?)?\s*年?$")
_DATE_TO = re.compile(r"\.\.|至|到|~|～")


def _day(text: str, value: str, last: bool) -> str:
    """One end of a date range as an ISO day: "2024" and "2024-03" stand for their first or last day."""
    m = _DATE.match(text)
    if not m:
        raise DateRangeError(_("cannot read the date {text!r} in {value!r}: write a day, month or year like 2024-03-31, 2024-03 or 2024, and a range with .. (2024-01..2024-03)").format(text=text, value=value))
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateRangeError(_("the date {text!r} is outside the years {MIN_YEAR}-{MAX_YEAR}").format(text=text, MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR))
    mon = int(month) if month else (12 if last else 1)
    if not 1 <= mon <= 12:
        raise DateRangeError(_("the date {text!r} has no month {mon}: months run from 1 to 12").format(text=text, mon=mon))
    end_of_month = calendar.monthrange(year, mon)[1]
    d = int(day) if day else (end_of_month if last else 1)
    if not 1 <= d <= end_of_month:
        raise DateRangeError(_("the date {text!r} does not exist: {year}-{mon:02d} has {end_of_month} days").format(text=text, year=year, mon=mon, end_of_month=end_of_month))
    return datetime.date(year, mon, d).isoformat()


def parse_published(value: str | None) -> tuple[str | None, str | None] | None:
    """Publish dates a user means, as ISO days (None for an open end): "2024-01-01..2024-03-31";
    "2024-01..2024-03" (whole months); "2024" (the whole year); "2024-01-01.." and "..2024-03-31"."""
    if value is None or not value.strip():
        return None
    parts = _DATE_TO.split(value.strip(), maxsplit=1)
    if len(parts) == 1:
        return _day(parts[0].strip(), value, False), _day(parts[0].strip(), value, True)
    lo = _day(parts[0].strip(), value, False) if parts[0].strip() else None
    hi = _day(parts[1].strip(), value, True) if parts[1].strip() else None
    if lo is None and hi is None:
        raise DateRangeError(_("the date range {value!r} has no date: write one like 2024-01-01..2024-03-31").format(value=value))
    if lo and hi and lo > hi:
        raise DateRangeError(_("the date range {value!r} ends before it starts: write the earlier date first").format(value=value))
    return lo, hi


@dataclass
class SearchRequest:
    """One search. An empty ``query`` lists documents (with the filters, newest first).

    ``within`` is the scope of the words: "document" (each may occur anywhere in the document) or
    "section" (all in one section). ``sort`` None means relevance with a query, newest without."""

    query: str = ""
    years: tuple[int, int] | None = None
    section: str | None = None
    agency: str | None = None
    doc_type: str | None = None
    sort: str | None = None
    page: int = 1
    limit: int = 10
    published: tuple[str | None, str | None] | None = None
    within: str = "document"
    status: str = "all"  # current | withdrawn | all: documents whose page is gone are withdrawn (已撤下)
    ids: tuple[str, ...] | None = None  # only these documents (a feed asking which of its events match)

    def validate(self) -> None:
        s = settings()
        if len(self.query) > s.max_query_chars:
            raise QueryError(_("the query is {n_query} characters long; the limit is {max_query_chars}").format(n_query=len(self.query), max_query_chars=s.max_query_chars))
        sort = SORT_ALIASES.get(self.sort or "", self.sort) or "relevance"
        if sort == "relevance" and not self.query.strip():
            sort = "newest"  # nothing to be relevant to: a listing
        if sort not in SORTS:
            raise UsageError(_("unknown sort {sort!r}: use relevance, newest or oldest").format(sort=self.sort))
        self.sort = sort
        if self.within not in SCOPES:
            raise UsageError(_("unknown scope {within!r}: use document (words anywhere in a document) or section (all words in one section)").format(within=self.within))
        if not 1 <= self.page <= s.max_page:
            raise UsageError(_("page must be between 1 and {max_page}").format(max_page=s.max_page))
        if not 1 <= self.limit <= s.max_limit:
            raise UsageError(_("limit must be between 1 and {max_limit}").format(max_limit=s.max_limit))
        if self.status not in STATUSES:
            raise UsageError(_("unknown status {status!r}: use current, withdrawn or all").format(status=self.status))
        if self.ids is not None and len(self.ids) > MAX_IDS:
            raise UsageError(_("at most {n} document ids in one search").format(n=MAX_IDS))
        if self.section:
            self.section = resolve_section(self.section)
        if self.doc_type:
            self.doc_type = resolve_type(self.doc_type)
