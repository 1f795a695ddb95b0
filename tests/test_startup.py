"""What a command-line search loads: one copy of the dictionary, no network or e-mail modules
(start-up is measured by the benchmark; these tests check the imports that make it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factory import make_doc
from gongkai.index import Indexer
from gongkai.index.segment import _user_words

_PROBE = """
import json, sys
from gongkai.cli import cli
try:
    cli(["search", "公开", "--index", sys.argv[1]])
except SystemExit:
    pass
from gongkai.index.segment import get_segmenter
print(json.dumps({"modules": sorted(sys.modules), "cut": get_segmenter().cut(sys.argv[2])}))
"""


@pytest.mark.parametrize("compiled", [True, False])
def test_a_search_loads_one_dictionary_and_no_network_modules(tmp_path: Path, compiled: bool) -> None:
    with Indexer(tmp_path / "ix") as ix:  # (its commit compiles the dictionary into the cache folder)
        for i in range(3):
            ix.upsert(make_doc(i))
    text = "本机关全年主动公开政府信息1200条，收到政府信息公开申请48件"
    env = {**os.environ, "GONGKAI_SEGMENTER": "rjieba"}
    if not compiled:
        env["GONGKAI_CACHE"] = str(tmp_path / "no-cache")
    out = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path / "ix"), text], capture_output=True, text=True,
                         check=True, env=env)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    modules = set(found["modules"])
    assert "青溪市" in out.stdout  # the search ran and printed its results
    if compiled:  # the compiled dictionary: jieba-rs is not even imported
        assert "gongkai.index.dictseg" in modules and not modules & {"rjieba", "rjieba.rjieba", "jieba"}
    else:  # jieba-rs's, once: rjieba's own default instance never built
        assert "rjieba.rjieba" in modules and "rjieba" not in modules
    assert not modules & {"urllib.request", "http.client", "email.parser", "ssl", "asyncio", "importlib.metadata",
                          "whoosh.lang.morph_en"}
    import rjieba  # the package's own way, in this process: the same words

    reference = rjieba.Jieba()
    for word, freq in _user_words():
        reference.add_word(word, freq, None)
    assert found["cut"] == reference.cut(text, True)


def test_the_modules_whoosh_imports_are_the_real_ones_after_the_index_is_imported() -> None:
    code = ("import gongkai.index, whoosh.compat, whoosh.reading, urllib.request, cached_property, sys; "
            "import whoosh.query.terms as terms, whoosh.lang.morph_en as morph; "
            "print(hasattr(urllib.request, 'Request'), sys.modules['urllib.request'] is urllib.request, "
            "callable(whoosh.compat.urlretrieve), hasattr(cached_property, 'threaded_cached_property'), "
            "hasattr(morph, 'exceptions'), sorted(terms.variations('files')) == sorted(morph.variations('files')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"] * 6


_MAIN = """
import atexit, sys
atexit.register(lambda: print("teardown", file=sys.stderr))
sys.argv = ["gongkai", *sys.argv[1:]]
from gongkai.cli import main
main()
"""


def test_a_search_prints_all_its_answer_then_exits_without_the_teardown(tmp_path: Path) -> None:
    with Indexer(tmp_path / "ix") as ix:
        for i in range(30):
            ix.upsert(make_doc(i))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _MAIN, *args], capture_output=True, text=True)

    out = run("search", "公开", "--index", str(tmp_path / "ix"), "--format", "jsonl", "--all")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 0 and len(rows) == 30  # every row written out before the quick exit
    assert "teardown" not in out.stderr
    out = run("search", "公开", "--index", str(tmp_path / "ix"), "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["total"] == 30
    assert "teardown" not in out.stderr
    # a failed search and the other commands end the ordinary way
    out = run("search", "公开", "--index", str(tmp_path / "missing"))
    assert out.returncode == 1 and "teardown" in out.stderr
    out = run("info", "--index", str(tmp_path / "ix"))
    assert out.returncode == 0 and "teardown" in out.stderr
