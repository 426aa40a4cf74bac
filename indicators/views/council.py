"""Педсовет: the council's content, live or from a snapshot, and the recommendations to edit.

The council reviews the scope's municipality as a whole: it reads the scope's year and
municipality only (the page passes ``scope.municipal().at(year)``, its own year).  Each view
takes the level thresholds the page read once per data version (``thresholds``; read here
when not given).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.council.content import Council, build
from indicators.council.snapshots import load, snapshots
from indicators.measures.recommendations import municipal_signs, recommendations
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.scope import Scope


@dataclass(frozen=True)
class CouncilYear:
    """A municipality's council year, live: the content and the recommendations it shows,
    computed together once (the council's «support» slide is the list's schools needing it)."""
    content: Council
    recommendations: pd.DataFrame   # as measures.recommendations.recommendations


def council_year(db: Database, scope: Scope, thresholds: Thresholds | None = None) -> CouncilYear:
    """The live council of the scope's municipality and year, with its recommendations."""
    recommended = recommendations(db, scope.period, scope.municipality_id, thresholds)
    content = build(db, scope.period, scope.municipality_id, thresholds=thresholds,
                    years=[p for p in scope.periods if p <= scope.period] or None,
                    recommended=recommended)
    return CouncilYear(content, recommended)


def council_content(db: Database, scope: Scope, snapshot_id: int | None = None,
                    thresholds: Thresholds | None = None) -> Council:
    """The live numbers, or the ones frozen in snapshot ``snapshot_id``."""
    if snapshot_id is not None:
        return load(db, snapshot_id)
    return council_year(db, scope, thresholds).content


def council_snapshots(db: Database, scope: Scope) -> pd.DataFrame:
    """The snapshots taken of the scope's municipality and year, newest first."""
    return snapshots(db, scope.municipality_id, scope.period)


def council_recommendations(db: Database, scope: Scope,
                            thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Every school of the municipality needing support that year, or with recommendations."""
    return recommendations(db, scope.period, scope.municipality_id, thresholds)


def vpr_signs(db: Database, scope: Scope) -> pd.DataFrame:
    """The municipality's ВПР signs of the scope's year, per school (one statement, read once
    per municipality and year): every school's draft on the School page takes them."""
    return municipal_signs(db, scope.period, scope.municipality_id)


def school_recommendation(db: Database, scope: Scope, school_id: str,
                          thresholds: Thresholds | None = None,
                          signs: pd.DataFrame | None = None) -> pd.Series | None:
    """The school's recommendations for the year (drafted or stored), or None if it has none:
    the row the council's list shows for it, drafted for this school alone (one statement when
    the thresholds are given; a light one when the municipality's ВПР signs, :func:`vpr_signs`,
    are given too)."""
    frame = recommendations(db, scope.period, scope.municipality_id, thresholds,
                            school_id=school_id, signs=signs)
    return None if frame.empty else frame.iloc[0]
