"""Shared fixtures of the statistics tests: a small index of the fixture reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from stats_helpers import load, report_files

from gongkai.index import Indexer, SearcherHandle, open_searcher


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of every fixture report; figures come from the Indexer's own call of extract_figures."""
    path = tmp_path_factory.mktemp("stats-index")
    with Indexer(path) as ix:
        for f in report_files():
            ix.upsert(load(f))
    return path


@pytest.fixture()
def handle(index_dir: Path) -> Iterator[SearcherHandle]:
    with open_searcher(index_dir) as h:
        yield h
