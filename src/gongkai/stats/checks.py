"""Consistency checks of a report's figures: were they read at all, and the sums the 2019+ template builds in.

``run_checks(figures) -> {check: [failures] | None}``: for each check in ``CHECKS`` the lines that
failed ([] = passed), or None when the check could not run on this report (a prose report has no
table balance; a table without a 总计 row has no totals to check). ``check_figures(figures)`` is every
failure in one list, [] when all that could run passed. Checks, per applicant column where it applies:

* figures read: a report whose requests (三) or appeals (四) part exists but gave no figure is flagged
  "figures not read" — never passed as consistent (``figures["unread"]``, see `figures`);
* balance: 一 本年新收 + 二 上年结转 = 三(七) 总计 + 四 结转下年度 (the table's own 勾稽关系);
* row totals: the 总计 column of every request row = the sum of the six applicant columns;
* result totals: 三(七) 总计 = (一) + (二) + (三) + (四) + (五) + (六), each group counted by its
  sub-items (1.–8., 1.–3., 1.–5., 2021's (六) 1.–3.) or, when a report gives only the group row, by that;
* group rows: a filled (三)/(四)/(五) group row = the sum of its sub-items;
* review totals: 行政复议 总计 = 维持 + 纠正 + 其他 + 尚未审结; the same for both kinds of 行政诉讼.

An empty cell counts as 0 inside a sum, but a check only runs when the cells it compares are there.
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from .figures import APPEAL_COLUMNS, COLUMN_LABELS, REQUEST_COLUMNS, ROW_LABELS

_SIX = REQUEST_COLUMNS[:6]
_GROUPS = {
    "refused": ("state_secret", "prohibited", "security", "third_party", "internal", "process", "case_files",
                "queries"),
    "unavailable": ("not_held", "needs_creation", "unclear"),
    "not_processed": ("complaints", "repeated", "publications", "excessive", "confirmation"),
    "other_handling": ("no_correction", "no_fee", "misc"),
}
_COL = COLUMN_LABELS["requests"]


class _View:
    def __init__(self, figures: dict[str, Any]) -> None:
        self.fields: dict[str, Any] = figures.get("fields") or {}

    def get(self, key: str) -> float | None:
        rec = self.fields.get(key)
        if isinstance(rec, dict) and isinstance(rec.get("value"), int | float):
            return rec["value"]  # type: ignore[no-any-return]
        return None

    def has_row(self, row: str, columns: tuple[str, ...] = REQUEST_COLUMNS) -> bool:
        return any(self.get(f"{row}.{c}") is not None for c in columns)

    def sum(self, keys: list[str]) -> float:
        return sum(self.get(k) or 0 for k in keys)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _leaves(v: _View, group: str) -> list[str]:
    """Row keys that make up a result group: its sub-items if any is filled, else the group row."""
    base = f"requests.result.{group}"
    subs = [f"{base}.{s}" for s in _GROUPS[group]]
    if any(v.has_row(s) for s in subs):
        return subs
    return [base if group == "other_handling" else f"{base}.subtotal"]


def _read(figures: dict[str, Any]) -> list[str] | None:
    if "unread" not in figures:
        return None  # stored before unread parts were recorded
    return [_("figures not read: section {part} is there, but no figure was read from it").format(
                part=_(_PART_NAMES[p]) if p in _PART_NAMES else p) for p in figures["unread"]]


def _balance(v: _View) -> list[str] | None:
    if not (v.has_row("requests.new") and v.has_row("requests.result.total")):
        return None
    out = []
    for c in REQUEST_COLUMNS:
        keys = [f"requests.{r}.{c}" for r in ("new", "carried_over", "result.total", "carried_forward")]
        if all(v.get(k) is None for k in keys):
            continue
        new, old, done, carry = (v.get(k) or 0 for k in keys)
        if new + old != done + carry:
            out.append(_("三 balance, {column}: 一 新收 {new} + 二 上年结转 {old} = {sum_in}, but 三(七) 总计 {done} + "
                         "四 结转下年度 {carry} = {sum_out}").format(
                column=_COL[c], new=_n(new), old=_n(old), sum_in=_n(new + old), done=_n(done), carry=_n(carry),
                sum_out=_n(done + carry)))
    return out


def _row_totals(v: _View) -> list[str] | None:
    rows = sorted({k.rpartition(".")[0] for k in v.fields if k.startswith("requests.") and k.endswith(".total")},
                  key=_row_order)
    rows = [r for r in rows if v.get(f"{r}.total") is not None and v.has_row(r, _SIX)]
    if not rows:
        return None
    out = []
    for row in rows:
        total = v.get(f"{row}.total")
        if total is None:
            continue
        parts = v.sum([f"{row}.{c}" for c in _SIX])
        if parts != total:
            out.append(_("三 row {row}: 总计 {total}, but the six applicant columns add up to {parts}").format(
                row=ROW_LABELS.get(row, row), total=_n(total), parts=_n(parts)))
    return out


def _row_order(row: str) -> int:
    keys = list(ROW_LABELS)
    return keys.index(row) if row in keys else len(keys)


def _results(v: _View) -> list[str] | None:
    if not v.has_row("requests.result.total"):
        return None
    rows = ["requests.result.disclosed", "requests.result.partly_disclosed"]
    for group in _GROUPS:
        rows += _leaves(v, group)
    if not any(v.has_row(r) for r in rows):
        return None
    out = []
    for c in REQUEST_COLUMNS:
        total = v.get(f"requests.result.total.{c}")
        if total is None:
            continue
        parts = v.sum([f"{r}.{c}" for r in rows])
        if parts != total:
            out.append(_("三 result total, {column}: (七)总计 {total}, but (一)…(六) add up to {parts}").format(
                column=_COL[c], total=_n(total), parts=_n(parts)))
    return out


def _groups(v: _View) -> list[str] | None:
    out = []
    checked = False
    for group in ("refused", "unavailable", "not_processed"):
        base = f"requests.result.{group}"
        subs = [f"{base}.{s}" for s in _GROUPS[group]]
        if not (v.has_row(f"{base}.subtotal") and any(v.has_row(s) for s in subs)):
            continue
        checked = True
        for c in REQUEST_COLUMNS:
            sub = v.get(f"{base}.subtotal.{c}")
            if sub is None:
                continue
            parts = v.sum([f"{s}.{c}" for s in subs])
            if parts != sub:
                out.append(_("三 {row}, {column}: {subtotal}, but its sub-items add up to {parts}").format(
                    row=ROW_LABELS[base + ".subtotal"], column=_COL[c], subtotal=_n(sub), parts=_n(parts)))
    return out if checked else None


def _appeals(v: _View) -> list[str] | None:
    out = []
    checked = False
    for row in ("appeals.review", "appeals.litigation.direct", "appeals.litigation.after_review"):
        total = v.get(f"{row}.total")
        if total is None or not v.has_row(row, APPEAL_COLUMNS[:4]):
            continue
        checked = True
        parts = v.sum([f"{row}.{c}" for c in APPEAL_COLUMNS[:4]])
        if parts != total:
            out.append(_("四 {row}: 总计 {total}, but 维持 + 纠正 + 其他 + 尚未审结 = {parts}").format(
                row=ROW_LABELS[row], total=_n(total), parts=_n(parts)))
    return out if checked else None


# What each check asks (translated where shown); the keys are stable names for scripts.
CHECKS: dict[str, str] = {
    "figures read": N_("三 and 四 gave figures"),
    "balance": N_("一 + 二 = 三(七) + 四"),
    "row totals": N_("总计 = the six applicant columns"),
    "result totals": N_("三(七) = (一) + … + (六)"),
    "group rows": N_("(三)(四)(五) = their sub-items"),
    "review totals": N_("四 总计 = 维持 + 纠正 + 其他 + 尚未审结"),
}
_PART_NAMES = {"requests": N_("三 (requests)"), "appeals": N_("四 (appeals)")}


def run_checks(figures: dict[str, Any] | None) -> dict[str, list[str] | None]:
    """Every check of ``CHECKS`` on one report: its failures ([] = passed) or None (could not be checked)."""
    out: dict[str, list[str] | None] = dict.fromkeys(CHECKS)
    if not figures:
        return out
    out["figures read"] = _read(figures)
    if figures.get("template") in ("2019", "2021"):
        v = _View(figures)
        out.update({"balance": _balance(v), "row totals": _row_totals(v), "result totals": _results(v),
                    "group rows": _groups(v), "review totals": _appeals(v)})
    return out


def check_figures(figures: dict[str, Any] | None) -> list[str]:
    """Failed checks of one report's figures (see the module docstring); [] when all that ran passed."""
    return [line for failures in run_checks(figures).values() for line in failures or ()]
