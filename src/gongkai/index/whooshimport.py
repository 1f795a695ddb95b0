"""Whoosh's base modules, imported before anything else of the index (see ``import_whoosh_lightly``)."""

from __future__ import annotations

import sys as _sys
import types as _types


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


import_whoosh_lightly()
