"""The SQL of the ВПР objectivity measures (used by :mod:`indicators.measures.objectivity`).

One statement gives every school × subject × grade of the years asked, with the numbers
behind each of Rosobrnadzor's signs.  Named parameters:

* ``$periods`` (INTEGER[]): the school years asked (the cohort sign also reads the year after);
* ``$mun`` / ``$region``: the scope (a municipality's schools, a region's, or — both NULL —
  every school); the reference pools read the whole region of the scope all the same;
* the thresholds of :class:`~indicators.measures.objectivity.ObjectivitySettings`: ``$min_n``,
  ``$t``, ``$rho_max``, ``$iqr``, ``$min_schools``, ``$ratio``, ``$peak_min``.
"""

from __future__ import annotations

# The schools with their municipality and region; ``in_scope``: the schools the answer lists.
# The universe is the scope's whole region: the reference pools and the cohort fences need it.
UNIVERSE = """
units AS (
    SELECT u.id, u.name, u.short_name, u.parent_id AS municipality_id, m.parent_id AS region_id,
           ($mun IS NULL OR u.parent_id = $mun) AND ($region IS NULL OR m.parent_id = $region) AS in_scope
    FROM org_unit u JOIN org_unit m ON m.id = u.parent_id
    WHERE u.kind = 'school'
),
universe AS (
    SELECT * FROM units
    WHERE in_scope OR region_id IN (SELECT region_id FROM units WHERE in_scope)
),
scale AS (  -- the primary score → mark scale of a test, one row: the boundaries and the maximum
    SELECT subject, grade, period, max(test_max) AS test_max,
           max(min_score) FILTER (WHERE mark = 3) AS b3,
           max(min_score) FILTER (WHERE mark = 4) AS b4,
           max(min_score) FILTER (WHERE mark = 5) AS b5
    FROM vpr_scale GROUP BY ALL
)"""

# A present participant (absent ones excluded) with the ВПР mark the scale gives the primary
# score (NULL without a scale) and the % completed (primary score ÷ the scale's test_max).
PRESENT = """
present AS (
    SELECT v.org_unit_id, v.period, v.subject, v.grade, v.journal_mark, v.primary_score AS score,
           u.municipality_id, u.region_id, u.in_scope,
           v.primary_score / s.test_max AS pct,
           CASE WHEN s.b3 IS NULL THEN NULL WHEN v.primary_score >= s.b5 THEN 5
                WHEN v.primary_score >= s.b4 THEN 4 WHEN v.primary_score >= s.b3 THEN 3 ELSE 2 END AS mark
    FROM vpr_participant v JOIN universe u ON u.id = v.org_unit_id
    LEFT JOIN scale s ON s.subject = v.subject AND s.grade = v.grade AND s.period = v.period
    WHERE NOT v.absent AND v.primary_score IS NOT NULL
      AND (list_contains($periods, v.period) OR list_contains($periods, v.period - 1))
)"""

# Mark counts and the journal comparison of a group of present participants.
MARK_COUNTS = """
           count(mark) AS n_marked,
           count(*) FILTER (WHERE mark = 2) AS m2, count(*) FILTER (WHERE mark = 3) AS m3,
           count(*) FILTER (WHERE mark = 4) AS m4, count(*) FILTER (WHERE mark = 5) AS m5,
           count(*) FILTER (WHERE mark IS NOT NULL AND journal_mark IS NOT NULL) AS n_journal,
           count(*) FILTER (WHERE mark < journal_mark) AS n_lowered,
           count(*) FILTER (WHERE mark = journal_mark) AS n_confirmed,
           count(*) FILTER (WHERE mark > journal_mark) AS n_raised"""

RESULTS = f"""
WITH {UNIVERSE},
school AS (  -- every school of the region (the reference pools and the cohort fences need them all):
             -- its present participants' sums, read straight from the table (no mark needed)
    SELECT v.org_unit_id, v.period, v.subject, v.grade,
           any_value(u.municipality_id) AS municipality_id, any_value(u.region_id) AS region_id,
           count(*) AS n, avg(v.primary_score) AS mean_score, stddev_samp(v.primary_score) AS sd,
           avg(v.primary_score / s.test_max) AS mean_pct,
           sum(v.primary_score) AS s1, sum(v.primary_score * v.primary_score) AS s2
    FROM vpr_participant v JOIN universe u ON u.id = v.org_unit_id
    LEFT JOIN scale s ON s.subject = v.subject AND s.grade = v.grade AND s.period = v.period
    WHERE (list_contains($periods, v.period) OR list_contains($periods, v.period - 1))
      AND NOT v.absent AND v.primary_score IS NOT NULL
    GROUP BY v.org_unit_id, v.period, v.subject, v.grade
),
present AS (  -- the scope's present participants of the years asked, with their ВПР mark
    SELECT v.org_unit_id, v.period, v.subject, v.grade, v.journal_mark, v.primary_score AS score,
           CASE WHEN s.b3 IS NULL THEN NULL WHEN v.primary_score >= s.b5 THEN 5
                WHEN v.primary_score >= s.b4 THEN 4 WHEN v.primary_score >= s.b3 THEN 3 ELSE 2 END AS mark
    FROM vpr_participant v JOIN universe u ON u.id = v.org_unit_id AND u.in_scope
    LEFT JOIN scale s ON s.subject = v.subject AND s.grade = v.grade AND s.period = v.period
    WHERE list_contains($periods, v.period) AND NOT v.absent AND v.primary_score IS NOT NULL
),
marks AS (  -- the mark counts only where the answer shows them: the scope's schools, the years asked
    SELECT org_unit_id, period, subject, grade,
           {MARK_COUNTS}
    FROM present GROUP BY org_unit_id, period, subject, grade
),
pooled AS (  -- all participants of a municipality / a region pooled (not the mean of school means),
             -- from the schools' sums: mean = Σx / n, sample variance = (Σx² − n·mean²) / (n − 1)
    SELECT region_id, municipality_id, period, subject, grade,
           grouping(municipality_id) AS whole_region, count(DISTINCT municipality_id) AS municipalities,
           sum(n) AS n, sum(s1) / sum(n) AS mean_score,
           sqrt(greatest(sum(s2) - sum(s1) * sum(s1) / sum(n), 0) / nullif(sum(n) - 1, 0)) AS sd
    FROM school
    GROUP BY GROUPING SETS ((region_id, period, subject, grade),
                            (region_id, municipality_id, period, subject, grade))
),
pairs AS (  -- the participants with a journal mark, grouped by (journal mark x, primary score y)
    SELECT org_unit_id, period, subject, grade, journal_mark AS x, score AS y, count(*) AS c
    FROM present WHERE journal_mark IS NOT NULL
    GROUP BY ALL
),
rank_x AS (  -- the average rank of a value: the values below it + (its ties + 1) / 2
    SELECT org_unit_id, period, subject, grade, x,
           sum(sum(c)) OVER (PARTITION BY org_unit_id, period, subject, grade ORDER BY x)
             - sum(c) + (sum(c) + 1) / 2 AS rx
    FROM pairs GROUP BY org_unit_id, period, subject, grade, x
),
rank_y AS (
    SELECT org_unit_id, period, subject, grade, y,
           sum(sum(c)) OVER (PARTITION BY org_unit_id, period, subject, grade ORDER BY y)
             - sum(c) + (sum(c) + 1) / 2 AS ry
    FROM pairs GROUP BY org_unit_id, period, subject, grade, y
),
rho AS (  -- Spearman = Pearson's correlation of the average ranks, from the grouped pairs' sums
    SELECT org_unit_id, period, subject, grade, sum(c) AS n_pairs,
           CASE WHEN sum(c) >= $min_n AND min(x) < max(x) AND min(y) < max(y) THEN
                (sum(c) * sum(c * rx * ry) - sum(c * rx) * sum(c * ry))
                / sqrt((sum(c) * sum(c * rx * rx) - sum(c * rx) ^ 2)
                       * (sum(c) * sum(c * ry * ry) - sum(c * ry) ^ 2)) END AS spearman
    FROM pairs JOIN rank_x USING (org_unit_id, period, subject, grade, x)
               JOIN rank_y USING (org_unit_id, period, subject, grade, y)
    GROUP BY ALL
),
hist AS (
    SELECT org_unit_id, period, subject, grade, score, count(*) AS c
    FROM present GROUP BY ALL
),
at_bound AS (  -- each mark boundary b (min_score of 3, 4, 5): the count at b and at b−1, b−2
    SELECT h.org_unit_id, h.period, h.subject, h.grade, sc.mark, sc.min_score AS b,
           coalesce(sum(h.c) FILTER (WHERE h.score = sc.min_score), 0) AS at_b,
           coalesce(sum(h.c) FILTER (WHERE h.score < sc.min_score), 0) / 2 AS below
    FROM hist h JOIN vpr_scale sc ON sc.subject = h.subject AND sc.grade = h.grade
         AND sc.period = h.period AND sc.mark >= 3
         AND h.score BETWEEN sc.min_score - 2 AND sc.min_score
    GROUP BY ALL
),
peak AS (
    SELECT org_unit_id, period, subject, grade,
           arg_max(struct_pack(b, mark, at_b, below, excess),
                   struct_pack(f := flagged, e := excess, lo := -b)) AS top,  -- ties: the lowest boundary
           bool_or(flagged) AS flagged
    FROM (SELECT *, (at_b + 1) / (below + 1) AS excess,
                 at_b >= $peak_min AND (at_b + 1) / (below + 1) >= $ratio AS flagged
          FROM at_bound)
    GROUP BY ALL
),
kk AS (  -- K = S(N, Y) / S(N+1, Y+1): the same school, subject and cohort a year later
    SELECT a.org_unit_id, a.period, a.subject, a.grade, a.region_id, a.municipality_id,
           a.mean_pct AS s_this, b.mean_pct AS s_next,
           CASE WHEN a.n >= $min_n AND b.n >= $min_n AND b.mean_pct > 0
                THEN a.mean_pct / b.mean_pct END AS k
    FROM school a JOIN school b ON b.org_unit_id = a.org_unit_id AND b.subject = a.subject
         AND b.period = a.period + 1 AND b.grade = a.grade + 1
    WHERE list_contains($periods, a.period)
),
fences AS (
    SELECT region_id, municipality_id, period, subject, grade,
           grouping(municipality_id) AS whole_region, count(k) AS schools,
           quantile_cont(k, 0.25) AS q1, quantile_cont(k, 0.75) AS q3
    FROM kk
    GROUP BY GROUPING SETS ((region_id, period, subject, grade),
                            (region_id, municipality_id, period, subject, grade))
),
keys AS (
    SELECT org_unit_id, period, subject, grade FROM school WHERE list_contains($periods, period)
    UNION
    SELECT org_unit_id, period, subject, grade FROM vpr_school_report WHERE list_contains($periods, period)
),
joined AS (
    SELECT u.id AS org_unit_id, u.name, u.short_name, u.municipality_id, k.period, k.subject, k.grade,
           sc.n IS NOT NULL AS protocol,
           coalesce(sc.n, r.participants) AS participants,
           sc.mean_score, sc.mean_pct, sc.sd,
           sc.mean_score - $t * sc.sd / sqrt(sc.n) AS ci_low,
           sc.mean_score + $t * sc.sd / sqrt(sc.n) AS ci_high,
           CASE WHEN coalesce(rg.municipalities, 0) > 1 THEN 'region' ELSE 'municipality' END AS reference,
           (CASE WHEN coalesce(rg.municipalities, 0) > 1 THEN rg.n ELSE mu.n END)::BIGINT AS ref_n,
           CASE WHEN coalesce(rg.municipalities, 0) > 1 THEN rg.mean_score ELSE mu.mean_score END AS ref_mean,
           CASE WHEN coalesce(rg.municipalities, 0) > 1 THEN rg.sd ELSE mu.sd END AS ref_sd,
           rho.spearman, rho.n_pairs,
           kk.k, kk.s_this, kk.s_next,
           CASE WHEN coalesce(rg.municipalities, 0) > 1 THEN fr.schools ELSE fm.schools END AS k_schools,
           CASE WHEN coalesce(rg.municipalities, 0) > 1 THEN fr.q1 ELSE fm.q1 END AS q1,
           CASE WHEN coalesce(rg.municipalities, 0) > 1 THEN fr.q3 ELSE fm.q3 END AS q3,
           peak.top, coalesce(peak.flagged, FALSE) AS peak_flagged,
           mk.n_marked, mk.m2, mk.m3, mk.m4, mk.m5, mk.n_journal, mk.n_lowered, mk.n_confirmed, mk.n_raised,
           r.mark2, r.mark3, r.mark4, r.mark5, r.lowered AS r_lowered, r.confirmed AS r_confirmed,
           r.raised AS r_raised
    FROM keys k JOIN units u ON u.id = k.org_unit_id AND u.in_scope
    LEFT JOIN school sc ON sc.org_unit_id = k.org_unit_id AND sc.period = k.period
         AND sc.subject = k.subject AND sc.grade = k.grade
    LEFT JOIN marks mk ON mk.org_unit_id = k.org_unit_id AND mk.period = k.period
         AND mk.subject = k.subject AND mk.grade = k.grade
    LEFT JOIN vpr_school_report r ON r.org_unit_id = k.org_unit_id AND r.period = k.period
         AND r.subject = k.subject AND r.grade = k.grade
    LEFT JOIN pooled rg ON rg.whole_region = 1 AND rg.region_id IS NOT DISTINCT FROM u.region_id
         AND rg.period = k.period AND rg.subject = k.subject AND rg.grade = k.grade
    LEFT JOIN pooled mu ON mu.whole_region = 0 AND mu.municipality_id = u.municipality_id
         AND mu.period = k.period AND mu.subject = k.subject AND mu.grade = k.grade
    LEFT JOIN rho ON rho.org_unit_id = k.org_unit_id AND rho.period = k.period
         AND rho.subject = k.subject AND rho.grade = k.grade
    LEFT JOIN peak ON peak.org_unit_id = k.org_unit_id AND peak.period = k.period
         AND peak.subject = k.subject AND peak.grade = k.grade
    LEFT JOIN kk ON kk.org_unit_id = k.org_unit_id AND kk.period = k.period
         AND kk.subject = k.subject AND kk.grade = k.grade
    LEFT JOIN fences fr ON fr.whole_region = 1 AND fr.region_id IS NOT DISTINCT FROM u.region_id
         AND fr.period = k.period AND fr.subject = k.subject AND fr.grade = k.grade
    LEFT JOIN fences fm ON fm.whole_region = 0 AND fm.municipality_id = u.municipality_id
         AND fm.period = k.period AND fm.subject = k.subject AND fm.grade = k.grade
),
judged AS (
    SELECT *, NOT protocol OR participants < $min_n AS unjudged,  -- no sign on noise or without a protocol
           ref_mean - $t * ref_sd / sqrt(ref_n) AS ref_ci_low,
           ref_mean + $t * ref_sd / sqrt(ref_n) AS ref_ci_high,
           CASE WHEN k_schools >= $min_schools THEN q1 - $iqr * (q3 - q1) END AS k_low,
           CASE WHEN k_schools >= $min_schools THEN q3 + $iqr * (q3 - q1) END AS k_high
    FROM joined
)
SELECT org_unit_id, name, short_name, municipality_id, period, subject, grade, protocol, participants,
       coalesce(participants, 0) < $min_n AS small,
       mean_score, mean_pct, sd, ci_low, ci_high, reference, ref_n, ref_mean, ref_ci_low, ref_ci_high,
       coalesce(NOT unjudged AND ci_low > ref_ci_high, FALSE) AS sign_high,
       spearman, n_pairs, coalesce(NOT unjudged AND spearman < $rho_max, FALSE) AS sign_contradiction,
       k, s_this, s_next, k_low, k_high, k_schools,
       coalesce(NOT unjudged AND (k > k_high OR k < k_low), FALSE) AS sign_cohort,
       CASE WHEN unjudged THEN NULL WHEN k > k_high THEN 'drop' WHEN k < k_low THEN 'rise' END AS cohort_direction,
       top.b AS peak_score, top.mark AS peak_mark, top.at_b AS peak_count, top.below AS peak_below,
       top.excess AS peak_excess, NOT unjudged AND peak_flagged AS sign_peak,
       CASE WHEN protocol THEN n_lowered / nullif(n_journal, 0)
            ELSE r_lowered / nullif(r_lowered + r_confirmed + r_raised, 0) END AS lowered,
       CASE WHEN protocol THEN n_confirmed / nullif(n_journal, 0)
            ELSE r_confirmed / nullif(r_lowered + r_confirmed + r_raised, 0) END AS confirmed,
       CASE WHEN protocol THEN n_raised / nullif(n_journal, 0)
            ELSE r_raised / nullif(r_lowered + r_confirmed + r_raised, 0) END AS raised,
       CASE WHEN protocol THEN m2 / nullif(n_marked, 0)
            ELSE mark2 / nullif(mark2 + mark3 + mark4 + mark5, 0) END AS marks2,
       CASE WHEN protocol THEN m3 / nullif(n_marked, 0)
            ELSE mark3 / nullif(mark2 + mark3 + mark4 + mark5, 0) END AS marks3,
       CASE WHEN protocol THEN m4 / nullif(n_marked, 0)
            ELSE mark4 / nullif(mark2 + mark3 + mark4 + mark5, 0) END AS marks4,
       CASE WHEN protocol THEN m5 / nullif(n_marked, 0)
            ELSE mark5 / nullif(mark2 + mark3 + mark4 + mark5, 0) END AS marks5
FROM judged
ORDER BY period, municipality_id, short_name, org_unit_id, subject, grade
"""
