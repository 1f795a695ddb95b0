"""Click commands of the crawler: crawl, crawl-log, reindex, schedule, demo.

The lead registers them on the `gongkai` group::

    from gongkai.crawler.commands import crawl_command, crawl_log_command, demo_command, \
        reindex_command, schedule_command

Each command parses options, calls `gongkai.crawler`, and renders; a `GongkaiError` becomes one
``Error: …`` line on stderr and exit status 1 (2 for usage errors), never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import click

from gongkai.cli import _errors, index_option
from gongkai.config import settings
from gongkai.crawler.run import CrawlStats, crawl, reindex
from gongkai.crawler.schedule import Scheduler
from gongkai.crawler.server import SiteServer
from gongkai.crawler.sites import Site, load_sites, select_sites
from gongkai.crawler.state import DB_NAME, StateStore
from gongkai.errors import CrawlError

DEMO_SITE_PORT = 8765  # the demo site's usual port (its URLs stay stable between demo runs)


_sites_opt = click.option("--sites", "sites_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
                          help="Site definitions (default: crawler/sites.toml, or $GONGKAI_SITES).")
_state_opt = click.option("--state", "state_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                          help="Crawl state folder (default: crawler/state/, or $GONGKAI_STATE).")


def _need_state(state_dir: Path) -> None:
    if not (state_dir / DB_NAME).is_file():
        raise CrawlError(f"no crawl state at {state_dir} — run `gongkai crawl` first (or pass --state DIR).")


# -- crawl ---------------------------------------------------------------------------------------


@click.command("crawl")
@_sites_opt
@click.option("--site", "site_name", default=None, help="Crawl only this site (its name in the sites file).")
@_state_opt
@index_option
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Fetch at most N pages per site.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_errors
def crawl_command(sites_file: Path | None, site_name: str | None, state_dir: Path | None, index_dir: Path | None,
                  max_pages: int | None, as_json: bool) -> None:
    """Crawl the configured disclosure sites and update the index.

    Revisits known pages with conditional requests; unchanged pages are not re-indexed, removed
    pages leave the index. An interrupted crawl resumes where it stopped. Exits 0 when the crawl
    ran, even if some pages failed (see `gongkai crawl-log --failed`).
    """
    s = settings()
    sites = select_sites(load_sites(sites_file or s.sites_file), site_name)
    state = state_dir or s.state_dir
    index = index_dir or s.index_dir
    try:
        stats = _crawl_with_progress(sites, state, index, max_pages, show=not as_json and _stderr_is_tty())
    except KeyboardInterrupt:
        click.echo("Interrupted — run `gongkai crawl` again to resume where it stopped.", err=True)
        sys.exit(130)
    if as_json:
        click.echo(json.dumps(stats.as_dict()))
    else:
        click.echo(summary_line(stats, len(sites)))
        if stats.failed or stats.robots_blocked:
            click.echo("See why pages failed: gongkai crawl-log --failed")


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _crawl_with_progress(sites: list[Site], state: Path, index: Path, max_pages: int | None, *,
                         show: bool) -> CrawlStats:
    if not show:
        return crawl(sites, state, index, max_pages=max_pages)
    total = sum(max_pages or s.max_pages for s in sites)
    with click.progressbar(length=total, label="Crawling", file=sys.stderr, show_pos=True,
                           item_show_func=lambda x: x) as bar:
        def progress(site: str, url: str, outcome: str) -> None:
            bar.update(1, f"{site}: {outcome} {url[-50:]}")

        return crawl(sites, state, index, max_pages=max_pages, progress=progress)


def summary_line(stats: CrawlStats, n_sites: int) -> str:
    site_word = "site" if n_sites == 1 else "sites"
    return (f"Crawled {n_sites} {site_word} in {stats.seconds:.1f}s: {stats.fetched} pages fetched "
            f"({stats.new} new, {stats.changed} changed, {stats.unchanged} unchanged, "
            f"{stats.not_modified} not modified, {stats.gone} gone, {stats.failed} failed), "
            f"{stats.robots_blocked} blocked by robots.txt; {stats.documents_indexed} documents indexed.")


# -- crawl-log -----------------------------------------------------------------------------------


@click.command("crawl-log")
@_state_opt
@click.option("--failed", is_flag=True, help="Only failed and robots-blocked fetches.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Number of fetches.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_errors
def crawl_log_command(state_dir: Path | None, failed: bool, limit: int, as_json: bool) -> None:
    """List recent fetches, newest first, with the reason of each failure."""
    state = state_dir or settings().state_dir
    _need_state(state)
    with StateStore(state) as store:
        rows = store.recent(limit, failed_only=failed)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No failed fetches." if failed else "No fetches yet.")
        return
    for r in rows:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["fetched_at"]))
        what = r["change"] or r["outcome"]
        status = r["http_status"] or "-"
        line = f"{when}  {r['site']:<10} {what:<14} {status!s:>4}  {r['url']}"
        if r["error"]:
            line += f"\n{'':>21}↳ {r['error']}"
        click.echo(line)


# -- reindex -------------------------------------------------------------------------------------


@click.command("reindex")
@_state_opt
@index_option
@_errors
def reindex_command(state_dir: Path | None, index_dir: Path | None) -> None:
    """Rebuild the index from the pages stored by past crawls (no network)."""
    s = settings()
    state = state_dir or s.state_dir
    index = index_dir or s.index_dir
    _need_state(state)
    started = time.monotonic()
    result = reindex(state, index)
    with StateStore(state) as store:
        total = len(store.document_ids())
    click.echo(f"Rebuilt {index} from {state} in {time.monotonic() - started:.1f}s: {total} documents "
               f"({result.deleted} removed).")
    if result.errors:
        click.echo(f"{len(result.errors)} stored pages could not be read; see `gongkai crawl-log`.", err=True)


# -- schedule ------------------------------------------------------------------------------------


@click.command("schedule")
@_sites_opt
@_state_opt
@index_option
@click.option("--max-runs", type=click.IntRange(min=1), default=None,
              help="Stop after N crawl runs (default: run until Ctrl-C).")
@_errors
def schedule_command(sites_file: Path | None, state_dir: Path | None, index_dir: Path | None,
                     max_runs: int | None) -> None:
    """Crawl each site on its `every` interval, in the foreground, until stopped with Ctrl-C."""
    s = settings()
    sites = load_sites(sites_file or s.sites_file)
    if not sites:
        raise CrawlError(f"no [[site]] in {sites_file or s.sites_file}; add one and run again.")
    state = state_dir or s.state_dir
    index = index_dir or s.index_dir

    def run_site(site: Site) -> CrawlStats:
        return crawl([site], state, index)

    def log(msg: str) -> None:
        click.echo(msg, err=True)

    names = ", ".join(f"{x.name} every {x.every}" for x in sites)
    log(f"Scheduling {names}. Stop with Ctrl-C.")
    try:
        Scheduler(sites, run_site, log=log).run(max_runs)
    except KeyboardInterrupt:
        log("Stopped.")


# -- demo ----------------------------------------------------------------------------------------


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address of the search page.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port of the search page.")
@click.option("--no-serve", is_flag=True, help="Crawl the sample site into the index, then exit.")
@index_option
@_errors
def demo_command(host: str, port: int, no_serve: bool, index_dir: Path | None) -> None:
    """Crawl the bundled sample disclosure site, then serve the search page."""
    run_demo(host=host, port=port, serve=not no_serve, index_dir=index_dir, echo=click.echo)


def demo_site_definition(sites_file: Path | None = None) -> Site:
    """The "demo" entry of the sites file, or the built-in one when there is none."""
    path = sites_file or settings().sites_file
    if path.is_file():
        for site in load_sites(path):
            if site.name == "demo":
                return site
    return Site(name="demo", start_urls=(f"http://127.0.0.1:{DEMO_SITE_PORT}/",), allowed_domains=("127.0.0.1",),
                delay_seconds=0.0, max_pages=5000, max_depth=8, every="1d")


def run_demo(*, host: str = "127.0.0.1", port: int = 8000, serve: bool = True, index_dir: Path | None = None,
             echo: Callable[[str], None] = print) -> CrawlStats:
    """Serve the sample site on localhost, crawl it into the index, then serve the search page."""
    try:
        from gongkai.demo import SITE_DIR
    except ImportError:
        raise CrawlError("the bundled sample site (gongkai.demo) is missing; reinstall gongkai.") from None
    index = index_dir or settings().index_dir
    state = index.resolve().parent / "crawler" / "state"
    site = demo_site_definition()
    wanted = urlsplit(site.start_urls[0]).port or DEMO_SITE_PORT
    try:
        server = SiteServer(SITE_DIR, "127.0.0.1", wanted)
    except OSError:
        server = SiteServer(SITE_DIR, "127.0.0.1", 0)  # the usual port is taken: any free one
    with server:
        site = dataclasses.replace(site, start_urls=(server.url,), allowed_domains=("127.0.0.1",))
        with StateStore(state) as store:
            # Pages of an earlier demo run on another port are not on this site any more.
            store.retire_other_urls(site.name, server.url)
        echo(f"Sample site at {server.url}; crawling it into {index} (state in {state}) …")
        stats = crawl([site], state, index)
        echo(summary_line(stats, 1))
        web_serve: Callable[..., None] | None = None
        if serve:
            try:
                from gongkai.web import serve as _serve

                web_serve = _serve
            except ImportError:
                echo("(the web interface is not available in this installation)")
        if web_serve is None:
            echo("Try:\n  gongkai search 依申请公开\n  gongkai search 行政复议 --year 2019-2021\n"
                 "  gongkai search 主动公开 --section proactive\n  gongkai serve")
            return stats
        echo(f"Search page at http://{host}:{port}/ — stop with Ctrl-C.")
        try:
            web_serve(index, host, port)
        except KeyboardInterrupt:
            echo("Stopped.")
    return stats
