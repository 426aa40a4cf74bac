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
    persistent_gaps,
    selection_status,
    unlinked_values,
)
from indicators.store.database import Database
from indicators.views.common import school_scope
from indicators.views.scope import Scope
from indicators.words import STATUS_LABELS


@dataclass(frozen=True)
class Choice:
    key: str                 # a criterion id or an indicator code
    label: str               # what the picker shows
    title: str               # what the page title says
    codes: tuple[str, ...]   # the school indicators it covers
    short: str = ""          # what a chart title says (the page heading has the full name)


def indicator_choices(db: Database, direction: str | None = None,
                      period: int | None = None) -> list[Choice]:
    """The picker's options: each group of criteria, then each school indicator — with a
    ``period``, only those in force that school year (a retired indicator is gone from the
    years after its last period; a group stays while one of its indicators is in force, and
    keeps all its codes so that its earlier years read as they were)."""
    frame = db.read(
        """
        SELECT i.id AS code, i.title, c.id AS criterion_id, c.title AS criterion, c.ord AS c_ord,
               ($p IS NULL OR (i.first_period <= $p AND (i.last_period IS NULL OR $p <= i.last_period)))
                   AS in_force
        FROM indicator i JOIN criterion c ON c.id = i.criterion_id
        WHERE i.level = 'school' AND ($d IS NULL OR i.direction_id = $d)
        ORDER BY c.ord, i.ord, i.id
        """,
        {"d": direction, "p": None if period is None else int(period)},
    )
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


def indicator_view(db: Database, scope: Scope, key: str) -> IndicatorView:
    """The criterion or indicator ``key`` across the scope's schools and every year."""
    period, municipality_id = scope.period, scope.municipality_id
    choice = next((c for c in indicator_choices(db, scope.direction, period) if c.key == key), None)
    if choice is None:
        raise KeyError(key)
    kept = school_scope(db, scope)
    statuses = selection_status(db, periods(db), choice.codes, parent_id=municipality_id)
    statuses = statuses[statuses["org_unit_id"].isin(kept)].reset_index(drop=True)
    statuses["status_label"] = statuses["status"].map(STATUS_LABELS)

    gaps = persistent_gaps(db, period, parent_id=municipality_id)
    gaps = gaps[gaps["indicator_id"].isin(choice.codes)]
    gap_codes = gaps.groupby("org_unit_id")["indicator_id"].agg(", ".join)
    current = statuses[statuses["period"] == period].copy()
    current["gap_codes"] = current["org_unit_id"].map(gap_codes)
    order = {s: n for n, s in enumerate(("no_data", "not_met", "partial"))}
    not_meeting = current[current["status"].isin(order)].copy()
    not_meeting["order"] = not_meeting["status"].map(order)
    not_meeting = (not_meeting.sort_values(["order", "short_name"])
                   .drop(columns="order").reset_index(drop=True))
    return IndicatorView(
        choice=choice,
        period=period,
        statuses=statuses,
        by_year=_by_year(statuses),
        current=current.reset_index(drop=True),
        not_meeting=not_meeting,
        coverage=_coverage(statuses),
        unlinked=_unlinked(db, period, choice.codes, municipality_id, current["org_unit_id"].tolist()),
    )


def indicator_ranking(db: Database, scope: Scope) -> pd.DataFrame:
    """Every school indicator of the year with how many schools meet it, least met first:
    the answer to "which indicators do most schools miss"."""
    period, municipality_id = scope.period, scope.municipality_id
    choices = [c for c in indicator_choices(db, scope.direction, period)
               if len(c.codes) == 1 and c.key == c.codes[0]]
    titles = {c.key: c.label for c in choices}
    kept = school_scope(db, scope)
    frame = selection_status(db, [period], list(titles), parent_id=municipality_id,
                             per_indicator=True)
    frame = frame[frame["org_unit_id"].isin(kept)]
    counts = (frame.groupby(["indicator_id", "status"]).size().unstack(fill_value=0)
              .reindex(index=list(titles), columns=list(SELECTION_STATUSES), fill_value=0))
    base = counts.drop(columns="not_applicable").sum(axis=1)
    out = counts.reset_index().rename(columns={"index": "indicator_id"}).rename_axis(None, axis=1)
    out.insert(1, "label", out["indicator_id"].map(titles))
    out["met_share"] = (counts["met"] / base.where(base > 0)).to_numpy()
    return out.sort_values(["met_share", "indicator_id"], na_position="last").reset_index(drop=True)


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


def _unlinked(db: Database, period: int, codes: tuple[str, ...], municipality_id: str,
              units: list[str]) -> pd.DataFrame:
    """Values above zero without a document link, as the school wrote it: the same values the
    coverage share counts as evidenced and not linked (``measures.selection``)."""
    frame = unlinked_values(db, period, codes, parent_id=municipality_id)
    return frame[frame["org_unit_id"].isin(units)].reset_index(drop=True)


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

