"""The August council: its numbers (by hand on the tiny fixture, and against the measures on the
demo), frozen snapshots, the .pptx reopened with python-pptx, the HTML report, its print view
in Chromium, the deck through LibreOffice, and the command line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

from indicators import cli
from indicators.council.report_html import build_html
from indicators.council.deck_pptx import LINE_EM, _lines, build_pptx, fit_size
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.measures.compliance import aggregate_compliance, compliance
from indicators.words import period_label
from indicators.ready import ready_db
from indicators.store.upsert import upsert
from indicators.council.content import Council, build, default_period, just_ended
from indicators.council.slides import NAME_LIMIT, count_slides, shorten, slides
from indicators.council.snapshots import SnapshotError, freeze, load, snapshots
from indicators.charts.base import percent
from tests.staging import as_user, staged

NOW = datetime(2025, 8, 20, 14, 30)


def test_default_year_is_the_one_that_just_ended():
    assert just_ended(date(2025, 8, 20)) == 2024
    assert just_ended(date(2025, 3, 1)) == 2023
    assert default_period([2022, 2023, 2024, 2025], date(2025, 8, 20)) == 2024
    assert default_period([2025], date(2025, 8, 20)) == 2025   # nothing ended: the latest


def test_key_figures_by_hand(tiny_db):
    c = build(tiny_db, 2024, "mun", NOW)
    fig = c.figures.set_index("key")
    # 2024: (21 + 17) / (22 + 20); 2023: (19 + 4) / (22 + 22), sch-b sent nothing
    assert fig.loc["compliance", "value"] == pytest.approx(38 / 42)
    assert fig.loc["compliance", "change"] == pytest.approx(38 / 42 - 23 / 44)
    assert fig.loc["completeness", "value"] == pytest.approx(1.0)
    # the department: 20/22 in 2024, 10/10 in 2023
    assert fig.loc["department", "value"] == pytest.approx(20 / 22)
    assert fig.loc["department", "change"] == pytest.approx(20 / 22 - 1)
    assert (fig.loc["high", "value"], fig.loc["medium", "value"], fig.loc["low", "value"]) == (2, 0, 0)
    assert fig.loc["whole_cycle", "value"] == 2
    assert list(c.schools["short_name"]) == ["Школа А", "Школа Б"]      # sch-c closed in 2024
    assert list(c.trend["period"]) == [2022, 2023, 2024]
    assert c.trend["schools"].tolist() == pytest.approx([(11 + 5) / (22 + 8), 23 / 44, 38 / 42])
    assert c.support.empty

    deck = slides(c, ["key_figures"])
    assert [(f.value, f.change, f.trend) for f in deck[0].figures[:3]] == [
        ("90\u00a0%", "+38\u00a0п.п. за год", 1), ("100\u00a0%", "", 0), ("91\u00a0%", "−9\u00a0п.п. за год", -1)]
    assert deck[0].footer.endswith("данные на 20.08.2025 14:30 (текущие)")


def test_cycle_counts_and_support_by_hand(tiny_db):
    c = build(tiny_db, 2023, "mun", NOW)
    st = c.stages.set_index("stage")
    # sch-a: S06 = 0 (recommendations missing); sch-b: no data; sch-c: S05 = 0 (analysis missing)
    assert st.loc["recommendations", ["present", "partial", "missing", "no_data", "breaks"]].tolist() == [0, 0, 2, 1, 1]
    assert st.loc["analysis", ["missing", "breaks"]].tolist() == [1, 1]
    assert st.loc["goal", ["no_data", "breaks"]].tolist() == [1, 1]
    assert list(c.support["short_name"]) == ["Школа А", "Школа Б", "Школа В"]
    assert set(c.support["status"]) == {"new"}


def test_a_snapshot_does_not_move_when_a_value_changes(tiny_db):
    snap = freeze(tiny_db, 2024, "mun", as_user("Иванова"), NOW)
    with staged(tiny_db) as cur:
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"], ["score"],
               pd.DataFrame([dict(org_unit_id="sch-a", indicator_id="S06", period=2024, score=2)], dtype=object),
               user="тест", source="edit")
    live = build(tiny_db, 2024, "mun")
    frozen = load(tiny_db, snap)
    assert live.figures.set_index("key").loc["compliance", "value"] == pytest.approx(39 / 42)
    assert frozen.figures.set_index("key").loc["compliance", "value"] == pytest.approx(38 / 42)
    assert frozen.snapshot_id == snap and frozen.as_of == NOW
    assert frozen.schools["compliance"].tolist() == pytest.approx([21 / 22, 17 / 20])
    assert live.schools["compliance"].tolist() == pytest.approx([22 / 22, 17 / 20])
    assert all(s.footer.endswith(f"данные на 20.08.2025 14:30 (снимок № {snap})")
               for s in slides(frozen))
    assert snapshots(tiny_db, "mun", 2024)[["id", "taken_by"]].values.tolist() == [[snap, "Иванова"]]
    assert tiny_db.scalar("SELECT count(*) FROM change_log WHERE entity = 'council_snapshot'") == 1
    with pytest.raises(SnapshotError, match="№ 99 не найден"):
        load(tiny_db, 99)


def test_slide_count_agrees_in_russian():
    assert [count_slides(n) for n in (1, 3, 5, 11, 21, 22, 112)] == [
        "1 слайд", "3 слайда", "5 слайдов", "11 слайдов", "21 слайд", "22 слайда", "112 слайдов"]


def test_shorten_keeps_names_in_their_box():
    assert shorten("СОШ № 1") == "СОШ № 1"
    cut = shorten("Муниципальное бюджетное общеобразовательное учреждение № 7", 28)
    assert len(cut) <= 28 and cut.endswith("…")


# -- the PowerPoint file -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_file):
    from indicators.store import database as db_module

    db = ready_db(demo_file)
    content = build(db, 2024, MUNICIPALITY_ID)
    yield db, content
    db.close()
    db_module._open.pop(str(demo_file), None)


@pytest.fixture(scope="module")
def deck_file(demo, tmp_path_factory):
    _, content = demo
    deck = slides(content)
    path = tmp_path_factory.mktemp("council") / "deck.pptx"
    path.write_bytes(build_pptx(deck))
    return path, deck


def _chart_slides(prs):
    return {i: shape.chart for i, slide in enumerate(prs.slides) for shape in slide.shapes
            if shape.has_chart}


def test_pptx_has_the_dashboards_numbers(demo, deck_file):
    db, content = demo
    path, deck = deck_file
    prs = Presentation(str(path))
    assert len(prs.slides) == len(deck)
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, abs=0.001)
    keys = [s.key for s in deck]
    charts = _chart_slides(prs)
    assert {keys[i]: c.chart_type for i, c in charts.items()} == {
        "schools": XL_CHART_TYPE.BAR_CLUSTERED, "cycle": XL_CHART_TYPE.COLUMN_STACKED,
        "trends": XL_CHART_TYPE.LINE_MARKERS, "roadmaps": XL_CHART_TYPE.BAR_CLUSTERED}

    # compliance by school equals the measure, school by school
    bars = charts[keys.index("schools")]
    series = bars.plots[0].series[0]
    shown = dict(zip([c.replace("\u00a0", " ") for c in bars.plots[0].categories], series.values))
    expected = compliance(db, [2024], parent_id=MUNICIPALITY_ID)
    expected = expected[expected["expected"] > 0]
    assert len(shown) == len(expected)
    for name, value in zip(expected["short_name"], expected["compliance"]):
        if pd.isna(value):
            assert shown[f"{name} — нет данных"] is None
        else:
            assert shown[name] == pytest.approx(value)

    # the line chart: the pooled school compliance per year
    line = charts[keys.index("trends")]
    assert list(line.plots[0].categories) == [period_label(p) for p in range(2020, 2025)]
    pooled = aggregate_compliance(db, range(2020, 2025))
    pooled = pooled[pooled["org_unit_id"] == MUNICIPALITY_ID].sort_values("period")
    assert list(line.plots[0].series[0].values) == pytest.approx(list(pooled["compliance"]))

    # every slide but the title carries the date of its data
    texts = ["\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame) for slide in prs.slides]
    assert all(content.data_date in t for t in texts)
    assert "Главные цифры 2024/25 учебного года" in texts[keys.index("key_figures")]


def test_pptx_text_fits_its_boxes(deck_file):
    path, _ = deck_file
    prs = Presentation(str(path))
    checked = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            runs = [r for p in shape.text_frame.paragraphs for r in p.runs]
            size = max(r.font.size.pt for r in runs)
            spacing = sum((p.space_after.pt if p.space_after else 0) for p in shape.text_frame.paragraphs)
            needed = _lines(shape.text_frame.text, shape.width, int(size)) * size * LINE_EM + spacing
            assert needed <= Emu(shape.height).pt + 0.5, (shape.text_frame.text[:60], needed, Emu(shape.height).pt)
            checked += 1
    assert checked > 50


def test_fit_size_shrinks_then_cuts():
    from pptx.util import Inches

    assert fit_size("Коротко", Inches(4), Inches(0.5), 20, 10) == (20, "Коротко")
    size, text = fit_size("слово " * 40, Inches(4), Inches(0.5), 20, 10)
    assert size == 10 and text.endswith("…") and len(text) < len("слово " * 40)


def test_long_school_names_are_shortened_on_the_slides(tiny_db):
    with staged(tiny_db) as cur:
        cur.execute("UPDATE org_unit SET short_name = 'Муниципальное бюджетное общеобразовательное "
                    "учреждение «Средняя школа имени героя»' WHERE id = 'sch-a'")
    deck = slides(build(tiny_db, 2024, "mun"), ["schools", "criteria"])
    assert all(len(c) <= NAME_LIMIT for c in deck[0].chart.categories)
    assert all(len(c) <= NAME_LIMIT for c in deck[1].table["Школа"])


def test_many_schools_split_across_slides(tiny_db):
    c = build(tiny_db, 2024, "mun")
    many = pd.concat([c.schools] * 10, ignore_index=True)  # 20 bars: two slides of 10
    many["short_name"] = [f"Школа {n}" for n in range(len(many))]
    deck = slides(Council(**{**c.__dict__, "schools": many}), ["schools"])
    assert [len(s.chart.categories) for s in deck] == [10, 10]
    assert deck[0].title.endswith("(1 из 2)")


# -- the HTML report and its print view ----------------------------------------------------------

@pytest.fixture(scope="module")
def report(demo, deck_file, tmp_path_factory):
    _, content = demo
    _, deck = deck_file
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(build_html(content, deck), encoding="utf-8")
    return path


def test_html_report_is_self_contained_with_the_numbers(demo, report, deck_file):
    _, content = demo
    _, deck = deck_file
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text)             # plotly.js inlined, works offline
    assert text.count("Plotly.newPlot") == sum(1 for s in deck if s.chart)
    assert "size: A4 landscape" in text
    fig = content.figures.set_index("key")
    assert f'<div class="value">{percent(fig.loc["compliance", "value"])}</div>' in text
    assert content.data_date in text and "Учебный год</dt><dd>2024/25" in text


def test_print_view_one_slide_per_a4_page_nothing_cut(report, browser):
    page = browser.new_page()
    page.goto(report.as_uri())
    page.wait_for_selector(".js-plotly-plot")
    page.emulate_media(media="print")
    sections = page.evaluate("""() => [...document.querySelectorAll('section.slide')].map(s => (
        {key: s.dataset.key || 'cover', over: s.scrollHeight - s.clientHeight,
         chartOver: [...s.querySelectorAll('.js-plotly-plot')].some(c => c.getBoundingClientRect().bottom > s.getBoundingClientRect().bottom)}))""")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.close()
    assert all(s["over"] <= 1 and not s["chartOver"] for s in sections), sections
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(sections)
    assert b"/MediaBox [0 0 841.91998 594.95996]" in pdf or b"841.92" in pdf  # A4 landscape


# -- LibreOffice -------------------------------------------------------------------------------

def _require_office() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("LibreOffice and poppler are required here: apt-get install -y "
                        "libreoffice-impress poppler-utils")
        pytest.skip("LibreOffice (libreoffice-impress) or pdftoppm (poppler-utils) not installed")
    return soffice


def test_libreoffice_opens_the_deck_and_no_slide_is_blank(deck_file, tmp_path):
    soffice = _require_office()
    path, deck = deck_file
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "deck.pdf"
    assert pdf.exists()
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(deck)
    from PIL import Image

    for png in pages:
        histogram = Image.open(png).convert("L").histogram()
        inked = sum(histogram[:200]) / sum(histogram)
        assert inked > 0.02, f"{png.name} looks blank ({inked:.2%} inked; a footer-only slide inks 0.2 %)"


# -- the command line --------------------------------------------------------------------------

def test_cli_writes_the_deck_and_the_report(demo_copy, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    out, html = tmp_path / "deck.pptx", tmp_path / "report.html"
    assert cli.main(["council", "--year", "2024/25", "--municipality", MUNICIPALITY_ID, "--out", str(out), "--html", str(html),
                     "--slides", "title,schools,trends", "--freeze", "--user", "Иванова"]) == 0
    said = capsys.readouterr().out
    assert "3 слайда" in said and "снимок № 1" in said
    assert len(Presentation(str(out)).slides) == 3
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert cli.main(["council", "--year", "2024", "--municipality", MUNICIPALITY_ID,
                     "--out", str(tmp_path / "again.pptx"), "--snapshot", "1"]) == 0
    assert "снимок № 1" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--year", "2019"], "за 2019/20 в базе нет данных"),
    (["--year", "2024", "--slides", "title,charts"], "неизвестные слайды: charts"),
    (["--year", "2024", "--snapshot", "5"], "снимок данных № 5 не найден"),
    (["--year", "2023", "--snapshot", "1"], "снимок № 1 сделан за 2024/25"),
])
def test_cli_refuses_bad_input_and_writes_nothing(demo_copy, monkeypatch, tmp_path, capsys, args, message):
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    if "--snapshot" in args and args[-1] == "1":
        db = ready_db(demo_copy)
        freeze(db, 2024, MUNICIPALITY_ID, as_user("тест"))
    out = tmp_path / "deck.pptx"
    assert cli.main(["council", "--municipality", MUNICIPALITY_ID, *args, "--out", str(out)]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()
