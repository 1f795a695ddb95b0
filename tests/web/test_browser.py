"""A real browser (Debian's chromium through Playwright) against a live waitress server.

Skipped when /usr/bin/chromium is missing, unless CI is set (then it fails): Playwright must
never download a browser of its own. Screenshots land in the test's tmp_path.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gongkai.web import create_app
from servers import serving

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextlib.contextmanager
def _serving(index: Path) -> Iterator[str]:
    from waitress.server import create_server

    with serving(create_server(create_app(index), host="127.0.0.1", port=0, threads=4)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def live_server(index_dir: Path) -> Iterator[str]:
    with _serving(index_dir) as url:
        yield url


@pytest.fixture(scope="module")
def tables_server(tables_index: Path) -> Iterator[str]:
    with _serving(tables_index) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS", "")) if os.environ.get("GONGKAI_SCREENSHOTS") else None


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    """A full-page screenshot in the test's tmp_path (and in $GONGKAI_SCREENSHOTS, to look at them)."""
    for folder in (tmp_path, SHOTS):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_filter_page_and_open_document(
    live_server: str, browser: Any, tmp_path: Path, viewport: dict[str, int], lang: str
) -> None:
    page = browser.new_page(viewport=viewport, locale=lang)
    tag = f"{lang}-{viewport['width']}"
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(live_server + "/")
    page.fill("form.searchbox-main input[name=q]", "依申请公开")
    page.press("form.searchbox-main input[name=q]", "Enter")
    page.wait_for_url("**/?q=*")
    assert page.locator("li.result").count() == 10
    # the browser's language decides: 中文 by default, English for an English browser
    assert page.get_attribute("html", "lang") == ("zh-CN" if lang == "zh-CN" else "en")
    assert page.text_content(".sort .current") == ("按相关度" if lang == "zh-CN" else "Relevance")
    _shot(page, tmp_path, f"{tag}-1-results")

    # A year range through the filter form, then a section through its facet link.
    page.fill(".filter-form input[name=year]", "2015-2019")
    page.click(".filter-form button[type=submit]")
    page.wait_for_url("**year=2015-2019*")
    page.click("a[data-facet=section][data-value=requests]")
    page.wait_for_url("**section=requests*")
    assert _params(page.url) == {"q": "依申请公开", "year": "2015-2019", "section": "requests"}
    assert page.locator(".chips a[data-remove]").count() == 2
    assert page.text_content("#total") == "15"
    _shot(page, tmp_path, f"{tag}-2-filtered")

    page.click(".pager a[rel=next]")
    page.wait_for_url("**page=2*")
    assert page.text_content(".pager .current") == "2"
    years = [int(re.sub(r"\D", "", t)) for t in page.locator("li.result .year").all_text_contents()]
    assert len(years) == 5 and all(2015 <= y <= 2019 for y in years)
    _shot(page, tmp_path, f"{tag}-3-page2")

    title = page.text_content("li.result h2 a")
    page.click("li.result h2 a")
    page.wait_for_url("**/doc/*")
    assert page.text_content("h1") == title
    marks = page.locator("article mark")
    assert marks.count() >= 1 and set(marks.all_text_contents()) == {"依申请公开"}
    assert page.locator("section.doc-section#s-3.has-hits").count() == 1
    page.click("nav.toc a[href='#s-4']")
    assert page.url.endswith("#s-4")
    _shot(page, tmp_path, f"{tag}-4-document")

    # CSP violations and failed loads show up as console errors.
    assert problems == []
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()


def _lines(page: Any, selector: str) -> list[int]:
    """How many line boxes each element matching `selector` takes (1: not broken inside)."""
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getClientRects().length)")


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_phone_layout(live_server: str, browser: Any, tmp_path: Path, lang: str) -> None:
    page = browser.new_page(viewport=PHONE, locale=lang)
    page.goto(live_server + "/")
    # example queries and dates are never broken inside a word or a date (政/策解读, 2022-/02-17)
    assert _lines(page, ".examples a") and set(_lines(page, ".examples a")) == {1}
    assert set(_lines(page, "ol.results time")) == {1}
    # the filters come before the results, not after all of them
    form = page.locator("form.filter-form").bounding_box()
    first = page.locator("li.result").first.bounding_box()
    assert form["y"] + form["height"] <= first["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, tmp_path, f"{lang}-390-landing")

    # an annual report's figures: wide tables scroll in their box, their first column stays readable
    page.goto(live_server + "/?type=annual_report")
    page.click("li.result a.figures-link")
    page.wait_for_url("**/stats/doc/*")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    boxes = page.eval_on_selector_all(
        ".stats-scroll", "els => els.map(e => [e.scrollWidth, e.clientWidth])")
    assert any(sw > cw for sw, cw in boxes), "the widest table scrolls sideways"
    widths = page.eval_on_selector_all(".stats-table tbody tr > th:first-child",
                                       "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and min(widths) >= 90  # 7em: several characters, never one
    _shot(page, tmp_path, f"{lang}-390-figures")
    # and back to the document, whose page links its figures
    page.click("a.doc-link")
    page.wait_for_url("**/doc/*")
    assert page.locator("a.figures-link").count() == 1
    page.close()


def test_language_switch(live_server: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport=DESKTOP, locale="en-US")
    page.goto(live_server + "/?q=复议")
    assert page.text_content(".lang-switch strong") == "English"
    page.click(".lang-switch a[hreflang=zh-CN]")
    page.wait_for_url("**/?q=*")
    assert _params(page.url) == {"q": "复议"}  # back where the reader was, now in Chinese
    assert page.text_content(".lang-switch strong") == "中文" and page.get_attribute("html", "lang") == "zh-CN"
    page.goto(live_server + "/stats/")
    assert page.text_content("h1") == "年度报告统计"  # the choice is kept (a cookie)
    _shot(page, tmp_path, "switch-to-chinese")
    page.close()


def test_error_page_in_browser(live_server: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    response = page.goto(live_server + "/?q=复议&year=nineteen")
    assert response.status == 400
    assert page.text_content(".error-page h1") == "请求有误"
    page.screenshot(path=str(tmp_path / "error.png"))
    page.close()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_report_table_scrolls_inside_its_box_not_the_page(
    tables_server: str, browser: Any, tables_doc: Any, tmp_path: Path, viewport: dict[str, int]
) -> None:
    page = browser.new_page(viewport=viewport)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(f"{tables_server}/doc/{tables_doc.id}?q=自然人")
    box = page.locator("section[data-key=requests] .table-scroll")
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"table-{viewport['width']}.png"), full_page=True)
    # The 10-column requests table fits a desktop page; on a phone its box scrolls sideways, the page does not.
    phone = viewport["width"] == 390
    assert box.evaluate("b => b.scrollWidth > b.clientWidth") == phone
    if phone:
        assert box.evaluate("b => { b.scrollLeft = 200; return b.scrollLeft; }") > 0
        assert box.evaluate("b => b.getBoundingClientRect().right") <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Merged cells span their rows and columns in the rendered table.
    corner = page.locator("section[data-key=requests] table.doc-table td").first
    assert corner.evaluate("td => [td.rowSpan, td.colSpan]") == [3, 3]
    assert page.locator("section[data-key=requests] table.doc-table td mark").all_text_contents() == ["自然人"]
    assert problems == []
    page.close()
