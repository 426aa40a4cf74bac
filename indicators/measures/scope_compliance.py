"""Everything a page shows of one municipality (or one region) in one statement: each school,
each department and the schools pooled under each municipality and the region.

The pages used to ask :func:`~indicators.measures.compliance.compliance` three or four times
per view (the schools, the department, the municipal average, the region's) — each one a query.
Here the kept sums (``compliance_summary``) of every unit in scope are read once and pooled
with ``GROUPING SETS``; the same level and change rules (:func:`~indicators.measures.facts.finish`)
apply to every row, so a number here is the number the single-purpose measures give (the tests
check both ways).
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from indicators.measures.facts import GROUP_COLUMNS, Group, finish, query_params, summed
from indicators.measures.settings import Thresholds
from indicators.store.database import Database

ROLES = ("school", "department", "pooled")


def scope_compliance(db: Database, periods_: Iterable[int], *, parent_id: str | None = None,
                     region_id: str | None = None, by: Group = None, direction: str | None = None,
                     thresholds: Thresholds | None = None, totals: bool = False) -> pd.DataFrame:
    """Compliance of every unit under ``parent_id`` (a municipality) or ``region_id`` (a region;
    neither: the whole database), one row per unit, period and ``by`` group, with ``role``:

    * ``school``: a school's own values;
    * ``department``: a municipality's own (municipal-level) values;
    * ``pooled``: the schools of a municipality — and, for a region or the whole database, of
      each region — pooled: Σ score / Σ max of all their values, with ``units`` (schools
      expected) and ``units_submitted``, as :func:`aggregate_compliance` has it.

    With ``by`` and ``totals``, each unit's rows over all groups come too, the group column
    empty (NULL): a page that shows both reads them in one statement.
    Columns as :func:`~indicators.measures.compliance.compliance` plus role, kind, units,
    units_submitted (and, by criterion, the criterion's title and ord).
    """
    group = [GROUP_COLUMNS[by]] if by else []
    cols = "".join(f", {g}" for g in group)
    per_unit = summed(cols, "org_unit_id IN (SELECT id FROM scope)")
    if group and totals:  # the unit's totals beside its groups: the group column NULL
        per_unit = per_unit.replace("GROUP BY ALL", f"GROUP BY GROUPING SETS ((org_unit_id, period), "
                                                    f"(org_unit_id, period{cols}))")
    sql = f"""
    WITH scope AS (
        SELECT u.id, u.kind, u.parent_id AS muni_id, m.parent_id AS region_id
        FROM org_unit u JOIN org_unit m ON m.id = u.parent_id
        WHERE u.kind = 'school' AND ($parent IS NULL OR u.parent_id = $parent)
          AND ($region IS NULL OR m.parent_id = $region)
        UNION ALL
        SELECT u.id, u.kind, u.id, u.parent_id FROM org_unit u
        WHERE u.kind = 'municipality' AND ($parent IS NULL OR u.id = $parent)
          AND ($region IS NULL OR u.parent_id = $region)
    ),
    per_unit AS ({per_unit}),
    pools AS (
        SELECT CASE WHEN grouping(s.muni_id) = 0 THEN s.muni_id ELSE s.region_id END AS org_unit_id,
               p.period{cols.replace(", ", ", p.")},
               sum(p.expected)::BIGINT AS expected, sum(p.assessed)::BIGINT AS assessed,
               sum(p.score_sum) AS score_sum, sum(p.max_sum) AS max_sum,
               count(*) FILTER (WHERE p.expected > 0) AS units,
               count(*) FILTER (WHERE p.assessed > 0) AS units_submitted
        FROM per_unit p JOIN scope s ON s.id = p.org_unit_id AND s.kind = 'school'
        GROUP BY GROUPING SETS ((s.muni_id, p.period{cols.replace(", ", ", p.")}),
                                (s.region_id, p.period{cols.replace(", ", ", p.")}))
        HAVING grouping(s.muni_id) = 0 OR $parent IS NULL
    ),
    agg AS (
        SELECT CASE s.kind WHEN 'school' THEN 'school' ELSE 'department' END AS role,
               p.org_unit_id, p.period{cols.replace(", ", ", p.")}, p.expected, p.assessed,
               p.score_sum, p.max_sum, NULL::BIGINT AS units, NULL::BIGINT AS units_submitted
        FROM per_unit p JOIN scope s ON s.id = p.org_unit_id
        UNION ALL
        SELECT 'pooled', org_unit_id, period{cols}, expected, assessed, score_sum, max_sum, units,
               units_submitted
        FROM pools
    ),
    {finish(["role", "org_unit_id", *group])}
    """
    titles = (", c.title AS criterion, c.ord AS criterion_ord" if by == "criterion" else "")
    joins = ("LEFT JOIN criterion c ON c.id = r.criterion_id" if by == "criterion" else "")
    params = query_params(db, periods_, "school", direction, thresholds, parent_id=parent_id,
                          region_id=region_id)
    params = {k: params[k] for k in ("periods", "wanted", "direction", "parent", "region", "high",
                                     "medium", "min_completeness")}
    return db.read(
        f"SELECT u.name, u.short_name, u.kind, u.parent_id, r.*{titles} FROM ({sql}) r "
        f"JOIN org_unit u ON u.id = r.org_unit_id {joins} "
        f"ORDER BY r.role DESC, r.period, u.ord, u.name" + (f", r.{group[0]}" if group else ""),
        params)


def of_role(frame: pd.DataFrame, role: str) -> pd.DataFrame:
    """The rows of one role, without it (the frame a single-purpose measure would return)."""
    return frame[frame["role"] == role].drop(columns=["role"]).reset_index(drop=True)
