"""Which roadmaps a unit runs, and which of their events it reports on.

A roadmap belongs to the authority whose order adopted it, for the school years it covers
(table ``roadmap_adoption``, migration 008): a municipality adopts its own plan, a region its
regional plan.  A unit runs the roadmaps it adopted and those its municipality or region
adopted, and reports on

* every event of a roadmap it adopted itself (the department runs its own plan whole, whoever
  the document names as responsible);
* of a roadmap adopted above it, the events that name its kind: a school the events on the
  schools (ОО), a municipality the events on the municipal departments (МОУО) — a regional plan
  tells municipalities and schools what to do, the rest is the ministry's and the institute's.

Nothing else is tracked for the unit: no execution, no overdue event, no link from an indicator
to an event of a roadmap nobody above it adopted.
"""

from __future__ import annotations

import re

import pandas as pd

from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch
from indicators.words import period_label

SCHOOL_MARKERS = ("ОО", "образовательные организации", "Общеобразовательные учреждения")


def is_school_event(responsible: object) -> bool:
    """An event the schools report on: its responsible names the schools (ОО)."""
    return any(m in str(responsible or "") for m in SCHOOL_MARKERS)


# -- responsible parties -----------------------------------------------------------------------
# The documents name the responsible in many ways («МОУО», «МКУ «Управление образования ЗАТО
# город Заозерск»», «Скорюпина И.И., заместитель начальника Управления образования…»); the app
# groups them into a short list so that one can ask "what is on the schools".
DEPARTMENT = "Управление образования"
PARTIES = (
    (DEPARTMENT, re.compile(
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


def is_municipal_event(responsible: object) -> bool:
    """An event the municipal departments report on: its responsible names them (МОУО)."""
    return DEPARTMENT in parties(responsible)


def follows(kind: str, own: bool, responsible: object) -> bool:
    """Whether a unit of ``kind`` reports on an event of a roadmap it adopted itself (``own``)
    or that its municipality or region adopted."""
    if own:
        return True
    if kind == "school":
        return is_school_event(responsible)
    return kind == "municipality" and is_municipal_event(responsible)


# -- reads ------------------------------------------------------------------------------------

ROADMAP_COLUMNS = ["direction_id", "title", "short_title", "authority", "adopted_by",
                   "adopted_by_name", "own", "year_from", "year_to", "basis"]


def adopted_roadmaps(db: Database, unit_id: str, period: int | None = None) -> pd.DataFrame:
    """The roadmaps ``unit_id`` runs (adopted by it, its municipality or its region), its own
    first, then its municipality's, then its region's; with ``period``, only those whose
    adoption covers that school year.  ``year_from``/``year_to`` are the school years covered."""
    frame = db.read(
        """
        SELECT r.direction_id, d.title, coalesce(d.short_title, d.id) AS short_title, d.authority,
               r.adopted_by, a_u.short_name AS adopted_by_name, r.own, r.year_from, r.year_to,
               a.basis, CASE WHEN r.own THEN 0 WHEN r.adopted_by = u.parent_id THEN 1 ELSE 2 END AS depth
        FROM unit_roadmap([$u]) r
        JOIN direction d ON d.id = r.direction_id
        JOIN org_unit u ON u.id = r.unit_id
        JOIN org_unit a_u ON a_u.id = r.adopted_by
        JOIN roadmap_adoption a ON a.unit_id = r.adopted_by AND a.direction_id = r.direction_id
        WHERE EXISTS (SELECT 1 FROM roadmap_event e WHERE e.direction_id = d.id)
          AND ($p IS NULL OR ((r.year_from IS NULL OR $p >= r.year_from)
                              AND (r.year_to IS NULL OR $p <= r.year_to)))
        ORDER BY depth, r.direction_id
        """,
        {"u": unit_id, "p": None if period is None else int(period)},
    )
    # Adopted by the unit and by an ancestor: the unit's own adoption rules (it runs it whole).
    frame = frame.drop_duplicates("direction_id", keep="first")
    return frame[ROADMAP_COLUMNS].reset_index(drop=True)


def adoption_years(row: pd.Series | dict) -> list[int]:
    """The school years one adoption row covers (empty when open-ended: no span known)."""
    lo, hi = row["year_from"], row["year_to"]
    if pd.isna(lo) or pd.isna(hi):
        return []
    return list(range(int(lo), int(hi) + 1))


def unit_events(db: Database, unit_id: str, period: int | None = None,
                direction_id: str | None = None) -> pd.DataFrame:
    """The roadmap events ``unit_id`` reports on (in ``period``, when given; of one roadmap, when
    ``direction_id`` is given), in the document's order, with the roadmap's title and whether the
    unit adopted it itself."""
    maps = adopted_roadmaps(db, unit_id, period)
    if direction_id is not None:
        maps = maps[maps["direction_id"] == direction_id]
    kind = db.scalar("SELECT kind FROM org_unit WHERE id = ?", [unit_id])
    events = db.read(
        "SELECT e.id, e.direction_id, e.section, e.number, e.title, e.deadline, e.responsible, "
        "e.planned_result, e.ord FROM roadmap_event e WHERE list_contains(?, e.direction_id) "
        "ORDER BY e.direction_id, e.ord", [list(maps["direction_id"])])
    events = events.merge(maps[["direction_id", "title", "short_title", "own"]].rename(
        columns={"title": "direction"}), on="direction_id")
    keep = pd.Series([follows(kind, bool(own), r) for own, r in zip(events["own"], events["responsible"])],
                     index=events.index, dtype=bool)
    order = {d: n for n, d in enumerate(maps["direction_id"])}
    events = events[keep]
    events = events.assign(_o=events["direction_id"].map(order))
    return events.sort_values(["_o", "ord"]).drop(columns="_o").reset_index(drop=True)


def tracked_event_ids(db: Database, unit_id: str, period: int) -> set[str]:
    """The ids of the events ``unit_id`` reports on in ``period``."""
    return tracked_by_unit(db, [unit_id], period).get(unit_id, set())


def tracked_by_unit(db: Database, unit_ids: list[str], period: int) -> dict[str, set[str]]:
    """Unit → the ids of the events it reports on in ``period``, for many units at once (an
    import of a thousand schools asks once, not a thousand times)."""
    maps = db.read(
        "SELECT unit_id, unit_kind, direction_id, bool_or(own) AS own FROM unit_roadmap($u) "
        "WHERE (year_from IS NULL OR $p >= year_from) AND (year_to IS NULL OR $p <= year_to) "
        "GROUP BY ALL", {"u": sorted(set(unit_ids)), "p": int(period)})
    events = db.read("SELECT id, direction_id, responsible FROM roadmap_event "
                     "WHERE list_contains(?, direction_id)", [sorted(set(maps["direction_id"]))])
    by_direction = {d: list(zip(g["id"], g["responsible"])) for d, g in events.groupby("direction_id")}
    out: dict[str, set[str]] = {u: set() for u in unit_ids}
    for unit, kind, direction, own in maps.itertuples(index=False):
        out[unit] |= {e for e, resp in by_direction.get(direction, []) if follows(kind, bool(own), resp)}
    return out


class EventsRun:
    """``runs(unit, year)``: the events a unit reports on that year, asked once per year for all
    of ``unit_ids`` (an import's check of a thousand schools' rows)."""

    def __init__(self, db: Database, unit_ids) -> None:
        self.db, self.unit_ids, self.years = db, sorted(set(unit_ids)), {}

    def __call__(self, unit_id: str, year: int) -> set[str]:
        if year not in self.years:
            self.years[year] = tracked_by_unit(self.db, self.unit_ids, year)
        return self.years[year].get(unit_id, set())


def adoptions(db: Database) -> pd.DataFrame:
    """Every adoption recorded, for the command line: who, which roadmap, which school years."""
    return db.read(
        "SELECT a.unit_id, u.short_name AS unit, u.kind, a.direction_id, "
        "coalesce(d.short_title, d.id) AS roadmap, coalesce(a.period_from, d.period_from - 1) AS year_from, "
        "coalesce(a.period_to, d.period_to) AS year_to, a.basis "
        "FROM roadmap_adoption a JOIN org_unit u ON u.id = a.unit_id "
        "JOIN direction d ON d.id = a.direction_id ORDER BY u.kind DESC, u.ord, a.unit_id, a.direction_id")


# -- the write ---------------------------------------------------------------------------------

class AdoptionError(ValueError):
    """An adoption that names an unknown unit or roadmap, or school years out of order (Russian)."""


def adopt(db: Database, rows: pd.DataFrame, user: Actor, source: str = "adoption") -> int:
    """Record that units adopted roadmaps (``rows``: unit_id, direction_id, and optionally
    period_from, period_to — school years, by default the roadmap's own span — and basis),
    through the write door; logged.  Returns the rows written (new or changed)."""
    rows = rows.copy()
    for col in ("period_from", "period_to", "basis"):
        if col not in rows:
            rows[col] = None
    units = dict(db.rows("SELECT id, kind FROM org_unit"))
    span = {d: (lo, hi) for d, lo, hi in db.rows(
        "SELECT id, period_from - 1, period_to FROM direction d "
        "WHERE EXISTS (SELECT 1 FROM roadmap_event e WHERE e.direction_id = d.id)")}
    out = []
    for r in rows.itertuples():
        if r.unit_id not in units:
            raise AdoptionError(f"организация «{r.unit_id}» не найдена.")
        if units[r.unit_id] == "school":
            raise AdoptionError("дорожную карту принимает управление образования или регион, "
                                f"а «{r.unit_id}» — школа: школы выполняют её мероприятия для ОО.")
        if r.direction_id not in span:
            raise AdoptionError(f"дорожная карта «{r.direction_id}» не найдена в каталоге; есть: "
                                f"{', '.join(sorted(span))}.")
        lo = span[r.direction_id][0] if pd.isna(r.period_from) else int(r.period_from)
        hi = span[r.direction_id][1] if pd.isna(r.period_to) else int(r.period_to)
        if lo is not None and hi is not None and lo > hi:
            raise AdoptionError(f"начало ({period_label(lo)}) позже окончания ({period_label(hi)}).")
        out.append(dict(unit_id=r.unit_id, direction_id=r.direction_id, period_from=lo,
                        period_to=hi, basis=None if pd.isna(r.basis) else str(r.basis)))
    with batch(db, user, source) as b:
        result = b.upsert("roadmap_adoption", ["unit_id", "direction_id"],
                          ["period_from", "period_to", "basis"], pd.DataFrame(out, dtype=object))
    return result.written
