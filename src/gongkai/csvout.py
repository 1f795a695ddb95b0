"""CSV that is safe to open in a spreadsheet: the one writer for the CSV gongkai produces.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read as
a formula by Excel, LibreOffice and Google Sheets. Crawled titles and agency names are not ours to
trust, so such a cell gets a leading apostrophe, the usual neutralisation (spreadsheets show the
text, and a reader sees why it is there). Numbers stay numbers; None is an empty cell.

``csv_lines(header, rows, bom=...)`` yields the file line by line, so a large export streams.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"  # lets spreadsheet programs read the file as UTF-8 (Excel guesses a local code page)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return "'" + text if text.startswith(_FORMULA_START) else text
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = False) -> Iterator[str]:
    """The CSV text of ``header`` and ``rows``, one line (``\\r\\n``-terminated, as RFC 4180) at a time."""
    buf = io.StringIO()
    writer = csv.writer(buf)

    def line(cells: Sequence[Any]) -> str:
        writer.writerow([safe_cell(c) for c in cells])
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    yield (BOM if bom else "") + line(header)
    for row in rows:
        yield line(row)
