"""The building blocks every measure shares: which values a unit is expected to have, and how
a set of values is classified.

*Expected* values of a unit for a period are the indicators of the unit's level in force that
period (``first_period``/``last_period``) while the unit is open; the measures, the views, the
template and the generator all read them from the ``applicable_indicator`` relation (migration
006), so the rule is written once.

The sums per unit, year and group (direction, criterion, stage) are kept by the write door in
``compliance_summary`` (migration 009, ``store/summary.py``): the measures that need no more
than those sums read them there (:func:`summary_sql`) — a municipality's few hundred rows —
and only the ones that look at single indicators join the facts (:func:`facts_sql`).
"""

from __future__ import annotations

from typing import Iterable, Literal

from indicators.measures.settings import Thresholds
from indicators.store.database import Database


# The units in scope: of one kind, under one municipality or region, or one unit.
_SCOPE_CTE = """
    scope AS (
        SELECT id FROM org_unit u
        WHERE u.kind = $kind
          AND ($parent IS NULL OR u.parent_id = $parent)
          AND ($unit IS NULL OR u.id = $unit)
          AND ($region IS NULL OR u.parent_id = $region
               OR u.parent_id IN (SELECT id FROM org_unit WHERE parent_id = $region))
    ),"""


def facts_sql() -> str:
    """Every expected (unit, indicator, period) with its score, if any.

    The units in scope are picked first and only their values are read: the join then builds
    on a municipality's (or a region's) rows, not on every value of every year in the database.
    """
    return _SCOPE_CTE + """
    facts AS (
        SELECT x.org_unit_id, x.period, i.id AS indicator_id, i.criterion_id, i.stage,
               i.direction_id, i.max_score, a.score, coalesce(a.not_applicable, FALSE) AS na,
               a.evidence_url
        FROM applicable_indicator((SELECT list(id) FROM scope), $periods::INTEGER[]) x
        JOIN indicator i ON i.id = x.indicator_id
        LEFT JOIN (
            SELECT * FROM assessment
            WHERE period BETWEEN list_min($periods::INTEGER[]) AND list_max($periods::INTEGER[])
              AND org_unit_id IN (SELECT id FROM scope)
        ) a ON a.org_unit_id = x.org_unit_id AND a.indicator_id = i.id AND a.period = x.period
        WHERE ($direction IS NULL OR i.direction_id = $direction)
          AND ($indicators IS NULL OR list_contains($indicators::VARCHAR[], i.id))
    )"""


def summary_sql(group: list[str], extra: str = "") -> str:
    """The ``scope`` of :func:`facts_sql` and ``agg``: the kept sums of each unit in scope per
    period and ``group`` columns (``criterion_id``, ``stage``, ``direction_id``), with the
    columns of :data:`AGG_COLUMNS` (and ``evidenced``, ``linked``)."""
    cols = "".join(f", {g}" for g in group)
    return _SCOPE_CTE + f"""
    agg AS ({summed(cols, "org_unit_id IN (SELECT id FROM scope)" + extra)})"""


def summed(cols: str, where: str) -> str:
    """The kept sums grouped by unit, period and ``cols`` over the rows ``where`` keeps (the
    asked school years and direction always)."""
    return f"""
        SELECT org_unit_id, period{cols},
               sum(expected)::BIGINT AS expected, sum(assessed)::BIGINT AS assessed,
               sum(score_sum) AS score_sum, sum(max_sum) AS max_sum,
               sum(evidenced)::BIGINT AS evidenced, sum(linked)::BIGINT AS linked
        FROM compliance_summary
        WHERE {where}
          AND period BETWEEN list_min($periods::INTEGER[]) AND list_max($periods::INTEGER[])
          AND list_contains($periods::INTEGER[], period)
          AND ($direction IS NULL OR direction_id = $direction)
        GROUP BY ALL"""


AGG_COLUMNS = """
    count(*) FILTER (WHERE NOT na) AS expected,
    count(score) FILTER (WHERE NOT na) AS assessed,
    sum(score) FILTER (WHERE NOT na) AS score_sum,
    sum(max_score) FILTER (WHERE NOT na AND score IS NOT NULL) AS max_sum"""

LEVEL_SQL = """
    CASE WHEN expected = 0 THEN 'not_applicable'
         WHEN assessed = 0 THEN 'no_data'
         WHEN completeness < $min_completeness THEN 'insufficient'
         WHEN compliance >= $high THEN 'high'
         WHEN compliance >= $medium THEN 'medium'
         ELSE 'low' END"""

Group = Literal["criterion", "stage", "direction"] | None
GROUP_COLUMNS = {"criterion": "criterion_id", "stage": "stage", "direction": "direction_id"}


def query_params(db: Database, periods_: Iterable[int], kind: str, direction: str | None,
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


def finish(group_cols: list[str]) -> str:
    """Compliance, completeness, level and change from an ``agg`` CTE keyed by ``group_cols``."""
    partition = ", ".join(group_cols)
    return f"""
    scored AS (
        SELECT *, score_sum / nullif(max_sum, 0) AS compliance,
               assessed::DOUBLE / nullif(expected, 0) AS completeness
        FROM agg
    ),
    levelled AS (
        SELECT *, {LEVEL_SQL} AS level,
               CASE WHEN lag(period) OVER w = period - 1
                    THEN compliance - lag(compliance) OVER w END AS change,
               CASE WHEN lag(period) OVER w = period - 1 THEN lag(level_base) OVER w END AS previous_level
        FROM (SELECT *, {LEVEL_SQL} AS level_base FROM scored)
        WINDOW w AS (PARTITION BY {partition} ORDER BY period)
    )
    SELECT * EXCLUDE (level_base) FROM levelled WHERE list_contains($wanted::INTEGER[], period)
    """


