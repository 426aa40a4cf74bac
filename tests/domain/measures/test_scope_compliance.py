"""The one-statement measure of a scope (``scope_compliance``) gives the numbers of the
single-purpose measures it replaced on the pages: each school's, each department's and each
pool's, in total and per group, on the tiny fixture (worked out by hand in test_measures.py)
and on the demo's two regions."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.measures.compliance import aggregate_compliance, compliance
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds

YEARS = list(range(2015, 2025))


def _same(expected: pd.DataFrame, found: pd.DataFrame, keys: list[str]) -> None:
    cols = [c for c in expected.columns if c != "unit_kind"]
    pd.testing.assert_frame_equal(
        expected[cols].sort_values(keys).reset_index(drop=True),
        found[cols].sort_values(keys).reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("by", [None, "criterion", "stage"])
def test_a_municipality_in_one_statement_equals_the_single_measures(demo_db, by):
    keys = ["org_unit_id", "period"] + ([{"criterion": "criterion_id", "stage": "stage"}[by]] if by else [])
    for muni in [r[0] for r in demo_db.rows("SELECT id FROM org_unit WHERE kind = 'municipality'")]:
        thresholds = Thresholds.from_db(demo_db)
        before = demo_db.statements
        found = scope_compliance(demo_db, YEARS, parent_id=muni, by=by, thresholds=thresholds)
        assert demo_db.statements - before == 1  # schools, department and pool: one statement
        _same(compliance(demo_db, YEARS, by=by, parent_id=muni), of_role(found, "school"), keys)
        _same(compliance(demo_db, YEARS, by=by, kind="municipality", unit_id=muni),
              of_role(found, "department"), keys)
        _same(aggregate_compliance(demo_db, YEARS, by=by, parent_id=muni), of_role(found, "pooled"), keys)


def test_totals_beside_the_groups_are_the_ungrouped_numbers(demo_db):
    muni = demo_db.scalar("SELECT id FROM org_unit WHERE kind = 'municipality' ORDER BY ord LIMIT 1")
    both = scope_compliance(demo_db, YEARS, parent_id=muni, by="criterion", totals=True)
    total = both[both["criterion_id"].isna()].drop(columns=["criterion_id", "criterion", "criterion_ord"])
    plain = scope_compliance(demo_db, YEARS, parent_id=muni)
    _same(plain, total, ["role", "org_unit_id", "period"])
    grouped = both[both["criterion_id"].notna()]
    _same(scope_compliance(demo_db, YEARS, parent_id=muni, by="criterion"), grouped,
          ["role", "org_unit_id", "period", "criterion_id"])


def test_a_region_pools_each_municipality_and_the_region(demo_db):
    region = demo_db.scalar("SELECT parent_id FROM org_unit WHERE kind = 'municipality' "
                            "GROUP BY parent_id HAVING count(*) > 1")
    found = scope_compliance(demo_db, YEARS, region_id=region)
    pooled = aggregate_compliance(demo_db, YEARS, region_id=region)
    _same(pooled, of_role(found, "pooled"), ["org_unit_id", "period"])
    _same(compliance(demo_db, YEARS, region_id=region), of_role(found, "school"), ["org_unit_id", "period"])
    _same(compliance(demo_db, YEARS, kind="municipality", region_id=region), of_role(found, "department"),
          ["org_unit_id", "period"])


def test_the_tiny_municipality_by_hand(tiny_db):
    """test_measures.py works these out by hand: sch-a 2024 = ten 2s and S06 = 1 → 21 / 22,
    2023 = 19 / 22; the pool is Σ score / Σ max of the schools."""
    found = scope_compliance(tiny_db, [2024], parent_id="mun")
    schools = of_role(found, "school").set_index("org_unit_id")
    assert schools.loc["sch-a", "compliance"] == pytest.approx(21 / 22)
    assert schools.loc["sch-a", "change"] == pytest.approx(21 / 22 - 19 / 22)
    pool = of_role(found, "pooled").iloc[0]
    assert pool["score_sum"] == schools["score_sum"].sum()
    assert pool["max_sum"] == schools["max_sum"].sum()
    assert pool["compliance"] == pytest.approx(schools["score_sum"].sum() / schools["max_sum"].sum())
    assert pool["units"] == (schools["expected"] > 0).sum()
