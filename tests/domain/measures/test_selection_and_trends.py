"""The Indicators and Trends measures on the hand-built ``tiny_db`` (table in tests/conftest.py).

Every expected status, share and band below is read off that table by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.measures import change as d
from indicators.views.by_indicator import indicator_ranking, indicator_view
from indicators.views.scope import Scope
from indicators.views.trends import trends
from indicators.store.upsert import upsert
from tests.domain.measures.test_measures import one
from indicators.measures.selection import persistent_gaps, selection_status
from tests.staging import staged

approx = pytest.approx
GOAL = ["S01", "S02", "S03"]


def test_selection_status_of_a_criterion(tiny_db):
    s = selection_status(tiny_db, [2022, 2023, 2024], GOAL)
    status = {(r.org_unit_id, r.period): r.status for r in s.itertuples()}
    assert status == {
        ("sch-a", 2022): "met", ("sch-a", 2023): "met", ("sch-a", 2024): "met",
        ("sch-b", 2022): "partial",   # 2, 2, 1
        ("sch-b", 2023): "no_data",   # sent nothing
        ("sch-b", 2024): "met",
        ("sch-c", 2023): "partial",   # 2, 1, 0; open in 2023 only, so no other year
    }
    c23 = one(s, org_unit_id="sch-c", period=2023)
    assert (c23.expected, c23.assessed, c23.score_sum, c23.max_sum, c23.evidenced) == (3, 3, 3, 6, 2)


def test_selection_status_of_one_indicator_keeps_not_met_no_data_and_not_applicable_apart(tiny_db):
    s06 = selection_status(tiny_db, [2022, 2023, 2024], ["S06"])
    status = {(r.org_unit_id, r.period): r.status for r in s06.itertuples()}
    assert status[("sch-a", 2022)] == "not_met"
    assert status[("sch-a", 2024)] == "partial"      # 1 of 2
    assert status[("sch-b", 2022)] == "no_data"      # S06 missing from a partial table
    assert status[("sch-b", 2024)] == "met"
    s09 = selection_status(tiny_db, [2024], ["S09"])
    assert one(s09, org_unit_id="sch-b").status == "not_applicable"
    # monitoring group for sch-b 2024: S04..S08 = 2,2,2,1,0 and S09 n/a → 7 of 10, partial
    mon = selection_status(tiny_db, [2024], ["S04", "S05", "S06", "S07", "S08", "S09"])
    b = one(mon, org_unit_id="sch-b")
    assert (b.expected, b.score_sum, b.max_sum, b.status) == (5, 7, 10, "partial")


def test_per_indicator_rows(tiny_db):
    s = selection_status(tiny_db, [2024], GOAL, per_indicator=True)
    assert len(s) == 6  # sch-a and sch-b × three indicators
    assert set(s["status"]) == {"met"}


def test_only_web_links_count_as_evidence(tiny_db):
    rows = pd.DataFrame([
        dict(org_unit_id="sch-a", indicator_id="S01", period=2024, evidence_url="https://x.ru/a.pdf"),
        dict(org_unit_id="sch-a", indicator_id="S02", period=2024, evidence_url="file:///c:/a.pdf"),
        dict(org_unit_id="sch-a", indicator_id="S03", period=2024, evidence_url="  HTTP://y.ru/b "),
    ], dtype=object)
    with staged(tiny_db) as cur:
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"], ["evidence_url"],
               rows, user="тест", source="test")
    a = one(selection_status(tiny_db, [2024], GOAL), org_unit_id="sch-a")
    assert (a.evidenced, a.linked) == (3, 2)  # the file: path is not a document link
    view = indicator_view(tiny_db, Scope(2024, municipality_id="mun"), "goal_justified")
    unlinked = view.unlinked
    # sch-a: only S02 lacks a web link; sch-b has no links at all: S01, S02, S03
    assert [(u, c) for u, c in zip(unlinked["org_unit_id"], unlinked["code"])] == [
        ("sch-a", "S02"), ("sch-b", "S01"), ("sch-b", "S02"), ("sch-b", "S03")]
    cov = view.coverage.set_index("period")
    assert cov.loc[2024, "evidenced"] == 6 and cov.loc[2024, "linked"] == 2
    assert cov.loc[2024, "share"] == approx(2 / 6)


def test_persistent_gaps_respect_validity_and_opening(tiny_db):
    """sch-a has S06 = 0 in 2022 and 2023: a gap in 2023, not in 2024 (1 point in 2024)."""
    gaps = persistent_gaps(tiny_db, 2023)
    assert list(zip(gaps["org_unit_id"], gaps["indicator_id"])) == [("sch-a", "S06")]
    assert persistent_gaps(tiny_db, 2024).empty
    with staged(tiny_db) as cur:  # S06 comes into force in 2023: 2022 doesn't count
        cur.execute("UPDATE indicator SET first_period = 2023 WHERE id = 'S06'")
    assert persistent_gaps(tiny_db, 2023).empty
    with staged(tiny_db) as cur:
        cur.execute("UPDATE indicator SET first_period = 2020 WHERE id = 'S06'")
        cur.execute("UPDATE org_unit SET opened_period = 2023 WHERE id = 'sch-a'")
    assert persistent_gaps(tiny_db, 2023).empty


def test_indicator_view_shares_and_lists(tiny_db):
    view = indicator_view(tiny_db, Scope(2023, municipality_id="mun"), "goal_justified")
    year = view.by_year[view.by_year["period"] == 2023].set_index("status")
    # 2023: sch-a met, sch-b no data, sch-c partial → a third each
    assert year.loc["met", "count"] == 1 and year.loc["met", "share"] == approx(1 / 3)
    assert year.loc["no_data", "share"] == approx(1 / 3)
    assert year.loc["partial", "share"] == approx(1 / 3)
    assert view.met_share == approx(1 / 3)
    assert list(view.not_meeting["org_unit_id"]) == ["sch-b", "sch-c"]  # no data first
    s06 = indicator_view(tiny_db, Scope(2023, municipality_id="mun"), "S06")
    assert s06.current.set_index("org_unit_id").loc["sch-a", "gap_codes"] == "S06"
    narrowed = indicator_view(tiny_db, Scope(2023, municipality_id="mun", school_ids=("sch-c",)), "S06")
    assert set(narrowed.statuses["org_unit_id"]) == {"sch-c"}


def test_indicator_ranking_puts_the_least_met_first(tiny_db):
    r = indicator_ranking(tiny_db, Scope(2024, municipality_id="mun"))
    # 2024: S06 (a 1, b 2), S07 (a 2, b 1), S08 (a 2, b 0) are met by one school of two
    assert list(r["indicator_id"][:3]) == ["S06", "S07", "S08"]
    assert list(r["met_share"][:3]) == [approx(0.5)] * 3
    s09 = r.set_index("indicator_id").loc["S09"]
    assert (s09["met"], s09["not_applicable"], s09["met_share"]) == (1, 1, 1.0)


# -- status × change -------------------------------------------------------------------------

@pytest.mark.parametrize("share, band", [
    (0.95, "very_high"), (0.90, "very_high"), (0.85, "high"), (0.80, "high"), (0.79, "medium"),
    (0.50, "medium"), (0.49, "low"), (0.30, "low"), (0.29, "very_low"), (0.0, "very_low"),
])
def test_status_bands(share, band):
    assert d.status_band(share, d.Bands()) == band


@pytest.mark.parametrize("change, band", [
    (0.9 - 0.8, "increased_significantly"), (0.05, "increased"), (0.02, "increased"),
    (0.019, "maintained"), (0.0, "maintained"), (-0.019, "maintained"), (-0.02, "declined"),
    (-0.099, "declined"), (0.7 - 0.8, "declined_significantly"), (-0.5, "declined_significantly"),
])
def test_change_bands(change, band):
    assert d.change_band(change, d.Bands()) == band


def test_the_grid_has_five_colours_ordered_like_californias():
    assert {r for row in d.GRID.values() for r in row} == {1, 2, 3, 4, 5}
    for row in d.GRID.values():           # a better change never lowers the colour
        assert list(row) == sorted(row)
    for col in range(5):                  # a better status never lowers the colour
        assert [d.GRID[s][col] for s in d.STATUS_BANDS] == sorted(
            [d.GRID[s][col] for s in d.STATUS_BANDS], reverse=True)


def test_trends_place_schools_and_say_why_one_is_not(tiny_db):
    t = trends(tiny_db, Scope(2024, municipality_id="mun"))
    a = one(t.placed, org_unit_id="sch-a")
    # 21/22 = 95.5 % (very high), up from 19/22: +9.1 points (increased) → blue (5)
    assert a.compliance == approx(21 / 22) and a.change == approx(2 / 22)
    assert (a.status_band, a.change_band, a.rating) == ("very_high", "increased", 5)
    b = one(t.placed, org_unit_id="sch-b")
    assert pd.isna(b.rating) and b.unrated == "нет данных за прошлый год"
    assert set(t.placed["org_unit_id"]) == {"sch-a", "sch-b"}  # sch-c closed in 2024
    cell = t.grid[(t.grid["status_band"] == "very_high") & (t.grid["change_band"] == "increased")]
    assert cell["count"].iloc[0] == 1 and cell["names"].iloc[0] == ["Школа А"]
    assert len(t.grid) == 25 and t.grid["count"].sum() == 1
    assert list(t.improved["org_unit_id"]) == ["sch-a"] and t.declined.empty
    assert list(t.by_rating[5]["org_unit_id"]) == ["sch-a"]
    assert list(t.history["org_unit_id"].unique()) == ["sch-a"]  # default lines: the movers
    # the municipal average line: 2024 pools sch-a 21/22 and sch-b 17/20 → 38/42
    assert one(t.municipal, period=2024).compliance == approx(38 / 42)


def test_bands_come_from_settings(tiny_db):
    with staged(tiny_db) as cur:
        upsert(cur, "setting", ["key"], ["value"],
               pd.DataFrame([{"key": "change_significant", "value": 0.05}], dtype=object),
               user="тест", source="test")
    t = trends(tiny_db, Scope(2024, municipality_id="mun"))
    assert one(t.placed, org_unit_id="sch-a").change_band == "increased_significantly"
