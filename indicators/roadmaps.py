"""Which roadmap events a unit reports on in a school year.

A roadmap runs over the calendar years of its direction (``period_from``–``period_to``); the
school year that starts the autumn before its first calendar year already belongs to it.  An
event is a school's to report when its responsible parties name the schools (ОО), and the
department's always.
"""

from __future__ import annotations

import pandas as pd

from .db import Database

SCHOOL_MARKERS = ("ОО", "образовательные организации", "Общеобразовательные учреждения")


def is_school_event(responsible: object) -> bool:
    return any(m in str(responsible or "") for m in SCHOOL_MARKERS)


def events_in_force(db: Database, period: int) -> pd.DataFrame:
    """The events of every roadmap running in ``period``, with their direction's title."""
    return db.read(
        """
        SELECT e.id, e.direction_id, d.title AS direction, e.section, e.number, e.title,
               e.deadline, e.responsible, e.ord
        FROM roadmap_event e JOIN direction d ON d.id = e.direction_id
        WHERE (d.period_from IS NULL OR $p >= d.period_from - 1)
          AND (d.period_to IS NULL OR $p <= d.period_to)
        ORDER BY d.id, e.ord
        """,
        {"p": int(period)},
    )
