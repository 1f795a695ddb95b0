"""The one exception tree of gongkai. Callers catch `GongkaiError` once (CLI, web).

    GongkaiError
    ├── UsageError              bad user input: an option value, a query
    │   ├── QueryError          a malformed query ("unbalanced quote …")
    │   ├── UnknownSectionError an unknown --section key
    │   ├── YearRangeError      an impossible --year value or range
    │   ├── UnknownDocumentError no document with the id given (`gongkai show ID`, /doc/ID)
    │   └── DateRangeError      an impossible --published date or range
    ├── IndexError_             the index cannot be used
    │   ├── NoIndexError        no index at the given place
    │   ├── IndexVersionError   built by another analyzer version
    │   ├── IndexLockedError    another writer holds the index
    │   └── ClusterError        the OpenSearch cluster is unreachable, red, or refused a request
    ├── ExtractionError         a file or page could not be turned into a document
    ├── StorageError            a write failed (disk full, read-only) — nothing stored was lost
    ├── ConfigError             sites.toml or another setting is wrong (exit 2: bad input)
    ├── CrawlError              the crawl cannot start (e.g. another crawl holds the lock)
    └── PortInUseError          `serve`/`demo` cannot listen on the port (another program has it)

Messages are complete sentences that say what to do next; tests assert them.
"""

from __future__ import annotations


class GongkaiError(Exception):
    """Base class; `str(err)` is the message shown to the user."""

    exit_code = 1


class UsageError(GongkaiError):
    exit_code = 2


class QueryError(UsageError):
    pass


class UnknownSectionError(UsageError):
    pass


class YearRangeError(UsageError):
    pass


class DateRangeError(UsageError):
    pass


class UnknownDocumentError(UsageError):
    pass


class IndexError_(GongkaiError):  # noqa: N801 - trailing underscore avoids shadowing the builtin
    pass


class NoIndexError(IndexError_):
    pass


class IndexVersionError(IndexError_):
    pass


class IndexLockedError(IndexError_):
    pass


class ClusterError(IndexError_):
    pass


class ExtractionError(GongkaiError):
    pass


class StorageError(GongkaiError):
    pass


class ConfigError(GongkaiError):
    exit_code = 2  # the README's "2 for bad input": the user's sites file or setting is wrong


class PortInUseError(GongkaiError):
    pass


class CrawlError(GongkaiError):
    pass
