"""Обзор at region level: the region's municipalities side by side, for a regional ministry.

Each municipality twice: its schools' compliance pooled (Σ score / Σ max of all their values)
and its department's own, municipal-level compliance.  Everything is computed in DuckDB over
the region only, so the page costs the same whether the database holds one region or 85.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.compliance import level_counts
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.common import DRAWN as TOP
from indicators.views.common import best_and_last
from indicators.views.scope import Scope


@dataclass(frozen=True)
class RegionOverview:
    period: int
    region: pd.Series               # the region's pooled school compliance, change, completeness
    municipalities: pd.DataFrame    # one row each: schools' and department's compliance
    levels: dict[str, int]          # the region's schools per level
    shown: pd.DataFrame             # the municipalities the chart draws (all, or best and last)
    thresholds: Thresholds

    @property
    def trimmed(self) -> bool:
        return len(self.shown) < len(self.municipalities)


def region_overview(db: Database, scope: Scope, thresholds: Thresholds | None = None) -> RegionOverview:
    """The scope's region (or, with none chosen, every municipality the database holds): one
    statement for the schools, the departments and their pools."""
    period, region_id, direction = scope.period, scope.region_id, scope.direction
    t = thresholds or Thresholds.from_db(db)
    every = scope_compliance(db, [period], region_id=region_id, direction=direction, thresholds=t)
    pooled = of_role(every, "pooled")
    region = pooled[pooled["org_unit_id"] == region_id] if region_id else pooled[pooled["kind"] == "region"]
    if len(region) > 1:  # several regions and none chosen: no one region to sum up
        region = region.head(0)
    munis = pooled[pooled["kind"] == "municipality"][
        ["org_unit_id", "name", "short_name", "compliance", "change", "completeness", "level",
         "units", "units_submitted"]]
    dept = of_role(every, "department")[["org_unit_id", "name", "short_name", "compliance", "change"]]
    frame = dept.rename(columns={"compliance": "department", "change": "department_change"}).merge(
        munis.drop(columns=["name", "short_name"]), on="org_unit_id", how="left")
    frame = frame.sort_values(["compliance", "short_name"], ascending=[False, True],
                              na_position="last").reset_index(drop=True)
    schools = of_role(every, "school")
    return RegionOverview(
        period=period,
        region=region.iloc[0] if len(region) else pd.Series(dtype=object),
        municipalities=frame,
        levels=level_counts(schools[schools["expected"] > 0]),
        shown=best_and_last(frame, "compliance", TOP),
        thresholds=t,
    )
