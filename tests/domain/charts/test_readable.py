"""Numbers and labels a person can read on a laptop, a projector and paper: one format for a
percentage («75 %», the space a no-break one, so «75» and «%» never part), the best and the
last fifteen with a visible gap that says how many are left out, a diamond at 100 % drawn
whole, labels that can't sit on each other."""

from __future__ import annotations

import re

import pandas as pd

from indicators import charts
from indicators.charts.base import keep_together
from indicators.views.common import best_and_last

NBSP = "\u00a0"


def test_one_number_format_with_a_no_break_space():
    assert charts.percent(0.926) == f"93{NBSP}%"
    assert charts.percent(0.0) == f"0{NBSP}%"
    assert charts.percent(0.5, 1) == f"50,0{NBSP}%"
    assert charts.points(0.04) == f"+4{NBSP}п.п."
    assert charts.points(-0.03) == f"−3{NBSP}п.п."


def test_names_and_numbers_are_kept_together():
    assert keep_together("СОШ № 1, 91 % и +4 п.п.") == f"СОШ №{NBSP}1, 91{NBSP}% и +4{NBSP}п.п."
    assert keep_together("Школа №12") == "Школа №12"
    assert keep_together(None) == ""


def _many(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame({
        "org_unit_id": [f"s{k:02d}" for k in range(n)],
        "name": [f"Школа {k:02d} (полное)" for k in range(n)],
        "short_name": [f"Школа {k:02d}" for k in range(n)],
        "compliance": [k / n for k in range(n)],
        "completeness": 1.0,
        "level": ["high" if k / n >= 0.8 else "medium" if k / n >= 0.5 else "low" for k in range(n)],
        "department": [k / n for k in range(n)],
        "units_submitted": 10, "units": 10, "change": 0.0,
        "execution": [k / n for k in range(n)], "done": k_done(n), "counted": 10,
    })


def k_done(n):
    return [k % 10 for k in range(n)]


def _categories(fig) -> list[str]:
    return [str(y) for trace in fig.data for y in (trace.y if trace.y is not None else [])]


def test_best_and_last_say_how_many_are_left_out():
    drawn = best_and_last(_many(), "compliance")
    assert len(drawn) == 30
    assert int(drawn["left_out"].max()) == 10
    assert list(drawn["left_out"]).index(10) == 14          # the gap comes after the best fifteen
    assert "left_out" not in best_and_last(_many(20), "compliance") or \
        int(best_and_last(_many(20), "compliance")["left_out"].max()) == 0


def test_the_best_and_the_last_fifteen_have_a_gap_that_says_how_many_are_left_out():
    frame = _many()
    drawn = best_and_last(frame, "compliance")
    for fig in (charts.compliance_bars(drawn, "t"), charts.municipality_bars(drawn, "t"),
                charts.school_execution(best_and_last(frame, "execution"), "t")):
        order = list(fig.layout.yaxis.categoryarray or [])
        gap = [c for c in order if "ещё 10" in c]
        assert len(gap) == 1, order
        position = order.index(gap[0])
        names = [c for c in order if c.startswith("Школа")]
        assert len(names) == 30 and 0 < position < len(order) - 1
        above = set(order[position + 1:]) & set(names)
        below = set(order[:position]) & set(names)
        assert len(above) == len(below) == 15, (len(above), len(below))


def test_a_short_list_has_no_gap():
    fig = charts.compliance_bars(best_and_last(_many(12), "compliance"), "t")
    assert not any("ещё" in c for c in _categories(fig))
    assert not any("ещё" in str(c) for c in (fig.layout.yaxis.categoryarray or []))


def test_a_diamond_at_100_percent_is_drawn_whole():
    frame = _many(5).assign(department=[1.0, 0.9, 0.5, None, 0.0])
    fig = charts.municipality_bars(frame, "t")
    assert fig.layout.xaxis.range[1] > 100
    diamonds = [t for t in fig.data if t.type == "scatter"][0]
    assert diamonds.cliponaxis is False


def test_the_heatmap_colour_bar_title_stands_apart_from_its_ticks():
    frame = pd.DataFrame({"org_unit_id": ["a", "a"], "name": ["А", "А"], "short_name": ["А", "А"],
                          "criterion": ["Цель", "Анализ"], "criterion_ord": [1, 2],
                          "compliance": [1.0, 0.25]})
    fig = charts.criteria_heatmap(frame, "t")
    bar = fig.data[0].marker.colorbar
    assert bar.title.side == "right"                     # beside the scale, not on its 100 %
    assert all(NBSP in t for t in fig.data[0].text)


def test_the_school_history_writes_its_numbers_under_the_years_not_over_the_line():
    history = pd.DataFrame({"period": [2022, 2023, 2024], "compliance": [0.59, 0.77, None],
                            "level": ["medium", "medium", "no_data"],
                            "municipal": [0.66, 0.70, 0.74], "completeness": [1.0, 1.0, 0.0]})
    fig = charts.history_bars(history, "t")
    bars = fig.data[0]
    assert bars.textposition == "none"                   # nothing drawn where the line runs
    ticks = [re.sub(r"<[^>]+>", " ", t).strip() for t in fig.layout.xaxis.ticktext]
    assert ticks[0].startswith("2022/23") and f"59{NBSP}% · Средний" in ticks[0]
    assert f"среднее 66{NBSP}%" in ticks[0]
    assert "нет данных" in ticks[2]
