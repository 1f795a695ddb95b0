"""Whoosh's base modules, imported before anything else of the index (see ``import_whoosh_lightly``),
and one reader of Whoosh's made to open faster (``read_hash_directories_whole``)."""

from __future__ import annotations

import os
import sys as _sys
import types as _types
from typing import Any


def import_whoosh_lightly() -> None:
    """Import Whoosh's base modules without two imports that cost a command-line search 40 ms and
    200 ms (with ``asyncio``, ``ssl`` …) for things no part of Whoosh we use needs:

    - ``whoosh.compat`` imports ``urllib.request`` for ``urlretrieve``, which Whoosh never calls;
    - ``whoosh.reading`` takes ``cached_property`` from the package of that name, which imports
      ``asyncio`` for coroutine support; its one use (``deleted_docs_set``) is a plain method, for
      which ``functools.cached_property`` does the same;
    - ``whoosh.query.terms`` takes ``variations`` from ``whoosh.lang.morph_en``, whose English
      inflection tables cost 5–9 ms to build, for ``Variations`` queries, which we never make: the
      stand-in imports the real module if it is ever called.

    Stand-ins answer those imports while Whoosh's modules are imported and are removed right after,
    so any later ``import urllib.request``, ``import cached_property`` or ``import whoosh.lang.morph_en``
    gets the real module."""
    if "whoosh.reading" in _sys.modules:
        return
    import functools

    stand_ins = {}
    if "urllib.request" not in _sys.modules:
        web = _types.ModuleType("urllib.request")

        def urlretrieve(*args: object, **kwargs: object) -> object:
            import urllib.request

            return urllib.request.urlretrieve(*args, **kwargs)  # type: ignore[arg-type]

        web.urlretrieve = urlretrieve  # type: ignore[attr-defined]
        stand_ins["urllib.request"] = web
    if "cached_property" not in _sys.modules:
        cached = _types.ModuleType("cached_property")
        cached.cached_property = functools.cached_property  # type: ignore[attr-defined]
        stand_ins["cached_property"] = cached
    if "whoosh.lang.morph_en" not in _sys.modules:
        morph = _types.ModuleType("whoosh.lang.morph_en")

        def variations(word: str) -> object:
            import importlib

            return importlib.import_module("whoosh.lang.morph_en").variations(word)

        morph.variations = variations  # type: ignore[attr-defined]
        stand_ins["whoosh.lang.morph_en"] = morph
    _sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.query  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if _sys.modules.get(name) is module:
                del _sys.modules[name]


def read_hash_directories_whole() -> None:
    """Whoosh's ``HashReader`` (every segment's term dictionary, ``.trm``) reads the 256 entries of its
    file's directory of hash tables one 12-byte read at a time, each through three layers of Python:
    5 000 calls per segment, 20 ms to open the 78 segments of a million sections, for every
    command-line search. This reads the directory in one read and unpacks it at once; the file, the
    entries and every attribute the reader sets are the same (``tests/test_whooshimport.py``)."""
    from whoosh.filedb import filetables as ft

    if getattr(ft.HashReader.__init__, "_whole_directory", False):
        return
    original = ft.HashReader.__init__

    def __init__(self: Any, dbfile: Any, length: int | None = None, magic: bytes = b"HSH3",
                 startoffset: int = 0) -> None:
        self.dbfile = dbfile
        self.startoffset = startoffset
        self.is_closed = False
        if length is None:
            dbfile.seek(0, os.SEEK_END)
            length = dbfile.tell() - startoffset
        dbfile.seek(startoffset)
        filemagic = dbfile.read(4)
        if filemagic != magic:
            raise ft.FileFormatError(f"Unknown file header {filemagic!r}")
        self.hashtype = dbfile.read_byte()
        self.hashfn = ft._hash_functions[self.hashtype]
        dbfile.read_int()  # two ints for future use, as Whoosh writes them
        dbfile.read_int()
        self.startofdata = dbfile.tell()
        exptr = startoffset + length - ft._INT_SIZE
        expos = exptr - dbfile.get_int(exptr)
        dbfile.seek(expos)
        self._read_extras()
        dbfile.seek(expos - ft._directory_size)
        directory = dbfile.read(ft._directory_size)
        if len(directory) != ft._directory_size:
            raise ft.FileFormatError("hash file directory cut short")
        self.tables = list(ft._dir_entry.iter_unpack(directory))
        self.endofdata = self.tables[0][0]

    __init__._whole_directory = True  # type: ignore[attr-defined]
    __init__.__wrapped__ = original  # type: ignore[attr-defined]
    ft.HashReader.__init__ = __init__


import_whoosh_lightly()
read_hash_directories_whole()
