"""Share of annual-report figures extracted correctly on the statistics fixtures.

    .venv/bin/python scripts/stats_accuracy.py [FOLDER] [--json]

Each ``NAME.expected.json`` in FOLDER (default tests/stats/fixtures) holds the figures its report was
written with (by ``make_fixtures.py``, not by the extractor). The report file beside it goes through
`extract_document` and `extract_figures`; a figure is correct when the same field has the same value.
Extra fields (read where the report has no figure) and failed-check counts are reported too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "tests" / "stats" / "fixtures"


def measure(folder: Path) -> list[dict[str, Any]]:
    from gongkai.extract import extract_document
    from gongkai.stats import check_figures, extract_figures

    results = []
    for exp_path in sorted(folder.glob("*.expected.json")):
        name = exp_path.name[: -len(".expected.json")]
        sources = [p for p in folder.glob(f"{name}.*") if p.suffix != ".json"]
        if len(sources) != 1:
            raise SystemExit(f"{exp_path}: expected one report file beside it, found {len(sources)}")
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        doc = extract_document(str(sources[0]), sources[0].read_bytes())
        figures = extract_figures(doc)
        got = {k: v["value"] for k, v in ((figures or {}).get("fields") or {}).items()}
        want = expected["fields"]
        results.append({
            "name": sources[0].name,
            "layout": expected["layout"],
            "template": (figures or {}).get("template"),
            "expected_template": expected["template"],
            "figures": len(want),
            "correct": sum(1 for k, v in want.items() if k in got and got[k] == v),
            "wrong": sorted(k for k, v in want.items() if k in got and got[k] != v),
            "missing": sorted(k for k in want if k not in got),
            "extra": sorted(set(got) - set(want)),
            "failed_checks": len(check_figures(figures)),
            "expected_failed_checks": expected["failed_checks"],
        })
    return results


def _share(rows: list[dict[str, Any]]) -> str:
    total = sum(r["figures"] for r in rows)
    correct = sum(r["correct"] for r in rows)
    return f"{correct}/{total} = {100 * correct / total:.1f}%" if total else "no figures"


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    args = [a for a in argv if a != "--json"]
    rows = measure(Path(args[0]) if args else DEFAULT)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        flags = []
        if r["template"] != r["expected_template"]:
            flags.append(f"template {r['template']} (expected {r['expected_template']})")
        for what in ("wrong", "missing", "extra"):
            if r[what]:
                flags.append(f"{len(r[what])} {what}: {', '.join(r[what][:4])}{' …' if len(r[what]) > 4 else ''}")
        if r["failed_checks"] != r["expected_failed_checks"]:
            flags.append(f"{r['failed_checks']} failed checks (expected {r['expected_failed_checks']})")
        print(f"{r['name']:<40} {r['layout']:<9} {r['correct']:>4}/{r['figures']:<4} {'; '.join(flags) or 'ok'}")
    tables = [r for r in rows if r["layout"] not in ("prose", "none")]
    prose = [r for r in rows if r["layout"] == "prose"]
    print(f"template tables: {_share(tables)}")
    print(f"prose reports:   {_share(prose)}")
    print(f"all:             {_share(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
