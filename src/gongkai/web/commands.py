"""The `gongkai serve` command (registered on the main CLI group by `gongkai.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.config import Settings


@click.command()
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder to search (default: $GONGKAI_INDEX or ./index).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; keep the default unless behind a proxy.",
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Crawl state whose versions, withdrawals and stored copies the pages show, read-only "
    "(default: $GONGKAI_STATE or ./crawler/state).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
def serve(index_dir: Path | None, state_dir: Path | None, host: str, port: int) -> None:
    """Serve the search page, document pages, Atom feeds and JSON API (read-only).

    New documents from a running crawl appear without a restart. Stop with Ctrl-C.
    """
    from gongkai.web.app import serve as serve_app

    index_dir = index_dir or Settings().index_dir
    if not index_dir.exists():
        click.echo(
            f"Note: no index at {index_dir} yet — pages answer 503 until `gongkai index PATH` or "
            "`gongkai crawl` creates it.",
            err=True,
        )
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: binding {host} makes the server reachable from other machines.", err=True)
    click.echo(f"Serving {index_dir} at http://{host}:{port}/ (Ctrl-C to stop)")
    serve_app(index_dir, host, port, state_dir=state_dir or Settings().state_dir)
