"""PDF (pypdf) and DOCX (python-docx) to lines of text, guarded against hostile files.

- DOCX is a zip: declared uncompressed sizes and ratios are checked before anything is inflated
  (a zip bomb is refused), and the archive must hold word/document.xml.
- DOCX tables are flattened to "a | b | c" rows (python-docx repeats a merged cell in every row and
  column it covers; the text keeps that) and kept as tables from the XML, w:gridSpan and w:vMerge
  read as colspan and rowspan. A PDF has no table structure: its tables stay text.
- PDF: at most `MAX_PDF_PAGES` pages are read; every pypdf failure becomes an ExtractionError. Lines the
  PDF broke inside a sentence are joined again (`join_broken_lines`), so a phrase spanning two printed
  lines is one phrase and snippets have no stray breaks.
- Legacy .doc / .wps (OLE compound files) and OFD are refused with a message naming the format.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from gongkai.i18n import _

from ..errors import ExtractionError
from ..models import Cell
from .tables import FoundTable, build_table, cell_text
from .text import clean_line, normalize

MAX_PDF_PAGES = 500
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed per member; text XML rarely exceeds ~20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf_lines(data: bytes, name: str) -> tuple[list[str], str]:
    """Text lines of a PDF and its metadata title (may be empty)."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as err:  # pragma: no cover - pypdf is a dependency
        raise ExtractionError(_("cannot read PDF {name}: pypdf is not installed.").format(name=name)) from err
    # pypdf logs warnings for every malformed object; they are noise here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as err:  # noqa: BLE001
                raise ExtractionError(
                    _("{name} is an encrypted PDF; it cannot be indexed without its password.").format(name=name)
                ) from err
        title = ""
        try:
            meta = reader.metadata
            title = str(meta.title or "") if meta else ""
        except Exception:  # noqa: BLE001 - a broken info dictionary only costs the title
            title = ""
        texts: list[str] = []
        for i, page in enumerate(reader.pages):
            if i >= MAX_PDF_PAGES:
                break
            texts.append(page.extract_text() or "")
    except ExtractionError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        AssertionError,
        ZeroDivisionError,
        UnicodeError,
    ) as err:
        raise ExtractionError(
            _("{name} is not a readable PDF ({name2}: {err}); check that the file is complete.").format(name=name, name2=type(err).__name__, err=err)
        ) from err
    lines = [clean_line(x) for x in normalize("\n".join(texts), nfkc=False).split("\n")]
    return join_broken_lines([x for x in lines if x]), clean_line(normalize(title))


# A line of a paragraph that the PDF wrapped is (nearly) as wide as the text block and ends without
# closing punctuation; the next line then continues the sentence. Headings, signatures and titles are
# shorter, table rows carry runs of numbers, and numbered items start a new line of their own.
_CLOSING = tuple("。！？；：…!?;:”’」』】")
_NUMBER_RUN_RE = re.compile(r"(?:^|\s)[-+]?\d[\d,.%]*(?:\s+[-+]?\d[\d,.%]*){2,}\s*$")
_ITEM_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.、．](?!\d)|"
    r"第[一二三四五六七八九十百]+[条章节部分]|附件|附表|[①-⑳])"
)
_FULL_SHARE = 0.85


def _width(line: str) -> float:
    return sum(0.5 if ch.isascii() else 1.0 for ch in line)


def join_broken_lines(lines: list[str]) -> list[str]:
    """Join the lines of a PDF that were wrapped inside a sentence (see above); other lines stay as they are."""
    prose = sorted((_width(x) for x in lines if _prose(x)), reverse=True)
    if len(prose) < 3:
        return lines
    full = prose[2]  # the text block's width: reached by at least three lines
    out: list[str] = []
    last = ""  # the previous physical line
    for line in lines:
        if out and _wrapped(last, full) and not _ITEM_START_RE.match(line) and not _NUMBER_RUN_RE.search(line):
            joint = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and line[:1].isascii() \
                and line[:1].isalnum() else ""
            out[-1] += joint + line
        else:
            out.append(line)
        last = line
    return out


def _prose(line: str) -> bool:
    """A line of running text: Chinese, no run of numbers, not a row of space-separated table cells."""
    return line.count(" ") <= 2 and not _NUMBER_RUN_RE.search(line) and bool(re.search(r"[\u4e00-\u9fff]", line))


def _wrapped(line: str, full: float) -> bool:
    return _prose(line) and _width(line) >= _FULL_SHARE * full and not line.endswith(_CLOSING)


def check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """Open a zip after checking it is small enough to inflate; refuse zip bombs."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise ExtractionError(
            _("{name} is not a readable zip/DOCX file ({err}); check that the file is complete.").format(name=name, err=err)
        ) from err
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED_BYTES or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise ExtractionError(
                _("{name} unpacks to more than {value} MB or is compressed suspiciously well (possible zip bomb); it was not read.").format(name=name, value=MAX_UNZIPPED_BYTES // (1024 * 1024))
            )
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        if "OFD.xml" in names or any(n.lower().endswith("ofd.xml") for n in names):
            raise ExtractionError(
                _("{name} is an OFD document; OFD is not supported — convert it to PDF or DOCX.").format(name=name)
            )
        raise ExtractionError(_("{name} is a zip archive but not a Word document (no word/document.xml).").format(name=name))
    return zf


def docx_content(data: bytes, name: str) -> tuple[list[str], str, list[FoundTable]]:
    """Text lines of a DOCX in document order (tables as "a | b | c" rows), its core-properties title and
    its data tables with their merged cells."""
    check_zip(data, name)
    tables: list[FoundTable] = []
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        title = document.core_properties.title or ""
        lines: list[str] = []
        for block in _blocks(document, Paragraph, Table):
            if isinstance(block, Paragraph):
                lines.extend(block.text.split("\n"))
            else:
                rows = _table_rows(block)
                lines.extend(rows)
                found = _docx_table(block, rows)
                if found is not None:
                    tables.append(found)
    except ExtractionError:
        raise
    except Exception as err:  # noqa: BLE001 - python-docx raises many types on malformed parts
        raise ExtractionError(_("{name} is not a readable DOCX file ({name2}: {err}).").format(name=name, name2=type(err).__name__, err=err)) from err
    out = [clean_line(normalize(x, nfkc=False)) for x in lines]
    return [x for x in out if x and x.strip("| ")], clean_line(normalize(title)), tables


def _blocks(document: object, paragraph_cls: type, table_cls: type) -> Iterator[object]:
    body = document.element.body  # type: ignore[attr-defined]
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield paragraph_cls(child, document)
        elif tag == "tbl":
            yield table_cls(child, document)


def _cell_text(cell: Any) -> str:
    text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
    if cell.tables:
        text = " ".join([text, *(" ".join(_table_rows(t)) for t in cell.tables)]).strip()
    return str(text.replace("|", "/"))


def _table_rows(table: object) -> list[str]:
    rows: list[str] = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        last = None
        for cell in row.cells:
            # python-docx repeats a horizontally merged cell once per grid column.
            if last is not None and cell._tc is last:
                continue
            last = cell._tc
            cells.append(_cell_text(cell))
        rows.append(" | ".join(cells))
    return rows


def _docx_table(table: Any, lines: list[str]) -> FoundTable | None:
    """The Word table's cells from its XML: w:gridSpan is a colspan; a cell whose w:vMerge continues
    the one above adds a row to that cell's rowspan instead of being a cell."""
    from docx.oxml.ns import qn
    from docx.table import _Cell

    rows: list[list[Cell]] = []
    open_cells: dict[int, Cell] = {}  # grid column -> the vertically merged cell that started there
    header_rows, in_header = 0, True
    for tr in table._tbl.tr_lst:
        row: list[Cell] = []
        col = tr.grid_before
        for tc in tr.tc_lst:
            colspan = max(1, tc.grid_span)
            merge = tc.vMerge
            above = open_cells.get(col)
            if merge == "continue" and above is not None:
                above.rowspan += 1
            else:
                cell = Cell(cell_text(_cell_text(_Cell(tc, table))), 1, colspan)
                row.append(cell)
                for c in range(col, col + colspan):
                    open_cells.pop(c, None)
                if merge == "restart":
                    open_cells[col] = cell
            col += colspan
        rows.append(row)
        flags = tr.xpath("./w:trPr/w:tblHeader")
        in_header = in_header and bool(flags) and flags[0].get(qn("w:val"), "true") not in ("0", "false")
        header_rows += in_header
    return build_table(rows, lines, header_rows)
