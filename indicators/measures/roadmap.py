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


def roadmap(db: Database, direction_id: str, period: int, unit_id: str, municipality_id: str,
            today: date | None = None) -> Roadmap:
    """One roadmap for one unit (the department or a school) and school year.

    The events are those the unit reports on, over the school years its (or its municipality's
    or region's) adoption covers — none when nobody above it adopted the roadmap.  An event is
    *overdue* when it is due by ``today`` (from its parsed deadline, or the date the specialist
    set), its status that year says it is in progress or not done, and — for a one-off event — it
    was not done in an earlier year.  No status is no data: never overdue.
    """
    today = today or date.today()
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

    grid = events[["event_id"]].merge(pd.DataFrame({"period": pd.Series(years, dtype="int64")}),
                                      how="cross")
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
    this_year = grid[grid["period"] == period].drop(columns=["period"])
    events = events.merge(this_year, on="event_id", how="left")
    events["overdue"] = events["overdue"].fillna(False).astype(bool)
    undated = events[[not deadlines[e].parsed and (e, period) not in set_dates
                      for e in events["event_id"]]]

    return Roadmap(
        direction_id=direction_id, title=title, period=period, unit_id=unit_id, years=years,
        events=events, history=grid.reset_index(drop=True),
        by_section=_sections(events),
        by_year=_execution(grid, ["period"]),
        by_school=_by_school(db, direction_id, period, municipality_id, years),
        undated=undated.reset_index(drop=True),
    )


def _by_school(db: Database, direction_id: str, period: int, municipality_id: str,
               years: list[int]) -> pd.DataFrame:
    """Execution of the roadmap's school events (ОО) per school of the municipality this year —
    when the roadmap runs there that year (its schools follow what names ОО)."""
    empty = pd.DataFrame(columns=["org_unit_id", "name", "short_name", "counted", "done", "execution"])
    if period not in years:
        return empty
    school_events = [e for e, resp in db.rows("SELECT id, responsible FROM roadmap_event "
                                              "WHERE direction_id = ?", [direction_id])
                     if is_school_event(resp)]
    by_school = db.read(
        "SELECT s.org_unit_id, u.name, u.short_name, s.status FROM event_status s "
        "JOIN org_unit u ON u.id = s.org_unit_id WHERE u.kind = 'school' AND u.parent_id = ? "
        "AND s.period = ? AND list_contains(?, s.event_id)",
        [municipality_id, int(period), school_events])
    if by_school.empty:
        return empty
    return (_execution(by_school, ["org_unit_id", "name", "short_name"])
            .sort_values("execution", ascending=False).reset_index(drop=True))


def set_due_dates(db: Database, rows: pd.DataFrame, user: Actor) -> int:
    """The specialist's due dates for events without a date in their text (logged)."""
    rows = rows.dropna(subset=["due_on"])
    if rows.empty:
        return 0
    with batch(db, user, "edit") as b:
        result = b.upsert("event_due", ["event_id", "period"], ["due_on"], rows)
    return result.written
