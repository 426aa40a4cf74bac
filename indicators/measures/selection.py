"""One indicator (or one group of criteria) across schools and years, and the gaps that last.

How each school stands on a chosen set of indicators, per year (met / partly / not met / no
data / not applicable, with how many of its claims have a document link), and the *persistent
gaps*: an indicator scored 0 this year and the year before, both years counting only when the
indicator was in force and the school open.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from indicators.measures.facts import AGG_COLUMNS, facts_sql, query_params
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


def unlinked_values(db: Database, period: int, indicator_ids: Iterable[str], *,
                    kind: str = "school", parent_id: str | None = None) -> pd.DataFrame:
    """The values :func:`selection_status` counts in ``evidenced`` but not in ``linked``: scored
    above zero, expected that year, with no http(s) document link (``LINK_SQL``) — as the unit
    wrote it.  Their count per unit is ``evidenced - linked``, so the list and the coverage
    share can't disagree.
    Columns: org_unit_id, short_name, code, title, score, max_score, evidence_url.
    """
    sql = f"""
    WITH {facts_sql()}
    SELECT f.org_unit_id, u.short_name, f.indicator_id AS code, i.title, f.score, f.max_score,
           f.evidence_url
    FROM facts f JOIN org_unit u ON u.id = f.org_unit_id JOIN indicator i ON i.id = f.indicator_id
    WHERE list_contains($wanted::INTEGER[], f.period) AND NOT f.na AND f.score > 0
      AND NOT {LINK_SQL.format('f.evidence_url')}
    ORDER BY u.ord, u.name, i.ord, i.id
    """
    return db.read(sql, _params(db, [period], kind, indicator_ids, parent_id))


def _params(db: Database, periods_: Iterable[int], kind: str, indicator_ids: Iterable[str],
            parent_id: str | None) -> dict:
    params = query_params(db, periods_, kind, None, None, indicators=indicator_ids, parent_id=parent_id)
    return {k: params[k] for k in ("periods", "wanted", "kind", "direction", "indicators", "parent",
                                   "region", "unit")}


