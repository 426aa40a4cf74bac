"""Chart builders and table shapers are pure functions: checked here without Streamlit."""

from __future__ import annotations

import math

import pandas as pd

from indicators import charts
from indicators.text import safe_link
from indicators.views.common import unit_indicators


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
    assert charts.percent(0.926) == "93\u00a0%"
    assert charts.percent(0.0) == "0\u00a0%"
    assert charts.percent(math.nan) == "нет данных"
    assert charts.percent(None) == "нет данных"
    assert charts.points(0.04) == "+4\u00a0п.п."
    assert charts.points(-0.031) == "−3\u00a0п.п."
    assert charts.points(math.nan) == "—"


def test_compliance_bars_best_on_top_with_number_and_level_in_words():
    fig = charts.compliance_bars(_schools(), "Соответствие школ критериям, 2024/25")
    bar = fig.data[0]
    # Plotly draws horizontal bars bottom-up: the last one is on top.
    assert list(bar.y) == ["Школа В", "Школа А", "Школа Б"]
    assert list(bar.text) == ["нет данных", "45\u00a0% · Низкий", "90\u00a0% · Высокий"]
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


# -- tiles, Indicators and Trends charts ---------------------------------------------------------

def test_heatmap_cells_are_clickable_tiles_and_no_data_is_hatched():
    frame = pd.DataFrame({
        "org_unit_id": ["a", "a", "b", "b"], "name": ["А (полное)"] * 2 + ["Б (полное)"] * 2,
        "short_name": ["А", "А", "Б", "Б"], "criterion": ["Цель", "Решения"] * 2,
        "criterion_ord": [1, 2, 1, 2], "compliance": [1.0, 0.25, math.nan, math.nan],
    })
    fig = charts.criteria_heatmap(frame, "Школы × группы критериев, 2024/25")
    values, missing = fig.data
    assert list(values.text) == ["100\u00a0%", "25\u00a0%"] and list(values.base) == [0.02, 1.02]
    assert [c[0] for c in values.customdata] == ["a", "a"]
    assert list(missing.text) == ["нет данных", "нет данных"]
    assert missing.marker.pattern.shape == "/"
    assert [c[0] for c in missing.customdata] == ["b", "b"]
    assert list(fig.layout.xaxis.ticktext) == ["Цель", "Решения"]


def _statuses() -> pd.DataFrame:
    return pd.DataFrame({
        "org_unit_id": ["a", "b", "a", "b"], "name": ["А (полное)", "Б (полное)"] * 2,
        "short_name": ["А", "Б"] * 2, "period": [2023, 2023, 2024, 2024],
        "status": ["met", "no_data", "partial", "not_met"],
        "score_sum": [6.0, math.nan, 4.0, 0.0], "max_sum": [6.0, math.nan, 6.0, 6.0],
    })


def test_status_matrix_one_trace_per_status_with_scores_written():
    fig = charts.status_matrix(_statuses(), "Школы × учебные годы")
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"выполнено", "частично", "не выполнено", "нет данных"}
    assert list(by_name["частично"].text) == ["4 из 6"]
    assert list(by_name["нет данных"].text) == ["нет данных"]
    assert by_name["нет данных"].marker.pattern.shape == "/"
    assert [c[0] for c in by_name["не выполнено"].customdata] == ["b"]
    assert list(fig.layout.xaxis.ticktext) == ["2023/24", "2024/25"]
    table = charts.status_matrix_table(_statuses())
    assert table.columns.tolist() == ["Школа", "2023/24", "2024/25"]
    assert table.iloc[1].tolist() == ["Б (полное)", "нет данных", "не выполнено (0 из 6)"]


def test_status_share_bars_add_up_to_the_schools_it_applies_to():
    by_year = pd.DataFrame({
        "period": [2024] * 5, "status": ["met", "partial", "not_met", "no_data", "not_applicable"],
        "count": [2, 1, 0, 1, 1], "share": [0.5, 0.25, 0.0, 0.25, None],
    })
    fig = charts.status_share_bars(by_year, "Доля школ")
    assert [t.name for t in fig.data] == ["выполнено", "частично", "не выполнено", "нет данных"]
    assert sum(t.y[0] for t in fig.data) == 100
    assert fig.data[0].text[0] == "2 (50\u00a0%)" and fig.data[2].text[0] == ""
    table = charts.status_share_table(by_year)
    assert table.iloc[0].tolist() == ["2024/25", 2, 1, 0, 1, 1, 50.0]


def test_status_change_grid_names_every_colour_and_counts_schools():
    from indicators.measures.change import Bands, grid_counts, place
    frame = pd.DataFrame({
        "org_unit_id": ["a", "b", "c"], "name": ["А", "Б", "В"], "short_name": ["А", "Б", "В"],
        "compliance": [0.95, 0.4, 0.7], "change": [0.12, -0.15, math.nan],
        "level": ["high", "low", "medium"], "previous_level": ["high", "medium", "no_data"],
    })
    placed = place(frame, Bands())
    assert placed["rating"].tolist()[:2] == [5, 1]  # very high & up; low & sharply down
    assert placed["unrated"].tolist()[2] == "нет данных за прошлый год"
    fig = charts.status_change_grid(grid_counts(placed), "Состояние × динамика", Bands())
    assert [t.name for t in fig.data] == ["Синий — образцово", "Голубой — хорошо",
                                         "Жёлтый — стабильно", "Оранжевый — внимание",
                                         "Красный — нужна помощь"]
    assert sum(len(t.y) for t in fig.data) == 25
    texts = [x for t in fig.data for x in t.text]
    assert texts.count("<b>1</b> шк.") == 2
    assert fig.data[0].marker.color == charts.RATING_COLORS[5]
    table = charts.placement_table(placed, Bands())
    assert table["Цвет"].tolist() == ["Синий — образцово", "Красный — нужна помощь",
                                      "без оценки: нет данных за прошлый год"]


def test_trend_lines_mark_a_year_with_no_data_apart_from_zero():
    history = pd.DataFrame({
        "org_unit_id": ["a"] * 3, "name": ["А (полное)"] * 3, "short_name": ["А"] * 3,
        "period": [2022, 2023, 2024], "compliance": [0.5, math.nan, 0.7],
    })
    municipal = pd.DataFrame({"period": [2022, 2023, 2024], "compliance": [0.6, 0.62, 0.65]})
    fig = charts.trend_lines(history, municipal, "Соответствие по годам")
    line, gap, avg = fig.data
    assert line.name == "А" and math.isnan(line.y[1]) and line.y[2] == 70
    assert list(gap.x) == ["2023/24"] and gap.y[0] < 0  # on the «нет данных» tick, under 0 %
    assert "нет данных" in fig.layout.yaxis.ticktext
    assert avg.name == "Среднее по муниципалитету"
    table = charts.trend_table(history, municipal)
    assert table["Школа"].tolist() == ["А (полное)", "Среднее по муниципалитету"]


def test_movers_biggest_rise_on_top_biggest_fall_at_the_bottom():
    improved = pd.DataFrame({"org_unit_id": ["a", "b"], "name": ["А", "Б"], "short_name": ["А", "Б"],
                             "compliance": [0.8, 0.6], "change": [0.2, 0.05]})
    declined = pd.DataFrame({"org_unit_id": ["c"], "name": ["В"], "short_name": ["В"],
                             "compliance": [0.3], "change": [-0.25]})
    fig = charts.movers_bars(improved, declined, "Рост и снижение")
    bar = fig.data[0]
    assert list(bar.y) == ["В", "Б", "А"]  # bottom-up
    assert bar.text[-1] == "+20\u00a0п.п. (60\u00a0% → 80\u00a0%)"
    assert bar.text[0] == "−25\u00a0п.п. (55\u00a0% → 30\u00a0%)"


def test_weakest_schools_keeps_a_large_matrix_readable():
    from indicators.charts import weakest_schools

    rows = []
    for n in range(40):
        for period in (2023, 2024):
            status = ["met", "partial", "not_met", "no_data"][n % 4] if period == 2024 else "met"
            rows.append(dict(org_unit_id=f"s{n:02d}", short_name=f"Школа {n:02d}", name=f"Школа {n:02d}",
                             period=period, status=status, score_sum=float(n % 4 != 0), max_sum=2.0))
    statuses = pd.DataFrame(rows)
    kept = weakest_schools(statuses, 2024, n=12)
    assert kept["org_unit_id"].nunique() == 12
    now = kept[kept["period"] == 2024]["status"].tolist()
    assert now == ["not_met"] * 10 + ["no_data"] * 2          # the worst first, then no data
    assert len(weakest_schools(statuses.head(20), 2024, n=12)) == 20
