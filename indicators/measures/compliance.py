"""The measures of DESIGN.md, computed in SQL in one place.

Definitions (the tests work them out by hand on a tiny fixture):

* *expected* values of a unit for a period: the indicators of the unit's level that are in
  force that period (``first_period``/``last_period``), while the unit is open, minus the ones
  marked not applicable;
* *compliance* = Σ score / Σ max_score over the expected values that were assessed;
* *completeness* = assessed / expected.  A missing value is "no data", never a zero;
* *level*: ``no_data`` when nothing was assessed, ``insufficient`` when completeness is below
  the threshold, else ``high`` / ``medium`` / ``low`` by the compliance thresholds;
* *change*: compliance minus the compliance of the previous school year (NULL if either is
  missing);
* a *stage* of the management cycle is ``present`` (all its values at maximum), ``partial``
  (some evidence), ``missing`` (assessed, no evidence at all) or ``no_data``; the *cycle break*
  is the first stage, in cycle order, that is missing or has no data;
* a *persistent gap* is an indicator scored 0 this year and the year before.
"""


from __future__ import annotations

from typing import Iterable

import pandas as pd

from indicators.measures.facts import GROUP_COLUMNS, Group, finish, query_params, summary_sql
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.words import LEVELS


def periods(db: Database) -> list[int]:
    """The school years that have any assessment, oldest first."""
    return [r[0] for r in db.rows("SELECT DISTINCT period FROM assessment ORDER BY period")]




def compliance(
    db: Database,
    periods_: Iterable[int],
    *,
    kind: str = "school",
    by: Group = None,
    direction: str | None = None,
    thresholds: Thresholds | None = None,
    parent_id: str | None = None,
    region_id: str | None = None,
    unit_id: str | None = None,
) -> pd.DataFrame:
    """Compliance of every unit of ``kind`` per period (optionally per criterion/stage/direction).

    ``parent_id`` keeps the units of one municipality, ``region_id`` those of one region (its
    municipalities, or the schools of its municipalities), ``unit_id`` one unit; the filters
    run in SQL.
    Columns: org_unit_id, name, short_name, parent_id, period, [group], expected, assessed,
    score_sum, max_sum, compliance, completeness, level, change, previous_level.
    """
    group = [GROUP_COLUMNS[by]] if by else []
    keys = ["org_unit_id", *group]
    sql = f"""
    WITH {summary_sql(group)},
    {finish(keys)}
    """
    frame = db.read(
        f"SELECT u.name, u.short_name, u.parent_id, u.ord, r.* EXCLUDE (evidenced, linked) FROM ({sql}) r "
        f"JOIN org_unit u ON u.id = r.org_unit_id ORDER BY r.period, u.ord, u.name"
        + (f", r.{group[0]}" if group else ""),
        _without_indicators(query_params(db, periods_, kind, direction, thresholds, parent_id=parent_id,
                                         region_id=region_id, unit_id=unit_id)),
    )
    return frame.drop(columns=["ord"])


def aggregate_compliance(
    db: Database,
    periods_: Iterable[int],
    *,
    kind: str = "school",
    by: Group = None,
    direction: str | None = None,
    thresholds: Thresholds | None = None,
    parent_id: str | None = None,
    region_id: str | None = None,
) -> pd.DataFrame:
    """Compliance of the units of ``kind`` pooled under each of their ancestors.

    For a municipality this is Σ score / Σ max over all its schools' assessed values: the
    "municipal average" of school compliance, weighted by what each school submitted.
    ``parent_id`` pools only that unit's children and returns its row alone; ``region_id``
    pools the region's schools (rows for the region and each of its municipalities).  Both
    keep the work to the units asked for, whatever the size of the database.
    Columns as :func:`compliance` with ``org_unit_id`` the ancestor, plus ``units`` (schools
    expected) and ``units_submitted``.
    """
    group = [GROUP_COLUMNS[by]] if by else []
    keys = ["org_unit_id", *group]
    sql = f"""
    WITH RECURSIVE closure(ancestor_id, unit_id) AS (
        SELECT parent_id, id FROM org_unit WHERE parent_id IS NOT NULL
        UNION ALL
        SELECT u.parent_id, c.unit_id FROM closure c JOIN org_unit u ON u.id = c.ancestor_id
        WHERE u.parent_id IS NOT NULL
    ),
    {summary_sql(group).replace("agg AS", "per_unit0 AS")},
    per_unit AS (SELECT * RENAME (org_unit_id AS unit_id) FROM per_unit0),
    agg AS (SELECT c.ancestor_id AS org_unit_id, period{''.join(', ' + g for g in group)},
            sum(expected) AS expected, sum(assessed) AS assessed, sum(score_sum) AS score_sum,
            sum(max_sum) AS max_sum,
            count(*) FILTER (WHERE expected > 0) AS units,
            count(*) FILTER (WHERE assessed > 0) AS units_submitted
            FROM per_unit p JOIN closure c USING (unit_id) GROUP BY ALL),
    {finish(keys)}
    """
    frame = db.read(
        f"SELECT u.name, u.short_name, u.kind AS unit_kind, u.parent_id, r.* FROM ({sql}) r "
        f"JOIN org_unit u ON u.id = r.org_unit_id "
        f"WHERE $parent IS NULL OR r.org_unit_id = $parent ORDER BY r.period, u.ord, u.name"
        + (f", r.{group[0]}" if group else ""),
        _without_indicators(query_params(db, periods_, kind, direction, thresholds, parent_id=parent_id,
                                         region_id=region_id)),
    )
    return frame


def _without_indicators(params: dict) -> dict:
    """The kept sums are per group of indicators, never per indicator: no indicator filter."""
    return {k: v for k, v in params.items() if k != "indicators"}


def completeness(db: Database, period: int, *, parent_id: str | None = None,
                 thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Per school of the period: expected, assessed, completeness and whether it submitted."""
    frame = compliance(db, [period], thresholds=thresholds)
    if parent_id is not None:
        frame = frame[frame["parent_id"] == parent_id]
    frame = frame[frame["expected"] > 0]
    out = frame[["org_unit_id", "name", "short_name", "expected", "assessed", "completeness"]].copy()
    out["submitted"] = out["assessed"] > 0
    return out.reset_index(drop=True)


def level_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many units fall in each level (every level present, zero when empty)."""
    counts = frame["level"].value_counts()
    return {level: int(counts.get(level, 0)) for level in LEVELS}
