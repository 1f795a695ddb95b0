"""Clear errors from the OpenSearch backend: no cluster, no index, an index of another version."""

from __future__ import annotations

import httpx
import pytest
from oshelpers import new_config

from gongkai.backends.opensearch import OpenSearchConfig, OpenSearchIndexer, OpenSearchSearcher
from gongkai.backends.opensearch.cluster import Cluster, free_port
from gongkai.backends.opensearch.mapping import index_body
from gongkai.errors import ClusterError, IndexVersionError, NoIndexError
from gongkai.index import SearchRequest

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")


def test_unreachable_cluster_says_how_to_start_one() -> None:
    pytest.importorskip("opensearchpy")
    config = OpenSearchConfig(urls=(f"http://127.0.0.1:{free_port()}",))
    with pytest.raises(ClusterError, match=r"cannot reach the OpenSearch cluster at http://127\.0\.0\.1:\d+ .*"
                                           r"scripts/opensearch start"):
        OpenSearchSearcher(config)
    with pytest.raises(ClusterError, match="cannot reach"), OpenSearchIndexer(config):
        pass


def test_missing_index(os_cluster: Cluster) -> None:
    config = new_config(os_cluster)
    with pytest.raises(NoIndexError, match=rf"no OpenSearch index .*/{config.index} — run `gongkai index PATH`"):
        OpenSearchSearcher(config)


def test_index_of_another_analyzer_version_is_refused_with_the_rebuild_command(os_cluster: Cluster) -> None:
    config = new_config(os_cluster)
    body = index_body(1, 0)
    body["mappings"]["_meta"]["gongkai"]["analyzer_version"] = "0"
    httpx.put(f"{config.urls[0]}/{config.index}", json=body, timeout=30).raise_for_status()
    message = rf"built by analyzer version 0 .* Rebuild it: `curl -X DELETE .*/{config.index}`"
    with pytest.raises(IndexVersionError, match=message):
        OpenSearchSearcher(config)
    with pytest.raises(IndexVersionError, match=message), OpenSearchIndexer(config):
        pass


def test_a_refused_document_is_a_storage_error_and_the_others_are_written(os_cluster: Cluster) -> None:
    from factory import make_doc
    from gongkai.errors import StorageError

    config = new_config(os_cluster)
    good, bad = make_doc(1), make_doc(2)
    bad.year = 10**12  # beyond an integer field: the cluster refuses this one document
    with pytest.raises(StorageError, match=rf"refused 1 document\(s\).*{bad.id}"), \
            OpenSearchIndexer(config) as ix:
        ix.upsert(good)
        ix.upsert(bad)
    with OpenSearchSearcher(config) as s:
        assert s.count() == (1, 3)
        assert s.search(SearchRequest("公开"))["results"][0]["id"] == good.id
