"""Per-generation tables, written at commit time and memory-mapped by searches.

A search needs, for every section, its document, year, type, agency, publication date, section
key, field lengths and whether it is deleted (``tables.Tables``). Reading those from Whoosh's
columns is one Python call per section and column, which made every ``gongkai search`` start-up
grow with the index. Instead:

- each segment gets, once, a sidecar ``<segment id>.gkcols`` with its columns as arrays (the
  sidecar shares the segment's name, so Whoosh deletes it together with the segment);
- after each commit, ``write_generation`` combines the sidecars and the generation's deletions
  into ``gongkai-tables-<generation>.bin``: a JSON header and raw arrays;
- ``load`` maps that file and hands ``Tables`` arrays that point into it (no copy, no parsing
  beyond the header), so opening costs the same at 1k sections and at 1M.

A generation without its file (an index written before this, a failed write) is read from the
columns as before.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.fields import NUMERIC

SIDECAR = ".gkcols"
PREFIX = "gongkai-tables-"
TEXT_LENGTHS = ("title", "heading", "body", "agency_text")
STRINGS = ("type", "agency", "published", "section")
_HEAD = struct.Struct("<Q")
_ALIGN = 64


def _pack(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> bytes:
    """JSON header (with each array's dtype, shape and offset) followed by the arrays, aligned."""
    layout, parts, pos = {}, [], 0
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        pad = -pos % _ALIGN
        parts.append(b"\0" * pad)
        pos += pad
        layout[name] = [a.dtype.str, list(a.shape), pos]
        parts.append(a.tobytes())
        pos += a.nbytes
    head = json.dumps({**meta, "arrays": layout}, ensure_ascii=False).encode("utf-8")
    start = _HEAD.size + len(head)
    start += -start % _ALIGN
    return _HEAD.pack(len(head)) + head + b"\0" * (start - _HEAD.size - len(head)) + b"".join(parts)


def _unpack(buf: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    n = _HEAD.unpack_from(buf, 0)[0]
    meta = json.loads(bytes(buf[_HEAD.size : _HEAD.size + n]).decode("utf-8"))
    start = _HEAD.size + n
    start += -start % _ALIGN
    arrays = {}
    for name, (dtype, shape, off) in meta.pop("arrays").items():
        dt = np.dtype(dtype)
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = np.frombuffer(buf, dtype=dt, count=count, offset=start + off).reshape(shape)
    return meta, arrays


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _map(path: Path) -> Any:
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        return mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) if size else b""


# -- per segment ---------------------------------------------------------------------------------
def _column_values(leaf: Any, name: str) -> list[Any]:
    """A whole column in one read (Whoosh's reader reads value by value)."""
    n = leaf.doc_count_all()
    if not leaf.has_column(name):
        return [None] * n
    field = leaf.schema[name]
    values = list(leaf.column_reader(name))
    if isinstance(field, NUMERIC):
        missing = field.from_column_value(field.default)
        return [None if v == missing else v for v in values]
    return values


def segment_columns(leaf: Any) -> dict[str, Any]:
    """The sidecar contents of one segment, read from its Whoosh columns."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    n = leaf.doc_count_all()
    out: dict[str, Any] = {"n": n}
    doc_ids = _column_values(leaf, "doc_id")
    out["doc_id"] = doc_ids
    out["year"] = [y if y and y > 0 else 0 for y in _column_values(leaf, "year")]
    for name in STRINGS:
        out[name] = _column_values(leaf, name)
    for field in TEXT_LENGTHS:
        col = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        out[f"len_{field}"] = np.fromiter(col, dtype=np.uint8, count=n) if col is not None else np.zeros(n, np.uint8)
    return out


def _encode(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    table: dict[Any, int] = {}
    codes = np.fromiter((table.setdefault(v, len(table)) if v not in (None, "") else -1 for v in values),
                        dtype=np.int32, count=len(values))
    return codes, list(table)


def write_sidecar(folder: Path, segment_id: str, cols: dict[str, Any]) -> None:
    arrays: dict[str, np.ndarray] = {"year": np.asarray(cols["year"], dtype=np.int32)}
    meta: dict[str, Any] = {"n": cols["n"]}
    for name in ("doc_id", *STRINGS):
        codes, table = _encode([v.decode("utf-8") if isinstance(v, bytes) else v for v in cols[name]])
        arrays[name] = codes
        meta[name] = table
    for field in TEXT_LENGTHS:
        arrays[f"len_{field}"] = np.asarray(cols[f"len_{field}"], dtype=np.uint8)
    _write_atomic(folder / (segment_id + SIDECAR), _pack(arrays, meta))


def _read_sidecar(folder: Path, segment_id: str) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    path = folder / (segment_id + SIDECAR)
    try:
        return _unpack(path.read_bytes())
    except (OSError, ValueError, KeyError, struct.error):
        return None


# -- per generation ------------------------------------------------------------------------------
def _generation_path(folder: Path, generation: int) -> Path:
    return folder / f"{PREFIX}{generation}.bin"


def write_generation(folder: Path | str) -> None:
    """Combine the sidecars of the current generation's segments (writing missing ones) into its tables."""
    from .schema import open_index

    folder = Path(folder)
    ix = open_index(folder)
    with ix.reader() as reader:
        generation = reader.generation()
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        parts = []
        for leaf in leaves:
            seg_id = leaf.segment().segment_id()
            found = _read_sidecar(folder, seg_id)
            if found is None:
                write_sidecar(folder, seg_id, segment_columns(leaf))
                found = _read_sidecar(folder, seg_id)
                assert found is not None
            deleted = np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64) if leaf.has_deletions() else None
            parts.append((seg_id, found, deleted))
    arrays, meta = _combine(parts)
    meta["generation"] = generation
    _write_atomic(_generation_path(folder, generation), _pack(arrays, meta))
    for old in folder.glob(f"{PREFIX}*.bin"):
        if old.name != _generation_path(folder, generation).name:
            with contextlib.suppress(OSError):
                old.unlink()


def _combine(parts: list[tuple[str, tuple[dict[str, Any], dict[str, np.ndarray]], np.ndarray | None]]
             ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    n = sum(m["n"] for _, (m, _), _ in parts)
    live = np.ones(n, dtype=bool)
    doc_index: dict[str, int] = {}
    tables: dict[str, dict[Any, int]] = {name: {} for name in STRINGS}
    sec: dict[str, list[np.ndarray]] = {name: [] for name in ("doc_id", "year", *STRINGS)}
    lens: dict[str, list[np.ndarray]] = {f: [] for f in TEXT_LENGTHS}
    offset = 0
    for _, (meta, arr), deleted in parts:
        k = meta["n"]
        remap = np.array([doc_index.setdefault(d, len(doc_index)) for d in meta["doc_id"]] + [-1], dtype=np.int32)
        sec["doc_id"].append(remap[arr["doc_id"]])
        sec["year"].append(np.asarray(arr["year"]))
        for name in STRINGS:
            t = tables[name]
            remap = np.array([t.setdefault(v, len(t)) for v in meta[name]] + [-1], dtype=np.int32)
            sec[name].append(remap[arr[name]])
        for f in TEXT_LENGTHS:
            lens[f].append(np.asarray(arr[f"len_{f}"]))
        if deleted is not None and len(deleted):
            live[offset + deleted] = False
        offset += k

    def cat(xs: list[np.ndarray], dtype: Any) -> np.ndarray:
        return np.concatenate(xs).astype(dtype, copy=False) if xs else np.zeros(0, dtype=dtype)

    sec_doc = cat(sec["doc_id"], np.int32)
    ndocs = len(doc_index)
    # A document's fields come from its first live section (its first section if all are deleted).
    first = np.full(ndocs, n, dtype=np.int64)
    idx = np.arange(n, dtype=np.int64)
    fallback = np.full(ndocs, n, dtype=np.int64)
    if n:
        np.minimum.at(first, sec_doc[live], idx[live])
        np.minimum.at(fallback, sec_doc, idx)
    first = np.where(first < n, first, fallback)
    year = cat(sec["year"], np.int32)
    out = {"sec_doc": sec_doc, "doc_first": first, "doc_year": year[first] if n else year,
           "sec_section": cat(sec["section"], np.int32), "live": live}
    for name, key in (("type", "doc_type"), ("agency", "doc_agency")):
        codes = cat(sec[name], np.int32)
        out[key] = codes[first] if n else codes
    pub_codes = cat(sec["published"], np.int32)
    pub_table = list(tables["published"])
    pub = np.array([*pub_table, ""], dtype=str)
    out["doc_published"] = pub[pub_codes[first]] if n else np.zeros(0, dtype="<U1")
    out["doc_date"] = date_ranks(out["doc_published"])
    for f in TEXT_LENGTHS:
        out[f"len_{f}"] = cat(lens[f], np.uint8)
    blob = "\0".join(doc_index).encode("utf-8")
    out["doc_id_blob"] = np.frombuffer(blob, dtype=np.uint8) if blob else np.zeros(0, dtype=np.uint8)
    meta = {"n": n, "segments": [seg for seg, _, _ in parts], "ndocs": ndocs,
            "type_names": list(tables["type"]), "agency_names": list(tables["agency"]),
            "section_names": list(tables["section"])}
    return out, meta


def date_ranks(published: np.ndarray) -> np.ndarray:
    """Publish dates as integers that sort like the dates; -1 where a document has none."""
    dates, order = np.unique(published, return_inverse=True)
    return (order.astype(np.int32) - (1 if len(dates) and dates[0] == "" else 0)).astype(np.int32)


class DocIds:
    """The document ids, in document-ordinal order, decoded on demand from the mapped file."""

    def __init__(self, blob: np.ndarray, count: int) -> None:
        self._blob = blob
        self._count = count
        self._ends: np.ndarray | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> str:
        if self._ends is None:
            self._ends = np.append(np.flatnonzero(self._blob == 0), len(self._blob))
        ends = self._ends
        start = int(ends[i - 1]) + 1 if i > 0 else 0
        return bytes(self._blob[start : int(ends[i])]).decode("utf-8")

    def __iter__(self) -> Any:
        return (self[i] for i in range(self._count))


def load(folder: Path | str, reader: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """The generation's tables when they were written for exactly this reader's segments, else None."""
    path = _generation_path(Path(folder), reader.generation())
    try:
        buf = _map(path)
        meta, arrays = _unpack(buf)
    except (OSError, ValueError, KeyError, struct.error):
        return None
    segments = [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()]
    if meta.get("segments") != segments or meta.get("n") != reader.doc_count_all():
        return None
    return meta, arrays
