"""`gongkai changes`: the documents added, changed, withdrawn and restored, newest first.

`list_changes` reads the archive's document history (`gongkai.crawler.archive`) and describes each
event with the document as it read then: its title, and for a change what differs from the version
before (metadata fields, "text", "attachments"; `gongkai.diff.what_changed`). The web's feeds use
the same records.
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any

import click

from gongkai.cli import _errors
from gongkai.cli_i18n import TranslatedCommand
from gongkai.config import settings
from gongkai.crawler.archive import Archive, Event, day, iso_time
from gongkai.crawler.sites import parse_interval
from gongkai.diff import what_changed
from gongkai.errors import CrawlError
from gongkai.i18n import N_, _, display_width, pad
from gongkai.vocabulary import change_list, event_label


def describe(archive: Archive, e: Event) -> dict[str, Any]:
    """One event as `gongkai changes --json` prints it."""
    current = archive.doc_at(e.doc_id, e.id)
    doc = current[1] if current else {}
    rec: dict[str, Any] = {"event_id": e.id, "date": day(e.at), "at": iso_time(e.at), "event": e.event, "id": e.doc_id,
                           "site": e.site, "title": doc.get("title") or "", "url": e.url,
                           "version": current[0] if current else None}
    if e.event == "changed":
        before = archive.doc_at(e.doc_id, e.id - 1)
        rec["previous"] = before[0] if before else None
        rec["changed"] = what_changed(before[1], doc) if before else []
    if e.event == "restored":
        rec["withdrawn"] = e.detail.get("withdrawn")
    return rec


def list_changes(archive: Archive, *, since: float | None = None, site: str | None = None,
                 doc_ids: list[str] | None = None, limit: int = 100) -> list[dict[str, Any]]:
    return [describe(archive, e) for e in archive.events(since=since, site=site, doc_ids=doc_ids, limit=limit)]


def parse_since(value: str, now: float | None = None) -> float:
    """A day (2026-03-01, from its local midnight) or a time ago (7d, 12h) as a timestamp."""
    text = value.strip()
    try:
        d = datetime.date.fromisoformat(text)
        return time.mktime(d.timetuple())
    except ValueError:
        pass
    try:
        return (now if now is not None else time.time()) - parse_interval(text)
    except ValueError:
        raise click.BadParameter(_("{value!r} is neither a day (2026-03-01) nor a time ago (7d, 12h, 30m)").format(
            value=value)) from None


@click.command("changes", cls=TranslatedCommand, help=N_(
    "List documents added, changed, withdrawn and restored by past crawls, newest first."))
@click.option("--state", "state_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=N_("Crawl state folder (default: crawler/state/, or $GONGKAI_STATE)."))
@click.option("--since", default=None,
              help=N_("Only events from this day (2026-03-01) or this long ago (7d, 12h)."))
@click.option("--site", "site_name", default=None, help=N_("Only documents of this site (its name in the sites file)."))
@click.option("--limit", type=click.IntRange(min=1, max=10000), default=100, show_default=True,
              help=N_("Number of events."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
@_errors
def changes_command(state_dir: Path | None, since: str | None, site_name: str | None, limit: int,
                    as_json: bool) -> None:
    from gongkai.crawler.state import DB_NAME, StateStore

    state = state_dir or settings().state_dir
    if not (state / DB_NAME).is_file():
        raise CrawlError(_("no crawl state at {path} — run `gongkai crawl` first (or pass --state DIR).").format(
            path=state))
    start = parse_since(since) if since else None
    with StateStore(state) as store:
        rows = list_changes(store.archive, since=start, site=site_name, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(_("No changes since {since}.").format(since=since) if since else _("No changes yet."))
        return
    labels = {r["event"]: event_label(r["event"]) for r in rows}
    width = max(display_width(label) for label in labels.values())
    for r in rows:
        what = r["event"]
        title = r["title"] or _("(untitled)")
        if what == "changed" and r["changed"]:
            title = _("{title} ({fields})").format(title=title, fields=change_list(r["changed"]))
        elif what == "restored" and r.get("withdrawn"):
            title = _("{title} (withdrawn since {date})").format(title=title, date=r["withdrawn"])
        click.echo(f"{r['date']}  {pad(labels[what], width)}  {r['site']:<10} {title}")
        click.echo(f"{'':12}id {r['id']}  {r['url']}")
