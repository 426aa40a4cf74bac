"""Status × change: the five-colour grid that US state school dashboards use (California's
"5×5 placement"), applied to a school's compliance.

Knowing a school is at 62 % says little without the direction it moves in: 62 % and rising
fast is a different school from 62 % and falling fast.  Each school gets a *status* band from
its compliance this year and a *change* band from the difference with last year; the pair
places it in one of 25 cells, and each cell has one of five colours (a rating from 1, red, to
5, blue).  The band edges are settings (``setting`` table), so a department can tune them.

Only schools with a level this year and last year are placed: with no data, or too little
data, a school has no status to compare (it is listed apart, never shown as a zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.settings import Thresholds, settings
from indicators.store.database import Database

STATUS_BANDS = ("very_high", "high", "medium", "low", "very_low")
CHANGE_BANDS = ("declined_significantly", "declined", "maintained", "increased",
                "increased_significantly")
# Rows: status from very high to very low; columns: change from a large decline to a large
# rise.  The placement follows the California School Dashboard's 5×5 grid.
GRID = {
    "very_high": (3, 4, 5, 5, 5),
    "high": (2, 3, 4, 4, 5),
    "medium": (2, 2, 3, 4, 4),
    "low": (1, 2, 2, 3, 3),
    "very_low": (1, 1, 1, 2, 3),
}
RATINGS = (5, 4, 3, 2, 1)
RATED_LEVELS = ("high", "medium", "low")  # a level that rests on enough data


@dataclass(frozen=True)
class Bands:
    """Edges of the status and change bands (shares, not percent)."""

    very_high: float = 0.9
    high: float = 0.8
    medium: float = 0.5
    very_low: float = 0.3
    maintained: float = 0.02     # |change| below this: the level is kept
    significant: float = 0.10    # |change| from this: a significant rise or decline

    @classmethod
    def from_db(cls, db: Database) -> "Bands":
        found = settings(db)
        levels = Thresholds.from_db(db)  # the high / medium edges are the levels' own
        return cls(
            very_high=found.get("status_very_high", cls.very_high),
            high=levels.high,
            medium=levels.medium,
            very_low=found.get("status_very_low", cls.very_low),
            maintained=found.get("change_maintained", cls.maintained),
            significant=found.get("change_significant", cls.significant),
        )


def status_band(compliance: float, bands: Bands) -> str:
    if compliance >= bands.very_high:
        return "very_high"
    if compliance >= bands.high:
        return "high"
    if compliance >= bands.medium:
        return "medium"
    if compliance >= bands.very_low:
        return "low"
    return "very_low"


def change_band(change: float, bands: Bands) -> str:
    # Rounded first, so that 0.9 - 0.8 (0.0999…98 in floating point) counts as 10 points.
    change = round(change, 4)
    if change >= bands.significant:
        return "increased_significantly"
    if change >= bands.maintained:
        return "increased"
    if change > -bands.maintained:
        return "maintained"
    if change > -bands.significant:
        return "declined"
    return "declined_significantly"


def place(frame: pd.DataFrame, bands: Bands) -> pd.DataFrame:
    """Add status_band, change_band and rating to a compliance frame (one row per school).

    ``frame`` needs compliance, change, level and previous_level.  Schools that cannot be
    placed keep empty bands and get ``unrated`` saying why, in words.
    """
    out = frame.copy()
    rated = (out["level"].isin(RATED_LEVELS) & out["previous_level"].isin(RATED_LEVELS)
             & out["change"].notna())
    out["status_band"] = [status_band(c, bands) if ok else None
                          for c, ok in zip(out["compliance"], rated)]
    out["change_band"] = [change_band(c, bands) if ok else None
                          for c, ok in zip(out["change"], rated)]
    out["rating"] = pd.array(
        [GRID[s][CHANGE_BANDS.index(c)] if ok else None
         for s, c, ok in zip(out["status_band"], out["change_band"], rated)], dtype="Int64")
    out["unrated"] = [
        None if ok else _why_unrated(level, previous)
        for level, previous, ok in zip(out["level"], out["previous_level"], rated)
    ]
    return out


def _why_unrated(level: str, previous: object) -> str:
    if level == "no_data":
        return "нет данных за этот год"
    if level == "not_applicable":
        return "показатели не применяются в этом году"
    if level not in RATED_LEVELS:
        return "недостаточно данных за этот год"
    if previous is None or previous != previous or previous == "no_data":
        return "нет данных за прошлый год"
    if previous == "not_applicable":
        return "показатели не применялись в прошлом году"
    return "недостаточно данных за прошлый год"


def grid_counts(placed: pd.DataFrame) -> pd.DataFrame:
    """All 25 cells (empty ones too): status_band, change_band, rating, count, names."""
    cells = pd.DataFrame([{"status_band": s, "change_band": c, "rating": GRID[s][CHANGE_BANDS.index(c)]}
                          for s in STATUS_BANDS for c in CHANGE_BANDS])
    rated = placed[placed["status_band"].notna()]
    names = rated.groupby(["status_band", "change_band"], sort=False)["short_name"].agg(list)
    found = [names.get((s, c), []) for s, c in zip(cells["status_band"], cells["change_band"])]
    return cells.assign(count=[len(n) for n in found], names=found)
