"""The August council's content: everything the talk shows for one municipality and school
year, gathered by :func:`build` from the same measures the pages use, as a :class:`Council`
(live, or loaded back from a snapshot).  The slides, the deck and the report draw from it, so
they can't disagree with the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from indicators.catalog.tables import STAGES
from indicators.measures.compliance import level_counts, periods
from indicators.measures.cycle import stage_ctes
from indicators.measures.objectivity import SIGNS, ObjectivitySettings, objectivity_index, school_results
from indicators.measures.recommendations import recommendations
from indicators.measures.roadmap import municipal_roadmaps
from indicators.measures.scope_compliance import of_role, scope_compliance
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.words import STAGE_LABELS, STAGE_STATUS_LABELS, VPR_SIGN_LABELS, VPR_SUBJECTS, period_label


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
    # ВПР objectivity (empty without protocols; a snapshot from before it loads with them empty):
    # one row: schools, flagged, index, reference; and the schools with signs: name, short_name,
    # signs, where («Математика, 4 кл.: результаты выше эталона; …»)
    objectivity_index: pd.DataFrame = field(default_factory=pd.DataFrame)
    objectivity: pd.DataFrame = field(default_factory=pd.DataFrame)

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


def build(db: Database, period: int, municipality_id: str, now: datetime | None = None, *,
          thresholds: Thresholds | None = None, years: list[int] | None = None,
          recommended: pd.DataFrame | None = None) -> Council:
    """The council's content for the municipality and year, from the live database.

    ``years`` are the school years with data up to ``period`` and ``recommended`` the year's
    :func:`~indicators.measures.recommendations.recommendations`; each is read when not given,
    as are the thresholds.  Five statements at most: the schools, the department and the
    schools pooled, per year and criterion; the year's cycle stages and submissions; the
    roadmaps; the source documents; the recommendations.
    """
    now = now or datetime.now().replace(microsecond=0)
    t = thresholds or Thresholds.from_db(db)
    years = [p for p in periods(db) if p <= period] if years is None else list(years)
    units = scope_compliance(db, years, parent_id=municipality_id, by="criterion", totals=True,
                             thresholds=t)
    totals = units[units["criterion_id"].isna()]
    every = of_role(totals, "school")
    every = every[every["expected"] > 0]
    schools = every[every["period"] == period].reset_index(drop=True)
    pooled = of_role(totals, "pooled").set_index("period")
    dept = of_role(totals, "department").set_index("period")
    named = units.loc[units["org_unit_id"] == municipality_id, "name"]
    name = (named.iloc[0] if len(named) else
            db.scalar("SELECT name FROM org_unit WHERE id = ?", [municipality_id]) or municipality_id)

    cycle = _cycle(db, period, municipality_id)
    stages = cycle[cycle["org_unit_id"].isin(schools["org_unit_id"])]
    roadmaps = municipal_roadmaps(db, municipality_id, period, now.date())
    support = recommendations(db, period, municipality_id, t) if recommended is None else recommended
    vpr = _objectivity(db, period, municipality_id, support)
    support = support[support["needs_support"]].reset_index(drop=True)
    return Council(
        municipality_id=municipality_id, municipality=name, period=period, as_of=now,
        snapshot_id=None,
        figures=_figures(schools, pooled, dept, period, stages, roadmaps),
        schools=schools[["org_unit_id", "name", "short_name", "compliance", "level", "change",
                         "completeness"]],
        criteria=_criteria(units, schools, period),
        stages=_stage_counts(stages),
        breaks=_breaks(stages),
        department_cycle=_department_cycle(cycle, municipality_id),
        trend=_trend(every, pooled, dept, years),
        roadmaps=roadmaps.drop(columns="direction_id"),
        support=support[["name", "short_name", "level", "compliance", "basis", "text", "status"]],
        sources=_sources(db, list(roadmaps["direction_id"])),
        completeness=_completeness(schools, stages),
        **vpr,
    )


def _objectivity(db: Database, period: int, municipality_id: str,
                 recommended: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The year's ВПР objectivity index and the schools with signs, from the recommendations'
    statement (``vpr_*`` columns); asked apart (two statements) only when it lists no school."""
    empty = {"objectivity_index": pd.DataFrame(), "objectivity": pd.DataFrame()}
    if len(recommended) and "vpr_schools" in recommended:
        schools = int(recommended["vpr_schools"].iloc[0] or 0)
        if not schools:
            return empty
        cells = {r.org_unit_id: (r.name, r.short_name, list(r.vpr_cells))
                 for r in recommended.itertuples(index=False) if _is_list(r.vpr_cells) and len(r.vpr_cells)}
        reference = "region" if bool(recommended["vpr_region"].iloc[0]) else "municipality"
    else:
        results = school_results(db, period, municipality_id=municipality_id,
                                 settings=ObjectivitySettings.from_db(db))
        if results.empty:
            return empty
        schools = int(results["org_unit_id"].nunique())
        reference = objectivity_index(db, period, municipality_id=municipality_id, results=results)["reference"]
        flagged = results[results["signs"] > 0]
        cells = {u: (p["name"].iloc[0], p["short_name"].iloc[0],
                     [{"subject": r.subject, "grade": r.grade, **{s: getattr(r, f"sign_{s}") for s in SIGNS}}
                      for r in p.itertuples(index=False)])
                 for u, p in flagged.groupby("org_unit_id", sort=False)}
    rows = []
    for unit, (name, short_name, tests) in cells.items():
        where = "; ".join(
            f"{VPR_SUBJECTS.get(c['subject'], c['subject'])}, {int(c['grade'])} кл.: "
            + ", ".join(VPR_SIGN_LABELS[s][:1].lower() + VPR_SIGN_LABELS[s][1:] for s in SIGNS if c[s])
            for c in tests)
        rows.append(dict(org_unit_id=unit, name=name, short_name=short_name,
                         signs=sum(bool(c[s]) for c in tests for s in SIGNS), where=where))
    frame = pd.DataFrame(rows, columns=["org_unit_id", "name", "short_name", "signs", "where"])
    index = pd.DataFrame([dict(schools=schools, flagged=len(rows), index=100 - 100 * len(rows) / schools,
                               reference=reference)])
    return {"objectivity_index": index,
            "objectivity": frame.sort_values(["signs", "short_name"], ascending=[False, True],
                                             ignore_index=True)}


def _is_list(value) -> bool:
    try:
        len(value)
    except TypeError:
        return False
    return not isinstance(value, str)


# The year's management cycle of each school and of the department, from the kept summary:
# each stage's status and where the cycle first breaks (the cycle's rule: measures.cycle.stage_ctes), with
# the unit's submission of the year.
_CYCLE_SQL = f"""
WITH sums AS (
    SELECT s.org_unit_id, s.period, s.stage, sum(s.expected) AS expected, sum(s.assessed) AS assessed,
           sum(s.evidenced) AS evidenced, sum(s.score_sum) AS score_sum, sum(s.max_sum) AS max_sum
    FROM compliance_summary s
    WHERE s.period = $p AND s.org_unit_id IN (SELECT id FROM org_unit
                                              WHERE id = $m OR (kind = 'school' AND parent_id = $m))
    GROUP BY ALL
),
{stage_ctes("sums")}
SELECT st.org_unit_id, u.short_name, st.stage, st.stage_no, st.status,
       coalesce(st.stage_no = b.break_no, FALSE) AS is_break, sub.status AS submission
FROM st JOIN org_unit u ON u.id = st.org_unit_id
LEFT JOIN breaks b USING (org_unit_id, period)
LEFT JOIN submission sub ON sub.org_unit_id = st.org_unit_id AND sub.period = $p
ORDER BY u.ord, u.name, st.stage_no
"""


def _cycle(db: Database, period: int, municipality_id: str) -> pd.DataFrame:
    return db.read(_CYCLE_SQL, {"p": int(period), "m": municipality_id})


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


def _criteria(units: pd.DataFrame, schools: pd.DataFrame, period: int) -> pd.DataFrame:
    by = units[(units["role"] == "school") & units["criterion_id"].notna() & (units["period"] == period)
               & units["org_unit_id"].isin(schools["org_unit_id"])]
    out = by[["short_name", "criterion", "criterion_ord", "compliance"]]
    return (out.rename(columns={"criterion_ord": "ord"}).astype({"ord": "int32"})
            .reset_index(drop=True))


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


def _department_cycle(cycle: pd.DataFrame, municipality_id: str) -> pd.DataFrame:
    st = cycle[cycle["org_unit_id"] == municipality_id]
    return pd.DataFrame({"stage": st["stage"].map(STAGE_LABELS).to_numpy(),
                         "status": st["status"].map(STAGE_STATUS_LABELS).to_numpy(),
                         "is_break": st["is_break"].to_numpy()})


def _trend(every: pd.DataFrame, pooled: pd.DataFrame, dept: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The lines of the trend slide.  The share of high-level schools is of every school
    expected that year (the key figures' «6 из 12»: a school with too little data or none is not
    high); a year in which no school sent anything has no share."""
    high = (every["level"].eq("high").groupby(every["period"]).mean()
            .where(every.groupby("period")["assessed"].max() > 0))
    return pd.DataFrame({
        "period": years,
        "schools": [pooled["compliance"].get(p) for p in years],
        "department": [dept["compliance"].get(p) for p in years],
        "high_share": [high.get(p) for p in years],
    })


def _sources(db: Database, roadmaps: list[str]) -> pd.DataFrame:
    """The documents the council's figures come from: the criteria table(s) and the roadmaps the
    municipality runs that year — never another authority's plan."""
    return db.read("SELECT title, authority, trim(coalesce(doc_kind, '') || ' ' || "
                   "coalesce('№ ' || order_number, '') || ' ' || "
                   "coalesce('от ' || strftime(order_date, '%d.%m.%Y'), '')) AS order_ref "
                   "FROM direction WHERE EXISTS (SELECT 1 FROM indicator i WHERE i.direction_id = direction.id) "
                   "OR list_contains(?, id) ORDER BY id", [roadmaps])


def _completeness(schools: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    submission = stages.drop_duplicates("org_unit_id").set_index("org_unit_id")["submission"]
    submitted = (schools["org_unit_id"].map(submission)
                 .map({"received": "получено", "accepted": "принято"}))
    return pd.DataFrame({
        "name": schools["name"], "short_name": schools["short_name"],
        "expected": schools["expected"].astype(int), "assessed": schools["assessed"].astype(int),
        "completeness": schools["completeness"],
        "status": submitted.where(submitted.notna(),
                                  schools["assessed"].gt(0).map({True: "получено", False: "не сдано"})),
    })
