"""The minimal-SQL floor of Обзор and Школа: the fewest queries on the raw tables (org_unit,
indicator, assessment, and the criterion titles) — never a summary the product keeps — that
compute the numbers the page shows for one selection, and a check that they are the numbers
the product's views return (so that the floor is honest: it does the same work).

* Обзор (one statement): every school's expected, assessed, Σ score, Σ max, compliance,
  completeness and level for the year; the same pooled over the municipality's schools; and
  school × criterion compliance.
* Школа (two statements): the school's compliance, completeness and level per school year with
  the municipal average beside it, its per-criterion compliance with the municipality's and its
  seven cycle stages (sums and status) for the year; then its indicator list for the year (score,
  status, evidence, comment, and whether it is a persistent gap: scored 0 this year and last).

Left out, as the brief says: the change against last year, the department's own indicators,
the roadmap events linked to an indicator, the recommendations.
"""

from __future__ import annotations

import math

import pandas as pd

from indicators.catalog.tables import STAGES
from indicators.measures.settings import Thresholds
from indicators.views.overview import overview
from indicators.views.school import school_profile
from indicators.views.scope import Scope

SUMS = """
    count(*) FILTER (WHERE NOT na) AS expected,
    count(score) FILTER (WHERE NOT na) AS assessed,
    sum(score) FILTER (WHERE NOT na) AS score_sum,
    sum(max_score) FILTER (WHERE NOT na AND score IS NOT NULL) AS max_sum"""

RATIOS = """
    score_sum / nullif(max_sum, 0) AS compliance,
    assessed::DOUBLE / nullif(expected, 0) AS completeness,
    CASE WHEN expected = 0 THEN 'not_applicable'
         WHEN assessed = 0 THEN 'no_data'
         WHEN assessed::DOUBLE / expected < $min_completeness THEN 'insufficient'
         WHEN score_sum / max_sum >= $high THEN 'high'
         WHEN score_sum / max_sum >= $medium THEN 'medium'
         ELSE 'low' END AS level"""

# What each school of the municipality is expected to have in the years asked for: the school
# indicators in force each year, while the school is open.
FACTS = """
    facts AS (
        SELECT u.id AS school, y.period, i.criterion_id, i.stage, i.max_score, a.score,
               coalesce(a.not_applicable, FALSE) AS na
        FROM org_unit u
        JOIN (SELECT unnest($years::INTEGER[]) AS period) y
          ON (u.opened_period IS NULL OR y.period >= u.opened_period)
         AND (u.closed_period IS NULL OR y.period < u.closed_period)
        JOIN indicator i ON i.level = 'school' AND y.period >= i.first_period
                        AND (i.last_period IS NULL OR y.period <= i.last_period)
        LEFT JOIN (SELECT * FROM assessment  -- only the municipality's values, those years
                   WHERE org_unit_id IN (SELECT id FROM org_unit WHERE parent_id = $m)
                     AND list_contains($years::INTEGER[], period)) a
               ON a.org_unit_id = u.id AND a.indicator_id = i.id AND a.period = y.period
        WHERE u.kind = 'school' AND u.parent_id = $m
    )"""

# The finest sums once, then each part the page shows rolled up from them (the counts and sums
# add up); cheaper in DuckDB than GROUPING SETS over the facts.
ROLL = """sum(expected) AS expected, sum(assessed) AS assessed, sum(score_sum) AS score_sum,
          sum(max_sum) AS max_sum"""

OVERVIEW_SQL = f"""
    WITH {FACTS},
    cells AS (SELECT school, criterion_id, {SUMS} FROM facts GROUP BY ALL),
    parts AS (
        SELECT 'criterion' AS part, school, criterion_id, expected, assessed, score_sum, max_sum
        FROM cells
        UNION ALL SELECT 'school', school, NULL, {ROLL} FROM cells GROUP BY school
        UNION ALL SELECT 'municipality', NULL, NULL, {ROLL} FROM cells
    )
    SELECT *, {RATIOS} FROM parts
"""

SCHOOL_SQL = f"""
    WITH {FACTS},
    cells AS (SELECT school = $s AS mine, period, criterion_id, stage, {SUMS},
                     count(*) FILTER (WHERE NOT na AND score > 0) AS evidenced
              FROM facts GROUP BY ALL),
    parts AS (
        SELECT 'history' AS part, period, NULL AS criterion_id, NULL AS stage, {ROLL},
               sum(evidenced) AS evidenced FROM cells WHERE mine GROUP BY period
        UNION ALL SELECT 'municipal', period, NULL, NULL, {ROLL}, sum(evidenced)
                  FROM cells GROUP BY period
        UNION ALL SELECT 'criterion', NULL, criterion_id, NULL, {ROLL}, sum(evidenced)
                  FROM cells WHERE mine AND period = $p GROUP BY criterion_id
        UNION ALL SELECT 'criterion_municipal', NULL, criterion_id, NULL, {ROLL}, sum(evidenced)
                  FROM cells WHERE period = $p GROUP BY criterion_id
        UNION ALL SELECT 'stage', NULL, NULL, stage, {ROLL}, sum(evidenced)
                  FROM cells WHERE mine AND period = $p GROUP BY stage
    )
    SELECT *, {RATIOS},
           CASE WHEN expected = 0 THEN 'not_applicable' WHEN assessed = 0 THEN 'no_data'
                WHEN evidenced = 0 THEN 'missing'
                WHEN assessed = expected AND score_sum = max_sum THEN 'present'
                ELSE 'partial' END AS stage_status
    FROM parts
"""

INDICATORS_SQL = """
    SELECT i.id AS code, i.title, i.stage, c.title AS criterion, i.max_score, a.score,
           coalesce(a.not_applicable, FALSE) AS na, a.evidence_url, a.comment,
           CASE WHEN coalesce(a.not_applicable, FALSE) THEN 'not_applicable'
                WHEN a.score IS NULL THEN 'no_data' WHEN a.score <= 0 THEN 'not_met'
                WHEN a.score = i.max_score THEN 'met' ELSE 'partial' END AS status,
           coalesce(a.score = 0 AND NOT a.not_applicable AND b.score = 0 AND NOT b.not_applicable
                    AND i.first_period <= $p - 1
                    AND (u.opened_period IS NULL OR u.opened_period <= $p - 1), FALSE) AS gap
    FROM org_unit u
    JOIN indicator i ON i.level = u.kind AND i.first_period <= $p
                    AND (i.last_period IS NULL OR $p <= i.last_period)
    JOIN criterion c ON c.id = i.criterion_id
    LEFT JOIN (SELECT * FROM assessment WHERE org_unit_id = $s AND period = $p) a ON a.indicator_id = i.id
    LEFT JOIN (SELECT * FROM assessment WHERE org_unit_id = $s AND period = $p - 1) b ON b.indicator_id = i.id
    WHERE u.id = $s AND (u.opened_period IS NULL OR u.opened_period <= $p)
      AND (u.closed_period IS NULL OR $p < u.closed_period)
    ORDER BY i.ord, i.id
"""

STATEMENTS = {"overview": 1, "school": 2}


def _levels(t: Thresholds) -> dict:
    return {"high": t.high, "medium": t.medium, "min_completeness": t.min_completeness}


def overview_sql(db, t: Thresholds, municipality_id: str, period: int) -> pd.DataFrame:
    return db.read(OVERVIEW_SQL, {"m": municipality_id, "years": [int(period)]} | _levels(t))


def school_sql(db, t: Thresholds, municipality_id: str, school_id: str, period: int,
               years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    sums = db.read(SCHOOL_SQL, {"m": municipality_id, "s": school_id, "p": int(period),
                                "years": [int(y) for y in years]} | _levels(t))
    return sums, db.read(INDICATORS_SQL, {"s": school_id, "p": int(period)})


# -- the check: the same numbers as the product's views --------------------------------------

def _same(left: pd.Series, right: pd.Series, what: str) -> None:
    left, right = list(left), list(right)
    assert len(left) == len(right), f"{what}: {len(left)} rows against the product's {len(right)}"
    for a, b in zip(left, right):
        missing_a = a is None or (isinstance(a, float) and math.isnan(a))
        missing_b = b is None or (isinstance(b, float) and math.isnan(b))
        if missing_a or missing_b:
            assert missing_a and missing_b, f"{what}: {a!r} against the product's {b!r}"
        elif isinstance(a, float) or isinstance(b, float):
            assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12), f"{what}: {a} ≠ {b}"
        else:
            assert a == b, f"{what}: {a!r} against the product's {b!r}"


def check_overview(db, t: Thresholds, scope: Scope, found: pd.DataFrame) -> None:
    """The minimal query's numbers are the Overview view's (every school, the municipality, and
    the school × criterion cells the view keeps)."""
    view = overview(db, scope, t)
    mine = found[found["part"] == "school"].set_index("school")
    theirs = view.schools.set_index("org_unit_id")
    assert set(mine.index) == set(theirs.index), "the schools differ from the Overview's"
    for column in ("expected", "assessed", "compliance", "completeness", "level"):
        _same(mine.loc[theirs.index, column], theirs[column], f"Обзор, schools' {column}")
    pooled = found[found["part"] == "municipality"].iloc[0]
    for column in ("compliance", "completeness", "level"):
        _same([pooled[column]], [view.municipality[column]], f"Обзор, municipal {column}")
    cells = found[found["part"] == "criterion"].set_index(["school", "criterion_id"])
    shown = view.by_criterion.set_index(["org_unit_id", "criterion_id"])
    _same(cells.loc[shown.index, "compliance"], shown["compliance"], "Обзор, school × criterion")


def check_school(db, t: Thresholds, scope: Scope, school_id: str,
                 found: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """The minimal queries' numbers are the School view's: history with the municipal average,
    criteria against the municipality, the stages, the indicator list."""
    sums, indicators = found
    view = school_profile(db, scope, school_id, t)
    history = sums[sums["part"] == "history"].set_index("period").sort_index()
    municipal = sums[sums["part"] == "municipal"].set_index("period")["compliance"]
    theirs = view.history.set_index("period").sort_index()
    assert list(history.index) == list(theirs.index), "Школа: the years of the history differ"
    for column in ("compliance", "completeness", "level"):
        _same(history[column], theirs[column], f"Школа, history {column}")
    _same(municipal.loc[theirs.index], theirs["municipal"], "Школа, municipal average")
    crit = sums[sums["part"] == "criterion"].set_index("criterion_id")
    pooled = sums[sums["part"] == "criterion_municipal"].set_index("criterion_id")["compliance"]
    shown = view.by_criterion.set_index("criterion_id")
    assert set(crit.index) == set(shown.index), "Школа: the criteria differ"
    _same(crit.loc[shown.index, "compliance"], shown["school"], "Школа, criterion")
    _same(pooled.loc[shown.index], shown["municipal"], "Школа, criterion's municipal average")
    stages = sums[sums["part"] == "stage"].set_index("stage")
    theirs = view.stages.set_index("stage")
    assert set(stages.index) == set(theirs.index), "Школа: the stages differ"
    for column in ("expected", "assessed", "score_sum", "max_sum"):
        _same(stages.loc[theirs.index, column], theirs[column], f"Школа, stage {column}")
    _same(stages.loc[theirs.index, "stage_status"], theirs["status"], "Школа, stage status")
    broken = [s for s in STAGES if s in stages.index and stages.loc[s, "stage_status"] in ("missing", "no_data")]
    _same(list(theirs.index[theirs["is_break"]]), broken[:1], "Школа, cycle break")
    table = view.indicators
    _same(indicators["code"], table["Код"], "Школа, indicator list")
    _same(indicators["status"], table["status"], "Школа, indicator status")
    _same(indicators["score"], table["Балл"], "Школа, indicator score")
    _same(indicators["gap"], table["Два года подряд не выполняется"] == "да", "Школа, persistent gaps")
