"""Golden tests for extraction: every file in tests/fixtures/docs/ beside a hand-written JSON.

`name.html` (or .txt/.pdf/.docx) is extracted with `extract_document` and compared with
`name.json` by `scripts/extraction_accuracy.py`'s comparison (the script prints the same comparison as
per-field accuracy). Only the keys present in the golden are checked, so a golden can leave out what
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
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import extraction_accuracy  # noqa: E402

DOCS = Path(__file__).parent / "fixtures" / "docs"
FIXTURES = extraction_accuracy.fixtures(DOCS)

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


def _golden(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def test_enough_fixtures() -> None:
    assert len(FIXTURES) >= 70, f"only {len(FIXTURES)} fixtures in {DOCS}"


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


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_extraction_matches_golden(path: Path) -> None:
    from gongkai.extract import extract_document

    golden = _golden(path)
    source = golden.get("url", str(path))
    doc = extract_document(source, path.read_bytes())
    problems = extraction_accuracy.compare(golden, doc)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_accuracy_script_reports_every_field_at_100_percent() -> None:
    result = extraction_accuracy.measure(DOCS)
    assert result["documents"] == len(FIXTURES)
    fields = result["fields"]
    assert set(fields) >= {"title", "agency", "published", "year", "type", "index_no", "doc_no", "sections",
                           "section keys"}
    assert {name: (c["right"], c["total"]) for name, c in fields.items() if c["right"] != c["total"]} == {}
    assert fields["title"]["total"] == len(FIXTURES)
