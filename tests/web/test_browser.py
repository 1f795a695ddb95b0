"""A real browser (Debian's chromium through Playwright) against a live waitress server.

Skipped when /usr/bin/chromium is missing, unless CI is set (then it fails): Playwright must
never download a browser of its own. Screenshots land in the test's tmp_path.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gongkai.web import create_app

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


@pytest.fixture(scope="module")
def live_server(index_dir: Path) -> Iterator[str]:
    from waitress.server import create_server

    server = create_server(create_app(index_dir), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    finally:
        server.close()
        thread.join(timeout=5)


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


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_search_filter_page_and_open_document(
    live_server: str, browser: Any, tmp_path: Path, viewport: dict[str, int]
) -> None:
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(live_server + "/")
    page.fill("form.searchbox-main input[name=q]", "依申请公开")
    page.press("form.searchbox-main input[name=q]", "Enter")
    page.wait_for_url("**/?q=*")
    assert page.locator("li.result").count() == 10
    page.screenshot(path=str(tmp_path / "1-results.png"), full_page=True)

    # A year range through the filter form, then a section through its facet link.
    page.fill(".filter-form input[name=year]", "2015-2019")
    page.click(".filter-form button[type=submit]")
    page.wait_for_url("**year=2015-2019*")
    page.click("a[data-facet=section][data-value=requests]")
    page.wait_for_url("**section=requests*")
    assert _params(page.url) == {"q": "依申请公开", "year": "2015-2019", "section": "requests"}
    assert page.locator(".chips a[data-remove]").count() == 2
    assert page.text_content("#total") == "15"
    page.screenshot(path=str(tmp_path / "2-filtered.png"), full_page=True)

    page.click(".pager a[rel=next]")
    page.wait_for_url("**page=2*")
    assert page.text_content(".pager .current") == "2"
    years = [int(t.removesuffix("年")) for t in page.locator("li.result .year").all_text_contents()]
    assert len(years) == 5 and all(2015 <= y <= 2019 for y in years)
    page.screenshot(path=str(tmp_path / "3-page2.png"), full_page=True)

    title = page.text_content("li.result h2 a")
    page.click("li.result h2 a")
    page.wait_for_url("**/doc/*")
    assert page.text_content("h1") == title
    marks = page.locator("article mark")
    assert marks.count() >= 1 and set(marks.all_text_contents()) == {"依申请公开"}
    assert page.locator("section.doc-section#s-3.has-hits").count() == 1
    page.click("nav.toc a[href='#s-4']")
    assert page.url.endswith("#s-4")
    page.screenshot(path=str(tmp_path / "4-document.png"), full_page=True)

    # CSP violations and failed loads show up as console errors.
    assert problems == []
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()


def test_error_page_in_browser(live_server: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(locale="zh-CN")
    response = page.goto(live_server + "/?q=复议&year=nineteen")
    assert response.status == 400
    assert page.text_content(".error-page h1") == "请求有误"
    page.screenshot(path=str(tmp_path / "error.png"))
    page.close()
