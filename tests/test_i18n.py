"""The message catalogues: every message of the sources in both, the language chosen as documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from gongkai import catalogues, i18n


def test_every_message_is_in_both_catalogues() -> None:
    problems = catalogues.problems()
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} in all; python scripts/i18n.py extract)"


def test_compiled_catalogues_are_current() -> None:
    # The .mo files are built from the .po files (scripts/setup, the package build); a stale one
    # would show old wording.
    import io

    from babel.messages.mofile import write_mo

    for lang in i18n.LANGUAGES:
        po = catalogues.po_path(lang)
        buf = io.BytesIO()
        write_mo(buf, catalogues.load(lang), use_fuzzy=False)
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.read_bytes() == buf.getvalue(), "run `python scripts/i18n.py compile`"


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "zh_CN"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
    ({"LANG": "de_DE.UTF-8"}, "zh_CN"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),
    ({"LANG": "C", "GONGKAI_LANG": "zh"}, "zh_CN"),
])
def test_language_from_environment(env: dict[str, str], expected: str) -> None:
    assert i18n.language_from_env(env) == expected


def test_use_language_switches_messages() -> None:
    with i18n.use_language("en"):
        assert i18n._("Error: {message}") == "Error: {message}"
    with i18n.use_language("zh_CN"):
        assert i18n._("Error: {message}") == "错误：{message}"


TEMPLATE_DIRS = [catalogues.SOURCE_DIR / "web" / "templates", catalogues.SOURCE_DIR / "stats" / "templates"]
_JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)
_WORDS = re.compile(r"[A-Za-z\u3400-\u9fff]{2,}|[\u3400-\u9fff]")
_TEXT_ATTRS = re.compile(r"""\b(title|placeholder|aria-label|alt|label)=(["'])(.*?)\2""", re.S)


def _untranslated(template: str) -> list[str]:
    """Words of a template a reader would see that do not come through `_()`: text between tags and
    the values of attributes that are read out or shown."""
    found = []
    for match in _TEXT_ATTRS.finditer(template):
        found += _WORDS.findall(_JINJA.sub(" ", match.group(3)))
    text = _JINJA.sub(" ", template)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    found += [w for w in _WORDS.findall(text) if w.lower() != "doctype"]
    return found


@pytest.mark.parametrize("path", sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html")), ids=lambda p: p.name)
def test_templates_show_no_text_outside_the_catalogue(path: Path) -> None:
    assert _untranslated(path.read_text(encoding="utf-8")) == []


def test_the_template_check_finds_text() -> None:
    assert _untranslated('<p title="说明">{{ _("Search") }} 搜索 more</p>') == ["说明", "搜索", "more"]
    assert _untranslated('<p title="{{ _(\'x\') }}">{{ n }} · {% if a %}{{ _("b") }}{% endif %}</p>') == []


# -- Python: messages handed to the user without the catalogue ----------------------------------------

_WORDY = re.compile(r"[A-Za-z]{3,}|[\u3400-\u9fff]")
_ERRORS = {name for name in dir(__import__("gongkai.errors", fromlist=["*"])) if name.endswith("Error")} | {
    "NotFound", "UsageError", "BadParameter", "ClickException"}
# Calls whose first argument is shown to the user: click's output, a parameter's failure, the crawl's notices.
_SHOWN = ("echo", "secho", "style", "fail", "notice", "_on_wait", "on_wait")


def _literal_text(node: ast.AST) -> str:
    """The text a literal (a string or an f-string's constant parts, joined) shows by itself."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp):  # "a" + "b", "x %s" % y
        return _literal_text(node.left) + " " + _literal_text(node.right)
    return ""


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def untranslated_messages(source: str, filename: str = "<src>") -> list[str]:
    """User-facing literals not passed through the catalogue: an error's message, `click.echo` text,
    a click help text, a `self.fail` message, a crawl notice."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        candidates: list[ast.AST] = []
        if name in _ERRORS or name in _SHOWN and node.args:
            candidates = node.args[:1]
        candidates += [k.value for k in node.keywords if k.arg in ("help", "label", "message")]
        for arg in candidates:
            text = _literal_text(arg)
            if _WORDY.search(text):
                found.append(f"{filename}:{node.lineno}: {text[:70]!r}")
    return found


def test_the_python_check_finds_messages() -> None:
    code = ('raise UsageError(f"bad {x}")\nraise UsageError(_("bad {x}").format(x=x))\nclick.echo("Done.")\n'
            'click.echo(f"{n}. {title}")\nclick.option("--a", help="Some help.")\nclick.option("--b", help=N_("ok"))\n')
    assert untranslated_messages(code) == ["<src>:1: 'bad '", "<src>:3: 'Done.'", "<src>:5: 'Some help.'"]


# Modules whose messages are for developers or operators' logs only, never shown to a gongkai user.
_NOT_USER_FACING = {"bench.py", "bench_opensearch.py", "bench_tantivy.py", "catalogues.py", "cluster.py"}  # cluster.py: scripts/opensearch


def test_python_messages_go_through_the_catalogue() -> None:
    found = []
    for path in sorted(catalogues.SOURCE_DIR.rglob("*.py")):
        if path.name in _NOT_USER_FACING:
            continue
        rel = path.relative_to(catalogues.SOURCE_DIR)
        found += untranslated_messages(path.read_text(encoding="utf-8"), str(rel))
    assert not found, "\n".join(found[:60]) + f"\n({len(found)} in all: wrap them in _() and run scripts/i18n.py)"
