"""The command line in the reader's language: translated help texts, click's own words, ``--lang``.

Help texts are written as message ids (``help=N_("…")``) and translated when help is shown, not when
the command is defined: ``gongkai --lang en search --help`` works although the commands were built
before ``--lang`` was read. Use `TranslatedCommand` (``@click.command(cls=TranslatedCommand)``);
commands added to the ``gongkai`` group get it by default.

click itself says "Usage:", "Options", "Error: …" through the standard ``gettext`` module of the
process-wide domain, which would follow only the environment and default to English; its modules'
``_``/``ngettext`` are pointed at `gongkai.i18n` (the words are in our catalogues, listed below).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from gongkai.i18n import N_, _, ngettext, set_language

# click's messages that a gongkai user meets (help layout and usage errors); catalogued with ours.
CLICK_MESSAGES = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."), N_("Show the version and exit."),
    N_("default: {default}"), N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("Missing argument"), N_("Missing option"),
    N_("Missing parameter"), N_("Missing argument '{param_name}'."), N_("Missing option '{param_name}'."),
    N_("Missing parameter: {param_name}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"), N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."), N_("Option {name!r} requires an argument."),
    N_("Option {name!r} does not take a value."), N_("{value!r} is not {choice}."),
    N_("{value!r} is not one of {choices}."), N_("Aborted!"), N_("Missing command."),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("file"), N_("directory"), N_("path"),
    N_("%(prog)s, version %(version)s"), N_("No such option: {name}"),
)


def _click_plurals() -> None:  # pragma: no cover - never called: marks click's plural messages for the extractor
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)


def install_click_translations() -> None:
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.exceptions, click.formatting, click.decorators, click.types, click.parser):
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def _tr(text: str | None) -> str | None:
    return _(text) if text else text


@contextlib.contextmanager
def translated(command: click.Command, params: bool = True) -> Iterator[None]:
    """The command's (and its options') help in the current language while help is formatted."""
    saved: list[tuple[Any, str, Any]] = [(command, "help", command.help), (command, "short_help", command.short_help)]
    if params:
        saved += [(p, "help", getattr(p, "help", None)) for p in command.params]
    try:
        for obj, attr, value in saved:
            if isinstance(value, str):
                setattr(obj, attr, _(value))
        yield
    finally:
        for obj, attr, value in saved:
            setattr(obj, attr, value)


class TranslatedCommand(click.Command):
    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(self):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated(self, params=False):
            return super().get_short_help_str(limit)


class TranslatedGroup(click.Group):
    command_class = TranslatedCommand

    def main(self, *args: Any, **kwargs: Any) -> Any:
        set_language(None)  # each run starts from the environment (tests run many in one process)
        install_click_translations()
        return super().main(*args, **kwargs)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(self):
            super().format_help(ctx, formatter)


def lang_option(fn: Any) -> Any:
    """``--lang zh|en`` on the group: the language of every message of this run (default: $LANG)."""

    def set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value:
            set_language(value)

    return click.option("--lang", type=click.Choice(["zh", "zh_CN", "en"]), default=None, expose_value=False,
                        is_eager=True, callback=set_lang,
                        help=N_("Language of messages: zh (default) or en; without it, $LANG decides."))(fn)
