"""The ВПР cycle of issue 16 in headless Chromium on a 1366×768 department laptop, and the
deck's objectivity slide through LibreOffice: the indicator-9 proposal at the bottom of
Объективность (before and after «Подтвердить»), the council page's preview of the slide
«Объективность результатов ВПР», and that slide of the .pptx rendered to a picture — all saved
to tests/artifacts/vpr_cycle_*.png for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from indicators.council.content import build
from indicators.council.deck_pptx import build_pptx
from indicators.council.slides import slides
from indicators.ready import ready_db
from indicators.store import database as db_module
from indicators.store.actors import LOCAL
from indicators.store.door import batch
from indicators.synthetic.demo import MUNICIPALITY_ID
from tests.chromium import ARTIFACTS, cold_server, page_errors

LAPTOP = {"width": 1366, "height": 768}
LATIN = re.compile(r"[A-Za-z]{2,}")


def _clean(text: str) -> None:
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b", text), text
    assert not LATIN.findall(text), LATIN.findall(text)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo with M09 of 2024 set to 1, so that the proposal (2) waits for its button."""
    path = tmp_path_factory.mktemp("vpr_cycle") / "demo.duckdb"
    db = ready_db(path)
    with batch(db, LOCAL, "edit") as b:
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"], ["score"],
                 pd.DataFrame([dict(org_unit_id=MUNICIPALITY_ID, indicator_id="M09", period=2024, score=1.0)]))
    db.close()
    db_module._open.pop(str(path), None)        # the server's process opens the file alone
    with cold_server(path) as url:
        yield url


def test_the_indicator_9_proposal_at_the_bottom_of_the_page(browser, served):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=LAPTOP)
    page.goto(f"{served}/objectivity")
    page.get_by_text("Объективность результатов ВПР, 2024/25").wait_for(timeout=90_000)
    button = page.get_by_role("button", name="Подтвердить оценку показателя 9")
    button.wait_for(timeout=90_000)
    page.wait_for_timeout(1500)
    button.scroll_into_view_if_needed()         # the bottom of the page: the proposal box
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "vpr_cycle_proposal_1366.png"))
    box = page.locator("[data-testid=stMain]").inner_text()
    assert "Показатель 9: мониторинг объективности" in box
    assert "процедур»: 2 из 2. Сейчас в базе: 1." in box
    button.click()
    page.get_by_text("Оценка совпадает с предложенной.").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.get_by_text("Оценка совпадает с предложенной.").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "vpr_cycle_confirmed_1366.png"))
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "Оценка показателя 9 (2) записана." in main
    assert "Сейчас в базе: 2." in main
    assert page_errors(page) == []
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b", main)
    page.close()


def test_the_councils_preview_of_the_objectivity_slide(browser, served):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=LAPTOP)
    page.goto(f"{served}/council")
    page.get_by_role("button", name="▶ Начать показ").wait_for(timeout=90_000)
    picker = page.locator("[data-testid=stSelectbox]").filter(
        has=page.locator("label", has_text=re.compile(r"^Слайд$")))
    picker.click()
    page.keyboard.type("результатов ВПР")       # the list is long: narrow it as a person would
    page.get_by_role("option", name="8. Объективность результатов ВПР, 2024/25").click()
    slide = page.locator(".council-slide").filter(has_text="Объективность результатов ВПР, 2024/25")
    slide.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    slide.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "vpr_cycle_council_preview_1366.png"))
    shown = "\n".join(page.locator(".council-slide").all_inner_texts()).replace("\xa0", " ")
    assert "Индекс объективности 81,8 · школ с признаками 2 из 11" in shown
    assert "Кадетская школа" in shown and "СОШ № 11" in shown
    assert "повод для проверки и методической помощи, а не вывод о нарушении" in shown
    _clean(shown)
    assert page_errors(page) == []
    page.close()


def test_libreoffice_draws_the_decks_objectivity_slide(demo_file, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice (libreoffice-impress) or pdftoppm (poppler-utils) not installed")
    db = ready_db(demo_file)
    deck = slides(build(db, 2024, MUNICIPALITY_ID), ("objectivity",))
    assert [s.title for s in deck] == ["Объективность результатов ВПР, 2024/25"]
    _clean(" ".join([deck[0].title, deck[0].subtitle or "", *deck[0].text,
                     *deck[0].table.astype(str).to_numpy().ravel()]))
    path = tmp_path / "objectivity.pptx"
    path.write_bytes(build_pptx(deck))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=240)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(tmp_path / "objectivity.pdf"),
                    str(tmp_path / "slide")], check=True, timeout=120)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "slide.png", ARTIFACTS / "vpr_cycle_deck_objectivity.png")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "objectivity.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout.replace("\xa0", " ")
    assert "Объективность результатов ВПР, 2024/25" in text
    assert "Кадетская школа" in text and "СОШ № 11" in text
    _clean(text)
