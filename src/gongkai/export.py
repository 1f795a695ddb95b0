"""Search results as files: CSV and JSON lines, the same columns from the CLI and the web page.

One row per document, in result order, with the fields of ``vocabulary.RECORD_FIELDS`` (id, url,
title, agency, type, year, published, index_no, doc_no, status, withdrawn) and ``sections``: the best-matching
sections, written in CSV as ``三、收到和处理政府信息公开申请情况; 六、其他需要报告的事项`` and in JSON
lines as a list of ``{"number", "heading", "key"}``. The records come from
``SearcherHandle.export``; these functions only format them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .csvout import csv_lines
from .i18n import _
from .vocabulary import RECORD_FIELDS

EXPORT_COLUMNS = (*RECORD_FIELDS, "sections")


def section_label(section: dict[str, Any]) -> str:
    """"三、收到和处理政府信息公开申请情况"; the untitled opening paragraph is 前言 (Preamble), not the
    name of its key, which no heading of the text gave it."""
    heading = section.get("heading") or ("" if section.get("number") else _("Preamble"))
    return f"{section['number']}、{heading}" if section.get("number") else heading


def csv_export(records: Iterable[dict[str, Any]], bom: bool = False) -> Iterator[str]:
    rows = ([*(r.get(f) for f in RECORD_FIELDS), "; ".join(section_label(s) for s in r.get("sections", []))]
            for r in records)
    return csv_lines(EXPORT_COLUMNS, rows, bom=bom)


def jsonl_export(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for r in records:
        yield json.dumps({f: r.get(f) for f in EXPORT_COLUMNS}, ensure_ascii=False) + "\n"
