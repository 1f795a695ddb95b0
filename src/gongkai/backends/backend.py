"""Which backend serves an index folder, and where its OpenSearch index is.

Read in this order:
1. ``GONGKAI_BACKEND`` (``whoosh`` or ``opensearch``). With ``opensearch``, ``GONGKAI_OPENSEARCH_URL``
   (one or more node URLs, comma-separated; default http://127.0.0.1:9200) and
   ``GONGKAI_OPENSEARCH_INDEX`` (default ``gongkai``) say where, unless the folder's configuration does.
2. The ``backend`` entry of the folder's ``gongkai.json``, written by ``gongkai init`` or ``gongkai
   migrate``: ``{"kind": "opensearch", "urls": [...], "index": "gongkai", "shards": 1, "replicas": 1}``.
3. Otherwise Whoosh, in the folder itself (the default: no server, no Java).

``GONGKAI_OPENSEARCH_URL`` alone (without ``GONGKAI_BACKEND``) also overrides the URLs of a folder
configured for OpenSearch, e.g. to reach the same cluster through another node.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, StorageError
from ..i18n import _

WHOOSH, OPENSEARCH = "whoosh", "opensearch"
META_FILE = "gongkai.json"  # the Whoosh index's own metadata file, which also holds the backend entry
DEFAULT_URL = "http://127.0.0.1:9200"


@dataclass(frozen=True)
class BackendConfig:
    kind: str = WHOOSH
    urls: tuple[str, ...] = (DEFAULT_URL,)
    index: str = "gongkai"
    shards: int = 1
    replicas: int = 1
    index_id: str = field(default="", compare=False)

    def opensearch_config(self) -> Any:
        from .opensearch.client import OpenSearchConfig

        return OpenSearchConfig(urls=self.urls, index=self.index, shards=self.shards, replicas=self.replicas)

    def identity(self, index_dir: Path) -> str:
        return self.index_id or f"opensearch:{self.urls[0]}/{self.index}"

    def entry(self) -> dict[str, Any]:
        return {"kind": self.kind, "urls": list(self.urls), "index": self.index, "shards": self.shards,
                "replicas": self.replicas}


def _urls(value: str) -> tuple[str, ...]:
    urls = tuple(u.strip().rstrip("/") for u in value.split(",") if u.strip())
    for u in urls:
        if not u.startswith(("http://", "https://")):
            raise ConfigError(_("{url!r} is no OpenSearch URL: write it like http://127.0.0.1:9200").format(url=u))
    if not urls:
        raise ConfigError(_("no OpenSearch URL given: write one like http://127.0.0.1:9200"))
    return urls


def read_file(index_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((Path(index_dir) / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def backend_config(index_dir: Path) -> BackendConfig:
    data = read_file(index_dir)
    found = data.get("backend")
    entry: dict[str, Any] = found if isinstance(found, dict) else {}
    kind = (os.environ.get("GONGKAI_BACKEND") or entry.get("kind") or WHOOSH).strip().lower()
    if kind not in (WHOOSH, OPENSEARCH):
        raise ConfigError(_("unknown backend {kind!r}: set GONGKAI_BACKEND to whoosh or opensearch").format(kind=kind))
    if kind == WHOOSH:
        return BackendConfig()
    env_url = os.environ.get("GONGKAI_OPENSEARCH_URL")
    urls = _urls(env_url) if env_url else tuple(entry.get("urls") or ()) or (DEFAULT_URL,)
    name = entry.get("index") or os.environ.get("GONGKAI_OPENSEARCH_INDEX") or "gongkai"
    return BackendConfig(OPENSEARCH, urls, str(name), int(entry.get("shards", 1)), int(entry.get("replicas", 1)),
                         str(data.get("index_id") or "") if entry else "")


def write_backend(index_dir: Path, config: BackendConfig | None) -> None:
    """Record ``config`` in the folder's ``gongkai.json`` (None: back to Whoosh), keeping what else it holds."""
    index_dir = Path(index_dir)
    data = read_file(index_dir)
    if config is None or config.kind == WHOOSH:
        data.pop("backend", None)
    else:
        data["backend"] = config.entry()
    data.setdefault("index_id", uuid.uuid4().hex)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp = index_dir / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp, index_dir / META_FILE)
    except OSError as e:
        raise StorageError(_("cannot write the index configuration in {path}: {reason}").format(
            path=index_dir, reason=e.strerror or e)) from e


def make_config(urls: str | None, index: str | None, shards: int, replicas: int) -> BackendConfig:
    if shards < 1 or replicas < 0:
        raise ConfigError(_("--shards must be at least 1 and --replicas at least 0"))
    name = index or "gongkai"
    if not name.islower() or any(c in name for c in ' "*\\<|,>/?#:') or name.startswith(("_", "-", "+")):
        raise ConfigError(_("{name!r} cannot name an OpenSearch index: use lower-case letters, digits, - and _").format(
            name=name))
    return BackendConfig(OPENSEARCH, _urls(urls or DEFAULT_URL), name, shards, replicas)
