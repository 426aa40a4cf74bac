"""The management cycle of each unit: the status of each of its seven stages (goal → monitoring
→ analysis → recommendations → measures → decisions → effectiveness) and where it first breaks.

A stage is *present* when all its values are in at their maximum, *partial* with some evidence,
*missing* when assessed with no evidence at all, *no data* when nothing came in — the same
classification as any set of values (``set_status``), in the stage's own words.  The *break*
is the first stage, in cycle order, that is missing or has no data: where a head of department
looks first.
"""

from __future__ import annotations

import pandas as pd

from indicators.catalog.tables import STAGES
from indicators.measures.facts import summary_sql
from indicators.store.database import Database


def stage_status(db: Database, period: int, *, kind: str = "school",
                 direction: str | None = None, parent_id: str | None = None,
                 unit_id: str | None = None) -> pd.DataFrame:
    """Status of each management-cycle stage per unit, in cycle order, and the cycle break.

    Columns: org_unit_id, short_name, stage, stage_no (1..7), expected, assessed, score_sum,
    max_sum, status, is_break (the first stage that is missing or has no data).
    """
    return stage_status_years(db, [period], kind=kind, direction=direction, parent_id=parent_id,
                              unit_id=unit_id).drop(columns=["period"])


def stage_ctes(source: str) -> str:
    """The cycle's rule as SQL: from ``source`` (org_unit_id, period, stage, expected, assessed,
    score_sum, max_sum, evidenced) the CTEs ``st`` (each stage's status and number) and
    ``breaks`` (each unit and year's first stage that is missing or has no data) — for a query
    that needs the stages beside other sums (the School page's one statement)."""
    stage_rows = ", ".join(f"('{s}', {n})" for n, s in enumerate(STAGES, start=1))
    return f"""
    stages(stage, stage_no) AS (VALUES {stage_rows}),
    st AS (
        SELECT a.*, s.stage_no,
          -- the stage's words for the same classification: met = present, not met = missing
          CASE set_status(expected, assessed, evidenced, score_sum, max_sum)
               WHEN 'met' THEN 'present' WHEN 'not_met' THEN 'missing'
               ELSE set_status(expected, assessed, evidenced, score_sum, max_sum) END AS status
        FROM {source} a JOIN stages s USING (stage)
    ),
    breaks AS (
        SELECT org_unit_id, period, min(stage_no) AS break_no FROM st
        WHERE status IN ('missing', 'no_data') GROUP BY org_unit_id, period
    )"""


# The columns of a stage row, from ``st`` joined with ``breaks`` (alias b).
STAGE_COLUMNS = ("st.period, st.org_unit_id, st.stage, st.stage_no, st.expected, st.assessed, "
                 "st.score_sum, st.max_sum, st.status, coalesce(st.stage_no = b.break_no, FALSE) AS is_break")


def stage_status_years(db: Database, periods: list[int], *, kind: str = "school",
                       direction: str | None = None, parent_id: str | None = None,
                       unit_id: str | None = None) -> pd.DataFrame:
    """:func:`stage_status` for several school years in one statement (a ``period`` column
    first): a page can hold a unit's every year and show any."""
    sql = f"""
    WITH {summary_sql(["stage"])},
    {stage_ctes("agg")}
    SELECT {STAGE_COLUMNS.replace("st.org_unit_id,", "st.org_unit_id, u.short_name,")}
    FROM st JOIN org_unit u ON u.id = st.org_unit_id
    LEFT JOIN breaks b USING (org_unit_id, period)
    ORDER BY st.period, u.ord, u.name, st.stage_no
    """
    params = {"kind": kind, "direction": direction, "parent": parent_id, "region": None,
              "unit": unit_id, "periods": sorted({int(p) for p in periods})}
    return db.read(sql, params)


def cycle_breaks(db: Database, period: int, *, kind: str = "school",
                 direction: str | None = None) -> pd.DataFrame:
    """One row per unit: the stage where its cycle first breaks (NULL: the cycle is whole)."""
    stages = stage_status(db, period, kind=kind, direction=direction)
    units = stages[["org_unit_id", "short_name"]].drop_duplicates()
    breaks = stages.loc[stages["is_break"], ["org_unit_id", "stage", "stage_no", "status"]]
    breaks = breaks.rename(columns={"stage": "break_stage", "status": "break_status"})
    return units.merge(breaks, on="org_unit_id", how="left").reset_index(drop=True)


