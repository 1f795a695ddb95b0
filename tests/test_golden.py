"""Golden tests for extraction: every file in tests/fixtures/docs/ beside a hand-written JSON.

`name.html` (or .txt/.pdf/.docx) is extracted with `extract_document` and compared with
`name.json`. Only the keys present in the golden are checked, so a golden can leave out what
a document does not settle. Keys (see tests/fixtures/docs/README.md):

    url            source passed to the extractor (defaults to the fixture's file path)
    title, agency, topic              compared after NFKC and with all whitespace removed
    doc_type, year, published         compared exactly
    index_no, doc_no                  compared after NFKC (﹝﹞ and 〔〕 are the same after it)
    sections       list of {number, key, heading_contains?}; (number, key) pairs must match in order
    attachments    URLs of the attached files, as they resolve against the page URL (order ignored)
    contains / not_contains           phrases looked up in title + section texts (NFKC, no whitespace)

Text comparisons ignore whitespace and full-width/ASCII punctuation differences because
extractors may reflow lines and normalise punctuation; they must not lose or invent words.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).parent / "fixtures" / "docs"
FIXTURES = sorted(
    p
    for p in DOCS.iterdir()
    if p.is_file() and p.suffix not in {".json", ".md"} and not p.name.startswith(".")
)

DOC_TYPES = {"annual_report", "notice", "policy", "interpretation", "guide", "other"}
SECTION_KEYS = {"overview", "proactive", "requests", "fees", "appeals", "problems", "other"}
GOLDEN_KEYS = {
    "url",
    "title",
    "agency",
    "doc_type",
    "year",
    "published",
    "index_no",
    "doc_no",
    "topic",
    "sections",
    "attachments",
    "contains",
    "not_contains",
}
_WS = re.compile(r"\s+")


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def _squash(s: str) -> str:
    """NFKC without any whitespace: line breaks inside cells and stray spaces in titles do not count."""
    return _WS.sub("", unicodedata.normalize("NFKC", s))


def _golden(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def test_enough_fixtures() -> None:
    assert len(FIXTURES) >= 30, f"only {len(FIXTURES)} fixtures in {DOCS}"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_golden_is_well_formed(path: Path) -> None:
    """Checks the goldens themselves, so a typo in a JSON file fails loudly rather than silently."""
    assert path.with_suffix(".json").exists(), f"{path.name} has no golden {path.stem}.json"
    golden = _golden(path)
    assert set(golden) <= GOLDEN_KEYS, f"unknown keys {set(golden) - GOLDEN_KEYS}"
    if "doc_type" in golden:
        assert golden["doc_type"] in DOC_TYPES
    if golden.get("year") is not None:
        assert 2000 <= golden["year"] <= 2030
    if golden.get("published") is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", golden["published"])
    for s in golden.get("sections", []):
        assert set(s) <= {"number", "key", "heading_contains"}
        assert s["key"] in SECTION_KEYS
        assert re.fullmatch(r"[一二三四五六七八九十]*", s["number"])
    for url in golden.get("attachments", []):
        assert url.startswith("http"), url
    if path.suffix in {".html", ".htm"}:
        assert golden.get("url", "").startswith("http"), "HTML fixtures need a page URL to resolve links"


def _compare(golden: dict[str, Any], doc: Any) -> list[str]:
    problems: list[str] = []

    def check(key: str, got: Any, want: Any) -> None:
        if got != want:
            problems.append(f"{key}: got {got!r}, want {want!r}")

    for key in ("title", "agency", "topic"):
        if key in golden:
            check(key, _squash(getattr(doc, key) or ""), _squash(golden[key]))
    for key in ("doc_type", "year", "published"):
        if key in golden:
            check(key, getattr(doc, key), golden[key])
    for key in ("index_no", "doc_no"):
        if key in golden:
            check(key, _nfkc(getattr(doc, key) or ""), _nfkc(golden[key]))

    if "sections" in golden:
        got_pairs = [(s.number, s.key) for s in doc.sections]
        want_pairs = [(s["number"], s["key"]) for s in golden["sections"]]
        if got_pairs != want_pairs:
            headings = [(s.number, s.key, s.heading) for s in doc.sections]
            problems.append(f"sections: got {headings!r}, want {want_pairs!r}")
        else:
            for got, want in zip(doc.sections, golden["sections"], strict=True):
                needle = want.get("heading_contains")
                if needle and _squash(needle) not in _squash(got.heading):
                    problems.append(
                        f"section {want['number'] or '(preamble)'} heading {got.heading!r} lacks {needle!r}"
                    )

    if "attachments" in golden:
        check("attachments", sorted(a.url for a in doc.attachments), sorted(golden["attachments"]))

    text = _squash("\n".join([doc.title, *(s.text for s in doc.sections)]))
    for phrase in golden.get("contains", []):
        if _squash(phrase) not in text:
            problems.append(f"text lacks {phrase!r}")
    for phrase in golden.get("not_contains", []):
        if _squash(phrase) in text:
            problems.append(f"text contains page chrome or junk {phrase!r}")
    return problems


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_extraction_matches_golden(path: Path) -> None:
    from gongkai.extract import extract_document

    golden = _golden(path)
    source = golden.get("url", str(path))
    doc = extract_document(source, path.read_bytes())
    problems = _compare(golden, doc)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)
