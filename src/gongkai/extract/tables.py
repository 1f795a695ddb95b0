"""Data tables kept as structure beside their flattened text.

The HTML and DOCX readers flatten every data table into "a | b | c" lines (what search, the section
splitter and the statistics read; nothing here changes them) and also hand over the table itself:
its cells with their merges, and the lines it was flattened to. After the document is split into
sections, `attach_tables` finds those lines in a section's text and attaches the table there, with
the line range it covers (`Table.line`, `Table.lines`), so the document page can show the table in
place of its flattened rows.

The lines are compared without whitespace: the text pipeline re-wraps some of them (a row longer
than 300 characters is cut before numbered items, "商业" + "企业" rows are joined, NFKC changes
full-width spaces) but never changes their characters. A table whose lines are not found as one
run in one section — its rows dropped as an index table (元数据) or chrome, split by a heading —
is not attached: its text stays readable as lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Cell, Section, Table
from .text import clean_line, normalize

# HTML caps colspan at 1000 and rowspan at 65534; nothing real comes near, and a hostile value must
# not make a reader build a huge grid.
MAX_COLSPAN = 1000
MIN_ROWS = 2
MIN_COLUMNS = 2
_WS_RE = re.compile(r"\s+")


@dataclass
class FoundTable:
    """A table as a reader found it, before it is placed in a section."""

    table: Table
    lines: list[str]  # the table's rows as the reader flattened them (empty rows left out)


def span(value: object, default: int = 1) -> int:
    """A rowspan/colspan attribute as a count (junk and negative values count as `default`)."""
    try:
        n = int(str(value).strip()) if value is not None else default
    except ValueError:
        m = re.match(r"\s*(\d+)", str(value))
        n = int(m.group(1)) if m else default
    return n if n >= 0 else default


def cell_text(text: str) -> str:
    """A cell's text as the document's text holds it (NFKC, spaces collapsed)."""
    return clean_line(normalize(text))


def build_table(rows: list[list[Cell]], lines: list[str], header_rows: int = 0) -> FoundTable | None:
    """A FoundTable from cells in source order (a row may be empty: all its columns are merged from
    above), spans clamped to the table (a rowspan of 0 or past the
    last row ends at the last row), or None for what is no data table: fewer than two rows or two
    columns (CMS pages wrap a body or a title banner in a one-cell table)."""
    for i, row in enumerate(rows):
        left = len(rows) - i
        for c in row:
            c.rowspan = left if c.rowspan == 0 else max(1, min(c.rowspan, left))
            c.colspan = max(1, min(c.colspan, MAX_COLSPAN))
    if len(rows) < MIN_ROWS or width(rows) < MIN_COLUMNS:
        return None
    kept = [x for x in lines if x.strip("| ")]
    return FoundTable(Table(rows=rows, header_rows=min(header_rows, len(rows))), kept)


def width(rows: list[list[Cell]]) -> int:
    """The number of grid columns: the widest row, counting cells that reach down from rows above."""
    below: dict[int, int] = {}  # row index -> columns taken there by rowspans from above
    widest = 0
    for i, row in enumerate(rows):
        taken = below.pop(i, 0)
        cols = sum(c.colspan for c in row)
        widest = max(widest, taken + cols)
        for c in row:
            for j in range(i + 1, i + c.rowspan):
                below[j] = below.get(j, 0) + c.colspan
    return widest


def _squash(text: str) -> str:
    return _WS_RE.sub("", normalize(text))


def attach_tables(sections: list[Section], found: list[FoundTable]) -> None:
    """Attach each found table to the section whose text holds its lines, in document order."""
    at_section, at_line = 0, 0
    for f in found:
        target = _squash("".join(f.lines))
        if not target:
            continue
        for si in range(at_section, len(sections)):
            keys = [_squash(x) for x in sections[si].text.split("\n")]
            place = _find(keys, target, at_line if si == at_section else 0)
            if place is not None:
                start, count = place
                f.table.line, f.table.lines = start, count
                sections[si].tables.append(f.table)
                at_section, at_line = si, start + count
                break


def _find(keys: list[str], target: str, start: int) -> tuple[int, int] | None:
    """(first line, line count) of the first run of lines from `start` that spells `target`."""
    for i in range(start, len(keys)):
        if not keys[i] or not target.startswith(keys[i]):
            continue
        got = ""
        for j in range(i, len(keys)):
            got += keys[j]
            if not target.startswith(got):
                break
            if len(got) == len(target):
                return i, j - i + 1
    return None
