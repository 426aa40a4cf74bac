"""The app in headless Chromium from a cold server start, as a user first meets it.

The cold start is where this stack breaks (a page's first load can hit a half-imported
pandas: "partially initialized module 'pandas' has no attribute …"), so every test starts its
own server on an empty database and opens several pages at once.
"""

from __future__ import annotations

import pytest

from tests.browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    cold_server,
    open_app,
    page_errors,
    require_chromium,
)

PAGES = ["", "overview"]


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_cold_start_shows_charts_and_no_error(browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with cold_server(tmp_path / "cold.duckdb") as url:
        # Several sessions hit the fresh server at the same moment: the import race, if any,
        # shows on one of them.
        pages = []
        for path in PAGES * 2:
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            page.goto(f"{url}/{path}", wait_until="commit")
            pages.append(page)
        for page in pages:
            page.wait_for_selector(".js-plotly-plot", timeout=90_000)
            page.wait_for_timeout(500)
            text = page.locator("body").inner_text()
            assert "partially initialized" not in text
            assert "Traceback" not in text
            assert page_errors(page) == []
            assert "Обзор за 2024/25 учебный год" in text
            assert "Соответствие школ критериям, 2024/25" in text
        pages[0].screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
        for page in pages:
            page.close()


def test_a_copied_link_opens_the_same_year(browser, tmp_path):
    with cold_server(tmp_path / "link.duckdb") as url:
        page = open_app(browser, f"{url}/overview?year=2021%2F22")
        assert page.locator("h1").first.inner_text() == "Обзор за 2021/22 учебный год"
        page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
        page.get_by_role("option", name="2023/24").click()
        page.wait_for_function("() => location.search.includes('2023')", timeout=30_000)
        page.wait_for_selector("h1:has-text('2023/24')", timeout=30_000)
        assert "year=2023%2F24" in page.url
        assert page_errors(page) == []
        page.close()


def test_school_page_opens_from_the_menu_and_from_a_bar_click(browser, tmp_path):
    """The menu opens the School page; a bar click opens that school's profile."""
    with cold_server(tmp_path / "school.duckdb") as url:
        page = open_app(browser, f"{url}/overview?year=2023%2F24")
        page.locator("[data-testid=stSidebar] a:has-text('Школа')").click()
        page.wait_for_selector("h1:has-text('МБОУ')", timeout=30_000)
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        text = page.locator("body").inner_text()
        assert "Управленческий цикл школы" in text
        assert page_errors(page) == []
        page.screenshot(path=str(ARTIFACTS / "school.png"), full_page=True)

        page.goto(f"{url}/overview")
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        bar = page.locator(".js-plotly-plot .bars .point path").last  # the top (best) bar
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("h1:has-text('Гимназия № 3')", timeout=30_000)  # best in 2024/25
        assert "/school" in page.url
        assert page_errors(page) == []
        page.close()
