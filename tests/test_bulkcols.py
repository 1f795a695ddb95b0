"""bulkcols.Columns writes a segment's per-document columns as Whoosh's per-document calls write them:
the same bytes, whatever the gaps, value sizes and column types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import columns as wcols
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import W3PerDocWriter, W3Segment, _lenfield
from whoosh.fields import ID, NUMERIC, STORED, Schema
from whoosh.filedb.filestore import FileStorage

from gongkai.index.bulkcols import Columns

COLUMNS = {"doc": wcols.VarBytesColumn(), "year": wcols.NumericColumn("i", default=0), "ref": wcols.RefBytesColumn()}


def _docs(n: int) -> list[dict[str, Any]]:
    docs = []
    for i in range(n):
        d: dict[str, Any] = {"url": f"http://example.gov.cn/{i}"}
        if i % 5 != 3 and i < n - 2:  # gaps in the middle and at the end
            d["doc"] = (f"id-{i}" * (1 + (i % 7) * 40)).encode()  # lengths past 255 and offsets past 65 535
        if i % 3:
            d["year"] = 0 if i % 4 == 0 else 2000 + i  # the default (0) is not written
        if i % 2:
            d["ref"] = b"abc"[: i % 3 + 1]
        d["length"] = 0 if i % 6 == 0 else i * 37  # tokens of a text field
        docs.append(d)
    return docs


def _writer(folder: Path) -> tuple[FileStorage, W3PerDocWriter, W3Segment]:
    folder.mkdir()
    storage = FileStorage(str(folder))
    segment = W3Segment(default_codec(), "MAIN")
    return storage, W3PerDocWriter(default_codec(), storage, segment), segment


def _files(folder: Path, segment: W3Segment) -> dict[str, bytes]:
    prefix = segment.segment_id()
    return {p.name[len(prefix):]: p.read_bytes() for p in folder.iterdir() if p.name.startswith(prefix)}


def _one_by_one(folder: Path, docs: list[dict[str, Any]], schema: Schema) -> dict[str, bytes]:
    _, perdoc, segment = _writer(folder)
    for i, d in enumerate(docs):
        perdoc.start_doc(i)
        perdoc.add_field("url", schema["url"], d["url"], 0)
        perdoc.add_field("text", schema["url"], None, d["length"])
        for name, column in COLUMNS.items():
            if name in d:
                perdoc.add_column_value(name, column, d[name])
        perdoc.finish_doc()
    perdoc.close()
    assert perdoc._fieldlengths["text"] == sum(d["length"] for d in docs)
    return _files(folder, segment)


def _in_bulk(folder: Path, docs: list[dict[str, Any]], schema: Schema) -> dict[str, bytes]:
    from array import array

    _, perdoc, segment = _writer(folder)
    cols = Columns(perdoc, schema)
    for i, d in enumerate(docs):
        cols.add(i, {"url": d["url"]}, {name: d[name] for name in COLUMNS if name in d})
    cols.close(len(docs), {"text": array("i", [d["length"] for d in docs[:-1]])})  # (the last has none)
    assert perdoc._fieldlengths["text"] == sum(d["length"] for d in docs[:-1])
    return _files(folder, segment)


def test_columns_are_written_as_the_per_document_calls_write_them(tmp_path: Path) -> None:
    schema = Schema(url=STORED, doc=ID(sortable=True), year=NUMERIC(int, sortable=True), ref=ID(sortable=True))
    for field, column in COLUMNS.items():
        schema[field].column_type = column
    for n in (1, 7, 40, 2000):  # 2000 documents: the lengths need two bytes, the offsets four
        docs = _docs(n)
        docs[-1]["length"] = 0
        one = _one_by_one(tmp_path / f"one-{n}", docs, schema)
        bulk = _in_bulk(tmp_path / f"bulk-{n}", docs, schema)
        assert sorted(one) == sorted(bulk)
        if n >= 40:
            assert {".doc.col", ".year.col", ".ref.col", "._stored.col", f".{_lenfield('text')}.col"} <= set(one)
        for name in one:
            assert bulk[name] == one[name], (n, name)


def test_the_stored_column_writes_offsets_past_the_cutoff(tmp_path: Path) -> None:
    """Whoosh writes a VarBytes column's offsets only past its cutoff: the state handed over keeps that."""
    schema = Schema(url=STORED)
    docs = _docs(40)
    _, perdoc, segment = _writer(tmp_path / "cut")
    perdoc._colwriters["_stored"]._child.cutoff = 0
    cols = Columns(perdoc, schema)
    for i, d in enumerate(docs):
        cols.add(i, {"url": d["url"]}, {})
    cols.close(len(docs), {})
    data = _files(tmp_path / "cut", segment)["._stored.col"]
    assert data.endswith(b"X")  # the mark of written offsets
