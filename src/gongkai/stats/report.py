"""Rows of figures per report, read from the index, and their table / CSV / JSON renderings.

``stats_rows(handle, agency=None, years=None)`` gives one dict per annual report in the index::

    {"id", "title", "agency", "year", "published", "url",
     "template": "2019" | "2021" | "prose" | "",     ("" = no figures found)
     "fields": {name: {"value", "source", ["unit"], ["approx"]}},
     "summary": {"requests", "disclosed", "partly_disclosed", "refused", "handled", "reviews", "lawsuits"},
     "failed": [failed checks], "unread": [parts without figures],
     "checks": {check: "passed" | "failed" | "unchecked"}}

``summary`` puts the two generations side by side: the 2019+ tables' totals (新收 总计, 予以公开 总计,
…) or the old outline's sentences (收到申请, 同意公开, …), so agencies and years can be compared.
"""

from __future__ import annotations

import json
from typing import Any

from ..csvout import csv_lines
from ..i18n import N_, _, current_language, display_width, pad
from .checks import CHECKS, run_checks
from .figures import ALL_FIELDS, field_label, template_fields

BASE_COLUMNS = ("id", "agency", "year", "title", "published", "url", "template")
SUMMARY_COLUMNS = ("requests", "disclosed", "partly_disclosed", "refused", "handled", "reviews", "lawsuits")
# Message ids (新收申请, 予以公开 … in Chinese): shown through `gongkai.i18n._`.
SUMMARY_LABELS = {
    "requests": N_("New requests"),
    "disclosed": N_("Disclosed"),
    "partly_disclosed": N_("Partly disclosed"),
    "refused": N_("Refused"),
    "handled": N_("Handled in all"),
    "reviews": N_("Administrative reviews"),
    "lawsuits": N_("Lawsuits"),
}
_REFUSED = ("state_secret", "prohibited", "security", "third_party", "internal", "process", "case_files", "queries")


def _value(fields: dict[str, Any], key: str) -> int | float | None:
    rec = fields.get(key)
    return rec.get("value") if isinstance(rec, dict) else None


def _first(fields: dict[str, Any], *keys: str) -> int | float | None:
    for key in keys:
        v = _value(fields, key)
        if v is not None:
            return v
    return None


def _sum(fields: dict[str, Any], keys: list[str]) -> int | float | None:
    values = [v for v in (_value(fields, k) for k in keys) if v is not None]
    return sum(values) if values else None


def summary(figures: dict[str, Any] | None) -> dict[str, int | float | None]:
    """The comparable totals of a report (None where the report does not say)."""
    f = (figures or {}).get("fields") or {}
    refused = _sum(f, [f"requests.result.refused.{s}.total" for s in _REFUSED])
    if refused is None:
        refused = _first(f, "requests.result.refused.subtotal.total", "requests.refused")
    lawsuits = _sum(f, ["appeals.litigation.direct.total", "appeals.litigation.after_review.total"])
    return {
        "requests": _first(f, "requests.new.total", "requests.received"),
        "disclosed": _first(f, "requests.result.disclosed.total", "requests.disclosed"),
        "partly_disclosed": _first(f, "requests.result.partly_disclosed.total", "requests.partly_disclosed"),
        "refused": refused,
        "handled": _first(f, "requests.result.total.total", "requests.answered"),
        "reviews": _first(f, "appeals.review.total", "appeals.review"),
        "lawsuits": lawsuits if lawsuits is not None else _first(f, "appeals.litigation"),
    }


def report_row(meta: dict[str, Any], figures: dict[str, Any] | None) -> dict[str, Any]:
    """One row from a document's summary fields (id, title, agency, year, published, url) and its figures."""
    results = run_checks(figures)
    return {
        "id": meta.get("id", ""),
        "title": meta.get("title", ""),
        "agency": meta.get("agency", ""),
        "year": meta.get("year"),
        "published": meta.get("published") or None,
        "url": meta.get("url", ""),
        "template": (figures or {}).get("template", ""),
        "fields": (figures or {}).get("fields") or {},
        "notes": (figures or {}).get("notes") or [],
        "summary": summary(figures),
        "failed": [line for failures in results.values() for line in failures or ()],
        "unread": (figures or {}).get("unread") or [],
        "checks": {name: "unchecked" if r is None else "failed" if r else "passed" for name, r in results.items()},
    }


def stats_rows(handle: Any, agency: str | None = None, years: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """Every annual report in the index (agency: words the name contains; years: covered-year range),
    ordered by agency then year."""
    from gongkai.backends import stored_documents

    stored = stored_documents(handle, "annual_report")
    rows = []
    want = (agency or "").split()
    for f in stored:
        name = f.get("agency", "") or ""
        year = f.get("year")
        if want and not all(w in name for w in want):
            continue
        if years and not (isinstance(year, int) and years[0] <= year <= years[1]):
            continue
        meta = json.loads(f.get("meta") or "{}")
        info = {"id": f.get("doc_id", ""), "title": f.get("title", ""), "agency": name, "year": year,
                "published": f.get("published"), "url": f.get("url", "")}
        rows.append(report_row(info, meta.get("figures")))
    rows.sort(key=lambda r: (r["agency"], r["year"] or 0, r["published"] or "", r["id"]))
    return rows


def used_fields(rows: list[dict[str, Any]]) -> list[str]:
    """Every field of the rows' templates (empty cells included, so columns are stable) and any other
    field a row has, in report order (unknown names last, sorted)."""
    present = {k for r in rows for k in r["fields"]}
    for t in {r["template"] for r in rows if r["template"]}:
        present.update(template_fields(t))
    known = [k for k in ALL_FIELDS if k in present]
    return known + sorted(present - set(known))


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _number(v: Any) -> Any:
    """A figure for the CSV: numbers stay numbers (the CSV writer neutralises text only), 33.0 is 33."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


BASE_LABELS = {"id": N_("id"), "agency": N_("Agency"), "year": N_("Year"), "title": N_("Title"),
               "published": N_("Published"), "url": N_("URL"), "template": N_("Format")}


def _chinese() -> bool:
    return current_language() == "zh_CN"


def csv_header(fields: list[str]) -> list[str]:
    """Column names: in Chinese the template's own row and column names (机关, 新收申请, (一)予以公开 · 自然人
    …); in English the field keys (agency, summary.requests, requests.result.disclosed.natural), which
    the official template has no English names for and which scripts read."""
    if not _chinese():
        return [*BASE_COLUMNS, *(f"summary.{c}" for c in SUMMARY_COLUMNS), "failed_checks", *fields]
    return [*(_(BASE_LABELS[c]) for c in BASE_COLUMNS), *(_(SUMMARY_LABELS[c]) for c in SUMMARY_COLUMNS),
            _("Failed checks"), *(field_label(k) for k in fields)]


def to_csv(rows: list[dict[str, Any]], bom: bool = True) -> str:
    """One line per report: the base columns, the summary, the failed-check count, then every field.
    With a BOM by default, so spreadsheet programs read the Chinese as UTF-8."""
    fields = used_fields(rows)
    return "".join(csv_lines(csv_header(fields), ([
        *(_cell(r[c]) for c in BASE_COLUMNS),
        *(_number(r["summary"][c]) for c in SUMMARY_COLUMNS),
        len(r["failed"]),
        *(_number(_value(r["fields"], k)) for k in fields),
    ] for r in rows), bom=bom))


def check_csv(rows: list[dict[str, Any]], bom: bool = True) -> str:
    """One line per failed check of the reports (`gongkai stats --check --format csv`)."""
    header = ["id", _("Agency"), _("Year"), _("Title"), _("Failed check")] if _chinese() else \
        ["id", "agency", "year", "title", "failed_check"]
    return "".join(csv_lines(header, ([r["id"], r["agency"], r["year"], r["title"], msg]
                                      for r in rows for msg in r["failed"]), bom=bom))


def to_json(rows: list[dict[str, Any]] | dict[str, Any]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_table(rows: list[dict[str, Any]]) -> str:
    """An aligned text table of the summary columns (CSV and JSON carry every field)."""
    if current_language() == "zh_CN":
        head = [_("Agency"), _("Year"), _("Format"), *(_(SUMMARY_LABELS[c]) for c in SUMMARY_COLUMNS), _("Checks"), "id"]
    else:  # as in the CSV: the keys
        head = ["agency", "year", "tpl", *SUMMARY_COLUMNS, "checks", "id"]
    body = []
    for r in rows:
        body.append([r["agency"] or "-", _cell(r["year"]), r["template"] or "-",
                     *(_cell(r["summary"][c]) for c in SUMMARY_COLUMNS),
                     _check_cell(r), r["id"]])
    numeric = {1, *range(3, 3 + len(SUMMARY_COLUMNS))}  # year and the summary figures, right-aligned
    return _aligned([head, *body], numeric)


def _aligned(lines: list[list[str]], right: set[int]) -> str:
    """Rows as text columns, two spaces apart, CJK counted double; the columns in `right` right-aligned."""
    widths = [max(display_width(x) for x in col) for col in zip(*lines, strict=True)]
    return "\n".join("  ".join(pad(x, w, i in right) for i, (x, w) in enumerate(zip(line, widths, strict=True))).rstrip()
                     for line in lines)


def _check_cell(row: dict[str, Any]) -> str:
    if row["unread"]:
        return _("not read")
    return _("ok") if not row["failed"] else _("{n} failed").format(n=len(row["failed"]))


def check_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per check: how many reports it checked, passed, failed and could not check."""
    out = {}
    for name in CHECKS:
        states = [r["checks"][name] for r in rows]
        passed, failed = states.count("passed"), states.count("failed")
        out[name] = {"checked": passed + failed, "passed": passed, "failed": failed,
                     "unchecked": states.count("unchecked")}
    return out


def check_summary(rows: list[dict[str, Any]]) -> str:
    """The per-check counts as an aligned table."""
    counts = check_counts(rows)
    head = [_("check"), _("what"), _("checked"), _("passed"), _("failed"), _("not checkable")]
    body = [[name, _(CHECKS[name]), *(str(c[k]) for k in ("checked", "passed", "failed", "unchecked"))]
            for name, c in counts.items()]
    return _aligned([head, *body], set(range(2, len(head))))


def check_report(rows: list[dict[str, Any]]) -> str:
    """The reports failing a check, each with the reasons."""
    out = []
    for r in rows:
        if not r["failed"]:
            continue
        out.append(f"{r['agency'] or _('(unknown agency)')} {r['year'] or ''} — {r['title'] or _('(untitled)')} "
                   f"[{r['id']}]")
        out += [f"  - {m}" for m in r["failed"]]
    return "\n".join(out)
