"""The `gongkai stats` command: annual-report figures from the index, per report, checked.

The lead registers it at the bottom of `gongkai.cli` (after `_errors`, `index_option`, `_index_dir`
exist, which this module imports)::

    from gongkai.stats.commands import stats as stats_command
    cli.add_command(stats_command)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gongkai.cli import _errors, _index_dir, index_option
from gongkai.cli_i18n import TranslatedCommand
from gongkai.i18n import N_, _

from .report import (
    check_counts,
    check_csv,
    check_report,
    check_summary,
    stats_rows,
    to_csv,
    to_json,
    to_table,
)


@click.command("stats", cls=TranslatedCommand, help=N_(
    """Statistics of the annual reports in the index: one row per report.

    Figures are read at index time from the 2019+ template tables (every row and column of
    sections 二, 三 and 四) or from the sentences of old-outline reports.

    \b
    Examples:
      gongkai stats --agency 青溪区 --year 2019-2023
      gongkai stats --year 2022 --format csv > 2022.csv
      gongkai stats --check
    """))
@index_option
@click.option("--agency", help=N_("Only agencies whose name contains these words."))
@click.option("--year", help=N_("A year (2019) or a range (2019-2023): the year a report covers."))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help=N_("table: the main totals per report; csv and json: every figure (json with its source text)."))
@click.option("--check", is_flag=True,
              help=N_("List the reports whose figures fail a check (e.g. 一 + 二 ≠ 三(七) + 四) or were not read, and "
                      "why, then per check how many reports it checked, passed, failed and could not check; exit "
                      "status 1 when any fails."))
@_errors
def stats(index_dir: Path | None, agency: str | None, year: str | None, fmt: str, check: bool) -> None:
    from gongkai.backends import open_searcher
    from gongkai.index import parse_years

    years = parse_years(year)
    with open_searcher(_index_dir(index_dir)) as handle:
        rows = stats_rows(handle, agency=agency, years=years)
    if check:
        failing = [r for r in rows if r["failed"]]
        if fmt == "json":
            click.echo(to_json({"checks": check_counts(rows),
                                "failing": [{k: r[k] for k in ("id", "agency", "year", "title", "url", "failed")}
                                            for r in failing]}))
        elif fmt == "csv":
            click.echo(check_csv(failing), nl=False)
        else:
            if failing:
                click.echo(check_report(failing))
                click.echo()
            click.echo(check_summary(rows))
            with_figures = sum(1 for r in rows if r["template"])
            unread = sum(1 for r in rows if r["unread"])
            click.echo(_("{failing} of {total} reports fail a check ({with_figures} with figures, "
                         "{unread} with figures not read).").format(
                failing=len(failing), total=len(rows), with_figures=with_figures, unread=unread), err=True)
        if failing:
            sys.exit(1)
        return
    if fmt == "json":
        click.echo(to_json(rows))
    elif fmt == "csv":
        click.echo(to_csv(rows), nl=False)
    elif not rows:
        click.echo(_("No annual reports match.") if agency or year else
                   _("No annual reports in the index — run `gongkai index PATH` or `gongkai crawl` first."))
    else:
        click.echo(to_table(rows))
