"""Динамика: who improved and who slipped, over the years and since last year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.change import RATINGS, Bands, grid_counts, place
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.common import available_periods
from indicators.views.scope import Scope

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
    improved: pd.DataFrame     # every rise since last year, largest first (equal ones by name)
    declined: pd.DataFrame     # every fall, largest first (equal ones by name)
    steady: pd.DataFrame       # the schools whose change is zero
    bands: Bands


def trends(db: Database, scope: Scope, thresholds: Thresholds | None = None,
           bands: Bands | None = None) -> Trends:
    """The scope's schools over the years up to the scope's one, beside the municipal average:
    one statement."""
    period, municipality_id = scope.period, scope.municipality_id
    years = [p for p in (scope.periods or available_periods(db)) if p <= period]
    every = scope_compliance(db, years, parent_id=municipality_id, direction=scope.direction,
                             thresholds=thresholds or Thresholds.from_db(db))
    schools = of_role(every, "school")
    kept = _kept(schools, scope)
    chosen = [s for s in kept if s in scope.school_ids] if scope.school_ids else None
    return _assemble(schools[schools["org_unit_id"].isin(kept)], of_role(every, "pooled"), period,
                     bands or Bands.from_db(db), chosen)


def _kept(schools: pd.DataFrame, scope: Scope) -> list[str]:
    """The schools the sidebar keeps (as ``common.school_scope``): the chosen ones (all when
    none), narrowed to the chosen levels of the scope's year."""
    ids = list(dict.fromkeys(schools["org_unit_id"]))
    if scope.school_ids:
        ids = [i for i in ids if i in scope.school_ids]
    if scope.levels:
        year = schools[schools["period"] == scope.period]
        keep = set(year.loc[year["level"].isin(scope.levels), "org_unit_id"])
        ids = [i for i in ids if i in keep]
    return ids


def region_trends(db: Database, scope: Scope, thresholds: Thresholds | None = None,
                  bands: Bands | None = None) -> Trends:
    """The same, one level up: each municipality's schools pooled, beside the region's average."""
    period, region_id = scope.period, scope.region_id
    years = [p for p in (scope.periods or available_periods(db)) if p <= period]
    pooled = of_role(scope_compliance(db, years, region_id=region_id, direction=scope.direction,
                                      thresholds=thresholds or Thresholds.from_db(db)), "pooled")
    every = pooled[pooled["kind"] == "municipality"]
    avg = (pooled[pooled["org_unit_id"] == region_id] if region_id
           else pooled[pooled["kind"] == "region"])
    if avg["org_unit_id"].nunique() > 1:  # several regions and none chosen: no one average
        avg = avg.head(0)
    return _assemble(every, avg, period, bands or Bands.from_db(db), None)


def _assemble(every: pd.DataFrame, avg: pd.DataFrame, period: int, bands: Bands,
              chosen: list[str] | None) -> Trends:
    """Placement, movers and lines from every unit's yearly compliance and the average's."""
    this_year = every[every["period"] == period].reset_index(drop=True)
    placed = place(this_year, bands)
    rated = placed[placed["rating"].notna()]
    improved, declined, steady = _movers(placed)
    line_ids = chosen if chosen else (list(improved["org_unit_id"].head(DEFAULT_LINES))
                                      + list(declined["org_unit_id"].head(DEFAULT_LINES)))
    return Trends(
        period=period,
        history=every[every["org_unit_id"].isin(line_ids)].reset_index(drop=True),
        municipal=avg[["period", "compliance"]].reset_index(drop=True),
        lines_chosen=bool(chosen),
        placed=placed,
        grid=grid_counts(placed),
        by_rating={r: rated[rated["rating"] == r][["org_unit_id", "name", "short_name"]]
                   .reset_index(drop=True) for r in RATINGS},
        unrated=placed[placed["rating"].isna()][["org_unit_id", "name", "short_name", "unrated"]]
        .reset_index(drop=True),
        improved=improved,
        declined=declined,
        steady=steady,
        bands=bands,
    )


def _movers(placed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every unit with a change since last year — the ones the Overview shows a change for —
    as rises (largest first), falls (largest first) and unchanged.  A unit the grid can't place
    (too little data in one of the years) is still here, its ``unrated`` saying why; equal
    changes (to 0.01 point) are ordered by name."""
    moved = placed[placed["change"].notna()].assign(_step=lambda f: f["change"].round(4))
    rises = moved[moved["_step"] > 0].assign(_key=lambda f: -f["_step"])
    falls = moved[moved["_step"] < 0].assign(_key=lambda f: f["_step"])
    steady = moved[moved["_step"] == 0].assign(_key=0.0)
    return tuple(f.sort_values(["_key", "short_name", "name"]).drop(columns=["_step", "_key"])
                 .reset_index(drop=True) for f in (rises, falls, steady))
