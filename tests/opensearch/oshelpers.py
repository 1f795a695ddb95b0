"""Helpers of the OpenSearch tests (fixtures are in conftest.py)."""

from __future__ import annotations

import uuid

from gongkai.backends.opensearch import OpenSearchConfig
from gongkai.backends.opensearch.cluster import Cluster


def new_config(cluster: Cluster, replicas: int = 1, shards: int = 2) -> OpenSearchConfig:
    """A fresh index name on the session cluster (tests never share an index)."""
    return OpenSearchConfig(urls=tuple(cluster.urls), index=f"t-{uuid.uuid4().hex[:10]}", shards=shards,
                            replicas=replicas)
