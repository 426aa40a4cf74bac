"""The app on a department laptop (1366×768) and a desktop (1920×1080), in headless Chromium:
the indicator tables fit without sideways scrolling and show every row, no cell says «None»,
no chart label sits on another, a school opened anywhere has its own link, /overview is the
Overview, and Streamlit's own words on screen are Russian.  Every page is photographed at both
sizes (tests/artifacts/screen_<page>_<width>.png) to be looked at.
"""

from __future__ import annotations

import re

import pytest

from tests.chromium import ARTIFACTS, cold_server, page_errors

PAGES = ["", "school", "indicators", "trends", "roadmap", "council", "data", "log"]
LAPTOP, DESKTOP = (1366, 768), (1920, 1080)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with cold_server(tmp_path_factory.mktemp("laptop") / "demo.duckdb") as url:
        yield url


def _open(browser, url: str, path: str, size=LAPTOP, *, wait: str = "h1"):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{url}/{path}")
    page.wait_for_selector(wait, timeout=90_000, state="attached")
    _idle(page)
    return page


def _idle(page) -> None:
    """Until Streamlit has finished its run and the charts are drawn."""
    page.wait_for_timeout(400)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidgetRunningIcon]')"
        " && !document.querySelector('[data-testid=stApp][data-test-script-state=running]')",
        timeout=60_000)
    page.wait_for_timeout(1200)


def _open_everything(page) -> None:
    """Every expander and tab opened, so that the tables inside are drawn."""
    for n in range(page.locator("[data-testid=stExpander] summary").count()):
        summary = page.locator("[data-testid=stExpander] summary").nth(n)
        if summary.is_visible():
            summary.click()
    page.wait_for_timeout(800)


# -- the indicator tables ----------------------------------------------------------------------

_GRID = """(testid) => [...document.querySelectorAll('[data-testid=stDataFrame]')].map(d => {
    const s = d.querySelector('.dvn-scroller');
    const head = d.querySelector('[role=row]');
    const box = d.getBoundingClientRect();
    return {header: head ? head.innerText : '', rows: Number(d.querySelector('table')?.getAttribute('aria-rowcount') || 0) - 1,
            sw: s?.scrollWidth, cw: s?.clientWidth, sh: s?.scrollHeight, ch: s?.clientHeight,
            right: box.right, visible: box.width > 0};
})"""


@pytest.mark.parametrize("path, rows", [("", 11), ("school", 11)])
def test_the_indicator_table_fits_a_laptop_screen(browser, served, path, rows):
    """Score, status and evidence without sideways scrolling, and every row without an inner
    scroll bar (the 11th indicator hid behind one)."""
    page = _open(browser, served, path, wait="[data-testid=stDataFrame] [role=row]")
    grids = [g for g in page.evaluate(_GRID) if g["visible"] and "Показатель" in g["header"]]
    assert len(grids) == 1, grids
    grid = grids[0]
    for column in ("Код", "Показатель", "Оценка", "Балл", "Документ", "Комментарий"):
        assert column in grid["header"], (column, grid["header"])
    assert grid["sw"] <= grid["cw"] + 1, f"sideways scroll: {grid['sw']} > {grid['cw']}"
    assert grid["sh"] <= grid["ch"] + 1, f"inner scroll bar: {grid['sh']} > {grid['ch']}"
    assert grid["rows"] == rows
    assert grid["right"] <= LAPTOP[0]
    page.close()


# -- no «None» anywhere ------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_no_cell_or_line_says_none(browser, served, path):
    page = _open(browser, served, path)
    texts = []
    tabs = page.get_by_role("tab")
    for n in range(max(tabs.count(), 1)):
        if tabs.count():
            tabs.nth(n).click()
            _idle(page)
        _open_everything(page)
        texts.append(page.locator("[data-testid=stMain]").inner_text())
    found = [line for text in texts for line in text.splitlines() if re.search(r"\b(None|nan|NaN|NaT)\b", line)]
    assert found == [], found[:10]
    assert page_errors(page) == []
    page.close()


# -- labels never overlap ----------------------------------------------------------------------

# Every text of a Plotly chart (bar texts, annotations, ticks, the colour bar, the legend), as
# boxes; and the points along its lines.  Two texts overlapping, or a line through a text, is a
# label nobody can read.
_LABELS = """(chart) => {
    const boxes = [...chart.querySelectorAll('svg text')].filter(t => t.textContent.trim() &&
        getComputedStyle(t).opacity !== '0' && t.getBoundingClientRect().width > 0)
      .map(t => { const r = t.getBoundingClientRect();
                  return {text: t.textContent, x0: r.left, x1: r.right, y0: r.top, y1: r.bottom}; });
    const points = [];
    for (const path of chart.querySelectorAll('.scatterlayer .js-line')) {
        const m = path.getScreenCTM(), len = path.getTotalLength();
        for (let l = 0; l <= len; l += 4) {
            const p = path.getPointAtLength(l);
            points.push({x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f});
        }
    }
    return {boxes, points};
}"""


def _overlaps(found: dict, slack: float = 1.5) -> list:
    boxes, bad = found["boxes"], []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > slack
                    and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > slack):
                bad.append((a["text"], b["text"]))
        if any(a["x0"] + slack < p["x"] < a["x1"] - slack and a["y0"] + slack < p["y"] < a["y1"] - slack
               for p in found["points"]):
            bad.append((a["text"], "— линия —"))
    return bad


def chart_overlaps(page) -> list:
    charts = page.locator(".js-plotly-plot")
    bad = []
    for n in range(charts.count()):
        if charts.nth(n).is_visible():
            bad += [(n, *pair) for pair in _overlaps(charts.nth(n).evaluate(_LABELS))]
    return bad


@pytest.mark.parametrize("path", ["", "school", "indicators", "trends", "roadmap"])
@pytest.mark.parametrize("size", [LAPTOP, DESKTOP])
def test_chart_labels_do_not_overlap(browser, served, path, size):
    page = _open(browser, served, path, size, wait=".js-plotly-plot")
    assert chart_overlaps(page) == []
    page.close()


# -- links -------------------------------------------------------------------------------------

def _click_center(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _school_in_the_address(browser, page, heading: str) -> None:
    page.wait_for_selector(f"h1:has-text('{heading}')", timeout=30_000)
    page.wait_for_function("() => location.search.includes('school=')", timeout=10_000)
    link = page.url
    assert "/school?" in link and "school=" in link, link
    copied = browser.new_page(viewport={"width": LAPTOP[0], "height": LAPTOP[1]})
    copied.goto(link)
    copied.wait_for_selector(f"h1:has-text('{heading}')", timeout=60_000)
    copied.close()


def test_a_school_opened_from_a_chart_or_a_list_has_its_own_link(browser, served):
    page = _open(browser, served, "", (1400, 1600), wait=".js-plotly-plot")
    _click_center(page, page.locator(".js-plotly-plot").first.locator(".bars .point path").last)
    _school_in_the_address(browser, page, "Гимназия № 3")                  # the best bar

    page.goto(f"{served}/")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    _idle(page)
    _click_center(page, page.locator(".js-plotly-plot").nth(1).locator(".bars .point path").first)
    _school_in_the_address(browser, page, "Средняя общеобразовательная школа № 1")   # heatmap

    page.goto(f"{served}/")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    _idle(page)
    page.locator("[data-testid=stPopover] button").first.click()          # «Высокий: …»
    page.locator("[data-testid=stPopoverBody] [data-testid=stSelectbox]").click()
    option = page.get_by_role("option").first
    name = option.inner_text()
    option.click()
    page.wait_for_selector("h1", timeout=30_000)
    _idle(page)
    assert "school=" in page.url, (name, page.url)
    page.close()


def test_the_overview_has_an_address_of_its_own(browser, served):
    """/overview is the Overview (Streamlit served the default page only at /, and said «Page
    not found» in English), with the filters of the link."""
    page = _open(browser, served, "overview?year=2022%2F23", wait="h1:has-text('Обзор')")
    text = page.locator("body").inner_text()
    assert "Page not found" not in text and "does not seem to exist" not in text
    assert page.locator("h1").first.inner_text() == "Обзор за 2022/23 учебный год"
    page.close()


# -- Streamlit's own words ---------------------------------------------------------------------

# The text a person sees in an element: its text nodes that are drawn (not hidden, not at size
# zero), with the content of the ::before and ::after boxes the stylesheet adds.
_SEEN = """(root) => {
    const out = [];
    const seen = (el) => { const s = getComputedStyle(el);
        return s.display !== 'none' && s.visibility !== 'hidden' && parseFloat(s.fontSize) > 0; };
    const walk = (el) => {
        if (!(el instanceof Element) || getComputedStyle(el).display === 'none'
            || el.dataset.testid === 'stIconMaterial') return;   // an icon's name is not text
        const before = getComputedStyle(el, '::before').content;
        if (before && before !== 'none' && before !== 'normal') out.push(before.replace(/^"|"$/g, ''));
        for (const n of el.childNodes) {
            if (n.nodeType === 3 && n.textContent.trim() && seen(el)) out.push(n.textContent.trim());
            else walk(n);
        }
        const after = getComputedStyle(el, '::after').content;
        if (after && after !== 'none' && after !== 'normal') out.push(after.replace(/^"|"$/g, ''));
    };
    walk(root);
    return out.join(' ');
}"""


def test_the_file_uploader_speaks_russian_and_has_the_imports_limit(browser, served):
    page = _open(browser, served, "data")
    page.get_by_role("tab", name="2. Загрузка файлов").click()
    _idle(page)
    zone = page.locator("[data-testid=stFileUploaderDropzone]").first
    seen = zone.evaluate(_SEEN)
    assert not re.search(r"Upload|Browse|Drag|MB|per file|Limit", seen), seen
    assert re.search(r"10\s?МБ", seen), seen          # «до 10 МБ на файл» (a no-break space)
    page.close()


def test_no_results_menus_and_toolbars_in_russian(browser, served):
    page = _open(browser, served, "")
    page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first.click()
    page.keyboard.type("ёёёё")
    page.wait_for_timeout(600)
    listbox = page.locator("[role=listbox]").first
    seen = listbox.evaluate(_SEEN)
    assert "No results" not in seen and "Ничего не найдено" in seen, seen
    page.keyboard.press("Escape")
    assert not page.locator("[data-testid=stMainMenu]").is_visible()    # its items are English only
    grid = page.locator("[data-testid=stDataFrame]").last
    grid.scroll_into_view_if_needed()
    grid.hover()
    page.wait_for_timeout(500)
    shown = page.evaluate("""() => [...document.querySelectorAll("button[aria-label='Download as CSV']")]
        .filter(b => b.getBoundingClientRect().width > 0 && getComputedStyle(b).visibility !== 'hidden').length""")
    assert shown == 0                          # English only, and each table has its .xlsx download
    styles = page.evaluate("() => [...document.querySelectorAll('style')].map(s => s.textContent).join(' ')")
    assert "Остановить" in styles            # the busy indicator's «Stop»
    page.close()


# -- every page, looked at ---------------------------------------------------------------------

@pytest.mark.parametrize("size", [LAPTOP, DESKTOP])
def test_every_page_at_laptop_and_desktop_size(browser, served, size):
    """Each page whole (the viewport stretched to the page), for a person to look at; nothing
    wider than the screen."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in PAGES:
        page = _open(browser, served, path, size)
        page.screenshot(path=str(ARTIFACTS / f"screen_{path or 'overview'}_{size[0]}_top.png"))
        wide = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
        assert wide <= size[0], (path, wide)
        full = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": size[0], "height": min(full + 40, 14_000)})
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / f"screen_{path or 'overview'}_{size[0]}.png"))
        assert page_errors(page) == [], path
        page.close()
