"""Обзор: the municipality's year at a glance."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.compliance import level_counts
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.common import available_periods, best_and_last, unit_indicator_years
from indicators.views.scope import Scope
from indicators.words import LEVELS


@dataclass(frozen=True)
class Overview:
    period: int
    municipality: pd.Series          # aggregate of the schools: compliance, change, completeness …
    department: pd.Series | None     # the department's own municipal-level indicators
    schools: pd.DataFrame            # one row per school
    shown: pd.DataFrame              # the schools the charts draw (all, or the best and the last)
    by_criterion: pd.DataFrame       # school × criterion
    levels: dict[str, int]
    by_level: dict[str, pd.DataFrame]  # the schools behind each level count
    not_submitted: pd.DataFrame
    department_indicators: pd.DataFrame  # the department's own indicators, one row each
    thresholds: Thresholds             # the level bands the figures were computed with


@dataclass(frozen=True)
class MunicipalityYears:
    """Every school year of one municipality, read at once (two statements): a head of
    department browses the years, and each one after the first is then a slice, no query."""
    years: dict[int, "_Year"]    # school year → its frames, split once
    thresholds: Thresholds


@dataclass(frozen=True)
class _Year:
    schools: pd.DataFrame         # every school's compliance that year
    municipality: pd.DataFrame    # the pool of its schools (one row)
    department: pd.DataFrame      # the department's own compliance (one row)
    by_criterion: pd.DataFrame    # school × criterion
    indicators: pd.DataFrame      # the department's indicator table


def municipality_years(db: Database, municipality_id: str, direction: str | None,
                       periods: tuple[int, ...], thresholds: Thresholds | None = None) -> MunicipalityYears:
    """The municipality's schools, department and pool, in total and per criterion, and the
    department's own indicators, for every school year in ``periods``, split by year once."""
    t = thresholds or Thresholds.from_db(db)
    years = list(periods) or available_periods(db)
    every = scope_compliance(db, years, parent_id=municipality_id, by="criterion", totals=True,
                             direction=direction, thresholds=t)
    department = unit_indicator_years(db, municipality_id, years, direction)
    total = every[every["criterion_id"].isna()].drop(columns=["criterion_id", "criterion", "criterion_ord"])
    crit = every[every["criterion_id"].notna() & (every["role"] == "school")].drop(
        columns=["role", "kind", "units", "units_submitted"])
    split = {}
    for period in years:
        year = total[total["period"] == period]
        split[period] = _Year(
            schools=of_role(year, "school").drop(columns=["kind", "units", "units_submitted"]),
            municipality=of_role(year, "pooled"),
            department=of_role(year, "department"),
            by_criterion=crit[crit["period"] == period].reset_index(drop=True),
            indicators=department[department["period"] == period].drop(columns=["period"])
            .reset_index(drop=True))
    return MunicipalityYears(split, t)


def overview_of(years: MunicipalityYears, scope: Scope) -> Overview:
    """The scope's year of the municipality: the scope's schools and levels narrow the school
    charts (empty = all), while the municipal figures always cover every school."""
    year = years.years.get(scope.period)
    if year is None:  # a year outside the ones read: nothing to show
        empty = pd.DataFrame(columns=["org_unit_id", "name", "short_name", "compliance", "level",
                                      "expected", "assessed"])
        year = _Year(empty, empty, empty, empty.assign(criterion_id=None), empty)
    all_schools = year.schools
    schools = _narrow(all_schools, scope.school_ids, scope.levels)
    shown = best_and_last(schools, "compliance")
    by_crit = year.by_criterion[year.by_criterion["org_unit_id"].isin(shown["org_unit_id"])].reset_index(drop=True)
    expected = all_schools[all_schools["expected"] > 0]
    listed = expected[["org_unit_id", "name", "short_name"]]
    return Overview(
        period=scope.period,
        municipality=year.municipality.iloc[0] if len(year.municipality) else pd.Series(dtype=object),
        department=year.department.iloc[0] if len(year.department) else None,
        schools=schools,
        shown=shown,
        by_criterion=by_crit,
        levels=level_counts(expected),
        by_level={lv: listed[expected["level"] == lv].reset_index(drop=True) for lv in LEVELS},
        not_submitted=listed[expected["assessed"] == 0].reset_index(drop=True),
        department_indicators=year.indicators,
        thresholds=years.thresholds,
    )


def overview(db: Database, scope: Scope, thresholds: Thresholds | None = None) -> Overview:
    """The year's figures for the municipality (:func:`overview_of` of
    :func:`municipality_years`; the page caches the two apart)."""
    years = scope.periods or (scope.period,)
    return overview_of(municipality_years(db, scope.municipality_id, scope.direction, years, thresholds),
                       scope)


def _narrow(frame: pd.DataFrame, school_ids: tuple[str, ...], levels: tuple[str, ...]) -> pd.DataFrame:
    if school_ids:
        frame = frame[frame["org_unit_id"].isin(school_ids)]
    if levels:
        frame = frame[frame["level"].isin(levels)]
    return frame.reset_index(drop=True)
