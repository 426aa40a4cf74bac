"""Педсовет: the council's content, live or from a snapshot, and the recommendations to edit.

The council reviews the scope's municipality as a whole: it reads the scope's year and
municipality only (the page passes ``scope.municipal().at(year)``, its own year).
"""

from __future__ import annotations

import pandas as pd

from indicators.council.content import Council, build
from indicators.council.snapshots import load, snapshots
from indicators.measures.recommendations import recommendations
from indicators.store.database import Database
from indicators.views.scope import Scope


def council_content(db: Database, scope: Scope, snapshot_id: int | None = None) -> Council:
    """The live numbers, or the ones frozen in snapshot ``snapshot_id``."""
    if snapshot_id is not None:
        return load(db, snapshot_id)
    return build(db, scope.period, scope.municipality_id)


def council_snapshots(db: Database, scope: Scope) -> pd.DataFrame:
    """The snapshots taken of the scope's municipality and year, newest first."""
    return snapshots(db, scope.municipality_id, scope.period)


def council_recommendations(db: Database, scope: Scope) -> pd.DataFrame:
    """Every school of the municipality needing support that year, or with recommendations."""
    return recommendations(db, scope.period, scope.municipality_id)


def school_recommendation(db: Database, scope: Scope, school_id: str) -> pd.Series | None:
    """The school's recommendations for the year (drafted or stored), or None if it has none."""
    frame = recommendations(db, scope.period, scope.municipality_id)
    frame = frame[frame["org_unit_id"] == school_id]
    return None if frame.empty else frame.iloc[0]
