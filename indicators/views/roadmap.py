"""Дорожная карта: one roadmap's events for one unit of the scope's municipality and year.

The measure (``indicators.measures.roadmap``) takes loose arguments and serves the exports and
the deck too; this view is the page's door to it, taking the sidebar's scope like every view.
"""

from __future__ import annotations

from datetime import date

from indicators.measures.roadmap import Roadmap, roadmap
from indicators.store.database import Database
from indicators.views.scope import Scope


def roadmap_view(db: Database, scope: Scope, roadmap_id: str, unit_id: str,
                 today: date | None = None) -> Roadmap:
    """Roadmap ``roadmap_id`` for ``unit_id`` (the department or one of its schools), its
    overdue events as of ``today``."""
    return roadmap(db, roadmap_id, scope.period, unit_id, scope.municipality_id, today)
