"""Динамика: who improved and who slipped, over the years and since last year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..db import Database
from ..dynamics import RATINGS, Bands, grid_counts, place
from ..measures import Thresholds, aggregate_compliance, compliance, periods
from .common import school_scope

MOVERS = 5        # how many of the largest rises and of the largest falls are shown
DEFAULT_LINES = 3  # with no school chosen, the lines show this many top risers and fallers


@dataclass(frozen=True)
class Trends:
    period: int
    history: pd.DataFrame      # the lines' schools × every year: compliance, level
    municipal: pd.DataFrame    # the municipal average per year
    lines_chosen: bool         # True: the lines are the schools chosen in the filter
    placed: pd.DataFrame       # this year's schools with status band, change band, rating
    grid: pd.DataFrame         # the 25 cells with counts and names
    by_rating: dict[int, pd.DataFrame]  # the schools behind each colour
    unrated: pd.DataFrame      # schools that can't be placed, with the reason
    improved: pd.DataFrame     # largest rises since last year, largest first
    declined: pd.DataFrame     # largest falls, largest first
    bands: Bands


def trends(db: Database, period: int, municipality_id: str, school_ids: tuple[str, ...] = (),
           levels: tuple[str, ...] = (), direction: str | None = None) -> Trends:
    t = Thresholds.from_db(db)
    bands = Bands.from_db(db)
    scope = school_scope(db, period, municipality_id, school_ids, levels, direction)
    years = [p for p in periods(db) if p <= period]
    every = compliance(db, years, direction=direction, thresholds=t, parent_id=municipality_id)
    every = every[every["org_unit_id"].isin(scope)]
    this_year = every[every["period"] == period].reset_index(drop=True)
    placed = place(this_year, bands)

    rated = placed[placed["rating"].notna()]
    improved = rated[rated["change"] > 0].sort_values("change", ascending=False).head(MOVERS)
    declined = rated[rated["change"] < 0].sort_values("change").head(MOVERS)
    if school_ids:
        line_ids = [s for s in scope if s in school_ids]
    else:
        line_ids = (list(improved["org_unit_id"].head(DEFAULT_LINES))
                    + list(declined["org_unit_id"].head(DEFAULT_LINES)))
    history = every[every["org_unit_id"].isin(line_ids)].reset_index(drop=True)

    avg = aggregate_compliance(db, years, direction=direction, thresholds=t, parent_id=municipality_id)
    avg = avg[avg["org_unit_id"] == municipality_id][["period", "compliance"]].reset_index(drop=True)
    return Trends(
        period=period,
        history=history,
        municipal=avg,
        lines_chosen=bool(school_ids),
        placed=placed,
        grid=grid_counts(placed),
        by_rating={r: rated[rated["rating"] == r][["org_unit_id", "name", "short_name"]]
                   .reset_index(drop=True) for r in RATINGS},
        unrated=placed[placed["rating"].isna()][["org_unit_id", "name", "short_name", "unrated"]]
        .reset_index(drop=True),
        improved=improved.reset_index(drop=True),
        declined=declined.reset_index(drop=True),
        bands=bands,
    )
