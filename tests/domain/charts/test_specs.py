"""Every chart is composed as plain dicts and made a figure once, unvalidated
(``charts.base.figure``: 1–3 ms a chart instead of 15–30).  What Plotly's validation did is
done here: every chart builder's figure, on the demo's views and on a few hand-made edge cases,
is built again through the validating constructor from the very same spec and must come out
the same JSON; and ``go.Figure(fig.to_dict())`` must accept it.  A misspelt property, a wrong
value or a spec that validation would read differently can't slip through."""

from __future__ import annotations

import inspect
import json
import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from indicators import charts
from indicators.charts import base
from indicators.council.content import build
from indicators.council.figures import slide_figure
from indicators.council.slides import ChartSpec, Series, slides
from indicators.measures.change import Bands
from indicators.measures.settings import Thresholds
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.views.by_indicator import indicator_choices, indicator_ranking, indicator_view
from indicators.views.common import best_and_last, roadmaps
from indicators.views.objectivity import objectivity_view, school_card
from indicators.views.overview import overview
from indicators.views.region import region_overview
from indicators.views.roadmap import roadmap_view
from indicators.views.school import school_profile
from indicators.views.scope import Scope
from indicators.views.trends import region_trends, trends

YEAR = 2024


def _builders() -> set[str]:
    """Every chart builder the package offers: a public function that returns a figure."""
    found = set()
    for name, fn in vars(charts).items():
        if callable(fn) and not name.startswith("_"):
            try:
                returns = inspect.signature(fn).return_annotation
            except (TypeError, ValueError):
                continue
            if returns in ("go.Figure", go.Figure):
                found.add(name)
    return found


def _many(n: int = 40) -> pd.DataFrame:
    """More rows than a chart draws: the best and the last fifteen, with the gap between."""
    return pd.DataFrame({
        "org_unit_id": [f"s{k:02d}" for k in range(n)],
        "name": [f"Школа {k:02d} (полное)" for k in range(n)],
        "short_name": [f"Школа {k:02d}" for k in range(n)],
        "compliance": [None if k == 3 else k / n for k in range(n)],
        "completeness": 1.0,
        "level": ["no_data" if k == 3 else "high" if k / n >= 0.8 else "medium" if k / n >= 0.5 else "low"
                  for k in range(n)],
        "department": [1.0 if k == 5 else None if k == 6 else k / n for k in range(n)],
        "units_submitted": 10, "units": 10, "change": 0.0,
        "execution": [k / n for k in range(n)], "done": [k % 10 for k in range(n)], "counted": 10,
    })


def _edge_cases() -> dict[str, list[tuple]]:
    """Hand-made inputs for the branches the demo may not reach: the gap row, cells and years
    with no data, a school with no previous year, a chart spec with missing values."""
    heat = pd.DataFrame({
        "org_unit_id": ["a", "a", "b", "b"], "name": ["А (полное)"] * 2 + ["Б (полное)"] * 2,
        "short_name": ["А", "А", "Б", "Б"], "criterion": ["Цель", "Решения"] * 2,
        "criterion_ord": [1, 2, 1, 2], "compliance": [1.0, 0.25, math.nan, math.nan],
    })
    history = pd.DataFrame({
        "org_unit_id": ["a"] * 3 + ["b"] * 2, "name": ["А (полное)"] * 3 + ["Б (полное)"] * 2,
        "short_name": ["А"] * 3 + ["Б"] * 2, "period": [2022, 2023, 2024, 2023, 2024],
        "compliance": [0.5, math.nan, 0.7, 0.4, 0.45],
    })
    municipal = pd.DataFrame({"period": [2022, 2023, 2024], "compliance": [0.6, 0.62, 0.65]})
    movers = pd.DataFrame({"org_unit_id": ["a", "b"], "name": ["А", "Б"], "short_name": ["А", "Б"],
                           "compliance": [0.8, 0.6], "change": [0.2, 0.05],
                           "unrated": [None, "нет данных за прошлый год"]})
    drawn = best_and_last(_many(), "compliance")
    line = ChartSpec(kind="line", categories=["2023/24", "2024/25"],
                     series=[Series("Школа № 1", [0.73, None], "#0072B2"),
                             Series("Среднее", [0.71, 0.75], "#000000")], value_title="Соответствие")
    counts = ChartSpec(kind="column", categories=["Высокий", "Средний"], percent=False,
                       series=[Series("Школ", [3, None], "#009E73")], value_title="Школ")
    return {
        "compliance_bars": [(drawn, "t", Thresholds())],
        "municipality_bars": [(drawn, "t")],
        "school_execution": [(best_and_last(_many(), "execution"), "t")],
        "criteria_heatmap": [(heat, "t")],
        "trend_lines": [(history, municipal, "t")],
        "movers_bars": [(movers, movers.iloc[:0], "t")],
        "slide_figure": [(line,), (line, 1.5, 600, 900), (counts,)],
    }


@pytest.fixture(scope="module")
def inputs(demo_file) -> dict[str, list[tuple]]:
    """Each builder's arguments, from the demo's views as the pages call them, then the edge
    cases."""
    from indicators.store import database as db_module

    db = ready_db(demo_file)
    thresholds, bands = Thresholds.from_db(db), Bands.from_db(db)
    scope = Scope(YEAR, municipality_id=MUNICIPALITY_ID)
    found: dict[str, list[tuple]] = {}

    def add(name, *args):
        found.setdefault(name, []).append(args)

    ov = overview(db, scope, thresholds)
    add("compliance_bars", ov.shown, "Соответствие школ критериям, 2024/25", ov.thresholds)
    add("criteria_heatmap", ov.by_criterion, "Школы × группы критериев, 2024/25")
    region = region_overview(db, Scope(YEAR), thresholds)
    add("municipality_bars", region.shown, "Муниципалитеты, 2024/25")
    school = school_profile(db, scope, ov.schools["org_unit_id"].iloc[0], thresholds)
    add("cycle_strip", school.stages, "Управленческий цикл школы, 2024/25")
    add("history_bars", school.history, "Соответствие школы по учебным годам")
    add("criteria_compare", school.by_criterion, "Группы критериев, 2024/25")
    add("ranking_bars", indicator_ranking(db, scope), "Сколько школ выполняют")
    choices = indicator_choices(db, period=YEAR)
    for choice in (choices[0], choices[-1]):   # a group of criteria, one indicator
        data = indicator_view(db, scope, choice.key)
        add("status_share_bars", data.by_year, "Доля школ")
        add("status_matrix", charts.weakest_schools(data.statuses, YEAR), "Школы × учебные годы")
    for view, unit, average in ((trends, "school", "Среднее по муниципалитету"),
                                (region_trends, "municipality", "Среднее по региону")):
        data = view(db, scope if unit == "school" else Scope(YEAR), thresholds, bands)
        add("trend_lines", data.history, data.municipal, "Соответствие по годам", average)
        add("status_change_grid", data.grid, "Состояние × динамика", data.bands, unit)
        add("movers_bars", data.improved, data.declined, "Рост и снижение")
    roadmap = roadmap_view(db, scope, roadmaps(db, MUNICIPALITY_ID)["id"].iloc[0], MUNICIPALITY_ID,
                           date(YEAR + 1, 3, 1))
    add("timeline", roadmap.history, roadmap.events, "Мероприятия по учебным годам")
    add("school_execution", best_and_last(roadmap.by_school, "execution"), "Выполнение мероприятий")
    for s in slides(build(db, YEAR, MUNICIPALITY_ID)):
        if s.chart is not None:
            add("slide_figure", s.chart)
            add("slide_figure", s.chart, 1.5, 700)
    for period in (YEAR - 1, YEAR):   # the ВПР: the cohort sign in 2023, the others in 2024
        vpr = objectivity_view(db, Scope(period, periods=(2022, 2023, 2024), municipality_id=MUNICIPALITY_ID))
        add("signs_matrix", vpr.matrix, "Признаки необъективности")
        add("signs_matrix", vpr.matrix.iloc[:0], "Признаки необъективности")   # a filter with no school
        add("index_trend", vpr.trend, "Индекс объективности")
        card = school_card(db, Scope(period, municipality_id=MUNICIPALITY_ID), "sosh-6", "math", 4)
        add("score_histogram", card.distribution, card.scale, "Первичные баллы")
        add("score_histogram", card.distribution, card.scale.iloc[:0], "Первичные баллы")   # no scale
        add("journal_scatter", card.points, card.scale, "Отметка по журналу и балл ВПР")
        if len(card.cohort):
            add("cohort_bars", card.cohort, "Та же параллель через год")
    for name, calls in _edge_cases().items():
        found.setdefault(name, []).extend(calls)
    yield found
    db.close()
    db_module._open.pop(str(demo_file), None)


def _fn(name: str):
    return slide_figure if name == "slide_figure" else getattr(charts, name)


def _json(fig: go.Figure) -> dict:
    return json.loads(pio.to_json(fig))


class _Validating:
    """Stands in for ``plotly.graph_objects`` inside charts/base: its Figure validates the
    spec it is given, as every figure was built before."""

    @staticmethod
    def Figure(spec, _validate=True):  # noqa: N802 (Plotly's name)
        return go.Figure(spec)


def test_every_chart_builder_is_checked(inputs):
    assert _builders() <= set(inputs), f"no inputs for {sorted(_builders() - set(inputs))}"
    assert "slide_figure" in inputs


@pytest.mark.parametrize("name", sorted(_builders() | {"slide_figure"}))
def test_the_figure_is_what_the_validated_build_gives(name, inputs, monkeypatch):
    assert inputs.get(name), f"no inputs for {name}"
    built = [_fn(name)(*args) for args in inputs[name]]
    monkeypatch.setattr(base, "go", _Validating)
    validated = [_fn(name)(*args) for args in inputs[name]]
    for fig, reference in zip(built, validated):
        assert isinstance(fig, go.Figure)
        go.Figure(fig.to_dict())                   # the validating constructor accepts it
        assert _json(fig) == _json(reference)
        # and reads back as the builders' callers read it
        assert [t.type for t in fig.data] == [t.type for t in reference.data]
        assert fig.layout.title.text == reference.layout.title.text


def test_a_misspelt_property_is_caught():
    """What the check above relies on: the unvalidated figure takes anything, the validating
    constructor names the wrong property."""
    fig = base.figure([dict(type="bar", x=[1], y=["a"], markr=dict(color="red"))], base.base_layout("t", 300))
    with pytest.raises(ValueError, match="markr"):
        go.Figure(fig.to_dict())


def test_none_means_unset_and_pandas_columns_become_arrays():
    fig = base.figure([dict(type="bar", x=pd.Series([1.0, 2.0], index=[7, 9]), y=["a", "b"], name=None,
                            marker=dict(color="red", pattern=None))],
                      base.base_layout("t", 300, xaxis=dict(title=dict(text=None))))
    assert list(fig.data[0].x) == [1.0, 2.0] and fig.data[0].x[0] == 1.0   # positions, not labels
    spec = _json(fig)
    assert "name" not in spec["data"][0] and "pattern" not in spec["data"][0]["marker"]
    assert "xaxis" not in spec["layout"]                  # nothing left in it: dropped too
    assert spec == _json(go.Figure(fig.to_dict()))


def test_layouts_merge_as_update_layout_did():
    layout = base.tile_layout(["2023/24"], ["А", "Б"], "t", top=120,
                              yaxis=dict(title=dict(text="Школы")))
    assert layout["margin"] == dict(l=10, r=30, t=120, b=50)          # one margin changed, not all
    assert layout["title"] == dict(text="t", x=0, xanchor="left", font=dict(size=18), y=0.99,
                                   yanchor="top")
    assert layout["yaxis"]["title"] == dict(text="Школы") and layout["yaxis"]["categoryarray"] == ["Б", "А"]
    assert base.FONT == dict(family="Inter, 'Segoe UI', Arial, sans-serif", size=14, color="#222")
