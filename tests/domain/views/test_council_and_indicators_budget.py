"""What a new selection on Педсовет and Показатели asks of DuckDB, counted (issue 15, point 1):
a new council year at most 10 statements, a new sidebar year on the Indicators page at most 4
— the run's read of the data version included.  And the School page's recommendations are
drafted for the one school shown, as the council's list has them.  Statement counts are
deterministic, so they are a fair test; timings are measured by ``make bench`` only."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.measures.recommendations import save
from indicators.measures.settings import Thresholds
from indicators.ready import ready_db
from indicators.store import database as db_module
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.views.by_indicator import (
    choices_in_force,
    indicator_catalog,
    indicator_history,
    indicator_ranking,
    indicator_view,
    indicator_view_of,
    indicator_year,
    kept_schools,
)
from indicators.views.council import (
    vpr_signs,
    council_recommendations,
    council_snapshots,
    council_year,
    school_recommendation,
)
from indicators.views.common import school_scope
from indicators.views.scope import Scope
from tests.staging import as_user

YEARS = tuple(range(2015, 2025))
RUN = 1   # every run reads the data version once (app.py), whatever the page


def _counted(db, fn, *args):
    before = db.statements
    result = fn(db, *args)
    return db.statements - before, result


@pytest.fixture(scope="module")
def demo(demo_file):
    db = ready_db(demo_file)
    yield db
    db.close()
    db_module._open.pop(str(demo_file), None)  # open_db caches per path: forget the closed one


def _scope(db, year: int, **kw) -> Scope:
    region = db.scalar("SELECT parent_id FROM org_unit WHERE id = ?", [MUNICIPALITY_ID])
    return Scope(year, periods=YEARS, region_id=region, municipality_id=MUNICIPALITY_ID, **kw)


@pytest.mark.parametrize("year", [2021, 2023, 2024])
def test_a_new_council_year_costs_at_most_ten_statements(demo, year):
    """The snapshots of the year (1), the council's content with its recommendations, computed
    once for both the slides and the editor (5: schools, department and pools per year and
    criterion; the cycle; the roadmaps; the sources; the recommendations)."""
    t = Thresholds.from_db(demo)
    scope = _scope(demo, year)
    snapshots, _ = _counted(demo, council_snapshots, scope)
    live, found = _counted(demo, council_year, scope, t)
    assert (snapshots, live) == (1, 5)
    assert RUN + snapshots + live <= 10
    # the editor's list is the one the support slide is cut from
    assert list(found.content.support["name"]) == list(
        found.recommendations.loc[found.recommendations["needs_support"], "name"])


@pytest.mark.parametrize("year", [2021, 2024])
def test_a_new_year_on_the_indicators_page_costs_at_most_four_statements(demo, year):
    """The picker's list is read once per data version and the indicator across the years
    once per set of schools: a new year reads the ranking and its own lists (2)."""
    t = Thresholds.from_db(demo)
    first, scope = _scope(demo, 2022), _scope(demo, year)
    catalog = indicator_catalog(demo)
    choice = choices_in_force(catalog, year)[0]
    assert kept_schools(scope) == kept_schools(first)        # the same history, cached once
    history, shared = _counted(demo, indicator_history, kept_schools(scope), choice.codes, YEARS, t)
    assert history == 1
    ranking, _ = _counted(demo, indicator_ranking, scope, t)
    lists, year_part = _counted(demo, indicator_year, scope, choice, t)
    assert (ranking, lists) == (1, 1)
    assert RUN + ranking + lists <= 4
    # what the page puts together is the view the tests check the numbers of
    view = indicator_view_of(shared, year_part)
    expected = indicator_view(demo, scope, choice.key)
    assert view.met_share == expected.met_share
    pd.testing.assert_frame_equal(view.current, expected.current)
    pd.testing.assert_frame_equal(view.unlinked, expected.unlinked)


def test_a_chosen_level_makes_the_year_part_of_the_schools_and_stays_in_budget(demo):
    """With a level chosen the kept schools depend on the year: the history is the year's too,
    and a new year still costs at most four statements."""
    t = Thresholds.from_db(demo)
    scope = _scope(demo, 2024, levels=("low", "medium"))
    assert kept_schools(scope) != kept_schools(scope.at(2023))
    choice = choices_in_force(indicator_catalog(demo), 2024)[0]
    spent = sum(_counted(demo, fn, *args)[0] for fn, *args in (
        (indicator_ranking, scope, t),
        (indicator_history, kept_schools(scope), choice.codes, YEARS, t),
        (indicator_year, scope, choice, t)))
    assert RUN + spent <= 4


def test_the_school_page_drafts_one_schools_recommendations_as_the_council_lists_them(demo_copy):
    """One statement for the school shown, never a draft for the other schools; the row is
    the council list's row for it — drafted, stored as a draft, approved, or stored for a
    school that no longer needs support."""
    db = ready_db(demo_copy)
    t = Thresholds.from_db(db)
    scope = _scope(db, 2024)
    listed = council_recommendations(db, scope, t)
    needing = listed[listed["needs_support"]]
    assert len(needing) >= 2
    others = db.rows("SELECT id FROM org_unit WHERE parent_id = ? AND kind = 'school' "
                     "AND NOT list_contains(?, id) ORDER BY ord", [MUNICIPALITY_ID, list(needing["org_unit_id"])])
    save(db, needing.iloc[0]["org_unit_id"], 2024, "1. Своя рекомендация.", needing.iloc[0]["basis"],
         approve=True, user=as_user("Иванова"))
    save(db, needing.iloc[1]["org_unit_id"], 2024, needing.iloc[1]["draft"], None, approve=False,
         user=as_user("Петрова"))
    save(db, others[0][0], 2024, "1. Сохранено раньше.", None, approve=True, user=as_user("Иванова"))

    listed = council_recommendations(db, scope, t).set_index("org_unit_id", drop=False)
    schools = [r[0] for r in db.rows("SELECT id FROM org_unit WHERE parent_id = ? AND kind = 'school' "
                                     "ORDER BY ord", [MUNICIPALITY_ID])]
    spent, signs = _counted(db, vpr_signs, scope)   # the ВПР signs, read once per municipality and year
    assert spent == 1
    for school in schools:
        spent, row = _counted(db, school_recommendation, scope, school, t)
        assert spent == 1
        spent, light = _counted(db, school_recommendation, scope, school, t, signs)
        assert spent == 1
        if school not in listed.index:
            assert row is None and light is None
            continue
        pd.testing.assert_series_equal(row, listed.loc[school], check_names=False)
        pd.testing.assert_series_equal(light, listed.loc[school], check_names=False)
    assert listed.loc[others[0][0], "status"] == "approved"
    assert not listed.loc[others[0][0], "needs_support"]


@pytest.mark.parametrize("filters", [dict(school_ids=("sosh-6", "sosh-11")), dict(levels=("low", "medium")),
                                     dict(levels=("high",), direction="zaozersk"), {}])
def test_the_kept_schools_are_the_sidebars(demo, filters):
    """The schools the Indicators page keeps in SQL are those ``school_scope`` keeps."""
    t = Thresholds.from_db(demo)
    for year in (2022, 2024):
        scope = _scope(demo, year, **filters)
        history = indicator_history(demo, kept_schools(scope), ("S06",), YEARS, t)
        kept = set(school_scope(demo, scope))
        assert history.schools == len(kept)
        assert set(history.statuses["org_unit_id"]) <= kept
