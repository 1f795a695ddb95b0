"""The `gongkai` command line: parses options, calls the library, renders. Nothing else.

Every command catches `GongkaiError` once (``_errors``) and prints one line on stderr:
exit status 2 for usage errors (bad query, year, section), 1 for everything else.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from .cli_i18n import TranslatedCommand, TranslatedGroup, lang_option
from .config import settings
from .errors import GongkaiError, UsageError
from .i18n import N_, _, ngettext
from .vocabulary import section_label, type_label

F = TypeVar("F", bound=Callable[..., Any])
# Set by a command that only read and printed (``search``) once its answer is out (see ``main``).
_READ_ONLY_DONE = [False]
INDEXABLE = {".html", ".htm", ".shtml", ".xhtml", ".txt", ".text", ".pdf", ".docx"}


def _errors(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GongkaiError as e:
            click.echo(_("Error: {message}").format(message=e), err=True)
            sys.exit(e.exit_code)

    return wrapper  # type: ignore[return-value]


def index_option(fn: F) -> F:
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help=N_("Index folder (default: index/, or $GONGKAI_INDEX)."),
    )(fn)


def _index_dir(value: Path | None) -> Path:
    return value if value is not None else settings().index_dir


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` with what cannot be written as UTF-8 — lone surrogates, which is how Python hands over
    invalid UTF-8 bytes of the command line (surrogateescape) — replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _echo_json(data: Any) -> None:
    # Valid UTF-8 JSON whatever bytes came in: a query or path with invalid UTF-8 is not echoed raw.
    click.echo(clean_text(json.dumps(data, ensure_ascii=False, indent=2)))


class _QueryCommand(TranslatedCommand):
    """`search`: an argument such as `-shanghai` or `-收费` is an excluded query word. The command has no
    short options (its help is `--help`), so click passes such words through whole instead of reading the
    `h` of `-shanghai` as `-h`; `-h` alone still asks for help."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, ["--help" if a == "-h" else a for a in args])


class _LazyGroup(TranslatedGroup):
    """Commands defined beside their subsystems, imported only when used: `gongkai search` must
    start fast and need not load the crawler, the web framework or the statistics."""

    lazy = {
        "crawl": "gongkai.crawler.commands:crawl_command",
        "crawl-log": "gongkai.crawler.commands:crawl_log_command",
        "changes": "gongkai.crawler.changes:changes_command",
        "reindex": "gongkai.crawler.commands:reindex_command",
        "schedule": "gongkai.crawler.commands:schedule_command",
        "demo": "gongkai.web.commands:demo",
        "probe": "gongkai.crawler.sitecommands:probe_command",
        "sites": "gongkai.crawler.sitecommands:sites_group",
        "serve": "gongkai.web.commands:serve",
        "stats": "gongkai.stats.commands:stats",
        "init": "gongkai.backends.commands:init_command",
        "migrate": "gongkai.backends.commands:migrate_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, help=N_(
    """gongkai (公开): search Chinese government information-disclosure archives.

    Typical use: `gongkai crawl` (or `gongkai index PATH`), then `gongkai search 依申请公开`
    or `gongkai serve` for the web page. `gongkai demo` does all of it on the bundled sample site.
    """))
@click.version_option(package_name="gongkai")
@lang_option
def cli() -> None:
    pass


# -- index -----------------------------------------------------------------------------------------
def _iter_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in INDEXABLE:
                    yield f
        else:
            yield p


@cli.command("index", help=N_("""Index files and folders (HTML, TXT, PDF, DOCX).

    Re-running on the same files updates in place: unchanged files are skipped, changed files
    replace their old version. A file that cannot be read is reported and the run goes on.
    """))
@index_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=N_("Print counts and failures as JSON."))
@_errors
def index_cmd(index_dir: Path | None, paths: tuple[Path, ...], as_json: bool) -> None:
    from .backends import open_writer
    from .extract import extract_document
    from .models import document_id

    files = list(_iter_files(paths))
    counts = {"indexed": 0, "updated": 0, "unchanged": 0, "failed": []}
    failed: list[dict[str, str]] = counts["failed"]  # type: ignore[assignment]
    with open_writer(_index_dir(index_dir)) as ix, click.progressbar(
        files, label=_("indexing"), file=sys.stderr, show_pos=True,
        hidden=as_json or not sys.stderr.isatty(),
    ) as bar:
        for f in bar:
            source = str(f.resolve())
            try:
                data = f.read_bytes()
                raw_hash = hashlib.sha256(data).hexdigest()[:32]
                old = ix.stored_meta(document_id(source))
                if old is not None and old.get("raw_hash") == raw_hash:
                    counts["unchanged"] += 1  # type: ignore[operator]
                    continue
                doc = extract_document(source, data)
                status = ix.upsert(doc, source=source, raw_hash=raw_hash)
            except GongkaiError as e:
                failed.append({"path": str(f), "error": str(e)})
                continue
            except OSError as e:
                failed.append({"path": str(f), "error": _("cannot read the file: {reason}").format(
                    reason=e.strerror or e)})
                continue
            key = {"new": "indexed", "updated": "updated", "unchanged": "unchanged"}[status]
            counts[key] += 1  # type: ignore[operator]
    if as_json:
        _echo_json(counts)
        return
    click.echo(_("{indexed} indexed, {updated} updated, {unchanged} unchanged, {failed} failed").format(
        indexed=counts["indexed"], updated=counts["updated"], unchanged=counts["unchanged"], failed=len(failed)))
    for item in failed:
        click.echo(_("  failed: {path}: {error}").format(path=item["path"], error=item["error"]), err=True)


# -- search ----------------------------------------------------------------------------------------
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _terminal_snippet(snippet: str) -> str:
    parts = _MARK.split(snippet)
    out = []
    for i, part in enumerate(parts):
        text = html.unescape(part)
        out.append(click.style(text, fg="yellow", bold=True) if i % 2 else text)
    return "".join(out)


_FACET_NAMES = {"year": N_("Year"), "section": N_("Section"), "type": N_("Type"), "agency": N_("Agency")}


def _facet_line(facets: dict[str, dict[str, int]]) -> str:
    bits = []
    shown = {"section": section_label, "type": type_label}
    for name in ("year", "section", "type", "agency"):
        values = facets.get(name) or {}
        if values:
            label = shown.get(name, str)
            top = _(", ").join(f"{label(k)} ({v})" for k, v in list(values.items())[:6])
            bits.append(_("{facet}: {values}").format(facet=_(_FACET_NAMES[name]), values=top))
    return " | ".join(bits)


@cli.command("search", cls=_QueryCommand, context_settings={"ignore_unknown_options": True,
                                                            "help_option_names": ["--help"]}, help=N_(
    """Search the index. QUERY: words, OR, NOT, "a phrase", word*, field:value. Without a QUERY,
    list the documents that pass the filters, newest first.

    \b
    What a query means:
      依申请公开 信息处理费            both words, each anywhere in the document
                                      (title, any section, attachments)
      依申请公开 信息处理费 --within section   both words in one section
      复议 OR 诉讼                    either word
      申请 NOT 收费   (or -收费)       no 收费 anywhere in the document
      "政府信息公开工作"               the words next to each other, in order
      申请*   agency:青溪*            words (agency names) starting with 申请 (青溪)
      section:fees 收费 减免           both words in the fees section
      国发[2019]5号                   the documents with this 文号 (any brackets) first,
                                      then those citing it; not 国发〔2019〕4号

    \b
    Examples:
      gongkai search 依申请公开 --year 2019
      gongkai search '"政府信息公开" 行政复议' --section appeals
      gongkai search --type notice --published 2024-01..2024-03
      gongkai search 行政复议 --format csv --all > results.csv
    """))
@index_option
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@click.option("--within", type=click.Choice(["document", "section"]), default="document", show_default=True,
              help=N_("Where the words must meet: anywhere in a document, or all in one section."))
@click.option("--year", help=N_("A year (2017, 2017年) or a range (2015-2019, 2015-, -2015): the year a document "
                                "covers."))
@click.option("--published", help=N_("Publish date: a day, month or year (2024-03-31, 2024-03, 2024) or a range "
                                     "(2024-01-01..2024-03-31, 2024-01..2024-03, 2024-01.., ..2024-03)."))
@click.option("--section", help=N_("Only this section: overview, proactive, requests, fees, appeals, problems, "
                                    "other, or a Chinese alias such as 依申请公开 or 复议."))
@click.option("--agency", help=N_("Only documents of agencies whose name contains these words."))
@click.option("--type", "doc_type", help=N_("annual_report, notice, policy, interpretation, guide or other."))
@click.option("--status", type=click.Choice(["current", "withdrawn", "all"]), default="all", show_default=True,
              help=N_("current documents, withdrawn ones (已撤下: their page is gone), or all."))
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest", "date"]), default=None,
              help=N_("relevance (the default with a query), newest (the default without one; date means "
                      "the same) or oldest, by publish date."))
@click.option("--limit", type=int, default=10, show_default=True, help=N_("Documents per page."))
@click.option("--page", type=int, default=1, show_default=True, help=N_("Page of results."))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "jsonl"]), default="text",
              show_default=True, help=N_("csv and jsonl: one row per document (see the README for the columns)."))
@click.option("--all", "every", is_flag=True, help=N_("With --format csv or jsonl: every result, not one page."))
@click.option("--json", "as_json", is_flag=True, help=N_("The same as --format json."))
@_errors
def search_cmd(index_dir: Path | None, query: tuple[str, ...], within: str, year: str | None,
               published: str | None, section: str | None, agency: str | None, doc_type: str | None,
               status: str, sort: str | None, limit: int, page: int, fmt: str, every: bool, as_json: bool) -> None:
    from .backends import open_searcher
    from .index import SearchRequest, parse_published, parse_years
    from .index.segment import prefer_compiled

    prefer_compiled()  # a query and ten snippets: the compiled dictionary, not jieba-rs's (same words)
    if as_json:
        fmt = "json"
    if every and fmt not in ("csv", "jsonl"):
        raise UsageError(_("--all streams every result as rows: use it with --format csv or --format jsonl"))
    req = SearchRequest(query=clean_text(" ".join(query)), years=parse_years(year),
                        published=parse_published(published),
                        section=section, agency=agency, doc_type=doc_type, sort=sort, page=page, limit=limit,
                        within=within, status=status)
    with open_searcher(_index_dir(index_dir), one_search=True) as handle:
        if fmt in ("csv", "jsonl"):
            from .export import csv_export, jsonl_export

            records = handle.export(req, every=every)
            for line in (csv_export(records, bom=True) if fmt == "csv" else jsonl_export(records)):
                click.echo(clean_text(line), nl=False)
        else:
            result = handle.search(req)
            if fmt == "json":
                _echo_json(result)
            else:
                _print_results(result)
    _READ_ONLY_DONE[0] = True


def _print_results(result: dict[str, Any]) -> None:
    total = result["total"]
    shown = _(" for “{query}”").format(query=result["query"]) if result["query"] else ""
    order = {"newest": _(", newest first"), "oldest": _(", oldest first")}.get(result["sort"], "")
    click.echo(ngettext("{n} document{query}{order} (page {page} of {pages})",
                        "{n} documents{query}{order} (page {page} of {pages})", total).format(
        n=total, query=shown, order=order, page=result["page"], pages=result["pages"]))
    start = (result["page"] - 1) * result["limit"]
    for i, r in enumerate(result["results"], start + 1):
        click.echo()
        badge = (" " + _("[withdrawn {date}]").format(date=r["withdrawn"])) if r.get("status") == "withdrawn" else ""
        click.echo(click.style(f"{i:>3}. {r['title'] or _('(untitled)')}{badge}", bold=True))
        meta = " · ".join(str(x) for x in (r["agency"], type_label(r["type"]), r["year"],
                                            r["published"], r["doc_no"]) if x)
        click.echo(f"     {meta} · id {r['id']}")
        for s in r["sections"] if result["query"] else r["sections"][:1]:
            # an untitled opening paragraph has no label: its key (overview) is no heading of the text
            head = f"{s['number']}、{s['heading']}" if s["number"] else s["heading"]
            click.echo(f"     [{head}] {_terminal_snippet(s['snippet'])}" if head else
                       f"     {_terminal_snippet(s['snippet'])}")
        if r["url"]:
            click.echo(f"     {r['url']}")
    if total:
        click.echo()
        click.echo(_facet_line(result["facets"]))


@cli.command("show", help=N_("Print one document (by the id `gongkai search` shows) with its metadata and sections."))
@index_option
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the document as JSON."))
@_errors
def show_cmd(index_dir: Path | None, doc_id: str, as_json: bool) -> None:
    from .backends import get_document

    doc = get_document(_index_dir(index_dir), doc_id)
    if as_json:
        _echo_json(doc.to_record())
        return
    click.echo(click.style(doc.title or _("(untitled)"), bold=True))
    if doc.withdrawn:
        click.echo(_("Withdrawn: its page has been gone since {date}").format(date=doc.withdrawn))
    for label, value in ((N_("Agency"), doc.agency), (N_("Type"), type_label(doc.doc_type)), (N_("Year"), doc.year),
                         (N_("Published"), doc.published), (N_("Index no."), doc.index_no),
                         (N_("Document no."), doc.doc_no), (N_("Topic"), doc.topic), (N_("URL"), doc.url)):
        if value:
            click.echo(_("{label}: {value}").format(label=_(label), value=value))
    for a in doc.attachments:
        click.echo(_("{label}: {value}").format(label=_("Attachment"), value=f"{a.name or a.kind} {a.url}"))
    for s in doc.sections:
        click.echo()
        head = f"{s.number}、{s.heading}" if s.number else s.heading
        click.echo(click.style(f"{head} [{section_label(s.key)}]" if head else f"[{_('Preamble')}]", bold=True))
        click.echo(s.text)


@cli.command("info", help=N_("Show what an index holds and which analyzer built it."))
@index_option
@click.option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
@_errors
def info_cmd(index_dir: Path | None, as_json: bool) -> None:
    from .backends import index_info

    data = index_info(_index_dir(index_dir))
    if as_json:
        _echo_json(data)
    else:
        for k, v in data.items():
            click.echo(f"{k}: {v}")


def main() -> None:  # pragma: no cover - the console entry point (tests call ``cli`` itself)
    """``gongkai``: the command group, then, after a read-only command that succeeded, an exit without
    the interpreter's teardown. Freeing a search's arrays, mapped files and modules one by one took
    20 ms of a 0.33 s `gongkai search` at a million sections; such a command has written nothing."""
    try:
        cli()
    except SystemExit as e:
        if e.code in (0, None) and _READ_ONLY_DONE[0]:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):
                raise e from None  # (a closed pipe: the ordinary exit reports it)
            os._exit(0)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
