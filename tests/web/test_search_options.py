"""The web page's listing, scope checkbox, date filter, sort and export link, and the same
parameters on the JSON API and the Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from gongkai.models import Document

ATOM = "{http://www.w3.org/2005/Atom}"


def soup_of(client: FlaskClient, url: str) -> BeautifulSoup:
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return BeautifulSoup(r.get_data(as_text=True), "lxml")


def params_of(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def result_ids(soup: BeautifulSoup) -> list[str]:
    return [li["data-id"] for li in soup.select("ol.results > li.result")]


def newest_first(docs: list[Document]) -> list[str]:
    return [d.id for d in sorted(docs, key=lambda d: d.published or "", reverse=True)]


def test_home_lists_everything_newest_first_with_a_pager(client: FlaskClient, docs: list[Document]) -> None:
    one = soup_of(client, "/")
    assert one.select_one("#total").text == str(len(docs))
    pager = one.select_one(".pager")
    assert pager is not None and params_of(pager.select_one("a[rel=next]")["href"]) == {"page": "2"}
    two = soup_of(client, "/?page=2")
    everything = client.get("/api/search?limit=100").get_json()
    listed = [r["id"] for r in everything["results"]]
    assert result_ids(one) + result_ids(two) == listed[:20]
    dates = [r["published"] for r in everything["results"]]
    assert dates == sorted(dates, reverse=True) and everything["total"] == len(docs)
    assert everything["sort"] == "newest"


def test_home_links_to_the_feed_and_json_of_everything(client: FlaskClient, docs: list[Document]) -> None:
    soup = soup_of(client, "/")
    feed_href = soup.select_one("a.feed")["href"]
    json_href = next(a["href"] for a in soup.select(".subscribe a") if a.text == "JSON")
    assert client.get(json_href).status_code == 200
    feed = ET.fromstring(client.get(feed_href).data)
    assert feed.findtext(f"{ATOM}title") == "政府信息公开检索：最新文件"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 30
    assert [e.findtext(f"{ATOM}id").rsplit("/", 1)[-1] for e in entries] == newest_first(docs)[:30]
    assert client.get(soup.select_one("a.export")["href"]).status_code == 200


def test_within_section_checkbox(client: FlaskClient) -> None:
    # the sample reports have 依申请公开 in section 三 and 信息处理费 in section 六
    anywhere = soup_of(client, "/?q=依申请公开 信息处理费")
    assert anywhere.select_one("#total").text == "30"
    box = anywhere.select_one("form.searchbox-main input[type=checkbox][name=within]")
    assert box["value"] == "section" and not box.has_attr("checked")
    assert anywhere.select_one("label.within").text.strip() == "同一章节内"
    one_section = soup_of(client, "/?q=依申请公开 信息处理费&within=section")
    assert one_section.select_one(".noresults") is not None
    assert one_section.select_one("form.searchbox-main input[name=within]").has_attr("checked")
    # the scope is kept by the facet links, the filter form and the feed
    data = client.get("/api/search?q=依申请公开 信息处理费&within=section").get_json()
    assert (data["total"], data["within"]) == (0, "section")
    soup = soup_of(client, "/?q=依申请公开&within=section")
    assert all(params_of(a["href"]).get("within") == "section" for a in soup.select("a[data-facet]"))
    assert soup.select_one("form.filter-form input[name=within]")["value"] == "section"
    assert params_of(soup.select_one("a.feed")["href"])["within"] == "section"
    r = client.get("/?q=a&within=paragraph")
    assert r.status_code == 400
    assert BeautifulSoup(r.get_data(as_text=True), "lxml").select_one(".message").text == (
        "没有范围 'paragraph'：请用 section（所有词在同一章节内），或不指定。")


def test_published_filter_chip_and_feed(client: FlaskClient, docs: list[Document]) -> None:
    march_2020 = {d.id for d in docs if (d.published or "").startswith("2020-03")}
    assert march_2020
    soup = soup_of(client, "/?published=2020-03")
    assert set(result_ids(soup)) == march_2020
    chip = soup.select_one(".chips a[data-remove=published]")
    assert "发布日期" in chip.text and "2020-03" in chip.text and params_of(chip["href"]) == {}
    assert soup.select_one("form.filter-form input[name=published]")["value"] == "2020-03"
    feed = ET.fromstring(client.get("/feed?published=2020-03").data)
    assert {e.findtext(f"{ATOM}id").rsplit("/", 1)[-1] for e in feed.findall(f"{ATOM}entry")} == march_2020
    r = client.get("/api/search?published=2020-13")
    assert r.status_code == 400
    assert r.get_json() == {"error": "日期 '2020-13' 没有 13 月：月份为 1 到 12"}


def test_year_accepts_open_ranges_and_chinese(client: FlaskClient, docs: list[Document]) -> None:
    for value, keep in (("2022-", lambda y: y >= 2022), ("-2015", lambda y: y <= 2015), ("2019年", lambda y: y == 2019)):
        data = client.get(f"/api/search?year={value}&limit=100").get_json()
        assert {r["id"] for r in data["results"]} == {d.id for d in docs if d.year and keep(d.year)}, value


def test_export_link_carries_the_search(client: FlaskClient) -> None:
    soup = soup_of(client, "/?q=依申请公开&type=annual_report&within=section&sort=oldest&page=2")
    link = soup.select_one("a.export")
    assert link.text == "导出 CSV" and urlsplit(link["href"]).path == "/export.csv"
    assert params_of(link["href"]) == {"q": "依申请公开", "type": "annual_report", "within": "section"}
    r = client.get(link["href"])
    lines = r.get_data().decode("utf-8").splitlines()
    assert lines[0] == "\ufeffid,url,title,agency,type,year,published,index_no,doc_no,status,withdrawn,sections"
    assert len(lines) - 1 == int(soup.select_one("#total").text)
    assert soup_of(client, "/?q=完全不存在的词语组合xyzzy").select_one("a.export") is None


def test_document_page_marks_the_words_a_prefix_stands_for(client: FlaskClient, docs: list[Document]) -> None:
    doc = next(d for d in docs if d.agency == "青溪市财政局" and d.year == 2017)
    marks = {m.text for m in soup_of(client, f"/doc/{doc.id}?q=依申请*").select("mark")}
    assert "依申请公开" in marks and all(m.startswith("依申请") for m in marks)
    # a query the search refuses still marks its plain words
    assert {m.text for m in soup_of(client, f"/doc/{doc.id}?q=*公开 复议").select("mark")} == {"复议"}
