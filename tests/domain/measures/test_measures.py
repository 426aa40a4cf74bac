"""The measures of DESIGN.md on the hand-built ``tiny_db`` (see tests/conftest.py for its table).

Every expected number is worked out by hand in the test from that table, never taken from the
code under test.  Reminder of the catalog (school level; the municipality level M01..M11 has
the same shape), max_score 2 everywhere:

    criterion goal_justified: S01 S02 S03            stage goal
    criterion monitoring:     S04 S05 S06 S07 S08 S09 stages monitoring, analysis,
                              recommendations, measures, decisions, monitoring
    criterion decisions:      S10 S11                stages decisions, effectiveness

so by stage: goal = S01-S03, monitoring = S04+S09, analysis = S05, recommendations = S06,
measures = S07, decisions = S08+S10, effectiveness = S11.
"""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.measures.settings import Thresholds
from indicators.store.upsert import upsert
from indicators.measures.compliance import aggregate_compliance, completeness, compliance, level_counts, periods
from indicators.measures.cycle import cycle_breaks, stage_status
from indicators.measures.selection import persistent_gaps
from indicators.words import period_label
from tests.staging import staged

approx = pytest.approx


def one(frame: pd.DataFrame, **where) -> pd.Series:
    """The single row of ``frame`` matching ``where`` (fails loudly on 0 or 2+ rows)."""
    mask = pd.Series(True, index=frame.index)
    for col, value in where.items():
        mask &= frame[col] == value
    found = frame[mask]
    assert len(found) == 1, f"expected one row for {where}, got {len(found)}:\n{found}"
    return found.iloc[0]


def units_in(frame: pd.DataFrame, period: int) -> set[str]:
    return set(frame.loc[frame["period"] == period, "org_unit_id"])


# -- compliance, completeness, no data ------------------------------------------------------------

def test_compliance_total_per_school_and_year(tiny_db):
    """Σ score / Σ max over assessed values, beside completeness = assessed / expected."""
    c = compliance(tiny_db, [2022, 2023, 2024])

    # sch-a 2022: 2+2+2+2+1+0+0+0+2+0+0 = 11 of 11×2 = 22 → 0.5; all 11 sent.
    a22 = one(c, org_unit_id="sch-a", period=2022)
    assert (a22.expected, a22.assessed) == (11, 11)
    assert (a22.score_sum, a22.max_sum) == (11, 22)
    assert a22.compliance == approx(11 / 22)
    assert a22.completeness == approx(1.0)

    # sch-a 2023: nine 2s, S06 = 0, S11 = 1 → 19 / 22.
    assert one(c, org_unit_id="sch-a", period=2023).compliance == approx(19 / 22)
    # sch-a 2024: ten 2s, S06 = 1 → 21 / 22.
    assert one(c, org_unit_id="sch-a", period=2024).compliance == approx(21 / 22)

    # sch-b 2022: 2,2,1,0 on S01..S04, 7 missing → Σ 5 / Σmax 8 (only the assessed count).
    b22 = one(c, org_unit_id="sch-b", period=2022)
    assert (b22.expected, b22.assessed, b22.score_sum, b22.max_sum) == (11, 4, 5, 8)
    assert b22.compliance == approx(5 / 8)
    assert b22.completeness == approx(4 / 11)

    # sch-c 2023: 2+1+0+0+0+0+0+0+1+0+0 = 4 / 22.
    assert one(c, org_unit_id="sch-c", period=2023).compliance == approx(4 / 22)


def test_only_schools_when_kind_is_school(tiny_db):
    """The municipality and region units carry no school indicators: they are not rows here."""
    c = compliance(tiny_db, [2023])
    # sch-a, sch-b (no data, still listed) and sch-c (open in 2023).
    assert units_in(c, 2023) == {"sch-a", "sch-b", "sch-c"}


def test_no_data_is_never_a_zero(tiny_db):
    """sch-b sent nothing in 2023: level no_data, compliance NULL, not a 0 % that blames it."""
    c = compliance(tiny_db, [2023])
    b23 = one(c, org_unit_id="sch-b", period=2023)
    assert b23.expected == 11
    assert b23.assessed == 0
    assert pd.isna(b23.compliance)
    assert b23.level == "no_data"
    # … while a real 0 is a real 0: sch-a's recommendations in 2023 (S06 = 0) → 0 / 2.
    by_stage = compliance(tiny_db, [2023], by="stage")
    rec = one(by_stage, org_unit_id="sch-a", period=2023, stage="recommendations")
    assert rec.compliance == 0.0
    assert rec.level == "low"


def test_not_applicable_is_excluded_from_expected(tiny_db):
    """sch-b 2024 marks S09 not applicable: 10 expected, 10 assessed, so it is complete.

    S01..S11 = 2,2,2,2,2,2,1,0,na,2,2 → Σ 17 over 10 values × 2 = 20 → 0.85.
    """
    b24 = one(compliance(tiny_db, [2024]), org_unit_id="sch-b", period=2024)
    assert (b24.expected, b24.assessed) == (10, 10)
    assert (b24.score_sum, b24.max_sum) == (17, 20)
    assert b24.compliance == approx(0.85)
    assert b24.completeness == approx(1.0)
    # monitoring stage = S04 (2) + S09 (na) → 1 expected, 2 / 2.
    mon = one(compliance(tiny_db, [2024], by="stage"), org_unit_id="sch-b", stage="monitoring")
    assert (mon.expected, mon.assessed, mon.compliance) == (1, 1, approx(1.0))


def test_compliance_by_criterion(tiny_db):
    """Per criterion the same ratio, over that criterion's indicators only."""
    c = compliance(tiny_db, [2022], by="criterion")
    a = c[c.org_unit_id == "sch-a"]
    assert set(a.criterion_id) == {"goal_justified", "monitoring", "decisions"}
    # sch-a 2022 goal_justified S01..S03 = 2,2,2 → 6/6; monitoring S04..S09 = 2,1,0,0,0,2 → 5/12;
    # decisions S10, S11 = 0,0 → 0/4 (a real zero: low, not no data).
    assert one(a, criterion_id="goal_justified").compliance == approx(1.0)
    assert one(a, criterion_id="goal_justified").level == "high"
    mon = one(a, criterion_id="monitoring")
    assert (mon.expected, mon.assessed, mon.score_sum, mon.max_sum) == (6, 6, 5, 12)
    assert mon.compliance == approx(5 / 12)
    assert mon.level == "low"
    dec = one(a, criterion_id="decisions")
    assert dec.compliance == 0.0 and dec.level == "low"

    b = c[c.org_unit_id == "sch-b"]
    # sch-b 2022 goal_justified 2,2,1 → 5/6 ≈ 0.83, complete → high;
    # monitoring only S04 = 0 of 6 → 0/2, completeness 1/6 → insufficient;
    # decisions nothing sent → no_data, NULL.
    assert one(b, criterion_id="goal_justified").compliance == approx(5 / 6)
    assert one(b, criterion_id="goal_justified").level == "high"
    bmon = one(b, criterion_id="monitoring")
    assert bmon.completeness == approx(1 / 6)
    assert bmon.level == "insufficient"
    bdec = one(b, criterion_id="decisions")
    assert pd.isna(bdec.compliance) and bdec.level == "no_data"


def test_compliance_by_stage(tiny_db):
    """Per management-cycle stage: sch-a 2023 = 2,2,2,2,2,0,2,2,2,2,1."""
    c = compliance(tiny_db, [2023], by="stage")
    a = c[c.org_unit_id == "sch-a"]
    expected = {
        "goal": (3, 6, 6),             # S01-S03 = 2,2,2
        "monitoring": (2, 4, 4),       # S04 = 2, S09 = 2
        "analysis": (1, 2, 2),         # S05 = 2
        "recommendations": (1, 0, 2),  # S06 = 0
        "measures": (1, 2, 2),         # S07 = 2
        "decisions": (2, 4, 4),        # S08 = 2, S10 = 2
        "effectiveness": (1, 1, 2),    # S11 = 1
    }
    assert set(a.stage) == set(expected)
    for stage, (n, score, maximum) in expected.items():
        row = one(a, stage=stage)
        assert (row.expected, row.assessed, row.score_sum, row.max_sum) == (n, n, score, maximum), stage
        assert row.compliance == approx(score / maximum), stage


def test_completeness_lists_who_has_not_submitted(tiny_db):
    """2023: sch-a and sch-c sent 11 of 11, sch-b nothing → the one not submitted."""
    comp = completeness(tiny_db, 2023)
    assert set(comp.org_unit_id) == {"sch-a", "sch-b", "sch-c"}
    assert one(comp, org_unit_id="sch-a").completeness == approx(1.0)
    b = one(comp, org_unit_id="sch-b")
    assert (b.expected, b.assessed, b.completeness) == (11, 0, 0.0)
    assert list(comp.loc[~comp.submitted, "org_unit_id"]) == ["sch-b"]
    # 2022: sch-c did not exist yet; sch-b sent 4 of 11.
    comp22 = completeness(tiny_db, 2022)
    assert set(comp22.org_unit_id) == {"sch-a", "sch-b"}
    assert one(comp22, org_unit_id="sch-b").completeness == approx(4 / 11)
    assert comp22.submitted.all()
    # Filtered by parent: all three belong to "mun", none to another unit.
    assert len(completeness(tiny_db, 2023, parent_id="mun")) == 3
    assert completeness(tiny_db, 2023, parent_id="elsewhere").empty


# -- levels -----------------------------------------------------------------------------------------

def test_levels_with_default_thresholds(tiny_db):
    """Defaults (settings.csv): high ≥ 0.8, medium ≥ 0.5, a level only from 80 % completeness."""
    c = compliance(tiny_db, [2022, 2023, 2024])
    levels = {(r.org_unit_id, r.period): r.level for r in c.itertuples()}
    assert levels == {
        ("sch-a", 2022): "medium",        # 11/22 = 0.5 exactly: the boundary is inclusive
        ("sch-a", 2023): "high",          # 19/22 ≈ 0.864
        ("sch-a", 2024): "high",          # 21/22 ≈ 0.955
        ("sch-b", 2022): "insufficient",  # 5/8 but only 4/11 ≈ 36 % sent
        ("sch-b", 2023): "no_data",       # nothing sent
        ("sch-b", 2024): "high",          # 17/20 = 0.85
        ("sch-c", 2023): "low",           # 4/22 ≈ 0.18
    }
    assert level_counts(c[c.period == 2023]) == {
        "high": 1, "medium": 0, "low": 1, "insufficient": 0, "no_data": 1}


def test_levels_with_custom_thresholds(tiny_db):
    """The same values under high ≥ 0.9, medium ≥ 0.6, completeness ≥ 30 %."""
    t = Thresholds(high=0.9, medium=0.6, min_completeness=0.3)
    c = compliance(tiny_db, [2022, 2023, 2024], thresholds=t)
    levels = {(r.org_unit_id, r.period): r.level for r in c.itertuples()}
    assert levels == {
        ("sch-a", 2022): "low",       # 0.5 < 0.6
        ("sch-a", 2023): "medium",    # 0.864 < 0.9
        ("sch-a", 2024): "high",      # 0.955
        ("sch-b", 2022): "medium",    # 4/11 ≈ 0.36 ≥ 0.3 now, and 5/8 = 0.625 ≥ 0.6
        ("sch-b", 2023): "no_data",
        ("sch-b", 2024): "medium",    # 0.85 < 0.9
        ("sch-c", 2023): "low",       # 0.18
    }
    # previous_level follows the same thresholds: sch-a 2022 was low under them.
    assert one(c, org_unit_id="sch-a", period=2023).previous_level == "low"
    # A boundary exactly on the high threshold counts as high: sch-b 2024 = 17/20 = 0.85.
    t85 = Thresholds(high=0.85, medium=0.5, min_completeness=0.8)
    assert one(compliance(tiny_db, [2024], thresholds=t85), org_unit_id="sch-b").level == "high"


def test_thresholds_come_from_the_setting_table(tiny_db):
    """Thresholds are configurable data: changing level_high in ``setting`` changes levels."""
    assert Thresholds.from_db(tiny_db) == Thresholds(high=0.8, medium=0.5, min_completeness=0.8)
    with staged(tiny_db) as cur:
        upsert(cur, "setting", ["key"], ["value"],
               pd.DataFrame({"key": ["level_high"], "value": [0.9]}), user="тест", source="test")
    assert Thresholds.from_db(tiny_db).high == 0.9
    # sch-a 2023: 19/22 ≈ 0.864 was high under 0.8, is medium under 0.9.
    assert one(compliance(tiny_db, [2023]), org_unit_id="sch-a").level == "medium"


# -- change --------------------------------------------------------------------------------------

def test_change_from_previous_year(tiny_db):
    """change = this year's compliance − last year's; previous_level = last year's level."""
    c = compliance(tiny_db, [2022, 2023, 2024])
    a23 = one(c, org_unit_id="sch-a", period=2023)
    assert a23.change == approx(19 / 22 - 11 / 22)   # = 8/22 ≈ +0.364
    assert a23.previous_level == "medium"
    a24 = one(c, org_unit_id="sch-a", period=2024)
    assert a24.change == approx(21 / 22 - 19 / 22)   # = 2/22
    assert a24.previous_level == "high"


def test_change_uses_the_previous_year_even_when_not_requested(tiny_db):
    """Asking for 2024 alone still compares with 2023 (sch-a: 21/22 − 19/22)."""
    a24 = one(compliance(tiny_db, [2024]), org_unit_id="sch-a")
    assert a24.change == approx(2 / 22)
    assert a24.previous_level == "high"


def test_change_is_null_after_a_gap_year(tiny_db):
    """sch-b: data in 2022 and 2024, nothing in 2023 → no change in 2023 nor in 2024."""
    c = compliance(tiny_db, [2022, 2023, 2024])
    b24 = one(c, org_unit_id="sch-b", period=2024)
    assert pd.isna(b24.change)                  # not 0.85 − 0.625, which skips a year
    assert b24.previous_level == "no_data"
    b23 = one(c, org_unit_id="sch-b", period=2023)
    assert pd.isna(b23.change)
    assert b23.previous_level == "insufficient"  # 2022: 4/11 sent
    # 2022 is the first year with data: 2021 is empty → NULL change.
    assert pd.isna(one(c, org_unit_id="sch-a", period=2022).change)
    # sch-c opened in 2023: there is no previous year at all.
    c23 = one(c, org_unit_id="sch-c", period=2023)
    assert pd.isna(c23.change) and pd.isna(c23.previous_level)


def test_change_per_criterion(tiny_db):
    """sch-a monitoring (S04..S09): 2022 = 2,1,0,0,0,2 → 5/12; 2023 = 2,2,0,2,2,2 → 10/12."""
    c = compliance(tiny_db, [2023], by="criterion")
    mon = one(c, org_unit_id="sch-a", criterion_id="monitoring")
    assert mon.compliance == approx(10 / 12)
    assert mon.change == approx(10 / 12 - 5 / 12)
    assert mon.previous_level == "low"           # 5/12 ≈ 0.42
    # goal_justified: 6/6 both years → change exactly 0, not NULL.
    assert one(c, org_unit_id="sch-a", criterion_id="goal_justified").change == approx(0.0)


def test_municipality_level_indicators_are_assessed_on_the_municipality(tiny_db):
    """The department is the municipality unit itself; its M01..M11 give its own compliance."""
    c = compliance(tiny_db, [2023, 2024], kind="municipality")
    assert set(c.org_unit_id) == {"mun"}
    # 2023: M01..M05 = 2 each, 6 missing → 10/10 = 1.0 but 5/11 sent → insufficient.
    m23 = one(c, period=2023)
    assert (m23.expected, m23.assessed) == (11, 5)
    assert m23.compliance == approx(1.0)
    assert m23.level == "insufficient"
    # 2024: ten 2s and M11 = 0 → 20/22, high; change 20/22 − 10/10.
    m24 = one(c, period=2024)
    assert m24.compliance == approx(20 / 22)
    assert m24.level == "high"
    assert m24.change == approx(20 / 22 - 1.0)
    assert m24.previous_level == "insufficient"


# -- pooled over ancestors ---------------------------------------------------------------------------

def test_aggregate_compliance_pools_schools_under_municipality_and_region(tiny_db):
    """Σ score / Σ max over every school's assessed values (weighted by what each sent)."""
    agg = aggregate_compliance(tiny_db, [2022, 2023, 2024])
    assert set(agg.org_unit_id) == {"mun", "reg"}

    # 2022: sch-a 11/22 of 11 sent; sch-b 5/8 of 4 sent; sch-c not open.
    #       → Σ 16 / Σmax 30; 15 of 22 expected sent.
    m22 = one(agg, org_unit_id="mun", period=2022)
    assert (m22.expected, m22.assessed, m22.score_sum, m22.max_sum) == (22, 15, 16, 30)
    assert m22.compliance == approx(16 / 30)
    assert m22.completeness == approx(15 / 22)
    assert m22.level == "insufficient"          # 68 % < 80 %
    assert (m22.units, m22.units_submitted) == (2, 2)

    # 2023: sch-a 19/22, sch-b nothing (11 expected), sch-c 4/22 → 23/44; 22 of 33 sent.
    m23 = one(agg, org_unit_id="mun", period=2023)
    assert (m23.expected, m23.assessed, m23.score_sum, m23.max_sum) == (33, 22, 23, 44)
    assert m23.compliance == approx(23 / 44)
    assert (m23.units, m23.units_submitted) == (3, 2)
    assert m23.change == approx(23 / 44 - 16 / 30)

    # 2024: sch-a 21/22, sch-b 17/20 (S09 n/a), sch-c closed → 38/42, all 21 sent.
    m24 = one(agg, org_unit_id="mun", period=2024)
    assert (m24.expected, m24.assessed, m24.score_sum, m24.max_sum) == (21, 21, 38, 42)
    assert m24.compliance == approx(38 / 42)
    assert m24.level == "high"
    assert m24.previous_level == "insufficient"
    assert (m24.units, m24.units_submitted) == (2, 2)

    # The region holds only this municipality: the same pool one level up.
    for period, (score, maximum) in {2022: (16, 30), 2023: (23, 44), 2024: (38, 42)}.items():
        r = one(agg, org_unit_id="reg", period=period)
        assert (r.score_sum, r.max_sum) == (score, maximum)
        assert r.unit_kind == "region"


def test_aggregate_compliance_by_stage(tiny_db):
    """2023 recommendations (S06): sch-a 0, sch-c 0, sch-b nothing → 0/4, 2 of 3 sent."""
    agg = aggregate_compliance(tiny_db, [2023], by="stage")
    rec = one(agg, org_unit_id="mun", stage="recommendations")
    assert (rec.expected, rec.assessed, rec.score_sum, rec.max_sum) == (3, 2, 0, 4)
    assert rec.compliance == 0.0


# -- the management cycle -------------------------------------------------------------------------

def statuses(frame: pd.DataFrame, unit: str) -> dict[str, str]:
    return dict(frame.loc[frame.org_unit_id == unit, ["stage", "status"]].itertuples(index=False))


def test_stage_status_and_break_in_cycle_order(tiny_db):
    """present = all at maximum, partial = some evidence, missing = assessed but all 0."""
    s = stage_status(tiny_db, 2022)
    order = ["goal", "monitoring", "analysis", "recommendations", "measures", "decisions",
             "effectiveness"]
    a = s[s.org_unit_id == "sch-a"]
    assert list(a.stage) == order
    assert list(a.stage_no) == [1, 2, 3, 4, 5, 6, 7]
    # sch-a 2022 = 2,2,2,2,1,0,0,0,2,0,0
    assert statuses(s, "sch-a") == {
        "goal": "present",             # 2,2,2
        "monitoring": "present",       # S04 2, S09 2
        "analysis": "partial",         # S05 1
        "recommendations": "missing",  # S06 0   ← the break
        "measures": "missing",
        "decisions": "missing",
        "effectiveness": "missing",
    }
    assert list(a.loc[a.is_break, "stage"]) == ["recommendations"]  # only the first one
    # sch-b 2022 = 2,2,1,0 then nothing: goal partial, monitoring S04 = 0 and S09 unsent → missing.
    assert statuses(s, "sch-b")["goal"] == "partial"
    assert statuses(s, "sch-b")["monitoring"] == "missing"
    assert statuses(s, "sch-b")["analysis"] == "no_data"
    b = s[s.org_unit_id == "sch-b"]
    assert list(b.loc[b.is_break, "stage"]) == ["monitoring"]


def test_cycle_breaks(tiny_db):
    """The first stage, in cycle order, that is missing or has no data."""
    br22 = cycle_breaks(tiny_db, 2022).set_index("org_unit_id")
    assert set(br22.index) == {"sch-a", "sch-b"}
    assert (br22.loc["sch-a", "break_stage"], br22.loc["sch-a", "break_status"]) == (
        "recommendations", "missing")
    assert br22.loc["sch-b", "break_stage"] == "monitoring"

    br23 = cycle_breaks(tiny_db, 2023).set_index("org_unit_id")
    # sch-b sent nothing: the cycle breaks at its very first stage, for lack of data.
    assert (br23.loc["sch-b", "break_stage"], br23.loc["sch-b", "break_status"]) == ("goal", "no_data")
    assert br23.loc["sch-b", "stage_no"] == 1
    # sch-c 2023: goal 2,1,0 partial, monitoring S04 0 / S09 1 partial, analysis S05 0 missing.
    assert (br23.loc["sch-c", "break_stage"], br23.loc["sch-c", "break_status"]) == ("analysis", "missing")
    # sch-a 2023: S06 = 0 again; S11 = 1 (partial) would not be a break anyway.
    assert br23.loc["sch-a", "break_stage"] == "recommendations"


def test_whole_cycle_has_no_break(tiny_db):
    """2024: sch-a has S06 = 1 (partial), sch-b has partial measures/decisions and S09 n/a:
    no stage missing, no stage without data → no break for either."""
    br = cycle_breaks(tiny_db, 2024).set_index("org_unit_id")
    assert set(br.index) == {"sch-a", "sch-b"}
    assert br["break_stage"].isna().all()
    s = stage_status(tiny_db, 2024)
    assert not s["is_break"].any()
    assert statuses(s, "sch-a")["recommendations"] == "partial"
    assert statuses(s, "sch-b")["monitoring"] == "present"  # S04 = 2, S09 n/a
    assert statuses(s, "sch-b")["decisions"] == "partial"   # S08 = 0, S10 = 2


def test_cycle_break_of_the_municipality(tiny_db):
    """mun 2023: M01..M05 sent → M06 (recommendations) has no data: the break;
    mun 2024: M11 = 0 → effectiveness missing, the last stage."""
    s23 = stage_status(tiny_db, 2023, kind="municipality")
    assert statuses(s23, "mun")["monitoring"] == "partial"  # M04 = 2, M09 unsent
    br23 = cycle_breaks(tiny_db, 2023, kind="municipality").set_index("org_unit_id")
    assert (br23.loc["mun", "break_stage"], br23.loc["mun", "break_status"]) == (
        "recommendations", "no_data")
    br24 = cycle_breaks(tiny_db, 2024, kind="municipality").set_index("org_unit_id")
    assert (br24.loc["mun", "break_stage"], br24.loc["mun", "break_status"]) == (
        "effectiveness", "missing")


# -- persistent gaps ---------------------------------------------------------------------------------

def test_persistent_gaps(tiny_db):
    """Scored 0 this year and last year.  2023: only sch-a S06 (0 in 2022 and 2023).

    Not gaps: sch-a S11 (0 then 1: a partial score is not "not met"), sch-a S07/S08/S10
    (0 then 2), sch-c's zeros (no 2022: it did not exist), sch-b's S04 (0 in 2022, no data 2023).
    """
    gaps23 = persistent_gaps(tiny_db, 2023)
    assert list(zip(gaps23.org_unit_id, gaps23.indicator_id)) == [("sch-a", "S06")]
    # 2024: sch-a S06 = 1 (partial) ends the gap; sch-b S08 = 0 but 2023 had no data.
    assert persistent_gaps(tiny_db, 2024).empty
    assert persistent_gaps(tiny_db, 2022).empty


# -- validity in time --------------------------------------------------------------------------------

def test_indicator_first_and_last_period_are_respected(tiny_db):
    """Retire S11 after 2023 and add S12 from 2024: each counts only in the years it is in force.

    sch-a 2024 = S01..S10 = 2,2,2,2,2,1,2,2,2,2 (S11's row no longer counts), S12 unsent
      → expected 11, assessed 10, Σ 19 / 20.
    sch-b 2024 = S01..S10 minus S09 (n/a) + S12 unsent → expected 10, assessed 9,
      Σ 2+2+2+2+2+2+1+0+2 = 15 / 18.
    2023 is as before (S11 still in force, S12 not yet): sch-a 19/22 of 11.
    """
    with staged(tiny_db) as cur:
        upsert(cur, "indicator", ["id"], ["last_period"],
               pd.DataFrame({"id": ["S11"], "last_period": [2023]}, dtype=object),
               user="тест", source="test")
        upsert(cur, "indicator", ["id"],
               ["direction_id", "criterion_id", "number", "stage", "level", "title",
                "max_score", "first_period", "ord"],
               pd.DataFrame([dict(id="S12", direction_id="zaozersk", criterion_id="decisions",
                                  number=12, stage="effectiveness", level="school",
                                  title="Новый показатель", max_score=2, first_period=2024,
                                  ord=12)], dtype=object),
               user="тест", source="test")
    c = compliance(tiny_db, [2023, 2024])
    a23 = one(c, org_unit_id="sch-a", period=2023)
    assert (a23.expected, a23.assessed, a23.score_sum, a23.max_sum) == (11, 11, 19, 22)
    a24 = one(c, org_unit_id="sch-a", period=2024)
    assert (a24.expected, a24.assessed, a24.score_sum, a24.max_sum) == (11, 10, 19, 20)
    assert a24.completeness == approx(10 / 11)
    b24 = one(c, org_unit_id="sch-b", period=2024)
    assert (b24.expected, b24.assessed, b24.score_sum, b24.max_sum) == (10, 9, 15, 18)
    # The effectiveness stage of 2024 is now S12 alone, unsent → the break for sch-a.
    br = cycle_breaks(tiny_db, 2024).set_index("org_unit_id")
    assert (br.loc["sch-a", "break_stage"], br.loc["sch-a", "break_status"]) == (
        "effectiveness", "no_data")


def test_org_unit_opened_and_closed_periods_are_respected(tiny_db):
    """sch-c exists only in 2023: not expected in 2022 (not open yet) nor 2024 (closed),
    even when a stray 2024 value was entered for it."""
    with staged(tiny_db) as cur:
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"], ["score"],
               pd.DataFrame([dict(org_unit_id="sch-c", indicator_id="S01", period=2024,
                                  score=2)], dtype=object), user="тест", source="test")
    c = compliance(tiny_db, [2022, 2023, 2024])
    assert units_in(c, 2022) == {"sch-a", "sch-b"}
    assert units_in(c, 2023) == {"sch-a", "sch-b", "sch-c"}
    assert units_in(c, 2024) == {"sch-a", "sch-b"}
    # The pooled 2024 value is still sch-a + sch-b only: 38 / 42 over 21 expected.
    m24 = one(aggregate_compliance(tiny_db, [2024]), org_unit_id="mun")
    assert (m24.expected, m24.score_sum, m24.max_sum) == (21, 38, 42)
    assert "sch-c" not in set(completeness(tiny_db, 2024).org_unit_id)


# -- periods -------------------------------------------------------------------------------------------

def test_period_label_is_the_school_year():
    assert period_label(2024) == "2024/25"
    assert period_label(2009) == "2009/10"
    assert period_label(1999) == "1999/00"


def test_periods_are_the_years_with_assessments(tiny_db):
    """2021 and 2025 hold nothing; sch-b's empty 2023 is still a year others reported."""
    assert periods(tiny_db) == [2022, 2023, 2024]


def test_scoped_measures_equal_the_whole_ones(tiny_db):
    """The parent/region/unit filters only narrow the work: the numbers are the same."""
    whole = aggregate_compliance(tiny_db, [2023, 2024])
    mun = aggregate_compliance(tiny_db, [2023, 2024], parent_id="mun")
    assert set(mun["org_unit_id"]) == {"mun"}
    pd.testing.assert_frame_equal(mun.reset_index(drop=True),
                                  whole[whole["org_unit_id"] == "mun"].reset_index(drop=True))
    region = aggregate_compliance(tiny_db, [2024], region_id="reg")
    assert region.set_index("org_unit_id")["compliance"].to_dict() == pytest.approx(
        {"reg": 38 / 42, "mun": 38 / 42})
    dept = compliance(tiny_db, [2024], kind="municipality", unit_id="mun")
    assert dept["compliance"].tolist() == pytest.approx([20 / 22])
    assert compliance(tiny_db, [2024], region_id="reg")["org_unit_id"].tolist() == ["sch-a", "sch-b"]
    assert compliance(tiny_db, [2024], region_id="elsewhere").empty
