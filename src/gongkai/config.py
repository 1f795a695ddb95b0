"""Settings with documented defaults, read from the environment once.

Settings read here:
- ``GONGKAI_INDEX``      default index folder (default ``index``, relative to the working directory)
- ``GONGKAI_STATE``      crawl state folder (default ``crawler/state``)
- ``GONGKAI_SITES``      site definitions (default ``crawler/sites.toml``)
- ``GONGKAI_SEGMENTER``  ``rjieba`` (default when installed) or ``jieba``
- ``GONGKAI_BACKEND``, ``GONGKAI_OPENSEARCH_URL``, ``GONGKAI_OPENSEARCH_INDEX``: which backend serves an
  index folder (read by ``gongkai.backends.backend``; the default is the folder's own configuration)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env_path(name: str, default: str) -> Path:
    return Path(os.environ.get(name) or default)


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=lambda: _env_path("GONGKAI_INDEX", "index"))
    state_dir: Path = field(default_factory=lambda: _env_path("GONGKAI_STATE", "crawler/state"))
    sites_file: Path = field(default_factory=lambda: _env_path("GONGKAI_SITES", "crawler/sites.toml"))
    segmenter: str = field(default_factory=lambda: os.environ.get("GONGKAI_SEGMENTER", ""))
    # Search bounds (web and CLI): a query longer than this is refused, pages past this are refused.
    max_query_chars: int = 500
    max_page: int = 100
    max_limit: int = 100
    search_time_limit: float = 5.0  # seconds; a query running longer is cut off with a message
    sections_per_result: int = 3
    max_export_rows: int = 100_000  # rows of one CSV export from the web page (the CLI has no bound)
    # Extraction bounds
    max_document_bytes: int = 50 * 1024 * 1024


def settings() -> Settings:
    return Settings()
