"""The README's platform loader example, run as written: a file named by $GONGKAI_PLATFORMS, crawled
through the CLI against a fixture site of that (invented) CMS."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawlhelpers import store_docs
from mocksite import Call, MockSite, Resp
from platform_sites import Doc, article_html

from gongkai.crawler import platforms
from gongkai.crawler.commands import crawl_command

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

README = Path(__file__).parents[2] / "README.md"
ROWS = [Doc(f"/rows/{100 + i}.html", f"青溪县关于第{i + 1}批农村公路养护项目的公示", f"2023-0{1 + i // 3}-1{i % 3}",
            f"ROWS{i:02d}X") for i in range(7)]


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("#### Writing a platform loader", 1)[1]
    m = re.search(r"```python\n(.*?)```", section, re.S)
    assert m, "the README lost its loader example"
    return m.group(1)


@pytest.fixture
def example_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "rowlist.py").write_text(readme_example(), encoding="utf-8")
    monkeypatch.setenv(platforms.PLUGINS_ENV, str(tmp_path / "rowlist.py"))
    monkeypatch.setattr(platforms, "_plugins", None)
    yield
    monkeypatch.setattr(platforms, "_plugins", None)


def rowlist_site(root: Path) -> MockSite:
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (root / "notices.html").write_text("<html><head><meta charset='utf-8'><title>公示公告</title></head><body>"
                                       "<div class='rowlist' data-source='/rows/list.json'></div>"
                                       "<script src='/static/rowlist.js'></script></body></html>", encoding="utf-8")
    for d in ROWS:
        (root / d.path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / d.path.lstrip("/")).write_text(article_html(d, "青溪县人民政府", "青溪县交通运输局", "公示公告"),
                                               encoding="utf-8")
    server = MockSite(root)

    def rows(c: Call) -> Resp:
        n, per = int(c.query.get("page", "1")), 3
        part = ROWS[(n - 1) * per:n * per]
        data = {"rows": [{"name": d.title, "href": d.path, "day": d.date} for d in part], "pages": 3,
                "total": len(ROWS)}
        return Resp(200, json.dumps(data, ensure_ascii=False), {"Content-Type": "application/json"})

    server.apis["/rows/list.json"] = rows
    return server


def test_readme_loader_example_crawls_its_platform(example_loader: None, tmp_path: Path) -> None:
    server = rowlist_site(tmp_path / "site")
    try:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[site]]\nname = "rows"\nstart_urls = ["{server.url}notices.html"]\ndelay_seconds = 0\n',
                         encoding="utf-8")
        r = CliRunner().invoke(crawl_command, ["--sites", str(sites), "--state", str(tmp_path / "st"),
                                               "--index", str(tmp_path / "ix"), "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["failed"] == 0
        found = sorted(u.replace(server.url, "/") for u, _, _ in store_docs(tmp_path / "st").values())
        assert found == sorted(d.path for d in ROWS)
        # each list page once (pages 2 and 3 may be fetched side by side, in either order)
        assert sorted(p for p in server.paths() if p.startswith("/rows/list.json")) == [
            "/rows/list.json?page=1", "/rows/list.json?page=2", "/rows/list.json?page=3"]
        named = tmp_path / "named.toml"
        named.write_text(sites.read_text(encoding="utf-8") + 'platform = "rowlist"\n', encoding="utf-8")
        r = CliRunner().invoke(crawl_command, ["--sites", str(named), "--state", str(tmp_path / "st2"),
                                               "--index", str(tmp_path / "ix2"), "--json"])
        assert r.exit_code == 0 and len(store_docs(tmp_path / "st2")) == len(ROWS)
    finally:
        server.close()


def test_a_broken_loader_file_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.py").write_text("import no_such_module_anywhere\n", encoding="utf-8")
    monkeypatch.setenv(platforms.PLUGINS_ENV, str(tmp_path / "bad.py"))
    monkeypatch.setattr(platforms, "_plugins", None)
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "x"\nstart_urls = ["http://127.0.0.1:9/"]\nplatform = "hanweb"\n',
                     encoding="utf-8")
    r = CliRunner().invoke(crawl_command, ["--sites", str(sites), "--state", str(tmp_path / "st")])
    assert r.exit_code == 2  # a broken loader named in the configuration is bad input
    assert r.output.startswith(f"Error: the platform loader file {tmp_path / 'bad.py'} cannot be loaded: "
                               "ModuleNotFoundError")
    monkeypatch.setattr(platforms, "_plugins", None)
