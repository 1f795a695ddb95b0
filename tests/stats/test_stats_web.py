"""The /stats pages, in-process: a bare Flask app with the blueprint, and the gongkai web app."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from gongkai.index import SearcherHandle
from gongkai.models import document_id
from gongkai.stats.web import bar_chart, blueprint

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINGSHAN = "鸣山区人民政府"


def _id(name: str) -> str:
    return document_id(str(FIXTURES / name))


@pytest.fixture()
def client(handle: SearcherHandle) -> Iterator[FlaskClient]:
    app = Flask(__name__)
    app.config["GONGKAI_SEARCHER"] = handle
    app.register_blueprint(blueprint, url_prefix="/stats")
    with app.test_client() as c:
        yield c


def soup(resp: object) -> BeautifulSoup:
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")  # type: ignore[attr-defined]


def _no_inline_code(html: str) -> None:
    page = BeautifulSoup(html, "html.parser")
    assert not page.find("script")
    assert not page.find("style")
    assert not page.find(attrs={"style": True})
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_overview(client: FlaskClient) -> None:
    resp = client.get("/stats/")
    assert resp.status_code == 200
    page = soup(resp)
    links = {a.get_text(): a["href"] for a in page.find_all("a")}
    assert links[MINGSHAN] == f"/stats/agency/{quote(MINGSHAN)}"
    assert links["2022年"] == "/stats/year/2022"
    assert "其中 2 篇的数据未通过校验" in page.get_text()


def test_agency_page_table_and_chart(client: FlaskClient) -> None:
    resp = client.get(f"/stats/agency/{MINGSHAN}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    _no_inline_code(html)
    page = soup(resp)
    assert page.h1.get_text() == f"{MINGSHAN}：政府信息公开年度报告数据"
    svg = page.find("svg")
    assert svg is not None and svg["role"] == "img"
    assert [t.get_text() for t in svg.find_all("text")][1:] == ["2019", "27", "2021", "40"]
    main = page.find("table")
    heads = [th.get_text() for th in main.thead.find_all("th")]
    assert heads == ["指标", "2019", "2021"]
    first = [td.get_text() for td in main.tbody.tr.find_all(["th", "td"])]
    assert first == ["新收申请", "27", "40"]
    assert "4 项未通过" in main.get_text()
    detail = page.find("table", class_="stats-detail")
    cell = next(tr for tr in detail.find_all("tr") if tr.th.get_text() == "政府集中采购 · 金额").find_all("td")
    assert cell[0].get_text() == "80618元" and cell[0]["title"] == "政府集中采购 | 6 | 80618元"
    assert cell[1].get_text() == ""
    assert page.find("a", string="下载 CSV（全部数据）")["href"] == f"/stats/agency/{quote(MINGSHAN)}.csv"


def test_agency_metric_switch(client: FlaskClient) -> None:
    page = soup(client.get(f"/stats/agency/{MINGSHAN}?metric=reviews"))
    assert [t.get_text() for t in page.svg.find_all("text")][1:] == ["2019", "1", "2021", "3"]
    assert page.find("p", class_="stats-metrics").strong.get_text() == "行政复议"
    assert client.get(f"/stats/agency/{MINGSHAN}?metric=<x>").status_code == 200


def test_agency_csv_in_chinese_names_the_template_rows(client: FlaskClient) -> None:
    resp = client.get(f"/stats/agency/{MINGSHAN}.csv")
    assert resp.get_data(as_text=True).startswith("\ufeff")
    header = next(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert header[:8] == ["id", "机关", "年份", "标题", "发布日期", "网址", "格式", "新收申请"]
    assert not any(h.startswith("requests.") for h in header)  # no field keys for a Chinese reader


@pytest.mark.lang("en")  # the English header: the field keys
def test_agency_csv(client: FlaskClient) -> None:
    resp = client.get(f"/stats/agency/{MINGSHAN}.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["year"], r["requests.new.total"]) for r in rows] == [("2019", "27"), ("2021", "40")]


def test_unknown_agency_is_404(client: FlaskClient) -> None:
    assert client.get("/stats/agency/不存在的机关").status_code == 404
    assert client.get("/stats/agency/不存在的机关.csv").status_code == 404


def test_year_page(client: FlaskClient) -> None:
    resp = client.get("/stats/year/2021")
    assert resp.status_code == 200
    _no_inline_code(resp.get_data(as_text=True))
    page = soup(resp)
    rows = page.find("table").tbody.find_all("tr")
    assert [r.th.get_text() for r in rows] == ["霞河街道办事处", MINGSHAN]
    assert [t.get_text() for t in page.svg.find_all("text")][1:] == ["霞河街道办事处", "8", MINGSHAN, "40"]
    assert rows[1].find("a", string="统计数据")["href"] == f"/stats/doc/{_id('mingshan_2021_ndbg_fails.html')}"


@pytest.mark.lang("en")
def test_year_csv_and_empty_year(client: FlaskClient) -> None:
    text = client.get("/stats/year/2022.csv").get_data(as_text=True).lstrip("\ufeff")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["appeals.review.total"] == "3" and row["failed_checks"] == "1"
    resp = client.get("/stats/year/1990")
    assert resp.status_code == 200 and "The index has no annual reports for 1990." in resp.get_data(as_text=True)
    assert client.get("/stats/year/9999").status_code == 404


def test_empty_year_in_chinese(client: FlaskClient) -> None:
    assert "索引中没有1990年度的年度报告。" in client.get("/stats/year/1990").get_data(as_text=True)


def test_document_page_with_failed_checks(client: FlaskClient) -> None:
    resp = client.get(f"/stats/doc/{_id('mingshan_2021_ndbg_fails.html')}")
    assert resp.status_code == 200
    _no_inline_code(resp.get_data(as_text=True))
    page = soup(resp)
    failed = [li.get_text() for li in page.find("ul", class_="stats-failed").find_all("li")]
    assert failed[0] == "三 收支平衡，自然人：一 新收 31 + 二 上年结转 3 = 34，但 三(七) 总计 30 + 四 结转下年度 3 = 33"
    tables = page.find_all("table")
    assert len(tables) == 3
    requests = tables[1]
    assert [th.get_text() for th in requests.thead.find_all("th")][1:] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    first = requests.tbody.tr
    assert first.th.get_text() == "一、本年新收"
    assert [td.get_text() for td in first.find_all("td")] == ["31", "6", "1", "0", "2", "1", "40"]
    appeals = [tr.th.get_text() for tr in tables[2].tbody.find_all("tr")]
    assert appeals == ["行政复议", "行政诉讼(未经复议直接起诉)", "行政诉讼(复议后起诉)"]


def test_document_page_prose_and_no_figures(client: FlaskClient) -> None:
    page = soup(client.get(f"/stats/doc/{_id('songlin_2016_ndbg_prose.txt')}"))
    assert "全部校验通过" in page.get_text()
    rows = {tr.th.get_text(): tr.find_all("td") for tr in page.find("table").tbody.find_all("tr")}
    assert rows["主动公开政府信息"][0].get_text() == "1200余"
    assert "一千二百余条" in rows["主动公开政府信息"][1].get_text()
    page = soup(client.get(f"/stats/doc/{_id('songlin_notice_2022.txt')}"))
    assert "没有找到统计数据" in page.get_text()
    assert client.get("/stats/doc/0000000000000000").status_code == 404


def test_inside_the_gongkai_web_app(index_dir: Path) -> None:
    from gongkai.web import create_app

    app = create_app(index_dir)
    if "stats" not in app.blueprints:  # until the lead registers it in create_app
        app.register_blueprint(blueprint, url_prefix="/stats")
    with app.test_client() as c:
        resp = c.get(f"/stats/agency/{MINGSHAN}")
        assert resp.status_code == 200
        page = soup(resp)
        hrefs = [link["href"] for link in page.find_all("link", rel="stylesheet")]
        assert hrefs == ["/static/style.css", "/stats/static/stats.css"]
        assert page.find("form", role="search") is not None  # the site's own masthead
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
        css = c.get("/stats/static/stats.css")
        assert css.status_code == 200 and b".stats-table" in css.data
        css.close()
        missing = c.get("/stats/agency/不存在的机关")
        assert missing.status_code == 404 and "没有“不存在的机关”的年度报告。" in missing.get_data(as_text=True)


def test_bar_chart_escapes_and_handles_missing() -> None:
    svg = str(bar_chart([("<b>局</b>", 3), ("空", None), ("零", 0)], "t<"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert svg.count("<rect") == 2 and "—" in svg


def test_document_page_flags_figures_not_read(tmp_path: Path) -> None:
    from gongkai.extract import extract_document
    from gongkai.index import Indexer, open_searcher

    text = ("云岭镇2018年政府信息公开工作年度报告\n一、概述\n全年主动公开政府信息96条。\n二、依申请公开政府信息情况\n"
            "全年受理申请3件，均予以答复。同意公开3件。\n三、因政府信息公开申请提起行政复议、行政诉讼的情况\n见附表。\n")
    doc = extract_document(str(tmp_path / "yl2018.txt"), text.encode())
    with Indexer(tmp_path / "ix") as ix:
        ix.upsert(doc)
    with open_searcher(tmp_path / "ix") as handle:
        app = Flask(__name__)
        app.config["GONGKAI_SEARCHER"] = handle
        app.register_blueprint(blueprint, url_prefix="/stats")
        with app.test_client() as c:
            page = soup(c.get(f"/stats/doc/{doc.id}"))
            year = soup(c.get("/stats/year/2018"))
    flag = page.find("p", class_="stats-unread")
    assert flag is not None and "四、政府信息公开行政复议、行政诉讼情况" in flag.get_text()
    assert "全部校验通过" not in page.get_text()
    assert "数据未读出" in year.get_text() and "通过" not in year.find("table").get_text()
