"""A real two-node OpenSearch cluster for the tests in this folder, started once per session.

The nodes run from ``opensearch/target`` (built with Maven from Maven Central artifacts on first
use) on free loopback ports, with their data in a temporary folder, and are stopped at the end.
Without Java or Maven the tests here are skipped with the reason — except in CI (``CI`` set),
where a missing tool is a failure: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.backends.opensearch.cluster import Cluster, build_jars, java_missing_reason

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.opensearch)


@pytest.fixture(scope="session")
def os_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    reason = java_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the OpenSearch tests, but {reason}")
        pytest.skip(reason)
    target = build_jars(REPO / "opensearch")
    cluster = Cluster.create(tmp_path_factory.mktemp("opensearch"), target, n=2, http_port=None,
                             transport_port=None, heap="320m")
    cluster.watch_parent = True
    try:
        cluster.start(timeout=180)
        yield cluster
    finally:
        cluster.stop()
