"""Word segmentation: jieba's dictionary and behaviour, through jieba-rs when available.

Two interchangeable back ends give the same Chinese tokens:
- ``rjieba`` (jieba-rs, the default): loads in about 0.2 s and segments much faster;
- ``jieba`` (the reference implementation): about 1-2 s to load its dictionary.
Choose with the ``GONGKAI_SEGMENTER`` setting. The index records which one built it.

Both get the shipped user dictionary of disclosure terms (``gongkai/data/userdict.txt``).
Only runs of Han characters are handed to the segmenter; Latin letters and digits are split
by our own rule (see ``analysis``), which is where the two back ends used to disagree.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from gongkai.i18n import _


class Segmenter(Protocol):
    @property
    def name(self) -> str: ...

    def cut(self, text: str) -> list[str]: ...

    def has_word(self, word: str) -> bool: ...


def _user_words() -> list[tuple[str, int]]:
    words = []
    text = resources.files("gongkai.data").joinpath("userdict.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 else 10000
        words.append((parts[0], freq))
    return words


def _rjieba_path() -> str | None:
    """The file of rjieba's extension module, found without importing the package."""
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec("rjieba")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "rjieba" + suffix)
            if os.path.exists(path):
                return path
    return None


def _rjieba_class() -> Any:
    """rjieba's ``Jieba`` class, if possible without running ``rjieba/__init__.py``: that builds a
    default instance, a second copy of the dictionary we never use (0.12 s of every command-line
    search, 25 MB of every process)."""
    import importlib.machinery
    import importlib.util
    import sys

    if "rjieba" not in sys.modules:
        path = _rjieba_path()
        if path is not None:
            loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", path)
            ext_spec = importlib.util.spec_from_loader("rjieba.rjieba", loader)
            if ext_spec is not None:
                module = importlib.util.module_from_spec(ext_spec)
                loader.exec_module(module)
                sys.modules["rjieba.rjieba"] = module  # a later `import rjieba` reuses it
                return module.Jieba
    import rjieba

    return rjieba.Jieba


class _RJieba:
    def __init__(self) -> None:
        self._jieba = _rjieba_class()()
        for word, freq in _user_words():
            self._jieba.add_word(word, freq, None)

    @property
    def name(self) -> str:  # (not at load time: importlib.metadata takes 20-40 ms a search need not pay)
        return segmenter_name("rjieba")

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(text, True)  # type: ignore[no-any-return]

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(word))


class _Jieba:
    def __init__(self) -> None:
        import logging

        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word, freq in _user_words():
            self._jieba.add_word(word, freq)

    @property
    def name(self) -> str:
        return segmenter_name("jieba")

    def cut(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, HMM=True))

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.FREQ.get(word))


_lock = threading.Lock()


_COMPILED: list[bool] = [False]  # prefer_compiled() was called


def prefer_compiled() -> None:
    """Let this process segment with the compiled dictionary (``dictseg``) instead of loading
    jieba-rs's, where one was compiled from the installed packages: for short-lived processes that
    segment little (a command-line search). Same words either way."""
    _COMPILED[0] = True


@lru_cache(maxsize=4)
def _load(kind: str) -> Segmenter:
    with _lock:
        if kind == "jieba":
            return _Jieba()
        if kind == "rjieba-compiled":
            from .dictseg import open_compiled

            found = open_compiled()
            if found is not None:
                return found
        return _RJieba()


def get_segmenter(kind: str | None = None) -> Segmenter:
    """The process-wide segmenter (loaded once). ``kind``: "rjieba" or "jieba"."""
    kind = kind or os.environ.get("GONGKAI_SEGMENTER") or _default_kind()
    if kind not in ("rjieba", "jieba"):
        from ..errors import ConfigError

        raise ConfigError(_("unknown segmenter {kind!r}: set GONGKAI_SEGMENTER to rjieba or jieba").format(kind=kind))
    if kind == "rjieba" and _COMPILED[0]:
        return _load("rjieba-compiled")
    return _load(kind)


def segmenter_name(kind: str | None = None) -> str:
    """The name ``get_segmenter(kind).name`` has, without loading its dictionary (about 60 MB and
    0.2 s: a writer whose workers do the analysis never needs it)."""
    kind = kind or os.environ.get("GONGKAI_SEGMENTER") or _default_kind()
    if kind not in ("rjieba", "jieba"):
        return get_segmenter(kind).name  # raises the ConfigError
    from importlib import metadata  # (imports email parsing: 10-20 ms a search need not pay)

    return f"{kind} {metadata.version(kind)}"


@lru_cache(maxsize=1)
def _default_kind() -> str:  # (once: a search segments dozens of snippets, each asking for the segmenter)
    import importlib.util

    return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"
