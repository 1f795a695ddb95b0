"""Per-field extraction accuracy over the golden fixtures.

    .venv/bin/python scripts/extraction_accuracy.py [FOLDER] [--json] [--misses]

Every document in FOLDER (default tests/fixtures/docs) goes through `extract_document` and is compared with
its hand-written golden ``NAME.json`` (keys in tests/fixtures/docs/README.md). For each field a golden
states — title, agency, published, year, type, index_no (索引号), doc_no (文号), topic, sections — it counts those
where the extractor got it right; ``sections`` is right when every (number, key) pair matches in order and
every ``heading_contains`` is in its heading, and ``section keys`` counts single golden sections found with
the right number and key (aligned in order). `--misses` lists what was wrong, `--json` prints it all.
`tests/test_golden.py` uses the same comparison and holds every field at 100%.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "tests" / "fixtures" / "docs"

# golden key -> (name printed, Document attribute, comparison)
FIELDS: dict[str, tuple[str, str, str]] = {
    "title": ("title", "title", "squash"),
    "agency": ("agency", "agency", "squash"),
    "published": ("published", "published", "exact"),
    "year": ("year", "year", "exact"),
    "doc_type": ("type", "doc_type", "exact"),
    "index_no": ("index_no", "index_no", "nfkc"),
    "doc_no": ("doc_no", "doc_no", "nfkc"),
    "topic": ("topic", "topic", "squash"),
}
_WS = re.compile(r"\s+")


def squash(s: str) -> str:
    """NFKC without any whitespace: line breaks inside cells and stray spaces in titles do not count."""
    return _WS.sub("", unicodedata.normalize("NFKC", s))


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def fixtures(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix not in {".json", ".md"} and not p.name.startswith("."))


def golden(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def field_problem(key: str, golden_value: Any, doc: Any) -> str | None:
    """Why the document's field differs from the golden value, or None when it is right."""
    _, attr, how = FIELDS[key]
    got = getattr(doc, attr)
    if how == "squash":
        ok = squash(got or "") == squash(golden_value)
    elif how == "nfkc":
        ok = nfkc(got or "") == nfkc(golden_value)
    else:
        ok = got == golden_value
    return None if ok else f"{key}: got {got!r}, want {golden_value!r}"


def section_problems(want: list[dict[str, Any]], doc: Any) -> list[str]:
    got_pairs = [(s.number, s.key) for s in doc.sections]
    want_pairs = [(s["number"], s["key"]) for s in want]
    if got_pairs != want_pairs:
        return [f"sections: got {[(s.number, s.key, s.heading) for s in doc.sections]!r}, want {want_pairs!r}"]
    out = []
    for got, w in zip(doc.sections, want, strict=True):
        needle = w.get("heading_contains")
        if needle and squash(needle) not in squash(got.heading):
            out.append(f"section {w['number'] or '(preamble)'} heading {got.heading!r} lacks {needle!r}")
    return out


def matched_sections(want: list[dict[str, Any]], doc: Any) -> int:
    """Golden sections found with the same number and key, aligned in order."""
    a = [(s["number"], s["key"]) for s in want]
    b = [(s.number, s.key) for s in doc.sections]
    return sum(block.size for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks())


def text_problems(g: dict[str, Any], doc: Any) -> list[str]:
    out = []
    if "attachments" in g and sorted(a.url for a in doc.attachments) != sorted(g["attachments"]):
        out.append(f"attachments: got {sorted(a.url for a in doc.attachments)!r}, want {sorted(g['attachments'])!r}")
    text = squash("\n".join([doc.title, *(s.text for s in doc.sections)]))
    out += [f"text lacks {p!r}" for p in g.get("contains", []) if squash(p) not in text]
    out += [f"text contains page chrome or junk {p!r}" for p in g.get("not_contains", []) if squash(p) in text]
    return out


def compare(g: dict[str, Any], doc: Any) -> list[str]:
    """Every difference between a golden and an extracted document ([] = all right)."""
    problems = [p for key in FIELDS if key in g if (p := field_problem(key, g[key], doc))]
    if "sections" in g:
        problems += section_problems(g["sections"], doc)
    return problems + text_problems(g, doc)


def measure(folder: Path) -> dict[str, Any]:
    from gongkai.extract import extract_document

    counts: dict[str, list[int]] = {name: [0, 0] for name, _, _ in FIELDS.values()}
    counts["sections"] = [0, 0]
    counts["section keys"] = [0, 0]
    misses: dict[str, list[str]] = {}
    for path in fixtures(folder):
        g = golden(path)
        doc = extract_document(g.get("url", str(path)), path.read_bytes())
        wrong: list[str] = []
        for key in FIELDS:
            if key in g:
                name = FIELDS[key][0]
                counts[name][1] += 1
                problem = field_problem(key, g[key], doc)
                if problem:
                    wrong.append(problem)
                else:
                    counts[name][0] += 1
        if "sections" in g:
            counts["sections"][1] += 1
            problems = section_problems(g["sections"], doc)
            counts["sections"][0] += not problems
            wrong += problems
            counts["section keys"][0] += matched_sections(g["sections"], doc)
            counts["section keys"][1] += max(len(g["sections"]), len(doc.sections))
        wrong += text_problems(g, doc)
        if wrong:
            misses[path.name] = wrong
    return {"documents": len(fixtures(folder)), "fields": {k: {"right": r, "total": t} for k, (r, t) in counts.items()
                                                           if t}, "misses": misses}


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    result = measure(Path(args[0]) if args else DEFAULT)
    if "--json" in argv:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['documents']} documents")
    for name, c in result["fields"].items():
        print(f"{name:<13} {c['right']:>4}/{c['total']:<4} {100 * c['right'] / c['total']:6.1f}%")
    if "--misses" in argv:
        for doc, problems in result["misses"].items():
            print(f"\n{doc}")
            for p in problems:
                print(f"  {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
