"""Объективность in headless Chromium on the demo, on a 1920×1080 monitor and a 1366×768
department laptop: the page's first screen and the whole page as screenshots
(tests/artifacts/objectivity_*.png), no error box, no «None» or «nan», the matrix's schools and
tests, the notes; a click on a tile opens that school's card."""

from __future__ import annotations

import re

import pytest

from tests.chromium import ARTIFACTS, cold_server, page_errors

SCREENS = {"1920": (1920, 1080), "1366": (1366, 768)}
LONG = 4200   # px: the whole page in one screenshot


def _wait_drawn(page) -> None:
    page.get_by_text("Объективность результатов ВПР, 2024/25").wait_for(timeout=90_000)
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=60_000)
    page.wait_for_timeout(1500)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with cold_server(tmp_path_factory.mktemp("objectivity") / "demo.duckdb") as url:
        yield url


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_page_on_a_monitor_and_a_laptop(browser, served, screen):
    width, height = SCREENS[screen]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{served}/objectivity")
    _wait_drawn(page)
    page.screenshot(path=str(ARTIFACTS / f"objectivity_{screen}.png"))
    page.set_viewport_size({"width": width, "height": LONG})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"objectivity_{screen}_whole.png"))
    main = page.locator("[data-testid=stMain]").inner_text()
    assert page_errors(page) == []
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b", main)
    assert "Признаки необъективности — повод для проверки" in main
    assert "Результаты ВПР не используются для оценки работы учителей" in main
    assert "эталон: муниципалитет" in main
    matrix = page.locator(".js-plotly-plot").first
    drawn = matrix.inner_text()
    for label in ("Кадетская школа", "СОШ № 11", "Русский язык, 4 кл.", "Математика, 5 кл."):
        assert label in drawn, label
    for boundary in ("2/3", "3/4", "4/5"):
        assert boundary in page.locator(".js-plotly-plot").nth(1).inner_text()
    page.close()


def test_a_tile_opens_the_schools_card(browser, served):
    page = browser.new_page(viewport={"width": 1366, "height": 2000})
    page.goto(f"{served}/objectivity")
    _wait_drawn(page)
    matrix = page.locator(".js-plotly-plot").first
    # the last tile with one sign: СОШ № 11, Russian, grade 5 (the tiles of a kind in the matrix's order)
    tile = matrix.locator(".bars .point").filter(has_text=re.compile(r"^1$")).last
    box = tile.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"school="), timeout=30_000)
    page.wait_for_timeout(1500)
    card = page.locator(".js-plotly-plot").nth(1)
    card.get_by_text("СОШ № 11: первичные баллы и границы отметок, Русский язык, 5 кл.").wait_for(timeout=30_000)
    assert "Спирмена" in page.locator("[data-testid=stAlertContentWarning]").first.inner_text()
    assert page_errors(page) == []
    page.close()
