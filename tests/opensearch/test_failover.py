"""A node stops mid-run: with replicas, every answer stays complete and nothing indexed is lost;
without a copy of a shard, searches are refused with a clear error instead of half answers."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from oshelpers import new_config

from factory import make_doc
from gongkai.backends.opensearch import OpenSearchIndexer, OpenSearchSearcher
from gongkai.backends.opensearch.cluster import Cluster, NodeInfo
from gongkai.errors import ClusterError
from gongkai.index import SearchRequest

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

QUERIES = ["公开", '"政府信息公开条例"', "予以公开 NOT 本年度", "行政复议"]


def _not_manager(cluster: Cluster) -> NodeInfo:
    manager = httpx.get(f"{cluster.urls[0]}/_cat/cluster_manager?format=json", timeout=10).json()[0]["node"]
    return next(n for n in cluster.nodes if n.name != manager)


def _totals(s: OpenSearchSearcher) -> list[int]:
    return [s.search(SearchRequest(q, limit=5))["total"] for q in QUERIES]


def test_a_node_killed_mid_run_loses_no_answer_and_no_document(os_cluster: Cluster) -> None:
    config = new_config(os_cluster, replicas=1, shards=2)
    first = [make_doc(i) for i in range(120)]
    with OpenSearchIndexer(config, batch=20) as ix:
        for d in first:
            ix.upsert(d)
    searcher = OpenSearchSearcher(config)
    expected = _totals(searcher)
    assert all(expected)

    # A red index beside it: its only shard lives on the node that will die.
    victim = _not_manager(os_cluster)
    lonely = new_config(os_cluster, replicas=0, shards=1)
    with OpenSearchIndexer(lonely) as ix:
        ix.upsert(make_doc(1))
    httpx.put(f"{os_cluster.urls[0]}/{lonely.index}/_settings", timeout=30,
              json={"index.routing.allocation.require._name": victim.name}).raise_for_status()
    httpx.get(f"{os_cluster.urls[0]}/_cluster/health", timeout=90, params={
        "wait_for_no_relocating_shards": "true", "wait_for_status": "green", "timeout": "60s"}).raise_for_status()
    shards = httpx.get(f"{os_cluster.urls[0]}/_cat/shards/{lonely.index}?format=json", timeout=10).json()
    assert [s["node"] for s in shards] == [victim.name]

    # Kill (SIGKILL, no clean shutdown) one node while a second batch is being written.
    second = [make_doc(i) for i in range(120, 240)]
    killer = threading.Timer(0.5, lambda: os_cluster.kill_node(victim))
    killer.start()
    try:
        with OpenSearchIndexer(config, batch=10) as ix:
            for d in second:
                ix.upsert(d)
        killer.join()
        assert not os_cluster.running(victim)
        # Complete answers from the surviving copies, at once and after the cluster settles.
        for _ in range(5):
            assert _totals(searcher) == [t * 2 for t in expected]
        assert searcher.count() == (240, 720)
        with pytest.raises(ClusterError, match="red|cannot answer"):
            OpenSearchSearcher(lonely)
    finally:
        killer.cancel()
        os_cluster.start_node(victim)
        os_cluster.wait_for(2, status="green", timeout=120)
    # Back with both nodes: every node answers the same (the restarted one caught up).
    for url in os_cluster.urls:
        from dataclasses import replace

        with OpenSearchSearcher(replace(config, urls=(url,))) as one:
            assert one.count() == (240, 720)
            assert _totals(one) == [t * 2 for t in expected]
    searcher.close()


def test_nothing_indexed_is_lost_after_a_full_restart(os_cluster: Cluster) -> None:
    config = new_config(os_cluster, replicas=1)
    with OpenSearchIndexer(config, batch=25) as ix:
        for i in range(60):
            ix.upsert(make_doc(i))
        ix.delete(make_doc(0).id)
    with OpenSearchSearcher(config) as s:
        before = [s.search(SearchRequest(q, limit=100)) for q in QUERIES]
    t0 = time.monotonic()
    os_cluster.stop()
    with pytest.raises(ClusterError, match="cannot reach"):
        OpenSearchSearcher(config)
    os_cluster.start(timeout=180)
    os_cluster.wait_for(2, status="green", timeout=120)
    assert time.monotonic() - t0 < 180
    with OpenSearchSearcher(config) as s:
        assert s.count() == (59, 177)
        after = [s.search(SearchRequest(q, limit=100)) for q in QUERIES]
    for b, a in zip(before, after, strict=True):
        assert a["total"] == b["total"] and a["facets"] == b["facets"]
        assert sorted(r["id"] for r in a["results"]) == sorted(r["id"] for r in b["results"])
