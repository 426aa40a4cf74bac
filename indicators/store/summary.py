"""The compliance summary (migration 009): the per-unit, per-year sums every page reads,
rebuilt here — and only here — from the values, inside the write door's transaction.

Why a summary: a page asks the same question (how much of what was expected came in, and at
what score) for every school, year, criterion and stage, and from the facts each answer is a
join of the applicable indicators with the values.  Kept by the door, the answer is a read of
a few hundred rows.  Why here: the door knows every write, so the summary can never lag the
values it sums; ``tests/domain/store/test_summary.py`` checks it equals the sums computed from
scratch after every kind of write.

What it covers: every unit with indicators in force, for every school year from the first to
the last that holds any value (``assessment``), none when there are no values.  :func:`rebuild`
computes it whole (the demo, a generated scale, an indicator's years or group changed, an
upgraded database); :func:`refresh` recomputes the units and years a write touched, and whole
years for every unit when the range of years grew or shrank; :func:`follow` tells which, from
a batch's change log.  Whole years are inserted sorted by year, then unit: a page reads a year,
and a refresh deletes a unit's year, each through DuckDB's zone maps.  There is no index: in
DuckDB a delete and a reinsert of the same key in one transaction is fragile under one, and
the zone maps suffice.
"""

from __future__ import annotations

from typing import Iterable

import duckdb

from indicators.text import LINK_SQL

COLUMNS = ("org_unit_id", "period", "direction_id", "criterion_id", "stage",
           "expected", "assessed", "score_sum", "max_sum", "evidenced", "linked")

# The sums of one unit, year and group, from the values: the same counting as
# measures.facts.AGG_COLUMNS over facts_sql (and the evidence-link rule LINK_SQL), for the
# units in $units (NULL: every unit) and the school years in $periods.  The values are picked
# by year and unit first, as facts_sql does, so that a refresh reads one unit's rows.
FROM_SCRATCH_SQL = f"""
    SELECT x.org_unit_id, x.period, i.direction_id, i.criterion_id, i.stage,
           count(*) FILTER (WHERE NOT coalesce(a.not_applicable, FALSE))::INTEGER AS expected,
           count(a.score) FILTER (WHERE NOT coalesce(a.not_applicable, FALSE))::INTEGER AS assessed,
           sum(a.score) FILTER (WHERE NOT coalesce(a.not_applicable, FALSE)) AS score_sum,
           sum(i.max_score) FILTER (WHERE NOT coalesce(a.not_applicable, FALSE)
                                    AND a.score IS NOT NULL) AS max_sum,
           count(*) FILTER (WHERE NOT coalesce(a.not_applicable, FALSE) AND a.score > 0)::INTEGER
               AS evidenced,
           count(*) FILTER (WHERE NOT coalesce(a.not_applicable, FALSE) AND a.score > 0
                            AND {LINK_SQL.format('a.evidence_url')})::INTEGER AS linked
    FROM applicable_indicator(
             (SELECT list(id) FROM org_unit
              WHERE $units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], id)),
             $periods::INTEGER[]) x
    JOIN indicator i ON i.id = x.indicator_id
    LEFT JOIN (
        SELECT org_unit_id, indicator_id, period, score, not_applicable, evidence_url
        FROM assessment
        WHERE period BETWEEN list_min($periods::INTEGER[]) AND list_max($periods::INTEGER[])
          AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], org_unit_id))
    ) a ON a.org_unit_id = x.org_unit_id AND a.indicator_id = x.indicator_id
       AND a.period = x.period
    GROUP BY ALL
"""

_INSERT = (f"INSERT INTO compliance_summary ({', '.join(COLUMNS)}) "
           f"SELECT {', '.join(COLUMNS)} FROM ({FROM_SCRATCH_SQL})")
# Whole years go in sorted, so that DuckDB's zone maps (per row group of 122,880 rows) narrow
# a read of a year, or of a unit's year, to a row group or two; a refresh's few rows land in
# the last row group whatever their order, so they go unsorted.
_SORTED = " ORDER BY period, org_unit_id, direction_id, criterion_id, stage"


def value_range(cur: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """The first and last school year holding any value (None: no values): the summary's range."""
    lo, hi = cur.execute("SELECT min(period), max(period) FROM assessment").fetchone()
    return None if lo is None else (int(lo), int(hi))


def rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    """The whole summary from the values, for every unit and every year of the range."""
    cur.execute("DELETE FROM compliance_summary")
    years = value_range(cur)
    if years is not None:
        _fill(cur, None, range(years[0], years[1] + 1))


def refresh(cur: duckdb.DuckDBPyConnection, unit_ids: Iterable[str], periods: Iterable[int]) -> None:
    """Recompute the summary of ``unit_ids`` × ``periods`` (after a write of their values or of
    the units themselves), and follow the range of years: a year that came in is added for
    every unit, a year that no longer holds any value is dropped.  The rest is left as it is."""
    units = sorted({str(u) for u in unit_ids})
    years = value_range(cur)
    if years is None:
        cur.execute("DELETE FROM compliance_summary")
        return
    lo, hi = years
    was_lo, was_hi = cur.execute("SELECT min(period), max(period) FROM compliance_summary").fetchone()
    if was_lo is None:   # nothing summed yet (the first values, or no indicator in force)
        _fill(cur, None, range(lo, hi + 1))
        return
    if was_lo < lo or was_hi > hi:
        cur.execute("DELETE FROM compliance_summary WHERE period < ? OR period > ?", [lo, hi])
    added = [p for p in range(lo, hi + 1) if not was_lo <= p <= was_hi]
    if added:
        _fill(cur, None, added)
    kept = sorted({int(p) for p in periods if lo <= int(p) <= hi and was_lo <= int(p) <= was_hi})
    if units and kept:
        cur.execute("DELETE FROM compliance_summary s USING (SELECT unnest(?::VARCHAR[]) AS id) u "
                    "WHERE s.org_unit_id = u.id AND s.period BETWEEN ? AND ? "
                    "AND list_contains(?::INTEGER[], s.period)", [units, kept[0], kept[-1], kept])
        _fill(cur, units, kept)


def _fill(cur: duckdb.DuckDBPyConnection, units: list[str] | None, periods: Iterable[int]) -> None:
    cur.execute(_INSERT + (_SORTED if units is None else ""),
                {"units": units, "periods": [int(p) for p in periods]})


# What a change of the catalog's rows can change in the sums (the columns FROM_SCRATCH_SQL
# reads; '*' is a whole row added or deleted by the catalog sync): an indicator's change
# reaches every unit of its level, so it rebuilds; a unit's reaches that unit, every year.
# Directions and criteria are not read: a group takes its ids from the indicator.
_INDICATOR_FIELDS = ("*", "direction_id", "criterion_id", "stage", "level", "max_score",
                     "first_period", "last_period")
_UNIT_FIELDS = ("*", "kind", "opened_period", "closed_period")


def follow(cur: duckdb.DuckDBPyConnection, batch_id: int) -> str:
    """Bring the summary up to date with what batch ``batch_id`` changed, as its change log
    says (every write of a batch logs each field it changes, store/upsert.py): the units and
    years of the values (``entity_key`` 'unit|indicator|year') and, every year, the units
    whose kind or years open changed are recomputed; it is rebuilt when an indicator's
    applicability or group changed, or a value's line names no unit and year (a raw write
    logged whole).  Returns what was done — 'nothing', 'refresh' or 'rebuild' — for the
    tests and the benchmark."""
    changed = cur.execute(
        f"""
        SELECT DISTINCT entity,
               CASE WHEN entity = 'assessment'
                    THEN regexp_extract(entity_key, '^(.*)\\|[^|]*\\|[^|]*$', 1)
                    ELSE entity_key END,
               CASE WHEN entity = 'assessment'
                    THEN TRY_CAST(regexp_extract(entity_key, '\\|([^|]*)$', 1) AS INTEGER) END,
               CASE entity WHEN 'indicator' THEN list_contains({list(_INDICATOR_FIELDS)}, field)
                           WHEN 'org_unit' THEN list_contains({list(_UNIT_FIELDS)}, field)
                           ELSE TRUE END
        FROM change_log
        WHERE batch_id = ? AND entity IN ('assessment', 'org_unit', 'indicator')
        """, [int(batch_id)]).fetchall()
    units: set[str] = set()
    by_year: dict[int, set[str]] = {}
    for entity, key, year, matters in changed:
        if not matters:
            continue
        if entity == "indicator" or (entity == "assessment" and (not key or year is None)):
            rebuild(cur)
            return "rebuild"
        if entity == "org_unit":
            units.add(key)
        else:
            by_year.setdefault(year, set()).add(key)
    if not units and not by_year:
        return "nothing"
    if units:
        years = value_range(cur)
        refresh(cur, units, range(years[0], years[1] + 1) if years else ())
    for year, year_units in sorted(by_year.items()):
        refresh(cur, year_units, [year])
    return "refresh"
