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
from gongkai.cli_i18n import TranslatedCommand, TranslatedGroup
from gongkai.config import settings
from gongkai.crawler.probe import PROBE_DELAY, ProbeResult, default_name, probe, site_entry
from gongkai.crawler.request import describe
from gongkai.crawler.sites import load_sites
from gongkai.errors import ConfigError, CrawlError, StorageError
from gongkai.i18n import N_, _, ngettext

SHOWN = 10  # items and next requests listed in the text output (--json has them all)

_delay_opt = click.option("--delay", type=click.FloatRange(min=0), default=PROBE_DELAY, show_default=True,
                          help=N_("Seconds between two requests to the site."))
_platform_opt = click.option("--platform", default=None,
                             help=N_("Read the lists with this platform loader instead of detecting it."))


@click.command("probe", cls=TranslatedCommand, help=N_(
    """Show what a crawl starting at URL would find, with a few polite requests.

    Prints the page's role, the platform detected, the items of the first list page with their
    titles and dates, the total the list reports, the next requests the crawl would make, and how
    the first article extracts (title, agency, date, type). robots.txt is obeyed.
    """))
@click.argument("url")
@_delay_opt
@_platform_opt
@click.option("--json", "as_json", is_flag=True, help=N_("Print the findings as JSON."))
@_errors
def probe_command(url: str, delay: float, platform: str | None, as_json: bool) -> None:
    result = probe(url, delay=delay, platform=platform)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(render(result))


def _row(label: str, text: str) -> str:
    # labels padded to one column in the terminal (CJK characters take two columns)
    width = sum(2 if ord(c) > 0x2E7F else 1 for c in label)
    return label + " " * max(1, 10 - width) + text


def render(r: ProbeResult) -> str:
    out = [_row(_("URL"), r.url), _row(_("Page"), f"{r.role}: {r.role_reason}")]
    out.append(_row(_("Platform"), f"{r.platform}: {r.platform_reason}" if r.platform else
                    _("none detected (plain links and pagination)")))
    total = _(" (the list reports {total})").format(total=r.total) if r.total is not None else ""
    out.append(_row(_("Items"), _("{n} found{total}").format(n=len(r.items), total=total) + (":" if r.items else "")))
    for i in r.items[:SHOWN]:
        out.append(f"  {i.published or '----------'}  {i.title or _('(untitled)')}  {i.url}")
    if len(r.items) > SHOWN:
        out.append(_("  … and {n} more (--json lists them all)").format(n=len(r.items) - SHOWN))
    out.append(_row(_("Next"), ngettext("{n} request", "{n} requests", len(r.next)).format(n=len(r.next))
                    + (":" if r.next else "")))
    for n in r.next[:SHOWN]:
        out.append(f"  {describe(n.key)}")
    if len(r.next) > SHOWN:
        out.append(_("  … and {n} more").format(n=len(r.next) - SHOWN))
    s = r.sample
    if s is None:
        out.append(_row(_("Sample"), _("none (no article to try)")))
    elif s.get("error"):
        out.append(_row(_("Sample"), s["url"]) + "\n  " + _("could not be read: {error}").format(error=s["error"]))
    else:
        out.append(_row(_("Sample"), s["url"]))
        for key in ("title", "agency", "published", "type"):
            out.append(f"  {key:<10}{s[key] or _('(none)')}")
    if not r.crawlable:
        out.append(_("Nothing for a crawl here: no list items and no list requests. Try the column (list) page "
                     "that shows the articles."))
    out.append(_("({n} requests to the site, robots.txt obeyed)").format(n=r.requests))
    return "\n".join(out)


@click.group("sites", cls=TranslatedGroup, help=N_("Manage the sites file (crawler/sites.toml)."))
def sites_group() -> None:
    pass


@sites_group.command("add", help=N_("Probe URL and append a checked [[site]] entry for it to the sites file."))
@click.argument("url")
@click.option("--name", default=None, help=N_("The site's name (default: from the host name)."))
@click.option("--sites", "sites_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=N_("Site definitions (default: crawler/sites.toml, or $GONGKAI_SITES)."))
@_delay_opt
@_platform_opt
@_errors
def sites_add_command(url: str, name: str | None, sites_file: Path | None, delay: float,
                      platform: str | None) -> None:
    path = sites_file or settings().sites_file
    existing = load_sites(path) if path.is_file() else []
    names = {s.name for s in existing}
    if name is not None and name in names:
        raise ConfigError(_("{path} already has a site named {name!r}; choose another --name.").format(path=path, name=name))
    result = probe(url, delay=delay, platform=platform)
    for s in existing:
        if result.url in s.start_urls:
            raise ConfigError(_("{url} is already a start URL of site {name!r} in {path}.").format(url=result.url, name=s.name, path=path))
    if not result.crawlable:
        raise CrawlError(_("{url} shows no articles and no list requests ({role}: {role_reason}); nothing was added. Give the column page that lists the articles (see `gongkai probe URL`).").format(url=result.url, role=result.role, role_reason=result.role_reason))
    name = name or default_name(result.url, names)
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    entry = site_entry(result, name, delay)
    _write_checked(path, old + ("\n" if old and not old.endswith("\n\n") else "") + entry)
    found = _("{n} items on the first list page").format(n=len(result.items)) + (
        _(" of {total}").format(total=result.total) if result.total is not None else "")
    how = _("platform {name}").format(name=result.platform) if result.platform else _("no platform (plain links)")
    click.echo(_("Added site {name!r} to {path} ({how}, {found}).\nCrawl it: gongkai crawl --site {name}").format(name=name, path=path, how=how, found=found))


def _write_checked(path: Path, text: str) -> None:
    """Write the sites file only if the whole new file loads; atomically, so it is never half-written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sites-", suffix=".toml", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise StorageError(_("cannot write {path}: {value}; nothing was changed.").format(path=path, value=e.strerror or e)) from None
    try:
        load_sites(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
