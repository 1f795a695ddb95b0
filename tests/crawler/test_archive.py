"""The archive across crawls: a fixture site whose pages change, disappear and come back.

Four crawls on four days (the crawl's clock is moved on):

1. day 1: three articles: an annual report (a), a notice (b), a policy page with a visit counter (c);
2. day 2: a is edited (its title and one figure), b answers 404 and leaves the list, c's counter moved;
3. day 3: b is still gone, c answers 200 with the CMS's "page not found" notice (a soft 404);
4. day 4: b is back as it was, c is back with a new paragraph.

After each crawl the versions, the history (`gongkai changes`), the index status, the badges, the
diffs, the stored copies and the feed entries are asserted exactly.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mocksite import FAST, MockSite, Resp, site_for

from gongkai.cli import cli
from gongkai.crawler.archive import open_archive
from gongkai.crawler.changes import list_changes
from gongkai.crawler.run import crawl, reindex
from gongkai.crawler.state import DB_NAME, StateStore
from gongkai.index import SearchRequest, search
from gongkai.web import create_app

DAYS = {n: time.mktime((2026, 3, n, 10, 0, 0, 0, 0, -1)) for n in (1, 2, 3, 4)}
A_TITLE = "青溪县财政局2019年政府信息公开工作年度报告"
A_TITLE_2 = "青溪县财政局2019年度政府信息公开工作年度报告(修订)"
B_TITLE = "关于青溪县2020年城区临时停水的通知"
C_TITLE = "青溪县农村集体经营性建设用地入市管理办法"


def _page(title: str, body: str, published: str, footer: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='{title}'>"
            f"<meta name='PubDate' content='{published}'><title>{title}</title></head><body>"
            f"<div class='header'><a href='/'>首页</a></div><h1>{title}</h1><div class='TRS_Editor'>{body}</div>"
            f"<div class='footer'>{footer}青溪县人民政府办公室主办</div></body></html>")


def report(title: str, requests: str) -> str:
    return _page(title, "<p>一、总体情况</p><p>本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，"
                        f"共收到政府信息公开申请{requests}件，均按期答复，未发生行政复议。</p>"
                        "<p>二、主动公开政府信息情况</p><p>全年主动公开政府信息三百二十条，其中财政预决算信息四十条。</p>",
                 "2020-01-15")


NOTICE = _page(B_TITLE, "<p>因供水管网改造，2020年3月5日8时至18时城区部分区域临时停水，请居民提前储水。</p>",
               "2020-03-01")


def policy(views: int, extra: str = "") -> str:
    return _page(C_TITLE, "<p>第一条 为规范农村集体经营性建设用地入市行为，根据有关法律法规，结合本县实际，制定本办法。</p>"
                          f"<p>第二条 本办法适用于本县行政区域内农村集体经营性建设用地的出让、出租和入股。</p>{extra}",
                 "2021-06-01", footer=f"浏览次数：{views} ")


SOFT_404 = ("<html><head><meta charset='utf-8'><title>提示信息</title></head><body>"
            "<div class='tip'>抱歉，您访问的页面不存在或已被删除！</div><a href='/'>返回首页</a></body></html>")


def listing(*names: str) -> str:
    titles = {"a": A_TITLE, "b": B_TITLE, "c": C_TITLE}
    return ("<html><head><meta charset='utf-8'><title>信息公开目录</title></head><body><ul class='list'>"
            + "".join(f"<li><a href='/{n}.html'>{titles[n]}</a></li>" for n in names) + "</ul></body></html>")


def serve(site: MockSite, *, a: str, b: str | None, c: str, listed: tuple[str, ...]) -> None:
    site.routes["/"] = [Resp(body=listing(*listed))]
    site.routes["/a.html"] = [Resp(body=a)]
    site.routes["/b.html"] = [Resp(body=b)] if b is not None else [Resp(404, "<html><body>Not Found</body></html>")]
    site.routes["/c.html"] = [Resp(body=c)]


class Archive:
    """The crawl state and index of the fixture site, with readers for the assertions."""

    def __init__(self, site: MockSite, tmp: Path) -> None:
        self.site, self.state, self.index = site, tmp / "state", tmp / "index"
        self.app = create_app(self.index, state_dir=self.state)
        self.client = self.app.test_client()

    def crawl(self, day: int) -> Any:
        return crawl([site_for(self.site)], self.state, self.index, settings=FAST, clock=lambda: DAYS[day])

    def path(self, url: str) -> str:
        return url.replace(self.site.url, "/")

    def changes(self) -> list[tuple[str, str, str, str, list[str]]]:
        with StateStore(self.state) as st:
            rows = list_changes(st.archive)
        return [(r["date"], r["event"], self.path(r["url"]), r["title"], r.get("changed", [])) for r in rows]

    def versions(self, path: str) -> list[tuple[str, str]]:
        with StateStore(self.state) as st:
            return [(time.strftime("%m-%d", time.localtime(v.first_seen)), time.strftime("%m-%d", time.localtime(v.last_seen)))
                    for v in st.archive.versions(self.site.url + path.lstrip("/"))]

    def status(self) -> dict[str, tuple[str, str | None]]:
        found = search(self.index, SearchRequest(query="青溪县", limit=50))["results"]
        return {self.path(r["url"]): (r["status"], r["withdrawn"]) for r in found}

    def doc_id(self, path: str) -> str:
        with StateStore(self.state) as st:
            page = st.page(self.site.url + path.lstrip("/"))
            assert page is not None and page.doc_id
            return page.doc_id

    def html(self, url: str) -> str:
        resp = self.client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        return resp.get_data(as_text=True)

    def feed(self, q: str) -> list[tuple[str, str]]:
        xml = self.html(f"/feed?q={q}")
        entries = re.findall(r"<entry><id>([^<]*)</id><title>([^<]*)</title>", xml)
        return [(("event" if "#event-" in i else "doc"), t) for i, t in entries]


@pytest.fixture
def archive(mock_site: MockSite, tmp_path: Path) -> Archive:
    return Archive(mock_site, tmp_path)


def test_versions_withdrawals_and_changes_across_four_crawls(archive: Archive) -> None:
    site = archive.site
    # -- day 1: three new documents --------------------------------------------------------------------
    serve(site, a=report(A_TITLE, "12"), b=NOTICE, c=policy(101), listed=("a", "b", "c"))
    stats = archive.crawl(1)
    assert (stats.new, stats.gone, stats.failed) == (4, 0, 0)
    assert archive.changes() == [
        ("2026-03-01", "added", "/c.html", C_TITLE, []),
        ("2026-03-01", "added", "/b.html", B_TITLE, []),
        ("2026-03-01", "added", "/a.html", A_TITLE, []),
    ]
    assert archive.status() == {"/a.html": ("current", None), "/b.html": ("current", None),
                                "/c.html": ("current", None)}
    assert archive.versions("/a.html") == [("03-01", "03-01")]
    assert "badge-withdrawn" not in archive.html("/?q=青溪县")

    # -- day 2: a edited, b gone (404, no longer listed), c's visit counter moved -----------------------
    serve(site, a=report(A_TITLE_2, "21"), b=None, c=policy(187), listed=("a", "c"))
    stats = archive.crawl(2)
    assert (stats.changed, stats.gone, stats.unchanged) == (3, 1, 0)  # the list, a, and c's bytes changed
    assert archive.changes()[:2] == [
        ("2026-03-02", "withdrawn", "/b.html", B_TITLE, []),
        ("2026-03-02", "changed", "/a.html", A_TITLE_2, ["title", "text"]),
    ]
    assert len(archive.changes()) == 5
    assert archive.versions("/a.html") == [("03-01", "03-01"), ("03-02", "03-02")]
    assert archive.versions("/c.html") == [("03-01", "03-02")]  # same document: folded into one version
    assert archive.versions("/") == [("03-02", "03-02")]  # lists keep their latest version only
    assert archive.status() == {"/a.html": ("current", None), "/b.html": ("withdrawn", "2026-03-02"),
                                "/c.html": ("current", None)}
    current = search(archive.index, SearchRequest(query="青溪县", status="current"))["results"]
    assert sorted(archive.path(r["url"]) for r in current) == ["/a.html", "/c.html"]
    withdrawn = search(archive.index, SearchRequest(query="停水", status="withdrawn"))["results"]
    assert [(archive.path(r["url"]), r["title"]) for r in withdrawn] == [("/b.html", B_TITLE)]

    # badges: in results, on the document page
    results = archive.html("/?q=停水")
    assert results.count('class="badge badge-withdrawn"') == 1
    assert archive.html("/?q=停水&status=current").count("result-meta") == 0
    b_id = archive.doc_id("/b.html")
    b_page = archive.html(f"/doc/{b_id}")
    assert '<span class="badge badge-withdrawn" title="原网页已不再提供">已撤下</span>' in b_page
    assert '起已无法访问（已撤下）' in b_page and "<time>2026-03-02</time> 起已撤下" in b_page

    api = archive.client.get("/api/search?q=停水&status=withdrawn").get_json()
    assert [(r["status"], r["withdrawn"]) for r in api["results"]] == [("withdrawn", "2026-03-02")]
    assert archive.client.get("/api/search?q=停水&status=current").get_json()["total"] == 0
    assert archive.client.get("/api/search?q=停水&status=gone").status_code == 400
    history = archive.client.get(f"/api/documents/{b_id}/history").get_json()
    assert [(v["event"], v["date"]) for v in history["versions"]] == [("added", "2026-03-01")]
    assert history["withdrawals"] == [{"from": "2026-03-02", "to": None}]

    # the diff of a: word by word, with the metadata change
    a_id = archive.doc_id("/a.html")
    a_page = archive.html(f"/doc/{a_id}")
    assert "（改动：标题、正文）" in a_page and a_page.count('class="snapshot-link"') == 2
    diff = archive.html(f"/doc/{a_id}/changes")
    assert "申请</span><del>12</del><ins>21</ins><span>件" in diff
    assert "增加 <strong class=\"added\">1</strong> 个词，删除 <strong class=\"removed\">1</strong> 个词" in diff
    assert (f'<tr data-field="title"><th>标题</th><td><del>{A_TITLE}</del></td><td><ins>{A_TITLE_2}</ins></td></tr>'
            in diff)

    # the feed of a query carries the change and the withdrawal of matching documents
    assert archive.feed("停水") == [("event", f"[已撤下] {B_TITLE}"), ("doc", f"[已撤下] {B_TITLE}")]
    assert archive.feed("申请") == [("event", f"[修改] {A_TITLE_2}"), ("doc", A_TITLE_2)]

    # -- day 3: b still gone, c answers 200 with a "page not found" notice ------------------------------
    serve(site, a=report(A_TITLE_2, "21"), b=None, c=SOFT_404, listed=("a",))
    stats = archive.crawl(3)
    assert stats.gone == 2
    assert archive.changes()[:1] == [("2026-03-03", "withdrawn", "/c.html", C_TITLE, [])]
    assert len(archive.changes()) == 6  # b's second 404 is no new event
    assert archive.status()["/c.html"] == ("withdrawn", "2026-03-03")
    assert archive.status()["/b.html"] == ("withdrawn", "2026-03-02")
    assert archive.versions("/c.html") == [("03-01", "03-02")]  # the notice is no version of the document

    # -- day 4: b back as it was, c back with a new article --------------------------------------------
    serve(site, a=report(A_TITLE_2, "21"), b=NOTICE, c=policy(190, "<p>第三条 入市应当经集体经济组织成员大会讨论通过。</p>"),
          listed=("a", "b", "c"))
    archive.crawl(4)
    assert archive.changes()[:3] == [
        ("2026-03-04", "changed", "/c.html", C_TITLE, ["text"]),
        ("2026-03-04", "restored", "/c.html", C_TITLE, []),
        ("2026-03-04", "restored", "/b.html", B_TITLE, []),
    ]
    with StateStore(archive.state) as st:
        restored = [r for r in list_changes(st.archive) if r["event"] == "restored"]
    assert [r["withdrawn"] for r in restored] == ["2026-03-03", "2026-03-02"]
    assert archive.status() == {"/a.html": ("current", None), "/b.html": ("current", None),
                                "/c.html": ("current", None)}
    assert archive.versions("/b.html") == [("03-01", "03-04")]
    assert archive.versions("/c.html") == [("03-01", "03-02"), ("03-04", "03-04")]
    b_page = archive.html(f"/doc/{b_id}")
    assert "badge-withdrawn" not in b_page and "<time>2026-03-02</time> 撤下，<time>2026-03-04</time> 恢复" in b_page
    c_diff = archive.html(f"/doc/{archive.doc_id('/c.html')}/changes")
    assert "入股。</span><ins>\n第三条 入市应当经集体经济组织成员大会讨论通过。</ins></div>" in c_diff
    assert archive.feed("入市") == [("event", f"[修改] {C_TITLE}"), ("event", f"[恢复] {C_TITLE}"),
                                    ("event", f"[已撤下] {C_TITLE}"), ("doc", C_TITLE)]
    # the same pages in English (the browser asks for it)
    en = {"Accept-Language": "en"}
    b_en = archive.client.get(f"/doc/{b_id}", headers=en).get_data(as_text=True)
    assert "Withdrawn on <time>2026-03-02</time>, restored on <time>2026-03-04</time>" in b_en
    assert "<h2>Version history</h2>" in b_en
    a_en = archive.client.get(f"/doc/{a_id}", headers=en).get_data(as_text=True)
    assert "(changed: Title, Main text)" in a_en and ">Compare with the previous version</a>" in a_en
    diff_en = archive.client.get(f"/doc/{a_id}/changes", headers=en).get_data(as_text=True)
    assert "Words added: <strong class=\"added\">1</strong>, words removed: <strong class=\"removed\">1</strong>" in diff_en
    assert '<tr data-field="title"><th>Title</th>' in diff_en and "<strong>Changed 2026-03-02</strong>" in diff_en
    feed_en = archive.client.get("/feed?q=入市", headers=en).get_data(as_text=True)
    assert f"<title>[Restored] {C_TITLE}</title>" in feed_en and "The original page came back on 2026-03-04" in feed_en

    # `gongkai changes`
    runner = CliRunner()
    out = runner.invoke(cli, ["changes", "--state", str(archive.state), "--since", "2026-03-03", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert [(r["date"], r["event"], r["title"]) for r in rows] == [
        ("2026-03-04", "changed", C_TITLE), ("2026-03-04", "restored", C_TITLE),
        ("2026-03-04", "restored", B_TITLE), ("2026-03-03", "withdrawn", C_TITLE)]
    # times in ISO 8601 with the local offset, as every JSON output gives them
    assert all(datetime.fromisoformat(r["at"]).date().isoformat() == r["date"] for r in rows)
    text = runner.invoke(cli, ["changes", "--state", str(archive.state), "--since", "2026-03-04", "--site", "t"])
    assert text.exit_code == 0
    assert [line.split()[:3] for line in text.output.splitlines() if line.startswith("2026")] == [
        ["2026-03-04", "修改", "t"], ["2026-03-04", "恢复", "t"], ["2026-03-04", "恢复", "t"]]
    assert f"{C_TITLE}（正文）" in text.output and f"{B_TITLE}（2026-03-02 起曾撤下）" in text.output
    english = runner.invoke(cli, ["--lang", "en", "changes", "--state", str(archive.state), "--since", "2026-03-04"])
    assert [line.split()[:2] for line in english.output.splitlines() if line.startswith("2026")] == [
        ["2026-03-04", "Changed"], ["2026-03-04", "Restored"], ["2026-03-04", "Restored"]]
    assert f"{C_TITLE} (Main text)" in english.output and f"{B_TITLE} (withdrawn since 2026-03-02)" in english.output
    bad = runner.invoke(cli, ["changes", "--state", str(archive.state), "--since", "yesterday"])
    assert bad.exit_code == 2 and "'yesterday' 既不是日期（2026-03-01）也不是多久以前" in bad.output
    assert runner.invoke(cli, ["changes", "--state", str(archive.state), "--site", "other"]).output == "还没有变化。\n"


def test_reindex_rebuilds_withdrawn_documents_from_the_versions(archive: Archive) -> None:
    serve(archive.site, a=report(A_TITLE, "12"), b=NOTICE, c=policy(1), listed=("a", "b", "c"))
    archive.crawl(1)
    serve(archive.site, a=report(A_TITLE_2, "21"), b=None, c=policy(2), listed=("a", "c"))
    archive.crawl(2)
    before, history = archive.status(), archive.changes()
    archive.site.close()  # no network from here on
    import shutil

    shutil.rmtree(archive.index)
    result = reindex(archive.state, archive.index)
    assert result.errors == []
    assert archive.status() == before and before["/b.html"] == ("withdrawn", "2026-03-02")
    assert archive.changes() == history  # a rebuild is no event
    assert [h["title"] for h in search(archive.index, SearchRequest(query="申请"))["results"]] == [A_TITLE_2]


def test_stored_copies_are_served_from_the_store_with_scripts_disabled(archive: Archive) -> None:
    evil = _page(B_TITLE, "<p>停水通知。</p><script>document.title='pwned'</script>"
                          "<img src='http://tracker.example.com/x.gif'>", "2020-03-01").encode("utf-8")
    archive.site.routes["/"] = [Resp(body=listing("b"))]
    archive.site.routes["/b.html"] = [Resp(body=evil, headers={"Content-Type": "text/html"})]
    archive.crawl(1)
    with StateStore(archive.state) as st:
        (v,) = st.archive.versions(archive.site.url + "b.html")
    page = archive.html(f"/snapshot/{v.id}")
    assert "快照 · 存档副本" in page and "于 <time>2026-03-01 10:00</time> 抓取" in page
    page_en = archive.client.get(f"/snapshot/{v.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<strong>Snapshot · stored copy</strong>: this is " in page_en
    assert "as it was fetched on <time>2026-03-01 10:00</time>" in page_en
    assert f'<iframe class="snapshot-frame" src="/snapshot/{v.id}/raw" sandbox=""' in page
    raw = archive.client.get(f"/snapshot/{v.id}/raw")
    assert raw.status_code == 200 and raw.data == evil  # the bytes as fetched
    assert raw.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none';")
    assert raw.headers["Content-Type"] == "text/html; charset=utf-8"
    assert raw.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert raw.headers["Memento-Datetime"] == time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(DAYS[1]))
    assert archive.client.get("/snapshot/999999").status_code == 404
    assert archive.client.get("/snapshot/999999/raw").status_code == 404
    # the web opened the store read-only
    with open_archive(archive.state) as reader:
        assert reader is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader._db.execute("DELETE FROM versions")


def test_a_pdf_copy_is_a_download(archive: Archive) -> None:
    from mocksite import make_pdf

    pdf = make_pdf("Annual report annex\nRequests: 12")
    archive.site.routes["/"] = [Resp(body=listing("a"))]
    archive.site.routes["/a.html"] = [Resp(body=report(A_TITLE, "12").replace(
        "</div><div class='footer'>", "<p><a href='/files/annex.pdf'>附件：统计表.pdf</a></p></div><div class='footer'>"))]
    archive.site.routes["/files/annex.pdf"] = [Resp(body=pdf, headers={"Content-Type": "application/pdf"})]
    archive.crawl(1)
    a_page = archive.html(f"/doc/{archive.doc_id('/a.html')}")
    links = re.findall(r'href="/snapshot/(\d+)">快照（([^）]*)）', a_page)
    assert [label for _, label in links] == ["页面", "annex.pdf"]
    raw = archive.client.get(f"/snapshot/{links[1][0]}/raw")
    assert raw.data == pdf and raw.headers["Content-Type"] == "application/pdf"
    assert raw.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in raw.headers["Content-Security-Policy"]
    assert "下载存档文件" in archive.html(f"/snapshot/{links[1][0]}")


def test_a_store_of_version_1_keeps_its_bodies_as_first_versions(archive: Archive) -> None:
    serve(archive.site, a=report(A_TITLE, "12"), b=NOTICE, c=policy(1), listed=("a", "b", "c"))
    archive.crawl(1)
    db = sqlite3.connect(archive.state / DB_NAME)
    # Back to the layout of version 1: bodies in pages.raw, no archive tables.
    rows = db.execute("SELECT v.url, b.data FROM versions v JOIN blobs b ON b.hash = v.hash").fetchall()
    for url, data in rows:
        db.execute("UPDATE pages SET raw = ? WHERE url = ?", (data, url))
    db.executescript("DROP TABLE versions; DROP TABLE blobs; DROP TABLE doc_history; ALTER TABLE pages DROP COLUMN gone_at;"
                     "PRAGMA user_version = 1;")
    db.close()
    with StateStore(archive.state) as st:
        assert st.archive.sizes()["versions"] == 4
        assert st.raw(archive.site.url + "a.html") == report(A_TITLE, "12").encode("utf-8")
        assert [(e.event, e.url) for e in st.archive.history(archive.doc_id("/a.html"))] == [
            ("known", archive.site.url + "a.html")]
        assert st._x("SELECT COUNT(*) FROM pages WHERE raw IS NOT NULL").fetchone()[0] == 0
    serve(archive.site, a=report(A_TITLE_2, "21"), b=NOTICE, c=policy(1), listed=("a", "b", "c"))
    archive.crawl(2)
    assert archive.changes() == [("2026-03-02", "changed", "/a.html", A_TITLE_2, ["title", "text"])]
