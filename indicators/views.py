"""What each page shows, assembled from the measures: one function per view, no Streamlit.

Pages call these (through a cache keyed by the data version) and only lay the result out, so
the numbers a test reads from a page are the numbers computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .db import Database
from .measures import (
    Thresholds,
    aggregate_compliance,
    compliance,
    level_counts,
    periods,
)


def municipalities(db: Database) -> pd.DataFrame:
    return db.read("SELECT id, name, short_name FROM org_unit WHERE kind = 'municipality' "
                   "ORDER BY ord, name")


def available_periods(db: Database) -> list[int]:
    return periods(db)


@dataclass(frozen=True)
class Overview:
    period: int
    municipality: pd.Series          # aggregate of the schools: compliance, change, completeness …
    department: pd.Series | None     # the department's own municipal-level indicators
    schools: pd.DataFrame            # one row per school
    by_criterion: pd.DataFrame       # school × criterion
    levels: dict[str, int]
    not_submitted: pd.DataFrame


def overview(db: Database, period: int, municipality_id: str,
             thresholds: Thresholds | None = None) -> Overview:
    t = thresholds or Thresholds.from_db(db)
    schools = compliance(db, [period], thresholds=t)
    schools = schools[schools["parent_id"] == municipality_id].reset_index(drop=True)
    agg = aggregate_compliance(db, [period], thresholds=t)
    muni = agg[agg["org_unit_id"] == municipality_id]
    dept = compliance(db, [period], kind="municipality", thresholds=t)
    dept = dept[dept["org_unit_id"] == municipality_id]
    by_crit = compliance(db, [period], by="criterion", thresholds=t)
    by_crit = by_crit[by_crit["parent_id"] == municipality_id]
    criteria = db.read("SELECT id AS criterion_id, title AS criterion, ord AS criterion_ord FROM criterion")
    by_crit = by_crit.merge(criteria, on="criterion_id").reset_index(drop=True)
    expected = schools[schools["expected"] > 0]
    return Overview(
        period=period,
        municipality=muni.iloc[0] if len(muni) else pd.Series(dtype=object),
        department=dept.iloc[0] if len(dept) else None,
        schools=schools,
        by_criterion=by_crit,
        levels=level_counts(expected),
        not_submitted=expected[expected["assessed"] == 0][["org_unit_id", "name", "short_name"]]
        .reset_index(drop=True),
    )
