"""Click commands for adding sites: `gongkai probe URL` and `gongkai sites add URL`.

Registered lazily on the `gongkai` group (``gongkai.cli``). Library code is in
`gongkai.crawler.probe`; this module parses options, renders and writes the sites file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from gongkai.cli import _errors
from gongkai.config import settings
from gongkai.crawler.probe import PROBE_DELAY, ProbeResult, default_name, probe, site_entry
from gongkai.crawler.request import describe
from gongkai.crawler.sites import load_sites
from gongkai.errors import ConfigError, CrawlError, StorageError

SHOWN = 10  # items and next requests listed in the text output (--json has them all)

_delay_opt = click.option("--delay", type=click.FloatRange(min=0), default=PROBE_DELAY, show_default=True,
                          help="Seconds between two requests to the site.")
_platform_opt = click.option("--platform", default=None,
                             help="Read the lists with this platform loader instead of detecting it.")


@click.command("probe")
@click.argument("url")
@_delay_opt
@_platform_opt
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@_errors
def probe_command(url: str, delay: float, platform: str | None, as_json: bool) -> None:
    """Show what a crawl starting at URL would find, with a few polite requests.

    Prints the page's role, the platform detected, the items of the first list page with their
    titles and dates, the total the list reports, the next requests the crawl would make, and how
    the first article extracts (title, agency, date, type). robots.txt is obeyed.
    """
    result = probe(url, delay=delay, platform=platform)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(render(result))


def render(r: ProbeResult) -> str:
    out = [f"URL       {r.url}", f"Page      {r.role}: {r.role_reason}"]
    out.append(f"Platform  {r.platform}: {r.platform_reason}" if r.platform else
               "Platform  none detected (plain links and pagination)")
    total = f" (the list reports {r.total})" if r.total is not None else ""
    out.append(f"Items     {len(r.items)} found{total}" + (":" if r.items else ""))
    for i in r.items[:SHOWN]:
        out.append(f"  {i.published or '----------'}  {i.title or '(no title)'}  {i.url}")
    if len(r.items) > SHOWN:
        out.append(f"  … and {len(r.items) - SHOWN} more (--json lists them all)")
    out.append(f"Next      {len(r.next)} request{'s' if len(r.next) != 1 else ''}" + (":" if r.next else ""))
    for n in r.next[:SHOWN]:
        out.append(f"  {describe(n.key)}")
    if len(r.next) > SHOWN:
        out.append(f"  … and {len(r.next) - SHOWN} more")
    s = r.sample
    if s is None:
        out.append("Sample    none (no article to try)")
    elif s.get("error"):
        out.append(f"Sample    {s['url']}\n  could not be read: {s['error']}")
    else:
        out.append(f"Sample    {s['url']}")
        for key in ("title", "agency", "published", "type"):
            out.append(f"  {key:<10}{s[key] or '(none)'}")
    if not r.crawlable:
        out.append("Nothing for a crawl here: no list items and no list requests. Try the column (list) page "
                   "that shows the articles.")
    out.append(f"({r.requests} requests to the site, robots.txt obeyed)")
    return "\n".join(out)


@click.group("sites")
def sites_group() -> None:
    """Manage the sites file (crawler/sites.toml)."""


@sites_group.command("add")
@click.argument("url")
@click.option("--name", default=None, help="The site's name (default: from the host name).")
@click.option("--sites", "sites_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Site definitions (default: crawler/sites.toml, or $GONGKAI_SITES).")
@_delay_opt
@_platform_opt
@_errors
def sites_add_command(url: str, name: str | None, sites_file: Path | None, delay: float,
                      platform: str | None) -> None:
    """Probe URL and append a checked [[site]] entry for it to the sites file."""
    path = sites_file or settings().sites_file
    existing = load_sites(path) if path.is_file() else []
    names = {s.name for s in existing}
    if name is not None and name in names:
        raise ConfigError(f"{path} already has a site named {name!r}; choose another --name.")
    result = probe(url, delay=delay, platform=platform)
    for s in existing:
        if result.url in s.start_urls:
            raise ConfigError(f"{result.url} is already a start URL of site {s.name!r} in {path}.")
    if not result.crawlable:
        raise CrawlError(f"{result.url} shows no articles and no list requests ({result.role}: {result.role_reason}); "
                         "nothing was added. Give the column page that lists the articles (see `gongkai probe URL`).")
    name = name or default_name(result.url, names)
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    entry = site_entry(result, name, delay)
    _write_checked(path, old + ("\n" if old and not old.endswith("\n\n") else "") + entry)
    found = f"{len(result.items)} items on the first list page" + (
        f" of {result.total}" if result.total is not None else "")
    how = f"platform {result.platform}" if result.platform else "no platform (plain links)"
    click.echo(f"Added site {name!r} to {path} ({how}, {found}).\nCrawl it: gongkai crawl --site {name}")


def _write_checked(path: Path, text: str) -> None:
    """Write the sites file only if the whole new file loads; atomically, so it is never half-written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sites-", suffix=".toml", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise StorageError(f"cannot write {path}: {e.strerror or e}; nothing was changed.") from None
    try:
        load_sites(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
