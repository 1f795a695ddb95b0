"""Connecting to an OpenSearch cluster, and turning its failures into gongkai errors.

``OpenSearchConfig`` says where the index lives (node URLs, index name, shards, replicas).
``connect`` returns an ``opensearchpy.OpenSearch`` client that knows every given node and moves
to another one when a node stops answering. ``call`` runs one request and maps what can go wrong
to the exception tree: an unreachable cluster or a red index is a ``ClusterError`` (the web page
answers 503), a missing index a ``NoIndexError``, a request the cluster refuses a ``ClusterError``
with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from gongkai.i18n import N_, _

from ...errors import ClusterError, ConfigError, NoIndexError

T = TypeVar("T")
DEFAULT_INDEX = "gongkai"
@dataclass(frozen=True)
class OpenSearchConfig:
    urls: tuple[str, ...] = ("http://127.0.0.1:9200",)
    index: str = DEFAULT_INDEX
    shards: int = 1
    replicas: int = 1
    # Seconds per request: a write to a shard whose node just died waits (up to a minute) for a
    # replica to be promoted. Searches are bounded by Settings.search_time_limit instead.
    timeout: float = 90.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.urls[0]}/{self.index}"


def connect(config: OpenSearchConfig) -> Any:
    try:
        from opensearchpy import OpenSearch
    except ImportError as e:  # an optional dependency: Whoosh users never need it
        raise ConfigError(_("the OpenSearch backend needs the opensearch-py package: "
                          "pip install 'gongkai[opensearch]'")) from e
    return OpenSearch(
        hosts=list(config.urls),
        timeout=config.timeout,
        max_retries=len(config.urls) + 1,  # on a connection error the request goes to the next node
        retry_on_timeout=True,
        http_compress=True,
    )


RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0)  # seconds before each retry of a request that lost its node


def call(config: OpenSearchConfig, fn: Callable[[], T], what: str, retry: bool = False,
         retry_timeouts: bool = True) -> T:
    """Run ``fn`` (one client request); map its failures to gongkai errors (``what`` names the action).

    With ``retry`` (requests to a cluster that answered before), a connection error is retried after
    ``RETRY_DELAYS``: a node that dies takes its in-flight requests with it, and the client may have
    marked the surviving nodes dead while they were busy promoting replicas. A first contact is not
    retried, so an unreachable cluster is reported at once. A search that ran out of time is not
    retried either (``retry_timeouts=False``): it would only run out of time again."""
    import time

    from opensearchpy import exceptions as ox

    for delay in RETRY_DELAYS if retry else ():
        try:
            return fn()
        except ox.ConnectionTimeout:
            if not retry_timeouts:
                break
            time.sleep(delay)
        except ox.ConnectionError:
            time.sleep(delay)
    try:
        return fn()
    except ox.ConnectionTimeout as e:
        raise ClusterError(_("the OpenSearch cluster at {urls} did not answer in time ({what}); check "
                             "`scripts/opensearch status` or the cluster's health and try again").format(
            urls=", ".join(config.urls), what=_(what))) from e
    except ox.ConnectionError as e:
        raise ClusterError(_("cannot reach the OpenSearch cluster at {urls} ({what}): start it (`scripts/opensearch start` "
                             "for a local one) or fix the URL (--url, $GONGKAI_OPENSEARCH_URL)").format(
            urls=", ".join(config.urls), what=_(what))) from e
    except ox.NotFoundError as e:
        if _error_type(e) == "index_not_found_exception":
            raise NoIndexError(_("no OpenSearch index {where} — run `gongkai index PATH`, `gongkai crawl` or `gongkai migrate --to opensearch` first").format(where=config.where)) from e
        raise
    except ox.TransportError as e:
        status = e.status_code if isinstance(e.status_code, int) else 0
        reason = _reason(e)
        if status in (503, 0) or "no_shard_available" in reason or "all shards failed" in reason:
            raise ClusterError(_("the OpenSearch index {where} cannot answer ({what}): {reason}. Some of its shards have no running copy: start the stopped nodes, then check `curl {value}/_cluster/health?pretty`").format(where=config.where, what=_(what), reason=reason, value=config.urls[0])) from e
        raise ClusterError(_("OpenSearch refused to {what} on {where}: {reason}").format(what=_(what), where=config.where, reason=reason)) from e


def _error_type(e: Any) -> str:
    info = e.info if isinstance(getattr(e, "info", None), dict) else {}
    err = info.get("error")
    return str(err.get("type", "")) if isinstance(err, dict) else ""


def _reason(e: Any) -> str:
    info = e.info if isinstance(getattr(e, "info", None), dict) else {}
    err = info.get("error")
    if isinstance(err, dict):
        causes = err.get("root_cause") or []
        first = causes[0] if causes and isinstance(causes[0], dict) else err
        return f"{first.get('type', '')}: {first.get('reason', '')}".strip(": ")
    return str(getattr(e, "error", "") or e)


def check_health(config: OpenSearchConfig, client: Any, timeout: str = "5s") -> dict[str, Any]:
    """The index's health; a red index (a primary shard with no copy) is a ClusterError."""
    health: dict[str, Any] = call(config, lambda: client.cluster.health(index=config.index,
                                                                          params={"timeout": timeout, "request_timeout": 15}),
                                  N_("read the cluster health"))
    if health.get("status") == "red":
        raise ClusterError(_("the OpenSearch index {where} is red: {value} shard copies are unassigned and some of its data is on no running node. Start the stopped nodes (`scripts/opensearch status` shows them) and try again").format(where=config.where, value=health.get('unassigned_shards', '?')))
    return health


def index_meta(config: OpenSearchConfig, client: Any) -> dict[str, Any]:
    """The ``_meta`` of the index's mapping (NoIndexError when there is no index)."""
    mapping: dict[str, Any] = call(config, lambda: client.indices.get_mapping(index=config.index), N_("open the index"))
    for body in mapping.values():
        found = (body.get("mappings") or {}).get("_meta")
        return found if isinstance(found, dict) else {}
    return {}
