"""Школа: one school's profile: its years, its criteria against the municipality, its cycle.

Split in two so that a new school costs the work of one school: :func:`school_years` reads the
school alone, every school year at once (two statements), :func:`municipal_years` its
municipality's averages, every year at once (one statement), computed once per municipality
and shared by every school of it; :func:`combine` puts them together for the year shown — a
slice, so another year of the same school asks DuckDB nothing.  The page caches each part on
its own; :func:`school_profile` is the three in one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.cycle import STAGE_COLUMNS, stage_ctes
from indicators.measures.facts import finish, query_params, summed
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.common import available_periods, unit_indicator_years
from indicators.views.scope import Scope
from indicators.words import STAGE_LABELS

STAGE_FRAME_COLUMNS = ["period", "org_unit_id", "short_name", "stage", "stage_no", "expected", "assessed",
                       "score_sum", "max_sum", "status", "is_break"]   # as stage_status_years
HISTORY_COLUMNS = ["name", "short_name", "parent_id", "org_unit_id", "period", "expected", "assessed",
                   "score_sum", "max_sum", "compliance", "completeness", "level", "change",
                   "previous_level"]


@dataclass(frozen=True)
class SchoolProfile:
    school_id: str
    name: str
    history: pd.DataFrame        # the school's compliance per year, with the municipal average
    by_criterion: pd.DataFrame   # criterion, school, municipality (compliance) for the year
    stages: pd.DataFrame         # the seven stages with status and the break
    indicators: pd.DataFrame     # every indicator with status, evidence, comment, gap flag
    missing: list[str]           # what is missing, in plain words
    locked: bool                 # the year's values are accepted (edits need an unlock)


@dataclass(frozen=True)
class SchoolYears:
    """What only the school has, every school year: its compliance, per criterion, its cycle
    stages, its indicator table and which years are accepted (locked)."""
    school_id: str
    name: str
    history: pd.DataFrame        # one row per year (HISTORY_COLUMNS)
    by_criterion: pd.DataFrame   # period, criterion_id, criterion, ord, school
    stages: pd.DataFrame         # period + stage_status columns
    indicators: pd.DataFrame     # period + unit_indicators columns
    locked: frozenset[int]       # the years whose values are accepted


@dataclass(frozen=True)
class MunicipalYears:
    """The municipality's averages the school is shown against: per year, per year and criterion."""
    history: pd.DataFrame        # period, municipal
    by_criterion: pd.DataFrame   # period, criterion_id, municipal


def school_link_name(db: Database, school_id: str) -> str | None:
    """The school's name as its profile's address holds it (``?school=СОШ № 6``: the short
    name, which the School page's picker shows)."""
    return db.scalar("SELECT short_name FROM org_unit WHERE id = ? AND kind = 'school'", [school_id])


def school_years(db: Database, school_id: str, direction: str | None, periods: tuple[int, ...],
                 thresholds: Thresholds | None = None) -> SchoolYears:
    """The school alone, every year in ``periods``: its compliance in total and per criterion
    and its cycle (one statement over its kept sums), its indicator table (one)."""
    years = list(periods) or available_periods(db)
    params = query_params(db, years, "school", direction, thresholds, unit_id=school_id)
    params = {k: params[k] for k in ("periods", "wanted", "direction", "high", "medium",
                                     "min_completeness")} | {"u": school_id}
    frame = db.read(f"""
        WITH per_group AS ({summed(", criterion_id, stage", "org_unit_id = $u")}),
        per_stage AS (
            SELECT org_unit_id, period, stage, sum(expected) AS expected, sum(assessed) AS assessed,
                   sum(score_sum) AS score_sum, sum(max_sum) AS max_sum, sum(evidenced) AS evidenced
            FROM per_group GROUP BY ALL
        ),
        {stage_ctes("per_stage")},
        agg AS (
            SELECT 'year' AS part, org_unit_id, period, NULL::VARCHAR AS key,
                   sum(expected)::BIGINT AS expected, sum(assessed)::BIGINT AS assessed,
                   sum(score_sum) AS score_sum, sum(max_sum) AS max_sum
            FROM per_group GROUP BY org_unit_id, period
            UNION ALL
            SELECT 'criterion', org_unit_id, period, criterion_id, sum(expected)::BIGINT,
                   sum(assessed)::BIGINT, sum(score_sum), sum(max_sum)
            FROM per_group GROUP BY org_unit_id, period, criterion_id
        ),
        {finish(["part", "org_unit_id", "key"])}
        """.replace("SELECT * EXCLUDE (level_base) FROM levelled", """
        SELECT l.* EXCLUDE (level_base), u.name, u.short_name, u.parent_id,
               c.title AS criterion, c.ord,
               EXISTS (SELECT 1 FROM submission s WHERE s.org_unit_id = $u AND s.period = l.period
                       AND s.status = 'accepted') AS locked
        FROM levelled l JOIN org_unit u ON u.id = l.org_unit_id
        LEFT JOIN criterion c ON c.id = l.key""") + f"""
        UNION ALL BY NAME
        SELECT 'stage' AS part, {STAGE_COLUMNS}, u.short_name
        FROM st JOIN org_unit u ON u.id = st.org_unit_id LEFT JOIN breaks b USING (org_unit_id, period)
        WHERE list_contains($wanted::INTEGER[], st.period)
        ORDER BY part DESC, period, ord, stage_no""", params)
    history = frame[frame["part"] == "year"]
    criteria = (frame[frame["part"] == "criterion"]
                .rename(columns={"key": "criterion_id", "compliance": "school"})
                [["period", "criterion_id", "criterion", "ord", "school"]].reset_index(drop=True))
    stages = frame[frame["part"] == "stage"][STAGE_FRAME_COLUMNS].reset_index(drop=True)
    stages = stages.astype({"stage_no": "int64", "expected": "int64", "assessed": "int64",
                            "is_break": bool})
    stages["label"] = stages["stage"].map(STAGE_LABELS)
    name = frame["name"].iloc[0] if len(frame) else (
        db.scalar("SELECT name FROM org_unit WHERE id = ?", [school_id]) or school_id)
    return SchoolYears(school_id, name, history[HISTORY_COLUMNS].reset_index(drop=True), criteria, stages,
                       unit_indicator_years(db, school_id, years, direction),
                       frozenset(int(p) for p in history.loc[history["locked"], "period"]))


def municipal_years(db: Database, municipality_id: str, direction: str | None,
                    periods: tuple[int, ...], thresholds: Thresholds | None = None) -> MunicipalYears:
    """The municipality's pooled compliance every year, in total and per criterion (one
    statement)."""
    years = list(periods) or available_periods(db)
    pooled = of_role(scope_compliance(db, years, parent_id=municipality_id, by="criterion",
                                      totals=True, direction=direction, thresholds=thresholds), "pooled")
    every = pooled[pooled["criterion_id"].isna()]
    crit = pooled[pooled["criterion_id"].notna()]
    return MunicipalYears(
        history=every[["period", "compliance"]].rename(columns={"compliance": "municipal"})
        .reset_index(drop=True),
        by_criterion=crit[["period", "criterion_id", "compliance"]].rename(columns={"compliance": "municipal"})
        .reset_index(drop=True))


def combine(school: SchoolYears, municipal: MunicipalYears, period: int) -> SchoolProfile:
    """The profile the page shows for ``period``: the school beside its municipality, and what
    it lacks."""
    history = school.history.merge(municipal.history, on="period", how="left")
    by_criterion = (school.by_criterion[school.by_criterion["period"] == period].drop(columns=["period"])
                    .merge(municipal.by_criterion[municipal.by_criterion["period"] == period]
                           .drop(columns=["period"]), on="criterion_id", how="left")
                    .sort_values("ord").reset_index(drop=True))
    stages = school.stages[school.stages["period"] == period].drop(columns=["period"]).reset_index(drop=True)
    table = school.indicators[school.indicators["period"] == period].drop(columns=["period"]).reset_index(drop=True)
    table["Два года подряд не выполняется"] = table["gap"].map({True: "да", False: ""})
    gaps = set(table.loc[table["gap"], "Код"])
    missing = [
        f"{row['Код']} «{row['Показатель']}» (этап «{row['Этап цикла']}»): "
        + ("нет данных" if row["status"] == "no_data" else "не выполнено")
        + (" — второй год подряд" if row["Код"] in gaps else "")
        for _, row in table.iterrows() if row["status"] in ("no_data", "not_met")
    ]
    return SchoolProfile(school.school_id, school.name, history, by_criterion, stages,
                         table, missing, period in school.locked)


def school_profile(db: Database, scope: Scope, school_id: str,
                   thresholds: Thresholds | None = None) -> SchoolProfile:
    """The school ``school_id`` of the scope's municipality, in the scope's year and direction
    (the sidebar's school and level choices don't narrow a single school's profile)."""
    t = thresholds or Thresholds.from_db(db)
    years = scope.periods or tuple(available_periods(db))
    return combine(school_years(db, school_id, scope.direction, years, t),
                   municipal_years(db, scope.municipality_id, scope.direction, years, t), scope.period)
