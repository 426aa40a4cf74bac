"""Обзор: the municipality's year at a glance."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.compliance import aggregate_compliance, compliance, level_counts
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
    school charts (empty = all), while the municipal figures always cover every school."""
    period, municipality_id, direction = scope.period, scope.municipality_id, scope.direction
    t = thresholds or Thresholds.from_db(db)
    all_schools = compliance(db, [period], direction=direction, thresholds=t,
                             parent_id=municipality_id)
    schools = _narrow(all_schools, scope.school_ids, scope.levels)
    agg = aggregate_compliance(db, [period], direction=direction, thresholds=t, parent_id=municipality_id)
    muni = agg[agg["org_unit_id"] == municipality_id]
    dept = compliance(db, [period], kind="municipality", direction=direction, thresholds=t,
                      unit_id=municipality_id)
    dept = dept[dept["org_unit_id"] == municipality_id]
    by_crit = compliance(db, [period], by="criterion", direction=direction, thresholds=t,
                         parent_id=municipality_id)
    shown = best_and_last(schools, "compliance")
    by_crit = by_crit[by_crit["org_unit_id"].isin(shown["org_unit_id"])]
    criteria = db.read("SELECT id AS criterion_id, title AS criterion, ord AS criterion_ord FROM criterion")
    by_crit = by_crit.merge(criteria, on="criterion_id").reset_index(drop=True)
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
