"""The tunable numbers of the measures (data/catalog/settings.csv → the ``setting`` table).

Kept apart from the SQL so that a threshold is read in one place and every measure, chart and
slide that draws a level uses the same one.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.store.database import Database


def settings(db: Database) -> dict[str, float]:
    """The ``setting`` table (data/catalog/settings.csv) as a dict."""
    return dict(db.rows("SELECT key, value FROM setting"))


@dataclass(frozen=True)
class Thresholds:
    high: float = 0.8
    medium: float = 0.5
    min_completeness: float = 0.8

    @classmethod
    def from_db(cls, db: Database) -> "Thresholds":
        found = settings(db)
        return cls(
            high=found.get("level_high", cls.high),
            medium=found.get("level_medium", cls.medium),
            min_completeness=found.get("min_completeness", cls.min_completeness),
        )


