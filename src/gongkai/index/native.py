"""The index-time analyzer loop in Rust (``native/``, built by ``scripts/setup`` where cargo is found).

``gongkai._native.Analyzer.token_lists`` gives what ``analysis.token_lists`` gives over rjieba, in one
call per text instead of a few Python operations per token: bulk index builds use it
(``analysis.analyse_arrays``). It is used only where it gives the same tokens:
- the segmenter is rjieba (not ``GONGKAI_SEGMENTER=jieba``), at the version whose jieba-rs the
  extension is built on (``RJIEBA``);
- the extension is built (``scripts/setup`` builds it when cargo is there) and ``GONGKAI_NATIVE`` is
  not ``0``.
Otherwise, and for any text it cannot take (lone surrogates), the Python loop runs: the same tokens,
slower. tests/test_native.py holds the two equal.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

# The rjieba release built on the jieba-rs the extension links (native/Cargo.toml pins jieba-rs 0.11.0).
RJIEBA = "0.2.2"


def word_char_bitmap() -> bytes:
    """One bit per code point (little-endian bit order): set where Python's ``[^\\W_]`` matches, the
    letters and digits of ``analysis._RUN``, so that the extension classifies as this Python does."""
    import numpy as np

    every = "".join(map(chr, range(0x110000)))
    mask = np.zeros(0x110000, dtype=bool)
    for m in re.finditer(r"[^\W_]+", every):
        mask[m.start() : m.end()] = True
    return np.packbits(mask, bitorder="little").tobytes()


def available() -> bool:
    """Whether the extension is built and may stand in for the Python loop here."""
    return _load() is not None


@lru_cache(maxsize=1)
def extension() -> Any:
    """The extension module (for what does not depend on the segmenter: ``scatter`` and the query
    steps, listed at the top of ``native/src/lib.rs``), or None when it is not built or
    ``GONGKAI_NATIVE`` is 0."""
    if os.environ.get("GONGKAI_NATIVE", "1") == "0":
        return None
    try:
        from gongkai import _native  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _native


@lru_cache(maxsize=1)
def _load() -> Any:
    """The extension where its analyzer gives rjieba's tokens, else None."""
    module = extension()
    if module is None:
        return None
    from .segment import _default_kind

    if (os.environ.get("GONGKAI_SEGMENTER") or _default_kind()) != "rjieba":
        return None
    from importlib import metadata

    try:
        if metadata.version("rjieba") != RJIEBA:
            return None
    except metadata.PackageNotFoundError:
        return None
    return module


def vocab() -> Any:
    """A new ``_native.Vocab`` (for ``analysis.analyse_ids``) where the analyzer is used, else None."""
    module = _load()
    return None if module is None else module.Vocab()


@lru_cache(maxsize=1)
def analyzer() -> Any:
    """The process's ``_native.Analyzer`` (jieba's dictionary with our user words), or None."""
    module = _load()
    if module is None:
        return None
    from .segment import _user_words

    return module.Analyzer(_user_words(), word_char_bitmap())
