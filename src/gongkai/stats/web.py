"""The `/stats` pages: an agency across years, agencies in one year, one report's figures; CSV downloads.

    /stats/                      agencies and years that have annual reports
    /stats/agency/<name>         one agency's figures across years (table + SVG bar chart)
    /stats/agency/<name>.csv     the same, every field, as CSV
    /stats/year/<year>           agencies compared for one report year (table + chart)
    /stats/year/<year>.csv       the same as CSV
    /stats/doc/<id>              one report's figures, their source text and failed checks

Register with ``app.register_blueprint(blueprint, url_prefix="/stats")``. The index handle comes from
the gongkai web app (``app.extensions["gongkai_pool"]``) or, in a bare Flask app, from
``app.config["GONGKAI_SEARCHER"]`` (a `SearcherHandle`). Pages extend the web app's ``base.html``
when the ``web`` blueprint is registered, else a small base of their own. Charts are SVG drawn on the
server: no script, no inline style, nothing from elsewhere (the app's CSP is ``default-src 'self'``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from gongkai.errors import GongkaiError
from gongkai.i18n import N_, _
from gongkai.urls import is_web_url

from .figures import APPEAL_COLUMNS, COLUMN_LABELS, REQUEST_COLUMNS, ROW_LABELS, field_label, split_key
from .report import SUMMARY_COLUMNS, SUMMARY_LABELS, report_row, stats_rows, to_csv, used_fields

blueprint = Blueprint("stats", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static")
blueprint.add_app_template_test(is_web_url, "web_url")


@blueprint.record_once
def _templates_translate(state: Any) -> None:
    """In a bare Flask app (no gongkai web app, so no Flask-Babel) the templates' ``_`` is gongkai.i18n's."""
    env = state.app.jinja_env
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        from gongkai.i18n import ngettext

        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]

MIN_YEAR, MAX_YEAR = 1949, 2100


def _handle() -> Any:
    pool = current_app.extensions.get("gongkai_pool")
    if pool is not None:
        return pool.get()
    handle = current_app.config.get("GONGKAI_SEARCHER")
    if handle is None:
        raise RuntimeError("the stats blueprint needs app.extensions['gongkai_pool'] or "
                           "app.config['GONGKAI_SEARCHER']")
    handle.refresh()
    return handle


def _rows(agency: str | None = None, years: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """`stats_rows` for these filters, computed once per index version in the gongkai web app
    (hundreds of milliseconds over thousands of reports, and the same for every reader)."""
    handle = _handle()
    pool = current_app.extensions.get("gongkai_pool")
    cache = current_app.extensions.get("gongkai_cache")
    if pool is None or cache is None:
        return stats_rows(handle, agency=agency, years=years)
    return cache.get(pool.version, ("stats_rows", agency, years),  # type: ignore[no-any-return]
                     lambda: stats_rows(handle, agency=agency, years=years))


def _not_found(message: str) -> NoReturn:
    """404 with `message`: through the gongkai web app's error page when it is there, else Flask's."""
    if "web" in current_app.blueprints:
        from gongkai.web.pool import NotFound

        raise NotFound(message)
    abort(404, description=message)


def _base() -> str:
    return "base.html" if "web" in current_app.blueprints else "stats/_base.html"


def _metric() -> str:
    metric = request.args.get("metric", "requests")
    return metric if metric in SUMMARY_COLUMNS else "requests"


def _csv(body: str, filename: str) -> Response:
    from urllib.parse import quote

    resp = Response(body, mimetype="text/csv")  # to_csv starts with the BOM
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


# --- chart ------------------------------------------------------------------------------------------

_BAR = "#b0413e"
_BAR_MUTED = "#d9c3c2"


def bar_chart(items: list[tuple[str, float | None]], title: str) -> Markup:
    """A horizontal bar chart as inline SVG; a missing value is drawn as "—" with no bar."""
    label_w, bar_w, row_h, top = 200, 360, 26, 30
    width = label_w + bar_w + 70
    height = top + row_h * max(1, len(items)) + 10
    peak = max((v for _, v in items if v is not None), default=0) or 1
    parts = [
        f'<svg class="stats-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#333">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" font-size="13" text-anchor="end" fill="#333">'
                     f"{escape(short)}</text>")
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 17}" font-size="13" fill="#999">—</text>')
            continue
        w = max(1.0, bar_w * max(value, 0) / peak) if value else 0.0
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                     f'fill="{_BAR if value else _BAR_MUTED}"><title>{escape(label)}: {_num(value)}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="13" fill="#333">{_num(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --- tables of one report ---------------------------------------------------------------------------


def _grid(fields: dict[str, Any], prefix: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows (in template order) of a section whose fields start with `prefix`, cells per column."""
    rows: dict[str, dict[str, Any]] = {}
    for key in fields:
        row, col = split_key(key)
        if col and row.startswith(prefix) and col in columns:
            rows.setdefault(row, {})[col] = fields[key]
    order = list(ROW_LABELS)
    return [{"key": r, "label": ROW_LABELS.get(r, r), "cells": [rows[r].get(c) for c in columns]}
            for r in sorted(rows, key=lambda r: order.index(r) if r in order else len(order))]


def _proactive(fields: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key, rec in fields.items():
        row, col = split_key(key)
        if col and row.startswith("proactive."):
            out.append({"label": ROW_LABELS.get(row, row),
                        "column": COLUMN_LABELS["proactive"].get(col, col), "rec": rec})
    return out


def _prose(fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"label": field_label(k), "rec": rec} for k, rec in fields.items() if not split_key(k)[1]]


# --- views ------------------------------------------------------------------------------------------


@blueprint.route("/")
def overview() -> str:
    rows = _rows()
    agencies: dict[str, list[int]] = {}
    years: dict[int, int] = {}
    for r in rows:
        agencies.setdefault(r["agency"], [])
        if isinstance(r["year"], int):
            agencies[r["agency"]].append(r["year"])
            years[r["year"]] = years.get(r["year"], 0) + 1
    return render_template("stats/overview.html", base=_base(), agencies=sorted(agencies.items()),
                           years=sorted(years.items(), reverse=True), total=len(rows),
                           failing=sum(1 for r in rows if r["failed"]))


def _agency_rows(name: str) -> list[dict[str, Any]]:
    rows = [r for r in _rows(agency=name) if r["agency"] == name]
    if not rows:
        _not_found(_("There are no annual reports of “{agency}”.").format(agency=name))
    return rows


@blueprint.route("/agency/<path:name>.csv")
def agency_csv(name: str) -> Response:
    return _csv(to_csv(_agency_rows(name)), f"{name}.csv")


@blueprint.route("/agency/<path:name>")
def agency(name: str) -> str:
    rows = _agency_rows(name)
    metric = _metric()
    chart = bar_chart([(str(r["year"] or "?"), r["summary"][metric]) for r in rows],
                      _("{agency} · {figure} (by year)").format(agency=name, figure=_(SUMMARY_LABELS[metric])))
    fields = used_fields(rows)
    detail = [{"label": field_label(k),
               "cells": [r["fields"].get(k) for r in rows]} for k in fields]
    return render_template("stats/agency.html", base=_base(), name=name, rows=rows, chart=chart, metric=metric,
                           summary_columns=SUMMARY_COLUMNS, summary_labels=SUMMARY_LABELS, detail=detail)


def _year_rows(year: int) -> list[dict[str, Any]]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        _not_found(_("{year} is not a report year we can show ({low}–{high}).").format(
            year=year, low=MIN_YEAR, high=MAX_YEAR))
    return _rows(years=(year, year))


@blueprint.route("/year/<int:year>.csv")
def year_csv(year: int) -> Response:
    return _csv(to_csv(_year_rows(year)), f"{year}.csv")


@blueprint.route("/year/<int:year>")
def year(year: int) -> str:
    rows = _year_rows(year)
    metric = _metric()
    chart = bar_chart([(r["agency"] or "?", r["summary"][metric]) for r in rows],
                      _("{year} · {figure} (by agency)").format(year=year, figure=_(SUMMARY_LABELS[metric]))) \
        if rows else None
    return render_template("stats/year.html", base=_base(), year=year, rows=rows, chart=chart, metric=metric,
                           summary_columns=SUMMARY_COLUMNS, summary_labels=SUMMARY_LABELS)


# The parts `figures.unread_parts` names, as the report's own headings call them.
UNREAD_PARTS = {"requests": N_("III. Requests received and handled"),
                "appeals": N_("IV. Administrative reviews and lawsuits")}


@blueprint.route("/doc/<doc_id>")
def document(doc_id: str) -> str:
    try:
        doc = _handle().document(doc_id)
    except GongkaiError:
        _not_found(_("no document with id {id!r}; check the link or search again.").format(id=doc_id))
    row = report_row({"id": doc.id, "title": doc.title, "agency": doc.agency, "year": doc.year,
                      "published": doc.published, "url": doc.url}, doc.figures)
    f = row["fields"]
    return render_template(
        "stats/document.html", base=_base(), row=row,
        unread=[_(UNREAD_PARTS[p]) if p in UNREAD_PARTS else p for p in row["unread"]],
        proactive=_proactive(f),
        requests=_grid(f, "requests.", REQUEST_COLUMNS),
        request_heads=[COLUMN_LABELS["requests"][c] for c in REQUEST_COLUMNS],
        appeals=_grid(f, "appeals.", APPEAL_COLUMNS),
        appeal_heads=[COLUMN_LABELS["appeals"][c] for c in APPEAL_COLUMNS],
        prose=_prose(f), summary_columns=SUMMARY_COLUMNS, summary_labels=SUMMARY_LABELS,
        # back to the document's own page, when the search pages are there
        document_url=url_for("web.document_page", doc_id=doc.id) if "web" in current_app.blueprints else None,
    )


@blueprint.app_template_filter("stats_value")
def _stat_filter(value: Any) -> str:
    """A figure record or a bare number as text ("80618元", "33000余")."""
    if isinstance(value, dict):
        text = _num(value.get("value"))
        if value.get("approx"):
            text += "余"
        unit = value.get("unit", "")
        return text + unit if unit in ("元", "万元", "亿元") else text
    return _num(value)
