"""`gongkai init` and `gongkai migrate`: choose an index folder's backend, copy a Whoosh index to OpenSearch."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..cli import _echo_json, _errors, _index_dir, index_option
from ..cli_i18n import TranslatedCommand
from ..errors import StorageError
from ..i18n import N_, _
from .backend import OPENSEARCH, WHOOSH, backend_config, make_config, write_backend


def _os_options(fn: Any) -> Any:
    fn = click.option("--replicas", type=int, default=1, show_default=True,
                      help=N_("Copies of each shard on other nodes (0 on a one-node cluster)."))(fn)
    fn = click.option("--shards", type=int, default=1, show_default=True, help=N_("Primary shards of a new index."))(fn)
    fn = click.option("--name", default=None, help=N_("OpenSearch index name (default: gongkai)."))(fn)
    return click.option("--url", default=None,
                        help=N_("OpenSearch node URLs, comma-separated (default: $GONGKAI_OPENSEARCH_URL or "
                                "http://127.0.0.1:9200)."))(fn)


@click.command("init", cls=TranslatedCommand, help=N_(
    """Create an index and choose what serves it: Whoosh in the folder (the default), or an OpenSearch cluster.

    With --backend opensearch the folder keeps only the configuration (gongkai.json); every command
    given this --index (index, crawl, reindex, search, show, info, serve, stats) then uses the cluster.

    \b
    Examples:
      gongkai init --backend opensearch --url http://127.0.0.1:9200 --shards 3 --replicas 1
      gongkai init --backend whoosh        # back to the embedded index in the folder
    """))
@index_option
@click.option("--backend", type=click.Choice([WHOOSH, OPENSEARCH]), default=WHOOSH, show_default=True,
              help=N_("What serves the index: whoosh (files in the folder) or opensearch (a cluster)."))
@_os_options
@_errors
def init_command(index_dir: Path | None, backend: str, url: str | None, name: str | None, shards: int,
                 replicas: int) -> None:
    path = _index_dir(index_dir)
    if backend == WHOOSH:
        from ..index import open_index

        write_backend(path, None) if (path / "gongkai.json").exists() else None
        open_index(path, create=True)
        click.echo(_("{path}/: a Whoosh index").format(path=path))
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
    click.echo(_("{path}/: served by the OpenSearch index {where}").format(path=path, where=os_config.where))
    if had_whoosh:
        click.echo(_("the Whoosh index in {path}/ is kept but no longer searched; `gongkai migrate --to opensearch` "
                     "copies its documents").format(path=path), err=True)


def _has_whoosh(path: Path) -> bool:
    from ..index import exists

    return exists(path)


@click.command("migrate", cls=TranslatedCommand, help=N_(
    """Copy the Whoosh index in the folder to OpenSearch, then search there.

    Every document, its sections, figures, attachments and the hashes that let later runs skip
    unchanged files are copied; the Whoosh files stay (delete them once satisfied). Run it again
    after an interruption: documents already copied are skipped.
    """))
@index_option
@click.option("--to", "target", type=click.Choice([OPENSEARCH]), required=True, help=N_("The backend to copy to."))
@_os_options
@click.option("--json", "as_json", is_flag=True, help=N_("Print the counts as JSON."))
@_errors
def migrate_command(index_dir: Path | None, target: str, url: str | None, name: str | None, shards: int,
                    replicas: int, as_json: bool) -> None:
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
        with click.progressbar(rows, label=_("Copying"), file=sys.stderr, show_pos=True,
                               hidden=as_json or not sys.stderr.isatty()) as bar:
            for fields in bar:
                meta = json.loads(fields.get("meta") or "{}")
                doc = whoosh.document(fields["doc_id"])
                status = ix.upsert(doc, source=meta.get("source"), raw_hash=meta.get("raw_hash", ""))
                counts["unchanged" if status == "unchanged" else "copied"] += 1
    with OpenSearchSearcher(os_config) as s:
        found, _sections = s.count()
    if found < counts["documents"]:
        raise StorageError(_("the OpenSearch index {where} holds {found} documents, the Whoosh index {total}: "
                             "run `gongkai migrate --to opensearch` again").format(
            where=os_config.where, found=found, total=counts["documents"]))
    write_backend(path, config)
    if as_json:
        _echo_json({**counts, "url": ",".join(os_config.urls), "name": os_config.index})
        return
    click.echo(_("{copied} copied, {unchanged} already there: {path}/ is now served by {where} "
                 "(GONGKAI_BACKEND=whoosh still reads the Whoosh files)").format(
        copied=counts["copied"], unchanged=counts["unchanged"], path=path, where=os_config.where))
