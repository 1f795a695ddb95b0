"""Keeping the message catalogues (development and build time only; needs Babel, never imported at run time).

    python scripts/i18n.py extract   # find every message in src/ (Python and templates), update both .po files
    python scripts/i18n.py compile   # .po -> .mo (scripts/setup and the package build do this)
    python scripts/i18n.py check     # what tests/test_i18n.py asserts: every message in both catalogues

The compiled ``.mo`` files are built, not committed: ``scripts/setup`` compiles them, and so does the
package build (``setup.py``), so ``pip install`` ships them. Eight sessions add messages at once, and
text ``.po`` files merge where binary ``.mo`` files cannot.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from gongkai.i18n import CATALOGUE_FOLDERS, DOMAIN, LANGUAGES, LOCALE_DIR

SOURCE_DIR = Path(__file__).parent
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
METHOD_MAP = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS_MAP = {"**/templates/**.html": {"trimmed": "true"}}


@dataclass(frozen=True)
class Message:
    id: str | tuple[str, str]
    locations: tuple[tuple[str, int], ...]


def po_path(language: str) -> Path:
    return LOCALE_DIR / CATALOGUE_FOLDERS[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=1)
def extract() -> dict[str | tuple[str, str], Message]:
    """Every message of the sources: id (or (singular, plural)) -> where it occurs."""
    found: dict[str | tuple[str, str], list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        SOURCE_DIR, METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        key: Any = message if isinstance(message, str) else (message[0], message[1])
        if not key or key == ("", ""):
            continue
        found.setdefault(key, []).append((filename, lineno))
    return {k: Message(k, tuple(v)) for k, v in found.items()}


def load(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN)
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def _save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=110, sort_output=True, omit_header=False, include_previous=False)
    path.write_bytes(buf.getvalue())


def update() -> dict[str, list[str]]:
    """Bring both catalogues to the messages of the sources: new ids added (English: worded as the id;
    Chinese: left empty for a translator, which `check` reports), ids gone from the sources removed.
    Returns, per language, the ids that still need a translation."""
    messages = extract()
    todo: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        old = load(lang)
        new = Catalog(locale=lang, domain=DOMAIN, project="gongkai", charset="utf-8")
        for key, msg in messages.items():
            previous = old.get(key)
            string: Any = previous.string if previous is not None else ""
            if not _filled(string) and lang == "en":
                string = key  # English ids are English wording
            new.add(key, string, locations=msg.locations)
        _save(new, po_path(lang))
        todo[lang] = [_id_text(m.id) for m in new if m.id and not _filled(m.string)]
    return todo


def _filled(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


def _id_text(key: Any) -> str:
    return key if isinstance(key, str) else key[0]


def compile_all(languages: Iterable[str] = LANGUAGES) -> list[Path]:
    written = []
    for lang in languages:
        catalog = load(lang)
        mo = po_path(lang).with_suffix(".mo")
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        if not mo.exists() or mo.read_bytes() != buf.getvalue():
            mo.write_bytes(buf.getvalue())
        written.append(mo)
    return written


def problems() -> list[str]:
    """What is wrong with the catalogues, one line each (empty: all good)."""
    messages = extract()
    out = []
    for lang in LANGUAGES:
        catalog = load(lang)
        have = {m.id: m for m in catalog if m.id}
        for key, msg in messages.items():
            entry = have.get(key)
            where = "{}:{}".format(*msg.locations[0])
            if entry is None:
                out.append(f"{lang}: missing {_id_text(key)!r} ({where}) — run `python scripts/i18n.py extract`")
            elif not _filled(entry.string) or entry.fuzzy:
                out.append(f"{lang}: untranslated {_id_text(key)!r} ({where})")
        for old_key in have:
            if old_key not in messages:
                out.append(f"{lang}: obsolete {_id_text(old_key)!r} — run `python scripts/i18n.py extract`")
    return out
