"""Школа: one school's profile: its years, its criteria against the municipality, its cycle.

Split in two so that a new school costs the work of one school: :func:`school_part` reads the
school alone (three statements), :func:`municipal_part` the municipality's averages, computed
once per municipality and year and shared by every school of it; :func:`combine` puts them
together.  The page caches each part on its own; :func:`school_profile` is the three in one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.cycle import stage_status
from indicators.measures.facts import finish, query_params, summed
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.common import available_periods, unit_indicators
from indicators.views.scope import Scope
from indicators.words import STAGE_LABELS

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
class SchoolPart:
    """What only the school has: its years, its criteria and stages this year, its values."""
    school_id: str
    name: str
    history: pd.DataFrame
    by_criterion: pd.DataFrame   # criterion_id, criterion, ord, school
    stages: pd.DataFrame
    indicators: pd.DataFrame
    locked: bool


@dataclass(frozen=True)
class MunicipalPart:
    """The municipality's averages the school is shown against: per year, per criterion."""
    history: pd.DataFrame        # period, municipal
    by_criterion: pd.DataFrame   # criterion_id, municipal


def school_link_name(db: Database, school_id: str) -> str | None:
    """The school's name as its profile's address holds it (``?school=СОШ № 6``: the short
    name, which the School page's picker shows)."""
    return db.scalar("SELECT short_name FROM org_unit WHERE id = ? AND kind = 'school'", [school_id])


def school_part(db: Database, scope: Scope, school_id: str,
                thresholds: Thresholds | None = None) -> SchoolPart:
    """The school alone in the scope's year and direction: its compliance every year and per
    criterion this year (one statement over its kept sums), its cycle, its indicator table."""
    period, direction = scope.period, scope.direction
    years = list(scope.periods) or available_periods(db)
    params = query_params(db, years, "school", direction, thresholds, unit_id=school_id)
    params = {k: params[k] for k in ("periods", "wanted", "direction", "high", "medium",
                                     "min_completeness")} | {"u": school_id, "p": int(period)}
    frame = db.read(f"""
        WITH per_criterion AS ({summed(", criterion_id", "org_unit_id = $u")}),
        agg AS (
            SELECT 'year' AS part, org_unit_id, period, NULL::VARCHAR AS key,
                   sum(expected)::BIGINT AS expected, sum(assessed)::BIGINT AS assessed,
                   sum(score_sum) AS score_sum, sum(max_sum) AS max_sum
            FROM per_criterion GROUP BY org_unit_id, period
            UNION ALL
            SELECT 'criterion', org_unit_id, period, criterion_id, expected, assessed, score_sum, max_sum
            FROM per_criterion WHERE period = $p
        ),
        {finish(["part", "org_unit_id", "key"])}
        """.replace("SELECT * EXCLUDE (level_base) FROM levelled", """
        SELECT l.* EXCLUDE (level_base), u.name, u.short_name, u.parent_id,
               c.title AS criterion, c.ord,
               EXISTS (SELECT 1 FROM submission s WHERE s.org_unit_id = $u AND s.period = $p
                       AND s.status = 'accepted') AS locked
        FROM levelled l JOIN org_unit u ON u.id = l.org_unit_id
        LEFT JOIN criterion c ON c.id = l.key""") + " ORDER BY part DESC, period, ord", params)
    history = frame[frame["part"] == "year"][HISTORY_COLUMNS].reset_index(drop=True)
    criteria = (frame[frame["part"] == "criterion"]
                .rename(columns={"key": "criterion_id", "compliance": "school"})
                [["criterion_id", "criterion", "ord", "school"]].reset_index(drop=True))
    stages = stage_status(db, period, direction=direction, unit_id=school_id)
    stages["label"] = stages["stage"].map(STAGE_LABELS)
    name = frame["name"].iloc[0] if len(frame) else (
        db.scalar("SELECT name FROM org_unit WHERE id = ?", [school_id]) or school_id)
    return SchoolPart(school_id, name, history, criteria, stages,
                      unit_indicators(db, school_id, period, direction),
                      bool(frame["locked"].iloc[0]) if len(frame) else False)


def municipal_part(db: Database, scope: Scope, thresholds: Thresholds | None = None) -> MunicipalPart:
    """The municipality's pooled compliance every year and per criterion in the scope's year
    (one statement)."""
    years = list(scope.periods) or available_periods(db)
    pooled = of_role(scope_compliance(db, years, parent_id=scope.municipality_id, by="criterion",
                                      totals=True, direction=scope.direction, thresholds=thresholds),
                     "pooled")
    every = pooled[pooled["criterion_id"].isna()]
    crit = pooled[pooled["criterion_id"].notna() & (pooled["period"] == scope.period)]
    return MunicipalPart(
        history=every[["period", "compliance"]].rename(columns={"compliance": "municipal"}),
        by_criterion=crit[["criterion_id", "compliance"]].rename(columns={"compliance": "municipal"}))


def combine(school: SchoolPart, municipal: MunicipalPart) -> SchoolProfile:
    """The profile the page shows: the school beside its municipality, and what it lacks."""
    history = school.history.merge(municipal.history, on="period", how="left")
    by_criterion = (school.by_criterion.merge(municipal.by_criterion, on="criterion_id", how="left")
                    .sort_values("ord").reset_index(drop=True))
    table = school.indicators.copy()
    table["Два года подряд не выполняется"] = table["gap"].map({True: "да", False: ""})
    gaps = set(table.loc[table["gap"], "Код"])
    missing = [
        f"{row['Код']} «{row['Показатель']}» (этап «{row['Этап цикла']}»): "
        + ("нет данных" if row["status"] == "no_data" else "не выполнено")
        + (" — второй год подряд" if row["Код"] in gaps else "")
        for _, row in table.iterrows() if row["status"] in ("no_data", "not_met")
    ]
    return SchoolProfile(school.school_id, school.name, history, by_criterion, school.stages,
                         table, missing, school.locked)


def school_profile(db: Database, scope: Scope, school_id: str,
                   thresholds: Thresholds | None = None) -> SchoolProfile:
    """The school ``school_id`` of the scope's municipality, in the scope's year and direction
    (the sidebar's school and level choices don't narrow a single school's profile)."""
    t = thresholds or Thresholds.from_db(db)
    return combine(school_part(db, scope, school_id, t), municipal_part(db, scope, t))
