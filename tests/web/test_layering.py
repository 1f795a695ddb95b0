"""The web layer's imports go downward: the app factory (`gongkai.web.app`) imports the blueprints,
the blueprints never import it (they share `gongkai.web.pool`)."""

from __future__ import annotations

import ast
from pathlib import Path

import gongkai

SRC = Path(gongkai.__file__).parent
BELOW_THE_APP = ["web/views.py", "web/feed.py", "web/archive.py", "web/language.py", "web/pool.py", "web/cache.py",
                 "stats/web.py"]


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_blueprints_do_not_import_the_app_factory() -> None:
    for rel in BELOW_THE_APP:
        path = SRC / rel
        assert path.exists(), rel
        assert not {n for n in _imported(path) if n == "gongkai.web.app" or n.startswith("gongkai.web.app.")}, rel
