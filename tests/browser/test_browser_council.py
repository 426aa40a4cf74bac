"""The council in headless Chromium: presentation mode on both projector sizes, every slide
on one screen with nothing else, the arrow keys, and the two downloads."""

from __future__ import annotations

import re

import pytest
from pptx import Presentation

from tests.chromium import ARTIFACTS, choose, cold_server, page_errors
from indicators.council.slides import count_slides


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with cold_server(tmp_path_factory.mktemp("council") / "demo.duckdb") as url:
        yield url


def _open_council(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{url}/council")
    page.get_by_role("button", name="▶ Начать показ").wait_for(timeout=90_000)
    return page


@pytest.mark.parametrize("width, height, screen", [(1920, 1080, "1920×1080 (Full HD)"),
                                                   (1280, 720, "1280×720 (HD)")])
def test_presentation_fits_the_projector(browser, server, width, height, screen):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = _open_council(browser, server, width, height)
    total = int(re.search(r"(\d+) слайд", page.get_by_text(re.compile(r"^\d+ слайд")).first.inner_text()).group(1))
    choose(page, screen, nth=2)                       # Учебный год, Цифры, Экран проектора
    page.get_by_role("button", name="▶ Начать показ").click()
    for n in range(1, total + 1):
        page.get_by_text(f"Слайд {n} из {total}").wait_for(timeout=30_000)
        page.wait_for_timeout(300)
        assert not page.locator("[data-testid=stSidebar]").is_visible()
        assert not page.get_by_text("Это демонстрационные данные").count()
        main = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        assert main <= height, f"slide {n} needs {main}px on a {height}px screen"
        assert page.locator(".st-key-present-exit button").is_visible()
        if n in (2, 3):
            page.screenshot(path=str(ARTIFACTS / f"council_{width}_{n}.png"))
        if n < total:
            page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.get_by_text(f"Слайд {total - 1} из {total}").wait_for(timeout=30_000)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="▶ Начать показ").wait_for(timeout=30_000)
    assert page_errors(page) == []
    page.close()


def test_downloads_open_with_the_deck(browser, server, tmp_path):
    page = _open_council(browser, server, 1400, 1200)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Скачать презентацию (.pptx)").click()
    assert download.value.suggested_filename == "педсовет_2024-25.pptx"
    prs = Presentation(download.value.path())
    shown = page.get_by_text(re.compile(r"^\d+ слайд")).first.inner_text()
    assert shown.startswith(count_slides(len(prs.slides)))

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Скачать отчёт (.html)").click()
    report = tmp_path / "report.html"
    report.write_bytes(open(download.value.path(), "rb").read())
    offline = browser.new_page()
    offline.route(re.compile(r"^https?://"), lambda route: route.abort())   # no network at all
    offline.goto(report.as_uri())
    offline.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert offline.locator(".js-plotly-plot").count() == 4
    assert offline.locator("section.slide").count() == len(prs.slides)   # the cover stands for the title
    offline.close()
    page.close()
