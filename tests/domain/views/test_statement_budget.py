"""What a new selection asks of DuckDB, counted (issue "Fast on the first look"): each view
asks once or twice for what its page shows.  Statement counts are deterministic, so they are
a fair test; timings are measured by ``make bench`` only."""

from __future__ import annotations

import pytest

from indicators.measures.change import Bands
from indicators.measures.settings import Thresholds
from indicators.views.overview import municipality_years, overview
from indicators.views.region import region_overview
from indicators.views.school import municipal_years, school_years
from indicators.views.scope import Scope
from indicators.views.trends import region_trends, trends

YEARS = tuple(range(2015, 2025))


def _counted(db, fn, *args) -> int:
    before = db.statements
    fn(db, *args)
    return db.statements - before


@pytest.fixture
def place(demo_db):
    muni = demo_db.scalar("SELECT id FROM org_unit WHERE kind = 'municipality' ORDER BY ord LIMIT 1")
    region = demo_db.scalar("SELECT parent_id FROM org_unit WHERE id = ?", [muni])
    schools = [r[0] for r in demo_db.rows("SELECT id FROM org_unit WHERE parent_id = ? ORDER BY ord", [muni])]
    return demo_db, region, muni, schools, Thresholds.from_db(demo_db), Bands.from_db(demo_db)


@pytest.mark.parametrize("year", [2021, 2024])
def test_a_new_year_on_the_overview_trends_and_region_costs_one_or_two_statements(place, year):
    db, region, muni, _, t, b = place
    scope = Scope(year, periods=YEARS, region_id=region, municipality_id=muni)
    assert _counted(db, overview, scope, t) == 2          # schools, pool, criteria; the department's table
    assert _counted(db, trends, scope, t, b) == 1
    assert _counted(db, region_overview, Scope(year, periods=YEARS, region_id=region), t) == 1
    assert _counted(db, region_trends, Scope(year, periods=YEARS, region_id=region), t, b) == 1


def test_a_new_school_costs_one_schools_work(place):
    """The school's own part, every year, is two statements whichever the school; the
    municipality's averages are one, shared by every school of it (the page caches them
    apart); a year is then a slice of the two."""
    db, region, muni, schools, t, _ = place
    for school in schools[:3]:
        assert _counted(db, school_years, school, None, YEARS, t) == 2
    assert _counted(db, municipal_years, muni, None, YEARS, t) == 1


def test_the_overview_holds_every_year_in_two_statements(place):
    db, region, muni, _, t, _ = place
    assert _counted(db, municipality_years, muni, None, YEARS, t) == 2


def test_a_new_year_of_a_roadmap_costs_one_statement(place):
    """The unit's roadmap over its years is read once (per unit and roadmap); a year shown
    then asks only for the schools' execution that year — and reads as the whole measure."""
    from datetime import date

    from indicators.measures.roadmap import roadmap
    from indicators.views.common import roadmaps
    from indicators.views.roadmap import roadmap_schools, roadmap_unit_years, roadmap_year

    db, region, muni, _, _, _ = place
    today = date(2025, 6, 1)
    key = roadmaps(db, muni)["id"].iloc[0]
    part = roadmap_unit_years(db, key, muni, today)
    for year in part.years[-3:]:
        before = db.statements
        by_school = roadmap_schools(db, Scope(year, periods=YEARS, region_id=region, municipality_id=muni),
                                    tuple(part.years), part.school_events)
        assert db.statements - before == 1
        shown = roadmap_year(part, year, by_school)
        whole = roadmap(db, key, year, muni, muni, today)
        assert shown.execution == whole.execution
        assert shown.events["event_id"].tolist() == whole.events["event_id"].tolist()
        assert shown.events["overdue"].tolist() == whole.events["overdue"].tolist()
        assert shown.by_school.equals(whole.by_school)


def test_the_schools_stages_read_with_its_sums_are_the_cycle_measure(place):
    """The School page reads a school's stages in the statement of its sums; they are the
    cycle measure's, year by year."""
    import pandas as pd

    from indicators.measures.cycle import stage_status_years

    db, _, _, schools, t, _ = place
    for school in schools[:4]:
        found = school_years(db, school, None, YEARS, t).stages.drop(columns=["label"])
        expected = stage_status_years(db, list(YEARS), unit_id=school)
        pd.testing.assert_frame_equal(found, expected, check_dtype=False)
