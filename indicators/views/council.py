"""Педсовет: the council's content, live or from a snapshot, and the recommendations to edit."""

from __future__ import annotations

import pandas as pd

from .. import council
from ..db import Database
from ..recommendations import recommendations


def council_content(db: Database, period: int, municipality_id: str,
                    snapshot_id: int | None = None) -> council.Council:
    """The live numbers, or the ones frozen in snapshot ``snapshot_id``."""
    if snapshot_id is not None:
        return council.load(db, snapshot_id)
    return council.build(db, period, municipality_id)


def council_snapshots(db: Database, municipality_id: str, period: int) -> pd.DataFrame:
    return council.snapshots(db, municipality_id, period)


def school_recommendation(db: Database, school_id: str, period: int,
                          municipality_id: str) -> pd.Series | None:
    """The school's recommendations for the year (drafted or stored), or None if it has none."""
    frame = recommendations(db, period, municipality_id)
    frame = frame[frame["org_unit_id"] == school_id]
    return None if frame.empty else frame.iloc[0]
