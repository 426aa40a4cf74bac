"""The numbers behind one school's ВПР signs (the Объективность page's detail), one statement each.

* :func:`score_distribution` — how many participants scored each primary score, the mark
  boundaries marked (sign d);
* :func:`journal_vs_test` — journal mark against primary score and ВПР mark (sign b and the
  shares понизили / подтвердили / повысили);
* :func:`cohort` — the school's mean % completed by grade and year and K to the next year
  (sign c; the fences are on the row of :func:`~indicators.measures.objectivity.school_results`);
* :func:`mark_distribution` — the marks of each school beside its municipality's and region's.
"""

from __future__ import annotations

import pandas as pd

from indicators.measures.objectivity_sql import PRESENT, UNIVERSE
from indicators.store.database import Database

_KEY = "org_unit_id = $unit AND period = $period AND subject = $subject AND grade = $grade"


def score_distribution(db: Database, org_unit_id: str, period: int, subject: str, grade: int) -> pd.DataFrame:
    """Columns score, participants (present with that primary score), share, mark (the scale's
    mark of the score, NaN without a scale), boundary (the score is the lowest of mark 3, 4 or 5).
    Every score from 0 to the test's maximum when the scale is loaded, else the scores seen."""
    sql = f"""
    WITH scale AS (SELECT mark, min_score, max_score, test_max FROM vpr_scale
                   WHERE subject = $subject AND grade = $grade AND period = $period),
    seen AS (SELECT primary_score AS score, count(*) AS participants FROM vpr_participant
             WHERE {_KEY} AND NOT absent AND primary_score IS NOT NULL GROUP BY ALL),
    scores AS (SELECT score FROM seen
               UNION SELECT range::DOUBLE FROM range(0, coalesce((SELECT floor(max(test_max))::BIGINT + 1 FROM scale), 0)))
    SELECT s.score, coalesce(seen.participants, 0) AS participants,
           coalesce(seen.participants, 0) / nullif((SELECT sum(participants) FROM seen), 0) AS share,
           (SELECT max(mark) FROM scale WHERE min_score <= s.score) AS mark,
           s.score IN (SELECT min_score FROM scale WHERE mark >= 3) AS boundary
    FROM scores s LEFT JOIN seen USING (score) ORDER BY s.score
    """
    return db.read(sql, {"unit": org_unit_id, "period": int(period), "subject": subject, "grade": int(grade)})


def journal_vs_test(db: Database, org_unit_id: str, period: int, subject: str, grade: int) -> pd.DataFrame:
    """The present participants with a journal mark, grouped: journal_mark, primary_score,
    vpr_mark (NaN without a scale), participants, comparison ('lowered' | 'confirmed' | 'raised':
    the ВПР mark below, equal to or above the journal mark)."""
    sql = f"""
    WITH scale AS (SELECT mark, min_score FROM vpr_scale
                   WHERE subject = $subject AND grade = $grade AND period = $period),
    marked AS (
        SELECT journal_mark, primary_score,
               (SELECT max(mark) FROM scale WHERE min_score <= primary_score) AS vpr_mark
        FROM vpr_participant
        WHERE {_KEY} AND NOT absent AND primary_score IS NOT NULL AND journal_mark IS NOT NULL
    )
    SELECT journal_mark, primary_score, vpr_mark, count(*) AS participants,
           CASE WHEN vpr_mark < journal_mark THEN 'lowered' WHEN vpr_mark = journal_mark THEN 'confirmed'
                WHEN vpr_mark > journal_mark THEN 'raised' END AS comparison
    FROM marked GROUP BY ALL ORDER BY journal_mark, primary_score
    """
    return db.read(sql, {"unit": org_unit_id, "period": int(period), "subject": subject, "grade": int(grade)})


def cohort(db: Database, org_unit_id: str, period: int, subject: str) -> pd.DataFrame:
    """The school's cohorts in ``subject`` that start in ``period − 1`` or ``period``: one row per
    grade N of such a year Y with period, grade, participants, mean_pct (S(N, Y): mean primary
    score ÷ test_max), next_period, next_grade, next_participants, next_mean_pct (S(N+1, Y+1),
    NaN when not loaded) and k = S(N, Y) ÷ S(N+1, Y+1) (NaN when either is missing)."""
    sql = """
    WITH s AS (
        SELECT v.period, v.grade, count(*) AS participants,
               avg(v.primary_score / t.test_max) AS mean_pct
        FROM vpr_participant v
        LEFT JOIN (SELECT subject, grade, period, max(test_max) AS test_max FROM vpr_scale GROUP BY ALL) t
             ON t.subject = v.subject AND t.grade = v.grade AND t.period = v.period
        WHERE v.org_unit_id = $unit AND v.subject = $subject AND NOT v.absent
          AND v.primary_score IS NOT NULL AND v.period BETWEEN $period - 1 AND $period + 1
        GROUP BY ALL
    )
    SELECT a.period, a.grade, a.participants, a.mean_pct,
           a.period + 1 AS next_period, a.grade + 1 AS next_grade,
           b.participants AS next_participants, b.mean_pct AS next_mean_pct,
           a.mean_pct / nullif(b.mean_pct, 0) AS k
    FROM s a LEFT JOIN s b ON b.period = a.period + 1 AND b.grade = a.grade + 1
    WHERE a.period <= $period
    ORDER BY a.period, a.grade
    """
    return db.read(sql, {"unit": org_unit_id, "period": int(period), "subject": subject})


def mark_distribution(db: Database, period: int, subject: str, grade: int, *,
                      municipality_id: str | None = None, region_id: str | None = None) -> pd.DataFrame:
    """The marks of ``subject`` and ``grade`` in ``period``: one row per school of the scope
    (level 'school'), per municipality of the scope ('municipality') and per region ('region',
    all its schools, inside the scope or not).  Columns level, org_unit_id (the school, the
    municipality or the region), short_name, participants (with a mark), marks2..marks5 (shares).
    A school's marks come from its protocol (the scale's mark of each present participant), or
    from its report table when no protocol is loaded; the pools add the schools' counts."""
    sql = f"""
    WITH {UNIVERSE},
    {PRESENT},
    from_protocol AS (
        SELECT org_unit_id, count(*) FILTER (WHERE mark = 2) AS m2, count(*) FILTER (WHERE mark = 3) AS m3,
               count(*) FILTER (WHERE mark = 4) AS m4, count(*) FILTER (WHERE mark = 5) AS m5
        FROM present WHERE period = $period AND subject = $subject AND grade = $grade GROUP BY ALL
    ),
    per_school AS (
        SELECT u.id, u.short_name, u.municipality_id, u.region_id, u.in_scope,
               coalesce(p.m2, r.mark2, 0) AS m2, coalesce(p.m3, r.mark3, 0) AS m3,
               coalesce(p.m4, r.mark4, 0) AS m4, coalesce(p.m5, r.mark5, 0) AS m5
        FROM universe u
        LEFT JOIN from_protocol p ON p.org_unit_id = u.id
        LEFT JOIN vpr_school_report r ON r.org_unit_id = u.id AND p.org_unit_id IS NULL
             AND r.period = $period AND r.subject = $subject AND r.grade = $grade
        WHERE p.org_unit_id IS NOT NULL OR r.org_unit_id IS NOT NULL
    ),
    levels AS (
        SELECT CASE WHEN grouping(id) = 0 THEN 'school' WHEN grouping(municipality_id) = 0
                    THEN 'municipality' ELSE 'region' END AS level,
               coalesce(id, municipality_id, region_id) AS org_unit_id,
               bool_or(in_scope) AS in_scope,
               sum(m2) AS m2, sum(m3) AS m3, sum(m4) AS m4, sum(m5) AS m5
        FROM per_school
        GROUP BY GROUPING SETS ((region_id), (region_id, municipality_id), (region_id, municipality_id, id))
    )
    SELECT l.level, l.org_unit_id, o.short_name, l.m2 + l.m3 + l.m4 + l.m5 AS participants,
           l.m2 / nullif(participants, 0) AS marks2, l.m3 / nullif(participants, 0) AS marks3,
           l.m4 / nullif(participants, 0) AS marks4, l.m5 / nullif(participants, 0) AS marks5
    FROM levels l LEFT JOIN org_unit o ON o.id = l.org_unit_id
    WHERE l.level = 'region' OR l.in_scope
    ORDER BY CASE l.level WHEN 'school' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END, o.ord, o.short_name
    """
    return db.read(sql, {"periods": [int(period)], "period": int(period), "subject": subject,
                         "grade": int(grade), "mun": municipality_id, "region": region_id})
