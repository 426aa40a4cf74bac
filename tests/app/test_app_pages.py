"""The pages, rendered with Streamlit's AppTest: they run without exception and show the numbers
that ``indicators`` computes for the same filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.charts import percent
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.views.by_indicator import indicator_choices, indicator_ranking, indicator_view
from indicators.views.common import schools as school_frame
from indicators.views.overview import overview
from indicators.views.school import school_profile
from indicators.views.scope import Scope
from indicators.views.trends import trends
from indicators.words import period_label
from tests.app.reading import popover_labels

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "app_pages").glob("*.py"))


def _metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return found[0]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app, page):
    app.run()
    app.switch_page(f"app_pages/{page}").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{page} shows no title"


@pytest.mark.parametrize("period", [2024, 2022])
def test_overview_shows_the_computed_figures(app, demo_path, period):
    if period != 2024:
        app.query_params["year"] = period_label(period)
    app.run()
    assert not app.exception
    expected = overview(ready_db(demo_path), Scope(period, municipality_id=MUNICIPALITY_ID))
    assert app.selectbox(key="year").value == period_label(period)
    assert period_label(period) in app.title[0].value
    assert _metric(app, "Соответствие по школам").value == percent(expected.municipality["compliance"])
    assert _metric(app, "Управление образования").value == percent(expected.department["compliance"])
    assert _metric(app, "Полнота данных").value == percent(expected.municipality["completeness"])
    assert f"Высокий: {expected.levels['high']}" in popover_labels(app)
    assert f"Низкий: {expected.levels['low']}" in popover_labels(app)
    table = app.dataframe[0].value
    assert list(table["Организация"]) == list(
        expected.schools.sort_values("compliance", ascending=False, na_position="last")["name"])


def test_demo_overview_tells_the_stories(app):
    """The demo's 2024/25: one school stopped submitting, and the department improved."""
    app.run()
    warnings = " ".join(w.value for w in app.warning)
    assert "НОШ № 7" in warnings
    assert _metric(app, "Управление образования").delta.startswith("+")
    assert any("демонстрационные данные" in i.value for i in app.info)


def test_changing_the_year_changes_the_numbers(app, demo_path):
    app.run()
    before = _metric(app, "Соответствие по школам").value
    app.selectbox(key="year").select(period_label(2020)).run()
    expected = overview(ready_db(demo_path), Scope(2020, municipality_id=MUNICIPALITY_ID))
    after = _metric(app, "Соответствие по школам").value
    assert after == percent(expected.municipality["compliance"])
    assert after != before


def test_a_stale_year_in_the_url_falls_back_with_a_notice(app):
    app.query_params["year"] = "1999/00"
    app.run()
    assert not app.exception
    assert app.selectbox(key="year").value == period_label(2024)
    assert any("1999/00" in t.value for t in app.toast)


def test_school_and_level_filters_narrow_the_charts_not_the_municipal_figures(app, demo_path):
    app.query_params["level"] = "Высокий"
    app.run()
    assert not app.exception
    db = ready_db(demo_path)
    expected = overview(db, Scope(2024, municipality_id=MUNICIPALITY_ID, levels=("high",)))
    whole = overview(db, Scope(2024, municipality_id=MUNICIPALITY_ID))
    table = app.dataframe[0].value
    assert len(table) == expected.levels["high"] == len(expected.schools)
    assert set(table["Уровень"]) == {"Высокий"}
    assert _metric(app, "Соответствие по школам").value == percent(whole.municipality["compliance"])


@pytest.mark.parametrize("school, period", [("oosh-5", 2024), ("sosh-1", 2021)])
def test_school_page_shows_the_profile(app, demo_path, school, period):
    app.switch_page("app_pages/school.py").run()
    app.selectbox(key="school").select(school)
    app.selectbox(key="year").select(period_label(period)).run()
    assert not app.exception, [e.value for e in app.exception]
    profile = school_profile(ready_db(demo_path), Scope(period, municipality_id=MUNICIPALITY_ID), school)
    assert app.title[0].value == profile.name
    row = profile.history[profile.history["period"] == period].iloc[0]
    assert _metric(app, "Соответствие").value == percent(row["compliance"])
    indicators = [d.value for d in app.dataframe if "Код" in d.value.columns][0]
    assert list(indicators["Код"]) == [f"S{n:02d}" for n in range(1, 12)]
    assert list(indicators["Оценка"]) == list(profile.indicators["Оценка"])


def test_oosh5_cycle_breaks_at_analysis(app):
    app.switch_page("app_pages/school.py").run()
    app.selectbox(key="school").select("oosh-5").run()
    assert any("прерывается на этапе «Анализ»" in w.value for w in app.warning)


def test_a_level_count_lists_its_schools_and_opens_a_profile(app, demo_path):
    app.run()
    low = overview(ready_db(demo_path), Scope(2024, municipality_id=MUNICIPALITY_ID)).by_level["low"]
    listed = "\n".join(m.value for m in app.markdown)
    assert all(f"- {name}" in listed for name in low["name"])
    first = low.iloc[0]
    app.selectbox(key="open-level-low").set_value(first["org_unit_id"]).run()
    assert not app.exception
    assert app.title[0].value == first["name"]
    assert app.selectbox(key="school").value == first["org_unit_id"]


def _table_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def test_filters_hold_across_a_page_switch(app):
    """The filters are drawn by app.py, so a year and schools chosen on one page stay."""
    app.run()
    app.selectbox(key="year").select(period_label(2022))
    app.multiselect(key="schools").select("sosh-6").run()
    for page in ("by_indicator.py", "trends.py", "school.py", "overview.py"):
        app.switch_page(f"app_pages/{page}").run()
        assert not app.exception, [e.value for e in app.exception]
        assert app.selectbox(key="year").value == period_label(2022), page
        assert app.multiselect(key="schools").value == ["sosh-6"], page
    assert "2022/23" in app.title[0].value


@pytest.mark.parametrize("key, period, schools", [
    ("goal_justified", 2024, ()),
    ("S06", 2022, ("sosh-6", "sosh-11", "oosh-5")),
])
def test_indicators_page_shows_the_computed_figures(app, demo_path, key, period, schools):
    db = ready_db(demo_path)
    choice = {c.key: c for c in indicator_choices(db)}[key]
    names = dict(zip(school_frame(db, MUNICIPALITY_ID)["id"],
                     school_frame(db, MUNICIPALITY_ID)["short_name"]))
    app.query_params["year"] = period_label(period)
    app.query_params["indicator"] = choice.label
    if schools:
        app.query_params["schools"] = [names[s] for s in schools]
    app.run()  # once first: the page file is by_indicator.py, its URL /indicators (st.navigation)
    app.switch_page("app_pages/by_indicator.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="indicator").value == key
    scope = Scope(period, municipality_id=MUNICIPALITY_ID, school_ids=schools)
    expected = indicator_view(db, scope, key)
    assert _metric(app, "Выполняют полностью").value == percent(expected.met_share)
    assert f"Нет данных: {expected.count('no_data')}" in popover_labels(app)
    assert f"Не выполняют: {expected.count('not_met')}" in popover_labels(app)
    shown = _table_with(app, "Два года подряд не выполняется")
    assert list(shown["Школа"]) == list(expected.not_meeting["name"])
    matrix = _table_with(app, period_label(period))
    assert len(matrix) == len(schools or names)
    ranking = _table_with(app, "Показатель")
    expected_ranking = indicator_ranking(db, scope)
    assert list(ranking["Показатель"]) == list(expected_ranking["label"])


def test_indicators_page_flags_two_year_gaps(app):
    """СОШ № 11 never has targeted recommendations (S06) from 2022: flagged on the page."""
    app.query_params["indicator"] = "S06 · Наличие адресных рекомендаций по результатам анализа (своего и/или внешнего)"
    app.run()  # once first: the page file is by_indicator.py, its URL /indicators (st.navigation)
    app.switch_page("app_pages/by_indicator.py").run()
    assert app.selectbox(key="indicator").value == "S06"
    assert any("два года подряд" in w.value.lower() and "СОШ № 11" in w.value for w in app.warning)


@pytest.mark.parametrize("period, schools", [(2024, ()), (2023, ("sosh-1", "sosh-6", "nosh-7"))])
def test_trends_page_shows_the_computed_figures(app, demo_path, period, schools):
    db = ready_db(demo_path)
    names = dict(zip(school_frame(db, MUNICIPALITY_ID)["id"],
                     school_frame(db, MUNICIPALITY_ID)["short_name"]))
    app.query_params["year"] = period_label(period)
    if schools:
        app.query_params["schools"] = [names[s] for s in schools]
    app.switch_page("app_pages/trends.py").run()
    assert not app.exception, [e.value for e in app.exception]
    expected = trends(db, Scope(period, municipality_id=MUNICIPALITY_ID, school_ids=schools))
    for rating, colour in ((5, "Синий"), (1, "Красный"), (3, "Жёлтый")):
        assert f"{colour}: {len(expected.by_rating[rating])}" in popover_labels(app)
    placement = _table_with(app, "Цвет")
    assert len(placement) == len(expected.placed)
    lines = _table_with(app, f"{period_label(period)}, %")
    assert list(lines["Школа"])[:-1] == list(dict.fromkeys(expected.history["name"]))
    if schools:
        assert set(expected.history["org_unit_id"]) <= set(schools)
        assert len(lines) == len(schools) + 1  # and the municipal average
    movers = _table_with(app, "Было, %")
    assert list(movers["Школа"]) == list(expected.improved["name"]) + list(expected.declined["name"])



@pytest.mark.parametrize("direction, period, region, muni", [
    ("zaozersk", 2022, None, MUNICIPALITY_ID), ("gubakha", 2024, "Прикамский край", "ugolny"),
    ("perm", 2023, "Прикамский край", "promyshlenny"), ("stepnovsky", 2021, "Прикамский край", "stepnoy"),
    ("promyshlennovsky", 2023, "Прикамский край", "promyshlenny"),
])
def test_each_roadmap_opens_with_its_execution(app, demo_path, direction, period, region, muni):
    """Each roadmap opens for a municipality that runs it (issue 14: all five were opened on
    «Заозёрный», which runs only its own)."""
    from datetime import date

    from indicators.measures.roadmap import roadmap
    db = ready_db(demo_path)
    title = db.scalar("SELECT title FROM direction WHERE id = ?", [direction])
    app.query_params["year"] = period_label(period)
    if region:
        app.query_params["region"] = region
        app.query_params["muni"] = db.scalar("SELECT short_name FROM org_unit WHERE id = ?", [muni])
    app.query_params["roadmap"] = title  # a link to the roadmap opens it
    app.switch_page("app_pages/roadmap.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="roadmap").value == direction
    expected = roadmap(ready_db(demo_path), direction, period, muni, muni, date.today())
    assert _metric(app, "Выполнено мероприятий").value == percent(expected.execution)
    assert _metric(app, "Просрочено").value == str(int(expected.events["overdue"].fillna(False).sum()))
    timeline = _table_with(app, period_label(period))
    assert len(timeline) == len(expected.events)


def test_a_fall_is_shown_as_a_fall(app):
    """The demo's СОШ № 6 falls every year: its change reads −, with a red down-arrow."""
    app.switch_page("app_pages/school.py").run()
    app.selectbox(key="school").select("sosh-6").run()
    change = _metric(app, "Соответствие")
    assert change.delta.startswith("−")
    from streamlit.proto.Metric_pb2 import Metric
    assert change.proto.color == Metric.MetricColor.RED
    assert change.proto.direction == Metric.MetricDirection.DOWN

