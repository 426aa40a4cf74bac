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

from dataclasses import dataclass
from typing import Iterable, Literal

import pandas as pd

from .catalog import STAGES
from .db import Database

LEVELS = ("high", "medium", "low", "insufficient", "no_data")
LEVEL_LABELS = {
    "high": "Высокий",
    "medium": "Средний",
    "low": "Низкий",
    "insufficient": "Недостаточно данных",
    "no_data": "Нет данных",
}
STAGE_STATUS_LABELS = {
    "present": "есть",
    "partial": "частично",
    "missing": "нет",
    "no_data": "нет данных",
    "not_applicable": "не применяется",
}


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


def period_label(period: int) -> str:
    """2024 -> '2024/25': a period is a school year stored as its first calendar year."""
    return f"{period}/{(period + 1) % 100:02d}"


def periods(db: Database) -> list[int]:
    """The school years that have any assessment, oldest first."""
    return [r[0] for r in db.rows("SELECT DISTINCT period FROM assessment ORDER BY period")]


# -- the shared building blocks ----------------------------------------------------------------

def _facts_sql() -> str:
    """Every expected (unit, indicator, period) with its score, if any.

    The units in scope are picked first and only their values are read: the join then builds
    on a municipality's (or a region's) rows, not on every value of every year in the database.
    """
    return """
    scope AS (
        SELECT id, kind, opened_period, closed_period FROM org_unit u
        WHERE u.kind = $kind
          AND ($parent IS NULL OR u.parent_id = $parent)
          AND ($unit IS NULL OR u.id = $unit)
          AND ($region IS NULL OR u.parent_id = $region
               OR u.parent_id IN (SELECT id FROM org_unit WHERE parent_id = $region))
    ),
    facts AS (
        SELECT u.id AS org_unit_id, p.period, i.id AS indicator_id, i.criterion_id, i.stage,
               i.direction_id, i.max_score, a.score, coalesce(a.not_applicable, FALSE) AS na,
               a.evidence_url
        FROM scope u
        JOIN indicator i ON i.level = u.kind
        JOIN (SELECT unnest($periods::INTEGER[]) AS period) p
          ON p.period >= i.first_period AND (i.last_period IS NULL OR p.period <= i.last_period)
        LEFT JOIN (
            SELECT * FROM assessment
            WHERE period BETWEEN list_min($periods::INTEGER[]) AND list_max($periods::INTEGER[])
              AND org_unit_id IN (SELECT id FROM scope)
        ) a ON a.org_unit_id = u.id AND a.indicator_id = i.id AND a.period = p.period
        WHERE (u.opened_period IS NULL OR p.period >= u.opened_period)
          AND (u.closed_period IS NULL OR p.period < u.closed_period)
          AND ($direction IS NULL OR i.direction_id = $direction)
          AND ($indicators IS NULL OR list_contains($indicators::VARCHAR[], i.id))
    )"""


_AGG_COLUMNS = """
    count(*) FILTER (WHERE NOT na) AS expected,
    count(score) FILTER (WHERE NOT na) AS assessed,
    sum(score) FILTER (WHERE NOT na) AS score_sum,
    sum(max_score) FILTER (WHERE NOT na AND score IS NOT NULL) AS max_sum"""

_LEVEL_SQL = """
    CASE WHEN expected = 0 THEN 'not_applicable'
         WHEN assessed = 0 THEN 'no_data'
         WHEN completeness < $min_completeness THEN 'insufficient'
         WHEN compliance >= $high THEN 'high'
         WHEN compliance >= $medium THEN 'medium'
         ELSE 'low' END"""

Group = Literal["criterion", "stage", "direction"] | None
_GROUP_COLUMNS = {"criterion": "criterion_id", "stage": "stage", "direction": "direction_id"}


def _params(db: Database, periods_: Iterable[int], kind: str, direction: str | None,
            thresholds: Thresholds | None, indicators: Iterable[str] | None = None,
            parent_id: str | None = None, region_id: str | None = None,
            unit_id: str | None = None) -> dict:
    t = thresholds or Thresholds.from_db(db)
    wanted = sorted(set(int(p) for p in periods_))
    with_previous = sorted(set(wanted) | {p - 1 for p in wanted})
    return {
        "periods": with_previous,
        "wanted": wanted,
        "kind": kind,
        "direction": direction,
        "indicators": None if indicators is None else list(indicators),
        "parent": parent_id,
        "region": region_id,
        "unit": unit_id,
        "high": t.high,
        "medium": t.medium,
        "min_completeness": t.min_completeness,
    }


def _finish(group_cols: list[str]) -> str:
    """Compliance, completeness, level and change from an ``agg`` CTE keyed by ``group_cols``."""
    partition = ", ".join(group_cols)
    return f"""
    scored AS (
        SELECT *, score_sum / nullif(max_sum, 0) AS compliance,
               assessed::DOUBLE / nullif(expected, 0) AS completeness
        FROM agg
    ),
    levelled AS (
        SELECT *, {_LEVEL_SQL} AS level,
               CASE WHEN lag(period) OVER w = period - 1
                    THEN compliance - lag(compliance) OVER w END AS change,
               CASE WHEN lag(period) OVER w = period - 1 THEN lag(level_base) OVER w END AS previous_level
        FROM (SELECT *, {_LEVEL_SQL} AS level_base FROM scored)
        WINDOW w AS (PARTITION BY {partition} ORDER BY period)
    )
    SELECT * EXCLUDE (level_base) FROM levelled WHERE list_contains($wanted::INTEGER[], period)
    """


# -- measures ----------------------------------------------------------------------------------

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
    group = [_GROUP_COLUMNS[by]] if by else []
    keys = ["org_unit_id", *group]
    sql = f"""
    WITH {_facts_sql()},
    agg AS (SELECT org_unit_id, period{''.join(', ' + g for g in group)}, {_AGG_COLUMNS}
            FROM facts GROUP BY ALL),
    {_finish(keys)}
    """
    frame = db.read(
        f"SELECT u.name, u.short_name, u.parent_id, u.ord, r.* FROM ({sql}) r "
        f"JOIN org_unit u ON u.id = r.org_unit_id ORDER BY r.period, u.ord, u.name"
        + (f", r.{group[0]}" if group else ""),
        _params(db, periods_, kind, direction, thresholds, parent_id=parent_id, region_id=region_id,
                unit_id=unit_id),
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
    group = [_GROUP_COLUMNS[by]] if by else []
    keys = ["org_unit_id", *group]
    sql = f"""
    WITH RECURSIVE closure(ancestor_id, unit_id) AS (
        SELECT parent_id, id FROM org_unit WHERE parent_id IS NOT NULL
        UNION ALL
        SELECT u.parent_id, c.unit_id FROM closure c JOIN org_unit u ON u.id = c.ancestor_id
        WHERE u.parent_id IS NOT NULL
    ),
    {_facts_sql()},
    per_unit AS (SELECT org_unit_id AS unit_id, period{''.join(', ' + g for g in group)},
                 {_AGG_COLUMNS} FROM facts GROUP BY ALL),
    agg AS (SELECT c.ancestor_id AS org_unit_id, period{''.join(', ' + g for g in group)},
            sum(expected) AS expected, sum(assessed) AS assessed, sum(score_sum) AS score_sum,
            sum(max_sum) AS max_sum,
            count(*) FILTER (WHERE expected > 0) AS units,
            count(*) FILTER (WHERE assessed > 0) AS units_submitted
            FROM per_unit p JOIN closure c USING (unit_id) GROUP BY ALL),
    {_finish(keys)}
    """
    frame = db.read(
        f"SELECT u.name, u.short_name, u.kind AS unit_kind, u.parent_id, r.* FROM ({sql}) r "
        f"JOIN org_unit u ON u.id = r.org_unit_id "
        f"WHERE $parent IS NULL OR r.org_unit_id = $parent ORDER BY r.period, u.ord, u.name"
        + (f", r.{group[0]}" if group else ""),
        _params(db, periods_, kind, direction, thresholds, parent_id=parent_id, region_id=region_id),
    )
    return frame


def stage_status(db: Database, period: int, *, kind: str = "school",
                 direction: str | None = None, parent_id: str | None = None,
                 unit_id: str | None = None) -> pd.DataFrame:
    """Status of each management-cycle stage per unit, in cycle order, and the cycle break.

    Columns: org_unit_id, short_name, stage, stage_no (1..7), expected, assessed, score_sum,
    max_sum, status, is_break (the first stage that is missing or has no data).
    """
    stage_rows = ", ".join(f"('{s}', {n})" for n, s in enumerate(STAGES, start=1))
    sql = f"""
    WITH {_facts_sql()},
    stages(stage, stage_no) AS (VALUES {stage_rows}),
    agg AS (SELECT org_unit_id, stage, {_AGG_COLUMNS},
                   count(*) FILTER (WHERE NOT na AND score > 0) AS evidenced
            FROM facts WHERE period = $period GROUP BY ALL),
    st AS (
        SELECT a.*, s.stage_no,
          CASE WHEN expected = 0 THEN 'not_applicable'
               WHEN assessed = 0 THEN 'no_data'
               WHEN evidenced = 0 THEN 'missing'
               WHEN assessed = expected AND score_sum = max_sum THEN 'present'
               ELSE 'partial' END AS status
        FROM agg a JOIN stages s USING (stage)
    ),
    breaks AS (
        SELECT org_unit_id, min(stage_no) AS break_no FROM st
        WHERE status IN ('missing', 'no_data') GROUP BY org_unit_id
    )
    SELECT st.org_unit_id, u.short_name, st.stage, st.stage_no, st.expected, st.assessed,
           st.score_sum, st.max_sum, st.status, coalesce(st.stage_no = b.break_no, FALSE) AS is_break
    FROM st JOIN org_unit u ON u.id = st.org_unit_id
    LEFT JOIN breaks b USING (org_unit_id)
    ORDER BY u.ord, u.name, st.stage_no
    """
    params = _params(db, [period], kind, direction, None, parent_id=parent_id, unit_id=unit_id)
    params = ({k: params[k] for k in ("periods", "kind", "direction", "indicators", "parent", "region",
                                      "unit")}
              | {"period": int(period)})
    return db.read(sql, params)


def cycle_breaks(db: Database, period: int, *, kind: str = "school",
                 direction: str | None = None) -> pd.DataFrame:
    """One row per unit: the stage where its cycle first breaks (NULL: the cycle is whole)."""
    stages = stage_status(db, period, kind=kind, direction=direction)
    units = stages[["org_unit_id", "short_name"]].drop_duplicates()
    breaks = stages.loc[stages["is_break"], ["org_unit_id", "stage", "stage_no", "status"]]
    breaks = breaks.rename(columns={"stage": "break_stage", "status": "break_status"})
    return units.merge(breaks, on="org_unit_id", how="left").reset_index(drop=True)


def persistent_gaps(db: Database, period: int, *, kind: str = "school",
                    parent_id: str | None = None) -> pd.DataFrame:
    """Indicators scored 0 in ``period`` and in the year before, per unit.

    Both years must count: the indicator in force and the unit open in each of them.
    """
    return db.read(
        """
        SELECT a.org_unit_id, u.short_name, a.indicator_id, i.title, i.stage
        FROM assessment a
        JOIN assessment b ON b.org_unit_id = a.org_unit_id AND b.indicator_id = a.indicator_id
                         AND b.period = a.period - 1
        JOIN org_unit u ON u.id = a.org_unit_id
        JOIN indicator i ON i.id = a.indicator_id
        WHERE a.period = $p AND u.kind = $kind AND ($parent IS NULL OR u.parent_id = $parent)
          AND a.score = 0 AND b.score = 0 AND NOT a.not_applicable AND NOT b.not_applicable
          AND b.period >= i.first_period AND (i.last_period IS NULL OR a.period <= i.last_period)
          AND (u.opened_period IS NULL OR b.period >= u.opened_period)
          AND (u.closed_period IS NULL OR a.period < u.closed_period)
        ORDER BY u.ord, u.name, i.ord
        """,
        {"p": int(period), "kind": kind, "parent": parent_id},
    )


SELECTION_STATUSES = ("met", "partial", "not_met", "no_data", "not_applicable")


def selection_status(db: Database, periods_: Iterable[int], indicator_ids: Iterable[str], *,
                     kind: str = "school", parent_id: str | None = None,
                     per_indicator: bool = False) -> pd.DataFrame:
    """How each unit stands on a set of indicators (one indicator or a criterion), per period.

    The status reads like a cycle stage's: ``met`` (every value in, all at maximum),
    ``partial`` (some evidence, or values missing), ``not_met`` (values in, all zero),
    ``no_data`` (nothing submitted), ``not_applicable`` (none of them applies).  A unit appears
    only in the periods it was open.  ``evidenced`` counts values above zero and ``linked``
    those of them with an http(s) document link: a claim without its document is what
    "evidence coverage" shows.  With ``per_indicator`` each indicator of the set gets its own
    row (an ``indicator_id`` column).
    Columns: org_unit_id, name, short_name, period, [indicator_id], expected, assessed,
    score_sum, max_sum, evidenced, linked, status.
    """
    per = ", indicator_id" if per_indicator else ""
    sql = f"""
    WITH {_facts_sql()},
    agg AS (SELECT org_unit_id, period{per}, {_AGG_COLUMNS},
                   count(*) FILTER (WHERE NOT na AND score > 0) AS evidenced,
                   count(*) FILTER (WHERE NOT na AND score > 0
                                    AND regexp_matches(trim(evidence_url), '^(?i)https?://\\S'))
                       AS linked
            FROM facts GROUP BY ALL)
    SELECT a.org_unit_id, u.name, u.short_name, a.period{per.replace(", ", ", a.")}, a.expected,
           a.assessed, a.score_sum,
           a.max_sum, a.evidenced, a.linked,
           CASE WHEN a.expected = 0 THEN 'not_applicable'
                WHEN a.assessed = 0 THEN 'no_data'
                WHEN a.evidenced = 0 THEN 'not_met'
                WHEN a.assessed = a.expected AND a.score_sum = a.max_sum THEN 'met'
                ELSE 'partial' END AS status
    FROM agg a JOIN org_unit u ON u.id = a.org_unit_id
    WHERE list_contains($wanted::INTEGER[], a.period)
    ORDER BY a.period, u.ord, u.name{per.replace(", ", ", a.")}
    """
    params = _params(db, periods_, kind, None, None, indicators=indicator_ids, parent_id=parent_id)
    params = {k: params[k] for k in ("periods", "wanted", "kind", "direction", "indicators", "parent",
                                     "region", "unit")}
    return db.read(sql, params)


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
