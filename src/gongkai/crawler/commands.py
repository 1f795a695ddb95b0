"""Click commands of the crawler: crawl, crawl-log, reindex, schedule; `run_demo` for `gongkai demo`.

`gongkai.cli` registers them lazily on the `gongkai` group; `gongkai demo` lives with `serve` in
`gongkai.web.commands` (the CLI starts the search page's server, not the crawler).

Each command parses options, calls `gongkai.crawler`, and renders; a `GongkaiError` becomes one
``Error: …`` line on stderr and exit status 1 (2 for usage errors), never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx

from gongkai.cli import _errors, index_option
from gongkai.cli_i18n import TranslatedCommand
from gongkai.config import settings
from gongkai.crawler.archive import iso_time
from gongkai.crawler.fetch import CATEGORIES
from gongkai.crawler.request import KINDS, describe, split_key
from gongkai.crawler.run import CrawlProgress, CrawlStats, crawl, reindex
from gongkai.crawler.schedule import Scheduler
from gongkai.crawler.server import SiteServer
from gongkai.crawler.sites import Site, load_sites, parse_interval, select_sites
from gongkai.crawler.state import DB_NAME, StateStore
from gongkai.errors import CrawlError
from gongkai.i18n import N_, _, ngettext

DEMO_EXAMPLES = ("  gongkai search 依申请公开\n  gongkai search 行政复议 --year 2019-2021\n"
                 "  gongkai search 主动公开 --section proactive\n  gongkai serve")  # commands: not translated
DEMO_SITE_PORT = 8765  # the demo site's usual port (its URLs stay stable between demo runs)


_sites_opt = click.option("--sites", "sites_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
                          help=N_("Site definitions (default: crawler/sites.toml, or $GONGKAI_SITES)."))
_state_opt = click.option("--state", "state_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                          help=N_("Crawl state folder (default: crawler/state/, or $GONGKAI_STATE)."))


class _Duration(click.ParamType):
    name = "duration"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        text = str(value).strip()
        try:
            seconds = float(text) if text.replace(".", "", 1).isdigit() else parse_interval(text)
        except ValueError:
            self.fail(_("{text!r} is no duration: write seconds (600) or 90s, 30m, 2h, 1d").format(text=text),
                      param, ctx)
        if seconds <= 0:
            self.fail(_("the duration must be more than 0"), param, ctx)
        return seconds


def _need_state(state_dir: Path) -> None:
    if not (state_dir / DB_NAME).is_file():
        raise CrawlError(_("no crawl state at {path} — run `gongkai crawl` first (or pass --state DIR).").format(
            path=state_dir))


# -- crawl ---------------------------------------------------------------------------------------


@click.command("crawl", cls=TranslatedCommand, help=N_(
    """Crawl the configured disclosure sites and update the index.

    Revisits known pages with conditional requests; unchanged pages are not re-indexed, removed
    pages leave the index. An interrupted crawl resumes where it stopped. Exits 0 when the crawl
    ran, even if some pages failed (see `gongkai crawl-log --failed`).
    """))
@_sites_opt
@click.option("--site", "site_name", default=None, help=N_("Crawl only this site (its name in the sites file)."))
@_state_opt
@index_option
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help=N_("Fetch at most N pages per site."))
@click.option("--max-time", type=_Duration(), default=None,
              help=N_("Stop starting requests after this long (600, 90s, 30m, 2h); the next crawl resumes."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the counts as JSON."))
@_errors
def crawl_command(sites_file: Path | None, site_name: str | None, state_dir: Path | None, index_dir: Path | None,
                  max_pages: int | None, max_time: float | None, as_json: bool) -> None:
    s = settings()
    sites = select_sites(load_sites(sites_file or s.sites_file), site_name)
    state = state_dir or s.state_dir
    index = index_dir or s.index_dir
    try:
        stats = _crawl_with_progress(sites, state, index, max_pages, max_time,
                                     show=not as_json and _stderr_is_tty())
    except KeyboardInterrupt:
        click.echo(_("Interrupted — run `gongkai crawl` again to resume where it stopped."), err=True)
        sys.exit(130)
    if as_json:
        click.echo(json.dumps(stats.as_dict()))
        return
    click.echo(summary_line(stats, len(sites)))
    if stats.deadline_reached:
        click.echo(_("Stopped at --max-time: run `gongkai crawl` again to continue where it stopped."))
    if stats.failed:
        click.echo(_("See why pages failed: gongkai crawl-log --failed"))


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _notice(message: str) -> None:
    click.echo(_("Note: {message}").format(message=message), err=True)


def _crawl_with_progress(sites: list[Site], state: Path, index: Path, max_pages: int | None,
                         max_time: float | None = None, *, show: bool) -> CrawlStats:
    if not show:
        return crawl(sites, state, index, max_pages=max_pages, max_seconds=max_time, notice=_notice)
    # The bar counts pages done against pages known so far: it grows as lists reveal more pages.
    with click.progressbar(length=1, label=_("Crawling"), file=sys.stderr, show_pos=True,
                           item_show_func=lambda x: x) as bar:
        return crawl(sites, state, index, max_pages=max_pages, max_seconds=max_time, progress=progress_to(bar),
                     notice=_notice)


def progress_to(bar: Any) -> Callable[[CrawlProgress], None]:
    """A crawl progress callback that moves a click progress bar (`length` follows pages known)."""

    def progress(p: CrawlProgress) -> None:
        bar.length = max(p.known, p.done, 1)
        bar.finished = False  # more pages became known after the bar had filled
        bar.update(p.done - bar.pos, f"{p.site}: {p.outcome} {p.url[-50:]}")

    return progress


def summary_line(stats: CrawlStats, n_sites: int) -> str:
    failed = _("{n} failed").format(n=stats.failed)
    if stats.failures:
        failed += _(": ") + _(", ").join(f"{_(CATEGORIES.get(k, k))} {n}" for k, n in sorted(stats.failures.items()))
    return ngettext(
        "Crawled {sites} site in {seconds:.1f}s: {fetched} pages fetched ({new} new, {changed} changed, "
        "{unchanged} unchanged, {not_modified} not modified, {gone} gone, {failed}), {robots} blocked by "
        "robots.txt; {indexed} documents indexed.{pending}",
        "Crawled {sites} sites in {seconds:.1f}s: {fetched} pages fetched ({new} new, {changed} changed, "
        "{unchanged} unchanged, {not_modified} not modified, {gone} gone, {failed}), {robots} blocked by "
        "robots.txt; {indexed} documents indexed.{pending}", n_sites).format(
        sites=n_sites, seconds=stats.seconds, fetched=stats.fetched, new=stats.new, changed=stats.changed,
        unchanged=stats.unchanged, not_modified=stats.not_modified, gone=stats.gone, failed=failed,
        robots=stats.robots_blocked, indexed=stats.documents_indexed,
        pending=_(" {n} pages wait to be indexed (the index was busy).").format(n=stats.index_pending)
        if stats.index_pending else "")


# -- crawl-log -----------------------------------------------------------------------------------


@click.command("crawl-log", cls=TranslatedCommand, help=N_(
    "List recent fetches, newest first: the role each page was given and why, or why it failed."))
@_state_opt
@click.option("--failed", is_flag=True, help=N_("Only failed and robots-blocked fetches."))
@click.option("--role", type=click.Choice(["list", "article", *KINDS[1:]]), default=None,
              help=N_("Only fetches of pages given this role."))
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help=N_("Number of fetches."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON (times as ISO 8601 with the UTC offset)."))
@_errors
def crawl_log_command(state_dir: Path | None, failed: bool, role: str | None, limit: int, as_json: bool) -> None:
    state = state_dir or settings().state_dir
    _need_state(state)
    with StateStore(state) as store:
        rows = store.recent(limit, failed_only=failed, role=role)
    shown = [describe(r["url"]) for r in rows]
    for r in rows:
        r["url"], r["method"], r["body"] = split_key(r["url"])
    if as_json:
        # ISO 8601 like every other date gongkai prints, in local time with its offset (what the text shows)
        iso = [{**r, "fetched_at": iso_time(r["fetched_at"])} for r in rows]
        click.echo(json.dumps(iso, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(_("No failed fetches.") if failed else
                   _("No fetches of {role} pages.").format(role=role) if role else _("No fetches yet."))
        return
    for r, where in zip(rows, shown, strict=True):
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["fetched_at"]))
        what = r["change"] or r["outcome"]
        status = r["http_status"] or "-"
        line = f"{when}  {r['site']:<10} {what:<14} {status!s:>4}  {r['role'] or '-':<10} {where}"
        if r["error"]:
            label = _(CATEGORIES[r["category"]]) if r["category"] in CATEGORIES else r["category"]
            line += f"\n{'':>21}↳ {label + ': ' if label else ''}{r['error']}"
        elif r["reason"]:
            line += f"\n{'':>21}↳ {r['role']}: {r['reason']}"
        click.echo(line)


# -- reindex -------------------------------------------------------------------------------------


@click.command("reindex", cls=TranslatedCommand, help=N_(
    "Rebuild the index from the pages stored by past crawls (no network)."))
@_state_opt
@index_option
@_errors
def reindex_command(state_dir: Path | None, index_dir: Path | None) -> None:
    s = settings()
    state = state_dir or s.state_dir
    index = index_dir or s.index_dir
    _need_state(state)
    started = time.monotonic()
    result = reindex(state, index)
    with StateStore(state) as store:
        total = len(store.document_ids())
    click.echo(_("Rebuilt {index} from {state} in {seconds:.1f}s: {total} documents ({deleted} removed).").format(
        index=index, state=state, seconds=time.monotonic() - started, total=total, deleted=result.deleted))
    if result.errors:
        click.echo(_("{n} stored pages could not be read; see `gongkai crawl-log`.").format(n=len(result.errors)),
                   err=True)


# -- schedule ------------------------------------------------------------------------------------


@click.command("schedule", cls=TranslatedCommand, help=N_(
    "Crawl each site on its `every` interval, in the foreground, until stopped with Ctrl-C."))
@_sites_opt
@_state_opt
@index_option
@click.option("--max-runs", type=click.IntRange(min=1), default=None,
              help=N_("Stop after N crawl runs (default: run until Ctrl-C)."))
@_errors
def schedule_command(sites_file: Path | None, state_dir: Path | None, index_dir: Path | None,
                     max_runs: int | None) -> None:
    s = settings()
    sites = load_sites(sites_file or s.sites_file)
    if not sites:
        raise CrawlError(_("no [[site]] in {path}; add one and run again.").format(path=sites_file or s.sites_file))
    state = state_dir or s.state_dir
    index = index_dir or s.index_dir

    def run_site(site: Site) -> CrawlStats:
        return crawl([site], state, index, notice=_notice)

    def log(msg: str) -> None:
        click.echo(msg, err=True)

    names = _(", ").join(_("{site} every {interval}").format(site=x.name, interval=x.every) for x in sites)
    log(_("Scheduling {sites}. Stop with Ctrl-C.").format(sites=names))
    try:
        Scheduler(sites, run_site, log=log).run(max_runs)
    except KeyboardInterrupt:
        log(_("Stopped."))


# -- demo ----------------------------------------------------------------------------------------


def demo_site_definition(sites_file: Path | None = None) -> Site:
    """The "demo" entry of the sites file, or the built-in one when there is none."""
    path = sites_file or settings().sites_file
    if path.is_file():
        for site in load_sites(path):
            if site.name == "demo":
                return site
    return Site(name="demo", start_urls=(f"http://127.0.0.1:{DEMO_SITE_PORT}/",), allowed_domains=("127.0.0.1",),
                delay_seconds=0.0, max_pages=5000, max_depth=8, every="1d")


def _serves_sample_site(url: str, site_dir: Path) -> bool:
    """True when `url` answers with our bundled sample site (another `gongkai demo` is running)."""
    try:
        r = httpx.get(url + "MANIFEST.json", timeout=3.0)
    except httpx.HTTPError:
        return False
    return r.status_code == 200 and r.content == (site_dir / "MANIFEST.json").read_bytes()


def demo_state_dir(index: Path) -> Path:
    """The demo's crawl state: beside its index (the search page shows its archive)."""
    return index.resolve().parent / "crawler" / "state"


def run_demo(*, index_dir: Path | None = None, echo: Callable[[str], None] = print,
             then: Callable[[], None] | None = None) -> CrawlStats:
    """Serve the sample site on localhost and crawl it into the index; then call `then` (the CLI serves
    the search page there) while the sample site is still up, so its 原文 links work."""
    try:
        from gongkai.demo import SITE_DIR
    except ImportError:
        raise CrawlError(_("the bundled sample site (gongkai.demo) is missing; reinstall gongkai.")) from None
    index = index_dir or settings().index_dir
    state = demo_state_dir(index)
    site = demo_site_definition()
    wanted = urlsplit(site.start_urls[0]).port or DEMO_SITE_PORT
    site_url = f"http://127.0.0.1:{wanted}/"
    # The stored URLs name this port, so the sample site is served on it and nowhere else: a crawl
    # through another port would rewrite every stored URL to a port that closes when the demo ends.
    server: SiteServer | contextlib.nullcontext[None]
    try:
        server = SiteServer(SITE_DIR, "127.0.0.1", wanted)
    except OSError:
        if not _serves_sample_site(site_url, SITE_DIR):
            raise CrawlError(_("port {port} (the sample site's, from the demo entry of the sites file) is taken by "
                               "another program: stop it and run `gongkai demo` again, or give the demo entry "
                               "another port in {path}.").format(port=wanted, path=settings().sites_file)) from None
        server = contextlib.nullcontext()  # another `gongkai demo` serves it: crawl through that one
    with server:
        site = dataclasses.replace(site, start_urls=(site_url,), allowed_domains=("127.0.0.1",))
        with StateStore(state) as store:
            # Pages of an earlier demo run on another port are not on this site any more.
            store.retire_other_urls(site.name, site_url)
        echo(_("Sample site at {url}; crawling it into {index} (state in {state}) …").format(
            url=site_url, index=index, state=state))
        stats = crawl([site], state, index)
        echo(summary_line(stats, 1))
        if then is None:
            echo(_("Try:"))
            echo(DEMO_EXAMPLES)
            return stats
        then()
    return stats
