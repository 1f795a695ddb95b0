"""`gongkai serve` while its index changes under it, and what its pages may show or link.

- the index folder deleted: 503 with a message naming no server folder, not a 500; back when it returns;
- the index rebuilt from scratch (generation 1 again): the server answers from the new one;
- derived pages (相似文件, /stats/) are cached per index version and refreshed by a commit;
- stored attachment URLs such as ``data:``, ``vbscript:``, ``java\\tscript:`` never become links, nor does a
  locally indexed file's path (原文 or attachment): only absolute http(s) URLs are linked;
- requests waitress refuses itself (400, 431) carry the security headers too.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from relhelpers import record, serving

from gongkai.cli import cli
from gongkai.index import Indexer, index_identity
from gongkai.models import Document, Section, content_hash, document_id
from gongkai.web import create_app
from gongkai.web.app import SECURITY_HEADERS, make_server

REPORT = ("{agency}认真贯彻政府信息公开条例，全年主动公开政府信息{n}条，收到政府信息公开申请{m}件，"
          "均按期答复，未发生行政复议和行政诉讼。{extra}")


def _doc(n: int, agency: str = "青溪市财政局", extra: str = "", year: int = 2019) -> Document:
    url = f"http://www.qingxi.example.gov.cn/xxgk/{agency}-{n}.html"
    doc = Document(id=document_id(url), url=url, title=f"{agency}{year}年政府信息公开工作年度报告", agency=agency,
                   doc_type="annual_report", year=year, published=f"{year + 1}-01-15",
                   sections=[Section("一", "总体情况", "overview", REPORT.format(agency=agency, n=n, m=n % 7,
                                                                               extra=extra))])
    doc.content_hash = content_hash(doc)
    return doc


def _build(index: Path, docs: list[Document]) -> None:
    with Indexer(index) as ix:
        for d in docs:
            ix.upsert(d)


def _ids(html: str) -> set[str]:
    soup = BeautifulSoup(html, "lxml")
    return {a["href"].split("/doc/")[1].split("?")[0] for a in soup.select("a[href^='/doc/']")}


def test_index_deleted_then_rebuilt_under_the_server(tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(index, [_doc(1), _doc(2)])
    first = index_identity(index)
    client = create_app(index).test_client()
    assert client.get("/?q=主动公开").status_code == 200

    shutil.rmtree(index)
    for url in ("/", "/?q=主动公开", f"/doc/{_doc(1).id}", "/api/search?q=主动公开", "/stats/", "/feed?q=公开"):
        r = client.get(url)
        assert r.status_code == 503, (url, r.status_code)
        assert str(tmp_path) not in r.get_data(as_text=True), url

    # Rebuilt from scratch: other documents, the same generation number as the old index.
    rebuilt = [_doc(10, "白沙县教育局"), _doc(11, "白沙县教育局"), _doc(12, "白沙县教育局")]
    _build(index, rebuilt)
    assert index_identity(index) != first
    r = client.get("/?q=主动公开")
    assert r.status_code == 200
    assert _ids(r.get_data(as_text=True)) == {d.id for d in rebuilt}
    assert client.get(f"/doc/{_doc(1).id}").status_code == 404
    record("server.index_replaced", "index deleted under the server: 503 on 6 kinds of page, no server path shown; "
                                    "rebuilt (generation 1 again): the new documents answered at once")


def test_similar_and_stats_caches_follow_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "index"
    base = _doc(1, extra="重点公开财政预决算和三公经费。")
    _build(index, [base, _doc(2, "白沙县教育局", year=2020)])
    client = create_app(index).test_client()
    page = client.get(f"/doc/{base.id}").get_data(as_text=True)
    twin = _doc(3, "青溪市审计局", extra="重点公开财政预决算和三公经费。")
    assert twin.id not in page

    import gongkai.stats.web as stats_web

    calls: list[object] = []
    real = stats_web.stats_rows
    monkeypatch.setattr(stats_web, "stats_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        assert client.get("/stats/").status_code == 200
        assert client.get("/stats/year/2019").status_code == 200
    assert len(calls) == 2, "stats rows recomputed on every request"

    _build(index, [twin])  # a commit: both caches must see it
    page = client.get(f"/doc/{base.id}").get_data(as_text=True)
    assert twin.id in page, "相似文件 still answered from before the commit"
    assert "青溪市审计局" in client.get("/stats/").get_data(as_text=True)
    assert len(calls) == 3
    record("server.caches", "相似文件 and /stats/ rows cached per index version: 6 stats pages, 2 computations; "
                            "a commit refreshed both")


HOSTILE_HREFS = ("data:text/html,<script>alert(1)</script>.pdf", "vbscript:msgbox(1).pdf", "java\tscript:alert(1).pdf",
                 "\x01javascript:alert(1).pdf", " JAVASCRIPT:alert(1).doc", "jav&#x09;ascript:alert(1).pdf")


def test_local_documents_link_neither_scripts_nor_server_paths(tmp_path: Path) -> None:
    links = "".join(f'<p><a href="{h}">附件{n}.pdf</a></p>' for n, h in enumerate(HOSTILE_HREFS))
    links += '<p><a href="files/ok.pdf">附件ok.pdf</a></p><p><a href="http://www.example.gov.cn/a.pdf">附件http.pdf</a></p>'
    html = (f"<html><head><title>青溪市2019年政府信息公开工作年度报告</title></head><body><div id='zoom'>"
            f"<p>一、总体情况</p><p>{REPORT.format(agency='青溪市', n=1, m=2, extra='')}</p>{links}</div></body></html>")
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "report.html").write_text(html, "utf-8")
    index = tmp_path / "index"
    res = CliRunner().invoke(cli, ["index", "--index", str(index), str(folder)])
    assert res.exit_code == 0, res.output
    client = create_app(index).test_client()
    found = client.get("/?q=主动公开").get_data(as_text=True)
    (doc_id,) = _ids(found)
    r = client.get(f"/doc/{doc_id}")
    assert r.status_code == 200
    soup = BeautifulSoup(r.get_data(as_text=True), "lxml")
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert all(not h.strip("\x00\x01 ").lower().replace("\t", "").startswith(("data:", "vbscript:", "javascript:"))
               for h in hrefs), hrefs
    assert "http://www.example.gov.cn/a.pdf" in hrefs
    # A local file's path (its own, or an attachment's resolved against it) is no link: it names the
    # server's folders and leads nowhere. The attachment is still listed, by name.
    assert not any(str(tmp_path) in h for h in hrefs), hrefs
    assert "附件ok.pdf".removeprefix("附件") in soup.select_one(".attachments").get_text()
    missing = client.get("/doc/ffffffffffffffff")
    assert missing.status_code == 404 and str(tmp_path) not in missing.get_data(as_text=True)
    api = client.get("/api/documents/ffffffffffffffff")
    assert api.status_code == 404 and str(tmp_path) not in api.get_data(as_text=True)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[int]:
    _build(tmp_path / "index", [_doc(1)])
    with serving(make_server(create_app(tmp_path / "index"), "127.0.0.1", 0, threads=2)) as port:
        yield port


def _raw(port: int, request: bytes) -> bytes:
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        try:  # waitress answers and closes as soon as it has read too much: the rest may not go out
            s.sendall(request)
            while chunk := s.recv(65536):
                data += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass
    return data


def test_requests_refused_by_waitress_carry_security_headers(live_server: int) -> None:
    cases = {
        400: b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        431: b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 270_000 + b"\r\n\r\n",
    }
    for status, request in cases.items():
        head = _raw(live_server, request).split(b"\r\n\r\n", 1)[0].decode("latin-1")
        assert head.startswith((f"HTTP/1.1 {status}", f"HTTP/1.0 {status}")), head
        for name, value in SECURITY_HEADERS.items():
            assert f"\r\n{name}: {value}" in head, (status, name, head)
    record("server.waitress_errors", "waitress's own 400 and 431 answers carry CSP, nosniff, Referrer-Policy, "
                                     "X-Frame-Options")
