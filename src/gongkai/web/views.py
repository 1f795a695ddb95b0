"""HTML and JSON views: search page, document page, JSON API.

Settings read: ``max_query_chars``, ``max_page``, ``max_limit``, ``sections_per_result``.
The views only parse the request, call the index API and render; every `GongkaiError`
is turned into a friendly page (or JSON ``{"error": …}``) by the app's error handler.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from markupsafe import Markup, escape

from gongkai.config import Settings
from gongkai.errors import GongkaiError, QueryError, UnknownDocumentError, UsageError
from gongkai.i18n import N_, _
from gongkai.vocabulary import (
    DOC_TYPES,
    SECTION_KEYS,
    SECTION_LABELS,
    TYPE_LABELS,
    change_list,
    resolve_section,
    resolve_type,
    section_label,
    type_label,
)
from gongkai.web.archive import document_history
from gongkai.web.pool import NotFound, Searcher
from gongkai.web.sectionview import section_blocks

bp = Blueprint("web", __name__)

FILTER_PARAMS = ("year", "published", "section", "type", "agency", "status")
ALL_PARAMS = ("q", "within", *FILTER_PARAMS, "sort", "page")
SORTS = ("relevance", "newest", "oldest", "date")  # date: the old name of newest, still accepted
STATUSES = (("all", N_("All")), ("current", N_("Current")), ("withdrawn", N_("Withdrawn")))
PER_PAGE = 10
FACET_AGENCIES_SHOWN = 8
EXAMPLE_QUERIES = ("依申请公开", "行政复议", "不予公开", "信息处理费", "政策解读", "政务公开工作要点")

# ---------------------------------------------------------------- request parsing


def _settings() -> Settings:
    return current_app.config["GONGKAI_SETTINGS"]  # type: ignore[no-any-return]


def _searcher() -> Searcher:
    return current_app.extensions["gongkai_pool"].get()  # type: ignore[no-any-return]


def _params(args: Mapping[str, str]) -> dict[str, str]:
    """The recognised GET parameters, stripped, empty ones dropped, in a fixed order."""
    out = {}
    for name in ALL_PARAMS:
        value = (args.get(name) or "").strip()
        if value and not (name == "status" and value == "all"):  # all is no filter
            out[name] = value
    return out


def _int_param(value: str | None, name: str, default: int, high: int) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise UsageError(_("{name} must be a whole number between 1 and {high}, not {value!r}.").format(
            name=name, high=high, value=value)) from None
    if not 1 <= number <= high:
        raise UsageError(_("{name} must be between 1 and {high}; {number} is out of range.").format(
            name=name, high=high, number=number))
    return number


def build_request(args: Mapping[str, str], *, limit: int = PER_PAGE, sort: str | None = None) -> Any:
    """A `SearchRequest` from GET parameters; raises a `UsageError` subclass on bad input."""
    from gongkai.index import SearchRequest, parse_published, parse_years

    s = _settings()
    p = _params(args)
    query = p.get("q", "")
    if len(query) > s.max_query_chars:
        raise QueryError(_("the query is {length} characters long; the limit is {limit}. Shorten it.").format(
            length=len(query), limit=s.max_query_chars))
    years = parse_years(p["year"]) if "year" in p else None
    published = parse_published(p["published"]) if "published" in p else None
    section = resolve_section(p["section"]) if "section" in p else None
    doc_type = resolve_type(p["type"]) if "type" in p else None
    sort = sort or p.get("sort")
    if sort is not None and sort not in SORTS:
        raise UsageError(_("unknown sort {sort!r}; use relevance, newest or oldest.").format(sort=sort))
    within = p.get("within", "document")
    if within not in ("document", "section"):
        raise UsageError(_("unknown within {within!r}; use section (all words in one section) or leave it out.")
                         .format(within=within))
    page = _int_param(p.get("page"), "page", 1, s.max_page)
    status = p.get("status", "all")
    if status not in dict(STATUSES):
        raise UsageError(_("unknown status {status!r}; use current, withdrawn or all.").format(status=status))
    return SearchRequest(
        status=status,
        query=query,
        years=years,
        published=published,
        section=section,
        agency=p.get("agency"),
        doc_type=doc_type,
        sort=sort,
        page=page,
        limit=limit,
        within=within,
    )


# ---------------------------------------------------------------- template helpers


def endpoint_url(endpoint: str, params: Mapping[str, str], *, external: bool = False) -> str:
    """`endpoint`'s URL with `params` as a query string in the canonical parameter order."""
    ordered = [(k, params[k]) for k in ALL_PARAMS if k in params]
    return url_for(endpoint, _external=external) + ("?" + urlencode(ordered) if ordered else "")


def _url_with(params: Mapping[str, str], **changes: str | int | None) -> str:
    """The search URL for `params` with `changes` applied (None removes); filters reset the page."""
    new = dict(params)
    if any(k != "page" for k in changes):
        new.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            new.pop(key, None)
        else:
            new[key] = str(value)
    return endpoint_url("web.search_page", new)


_MARK_ONLY = re.compile(r"<(?!/?mark>)")


def safe_snippet(snippet: str) -> Markup:
    """Trust a search snippet as HTML only if its one kind of tag is <mark>.

    The search layer escapes document text and adds <mark>; should anything else ever
    come through, show the snippet as plain text rather than as markup.
    """
    if _MARK_ONLY.search(snippet):
        return escape(snippet)
    return Markup(snippet)


def _query_terms(query: str, texts: list[str]) -> set[str]:
    """Words of the query worth marking in `texts` (not those under NOT; prefixes stand for the words
    of `texts` they begin)."""
    from gongkai.index.query import highlight_terms, parse_query

    try:
        terms = highlight_terms(parse_query(query), texts)
    except GongkaiError:
        # A query the parser refuses still deserves its plain words marked.
        terms = {w.strip('"“”') for w in query.split() if not w.startswith("-")}
        terms -= {"AND", "OR", "NOT", ""}
    return {t for t in terms if t}


def highlight(text: str, terms: set[str]) -> Markup:
    """`text` HTML-escaped, with the words of `terms` in <mark> (matched as the index matches them)."""
    from gongkai.index.highlight import highlight_all

    return Markup(highlight_all(text, terms))


def _page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to show, None where a gap is: 1 … 4 5 [6] 7 8 … 20."""
    shown = {1, pages, *range(page - width, page + width + 1)}
    nums = sorted(n for n in shown if 1 <= n <= pages)
    out: list[int | None] = []
    for n in nums:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def init_app(app: Flask) -> None:
    app.jinja_env.filters["snippet"] = safe_snippet
    app.jinja_env.filters["type_label"] = type_label
    app.jinja_env.filters["section_label"] = section_label
    app.jinja_env.filters["change_list"] = change_list

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _server_timing(response: Any) -> Any:
        started = g.get("started")
        if started is not None:
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


# ---------------------------------------------------------------- views


FILTER_LABELS = {"year": N_("Year"), "published": N_("Published"), "section": N_("Section"), "type": N_("Type"),
                 "agency": N_("Agency"), "status": N_("Status")}


def _label(name: str, value: str) -> str:
    """How a filter's value is shown: section keys and types by their labels, the rest as typed."""
    if name == "section" and value in SECTION_LABELS:
        return section_label(value)
    if name == "type" and value in TYPE_LABELS:
        return type_label(value)
    if name == "status" and value in dict(STATUSES):
        return _(dict(STATUSES)[value])
    return value


def _active_filters(p: Mapping[str, str]) -> list[dict[str, str]]:
    out = []
    for name in FILTER_PARAMS:
        if name in p:
            value = p[name]
            out.append(
                {
                    "name": name,
                    "label": _(FILTER_LABELS[name]),
                    "value": _label(name, value),
                    "remove_url": _url_with(p, **{name: None}),
                }
            )
    return out


def _facet_list(p: Mapping[str, str], name: str, counts: Mapping[str, int]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for value, count in counts.items():
        if not count:
            continue
        label = _label(name, value)
        active = p.get(name) == value
        url = _url_with(p, **{name: None if active else value})
        items.append({"value": value, "label": label, "count": count, "active": active, "url": url})
    if name == "year":
        items.sort(key=lambda i: i["value"], reverse=True)
    elif name == "section":
        order = {k: n for n, k in enumerate(SECTION_KEYS)}
        items.sort(key=lambda i: order.get(i["value"], 99))
    else:
        items.sort(key=lambda i: (-i["count"], i["value"]))
    return items


@bp.get("/")
def search_page() -> Any:
    p = _params(request.args)
    req = build_request(request.args)
    landing = not (p.get("q") or any(k in p for k in FILTER_PARAMS))
    result = _searcher().search(req)  # an empty query lists the documents, newest first
    facets = {
        name: _facet_list(p, name, result.get("facets", {}).get(name, {}))
        for name in ("year", "section", "type", "agency")
    }
    active = _active_filters(p)
    pages = min(int(result.get("pages", 0)), _settings().max_page)
    following = {k: v for k, v in p.items() if k not in ("page", "sort")}
    return render_template(
        "search.html",
        p=p,
        req=req,
        result=result,
        landing=landing,
        facets=facets,
        active=active,
        suggestions=active if not result["results"] else [],
        page_window=_page_window(req.page, pages) if pages > 1 else [],
        pages=pages,
        url_with=lambda **kw: _url_with(p, **kw),
        feed_url=endpoint_url("feed.atom", following),
        api_url=endpoint_url("web.api_search", p),
        export_url=endpoint_url("web.export_csv", following) if result["total"] else None,
        section_keys=SECTION_KEYS,
        doc_types=DOC_TYPES,
        statuses=[(v, _(label)) for v, label in STATUSES],
        examples=EXAMPLE_QUERIES,
        agencies_shown=FACET_AGENCIES_SHOWN,
    )


def _get_document(searcher: Searcher, doc_id: str) -> Any:
    # The index's own message names its folder: the web says only what the reader can act on.
    missing = _("no document with id {id!r}; check the link or search again.").format(id=doc_id)
    if not re.fullmatch(r"[0-9a-zA-Z_-]{1,64}", doc_id):
        raise NotFound(missing)
    try:
        return searcher.document(doc_id)
    except GongkaiError as err:
        if isinstance(err, UnknownDocumentError):
            raise NotFound(missing) from err
        raise


def _similar(searcher: Searcher, doc_id: str) -> list[dict[str, Any]]:
    """`Searcher.similar`, the slowest part of a document page, cached per index version."""
    pool = current_app.extensions["gongkai_pool"]
    cache = current_app.extensions["gongkai_cache"]
    # more than shown: those already listed as the agency's other years are left out on the page
    return cache.get(pool.version, ("similar", doc_id), lambda: searcher.similar(doc_id, limit=15))  # type: ignore[no-any-return]


@bp.get("/doc/<doc_id>")
def document_page(doc_id: str) -> Any:
    searcher = _searcher()
    doc = _get_document(searcher, doc_id)
    q = (request.args.get("q") or "").strip()[: _settings().max_query_chars]
    terms = _query_terms(q, [s.text for s in doc.sections]) if q else set()
    sections = []
    for n, s in enumerate(doc.sections, start=1):
        paragraphs, hits = section_blocks(s, lambda text: highlight(text, terms))
        sections.append(
            {
                "anchor": f"s-{n}",
                "number": s.number,
                "heading": s.heading,
                "key": s.key,
                "paragraphs": paragraphs,
                "hits": hits,
            }
        )
    # An annual report links to the agency's reports of other years; other kinds to all its documents.
    same_type = doc.doc_type if doc.doc_type == "annual_report" else None
    others = (
        [d for d in searcher.agency_documents(doc.agency, same_type) if d.get("id") != doc.id]
        if doc.agency
        else []
    )
    shown = {d.get("id") for d in others}
    similar = [d for d in _similar(searcher, doc.id) if d.get("id") not in shown][:5]  # not twice on one page
    return render_template(
        "document.html",
        history=document_history(doc.id, doc.url),
        doc=doc,
        q=q,
        title=highlight(doc.title or _("(untitled)"), terms),
        sections=sections,
        others=others,
        similar=similar,
        back_url=url_for("web.search_page", q=q) if q else None,
    )


@bp.get("/api/search")
def api_search() -> Any:
    limit = _int_param(request.args.get("limit"), "limit", PER_PAGE, _settings().max_limit)
    return jsonify(_searcher().search(build_request(request.args, limit=limit)))


@bp.get("/export.csv")
def export_csv() -> Any:
    """Every result of the search (up to ``max_export_rows``) as CSV with a BOM, streamed."""
    from gongkai.export import csv_export

    p = _params(request.args)
    records = _searcher().export(build_request(request.args), max_rows=_settings().max_export_rows)
    name = "gongkai-" + "-".join(v for k, v in p.items() if k != "page")[:80] + ".csv"
    resp = Response(stream_with_context(csv_export(records, bom=True)), mimetype="text/csv")
    resp.headers["Content-Disposition"] = (
        f"attachment; filename=\"gongkai-export.csv\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    return resp


@bp.get("/api/documents/<doc_id>")
def api_document(doc_id: str) -> Any:
    return jsonify(_get_document(_searcher(), doc_id).to_record())
