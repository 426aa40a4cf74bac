"""Показатели: one criterion or one indicator across the schools and the years.

Answers "which indicators do most schools miss, and who": the share of schools meeting it per
year (no data kept apart), the schools that don't this year, a school × year matrix, the
claims that have no document behind them, and the gaps that have lasted two years.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.compliance import periods
from indicators.measures.selection import (
    SELECTION_STATUSES,
    Kept,
    kept_count,
    kept_ranking,
    kept_status,
    kept_year,
)
from indicators.measures.settings import Thresholds
from indicators.store.database import Database
from indicators.views.scope import Scope
from indicators.words import STATUS_LABELS


@dataclass(frozen=True)
class Choice:
    key: str                 # a criterion id or an indicator code
    label: str               # what the picker shows
    title: str               # what the page title says
    codes: tuple[str, ...]   # the school indicators it covers
    short: str = ""          # what a chart title says (the page heading has the full name)


def indicator_catalog(db: Database, direction: str | None = None) -> pd.DataFrame:
    """Every school indicator (of ``direction``) with its group of criteria and the school
    years it is in force: what the picker's options are cut from, read once per data version.
    Columns: code, title, criterion_id, criterion, first_period, last_period."""
    return db.read(
        """
        SELECT i.id AS code, i.title, c.id AS criterion_id, c.title AS criterion,
               i.first_period, i.last_period
        FROM indicator i JOIN criterion c ON c.id = i.criterion_id
        WHERE i.level = 'school' AND ($d IS NULL OR i.direction_id = $d)
        ORDER BY c.ord, i.ord, i.id
        """,
        {"d": direction},
    )


def choices_in_force(catalog: pd.DataFrame, period: int | None = None) -> list[Choice]:
    """The picker's options: each group of criteria, then each school indicator — with a
    ``period``, only those in force that school year (a retired indicator is gone from the
    years after its last period; a group stays while one of its indicators is in force, and
    keeps all its codes so that its earlier years read as they were)."""
    in_force = pd.Series(True, index=catalog.index) if period is None else (
        (catalog["first_period"] <= period)
        & (catalog["last_period"].isna() | (catalog["last_period"] >= period)))
    frame = catalog.assign(in_force=in_force.astype(bool))
    choices = []
    for (crit_id, crit), group in frame.groupby(["criterion_id", "criterion"], sort=False):
        now = tuple(group.loc[group["in_force"], "code"])
        if not now:
            continue
        span = now[0] if len(now) == 1 else f"{now[0]}–{now[-1]}"
        choices.append(Choice(crit_id, f"Группа: {crit} ({span})", f"группа «{crit}»",
                              tuple(group["code"]), f"группа «{crit}»"))
    for row in frame[frame["in_force"]].itertuples():
        choices.append(Choice(row.code, f"{row.code} · {row.title}", f"{row.code} «{row.title}»",
                              (row.code,), row.code))
    return choices


def indicator_choices(db: Database, direction: str | None = None,
                      period: int | None = None) -> list[Choice]:
    """:func:`choices_in_force` of the catalog (the page cuts them from the cached catalog)."""
    return choices_in_force(indicator_catalog(db, direction), period)


@dataclass(frozen=True)
class IndicatorView:
    choice: Choice
    period: int
    statuses: pd.DataFrame      # school × year: status, score_sum, max_sum, evidenced, linked
    by_year: pd.DataFrame       # year × status: count, share
    current: pd.DataFrame       # this year's schools with status and two-year gaps
    not_meeting: pd.DataFrame   # this year's schools that don't meet it, worst first
    coverage: pd.DataFrame      # per year: evidenced values, linked ones, share linked
    unlinked: pd.DataFrame      # this year's values above zero with no document link

    def count(self, status: str) -> int:
        return int((self.current["status"] == status).sum())

    def _met(self, period: int) -> float | None:
        row = self.by_year[(self.by_year["period"] == period) & (self.by_year["status"] == "met")]
        return None if row.empty or pd.isna(row["share"].iloc[0]) else row["share"].iloc[0]

    @property
    def met_share(self) -> float | None:
        """Share of the schools it applies to that meet it fully this year."""
        return self._met(self.period)

    @property
    def met_change(self) -> float | None:
        """Change of that share since last year (None when either year has none)."""
        now, before = self._met(self.period), self._met(self.period - 1)
        return None if now is None or before is None else now - before


def kept_schools(scope: Scope) -> Kept:
    """The schools the scope keeps (its schools and levels); the year plays a part only when a
    level is chosen, so that every year shares one :func:`indicator_history`."""
    return Kept(scope.municipality_id, scope.period if scope.levels else None, scope.school_ids,
                scope.levels, scope.direction)


@dataclass(frozen=True)
class IndicatorHistory:
    """A set of indicators across the kept schools and every year: the part of the page a new
    year shares with the years opened before."""
    statuses: pd.DataFrame      # school × year: status, score_sum, max_sum, evidenced, linked
    by_year: pd.DataFrame       # year × status: count, share
    coverage: pd.DataFrame      # per year: evidenced values, linked ones, share linked
    schools: int                # how many schools the filters keep (those with no value too)


def indicator_history(db: Database, kept: Kept, codes: tuple[str, ...],
                      periods_: tuple[int, ...] = (),
                      thresholds: Thresholds | None = None) -> IndicatorHistory:
    """The indicators ``codes`` across the kept schools in the school years ``periods_`` (all
    with data when empty) — one statement, given the school years and thresholds."""
    statuses = kept_status(db, periods_ or periods(db), codes, kept, thresholds)
    schools = int(statuses["kept"].iloc[0]) if len(statuses) else kept_count(db, kept, thresholds)
    statuses = statuses.drop(columns="kept")
    statuses["status_label"] = statuses["status"].map(STATUS_LABELS)
    return IndicatorHistory(statuses, _by_year(statuses), _coverage(statuses), schools)


@dataclass(frozen=True)
class IndicatorYear:
    """What the chosen year adds: the two-year gaps and the values without a document link."""
    choice: Choice
    period: int
    gaps: pd.Series             # org_unit_id → the codes not met two years running, «S03, S06»
    unlinked: pd.DataFrame      # this year's values above zero with no document link


_UNLINKED = ["org_unit_id", "short_name", "code", "title", "score", "max_score", "evidence_url"]


def indicator_year(db: Database, scope: Scope, choice: Choice,
                   thresholds: Thresholds | None = None) -> IndicatorYear:
    """The scope's year of ``choice`` — one statement, given the thresholds.  The unlinked
    values are those the coverage share counts as evidenced and not linked
    (``measures.selection``), so the list and the share can't disagree."""
    values = kept_year(db, scope.period, choice.codes, kept_schools(scope), thresholds)
    gaps = values[values["gap"]].groupby("org_unit_id", sort=False)["code"].agg(", ".join)
    return IndicatorYear(choice, scope.period, gaps,
                         values.loc[values["unlinked"], _UNLINKED].reset_index(drop=True))


def indicator_view_of(history: IndicatorHistory, year: IndicatorYear) -> IndicatorView:
    """The page's view: the history across the years and the chosen year's lists."""
    statuses = history.statuses
    current = statuses[statuses["period"] == year.period].copy()
    current["gap_codes"] = current["org_unit_id"].map(year.gaps)
    order = {s: n for n, s in enumerate(("no_data", "not_met", "partial"))}
    not_meeting = current[current["status"].isin(order)].copy()
    not_meeting["order"] = not_meeting["status"].map(order)
    not_meeting = (not_meeting.sort_values(["order", "short_name"])
                   .drop(columns="order").reset_index(drop=True))
    return IndicatorView(choice=year.choice, period=year.period, statuses=statuses,
                         by_year=history.by_year, current=current.reset_index(drop=True),
                         not_meeting=not_meeting, coverage=history.coverage,
                         unlinked=year.unlinked)


def indicator_view(db: Database, scope: Scope, key: str | Choice,
                   thresholds: Thresholds | None = None) -> IndicatorView:
    """The criterion or indicator ``key`` (or its :class:`Choice`) across the scope's schools
    and every year (the page asks for its two parts apart, each cached on its own)."""
    choice = key if isinstance(key, Choice) else next(
        (c for c in indicator_choices(db, scope.direction, scope.period) if c.key == key), None)
    if choice is None:
        raise KeyError(key)
    t = thresholds or Thresholds.from_db(db)
    return indicator_view_of(
        indicator_history(db, kept_schools(scope), choice.codes, scope.periods, t),
        indicator_year(db, scope, choice, t))


def indicator_ranking(db: Database, scope: Scope,
                      thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Every school indicator of the year with how many schools meet it, least met first:
    the answer to "which indicators do most schools miss" (one statement, given the
    thresholds)."""
    return kept_ranking(db, scope.period, kept_schools(scope), thresholds)


def _by_year(statuses: pd.DataFrame) -> pd.DataFrame:
    """Counts of schools per status and year.  The share is of the schools the indicator
    applies to (not-applicable ones are counted but left out of the base)."""
    counts = (statuses.groupby(["period", "status"]).size().unstack(fill_value=0)
              .reindex(columns=list(SELECTION_STATUSES), fill_value=0))
    base = counts.drop(columns="not_applicable").sum(axis=1)
    out = counts.stack().rename("count").reset_index()
    out["share"] = [
        None if s == "not_applicable" or base[p] == 0 else c / base[p]
        for p, s, c in zip(out["period"], out["status"], out["count"])
    ]
    return out


def _coverage(statuses: pd.DataFrame) -> pd.DataFrame:
    out = statuses.groupby("period")[["evidenced", "linked"]].sum().reset_index()
    out["share"] = [l / e if e else None for e, l in zip(out["evidenced"], out["linked"])]
    return out


def not_meeting_table(view: IndicatorView) -> pd.DataFrame:
    """The schools that don't meet it this year, for the page and its download."""
    data = view.not_meeting
    return pd.DataFrame({
        "Школа": data["name"],
        "Оценка": data["status_label"],
        "Балл": [_score(s, m) for s, m in zip(data["score_sum"], data["max_sum"])],
        "Два года подряд не выполняется": data["gap_codes"].astype(object).fillna(""),
    })


def unlinked_table(view: IndicatorView) -> pd.DataFrame:
    data = view.unlinked
    return pd.DataFrame({
        "Школа": data["short_name"],
        "Код": data["code"],
        "Показатель": data["title"],
        "Балл": [_score(s, m) for s, m in zip(data["score"], data["max_score"])],
        "Что указано вместо ссылки": data["evidence_url"].fillna("(пусто)"),
    })


def _score(score: float, max_score: float) -> str:
    if pd.isna(score):
        return "—"
    return f"{score:g} из {max_score:g}"

