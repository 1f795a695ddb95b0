"""`gongkai init` and `gongkai migrate`: choose an index folder's backend, copy a Whoosh index to OpenSearch."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..cli import _echo_json, _errors, _index_dir, index_option
from ..errors import StorageError
from .backend import OPENSEARCH, WHOOSH, backend_config, make_config, write_backend


def _os_options(fn: Any) -> Any:
    fn = click.option("--replicas", type=int, default=1, show_default=True,
                      help="Copies of each shard on other nodes (0 on a one-node cluster).")(fn)
    fn = click.option("--shards", type=int, default=1, show_default=True, help="Primary shards of a new index.")(fn)
    fn = click.option("--name", default=None, help="OpenSearch index name (default: gongkai).")(fn)
    return click.option("--url", default=None,
                        help="OpenSearch node URLs, comma-separated (default: $GONGKAI_OPENSEARCH_URL or "
                             "http://127.0.0.1:9200).")(fn)


@click.command("init")
@index_option
@click.option("--backend", type=click.Choice([WHOOSH, OPENSEARCH]), default=WHOOSH, show_default=True)
@_os_options
@_errors
def init_command(index_dir: Path | None, backend: str, url: str | None, name: str | None, shards: int,
                 replicas: int) -> None:
    """Create an index and choose what serves it: Whoosh in the folder (the default), or an OpenSearch cluster.

    With --backend opensearch the folder keeps only the configuration (gongkai.json); every command
    given this --index (index, crawl, reindex, search, show, info, serve, stats) then uses the cluster.

    \b
    Examples:
      gongkai init --backend opensearch --url http://127.0.0.1:9200 --shards 3 --replicas 1
      gongkai init --backend whoosh        # back to the embedded index in the folder
    """
    path = _index_dir(index_dir)
    if backend == WHOOSH:
        from ..index import open_index

        write_backend(path, None) if (path / "gongkai.json").exists() else None
        open_index(path, create=True)
        click.echo(f"{path}/: a Whoosh index")
        return
    import os

    from .opensearch.client import connect
    from .opensearch.writer import ensure_index

    config = make_config(url or os.environ.get("GONGKAI_OPENSEARCH_URL"), name, shards, replicas)
    os_config = config.opensearch_config()
    client = connect(os_config)
    try:
        ensure_index(os_config, client)
    finally:
        client.close()
    had_whoosh = _has_whoosh(path)
    write_backend(path, config)
    click.echo(f"{path}/: served by the OpenSearch index {os_config.where}")
    if had_whoosh:
        click.echo(f"the Whoosh index in {path}/ is kept but no longer searched; `gongkai migrate --to opensearch` "
                   f"copies its documents", err=True)


def _has_whoosh(path: Path) -> bool:
    from ..index import exists

    return exists(path)


@click.command("migrate")
@index_option
@click.option("--to", "target", type=click.Choice([OPENSEARCH]), required=True, help="The backend to copy to.")
@_os_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_errors
def migrate_command(index_dir: Path | None, target: str, url: str | None, name: str | None, shards: int,
                    replicas: int, as_json: bool) -> None:
    """Copy the Whoosh index in the folder to OpenSearch, then search there.

    Every document, its sections, figures, attachments and the hashes that let later runs skip
    unchanged files are copied; the Whoosh files stay (delete them once satisfied). Run it again
    after an interruption: documents already copied are skipped.
    """
    import os

    from ..index import open_searcher as open_whoosh
    from . import stored_documents
    from .opensearch import OpenSearchIndexer, OpenSearchSearcher

    path = _index_dir(index_dir)
    current = backend_config(path)
    config = (make_config(url or os.environ.get("GONGKAI_OPENSEARCH_URL"), name, shards, replicas)
              if url or name or current.kind != OPENSEARCH else current)
    os_config = config.opensearch_config()
    counts = {"documents": 0, "copied": 0, "unchanged": 0}
    import json

    with open_whoosh(path) as whoosh, OpenSearchIndexer(os_config) as ix:
        rows = stored_documents(whoosh)
        counts["documents"] = len(rows)
        with click.progressbar(rows, label="copying", file=sys.stderr, show_pos=True,
                               hidden=as_json or not sys.stderr.isatty()) as bar:
            for fields in bar:
                meta = json.loads(fields.get("meta") or "{}")
                doc = whoosh.document(fields["doc_id"])
                status = ix.upsert(doc, source=meta.get("source"), raw_hash=meta.get("raw_hash", ""))
                counts["unchanged" if status == "unchanged" else "copied"] += 1
    with OpenSearchSearcher(os_config) as s:
        found, _ = s.count()
    if found < counts["documents"]:
        raise StorageError(f"the OpenSearch index {os_config.where} holds {found} documents, the Whoosh index "
                           f"{counts['documents']}: run `gongkai migrate --to opensearch` again")
    write_backend(path, config)
    if as_json:
        _echo_json({**counts, "url": ",".join(os_config.urls), "name": os_config.index})
        return
    click.echo(f"{counts['copied']} copied, {counts['unchanged']} already there: {path}/ is now served by "
               f"{os_config.where} (GONGKAI_BACKEND=whoosh still reads the Whoosh files)")
