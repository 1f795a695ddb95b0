"""Fixtures of the reliability tests (faults, load, hostile input); helpers live in relhelpers.py.

`--slow` (declared in tests/conftest.py) turns on the long variants (more kills, more hypothesis
examples, longer load).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from relhelpers import FIGURES, Reference, timed_cli, write_sites

from gongkai.crawler.server import SiteServer
from gongkai.demo import SITE_DIR


@pytest.fixture(scope="session")
def slow(pytestconfig: pytest.Config) -> bool:
    return bool(pytestconfig.getoption("--slow", default=False))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for key in sorted(FIGURES):
            terminalreporter.write_line(f"{key}: {FIGURES[key]}")


@pytest.fixture(scope="session")
def demo_server() -> Iterator[SiteServer]:
    with SiteServer(SITE_DIR, "127.0.0.1", 0) as srv:
        yield srv


@pytest.fixture(scope="session")
def demo_sites(demo_server: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sites(tmp_path_factory.mktemp("sites") / "sites.toml", demo_server.url)


@pytest.fixture(scope="session")
def crawl_reference(tmp_path_factory: pytest.TempPathFactory, demo_sites: Path) -> Reference:
    """An uninterrupted `gongkai crawl` of the demo site: the state every interrupted crawl must reach."""
    base = tmp_path_factory.mktemp("crawl-ref")
    secs = timed_cli("crawl", "--sites", demo_sites, "--state", base / "state", "--index", base / "index", "--json")
    return Reference(base / "index", base / "state", secs)
