"""Per-generation tables written at commit time give searches exactly what reading the columns gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from factory import make_doc
from gongkai.index import Indexer, SearchRequest, gentables, open_index, open_searcher
from gongkai.index.tables import Tables


def _arrays(t: Tables) -> dict[str, object]:
    return {
        "doc_ids": list(t.doc_ids), "sec_doc": t.sec_doc.tolist(), "doc_first": t.doc_first.tolist(),
        "doc_year": t.doc_year.tolist(), "doc_published": t.doc_published.tolist(), "doc_date": t.doc_date.tolist(),
        "live": t.live.tolist(),
        "type": [t.type_names[c] if c >= 0 else None for c in t.doc_type.tolist()],
        "agency": [t.agency_names[c] if c >= 0 else None for c in t.doc_agency.tolist()],
        "section": [t.section_names[c] if c >= 0 else None for c in t.sec_section.tolist()],
        **{f: t.length_bytes(f).tolist() for f in gentables.TEXT_LENGTHS},
    }


@pytest.mark.parametrize("bulk", [False, True])
def test_generation_tables_equal_the_columns(tmp_path: Path, bulk: bool) -> None:
    path = tmp_path / "ix"
    with Indexer(path, bulk_min=1 if bulk else 10**9, workers=0) as ix:
        for i in range(40):
            ix.upsert(make_doc(i))
    with Indexer(path) as ix:  # a second segment, deletions and an update in the first
        ix.upsert(make_doc(3, title="更新后的报告"))
        ix.delete(make_doc(5).id)
        for i in range(40, 45):
            ix.upsert(make_doc(i, year=None) if i == 44 else make_doc(i))
    files = list(path.glob(f"{gentables.PREFIX}*.bin"))
    assert len(files) == 1  # the current generation's only
    with open_index(path).searcher() as s:
        mapped, read = Tables(s, path), Tables(s)
        assert isinstance(mapped.doc_ids, gentables.DocIds) and isinstance(read.doc_ids, list)
        assert _arrays(mapped) == _arrays(read)
        assert not mapped.live.all()
    # the updated document's fields come from its live version
    with open_searcher(path) as h:
        r = h.search(SearchRequest("更新后的报告"))
        assert r["total"] == 1 and r["facets"]["year"] == {str(make_doc(3).year): 1}


def test_stale_or_missing_tables_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Indexer(path) as ix:
        for i in range(5):
            ix.upsert(make_doc(i))
    (table,) = path.glob(f"{gentables.PREFIX}*.bin")
    with open_index(path).reader() as r:
        assert gentables.load(path, r) is not None
    table.write_bytes(b"garbage")
    with open_index(path).reader() as r:
        assert gentables.load(path, r) is None
    table.unlink()
    with open_searcher(path) as h:  # the columns are read instead
        assert h.search(SearchRequest("公开", limit=100))["total"] == 5
    with open_index(path).searcher() as s:
        assert np.array_equal(Tables(s, path).sec_doc, Tables(s).sec_doc)


def test_bulk_segments_bring_their_own_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Indexer(path, bulk_min=1, workers=0) as ix:
        for i in range(30):
            ix.upsert(make_doc(i, year=None) if i == 7 else make_doc(i))
    with open_index(path).reader() as r:
        (leaf, _), = list(r.leaf_readers())
        seg = leaf.segment().segment_id()
        written = gentables._read_sidecar(path, seg)
        gentables.write_sidecar(path, seg, gentables.segment_columns(leaf))
        from_columns = gentables._read_sidecar(path, seg)
    assert written is not None and from_columns is not None
    assert written[0] == from_columns[0]
    assert written[1].keys() == from_columns[1].keys()
    for name, values in written[1].items():
        assert np.array_equal(values, from_columns[1][name]), name
