"""The OpenSearch backend chosen in the index configuration: every command and the web page work
unchanged on it, and give the answers the Whoosh backend gives for the same input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from oshelpers import new_config

from gongkai.backends import backend_config, open_searcher
from gongkai.backends.opensearch.cluster import Cluster
from gongkai.cli import cli
from gongkai.crawler.run import crawl
from gongkai.crawler.server import SiteServer
from gongkai.crawler.sites import Site
from gongkai.demo import SITE_DIR

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docs"


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve of the extraction fixtures (both outlines, GBK, PDF, DOCX, a notice): enough variety,
    and each test indexes them twice."""
    import shutil

    out = tmp_path_factory.mktemp("docs")
    picked = [p for p in sorted(FIXTURES.iterdir()) if p.suffix not in (".json", ".md")][::3]
    for p in picked:
        shutil.copy(p, out / p.name)
    return out
QUERIES = [["依申请公开"], ['"政府信息公开"', "--section", "requests"], ["行政复议", "--year", "2019-2022"],
           ["收费", "--type", "annual_report", "--sort", "date"], ["公开", "--agency", "教育局"]]


def run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _init(cluster: Cluster, folder: Path, replicas: int = 1) -> str:
    name = new_config(cluster).index
    run("init", "--index", str(folder), "--backend", "opensearch", "--url", ",".join(cluster.urls), "--name", name,
        "--shards", "2", "--replicas", str(replicas))
    return name


def _answers(folder: Path, args: list[str]) -> dict:
    out = json.loads(run("search", "--index", str(folder), "--json", "--limit", "100", *args))
    out["ids"] = sorted(r["id"] for r in out.pop("results"))
    return out


def test_init_index_search_show_info_stats_on_opensearch(os_cluster: Cluster, tmp_path: Path, docs: Path) -> None:
    os_dir, whoosh_dir = tmp_path / "os", tmp_path / "whoosh"
    name = _init(os_cluster, os_dir)
    assert json.loads((os_dir / "gongkai.json").read_text())["backend"]["index"] == name
    assert backend_config(os_dir).kind == "opensearch"
    for folder in (os_dir, whoosh_dir):
        out = json.loads(run("index", "--index", str(folder), "--json", str(docs)))
        assert out["indexed"] >= 10 and not out["failed"]
    again = json.loads(run("index", "--index", str(os_dir), "--json", str(docs)))
    assert again["indexed"] == 0 and again["unchanged"] == out["indexed"]  # raw hashes kept in OpenSearch
    assert not any(p.name != "gongkai.json" for p in os_dir.iterdir())  # no Whoosh files in the folder
    for q in QUERIES:
        assert _answers(os_dir, q) == _answers(whoosh_dir, q), q
    doc_id = _answers(os_dir, ["依申请公开"])["ids"][0]
    assert run("show", "--index", str(os_dir), "--json", doc_id) == run("show", "--index", str(whoosh_dir), "--json", doc_id)
    info = json.loads(run("info", "--index", str(os_dir), "--json"))
    assert info["backend"] == "opensearch" and info["name"] == name and info["documents"] == out["indexed"]
    assert info["status"] in ("green", "yellow") and info["analyzer_version"]
    for fmt in ("csv", "json"):
        assert run("stats", "--index", str(os_dir), "--format", fmt) == run("stats", "--index", str(whoosh_dir), "--format", fmt)


def test_web_page_and_api_on_opensearch(os_cluster: Cluster, tmp_path: Path, docs: Path) -> None:
    from gongkai.web.app import create_app

    os_dir, whoosh_dir = tmp_path / "os", tmp_path / "whoosh"
    _init(os_cluster, os_dir)
    for folder in (os_dir, whoosh_dir):
        run("index", "--index", str(folder), str(docs))
    clients = {d: create_app(d).test_client() for d in (os_dir, whoosh_dir)}
    api = {d: c.get("/api/search?q=依申请公开&limit=100").get_json() for d, c in clients.items()}
    assert api[os_dir]["total"] == api[whoosh_dir]["total"] > 3
    assert api[os_dir]["facets"] == api[whoosh_dir]["facets"]
    doc_id = api[os_dir]["results"][0]["id"]
    for path in ("/?q=依申请公开", f"/doc/{doc_id}?q=依申请公开", "/feed?q=公开", "/stats/", f"/api/documents/{doc_id}"):
        r = clients[os_dir].get(path)
        assert r.status_code == 200, path
    assert clients[os_dir].get(f"/api/documents/{doc_id}").get_json() == \
        clients[whoosh_dir].get(f"/api/documents/{doc_id}").get_json()
    assert clients[os_dir].get("/doc/0000000000000000").status_code == 404


def test_crawl_and_reindex_into_opensearch(os_cluster: Cluster, tmp_path: Path) -> None:
    state, os_dir, whoosh_dir = tmp_path / "state", tmp_path / "os", tmp_path / "whoosh"
    _init(os_cluster, os_dir)
    with SiteServer(SITE_DIR) as srv:
        site = Site(name="demo", start_urls=(srv.url,), allowed_domains=("127.0.0.1",), delay_seconds=0,
                    max_pages=5000, max_depth=8)
        stats = crawl([site], state, os_dir)
    assert stats.failed == 0
    run("reindex", "--state", str(state), "--index", str(whoosh_dir))
    for q in QUERIES:
        assert _answers(os_dir, q) == _answers(whoosh_dir, q), q
    with open_searcher(os_dir) as h:
        assert h.count()[0] == json.loads(run("info", "--index", str(whoosh_dir), "--json"))["documents"]


def test_migrate_copies_a_whoosh_index_and_switches_the_folder(os_cluster: Cluster, tmp_path: Path, docs: Path) -> None:
    folder = tmp_path / "index"
    run("index", "--index", str(folder), str(docs))
    before = {tuple(q): _answers(folder, q) for q in QUERIES}
    name = new_config(os_cluster).index
    out = json.loads(run("migrate", "--index", str(folder), "--to", "opensearch", "--url", ",".join(os_cluster.urls),
                         "--name", name, "--json"))
    assert out["copied"] == out["documents"] >= 10 and out["unchanged"] == 0
    assert backend_config(folder).kind == "opensearch"
    for q in QUERIES:
        assert _answers(folder, q) == before[tuple(q)]
    again = json.loads(run("migrate", "--index", str(folder), "--to", "opensearch", "--json"))
    assert again["unchanged"] == out["documents"] and again["copied"] == 0
    # the Whoosh files are still there and still answer when asked for
    whoosh = json.loads(run("search", "--index", str(folder), "--json", "--limit", "100", "依申请公开",
                            env={"GONGKAI_BACKEND": "whoosh"}))
    assert sorted(r["id"] for r in whoosh["results"]) == before[("依申请公开",)]["ids"]


def test_environment_selects_the_backend(os_cluster: Cluster, tmp_path: Path) -> None:
    name = new_config(os_cluster).index
    env = {"GONGKAI_BACKEND": "opensearch", "GONGKAI_OPENSEARCH_URL": os_cluster.urls[1], "GONGKAI_OPENSEARCH_INDEX": name}
    folder = tmp_path / "nothing-here"
    out = json.loads(run("index", "--index", str(folder), "--json", str(FIXTURES / "qingxi_2020_ndbg.html"), env=env))
    assert out["indexed"] == 1
    assert json.loads(run("search", "--index", str(folder), "--json", "政府信息公开", env=env))["total"] == 1
    assert not folder.exists()


@pytest.mark.lang("en")
def test_unreachable_cluster_is_one_error_line(tmp_path: Path) -> None:
    from gongkai.backends.opensearch.cluster import free_port

    pytest.importorskip("opensearchpy")
    env = {"GONGKAI_BACKEND": "opensearch", "GONGKAI_OPENSEARCH_URL": f"http://127.0.0.1:{free_port()}"}
    result = CliRunner().invoke(cli, ["search", "--index", str(tmp_path), "公开"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot reach the OpenSearch cluster at http://127.0.0.1:")
    assert len(result.output.strip().splitlines()) == 1
    bad = CliRunner().invoke(cli, ["search", "--index", str(tmp_path), "公开"], env={"GONGKAI_BACKEND": "elastic"})
    assert bad.exit_code == 2 and "unknown backend 'elastic'" in bad.output  # configuration errors are bad input
