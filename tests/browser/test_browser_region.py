"""The regional synthetic data in headless Chromium: the app opens on the whole region, a click
on a municipality opens its schools, a click on a school opens its profile."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.chromium import ARTIFACTS, ROOT, cold_server, page_errors


def _click_first_bar(page, chart) -> None:
    """Plotly draws a drag layer over its bars: click where the bar is, as a user would."""
    box = chart.locator(".bars path").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_region_drill_down_in_the_browser(browser, tmp_path):
    db = tmp_path / "regional.duckdb"
    subprocess.run([sys.executable, "-m", "indicators", "generate", "--scale", "regional"], cwd=ROOT,
                   env=dict(os.environ, QUALITY_DB=str(db)), check=True, capture_output=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with cold_server(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.goto(url)
        page.get_by_text("Муниципалитеты: 15 лучших и 15 отстающих из 48").wait_for(timeout=90_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "region.png"))
        _click_first_bar(page, page.locator(".js-plotly-plot").first)
        page.get_by_text("Школы × группы критериев").first.wait_for(timeout=60_000)
        assert "muni=" in page.url
        assert "Управление образования муниципального округа №" in page.locator(
            "[data-testid=stMain]").inner_text()
        page.wait_for_timeout(1500)
        _click_first_bar(page, page.locator(".js-plotly-plot").first)
        page.get_by_text("Управленческий цикл школы").first.wait_for(timeout=60_000)
        assert "/school" in page.url
        assert page_errors(page) == []
        page.close()
