"""A section's text as the document page shows it: paragraphs, sub-headings and tables.

Lines of the section text are paragraphs (or sub-headings); the lines a data table was flattened to
(`Table.line`, `Table.lines`) are replaced by the table itself, its merged cells kept, so its rows
are not shown twice. Every text passes through `mark` (the page's highlighting of query words).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from gongkai.models import Section, Table


def is_subheading(line: str, subheadings: list[str]) -> bool:
    """A "（一）主动公开" line of the section text, shown as a sub-heading rather than a paragraph."""
    line = line.strip()
    return any(line.endswith(sub) and len(line) <= len(sub) + 6 for sub in subheadings if sub)


def section_blocks(section: Section, mark: Callable[[str], Markup]) -> tuple[list[dict[str, Any]], bool]:
    """The blocks of `section` in order and whether any text in them is marked.

    A block is ``{"html": …, "sub": bool}`` for a line or ``{"table": rows, "header_rows": n}`` for a
    table, each row a list of ``{"html", "rowspan", "colspan"}``."""
    lines = section.text.split("\n")
    tables = {t.line: t for t in section.tables if t.line >= 0 and t.lines > 0 and t.line + t.lines <= len(lines)}
    blocks: list[dict[str, Any]] = []
    hits = False
    i = 0
    while i < len(lines):
        table = tables.get(i)
        if table is not None:
            block = _table_block(table, mark)
            hits = hits or block["hits"]
            blocks.append(block)
            i += table.lines
            continue
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        html = mark(line)
        hits = hits or "<mark>" in html
        blocks.append({"html": html, "sub": is_subheading(line, section.subheadings)})
    return blocks, hits


def _table_block(table: Table, mark: Callable[[str], Markup]) -> dict[str, Any]:
    rows: list[list[dict[str, Any]]] = []
    hits = False
    for row in table.rows:
        rows.append([])
        for c in row:
            html = mark(c.text)
            hits = hits or "<mark>" in html
            rows[-1].append({"html": html, "rowspan": c.rowspan, "colspan": c.colspan})
    return {"table": rows, "header_rows": table.header_rows, "hits": hits}
