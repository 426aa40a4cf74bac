"""The August council's content: everything the talk shows for one municipality and school
year, gathered by :func:`build` from the same measures the pages use, as a :class:`Council`
(live, or loaded back from a snapshot).  The slides, the deck and the report draw from it, so
they can't disagree with the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from indicators.catalog.adoption import adopted_roadmaps
from indicators.catalog.tables import STAGES
from indicators.measures.compliance import aggregate_compliance, compliance, level_counts, periods
from indicators.measures.cycle import stage_status
from indicators.measures.recommendations import recommendations
from indicators.measures.roadmap import roadmap
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.words import STAGE_LABELS, STAGE_STATUS_LABELS, period_label


@dataclass(frozen=True)
class Council:
    municipality_id: str
    municipality: str
    period: int
    as_of: datetime                 # the moment the numbers are from
    snapshot_id: int | None         # None: live numbers
    figures: pd.DataFrame           # key, label, value, change, kind (share | count)
    schools: pd.DataFrame           # org_unit_id, name, short_name, compliance, level, change, completeness
    criteria: pd.DataFrame          # short_name, criterion, ord, compliance (one row per cell)
    stages: pd.DataFrame            # stage, label, present, partial, missing, no_data, breaks
    breaks: pd.DataFrame            # short_name, stage label, status label (schools whose cycle breaks)
    department_cycle: pd.DataFrame  # stage label, status label (the department's own cycle)
    trend: pd.DataFrame             # period, schools, department, high_share
    roadmaps: pd.DataFrame          # title, short_title, department, schools, change, overdue
    support: pd.DataFrame           # name, short_name, level, compliance, basis, text, status
    sources: pd.DataFrame           # title, authority, order (the source documents)
    completeness: pd.DataFrame      # name, short_name, expected, assessed, completeness, status

    @property
    def year(self) -> str:
        return period_label(self.period)

    @property
    def data_date(self) -> str:
        """«данные на 20.08.2025 14:30», the line every slide carries."""
        text = f"данные на {self.as_of:%d.%m.%Y %H:%M}"
        return text + (f" (снимок № {self.snapshot_id})" if self.snapshot_id else " (текущие)")


def just_ended(today: date | None = None) -> int:
    """The school year an August council reviews: the one that ended this summer (from June on),
    else the one before."""
    today = today or date.today()
    return today.year - 1 if today.month >= 6 else today.year - 2


def default_period(available: list[int], today: date | None = None) -> int:
    """The latest school year with data that has ended by ``today`` (else the latest one)."""
    ended = [p for p in available if p <= just_ended(today)]
    return (ended or available)[-1]


def build(db: Database, period: int, municipality_id: str, now: datetime | None = None) -> Council:
    """The council's content for the municipality and year, from the live database."""
    now = now or datetime.now().replace(microsecond=0)
    t = Thresholds.from_db(db)
    name = db.scalar("SELECT name FROM org_unit WHERE id = ?", [municipality_id]) or municipality_id
    years = [p for p in periods(db) if p <= period]
    every = compliance(db, years, thresholds=t, parent_id=municipality_id)
    every = every[every["expected"] > 0]
    schools = every[every["period"] == period].reset_index(drop=True)
    pooled = aggregate_compliance(db, years, thresholds=t, parent_id=municipality_id)
    pooled = pooled[pooled["org_unit_id"] == municipality_id].set_index("period")
    dept = compliance(db, years, kind="municipality", thresholds=t, unit_id=municipality_id)
    dept = dept[dept["org_unit_id"] == municipality_id].set_index("period")

    stages = stage_status(db, period, parent_id=municipality_id)
    stages = stages[stages["org_unit_id"].isin(schools["org_unit_id"])]
    roadmaps = _roadmaps(db, period, municipality_id, now.date())
    support = recommendations(db, period, municipality_id)
    support = support[support["needs_support"]].reset_index(drop=True)
    return Council(
        municipality_id=municipality_id, municipality=name, period=period, as_of=now,
        snapshot_id=None,
        figures=_figures(schools, pooled, dept, period, stages, roadmaps),
        schools=schools[["org_unit_id", "name", "short_name", "compliance", "level", "change",
                         "completeness"]],
        criteria=_criteria(db, period, municipality_id, t, schools),
        stages=_stage_counts(stages),
        breaks=_breaks(stages),
        department_cycle=_department_cycle(db, period, municipality_id),
        trend=_trend(every, pooled, dept, years),
        roadmaps=roadmaps,
        support=support[["name", "short_name", "level", "compliance", "basis", "text", "status"]],
        sources=_sources(db, period, municipality_id),
        completeness=_completeness(db, schools, period, municipality_id),
    )


# The key figure counts the department's own events of the roadmaps (the schools' execution is
# on the roadmap slide beside it): its label says whose.
ROADMAP_FIGURE = "Выполнено мероприятий дорожных карт (управление образования)"


def _figures(schools: pd.DataFrame, pooled: pd.DataFrame, dept: pd.DataFrame, period: int,
             stages: pd.DataFrame, roadmaps: pd.DataFrame) -> pd.DataFrame:
    def at(frame: pd.DataFrame, col: str):
        return frame.loc[period, col] if period in frame.index else None

    counts = level_counts(schools)
    whole = stages.groupby("org_unit_id")["is_break"].any()
    done, counted = roadmaps["done"].sum(), roadmaps["counted"].sum()
    rows = [
        ("compliance", "Соответствие критериям по школам", at(pooled, "compliance"), at(pooled, "change"), "share"),
        ("completeness", "Полнота данных школ", at(pooled, "completeness"), None, "share"),
        ("department", "Управление образования (свои показатели)", at(dept, "compliance"), at(dept, "change"), "share"),
        ("high", "Школ с высоким уровнем", counts["high"], None, "count"),
        ("medium", "Школ со средним уровнем", counts["medium"], None, "count"),
        ("low", "Школ с низким уровнем", counts["low"], None, "count"),
        ("whole_cycle", "Школ с замкнутым управленческим циклом", int((~whole).sum()), None, "count"),
        ("roadmaps", ROADMAP_FIGURE, done / counted if counted else None, None, "share"),
    ]
    return pd.DataFrame(rows, columns=["key", "label", "value", "change", "kind"])


def _criteria(db: Database, period: int, municipality_id: str, t: Thresholds,
              schools: pd.DataFrame) -> pd.DataFrame:
    by = compliance(db, [period], by="criterion", thresholds=t, parent_id=municipality_id)
    by = by[by["org_unit_id"].isin(schools["org_unit_id"])]
    crit = db.read("SELECT id AS criterion_id, title AS criterion, ord FROM criterion")
    out = by.merge(crit, on="criterion_id")[["short_name", "criterion", "ord", "compliance"]]
    return out.reset_index(drop=True)


def _stage_counts(stages: pd.DataFrame) -> pd.DataFrame:
    counts = (stages.pivot_table(index="stage", columns="status", values="org_unit_id",
                                 aggfunc="count", fill_value=0)
              .reindex(index=list(STAGES), columns=["present", "partial", "missing", "no_data"],
                       fill_value=0))
    breaks = stages[stages["is_break"]].groupby("stage").size().reindex(list(STAGES), fill_value=0)
    out = counts.assign(breaks=breaks).reset_index()
    out.insert(1, "label", out["stage"].map(STAGE_LABELS))
    return out.astype({c: int for c in ("present", "partial", "missing", "no_data", "breaks")})


def _breaks(stages: pd.DataFrame) -> pd.DataFrame:
    b = stages[stages["is_break"]]
    return pd.DataFrame({"short_name": b["short_name"].to_numpy(),
                         "stage": b["stage"].map(STAGE_LABELS).to_numpy(),
                         "status": b["status"].map(STAGE_STATUS_LABELS).to_numpy()})


def _department_cycle(db: Database, period: int, municipality_id: str) -> pd.DataFrame:
    st = stage_status(db, period, kind="municipality", unit_id=municipality_id)
    st = st[st["org_unit_id"] == municipality_id]
    return pd.DataFrame({"stage": st["stage"].map(STAGE_LABELS).to_numpy(),
                         "status": st["status"].map(STAGE_STATUS_LABELS).to_numpy(),
                         "is_break": st["is_break"].to_numpy()})


def _trend(every: pd.DataFrame, pooled: pd.DataFrame, dept: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The lines of the trend slide.  The share of high-level schools is of every school
    expected that year (the key figures' «6 из 12»: a school with too little data or none is not
    high); a year in which no school sent anything has no share."""
    by_year = every.groupby("period")
    high = by_year["level"].apply(lambda s: (s == "high").mean()).where(by_year["assessed"].max() > 0)
    return pd.DataFrame({
        "period": years,
        "schools": [pooled["compliance"].get(p) for p in years],
        "department": [dept["compliance"].get(p) for p in years],
        "high_share": [high.get(p) for p in years],
    })


def _roadmaps(db: Database, period: int, municipality_id: str, today: date) -> pd.DataFrame:
    """Each roadmap the municipality runs that year (its own, its region's): the department's
    execution, the schools' pooled one, the department's overdue events."""
    rows = []
    for d in adopted_roadmaps(db, municipality_id, period).itertuples():
        r = roadmap(db, d.direction_id, period, municipality_id, municipality_id, today)
        done, counted = int(r.by_school["done"].sum()), int(r.by_school["counted"].sum())
        year = r.by_year[r.by_year["period"] == period]
        rows.append(dict(title=d.title, short_title=d.short_title, department=r.execution,
                         schools=done / counted if counted else None, change=r.change,
                         overdue=len(r.overdue), done=int(year["done"].sum()),
                         counted=int(year["counted"].sum())))
    return pd.DataFrame(rows, columns=["title", "short_title", "department", "schools", "change",
                                       "overdue", "done", "counted"])


def _sources(db: Database, period: int, municipality_id: str) -> pd.DataFrame:
    """The documents the council's figures come from: the criteria table(s) and the roadmaps the
    municipality runs that year — never another authority's plan."""
    maps = list(adopted_roadmaps(db, municipality_id, period)["direction_id"])
    return db.read("SELECT title, authority, trim(coalesce(doc_kind, '') || ' ' || "
                   "coalesce('№ ' || order_number, '') || ' ' || "
                   "coalesce('от ' || strftime(order_date, '%d.%m.%Y'), '')) AS order_ref "
                   "FROM direction WHERE EXISTS (SELECT 1 FROM indicator i WHERE i.direction_id = direction.id) "
                   "OR list_contains(?, id) ORDER BY id", [maps])


def _completeness(db: Database, schools: pd.DataFrame, period: int, municipality_id: str) -> pd.DataFrame:
    status = dict(db.rows("SELECT org_unit_id, status FROM submission WHERE period = ?", [int(period)]))
    labels = {"received": "получено", "accepted": "принято"}
    return pd.DataFrame({
        "name": schools["name"], "short_name": schools["short_name"],
        "expected": schools["expected"].astype(int), "assessed": schools["assessed"].astype(int),
        "completeness": schools["completeness"],
        "status": [labels.get(status.get(u), "получено" if a else "не сдано")
                   for u, a in zip(schools["org_unit_id"], schools["assessed"])],
    })


