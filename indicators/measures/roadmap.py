"""Roadmap execution and overdue events, for one unit, roadmap and school year.

A unit is tracked only against the roadmaps it, its municipality or its region adopted, for
the school years the adoption covers, and only on the events it reports on
(``indicators.catalog.adoption``).  An event with no status for the unit and year is *no data*:
never in execution, never overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.catalog.adoption import (  # noqa: F401  (re-exported: the measures' vocabulary)
    PARTIES,
    SCHOOL_MARKERS,
    adopted_roadmaps,
    adoption_years,
    follows,
    is_municipal_event,
    is_school_event,
    parties,
    unit_events,
)
from indicators.catalog.deadlines import parse_deadline
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

EVENT_STATUS_ORDER = ("done", "in_progress", "not_done", "not_due")


@dataclass(frozen=True)
class Roadmap:
    direction_id: str
    title: str
    period: int
    unit_id: str
    years: list[int]            # the school years the unit runs it (its adoption's)
    events: pd.DataFrame        # this year's events with status, due date, overdue, parties
    history: pd.DataFrame       # event × year: status, overdue (the timeline)
    by_section: pd.DataFrame    # section: events, done, counted, execution
    by_year: pd.DataFrame       # year: done, counted, execution
    by_school: pd.DataFrame     # school: done, counted, execution (school events, this year)
    undated: pd.DataFrame       # events whose deadline text gives no date and none was set

    def _execution(self, period: int) -> float | None:
        row = self.by_year[self.by_year["period"] == period]
        return None if row.empty else row["execution"].iloc[0]

    @property
    def execution(self) -> float | None:
        return self._execution(self.period)

    @property
    def change(self) -> float | None:
        """Execution minus last year's (None when either year has none)."""
        now, before = self._execution(self.period), self._execution(self.period - 1)
        return None if now is None or before is None else now - before

    @property
    def overdue(self) -> pd.DataFrame:
        return self.events[self.events["overdue"].fillna(False).astype(bool)]


def _execution(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Done / counted, where counted = events with a status other than «срок не наступил»."""
    counted = frame[frame["status"].isin(("done", "in_progress", "not_done"))]
    counted = counted.assign(is_done=(counted["status"] == "done").astype(int))
    out = counted.groupby(by).agg(counted=("is_done", "size"), done=("is_done", "sum")).reset_index()
    out["execution"] = out["done"] / out["counted"]
    return out


def _sections(events: pd.DataFrame) -> pd.DataFrame:
    """Execution per section, sections in the document's order."""
    order = events.groupby("section")["ord"].min()
    out = _execution(events, ["section"]) if len(events) else pd.DataFrame(
        columns=["section", "counted", "done", "execution"])
    return out.assign(o=out["section"].map(order)).sort_values("o").drop(columns="o").reset_index(drop=True)


# Statuses that say the event was due and is not done: only these can be overdue.  No status is
# «нет данных»; «срок не наступил» is the unit's word that the deadline has not come.
LATE_STATUSES = ("in_progress", "not_done")
EVENT_COLUMNS = ["event_id", "section", "number", "title", "deadline", "responsible",
                 "planned_result", "ord"]


def _history(event_ids: pd.Series, years: list[int], statuses: pd.DataFrame, set_dates: dict,
             deadlines: dict, end, today: date) -> pd.DataFrame:
    """Event × year: the unit's status (``statuses``: event_id, period, status, …), the due
    date, and whether the event is *overdue* (see :func:`roadmap`)."""
    grid = pd.DataFrame({"event_id": event_ids.reset_index(drop=True)}).merge(
        pd.DataFrame({"period": pd.Series(years, dtype="int64")}), how="cross")
    grid = grid.merge(statuses, on=["event_id", "period"], how="left")
    grid["due"] = [set_dates.get((e, p)) or deadlines[e].due(p, end)
                   for e, p in zip(grid["event_id"], grid["period"])]
    first_done = grid[grid["status"] == "done"].groupby("event_id")["period"].min()
    one_off = {e for e, d in deadlines.items() if d.kind in ("dated", "period")}
    grid["overdue"] = pd.Series([
        status in LATE_STATUSES and due is not None and due < today
        and not (event in one_off and first_done.get(event, p + 1) < p)
        for event, p, due, status in zip(grid["event_id"], grid["period"], grid["due"], grid["status"])
    ], index=grid.index, dtype=bool)
    return grid


@dataclass(frozen=True)
class RoadmapYears:
    """One unit's roadmap over every school year it runs it: what does not depend on the year
    shown, read once (four statements), so that another year costs one statement."""
    direction_id: str
    title: str
    unit_id: str
    years: list[int]
    events: pd.DataFrame          # the events the unit reports on (EVENT_COLUMNS, parties, …)
    history: pd.DataFrame         # event × year: status, due, overdue
    unparsed: frozenset           # events whose deadline text gives no date
    dated: frozenset              # (event, year) pairs the specialist set a date for
    school_events: tuple          # the roadmap's events on the schools (ОО)


def roadmap_years(db: Database, direction_id: str, unit_id: str, today: date) -> RoadmapYears:
    """The roadmap for ``unit_id`` over the years its adoption covers, as of ``today``."""
    title, end = db.rows("SELECT title, period_to FROM direction WHERE id = ?", [direction_id])[0]
    adopted = adopted_roadmaps(db, unit_id)
    adopted = adopted[adopted["direction_id"] == direction_id]
    years = adoption_years(adopted.iloc[0]) if len(adopted) else []
    events = (unit_events(db, unit_id, None, direction_id).rename(columns={"id": "event_id"})
              if len(adopted) else pd.DataFrame(columns=EVENT_COLUMNS))
    events = events[EVENT_COLUMNS].reset_index(drop=True)
    events["section"] = events["section"].fillna("Мероприятия")
    events["parties"] = events["responsible"].map(parties)
    deadlines = {e: parse_deadline(t) for e, t in zip(events["event_id"], events["deadline"])}
    events["understood"] = [deadlines[e].describe() for e in events["event_id"]]
    statuses = db.read("SELECT event_id, period, status, evidence_url, done_on, comment "
                       "FROM event_status WHERE org_unit_id = ? AND list_contains(?, event_id) "
                       "AND list_contains(?, period)",
                       [unit_id, list(events["event_id"]), years])
    set_dates = {(e, p): d for e, p, d in db.rows("SELECT event_id, period, due_on FROM event_due")}
    grid = _history(events["event_id"], years, statuses, set_dates, deadlines, end, today)
    school_events = tuple(e for e, resp in db.rows("SELECT id, responsible FROM roadmap_event "
                                                   "WHERE direction_id = ?", [direction_id])
                          if is_school_event(resp))
    unparsed = frozenset(e for e in events["event_id"] if not deadlines[e].parsed)
    return RoadmapYears(direction_id, title, unit_id, years, events, grid.reset_index(drop=True),
                        unparsed, frozenset(set_dates), school_events)


def roadmap_of(part: RoadmapYears, period: int, by_school: pd.DataFrame) -> Roadmap:
    """The year ``period`` of a unit's roadmap: a slice of :func:`roadmap_years`, with the
    schools' execution that year (:func:`school_execution`)."""
    this_year = part.history[part.history["period"] == period].drop(columns=["period"])
    events = part.events.merge(this_year, on="event_id", how="left")
    events["overdue"] = events["overdue"].fillna(False).astype(bool)
    undated = events[[e in part.unparsed and (e, period) not in part.dated for e in events["event_id"]]]
    return Roadmap(
        direction_id=part.direction_id, title=part.title, period=period, unit_id=part.unit_id,
        years=part.years, events=events, history=part.history,
        by_section=_sections(events),
        by_year=_execution(part.history, ["period"]),
        by_school=by_school,
        undated=undated.reset_index(drop=True),
    )


def roadmap(db: Database, direction_id: str, period: int, unit_id: str, municipality_id: str,
            today: date | None = None) -> Roadmap:
    """One roadmap for one unit (the department or a school) and school year.

    The events are those the unit reports on, over the school years its (or its municipality's
    or region's) adoption covers — none when nobody above it adopted the roadmap.  An event is
    *overdue* when it is due by ``today`` (from its parsed deadline, or the date the specialist
    set), its status that year says it is in progress or not done, and — for a one-off event — it
    was not done in an earlier year.  No status is no data: never overdue.
    """
    part = roadmap_years(db, direction_id, unit_id, today or date.today())
    return roadmap_of(part, period, school_execution(db, period, municipality_id, part.years,
                                                     part.school_events))


def school_execution(db: Database, period: int, municipality_id: str, years: list[int],
                     school_events: tuple) -> pd.DataFrame:
    """Execution of the roadmap's school events (ОО) per school of the municipality this year —
    when the roadmap runs there that year (its schools follow what names ОО): one statement."""
    empty = pd.DataFrame(columns=["org_unit_id", "name", "short_name", "counted", "done", "execution"])
    if period not in years:
        return empty
    by_school = db.read(
        "SELECT s.org_unit_id, u.name, u.short_name, s.status FROM event_status s "
        "JOIN org_unit u ON u.id = s.org_unit_id WHERE u.kind = 'school' AND u.parent_id = ? "
        "AND s.period = ? AND list_contains(?, s.event_id)",
        [municipality_id, int(period), list(school_events)])
    if by_school.empty:
        return empty
    return (_execution(by_school, ["org_unit_id", "name", "short_name"])
            .sort_values("execution", ascending=False).reset_index(drop=True))


# The roadmaps a municipality runs in a school year, each event of them with what the council
# counts — one statement: the department's statuses (every year) and due dates set, and the
# schools' statuses this year counted per event.  The roadmaps shown are those an adoption
# covers that year (its own first, then its region's, as ``adopted_roadmaps(db, unit, period)``);
# the department follows each by its nearest adoption, whatever the year (as :func:`roadmap`).
_MUNICIPAL_SQL = """
WITH adoption AS (
    SELECT r.direction_id, r.own, r.year_from, r.year_to,
           CASE WHEN r.own THEN 0 WHEN r.adopted_by = u.parent_id THEN 1 ELSE 2 END AS depth
    FROM unit_roadmap([$m]) r JOIN org_unit u ON u.id = r.unit_id
    WHERE EXISTS (SELECT 1 FROM roadmap_event e WHERE e.direction_id = r.direction_id)
),
shown AS (
    SELECT direction_id, min(depth) AS depth FROM adoption
    WHERE (year_from IS NULL OR $p >= year_from) AND (year_to IS NULL OR $p <= year_to)
    GROUP BY direction_id
),
nearest AS (
    SELECT * FROM adoption QUALIFY row_number() OVER (PARTITION BY direction_id ORDER BY depth) = 1
),
department AS (
    SELECT event_id, list({'period': period, 'status': status}) AS statuses
    FROM event_status WHERE org_unit_id = $m GROUP BY event_id
),
dues AS (SELECT event_id, list({'period': period, 'due_on': due_on}) AS dues
         FROM event_due GROUP BY event_id),
schools AS (
    SELECT s.event_id, count(*) FILTER (WHERE s.status IN ('done', 'in_progress', 'not_done')) AS counted,
           count(*) FILTER (WHERE s.status = 'done') AS done
    FROM event_status s JOIN org_unit u ON u.id = s.org_unit_id
    WHERE u.kind = 'school' AND u.parent_id = $m AND s.period = $p GROUP BY s.event_id
)
SELECT d.id AS direction_id, d.title, coalesce(d.short_title, d.id) AS short_title,
       d.period_to, n.own, n.year_from, n.year_to, e.id AS event_id, e.deadline, e.responsible,
       coalesce(t.statuses, []) AS statuses, coalesce(x.dues, []) AS dues,
       coalesce(c.counted, 0) AS school_counted, coalesce(c.done, 0) AS school_done
FROM shown w
JOIN direction d ON d.id = w.direction_id
JOIN nearest n ON n.direction_id = w.direction_id
JOIN roadmap_event e ON e.direction_id = w.direction_id
LEFT JOIN department t ON t.event_id = e.id
LEFT JOIN dues x ON x.event_id = e.id
LEFT JOIN schools c ON c.event_id = e.id
ORDER BY w.depth, w.direction_id, e.ord
"""
MUNICIPAL_COLUMNS = ["direction_id", "title", "short_title", "department", "schools", "change",
                     "overdue", "done", "counted"]


def municipal_roadmaps(db: Database, municipality_id: str, period: int,
                       today: date | None = None) -> pd.DataFrame:
    """Each roadmap the municipality runs that year (its own, its region's), as :func:`roadmap`
    counts it for the department — its execution this year (``department``) and the change
    since last year, its overdue events, this year's done and counted events — and the
    schools' pooled execution of its school events (``schools``).  One statement."""
    today = today or date.today()
    frame = db.read(_MUNICIPAL_SQL, {"m": municipality_id, "p": int(period)})
    rows = []
    for direction_id, events in frame.groupby("direction_id", sort=False):
        first = events.iloc[0]
        years = adoption_years(first)
        mine = events[[follows("municipality", bool(first["own"]), r) for r in events["responsible"]]]
        deadlines = {e: parse_deadline(t) for e, t in zip(mine["event_id"], mine["deadline"])}
        statuses = pd.DataFrame(
            [(e, int(s["period"]), s["status"]) for e, found in zip(mine["event_id"], mine["statuses"])
             for s in found if int(s["period"]) in years],
            columns=["event_id", "period", "status"]).astype({"event_id": object, "period": "int64"})
        set_dates = {(e, int(d["period"])): d["due_on"] for e, found in zip(mine["event_id"], mine["dues"])
                     for d in found}
        end = None if pd.isna(first["period_to"]) else int(first["period_to"])
        grid = _history(mine["event_id"], years, statuses, set_dates, deadlines, end, today)
        by_year = _execution(grid, ["period"]).set_index("period")
        execution = by_year["execution"].to_dict()
        now, before = execution.get(period), execution.get(period - 1)
        school = events[events["responsible"].map(is_school_event)] if period in years else events.iloc[:0]
        done, counted = int(school["school_done"].sum()), int(school["school_counted"].sum())
        rows.append(dict(
            direction_id=direction_id, title=first["title"], short_title=first["short_title"],
            department=now, schools=done / counted if counted else None,
            change=None if now is None or before is None else now - before,
            overdue=int(grid.loc[grid["period"] == period, "overdue"].sum()),
            done=int(by_year["done"].get(period, 0)), counted=int(by_year["counted"].get(period, 0))))
    return pd.DataFrame(rows, columns=MUNICIPAL_COLUMNS)


def set_due_dates(db: Database, rows: pd.DataFrame, user: Actor) -> int:
    """The specialist's due dates for events without a date in their text (logged)."""
    rows = rows.dropna(subset=["due_on"])
    if rows.empty:
        return 0
    with batch(db, user, "edit") as b:
        result = b.upsert("event_due", ["event_id", "period"], ["due_on"], rows)
    return result.written
