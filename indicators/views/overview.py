"""Обзор: the municipality's year at a glance."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.compliance import level_counts
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.common import best_and_last, unit_indicators
from indicators.views.scope import Scope
from indicators.words import LEVELS


@dataclass(frozen=True)
class Overview:
    period: int
    municipality: pd.Series          # aggregate of the schools: compliance, change, completeness …
    department: pd.Series | None     # the department's own municipal-level indicators
    schools: pd.DataFrame            # one row per school
    shown: pd.DataFrame              # the schools the charts draw (all, or the best and the last)
    by_criterion: pd.DataFrame       # school × criterion
    levels: dict[str, int]
    by_level: dict[str, pd.DataFrame]  # the schools behind each level count
    not_submitted: pd.DataFrame
    department_indicators: pd.DataFrame  # the department's own indicators, one row each
    thresholds: Thresholds             # the level bands the figures were computed with


def overview(db: Database, scope: Scope, thresholds: Thresholds | None = None) -> Overview:
    """The year's figures for the municipality; the scope's schools and levels narrow the
    school charts (empty = all), while the municipal figures always cover every school.

    Two statements: the schools, the department and their pool, in total and per criterion;
    the department's indicators."""
    period, municipality_id, direction = scope.period, scope.municipality_id, scope.direction
    t = thresholds or Thresholds.from_db(db)
    every = scope_compliance(db, [period], parent_id=municipality_id, by="criterion", totals=True,
                             direction=direction, thresholds=t)
    total = every[every["criterion_id"].isna()].drop(columns=["criterion_id", "criterion", "criterion_ord"])
    all_schools = of_role(total, "school").drop(columns=["kind", "units", "units_submitted"])
    schools = _narrow(all_schools, scope.school_ids, scope.levels)
    muni = of_role(total, "pooled")
    dept = of_role(total, "department")
    shown = best_and_last(schools, "compliance")
    by_crit = of_role(every[every["criterion_id"].notna()], "school").drop(
        columns=["kind", "units", "units_submitted"])
    by_crit = by_crit[by_crit["org_unit_id"].isin(shown["org_unit_id"])].reset_index(drop=True)
    expected = all_schools[all_schools["expected"] > 0]
    return Overview(
        period=period,
        municipality=muni.iloc[0] if len(muni) else pd.Series(dtype=object),
        department=dept.iloc[0] if len(dept) else None,
        schools=schools,
        shown=shown,
        by_criterion=by_crit,
        levels=level_counts(expected),
        by_level={lv: expected[expected["level"] == lv][["org_unit_id", "name", "short_name"]]
                  .reset_index(drop=True) for lv in LEVELS},
        not_submitted=expected[expected["assessed"] == 0][["org_unit_id", "name", "short_name"]]
        .reset_index(drop=True),
        department_indicators=unit_indicators(db, municipality_id, period, direction),
        thresholds=t,
    )


def _narrow(frame: pd.DataFrame, school_ids: tuple[str, ...], levels: tuple[str, ...]) -> pd.DataFrame:
    if school_ids:
        frame = frame[frame["org_unit_id"].isin(school_ids)]
    if levels:
        frame = frame[frame["level"].isin(levels)]
    return frame.reset_index(drop=True)
