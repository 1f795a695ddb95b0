"""The `gongkai serve` and `gongkai demo` commands (registered lazily on the main CLI group by `gongkai.cli`).

Both start the web server here, in the CLI layer: the crawler only crawls (`run_demo` serves the sample
site and crawls it, then calls back while the sample site is still up).
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Any

import click

from gongkai.cli import _errors, index_option
from gongkai.cli_i18n import TranslatedCommand
from gongkai.config import Settings
from gongkai.errors import PortInUseError
from gongkai.i18n import N_, _


def _port_error(host: str, port: int, e: OSError) -> PortInUseError:
    if e.errno in (errno.EADDRINUSE, errno.EACCES):
        return PortInUseError(_(
            "port {port} on {host} is already in use (or not allowed): stop the program using it, or "
            "choose another port with --port.").format(port=port, host=host))
    return PortInUseError(_("cannot listen on {host}:{port}: {reason}").format(host=host, port=port,
                                                                               reason=e.strerror or e))


def bind(index_dir: Path, host: str, port: int, state_dir: Path | None = None) -> Any:
    """A waitress server for the search page (showing the archive of the crawl state `state_dir`),
    bound to ``host:port``; a taken port is one clear error."""
    from gongkai.web.app import create_app, make_server

    # Tried with a socket of our own first: waitress leaves its half-made socket open when binding fails.
    try:
        with socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET):
            pass
    except OSError as e:
        raise _port_error(host, port, e) from None
    try:
        return make_server(create_app(index_dir, state_dir=state_dir), host, port)
    except OSError as e:  # taken in between
        raise _port_error(host, port, e) from None


def run_server(server: Any, echo: Any = click.echo) -> None:
    try:
        server.run()
    except KeyboardInterrupt:
        echo(_("Stopped."))
    finally:
        server.close()


@click.command("serve", cls=TranslatedCommand, help=N_(
    """Serve the search page, document pages, Atom feeds and JSON API (read-only).

    New documents from a running crawl appear without a restart. Stop with Ctrl-C.
    """))
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Index folder to search (default: $GONGKAI_INDEX or ./index)."),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_("Address to bind; keep the default unless behind a proxy."),
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Crawl state whose versions, withdrawals and stored copies the pages show, read-only "
            "(default: $GONGKAI_STATE or ./crawler/state)."),
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=N_("TCP port."))
@_errors
def serve(index_dir: Path | None, state_dir: Path | None, host: str, port: int) -> None:
    index_dir = index_dir or Settings().index_dir
    if not index_dir.exists():
        click.echo(_("Note: no index at {path} yet — pages answer 503 until `gongkai index PATH` or "
                     "`gongkai crawl` creates it.").format(path=index_dir), err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(_("Warning: binding {host} makes the server reachable from other machines.").format(host=host),
                   err=True)
    # Bound before saying where: a taken port is an error, not a URL.
    server = bind(index_dir, host, port, state_dir=state_dir or Settings().state_dir)
    click.echo(_("Serving {path} at http://{host}:{port}/ (Ctrl-C to stop)").format(
        path=index_dir, host=host, port=port))
    run_server(server)


@click.command("demo", cls=TranslatedCommand, help=N_("Crawl the bundled sample disclosure site, then serve the "
                                                       "search page."))
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address of the search page."))
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help=N_("Port of the search page."))
@click.option("--no-serve", is_flag=True, help=N_("Crawl the sample site into the index, then exit."))
@index_option
@_errors
def demo(host: str, port: int, no_serve: bool, index_dir: Path | None) -> None:
    from gongkai.crawler.commands import demo_state_dir, run_demo

    index = index_dir or Settings().index_dir
    # Bound before the crawl: a taken port stops the demo at once, not after a minute of crawling.
    server = None if no_serve else bind(index, host, port, state_dir=demo_state_dir(index))

    def serve_search_page() -> None:
        click.echo(_("Search page at http://{host}:{port}/ — stop with Ctrl-C.").format(host=host, port=port))
        run_server(server)

    try:
        run_demo(index_dir=index, echo=click.echo, then=serve_search_page if server is not None else None)
    finally:
        if server is not None:
            server.close()
