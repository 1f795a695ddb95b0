"""Crawler test fixtures (the server and helpers live in mocksite.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mocksite import MockSite, build_basic_site
from platform_sites import BUILDERS, FixtureSite


@pytest.fixture(scope="session")
def basic_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_basic_site(tmp_path_factory.mktemp("sites") / "basic")



@pytest.fixture
def basic_copy(tmp_path: Path) -> Path:
    """A private copy of the basic site (for tests that change pages between crawls)."""
    return build_basic_site(tmp_path / "site")



@pytest.fixture
def mock_site() -> Iterator[MockSite]:
    site = MockSite()
    yield site
    site.close()



@pytest.fixture
def basic_site(basic_root: Path) -> Iterator[MockSite]:
    site = MockSite(basic_root)
    yield site
    site.close()



@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "state", tmp_path / "index"



@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[FixtureSite, MockSite]]:
    """A platform fixture site (its name is the test's parameter, `indirect=True`), served with its APIs."""
    fx = BUILDERS[request.param](tmp_path / "site")
    server = MockSite(fx.root)
    fx.install(server)
    yield fx, server
    server.close()
