"""The ВПР signs in the targeted recommendations (used by :mod:`measures.recommendations`).

``SIGN_CTES`` are common table expressions for the recommendations' one statement: V2's
``objectivity_sql.RESULTS`` for the school year ``$p`` and the municipality ``$m``, its thresholds
read from the ``setting`` table inside the statement (so drafting asks DuckDB nothing more),
reduced to ``vpr_signs``: per school, the list of its tests (subject, grade) with a sign, and
``vpr_summary``: how many schools have results and whether the reference is the region (so the
council's objectivity index comes with the recommendations, at no statement of its own).
``sign_items`` turns that list and the ``objectivity`` rules of the rule table (key = sign code:
high, contradiction, cohort, peak) into the basis line and the texts, naming the tests.
"""

from __future__ import annotations

import re
from dataclasses import fields

from indicators.measures.objectivity import SIGNS, ObjectivitySettings
from indicators.measures.objectivity_sql import RESULTS
from indicators.words import VPR_SIGN_LABELS, VPR_SUBJECTS

_SETTING_OF = {"min_n": ("vpr_min_participants", "min_participants"), "t": ("vpr_ci_t", "ci_t"),
               "rho_max": ("vpr_rank_corr_max", "rank_corr_max"), "iqr": ("vpr_cohort_iqr", "cohort_iqr"),
               "min_schools": ("vpr_cohort_min_schools", "cohort_min_schools"),
               "ratio": ("vpr_peak_ratio", "peak_ratio"), "peak_min": ("vpr_peak_min", "peak_min")}
_DEFAULTS = {f.name: f.default for f in fields(ObjectivitySettings)}


def _param(match: re.Match) -> str:
    name = match.group(1)
    if name == "periods":
        return "[$p]"
    if name == "mun":
        return "$m"
    if name == "region":
        return "NULL::VARCHAR"
    key, field = _SETTING_OF[name]
    return f"(SELECT coalesce(max(value), {_DEFAULTS[field]}) FROM setting WHERE key = '{key}')"


_RESULTS = re.sub(r"\$([a-z_]+)", _param, RESULTS).strip().rstrip(";")
_ANY = " OR ".join(f"sign_{s}" for s in SIGNS)
SIGN_CTES = f"""vpr_rows AS (
{_RESULTS}
),
vpr_signs AS (
    SELECT org_unit_id,
           list(struct_pack(subject := subject, grade := grade, {", ".join(f"{s} := sign_{s}" for s in SIGNS)})
                ORDER BY subject, grade) AS vpr_cells
    FROM vpr_rows
    WHERE participants >= (SELECT coalesce(max(value), {_DEFAULTS["min_participants"]}) FROM setting
                           WHERE key = 'vpr_min_participants') AND ({_ANY})
    GROUP BY org_unit_id
),
vpr_summary AS (  -- the schools with results and the reference, for the objectivity index
    SELECT count(DISTINCT org_unit_id) AS vpr_schools, coalesce(bool_or(reference = 'region'), FALSE) AS vpr_region
    FROM vpr_rows
)"""
# The same, read apart (one statement per municipality and year): the School page drafts one
# school's recommendations with its municipality's signs already read, instead of the whole
# objectivity analysis inside every one-school statement.  One row per school with a sign, plus
# one row (org_unit_id NULL) that always carries the summary.
SIGNS_APART_SQL = f"""WITH {SIGN_CTES}
SELECT v.org_unit_id, v.vpr_cells, m.vpr_schools, m.vpr_region
FROM vpr_summary m LEFT JOIN vpr_signs v ON TRUE
UNION ALL SELECT NULL, NULL, vpr_schools, vpr_region FROM vpr_summary"""
# What stands for SIGN_CTES when the signs were read apart (the frame ``vpr_given``).
GIVEN_SIGN_CTES = """vpr_signs AS (
    SELECT org_unit_id, vpr_cells FROM vpr_given WHERE org_unit_id IS NOT NULL
),
vpr_summary AS (
    SELECT max(vpr_schools) AS vpr_schools, coalesce(bool_or(vpr_region), FALSE) AS vpr_region FROM vpr_given
)"""
# The columns the recommendations' statement adds to each school's row.
SIGN_COLUMNS = """(SELECT vpr_schools FROM vpr_summary) AS vpr_schools,
       (SELECT vpr_region FROM vpr_summary) AS vpr_region"""


def _test(cell) -> str:
    return f"{VPR_SUBJECTS.get(cell['subject'], cell['subject'])}, {int(cell['grade'])} кл."


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _listed(value) -> list:
    """A DuckDB list as read (a list or an array; NULL as None, NaN or NA) as a Python list."""
    try:
        return list(value)
    except TypeError:
        return []


def sign_items(cells, rules, safe) -> tuple[str | None, list[str]]:
    """(the basis line, the recommendation texts) for a school's tests with signs."""
    cells, rules = _listed(cells), _listed(rules)
    if not cells:
        return None, []
    texts = {r["key"]: r["text"] for r in rules if r["text"]}
    where = {s: [_test(c) for c in cells if c[s]] for s in SIGNS}
    found = [s for s in SIGNS if where[s]]
    basis = "признаки необъективности ВПР: " + "; ".join(
        f"{_lower(VPR_SIGN_LABELS[s])} ({'; '.join(where[s])})" for s in found)
    items = [texts[s].format_map(safe(tests="; ".join(where[s]))) for s in found if s in texts]
    return basis, items
