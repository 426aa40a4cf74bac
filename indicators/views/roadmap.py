"""Дорожная карта: one roadmap's events for one unit of the scope's municipality and year.

The measure (``indicators.measures.roadmap``) takes loose arguments and serves the exports and
the deck too; this view is the page's door to it, taking the sidebar's scope like every view.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicators.measures.roadmap import Roadmap, RoadmapYears, roadmap, roadmap_of, roadmap_years, school_execution
from indicators.store.database import Database
from indicators.views.scope import Scope


def roadmap_view(db: Database, scope: Scope, roadmap_id: str, unit_id: str,
                 today: date | None = None) -> Roadmap:
    """Roadmap ``roadmap_id`` for ``unit_id`` (the department or one of its schools), its
    overdue events as of ``today``."""
    return roadmap(db, roadmap_id, scope.period, unit_id, scope.municipality_id, today)


def roadmap_unit_years(db: Database, roadmap_id: str, unit_id: str, today: date) -> RoadmapYears:
    """The unit's roadmap over every year it runs it (the page slices the year shown)."""
    return roadmap_years(db, roadmap_id, unit_id, today)


def roadmap_schools(db: Database, scope: Scope, years: list[int] | tuple, school_events: tuple) -> pd.DataFrame:
    """The schools' execution of the roadmap's school events in the scope's year."""
    return school_execution(db, scope.period, scope.municipality_id, list(years), school_events)


def roadmap_year(part: RoadmapYears, period: int, by_school: pd.DataFrame) -> Roadmap:
    """The year shown: a slice of the unit's years with the schools' execution that year."""
    return roadmap_of(part, period, by_school)
