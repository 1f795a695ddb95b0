"""Messages in the reader's language: gettext catalogues, Chinese (zh_CN) by default, then English.

Every user-facing string goes through this module::

    from gongkai.i18n import _, N_, ngettext

    raise UsageError(_("unknown sort {sort!r}; use relevance, newest or oldest.").format(sort=sort))
    LABELS = {"requests": N_("New requests")}   # marked for the catalogue, translated where shown:
    label = _(LABELS[key])

Message ids are English (the gettext convention: one source language, and translators' tools expect
it); ``locale/zh_Hans_CN/LC_MESSAGES/gongkai.po`` (Babel's name for zh_CN) translates them into Chinese and
``locale/en/LC_MESSAGES/gongkai.po`` holds the English wording (so it can be edited without touching
code). ``scripts/i18n`` extracts (Babel) and compiles; ``tests/test_i18n.py`` fails when a message
is missing from either catalogue or a template or message bypasses them.

The language: ``use_language()`` (the CLI's ``--lang``, the web's per-request choice) for the
current context, else the environment — ``GONGKAI_LANG``, then ``LC_ALL``, ``LC_MESSAGES``,
``LANG`` as POSIX orders them: ``zh*`` is Chinese, ``en*``, ``C`` and ``POSIX`` are English,
anything else (or nothing) is the default, Chinese. Keys meant for scripts (JSON field names,
section keys, type values, exit codes) are never translated.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "gongkai"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")  # the catalogues, default first
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}  # each in its own language, for switches
# Folders under locale/: Babel (and so Flask-Babel) names zh_CN by its script too, zh_Hans_CN.
CATALOGUE_FOLDERS = {"zh_CN": "zh_Hans_CN", "en": "en"}

_current: ContextVar[str | None] = ContextVar("gongkai_language", default=None)
_cache: dict[str, _gettext.NullTranslations] = {}


def normalize_language(value: str | None) -> str | None:
    """One of `LANGUAGES` for a locale or language name (zh_CN.UTF-8, zh-cn, zh, en_US, C), else None."""
    if not value:
        return None
    code = value.split(":")[0].split(".")[0].split("@")[0].strip().replace("-", "_").lower()
    if code.startswith("zh"):
        return "zh_CN"
    if code.startswith("en") or code in ("c", "posix"):
        return "en"
    return None


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for name in ("GONGKAI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return normalize_language(value) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return _current.get() or language_from_env()


def set_language(language: str | None) -> None:
    """Use `language` (None: the environment's) for the rest of this context (the CLI's ``--lang``)."""
    _current.set(normalize_language(language) if language else None)


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Messages in `language` inside the block (a web request, a test); the language actually used."""
    token = _current.set(normalize_language(language) if language else None)
    try:
        yield current_language()
    finally:
        _current.reset(token)


def translations(language: str | None = None) -> _gettext.NullTranslations:
    lang = normalize_language(language) or current_language()
    found = _cache.get(lang)
    if found is None:
        # fallback: a checkout whose catalogues were not compiled yet (`scripts/i18n compile`) shows
        # the English ids rather than failing.
        found = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[CATALOGUE_FOLDERS[lang]], fallback=True)
        _cache[lang] = found
    return found


def _(message: str) -> str:
    """`message` in the current language."""
    return translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "mark only"
    """Mark `message` for the catalogue without translating it now (module-level tables)."""
    return message


def reset_cache() -> None:
    """Forget loaded catalogues (after `scripts/i18n compile` in a running process, in tests)."""
    _cache.clear()


def display_width(text: str) -> int:
    """Terminal columns `text` takes: Chinese characters (and other wide ones) take two, so that
    columns of translated labels line up."""
    return sum(2 if ord(ch) >= 0x1100 and not (0xFF61 <= ord(ch) <= 0xFFDC) else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` filled with spaces to `width` terminal columns (right: aligned right)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill
