"""The Объективность page's view on the demo's ВПР protocols (three planted cases) and on a
region staged beside it: what it finds, what it names as the reference, and what a new
selection asks of DuckDB (counted: ``Database.statements``)."""

from __future__ import annotations

import pytest

from indicators.measures.objectivity import ObjectivitySettings, objectivity_index
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.views.objectivity import (
    card_choices, cell, combine, for_schools, municipality_results, objectivity_view, objectivity_year,
    objectivity_years, school_card, year_of, years_of,
)
from indicators.views.scope import Scope
from tests.staging import staged

YEARS = (2020, 2021, 2022, 2023, 2024)


def _counted(db, fn, *args) -> int:
    before = db.statements
    fn(db, *args)
    return db.statements - before


@pytest.fixture
def demo(demo_db):
    return demo_db, ObjectivitySettings.from_db(demo_db)


def _scope(period: int) -> Scope:
    return Scope(period, periods=YEARS, region_id="demo-region", municipality_id=MUNICIPALITY_ID)


def test_the_planted_schools_and_no_other(demo):
    db, settings = demo
    shown = {p: objectivity_view(db, _scope(p), settings) for p in (2022, 2023, 2024)}
    flagged = {p: set(v.flagged["org_unit_id"]) for p, v in shown.items()}
    assert flagged == {2022: set(), 2023: {"sosh-6"}, 2024: {"cadet", "sosh-11"}}
    v = shown[2024]
    assert v.has_data and v.reference_word == "муниципалитет"
    assert v.index["schools"] == 11 and v.index["flagged"] == 2
    assert v.index["index"] == pytest.approx(100 - 100 * 2 / 11)
    assert v.index["change"] == pytest.approx((100 - 100 * 2 / 11) - (100 - 100 / 11))
    cells = v.flagged_cells
    assert set(zip(cells["short_name"], cells["test"])) == {
        ("Кадетская школа", "Русский язык, 4 кл."), ("Кадетская школа", "Математика, 4 кл."),
        ("СОШ № 11", "Русский язык, 5 кл.")}
    assert v.matrix["org_unit_id"].iloc[0] == "cadet"       # most signs first
    contradiction = cell(v, "sosh-11", "rus", 5)
    assert "Спирмена −" in contradiction["reasons"][0]        # the reason with its number
    assert list(v.trend["period"]) == [2022, 2023, 2024]
    assert list(v.trend["flagged"]) == [0, 1, 2]
    assert v.two_years.empty                                  # no school two years running
    cohort = cell(shown[2023], "sosh-6", "math", 4)
    assert cohort["signs"] == 1 and "K = " in cohort["reasons"][0]


def test_a_year_without_protocols_says_so(demo):
    db, settings = demo
    v = objectivity_view(db, _scope(2021), settings)
    assert not v.has_data and v.matrix.empty and v.index["index"] is None
    assert v.trend.empty                                      # no year before 2021 has results


def test_a_school_operator_sees_its_own_row_and_the_whole_index(demo):
    db, settings = demo
    v = objectivity_view(db, _scope(2024), settings)
    own = for_schools(v, ("sosh-11",))
    assert set(own.matrix["org_unit_id"]) == {"sosh-11"} and list(own.flagged["org_unit_id"]) == ["sosh-11"]
    assert own.index == v.index
    schools, tests = card_choices(own)
    assert list(schools) == ["sosh-11"] and next(iter(tests["sosh-11"])) == "rus|5"   # its sign first


def test_the_school_card(demo):
    db, _ = demo
    card = school_card(db, _scope(2024), "sosh-6", "math", 5)
    assert card.test == "Математика, 5 кл."
    scale = card.scale.set_index("mark")
    assert list(scale.index) == [2, 3, 4, 5]
    from indicators.synthetic.vpr_demo import DEMO_SCALES
    db_scale = dict(db.rows("SELECT mark, min_score FROM vpr_scale WHERE subject = 'math' AND grade = 5 "
                            "AND period = 2024"))
    assert scale["min_score"].to_dict() == {m: float(v) for m, v in db_scale.items()}
    assert scale["test_max"].iloc[0] == DEMO_SCALES[("math", 5)][0]
    present = db.scalar("SELECT count(*) FROM vpr_participant WHERE org_unit_id = 'sosh-6' AND period = 2024 "
                        "AND subject = 'math' AND grade = 5 AND NOT absent")
    assert card.distribution["count"].sum() == present
    assert card.points["count"].sum() <= present
    # the cohort that ends this year: grade 4 of 2023, then grade 5 of 2024 — the planted drop
    assert list(card.cohort["label"]) == ["4 кл., 2023/24", "5 кл., 2024/25"]
    assert card.cohort["mean_pct"].iloc[0] > card.cohort["mean_pct"].iloc[1]
    assert card.cohort["k"].iloc[0] == pytest.approx(card.cohort["mean_pct"].iloc[0] / card.cohort["mean_pct"].iloc[1])


def test_a_new_selection_asks_little(demo):
    """A new year: the municipality's year in two statements (results, last year's risk); the
    index over the years is one statement for all of them, read once per municipality whichever
    year is shown.  A new school's card: three statements."""
    db, settings = demo
    for period in (2023, 2024):
        assert _counted(db, objectivity_year, _scope(period).municipal(), settings) == 2
    assert _counted(db, objectivity_years, MUNICIPALITY_ID, YEARS, settings) == 1
    for school in ("cadet", "sosh-6", "nosh-7"):
        assert _counted(db, school_card, _scope(2024), school, "math", 4) == 3
    # and the year put together from the two parts is the view
    year = objectivity_year(db, _scope(2024).municipal(), settings)
    trend = objectivity_years(db, MUNICIPALITY_ID, YEARS, settings)
    before = db.statements
    shown = combine(year, trend, 2024)
    assert db.statements == before
    assert shown.index["index"] == objectivity_index(db, 2024, municipality_id=MUNICIPALITY_ID)["index"]


def test_the_region_is_the_reference_when_another_municipality_has_protocols(demo):
    db, settings = demo
    with staged(db) as cur:
        cur.execute("INSERT INTO org_unit (id, parent_id, kind, name, short_name, ord) VALUES "
                    "('other-mun', 'demo-region', 'municipality', 'Соседний округ', 'Соседний', 9), "
                    "('other-sch', 'other-mun', 'school', 'Школа соседнего округа', 'Соседняя школа', 1)")
        cur.execute("""INSERT INTO vpr_participant (org_unit_id, period, subject, grade, participant,
                           absent, journal_mark, primary_score, updated_by)
                       SELECT 'other-sch', 2024, 'rus', 4, 'p' || i, FALSE, 3 + i % 3, 18 + i % 12, 'тест'
                       FROM range(30) t(i)""")
    v = objectivity_view(db, _scope(2024), settings)
    assert v.reference_word == "регион"
    rus4 = v.matrix[v.matrix["test"] == "Русский язык, 4 кл."]
    assert "other-sch" not in set(v.matrix["org_unit_id"])   # the region's school is the reference only
    assert len(rus4) == 11
    high = [r for reasons in rus4["reasons"] for r in reasons if "верхней границы" in r]
    assert high and all("верхней границы региона" in r for r in high)


def test_a_municipality_read_once_gives_every_year(demo):
    """The page reads a municipality's results of all the years in one statement; each year
    shown (results, risk) and the index over the years are the same as read one by one."""
    import pandas as pd
    db, settings = demo
    assert _counted(db, municipality_results, MUNICIPALITY_ID, YEARS, settings) == 1
    found = municipality_results(db, MUNICIPALITY_ID, YEARS, settings)
    before = db.statements
    trend = years_of(found, YEARS)
    years = {p: year_of(found, p) for p in YEARS}
    assert db.statements == before
    pd.testing.assert_frame_equal(trend, objectivity_years(db, MUNICIPALITY_ID, YEARS, settings))
    for period, year in years.items():
        alone = objectivity_year(db, _scope(period).municipal(), settings)
        pd.testing.assert_frame_equal(year.risk, alone.risk, check_dtype=False)
        cols = [c for c in alone.results.columns if c != "reasons"]
        pd.testing.assert_frame_equal(year.results[cols], alone.results[cols], check_dtype=False)
        assert list(year.results["reasons"]) == list(alone.results["reasons"])
        assert combine(year, trend, period).index == combine(alone, trend, period).index
