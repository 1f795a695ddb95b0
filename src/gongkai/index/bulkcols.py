"""Whoosh's per-document columns of a bulk segment, written column by column.

Whoosh's ``W3PerDocWriter`` takes a segment's stored fields, field lengths and sortable values one
document at a time: for every section a dozen calls, each through four layers of Python (the
per-document writer, the column writer, the compound file, the struct file). ``Columns`` keeps the
same values as arrays while a ``SegmentBuilder`` collects its documents (the stored fields go to
their column's file as they come: they are most of the bytes) and, when the segment is finished,
hands each column writer of ``W3PerDocWriter`` its whole state at once, then lets Whoosh's own
``finish`` and ``close`` write the files. The files are byte for byte those of the per-document
calls (tests/test_bulkcols.py compares them), so every reader, Whoosh's included, reads them as before.

What is handed over in bulk is what Whoosh 2.7's column writers hold: for a ``VarBytesColumn`` (and
the compressed stored fields built on it) the data written, the lengths and offsets and their
``GrowableArray`` type; for a ``NumericColumn`` the fixed-size values written up to the last one
that is not the default. Any other column type is given its values one by one, through its writer.
"""

from __future__ import annotations

from array import array
from pickle import dumps
from typing import Any

import numpy as np
from whoosh import columns as wcols
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocWriter, _lenfield

from .w3write import length_bytes


def _growable_type(values: list[int] | array[int]) -> str:
    """The type code a ``GrowableArray(allow_longs=False)`` has after appending ``values``."""
    top = max(values, default=0)
    if top < 256:
        return "B"
    if top < 2**16:
        return "H"
    if top < 2**31:
        return "i"
    if top < 2**32:
        return "I"
    raise OverflowError(f"{top!r} is too big to fit in an array")


class _VarBytes:
    """A ``VarBytesColumn`` writer's state, built value by value (``VarBytesColumn.Writer.add``)."""

    def __init__(self) -> None:
        self.lengths: list[int] = []
        self.offsets: list[int] = []
        self.base = 0
        self.count = 0

    def add(self, docnum: int, size: int) -> None:
        if docnum > self.count:  # documents without a value: length 0, at the current offset
            gap = docnum - self.count
            self.lengths.extend([0] * gap)
            self.offsets.extend([self.base] * gap)
        self.lengths.append(size)
        self.offsets.append(self.base)
        self.base += size
        self.count = docnum + 1

    def hand_over(self, writer: Any) -> None:
        writer._lengths.array = array(_growable_type(self.lengths), self.lengths)
        writer._offsets.array = array(_growable_type(self.offsets), self.offsets)
        writer._offset_base = self.base
        writer._count = self.count


class Columns:
    """The stored fields, field lengths and column values of one segment's documents."""

    def __init__(self, perdoc: W3PerDocWriter, schema: Any) -> None:
        self.perdoc = perdoc
        self.schema = schema
        stored = perdoc._colwriters["_stored"]
        # The stored fields' column: Whoosh's PickleColumn over a CompressedBytesColumn, written as it comes.
        self._stored_file = stored._child._dbfile
        self._stored_level, self._stored_compress = stored._child._level, stored._child._compress
        self._stored = _VarBytes()
        self._values: dict[str, list[tuple[int, Any]]] = {}  # column name -> (document, column value)

    def add(self, docnum: int, stored: dict[str, Any], values: dict[str, Any]) -> None:
        """Document ``docnum``'s stored fields (in the order Whoosh would add them) and column values."""
        if stored:
            data = self._stored_compress(dumps(stored, 2), self._stored_level)
            self._stored_file.write(data)
            self._stored.add(docnum, len(data))
        for name, value in values.items():
            self._values.setdefault(name, []).append((docnum, value))

    def close(self, doccount: int, lengths: dict[str, array[int]]) -> None:
        """Write every column and close the per-document writer; ``lengths``: tokens per document, per
        text field (documents past the end of an array have none)."""
        perdoc = self.perdoc
        perdoc._doccount = doccount
        self._stored.hand_over(perdoc._colwriters["_stored"]._child)
        for name in sorted(self._values):
            field = self.schema[name]
            self._column(name, field.column_type, self._values[name])
        for name, counts in lengths.items():
            n = np.frombuffer(counts, dtype=np.int32) if len(counts) else np.zeros(0, dtype=np.int32)
            if not n.any():
                continue
            perdoc._fieldlengths[name] += int(n.sum(dtype=np.int64))
            lb = length_bytes(n.astype(np.int64))
            docs = np.flatnonzero(lb)
            self._column(_lenfield(name), LENGTHS_COLUMN, list(zip(docs.tolist(), lb[docs].tolist(), strict=True)))
        perdoc.close()

    def _column(self, name: str, column: Any, values: list[tuple[int, Any]]) -> None:
        perdoc = self.perdoc
        if not perdoc._has_column(name):
            perdoc._create_column(name, column)
        writer = perdoc._get_column(name)
        kind = type(writer)
        if kind is wcols.VarBytesColumn.Writer:
            state = _VarBytes()
            for docnum, v in values:
                state.add(docnum, len(v))
            writer._dbfile.write(b"".join(v for _, v in values))
            state.hand_over(writer)
        elif kind is wcols.NumericColumn.Writer:
            out: list[bytes] = []
            count, pack, default = 0, writer._pack, writer._default
            fill = writer._defaultbytes
            for docnum, v in values:
                if v == default:
                    continue
                if docnum > count:
                    out.append(fill * (docnum - count))
                out.append(pack(v))
                count = docnum + 1
            writer._dbfile.write(b"".join(out))
            writer._count = count
        else:  # any other column type: its own writer, value by value
            for docnum, v in values:
                writer.add(docnum, v)


__all__ = ["Columns"]
