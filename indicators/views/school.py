"""Школа: one school's profile: its years, its criteria against the municipality, its cycle."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.compliance import aggregate_compliance, compliance, periods
from indicators.measures.cycle import stage_status
from indicators.measures.selection import persistent_gaps
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.common import unit_indicators
from indicators.views.scope import Scope
from indicators.words import STAGE_LABELS


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


def school_link_name(db: Database, school_id: str) -> str | None:
    """The school's name as its profile's address holds it (``?school=СОШ № 6``: the short
    name, which the School page's picker shows)."""
    return db.scalar("SELECT short_name FROM org_unit WHERE id = ? AND kind = 'school'", [school_id])


def school_profile(db: Database, scope: Scope, school_id: str,
                   thresholds: Thresholds | None = None) -> SchoolProfile:
    """The school ``school_id`` of the scope's municipality, in the scope's year and direction
    (the sidebar's school and level choices don't narrow a single school's profile)."""
    period, municipality_id, direction = scope.period, scope.municipality_id, scope.direction
    t = thresholds or Thresholds.from_db(db)
    years = periods(db)
    own = compliance(db, years, direction=direction, thresholds=t, parent_id=municipality_id)
    own = own[own["org_unit_id"] == school_id]
    avg = aggregate_compliance(db, years, direction=direction, thresholds=t, parent_id=municipality_id)
    avg = avg[avg["org_unit_id"] == municipality_id][["period", "compliance"]]
    history = own.merge(avg.rename(columns={"compliance": "municipal"}), on="period", how="left")

    crit = db.read("SELECT id AS criterion_id, title AS criterion, ord FROM criterion")
    mine = compliance(db, [period], by="criterion", direction=direction, thresholds=t,
                      parent_id=municipality_id)
    mine = mine[mine["org_unit_id"] == school_id][["criterion_id", "compliance"]]
    pooled = aggregate_compliance(db, [period], by="criterion", direction=direction, thresholds=t,
                                  parent_id=municipality_id)
    pooled = pooled[pooled["org_unit_id"] == municipality_id][["criterion_id", "compliance"]]
    by_criterion = (crit.merge(mine.rename(columns={"compliance": "school"}), on="criterion_id")
                    .merge(pooled.rename(columns={"compliance": "municipal"}), on="criterion_id", how="left")
                    .sort_values("ord").reset_index(drop=True))

    stages = stage_status(db, period, direction=direction, parent_id=municipality_id)
    stages = stages[stages["org_unit_id"] == school_id].reset_index(drop=True)
    stages["label"] = stages["stage"].map(STAGE_LABELS)

    table = unit_indicators(db, school_id, period, direction)
    gap_frame = persistent_gaps(db, period, parent_id=municipality_id)
    gaps = set(gap_frame.loc[gap_frame["org_unit_id"] == school_id, "indicator_id"])
    table["Два года подряд не выполняется"] = table["Код"].isin(gaps).map({True: "да", False: ""})

    missing = [
        f"{row['Код']} «{row['Показатель']}» (этап «{row['Этап цикла']}»): "
        + ("нет данных" if row["status"] == "no_data" else "не выполнено")
        + (" — второй год подряд" if row["Код"] in gaps else "")
        for _, row in table.iterrows() if row["status"] in ("no_data", "not_met")
    ]
    name = db.scalar("SELECT name FROM org_unit WHERE id = ?", [school_id]) or school_id
    locked = db.scalar("SELECT count(*) FROM submission WHERE org_unit_id = ? AND period = ? "
                       "AND status = 'accepted'", [school_id, int(period)]) > 0
    return SchoolProfile(school_id, name, history.reset_index(drop=True), by_criterion, stages,
                         table, missing, locked)
