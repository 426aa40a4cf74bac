"""Chart builders and table shapers are pure functions: checked here without Streamlit."""

from __future__ import annotations

import math

import pandas as pd

from indicators import charts
from indicators.views.common import safe_link, unit_indicators


def _schools() -> pd.DataFrame:
    return pd.DataFrame({
        "org_unit_id": ["a", "b", "c"],
        "name": ["Школа А (полное)", "Школа Б (полное)", "Школа В (полное)"],
        "short_name": ["Школа А", "Школа Б", "Школа В"],
        "compliance": [0.45, 0.9, math.nan],
        "completeness": [1.0, 1.0, 0.0],
        "level": ["low", "high", "no_data"],
        "change": [0.05, math.nan, math.nan],
        "assessed": [11, 11, 0],
        "expected": [11, 11, 11],
    })


def test_formats_never_turn_missing_into_zero():
    assert charts.percent(0.926) == "93 %"
    assert charts.percent(0.0) == "0 %"
    assert charts.percent(math.nan) == "нет данных"
    assert charts.percent(None) == "нет данных"
    assert charts.points(0.04) == "+4 п.п."
    assert charts.points(-0.031) == "−3 п.п."
    assert charts.points(math.nan) == "—"


def test_compliance_bars_best_on_top_with_number_and_level_in_words():
    fig = charts.compliance_bars(_schools(), "Соответствие школ критериям, 2024/25")
    bar = fig.data[0]
    # Plotly draws horizontal bars bottom-up: the last one is on top.
    assert list(bar.y) == ["Школа В", "Школа А", "Школа Б"]
    assert list(bar.text) == ["нет данных", "45 % · Низкий", "90 % · Высокий"]
    assert bar.marker.color[1] == charts.LEVEL_COLORS["low"]
    assert bar.marker.color[0] == charts.LEVEL_COLORS["no_data"]
    assert [c[0] for c in bar.customdata] == ["c", "a", "b"]  # a click knows the school
    assert fig.layout.title.text == "Соответствие школ критериям, 2024/25"
    assert fig.layout.xaxis.title.text == "Соответствие критериям, %"


def test_compliance_table_matches_the_bars():
    table = charts.compliance_table(_schools())
    assert list(table["Организация"]) == ["Школа Б (полное)", "Школа А (полное)", "Школа В (полное)"]
    assert list(table["Соответствие, %"])[:2] == [90.0, 45.0]
    assert math.isnan(list(table["Соответствие, %"])[2])
    assert list(table["Уровень"]) == ["Высокий", "Низкий", "Нет данных"]


def test_cycle_strip_marks_the_first_break():
    stages = pd.DataFrame({
        "stage_no": [1, 2, 3], "label": ["Цель", "Мониторинг", "Анализ"],
        "status": ["present", "partial", "missing"], "is_break": [False, False, True],
        "assessed": [3, 2, 1], "expected": [3, 2, 1],
    })
    fig = charts.cycle_strip(stages, "Управленческий цикл школы, 2024/25")
    texts = [a.text for a in fig.layout.annotations]
    assert "РАЗРЫВ" in texts[2] and "РАЗРЫВ" not in texts[0] + texts[1]
    assert "частично" in texts[1]
    assert charts.stages_table(stages)["Разрыв цикла"].tolist() == ["", "", "да"]


def test_only_web_links_are_clickable():
    assert safe_link("https://school.example/doc.pdf") == "https://school.example/doc.pdf"
    assert safe_link("http://x.example") == "http://x.example"
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("file:///etc/passwd") is None
    assert safe_link(None) is None


def test_unit_indicators_keep_no_data_not_met_and_not_applicable_apart(tiny_db):
    # conftest's tiny fixture, school Б in 2024: S07 = 1, S08 = 0, S09 marked not applicable.
    table = unit_indicators(tiny_db, "sch-b", 2024).set_index("Код")
    assert table.loc["S01", "Оценка"] == "Выполнено"
    assert table.loc["S07", "Оценка"] == "Частично"
    assert table.loc["S08", "Оценка"] == "Не выполнено"
    assert table.loc["S09", "Оценка"] == "Не применяется"
    # 2023: school Б sent nothing at all.
    assert set(unit_indicators(tiny_db, "sch-b", 2023)["Оценка"]) == {"Нет данных"}
