"""Whoosh's hash files (the term dictionaries) open with the directory read whole, to the same reader."""

from __future__ import annotations

import pytest
from whoosh.filedb import filetables as ft
from whoosh.filedb.filestore import RamStorage

from gongkai.index import whooshimport  # noqa: F401 - applies the change


def _hash_file(storage: RamStorage, name: str, n: int) -> None:
    w = ft.OrderedHashWriter(storage.create_file(name))
    for i in range(n):
        w.add(f"key{i:06d}".encode(), f"value {i}".encode())
    w.extras["fieldmap"] = {"body": 0}
    w.close()


@pytest.mark.parametrize("n", [0, 1, 5000])
def test_a_hash_file_opens_to_the_same_reader_either_way(n: int) -> None:
    storage = RamStorage()
    _hash_file(storage, "t.trm", n)
    assert getattr(ft.HashReader.__init__, "_whole_directory", False)
    ours = ft.OrderedHashReader.open(storage, "t.trm")
    theirs = ft.OrderedHashReader.__new__(ft.OrderedHashReader)
    ft.HashReader.__init__.__wrapped__(theirs, storage.open_file("t.trm"), storage.file_length("t.trm"))
    for attr in ("tables", "endofdata", "startofdata", "hashtype", "extras"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert len(ours.tables) == 256
    assert [ours[f"key{i:06d}".encode()] for i in range(0, n, 997)] == [
        f"value {i}".encode() for i in range(0, n, 997)]
    assert list(ours.keys()) == list(theirs.keys())


def test_a_file_that_is_not_a_hash_file_is_refused() -> None:
    storage = RamStorage()
    f = storage.create_file("x.trm")
    f.write(b"NOPE" + b"\0" * 64)
    f.close()
    with pytest.raises(ft.FileFormatError):
        ft.HashReader.open(storage, "x.trm")
