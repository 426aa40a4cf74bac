"""The app in headless Chromium from a cold server start, as a user first meets it.

The cold start is where this stack breaks (a page's first load can hit a half-imported
pandas: "partially initialized module 'pandas' has no attribute …"), so every test starts its
own server on an empty database and opens several pages at once.
"""

from __future__ import annotations

import io

import duckdb
from openpyxl import load_workbook

from tests.chromium import ARTIFACTS, choose, cold_server, menu, open_app, page_errors

# url path → text the page shows on the demo's latest year
PAGES = {
    "": "Обзор за 2024/25 учебный год",
    "school": "Управленческий цикл школы, 2024/25",
    "indicators": "Сколько школ выполняют каждый показатель, 2024/25",
    "trends": "Состояние × динамика, 2024/25",
    "roadmap": "Мероприятия по учебным годам",
}


def test_cold_start_shows_charts_and_no_error(browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with cold_server(tmp_path / "cold.duckdb") as url:
        # Every page, and the overview twice, hit the fresh server at the same moment: the
        # import race, if any, shows on one of them.
        paths = [*PAGES, ""]
        pages = []
        for path in paths:
            page = browser.new_page(viewport={"width": 1400, "height": 3400})
            page.goto(f"{url}/{path}", wait_until="commit")
            pages.append(page)
        for path, page in zip(paths, pages):
            page.wait_for_selector(".js-plotly-plot", timeout=90_000)
            page.wait_for_timeout(1500)
            text = page.locator("body").inner_text()
            assert "partially initialized" not in text
            assert "Traceback" not in text
            assert page_errors(page) == [], path
            assert PAGES[path] in text, path
        for path, page in zip(paths, pages):
            page.screenshot(path=str(ARTIFACTS / f"{path or 'overview'}.png"), full_page=True)
            page.close()


def test_a_copied_link_opens_the_same_year(browser, tmp_path):
    with cold_server(tmp_path / "link.duckdb") as url:
        page = open_app(browser, f"{url}/?year=2021%2F22")
        assert page.locator("h1").first.inner_text() == "Обзор за 2021/22 учебный год"
        choose(page, "2023/24", where="[data-testid=stSidebar]")
        page.wait_for_function("() => location.search.includes('2023')", timeout=30_000)
        page.wait_for_selector("h1:has-text('2023/24')", timeout=30_000)
        assert "year=2023%2F24" in page.url
        assert page_errors(page) == []
        page.close()


def test_school_page_opens_from_the_menu_and_from_a_bar_click(browser, tmp_path):
    """The menu opens the School page; a bar click opens that school's profile."""
    with cold_server(tmp_path / "school.duckdb") as url:
        page = open_app(browser, f"{url}/?year=2023%2F24")
        menu(page, "Школа")
        page.wait_for_selector("h1:has-text('МБОУ')", timeout=30_000)
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        text = page.locator("body").inner_text()
        assert "Управленческий цикл школы" in text
        assert page_errors(page) == []
        page.screenshot(path=str(ARTIFACTS / "school.png"), full_page=True)

        page.goto(f"{url}/")
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        bars = page.locator(".js-plotly-plot").first
        _click_center(page, bars.locator(".bars .point path").last)  # the top (best) bar
        page.wait_for_selector("h1:has-text('Гимназия № 3')", timeout=30_000)  # best in 2024/25
        assert "/school" in page.url
        assert page_errors(page) == []
        page.close()


def test_the_menu_keeps_the_filters(browser, tmp_path):
    """A year and a school chosen on one page hold on every page the menu opens."""
    with cold_server(tmp_path / "menu.duckdb") as url:
        page = open_app(browser, f"{url}/?year=2021%2F22&schools=%D0%A1%D0%9E%D0%A8+%E2%84%96+6")
        for title, heading in (("Динамика", "Динамика, 2021/22"),
                               ("Показатели", "Показатели, 2021/22"),
                               ("Обзор", "Обзор за 2021/22")):
            menu(page, title)
            page.wait_for_selector(f"h1:has-text('{heading}')", timeout=30_000)
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)
            assert "year=2021%2F22" in page.url, page.url
            assert "schools=" in page.url, page.url
            assert page_errors(page) == []
        page.close()


def wait_idle(page) -> None:
    """Until Streamlit has finished the current run (its «running» indicator is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon]')"
        " && !document.querySelector('[data-testid=stApp][data-test-script-state=running]')",
        timeout=60_000)


def _click_center(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_heatmap_cell_opens_the_profile_and_ranking_bar_picks_the_indicator(browser, tmp_path):
    with cold_server(tmp_path / "clicks.duckdb") as url:
        page = open_app(browser, f"{url}/", height=3000)
        heatmap = page.locator(".js-plotly-plot").nth(1)
        cell = heatmap.locator(".bars .point path").first  # the first school's first criterion
        _click_center(page, cell)
        page.wait_for_selector("h1:has-text('Средняя общеобразовательная школа № 1')",
                               timeout=30_000)
        assert "/school" in page.url and "year=" not in page.url  # default year: clean URL
        assert page_errors(page) == []

        page.goto(f"{url}/indicators")
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        ranking = page.locator(".js-plotly-plot").first
        # the top row is the least met indicator of 2024/25 in the demo: S11
        top = ranking.locator(".bars .point path").last
        _click_center(page, top)
        page.wait_for_selector("h3:has-text('S11')", timeout=30_000)
        assert "indicator=S11" in page.url
        assert page_errors(page) == []
        page.close()


def test_the_yearly_cycle_in_the_browser(browser, tmp_path):
    """Template out, a filled file in, preview, apply: the overview shows the new figure."""
    with cold_server(tmp_path / "cycle.duckdb") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(f"{url}/data")
        page.wait_for_selector("h1:has-text('Данные за 2024/25')", timeout=90_000)
        choose(page, "СОШ № 6")
        wait_idle(page)  # a click that lands while the page reruns for the choice is lost
        with page.expect_download(timeout=60_000) as download:
            page.get_by_text("Скачать шаблон (.xlsx)").click()
        assert download.value.suggested_filename == "шаблон_2024-25_СОШ № 6.xlsx"
        with open(download.value.path(), "rb") as file:
            book = load_workbook(io.BytesIO(file.read()))
        book["Оценки"]["J2"] = "нет"
        filled = tmp_path / "сош6.xlsx"
        book.save(filled)

        page.get_by_role("tab", name="2. Загрузка файлов").click()
        page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(filled))
        page.wait_for_selector("text=Изменённых", timeout=60_000)
        page.wait_for_selector("button:has-text('Применить')", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "data-preview.png"), full_page=True)
        page.get_by_role("button", name="Применить: записать в базу").click()
        # the batch number: the catalog and the demo are batches too (the write door)
        page.wait_for_selector("text=Записано (загрузка №", timeout=60_000)
        assert page_errors(page) == []

        page.get_by_role("tab", name="4. Выгрузка").click()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "data-export.png"), full_page=True)
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Вся база (.xlsx)").click()
        with open(download.value.path(), "rb") as file:
            exported = load_workbook(io.BytesIO(file.read()), read_only=True)
        rows = list(exported["Оценки"].iter_rows(values_only=True))
        s01 = [r for r in rows if r[0] == "sosh-6" and r[2] == 2024 and r[3] == "S01"]
        assert s01 and s01[0][4] == 0  # the imported value is in the export

        # fix one value in place, on the School page
        menu(page, "Школа")
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        choose(page, "СОШ № 6")
        page.wait_for_selector("h1:has-text('№ 6')", timeout=30_000)
        page.get_by_text("Исправить значения").click()
        page.wait_for_selector("button:has-text('Сохранить изменения')", timeout=30_000)
        page.wait_for_timeout(1500)
        # The grid is a canvas: a click selects a cell, arrows move, Enter opens its editor.
        # Each step waits for Streamlit to finish its run: a keystroke or click that lands
        # while the page reruns is lost.
        grid = page.locator("[data-testid=stDataFrame]").last
        grid.scroll_into_view_if_needed()
        wait_idle(page)
        page.wait_for_timeout(800)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 30, box["y"] + 35 + 17)  # first row, first column
        page.wait_for_timeout(300)
        for _ in range(4):                                      # → «Комментарий»
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        page.wait_for_selector("textarea:visible", timeout=10_000)  # the cell editor is open
        page.wait_for_timeout(300)
        page.keyboard.type("Проверено в браузере")
        page.keyboard.press("Enter")
        wait_idle(page)
        page.get_by_role("button", name="Сохранить изменения").click()
        try:
            said = page.wait_for_selector("text=/Сохранено: изменено значений|Изменений нет/",
                                          timeout=60_000).inner_text()
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "edit-failed.png"), full_page=True)
            raise
        assert "Сохранено: изменено значений 1" in said
        assert page_errors(page) == []

        menu(page, "Журнал изменений")
        page.wait_for_selector("h1:has-text('Журнал изменений')", timeout=30_000)
        page.wait_for_timeout(1000)
        assert page_errors(page) == []
        page.screenshot(path=str(ARTIFACTS / "log.png"), full_page=True)
        page.close()
    # the server has stopped: read what the browser session wrote
    con = duckdb.connect(str(tmp_path / "cycle.duckdb"), read_only=True)
    log = con.execute("SELECT source, entity_key, field, new_value, source_file FROM change_log "
                      "WHERE source IN ('import', 'edit') ORDER BY id").fetchall()
    con.close()
    assert log == [("import", "sosh-6|S01|2024", "score", "0.0", "сош6.xlsx"),
                   ("edit", "sosh-6|S01|2024", "comment", "Проверено в браузере", "правка на странице")]
