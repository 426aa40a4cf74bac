"""Объективность: where a municipality's ВПР results show signs of unobjective assessment
(«признаки необъективности» — a reason to look and to help, never a verdict).

Split so that a new selection asks little of DuckDB: :func:`objectivity_year` reads the
municipality's year once (the schools' results and the schools with signs two years running,
from ``measures.objectivity``); :func:`objectivity_years` the index over every school year, once
per municipality whichever year is shown; :func:`combine` puts the two together for the year
shown.  :func:`school_card` asks for one school's one test only.  :func:`objectivity_view` is
the three in one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from indicators.measures.objectivity import (
    ObjectivitySettings, cohort, journal_vs_test, objectivity_index, risk_of, school_results, school_risk,
    score_distribution,
)
from indicators.store.database import Database
from indicators.views.scope import Scope
from indicators.words import VPR_REFERENCE_LABELS, VPR_SUBJECTS, period_label

MATRIX_COLUMNS = ["org_unit_id", "name", "short_name", "subject", "grade", "test", "test_ord", "participants",
                  "small", "mean_pct", "signs", "reasons"]
RISK_COLUMNS = ["org_unit_id", "name", "short_name", "signs_this_year", "signs_last_year", "both_years", "subjects"]
TREND_COLUMNS = ["period", "schools", "flagged", "index", "reference", "reference_word"]


def test_label(subject: str, grade: int) -> str:
    """«Математика, 4 кл.»"""
    return f"{VPR_SUBJECTS.get(subject, subject)}, {int(grade)} кл."


def _test_ord(subject: str, grade: int) -> int:
    order = list(VPR_SUBJECTS)
    return int(grade) * 100 + (order.index(subject) if subject in order else 99)


def reference_word(reference: object) -> str:
    """«регион» or «муниципалитет» (the municipality when nothing is known)."""
    return VPR_REFERENCE_LABELS.get(reference, VPR_REFERENCE_LABELS["municipality"])


@dataclass(frozen=True)
class ObjectivityYear:
    """The municipality's one school year: every school × test, and the schools' signs."""
    period: int
    results: pd.DataFrame        # measures.objectivity.school_results
    risk: pd.DataFrame           # measures.objectivity.school_risk


@dataclass(frozen=True)
class ObjectivityView:
    period: int
    has_data: bool               # any ВПР result loaded for the year
    index: dict                  # schools, flagged, index, reference, change (from last year)
    reference_word: str          # «регион» / «муниципалитет»: what the schools are compared with
    matrix: pd.DataFrame         # MATRIX_COLUMNS: one row per school × test, flagged schools first
    flagged: pd.DataFrame        # RISK_COLUMNS of the schools with at least one sign this year
    two_years: pd.DataFrame      # RISK_COLUMNS of the schools with signs this year and last
    trend: pd.DataFrame          # TREND_COLUMNS, the years up to the one shown that have results
    results: pd.DataFrame        # school_results as the measure gives it (the card's pickers)

    @property
    def flagged_cells(self) -> pd.DataFrame:
        """The matrix's cells with at least one sign (their reasons in words)."""
        return self.matrix[self.matrix["signs"] > 0].reset_index(drop=True)


def objectivity_year(db: Database, scope: Scope, settings: ObjectivitySettings | None = None) -> ObjectivityYear:
    """The schools' results and risk of the scope's municipality and year."""
    where = dict(municipality_id=scope.municipality_id, region_id=None if scope.municipality_id else scope.region_id,
                 settings=settings)
    results = school_results(db, scope.period, **where)
    return ObjectivityYear(scope.period, results, school_risk(db, scope.period, results=results, **where))


def objectivity_years(db: Database, municipality_id: str, periods: tuple[int, ...],
                      settings: ObjectivitySettings | None = None) -> pd.DataFrame:
    """The objectivity index of every school year that has results (TREND_COLUMNS), in one
    statement: the municipality's results of all the years at once (a year without results has
    no rows)."""
    return years_of(school_results(db, [int(p) for p in periods], municipality_id=municipality_id,
                                   settings=settings), periods)


def municipality_results(db: Database, municipality_id: str, periods: tuple[int, ...],
                         settings: ObjectivitySettings | None = None) -> pd.DataFrame:
    """The municipality's school_results of every year of ``periods`` and the year before the
    first, in one statement: :func:`year_of` and :func:`years_of` read it without DuckDB, so a
    new year of a municipality already shown asks nothing."""
    years = sorted({int(p) for p in periods} | {int(p) - 1 for p in periods})
    return school_results(db, years, municipality_id=municipality_id, settings=settings)


def year_of(results: pd.DataFrame, period: int) -> ObjectivityYear:
    """:func:`objectivity_year` of a municipality from its :func:`municipality_results`."""
    this = results[results["period"] == int(period)].reset_index(drop=True)
    if this["cohort_direction"].isna().all():  # as a year read alone has it: None, not NaN
        this["cohort_direction"] = pd.Series([None] * len(this), dtype=object)
    return ObjectivityYear(int(period), this, risk_of(results, int(period)))


def years_of(results: pd.DataFrame, periods: tuple[int, ...]) -> pd.DataFrame:
    """:func:`objectivity_years` from results read for (at least) those years."""
    rows = []
    by_year = {int(p): frame for p, frame in results.groupby("period")}
    for period in [int(p) for p in periods if int(p) in by_year]:
        found = objectivity_index(None, period, results=by_year[period])
        if found and found.get("schools"):
            rows.append(dict(period=int(period), schools=int(found["schools"]), flagged=int(found["flagged"]),
                             index=float(found["index"]), reference=found.get("reference"),
                             reference_word=reference_word(found.get("reference"))))
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def _matrix(results: pd.DataFrame) -> pd.DataFrame:
    if results.empty:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    frame = results.assign(
        test=[test_label(s, g) for s, g in zip(results["subject"], results["grade"])],
        test_ord=[_test_ord(s, g) for s, g in zip(results["subject"], results["grade"])],
        signs=results["signs"].fillna(0).astype(int),
        reasons=[list(r) if isinstance(r, (list, tuple)) or hasattr(r, "tolist") else [] for r in results["reasons"]],
    )
    total = frame.groupby("org_unit_id")["signs"].transform("sum")
    frame = frame.assign(_total=total).sort_values(["_total", "short_name", "test_ord"],
                                                   ascending=[False, True, True], kind="stable")
    return frame[MATRIX_COLUMNS].reset_index(drop=True)


def combine(year: ObjectivityYear, trend: pd.DataFrame, period: int) -> ObjectivityView:
    """The year shown, from its part and the index over the years."""
    this = trend[trend["period"] == period]
    has_data = not year.results.empty
    if len(this):
        row = this.iloc[0]
        index = dict(schools=int(row["schools"]), flagged=int(row["flagged"]), index=float(row["index"]),
                     reference=row["reference"])
    else:
        index = dict(schools=0, flagged=0, index=None, reference=None)
    before = trend[trend["period"] == period - 1]
    index["change"] = (index["index"] - float(before.iloc[0]["index"])
                       if index["index"] is not None and len(before) else None)
    risk = year.risk.reindex(columns=RISK_COLUMNS)
    flagged = risk[risk["signs_this_year"].fillna(0).astype(int) > 0].reset_index(drop=True)
    two = risk[risk["both_years"].fillna(False).astype(bool)].reset_index(drop=True)
    return ObjectivityView(
        period=period, has_data=has_data, index=index, reference_word=reference_word(index["reference"]),
        matrix=_matrix(year.results), flagged=flagged, two_years=two,
        trend=trend[trend["period"] <= period].reset_index(drop=True), results=year.results,
    )


def objectivity_view(db: Database, scope: Scope, settings: ObjectivitySettings | None = None) -> ObjectivityView:
    """Everything the page shows for the scope's municipality and year."""
    return combine(objectivity_year(db, scope.municipal(), settings),
                   objectivity_years(db, scope.municipality_id, tuple(scope.periods) or (scope.period,), settings),
                   scope.period)


def for_schools(data: ObjectivityView, school_ids: tuple[str, ...] | None) -> ObjectivityView:
    """The view narrowed to some schools (a school's operator sees its own; the sidebar's
    choice of schools); the municipality's index stays whole.  None: every school."""
    if school_ids is None:
        return data
    keep = set(school_ids)

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["org_unit_id"].isin(keep)].reset_index(drop=True)
    return replace(data, matrix=only(data.matrix), flagged=only(data.flagged), two_years=only(data.two_years),
                   results=only(data.results))


def card_choices(data: ObjectivityView) -> tuple[dict, dict]:
    """The card's pickers: {school id: short name} (flagged schools first) and, per school,
    {«subject|grade»: «Математика, 4 кл.»} (its tests with signs first)."""
    schools: dict = {}
    tests: dict = {}
    for r in data.matrix.sort_values(["signs"], ascending=False, kind="stable").itertuples(index=False):
        schools.setdefault(r.org_unit_id, r.short_name)
    for r in data.matrix.sort_values(["signs", "test_ord"], ascending=[False, True], kind="stable").itertuples(index=False):
        tests.setdefault(r.org_unit_id, {})[f"{r.subject}|{int(r.grade)}"] = r.test
    return schools, tests


def cell(data: ObjectivityView, school_id: str, subject: str, grade: int) -> dict:
    """The matrix's cell of one school's test (signs, reasons, participants…); {} when none."""
    m = data.matrix
    found = m[(m["org_unit_id"] == school_id) & (m["subject"] == subject) & (m["grade"] == int(grade))]
    return found.iloc[0].to_dict() if len(found) else {}


# -- one school's one test ---------------------------------------------------------------------

@dataclass(frozen=True)
class SchoolCard:
    school_id: str
    subject: str
    grade: int
    test: str                    # «Математика, 4 кл.»
    distribution: pd.DataFrame   # score, count
    scale: pd.DataFrame          # mark, min_score, max_score, test_max of the test's year
    points: pd.DataFrame         # journal_mark, score, count
    cohort: pd.DataFrame         # COHORT_COLUMNS: grade N of year Y, then N+1 of Y+1 (or empty)


def school_card(db: Database, scope: Scope, school_id: str, subject: str, grade: int) -> SchoolCard:
    """One school's one test this year: its scores against the mark boundaries, its journal
    marks against the scores, and its cohort over two years."""
    grade = int(grade)
    dist = score_distribution(db, school_id, scope.period, subject, grade)
    points = journal_vs_test(db, school_id, scope.period, subject, grade)
    return SchoolCard(
        school_id=school_id, subject=subject, grade=grade, test=test_label(subject, grade),
        distribution=_distribution(dist), scale=_scale(dist), points=_points(points),
        cohort=_cohort(cohort(db, school_id, scope.period, subject), grade, scope.period),
    )


def _distribution(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"participants": "count"})[["score", "count"]].reset_index(drop=True)


def _scale(frame: pd.DataFrame) -> pd.DataFrame:
    """The test's scale, read off the distribution (every score from 0 to the maximum carries
    its mark when the scale is loaded): mark, min_score, max_score, test_max."""
    marked = frame.dropna(subset=["mark"])
    if marked.empty:
        return pd.DataFrame(columns=["mark", "min_score", "max_score", "test_max"])
    scale = marked.groupby("mark", as_index=False).agg(min_score=("score", "min"), max_score=("score", "max"))
    return scale.assign(mark=scale["mark"].astype(int), test_max=float(frame["score"].max()))


def _points(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns={"primary_score": "score", "participants": "count"})
    frame = frame.groupby(["journal_mark", "score"], as_index=False)["count"].sum()
    return frame[["journal_mark", "score", "count"]].reset_index(drop=True)


COHORT_COLUMNS = ["label", "period", "grade", "participants", "mean_pct", "k"]


def _cohort(frame: pd.DataFrame, grade: int, period: int) -> pd.DataFrame:
    """The test's cohort in two neighbouring years: grade N of year Y, then grade N+1 of Y+1 —
    the one that starts this year when the next year is loaded, else the one that ends this
    year.  Empty when neither is complete."""
    starts = frame[(frame["period"] == period) & (frame["grade"] == grade) & frame["next_mean_pct"].notna()]
    ends = frame[(frame["period"] == period - 1) & (frame["grade"] == grade - 1) & frame["next_mean_pct"].notna()]
    found = starts if len(starts) else ends
    if found.empty:
        return pd.DataFrame(columns=COHORT_COLUMNS)
    r = found.iloc[0]
    rows = [(int(r["period"]), int(r["grade"]), r["participants"], r["mean_pct"]),
            (int(r["next_period"]), int(r["next_grade"]), r["next_participants"], r["next_mean_pct"])]
    return pd.DataFrame([dict(label=f"{g} кл., {period_label(p)}", period=p, grade=g, participants=int(n),
                              mean_pct=float(m), k=float(r["k"])) for p, g, n, m in rows], columns=COHORT_COLUMNS)
