"""Which roadmap events a unit reports on in a school year.

A roadmap runs over the calendar years of its direction (``period_from``–``period_to``); the
school year that starts the autumn before its first calendar year already belongs to it.  An
event is a school's to report when its responsible parties name the schools (ОО), and the
department's always.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.catalog.deadlines import parse_deadline
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

SCHOOL_MARKERS = ("ОО", "образовательные организации", "Общеобразовательные учреждения")


def is_school_event(responsible: object) -> bool:
    return any(m in str(responsible or "") for m in SCHOOL_MARKERS)


def events_in_force(db: Database, period: int) -> pd.DataFrame:
    """The events of every roadmap running in ``period``, with their direction's title."""
    return db.read(
        """
        SELECT e.id, e.direction_id, d.title AS direction, e.section, e.number, e.title,
               e.deadline, e.responsible, e.ord
        FROM roadmap_event e JOIN direction d ON d.id = e.direction_id
        WHERE (d.period_from IS NULL OR $p >= d.period_from - 1)
          AND (d.period_to IS NULL OR $p <= d.period_to)
        ORDER BY d.id, e.ord
        """,
        {"p": int(period)},
    )


# -- responsible parties -----------------------------------------------------------------------
# The documents name the responsible in many ways («МОУО», «МКУ «Управление образования ЗАТО
# город Заозерск»», «Скорюпина И.И., заместитель начальника Управления образования…»); the app
# groups them into a short list so that one can ask "what is on the schools".
PARTIES = (
    ("Управление образования", re.compile(
        r"управлени[еия] образования|\bМОУО\b|муниципальные органы управления образованием",
        re.IGNORECASE)),
    ("ОО", re.compile(r"\bОО\b|общеобразовательные учреждения|образовательные организации",
                      re.IGNORECASE)),
    ("ИРО", re.compile(r"\bИРО\b|институт развития образования", re.IGNORECASE)),
    ("Министерство", re.compile(r"\bМО ПК\b|\bМО\b|министерство образования", re.IGNORECASE)),
    ("Методическая служба", re.compile(r"\bЦРО\b|центр поддержки образования|методическ|АХЦСО",
                                       re.IGNORECASE)),
)


def parties(responsible: object) -> list[str]:
    """The short names of the parties an event's «Ответственный» text names."""
    text = str(responsible or "")
    found = [name for name, pattern in PARTIES if pattern.search(text)]
    return found or ["Другие"]


EVENT_STATUS_ORDER = ("done", "in_progress", "not_done", "not_due")


@dataclass(frozen=True)
class Roadmap:
    direction_id: str
    title: str
    period: int
    unit_id: str
    years: list[int]            # the school years the roadmap spans
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


def roadmap_years(db: Database, direction_id: str) -> list[int]:
    lo, hi = db.rows("SELECT period_from, period_to FROM direction WHERE id = ?", [direction_id])[0]
    have = [r[0] for r in db.rows("SELECT DISTINCT period FROM event_status s JOIN roadmap_event e "
                                  "ON e.id = s.event_id WHERE e.direction_id = ? ORDER BY 1",
                                  [direction_id])]
    span = list(range(lo - 1, hi + 1)) if lo and hi else []
    return sorted(set(span) | set(have))


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


def roadmap(db: Database, direction_id: str, period: int, unit_id: str, municipality_id: str,
            today: date | None = None) -> Roadmap:
    """One roadmap for one unit (the department or a school) and school year.

    An event is *overdue* when it is due by ``today`` (from its parsed deadline, or the date the
    specialist set) and not done — neither that year nor, for a one-off event, any year before.
    """
    today = today or date.today()
    title, end = db.rows("SELECT title, period_to FROM direction WHERE id = ?", [direction_id])[0]
    events = db.read("SELECT id AS event_id, section, number, title, deadline, responsible, "
                     "planned_result, ord FROM roadmap_event WHERE direction_id = ? ORDER BY ord",
                     [direction_id])
    kind = db.scalar("SELECT kind FROM org_unit WHERE id = ?", [unit_id])
    if kind == "school":
        events = events[events["responsible"].map(is_school_event)].reset_index(drop=True)
    events["section"] = events["section"].fillna("Мероприятия")
    events["parties"] = events["responsible"].map(parties)
    deadlines = {e: parse_deadline(t) for e, t in zip(events["event_id"], events["deadline"])}
    events["understood"] = [deadlines[e].describe() for e in events["event_id"]]
    years = roadmap_years(db, direction_id)
    statuses = db.read("SELECT event_id, period, status, evidence_url, done_on, comment "
                       "FROM event_status WHERE org_unit_id = ? AND list_contains(?, event_id)",
                       [unit_id, list(events["event_id"])])
    set_dates = {(e, p): d for e, p, d in db.rows("SELECT event_id, period, due_on FROM event_due")}

    grid = events[["event_id"]].merge(pd.DataFrame({"period": years}), how="cross")
    grid = grid.merge(statuses, on=["event_id", "period"], how="left")
    grid["due"] = [set_dates.get((e, p)) or deadlines[e].due(p, end)
                   for e, p in zip(grid["event_id"], grid["period"])]
    first_done = grid[grid["status"] == "done"].groupby("event_id")["period"].min()
    one_off = {e for e, d in deadlines.items() if d.kind in ("dated", "period")}
    grid["overdue"] = [
        due is not None and due < today and status != "done"
        and not (event in one_off and first_done.get(event, p + 1) < p)
        for event, p, due, status in zip(grid["event_id"], grid["period"], grid["due"], grid["status"])
    ]
    this_year = grid[grid["period"] == period].drop(columns=["period"])
    events = events.merge(this_year, on="event_id", how="left")
    undated = events[[not deadlines[e].parsed and (e, period) not in set_dates
                      for e in events["event_id"]]]

    school_events = [e for e, r in zip(events["event_id"], events["responsible"]) if is_school_event(r)]
    by_school = db.read(
        "SELECT s.org_unit_id, u.name, u.short_name, s.status FROM event_status s "
        "JOIN org_unit u ON u.id = s.org_unit_id WHERE u.kind = 'school' AND u.parent_id = ? "
        "AND s.period = ? AND list_contains(?, s.event_id)",
        [municipality_id, int(period), school_events])
    by_school = (_execution(by_school, ["org_unit_id", "name", "short_name"])
                 .sort_values("execution", ascending=False).reset_index(drop=True)
                 if len(by_school) else by_school.assign(counted=0, done=0, execution=None))
    return Roadmap(
        direction_id=direction_id, title=title, period=period, unit_id=unit_id, years=years,
        events=events, history=grid.reset_index(drop=True),
        by_section=_sections(events),
        by_year=_execution(grid, ["period"]), by_school=by_school,
        undated=undated.reset_index(drop=True),
    )


def set_due_dates(db: Database, rows: pd.DataFrame, user: Actor) -> int:
    """The specialist's due dates for events without a date in their text (logged)."""
    rows = rows.dropna(subset=["due_on"])
    if rows.empty:
        return 0
    with batch(db, user, "edit") as b:
        result = b.upsert("event_due", ["event_id", "period"], ["due_on"], rows)
    return result.written
