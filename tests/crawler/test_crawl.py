"""End-to-end crawls of local sites: discovery, politeness, hostile pages, incremental re-crawls."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from crawlhelpers import hits, index_docs, store_docs
from mocksite import FAST, MockSite, Resp, site_for

from gongkai.crawler.fetch import FetchSettings
from gongkai.crawler.run import crawl, reindex
from gongkai.crawler.state import CrawlLock, StateStore
from gongkai.errors import CrawlError
from gongkai.index import SearchRequest, search

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

KEYS = {"fetched", "new", "changed", "unchanged", "not_modified", "gone", "failed", "robots_blocked", "failures",
        "deadline_reached",
        "documents_indexed", "index_pending"}


def test_basic_site_finds_every_document(basic_site: MockSite, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    stats = crawl([site_for(basic_site)], state, index, settings=FAST)
    assert set(stats.as_dict()) == KEYS
    assert stats.failed == 0 and stats.robots_blocked == 1 and stats.gone == 0
    docs = store_docs(state)
    paths = sorted(url.replace(basic_site.url, "/") for url, _, _ in docs.values())
    assert paths == [
        "/ndbg/art/2020/2/1/art_3000.html",        # article + its PDF attachment
        "/ndbg/art/2022/2/1/art_3002.html",        # reached through ?cur_page=2
        "/ndbg/files/mz_report.docx",              # empty article body: the DOCX is the document
        "/tzgg/202003/t20200301_2000.html", "/tzgg/202103/t20210301_2001.html",
        "/tzgg/202203/t20220301_2002.html",         # reached through 下一页
        "/tzgg/202303/t20230301_2003.html",
        "/xxgk/201701/t20170115_1000.shtml", "/xxgk/201801/t20180115_1001.shtml",
        "/xxgk/201901/t20190115_1002.shtml",        # index_1.shtml: only in the TRS script
        "/xxgk/202001/t20200115_1003.shtml", "/xxgk/202101/t20210115_1004.shtml",
    ]
    assert set(index_docs(index)) == set(docs)
    requested = basic_site.paths()
    assert "/private/secret.html" not in requested and "/robots.txt" in requested
    assert "/style.css" not in requested
    assert all(not p.startswith("http") for p in requested)  # nothing proxied to other hosts


def test_dedupe_attachments_and_gbk(basic_site: MockSite, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    crawl([site_for(basic_site)], state, index, settings=FAST)
    # _wap variant: one document, the variant's URL in Document.urls
    wap = [d for d in store_docs(state).values() if d[2]]
    assert [(u.replace(basic_site.url, "/"), [x.replace(basic_site.url, "/") for x in o]) for u, _, o in wap] == [
        ("/xxgk/201701/t20170115_1000.shtml", ["/xxgk/201701/t20170115_1000_wap.shtml"])]
    # the PDF's text joins its article, whose attachments list the file
    (hit,) = hits(index, "AUDITPDFMARKER")
    assert hit["url"].endswith("/ndbg/art/2020/2/1/art_3000.html") and hit["title"] == "青川县审计局2019年度政府信息公开工作年度报告"
    (hit,) = hits(index, "MINZHENGDOCX")
    assert hit["url"].endswith("/ndbg/files/mz_report.docx")
    assert hit["title"] == "青川县民政局2020年度政府信息公开工作年度报告"
    fields = index_docs(index)
    assert '"attachments"' in fields[hit["id"]]["meta"] and "mz_report.docx" in fields[hit["id"]]["meta"]
    # GBK pages declared gb2312 decode correctly
    titles = {h["title"] for h in hits(index, "政务公开重点工作")}
    assert "关于做好2021年度政务公开重点工作的通知" in titles


def test_recrawl_uses_conditional_requests(basic_site: MockSite, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    first = crawl([site_for(basic_site)], state, index, settings=FAST)
    basic_site.requests.clear()
    second = crawl([site_for(basic_site)], state, index, settings=FAST)
    assert second.not_modified == first.fetched and second.new == 0 and second.documents_indexed == 0
    conditional = [h for p, h in basic_site.requests if p != "/robots.txt"]
    assert conditional and all("if-none-match" in h for h in conditional)


def test_pages_that_change_or_disappear(basic_copy: Path, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    server = MockSite(basic_copy)
    try:
        site = site_for(server)
        crawl([site], state, index, settings=FAST)
        assert len(hits(index, "乔庄镇")) == 1
        changed = basic_copy / "xxgk/201801/t20180115_1001.shtml"
        changed.write_text(changed.read_text(encoding="utf-8").replace("认真贯彻落实", "认真贯彻落实ZEBRACHANGE"),
                           encoding="utf-8")
        (basic_copy / "xxgk/202001/t20200115_1003.shtml").unlink()  # the 乔庄镇 report disappears
        stats = crawl([site], state, index, settings=FAST)
        # the changed page is re-indexed; the gone one keeps its document, now withdrawn (已撤下)
        assert (stats.changed, stats.gone, stats.documents_indexed) == (1, 1, 2)
        assert [h["url"][-27:] for h in hits(index, "ZEBRACHANGE")] == ["xxgk/201801/t20180115_1001.shtml"[-27:]]
        (withdrawn,) = hits(index, "乔庄镇")
        assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn"] == date.today().isoformat()
        assert search(index, SearchRequest(query="乔庄镇", status="current"))["total"] == 0
        with StateStore(state) as st:
            gone = st.page(server.url + "xxgk/202001/t20200115_1003.shtml")
            assert gone is not None and gone.status == "gone" and gone.doc_id == withdrawn["id"]
        assert len(store_docs(state)) == 12
    finally:
        server.close()


def _article(title: str, marker: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<div class='TRS_Editor'><p>一、总体情况</p><p>本年度，我局认真贯彻落实政府信息公开条例，全年主动公开政府信息"
            f"三百条，标记{marker}，切实保障人民群众的知情权、参与权和监督权，取得良好成效。</p></div></body></html>")


def test_same_bytes_without_validators_is_unchanged(mock_site: MockSite, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    mock_site.routes["/"] = [Resp(body='<a href="/a.html">关于做好2019年度政务公开工作的通知</a>')]
    mock_site.routes["/a.html"] = [Resp(body=_article("某局2019年政府信息公开工作年度报告", "UNCHANGEDA"))]
    crawl([site_for(mock_site)], state, index, settings=FAST)
    again = crawl([site_for(mock_site)], state, index, settings=FAST)
    assert (again.unchanged, again.changed, again.documents_indexed) == (2, 0, 0)


def test_hostile_pages(mock_site: MockSite, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    gbk = _article("某镇2020年政府信息公开工作年度报告", "GBKTRUNC").replace("utf-8", "gbk").encode("gbk")
    links = ["flaky", "busy", "slow", "loop", "huge", "junk", "empty", "gbk", "away", "bigtype"]
    mock_site.routes["/"] = [Resp(body="".join(f'<a href="/{n}.html">第{n}篇文章的标题很长很长</a>' for n in links))]
    mock_site.routes["/flaky.html"] = [Resp(500), Resp(body=_article("某局2018年报", "FLAKYOK"))]
    mock_site.routes["/busy.html"] = [Resp(429, headers={"Retry-After": "1"}), Resp(body=_article("某局2017年报", "BUSYOK"))]
    mock_site.routes["/slow.html"] = [Resp(body=_article("慢", "SLOW"), delay=1.0)]
    mock_site.routes["/loop.html"] = [Resp(302, headers={"Location": "/loop2.html"})]
    mock_site.routes["/loop2.html"] = [Resp(302, headers={"Location": "/loop.html"})]
    mock_site.routes["/huge.html"] = [Resp(body="<html><body>" + "大" * 100_000 + "</body></html>")]
    mock_site.routes["/junk.html"] = [Resp(body=bytes(range(256)) * 40)]
    mock_site.routes["/empty.html"] = [Resp(body=b"")]
    mock_site.routes["/gbk.html"] = [Resp(body=gbk[:-7])]  # cut inside the closing tags, mid-character
    mock_site.routes["/away.html"] = [Resp(301, headers={"Location": "http://spam.example.com/"})]
    mock_site.routes["/bigtype.html"] = [Resp(body="x" * 10, headers={"Content-Length": "999999999"})]
    settings = FetchSettings(timeout=0.3, retries=1, backoff=0.01, max_retry_after=2.0, max_bytes=200_000)
    stats = crawl([site_for(mock_site)], state, index, settings=settings)
    with StateStore(state) as st:
        errors = {r["url"].rsplit("/", 1)[-1]: r["error"] for r in st.recent(50, failed_only=True)}
    assert stats.failed == 7 and stats.fetched == 11
    assert errors == {
        "slow.html": "timed out after 0.3s after 2 attempts",
        "loop.html": f"redirect loop at {mock_site.url}loop.html",
        "huge.html": "body of 300026 bytes is larger than the 200000-byte limit",
        "junk.html": "binary data served as a web page; not stored",
        "empty.html": "empty response body",
        "away.html": "redirected outside the allowed domains to http://spam.example.com/",
        "bigtype.html": "body of 999999999 bytes is larger than the 200000-byte limit",
    }
    assert len(hits(index, "FLAKYOK")) == 1 and len(hits(index, "BUSYOK")) == 1
    (gbk_hit,) = hits(index, "GBKTRUNC")
    assert gbk_hit["title"] == "某镇2020年政府信息公开工作年度报告"


def test_lock_held_refuses_a_second_crawl(basic_site: MockSite, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    with CrawlLock(state), pytest.raises(CrawlError) as err:
        crawl([site_for(basic_site)], state, index, settings=FAST)
    import os

    assert str(err.value) == (f"another crawl is running on {state} (pid {os.getpid()}); wait for it to finish or "
                              f"remove {state}/crawl.lock if no crawl is running")
    crawl([site_for(basic_site)], state, index, settings=FAST, max_pages=2)  # released afterwards


def test_resume_after_interrupted_crawl(basic_site: MockSite, tmp_path: Path) -> None:
    site = site_for(basic_site)
    crawl([site], tmp_path / "ref-state", tmp_path / "ref-index", settings=FAST)
    state, index = tmp_path / "state", tmp_path / "index"
    part = crawl([site], state, index, settings=FAST, stop_after=9)
    assert part.interrupted
    with StateStore(state) as st:
        queued, done = st.frontier_size("t")
        assert queued > 0 and done == 9
    basic_site.requests.clear()
    rest = crawl([site], state, index, settings=FAST)
    assert not rest.interrupted and rest.fetched + rest.robots_blocked > 0
    assert rest.not_modified == 0  # the 9 pages fetched before were not fetched again
    with StateStore(state) as st:
        assert st.frontier_size("t") == (0, 0)
    assert store_docs(state) == store_docs(tmp_path / "ref-state")
    assert set(index_docs(index)) == set(index_docs(tmp_path / "ref-index"))


def test_max_pages_and_depth_bound_the_crawl(basic_site: MockSite, tmp_path: Path) -> None:
    stats = crawl([site_for(basic_site)], tmp_path / "s1", tmp_path / "i1", settings=FAST, max_pages=5)
    assert stats.fetched + stats.robots_blocked == 5
    with StateStore(tmp_path / "s1") as st:
        assert st.frontier_size("t") == (0, 0)  # a finished (bounded) crawl leaves no queue
    basic_site.requests.clear()
    crawl([site_for(basic_site, max_depth=1)], tmp_path / "s2", tmp_path / "i2", settings=FAST)
    fetched = basic_site.paths()
    assert "/xxgk/index_2.shtml" in fetched and "/tzgg/list_p2.html" in fetched  # pagination adds no depth
    assert not [p for p in fetched if "/t20" in p or "/art_" in p]  # articles are two hops away
    assert store_docs(tmp_path / "s2") == {}


def test_reindex_from_store_equals_crawl(basic_site: MockSite, dirs: tuple[Path, Path]) -> None:
    state, index = dirs
    crawl([site_for(basic_site)], state, index, settings=FAST)
    before_store, before_index = store_docs(state), index_docs(index)
    basic_site.close()  # no network from here on
    shutil.rmtree(index)
    result = reindex(state, index)
    assert result.errors == []
    assert store_docs(state) == before_store
    after = index_docs(index)
    assert set(after) == set(before_index)
    assert {k: v["hash"] for k, v in after.items()} == {k: v["hash"] for k, v in before_index.items()}
    reindex(state, index)  # idempotent over an existing index
    assert set(index_docs(index)) == set(before_index)


def test_a_report_and_its_own_pdf_copy_are_one_text(mock_site: MockSite, dirs: tuple[Path, Path]) -> None:
    """An HTML report linking the PDF of the same report keeps one copy of the text; a different
    attachment (an appendix) still joins its article."""
    from gongkai.extract.binary import pdf_lines

    state, index = dirs
    pdf = (Path(__file__).resolve().parents[1] / "fixtures" / "docs" / "qingxi_jyj_2021_ndbg.pdf").read_bytes()
    lines, _ = pdf_lines(pdf, "report.pdf")
    body = "".join(f"<p>{x}</p>" for x in lines[2:])  # the same report as the page's HTML
    title = "青溪区教育局2021年政府信息公开工作年度报告"
    mock_site.routes["/"] = [Resp(body='<a href="/nb.html">年报</a> <a href="/tz.html">关于公布学校名单的通知</a>')]
    mock_site.routes["/nb.html"] = [Resp(body=(
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='TRS_Editor'>{body}</div><p>附件：<a href='/nb.pdf'>{title}.pdf</a></p></body></html>"))]
    mock_site.routes["/nb.pdf"] = [Resp(body=pdf, headers={"Content-Type": "application/pdf"})]
    appendix = (Path(__file__).resolve().parents[1] / "fixtures" / "docs" /
                "songgang_wjw_2022_yusuan_word_title.pdf").read_bytes()
    mock_site.routes["/tz.html"] = [Resp(body=(
        "<html><head><meta charset='utf-8'><title>关于公布学校名单的通知</title></head><body>"
        "<div class='TRS_Editor'><p>各学校：现将名单公布如下，请各单位认真核对，如有异议请于五日内反馈。</p></div>"
        "<p>附件：<a href='/tz.pdf'>名单.pdf</a></p></body></html>"))]
    mock_site.routes["/tz.pdf"] = [Resp(body=appendix, headers={"Content-Type": "application/pdf"})]
    crawl([site_for(mock_site)], state, index, settings=FAST)
    (report,) = hits(index, '"主动公开政府信息612条"')
    assert report["title"] == title
    from gongkai.index import get_document

    doc = get_document(index, report["id"])
    assert doc.text.count("主动公开政府信息612条") == 1
    assert [a.url.rsplit("/", 1)[-1] for a in doc.attachments] == ["nb.pdf"]
    (notice,) = hits(index, '"部门收入预算总额"')  # the appendix is a different text: it joins its article
    assert notice["title"] == "关于公布学校名单的通知"


def test_the_better_copy_of_a_report_is_kept() -> None:
    from gongkai.crawler.sync import _adopt, _better
    from gongkai.models import Document, Section

    def doc(numbered: int, text: str, **kw: object) -> Document:
        return Document(id="d", url="u", sections=[Section("一二三四五六"[i] if i < numbered else "", "", "other", text)
                                                   for i in range(max(1, numbered))], **kw)  # type: ignore[arg-type]

    page = doc(2, "正文" * 50, title="青溪区2021年报", provenance={"title": "<h1>"})
    assert _better(doc(6, "正文" * 50), page)  # the PDF kept its headings, the page lost them
    assert not _better(doc(2, "正文" * 55), page)  # a tie goes to the page
    assert _better(doc(2, "正文" * 80), page)  # the page was cut short
    kept = _adopt(doc(6, "正文" * 50, title="Microsoft Word - 附件1"), page)
    assert (kept.title, kept.provenance) == ("青溪区2021年报", {"title": "<h1>"})


def test_an_undated_article_takes_the_date_its_list_shows(mock_site: MockSite, dirs: tuple[Path, Path]) -> None:
    """Many article templates print no date; the column's list does, beside the link. The list's date is
    the article's published date only where the article names none itself."""
    state, index = dirs
    mock_site.routes["/"] = [Resp(body=(
        '<ul><li><a href="/a.html">关于开展政府开放日活动的公告</a><span>2026-10-01</span></li>'
        '<li><a href="/b.html">关于城区临时停水的通知</a><span>2026-11-19</span></li></ul>'))]
    mock_site.routes["/a.html"] = [Resp(body="<html><head><title>关于开展政府开放日活动的公告</title></head><body>"
                                             "<p>青溪县人民政府定于10月15日举办政府开放日活动，欢迎市民报名参加。</p></body></html>")]
    mock_site.routes["/b.html"] = [Resp(body="<html><head><title>关于城区临时停水的通知</title></head><body>"
                                             "<p>因管网维修，11月22日城区东片停水。</p><p>青溪县水务局</p><p>2026年11月20日</p>"
                                             "</body></html>")]
    crawl([site_for(mock_site)], state, index, settings=FAST)
    found = {r["title"]: r for r in search(index, SearchRequest("", limit=10))["results"]}
    assert found["关于开展政府开放日活动的公告"]["published"] == "2026-10-01"  # from the list
    assert found["关于城区临时停水的通知"]["published"] == "2026-11-20"  # its own signature wins
