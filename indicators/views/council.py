"""Педсовет: the council's content, live or from a snapshot, and the recommendations to edit."""

from __future__ import annotations

import pandas as pd

from indicators.store.database import Database
from indicators.measures.recommendations import recommendations
from indicators.council.content import Council, build
from indicators.council.snapshots import load, snapshots


def council_content(db: Database, period: int, municipality_id: str,
                    snapshot_id: int | None = None) -> Council:
    """The live numbers, or the ones frozen in snapshot ``snapshot_id``."""
    if snapshot_id is not None:
        return load(db, snapshot_id)
    return build(db, period, municipality_id)


def council_snapshots(db: Database, municipality_id: str, period: int) -> pd.DataFrame:
    return snapshots(db, municipality_id, period)


def school_recommendation(db: Database, school_id: str, period: int,
                          municipality_id: str) -> pd.Series | None:
    """The school's recommendations for the year (drafted or stored), or None if it has none."""
    frame = recommendations(db, period, municipality_id)
    frame = frame[frame["org_unit_id"] == school_id]
    return None if frame.empty else frame.iloc[0]
