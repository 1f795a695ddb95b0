"""The bundled sample site: served by SiteServer, crawled, every MANIFEST.json document found."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from crawlhelpers import store_docs

from gongkai.crawler.run import crawl
from gongkai.crawler.server import SiteServer, resolve_path
from gongkai.crawler.sites import Site
from gongkai.crawler.state import StateStore
from gongkai.demo import SITE_DIR
from gongkai.index import SearchRequest, search
from gongkai.models import Document


def test_crawl_finds_every_manifest_document(tmp_path: Path) -> None:
    manifest = json.loads((SITE_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    state, index = tmp_path / "state", tmp_path / "index"
    with SiteServer(SITE_DIR) as srv:
        site = Site(name="demo", start_urls=(srv.url,), allowed_domains=("127.0.0.1",), delay_seconds=0,
                    max_pages=5000, max_depth=8)
        stats = crawl([site], state, index)
        assert stats.failed == 0
        docs = store_docs(state)
        assert len(docs) == manifest["counts"]["documents"]
        # what the crawl says it indexed: each document once (some are written twice: a second URL, a later sync)
        assert stats.documents_indexed == len(docs)
        with StateStore(state) as st:
            for d in manifest["documents"]:
                page = st.page(srv.url + d["url"].lstrip("/"))
                assert page is not None and page.doc_id in docs, d["url"]
            for dup in manifest.get("duplicates", []):
                page = st.page(srv.url + dup["url"].lstrip("/"))
                assert page is not None and docs[page.doc_id][0] == srv.url + dup["same_as"].lstrip("/")
                assert srv.url + dup["url"].lstrip("/") in docs[page.doc_id][2]
            for path in manifest["site"].get("disallowed_pages", []):
                page = st.page(srv.url + path.lstrip("/"))
                assert page is None or page.status == "robots_blocked"
            stored = [Document.from_dict(st.document(doc_id).doc) for doc_id in docs]  # type: ignore[union-attr]
    # Two words of different sections (依申请公开 in 一/三, 信息处理费 in 六 of the 2021+ reports, PDF
    # attachments included): every document containing both, wherever they are.
    both = {d.id for d in stored if all(w in d.title + d.text for w in ("依申请公开", "信息处理费"))}
    found = {r["id"] for r in search(index, SearchRequest("依申请公开 信息处理费", limit=100))["results"]}
    assert len(both) > 10 and found == both
    one_section = search(index, SearchRequest("依申请公开 信息处理费", within="section", limit=100))["results"]
    assert {r["id"] for r in one_section} < found


def test_site_server_maps_urls_to_files(tmp_path: Path) -> None:
    (tmp_path / "col").mkdir()
    (tmp_path / "col" / "index.shtml").write_bytes("<p>首页</p>".encode("gbk"))
    (tmp_path / "col" / "list.html").write_text("page 1", encoding="utf-8")
    (tmp_path / "col" / "list_2.html").write_text("page 2", encoding="utf-8")
    assert resolve_path(tmp_path, "/col/") == (tmp_path / "col" / "index.shtml").resolve()
    assert resolve_path(tmp_path, "/col/list.html?page=2") == (tmp_path / "col" / "list_2.html").resolve()
    assert resolve_path(tmp_path, "/col/list.html?cur_page=1") == (tmp_path / "col" / "list.html").resolve()
    assert resolve_path(tmp_path, "/col/list.html?page=7&x=1") == (tmp_path / "col" / "list.html").resolve()
    assert resolve_path(tmp_path, "/../etc/passwd") is None
    with SiteServer(tmp_path) as srv:
        r = httpx.get(srv.url + "col/index.shtml")
        assert r.status_code == 200 and r.headers["content-type"] == "text/html" and r.content == "<p>首页</p>".encode("gbk")
        again = httpx.get(srv.url + "col/index.shtml", headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
        assert httpx.get(srv.url + "col/list.html?page=2").text == "page 2"
        assert httpx.get(srv.url + "nope.html").status_code == 404
