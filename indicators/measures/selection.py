"""One indicator (or one group of criteria) across schools and years, and the gaps that last.

How each school stands on a chosen set of indicators, per year (met / partly / not met / no
data / not applicable, with how many of its claims have a document link), and the *persistent
gaps*: an indicator scored 0 this year and the year before, both years counting only when the
indicator was in force and the school open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from indicators.measures.facts import AGG_COLUMNS, LEVEL_SQL, facts_sql, query_params
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.text import LINK_SQL


def persistent_gaps(db: Database, period: int, *, kind: str = "school",
                    parent_id: str | None = None) -> pd.DataFrame:
    """Indicators scored 0 in ``period`` and in the year before, per unit.

    Both years must count: the indicator in force and the unit open in each of them.
    """
    return db.read(
        """
        WITH units AS (SELECT list(id) AS ids FROM org_unit
                       WHERE kind = $kind AND ($parent IS NULL OR parent_id = $parent)),
        both_years AS (  -- expected this year and the year before
            SELECT x.org_unit_id, x.indicator_id
            FROM applicable_indicator((SELECT ids FROM units), [$p - 1, $p]) x
            GROUP BY ALL HAVING count(*) = 2
        )
        SELECT a.org_unit_id, u.short_name, a.indicator_id, i.title, i.stage
        FROM both_years y
        JOIN assessment a ON a.org_unit_id = y.org_unit_id AND a.indicator_id = y.indicator_id
                         AND a.period = $p
        JOIN assessment b ON b.org_unit_id = y.org_unit_id AND b.indicator_id = y.indicator_id
                         AND b.period = $p - 1
        JOIN org_unit u ON u.id = a.org_unit_id
        JOIN indicator i ON i.id = a.indicator_id
        WHERE a.score = 0 AND b.score = 0 AND NOT a.not_applicable AND NOT b.not_applicable
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
    WITH {facts_sql()},
    agg AS (SELECT org_unit_id, period{per}, {AGG_COLUMNS},
                   count(*) FILTER (WHERE NOT na AND score > 0) AS evidenced,
                   count(*) FILTER (WHERE NOT na AND score > 0
                                    AND {LINK_SQL.format('evidence_url')})
                       AS linked
            FROM facts GROUP BY ALL)
    SELECT a.org_unit_id, u.name, u.short_name, a.period{per.replace(", ", ", a.")}, a.expected,
           a.assessed, a.score_sum,
           a.max_sum, a.evidenced, a.linked,
           set_status(a.expected, a.assessed, a.evidenced, a.score_sum, a.max_sum) AS status
    FROM agg a JOIN org_unit u ON u.id = a.org_unit_id
    WHERE list_contains($wanted::INTEGER[], a.period)
    ORDER BY a.period, u.ord, u.name{per.replace(", ", ", a.")}
    """
    return db.read(sql, _params(db, periods_, kind, indicator_ids, parent_id))


def _params(db: Database, periods_: Iterable[int], kind: str, indicator_ids: Iterable[str],
            parent_id: str | None) -> dict:
    # no level is drawn here: default thresholds, not a read of the settings
    params = query_params(db, periods_, kind, None, Thresholds(), indicators=indicator_ids,
                          parent_id=parent_id)
    return {k: params[k] for k in ("periods", "wanted", "kind", "direction", "indicators", "parent",
                                   "region", "unit")}


# -- one municipality's chosen schools, for the Indicators page ------------------------------

@dataclass(frozen=True)
class Kept:
    """The schools a page keeps: the municipality's (closed ones too), narrowed to ``ids`` (all
    when empty) and to those whose level in ``period`` (on ``direction``'s indicators) is one
    of ``levels`` (all when empty) — the sidebar's filters (``views.common.school_scope``),
    applied in SQL as the ``kept`` relation.  With no level chosen the year plays no part
    (``period`` None): the same schools every year."""
    municipality_id: str
    period: int | None = None
    ids: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    direction: str | None = None

    def params(self, thresholds: Thresholds) -> dict:
        return {"parent": self.municipality_id, "level_period": self.period, "ids": list(self.ids),
                "levels": list(self.levels), "level_direction": self.direction,
                "high": thresholds.high, "medium": thresholds.medium,
                "min_completeness": thresholds.min_completeness}


# A school's level is that of measures.compliance, from the kept summary (read only when a
# level is chosen).
KEPT_SQL = f"""
levelled AS (
    SELECT org_unit_id, {LEVEL_SQL} AS level
    FROM (SELECT *, score_sum / nullif(max_sum, 0) AS compliance,
                 assessed::DOUBLE / nullif(expected, 0) AS completeness
          FROM (SELECT org_unit_id, sum(expected) AS expected, sum(assessed) AS assessed,
                       sum(score_sum) AS score_sum, sum(max_sum) AS max_sum
                FROM compliance_summary
                WHERE len($levels::VARCHAR[]) > 0 AND period = $level_period
                  AND ($level_direction IS NULL OR direction_id = $level_direction)
                  AND org_unit_id IN (SELECT id FROM org_unit
                                      WHERE kind = 'school' AND parent_id = $parent)
                GROUP BY org_unit_id))
),
kept AS (
    SELECT u.id FROM org_unit u
    WHERE u.kind = 'school' AND u.parent_id = $parent
      AND (len($ids::VARCHAR[]) = 0 OR list_contains($ids::VARCHAR[], u.id))
      AND (len($levels::VARCHAR[]) = 0
           OR u.id IN (SELECT org_unit_id FROM levelled WHERE list_contains($levels::VARCHAR[], level)))
)"""

def kept_count(db: Database, kept: Kept, thresholds: Thresholds | None = None) -> int:
    """How many schools ``kept`` keeps — one statement (:func:`kept_status` has it too)."""
    return int(db.scalar(f"WITH {KEPT_SQL} SELECT count(*) FROM kept",
                         kept.params(thresholds or Thresholds.from_db(db))))


# Every expected value of the chosen indicators of the kept schools, in the school years asked.
_KEPT_FACTS = """
facts AS (
    SELECT x.org_unit_id, x.period, i.id AS indicator_id, i.ord, i.title, i.max_score, a.score,
           coalesce(a.not_applicable, FALSE) AS na, a.evidence_url
    FROM applicable_indicator((SELECT list(id) FROM kept), $periods::INTEGER[]) x
    JOIN indicator i ON i.id = x.indicator_id
    LEFT JOIN (SELECT * FROM assessment
               WHERE period BETWEEN list_min($periods::INTEGER[]) AND list_max($periods::INTEGER[])) a
           ON a.org_unit_id = x.org_unit_id AND a.indicator_id = i.id AND a.period = x.period
    WHERE list_contains($indicators::VARCHAR[], i.id)
)"""


def kept_status(db: Database, periods_: Iterable[int], indicator_ids: Iterable[str], kept: Kept,
                thresholds: Thresholds | None = None) -> pd.DataFrame:
    """:func:`selection_status` of the kept schools — one statement.
    Columns: org_unit_id, name, short_name, period, expected, assessed, score_sum, max_sum,
    evidenced, linked, status, kept (how many schools are kept, on every row).
    """
    sql = f"""
    WITH {KEPT_SQL}, {_KEPT_FACTS},
    agg AS (SELECT org_unit_id, period, {AGG_COLUMNS},
                   count(*) FILTER (WHERE NOT na AND score > 0) AS evidenced,
                   count(*) FILTER (WHERE NOT na AND score > 0
                                    AND {LINK_SQL.format('evidence_url')}) AS linked
            FROM facts GROUP BY ALL)
    SELECT a.org_unit_id, u.name, u.short_name, a.period, a.expected, a.assessed, a.score_sum,
           a.max_sum, a.evidenced, a.linked,
           set_status(a.expected, a.assessed, a.evidenced, a.score_sum, a.max_sum) AS status,
           (SELECT count(*) FROM kept) AS kept
    FROM agg a JOIN org_unit u ON u.id = a.org_unit_id
    ORDER BY a.period, u.ord, u.name
    """
    return db.read(sql, kept.params(thresholds or Thresholds.from_db(db)) | {
        "periods": sorted({int(p) for p in periods_}), "indicators": list(indicator_ids)})


def kept_year(db: Database, period: int, indicator_ids: Iterable[str], kept: Kept,
              thresholds: Thresholds | None = None) -> pd.DataFrame:
    """The kept schools' values of the chosen indicators in ``period`` that a page lists: the
    *gaps* (scored 0 that year and the year before, both years expected: as
    :func:`persistent_gaps`) and the *unlinked* ones: the values :func:`selection_status`
    counts in ``evidenced`` but not in ``linked`` (above zero, with no http(s) document link,
    ``LINK_SQL``), as the school wrote them, so that the list and the coverage share can't
    disagree — in catalog order, one statement.
    Columns: org_unit_id, short_name, code, title, score, max_score, evidence_url, gap, unlinked.
    """
    sql = f"""
    WITH {KEPT_SQL}, {_KEPT_FACTS},
    flagged AS (
        SELECT f.*,
               coalesce(f.score = 0 AND NOT f.na AND b.score = 0 AND NOT b.na, FALSE) AS gap,
               coalesce(NOT f.na AND f.score > 0 AND NOT {LINK_SQL.format('f.evidence_url')}, FALSE)
                   AS unlinked
        FROM facts f
        LEFT JOIN facts b ON b.org_unit_id = f.org_unit_id AND b.indicator_id = f.indicator_id
                         AND b.period = f.period - 1
        WHERE f.period = $period
    )
    SELECT f.org_unit_id, u.short_name, f.indicator_id AS code, f.title, f.score, f.max_score,
           f.evidence_url, f.gap, f.unlinked
    FROM flagged f JOIN org_unit u ON u.id = f.org_unit_id
    WHERE f.gap OR f.unlinked
    ORDER BY u.ord, u.name, f.ord, f.indicator_id
    """
    return db.read(sql, kept.params(thresholds or Thresholds.from_db(db)) | {
        "period": int(period), "periods": [int(period) - 1, int(period)],
        "indicators": list(indicator_ids)})


def kept_ranking(db: Database, period: int, kept: Kept,
                 thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Every school indicator in force in ``period`` (of ``kept.direction``), with how many
    kept schools stand in each status on it (:func:`selection_status` per indicator) and the
    share meeting it among those it applies to, least met first — one statement.
    Columns: indicator_id, label, met, partial, not_met, no_data, not_applicable, met_share.
    """
    counts = ", ".join(f"count(*) FILTER (WHERE s.status = '{s}') AS {s}" for s in SELECTION_STATUSES)
    sql = f"""
    WITH {KEPT_SQL},
    in_force AS (
        SELECT i.id, i.title, i.max_score FROM indicator i
        WHERE i.level = 'school' AND ($level_direction IS NULL OR i.direction_id = $level_direction)
          AND i.first_period <= $period AND (i.last_period IS NULL OR $period <= i.last_period)
    ),
    st AS (
        SELECT x.indicator_id, value_status(a.score, i.max_score, a.not_applicable) AS status
        FROM applicable_indicator((SELECT list(id) FROM kept), [$period]) x
        JOIN in_force i ON i.id = x.indicator_id
        LEFT JOIN (SELECT * FROM assessment WHERE period = $period) a
               ON a.org_unit_id = x.org_unit_id AND a.indicator_id = i.id
    ),
    counted AS (
        SELECT i.id AS indicator_id, i.id || ' · ' || i.title AS label, {counts}
        FROM in_force i LEFT JOIN st s ON s.indicator_id = i.id
        GROUP BY i.id, i.title
    )
    SELECT *, met / nullif(met + partial + not_met + no_data, 0) AS met_share
    FROM counted ORDER BY met_share NULLS LAST, indicator_id
    """
    return db.read(sql, kept.params(thresholds or Thresholds.from_db(db)) | {"period": int(period)})
