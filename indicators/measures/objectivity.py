"""Objectivity of ВПР results: Rosobrnadzor's signs per school, subject, grade and year.

The method («Уровень объективности оценки образовательных результатов в субъекте РФ»; see
/work/shared/research/vpr.md) marks a school with *signs* of unobjective results — never a
verdict, and ВПР results do not evaluate teachers.  Per school × subject × grade × school year:

(a) **results above the reference** (``sign_high``): the lower bound of the school's 95 %
    confidence interval of the mean primary score lies above the upper bound of the
    reference's.  Both intervals are mean ± t·sd/√n (t = ``vpr_ci_t``, sample sd) over the
    *present* participants (the absent excluded); the reference's interval is over all the
    participants of the reference pooled — the mean of participants, not of school means — as
    the method has it.  The reference is the region when its protocols of that subject, grade
    and year are loaded (more than one municipality has them), otherwise the municipality.
(b) **marks that contradict the test** (``sign_contradiction``): Spearman's rank correlation
    between the journal mark and the primary score over the participants who have both is
    below ``vpr_rank_corr_max`` (0: negative).  Ranks are average ranks (ties share the mean of
    their ranks); the correlation is undefined (NaN) when either variable is constant or fewer
    than ``vpr_min_participants`` participants have both.
(c) **a sharp change in the same cohort** (``sign_cohort``): K = S(N, Y) ÷ S(N+1, Y+1), S the
    school's mean % completed (primary score ÷ the test's maximum ``test_max`` of the
    ``vpr_scale``; no scale → no S), both groups at least ``vpr_min_participants``.  The fences
    are P25 − c·IQR and P75 + c·IQR (c = ``vpr_cohort_iqr``, quantile_cont) over the K of the
    reference's schools, computed only from ``vpr_cohort_min_schools`` schools on.  K above the
    upper fence: a *drop* (the cohort did worse a year later — grade N's results look inflated);
    below the lower: a *rise*.  The sign belongs to grade N of year Y (it needs year Y+1).
(d) **peaks of primary scores at a mark boundary** (``sign_peak``) — *our definition*, the method
    publishes no formula: for each boundary b (the min_score of marks 3, 4 and 5 in the scale),
    excess = (count(score = b) + 1) ÷ (mean(count(score = b−1), count(score = b−2)) + 1); a sign
    when excess ≥ ``vpr_peak_ratio`` and count(score = b) ≥ ``vpr_peak_min``.

A group smaller than ``vpr_min_participants`` is said to be small and never flagged; a school
with only the report tables (``vpr_school_report``) has its mark shares from them and no sign.

A school's risk is its signs this year and last; the objectivity index of a municipality or a
region is 100 − the % of its schools with at least one sign.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.measures.objectivity_detail import (cohort, journal_vs_test, mark_distribution,
                                                    score_distribution)
from indicators.measures.objectivity_sql import RESULTS
from indicators.store.database import Database
from indicators.words import VPR_SIGN_LABELS, VPR_SUBJECTS, period_label

__all__ = ["ObjectivitySettings", "school_results", "school_risk", "risk_of", "objectivity_index",
           "score_distribution", "journal_vs_test", "cohort", "mark_distribution", "SIGNS"]

SIGNS = ("high", "contradiction", "cohort", "peak")
_OF_REFERENCE = {"region": "региона", "municipality": "муниципалитета"}
_SETTING_KEYS = {
    "vpr_min_participants": "min_participants", "vpr_ci_t": "ci_t", "vpr_rank_corr_max": "rank_corr_max",
    "vpr_cohort_iqr": "cohort_iqr", "vpr_cohort_min_schools": "cohort_min_schools",
    "vpr_peak_ratio": "peak_ratio", "vpr_peak_min": "peak_min",
}


@dataclass(frozen=True)
class ObjectivitySettings:
    """The thresholds of the signs (data/catalog/settings.csv, keys ``vpr_*``)."""

    min_participants: int = 10
    ci_t: float = 1.96
    rank_corr_max: float = 0.0
    cohort_iqr: float = 3.0
    cohort_min_schools: int = 5
    peak_ratio: float = 3.0
    peak_min: int = 5

    @classmethod
    def from_db(cls, db: Database) -> "ObjectivitySettings":
        """The ``vpr_*`` rows of the ``setting`` table (one statement), defaults filled in."""
        found = dict(db.rows("SELECT key, value FROM setting WHERE starts_with(key, 'vpr_')"))
        values = {field: found[key] for key, field in _SETTING_KEYS.items() if found.get(key) is not None}
        for name in ("min_participants", "cohort_min_schools", "peak_min"):
            if name in values:
                values[name] = int(values[name])
        return cls(**values)

    def params(self) -> dict:
        return {"min_n": self.min_participants, "t": self.ci_t, "rho_max": self.rank_corr_max,
                "iqr": self.cohort_iqr, "min_schools": self.cohort_min_schools,
                "ratio": self.peak_ratio, "peak_min": self.peak_min}


def _results(db: Database, periods: list[int], municipality_id: str | None, region_id: str | None,
             settings: ObjectivitySettings | None) -> pd.DataFrame:
    settings = settings or ObjectivitySettings.from_db(db)
    frame = db.read(RESULTS, {"periods": [int(p) for p in periods], "mun": municipality_id,
                              "region": region_id, **settings.params()})
    for column in ("protocol", "small", "sign_high", "sign_contradiction", "sign_cohort", "sign_peak"):
        frame[column] = frame[column].fillna(False).astype(bool)
    frame["cohort_direction"] = frame["cohort_direction"].where(frame["cohort_direction"].notna(), None)
    frame["signs"] = frame[[f"sign_{s}" for s in SIGNS]].sum(axis=1).astype(int)
    frame["reasons"] = [_reasons(row, settings) for row in frame.itertuples(index=False)]
    return frame


def school_results(db: Database, period: int | list[int], *, municipality_id: str | None = None,
                   region_id: str | None = None,
                   settings: ObjectivitySettings | None = None) -> pd.DataFrame:
    """One row per school × subject × grade of ``period`` (the schools of the municipality, or
    of the region; neither: every school), in one statement (two without ``settings``).
    ``period`` may be a list of school years: their rows in one statement, by period.

    Columns: org_unit_id, name, short_name, municipality_id, period, subject, grade, protocol
    (participants' results loaded), participants (present), small, mean_score, mean_pct, sd,
    ci_low, ci_high, reference ('region' | 'municipality'), ref_n, ref_mean, ref_ci_low,
    ref_ci_high, sign_high, spearman, n_pairs, sign_contradiction, k, s_this, s_next, k_low,
    k_high, k_schools, sign_cohort, cohort_direction ('drop' | 'rise' | None), peak_score,
    peak_mark, peak_count, peak_below, peak_excess, sign_peak, lowered, confirmed, raised
    (shares of the participants with a journal mark and a ВПР mark), marks2..marks5 (shares),
    signs (how many), reasons (Russian sentences with the numbers)."""
    periods = [int(p) for p in period] if isinstance(period, (list, tuple)) else [int(period)]
    return _results(db, periods, municipality_id, region_id, settings)


def school_risk(db: Database, period: int, *, municipality_id: str | None = None,
                region_id: str | None = None,
                settings: ObjectivitySettings | None = None,
                results: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per school with results this year or last: org_unit_id, name, short_name,
    signs_this_year, signs_last_year (how many signs over its subjects and grades), both_years
    (signs in both years), subjects (Russian: where the signs are).  Most signs first.
    ``results`` (a :func:`school_results` of ``period`` and the same scope) saves reading this
    year again: only last year's signs are computed."""
    if results is None:
        frame = _results(db, [period - 1, period], municipality_id, region_id, settings)
    else:
        last = _results(db, [period - 1], municipality_id, region_id, settings)
        parts = [f for f in (last, results) if not f.empty]
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else (parts[0] if parts else last)
    return risk_of(frame, period)


def risk_of(frame: pd.DataFrame, period: int) -> pd.DataFrame:
    """:func:`school_risk` from results already read (:func:`school_results` of ``period`` and
    the year before, by period); no statement."""
    frame = frame[frame["period"].isin([period - 1, period])] if len(frame) else frame
    columns = ["org_unit_id", "name", "short_name", "signs_this_year", "signs_last_year", "both_years", "subjects"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    keys = ["org_unit_id", "name", "short_name"]
    risk = frame[keys].drop_duplicates("org_unit_id").set_index("org_unit_id")
    by_year = frame.pivot_table(index="org_unit_id", columns="period", values="signs", aggfunc="sum",
                                fill_value=0)
    risk["signs_this_year"] = by_year.get(period, 0)
    risk["signs_last_year"] = by_year.get(period - 1, 0)
    risk[["signs_this_year", "signs_last_year"]] = risk[["signs_this_year", "signs_last_year"]].fillna(0).astype(int)
    risk["both_years"] = (risk["signs_this_year"] > 0) & (risk["signs_last_year"] > 0)
    flagged = frame.loc[frame["signs"] > 0, ["org_unit_id", "period", "subject", "grade",
                                             *(f"sign_{s}" for s in SIGNS)]]
    now: dict[str, list[str]] = {}
    before: dict[str, list[str]] = {}
    for row in flagged.itertuples(index=False):
        (now if row.period == period else before).setdefault(row.org_unit_id, []).append(_where(row))
    texts = {u: "; ".join(parts) for u, parts in now.items()}
    for u, parts in before.items():
        texts[u] = "; ".join(t for t in (texts.get(u, ""), f"в {period_label(period - 1)}: " + "; ".join(parts)) if t)
    risk["subjects"] = [texts.get(u, "") for u in risk.index]
    risk = risk.reset_index()[columns]
    return risk.sort_values(["signs_this_year", "both_years", "signs_last_year", "short_name"],
                            ascending=[False, False, False, True], ignore_index=True)


def objectivity_index(db: Database, period: int, *, municipality_id: str | None = None,
                      region_id: str | None = None, settings: ObjectivitySettings | None = None,
                      results: pd.DataFrame | None = None) -> dict:
    """{"schools": schools with results, "flagged": those with at least one sign, "index":
    100 − % flagged (None without schools), "reference": 'region' | 'municipality'}.
    ``results`` (a :func:`school_results` of the same arguments) saves the statement."""
    if results is None:
        results = school_results(db, period, municipality_id=municipality_id, region_id=region_id,
                                 settings=settings)
    per_school = results.groupby("org_unit_id")["signs"].sum()
    schools, flagged = int(len(per_school)), int((per_school > 0).sum())
    reference = "region" if (results["reference"] == "region").any() else "municipality"
    return {"schools": schools, "flagged": flagged,
            "index": 100 - 100 * flagged / schools if schools else None, "reference": reference}


# -- the Russian sentences -------------------------------------------------------------------
def _n(value: float, digits: int = 1) -> str:
    """A number as Russian text: decimal comma, a true minus."""
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "−")


def _reasons(row, settings: ObjectivitySettings) -> list[str]:
    """Why a row shows each sign it has (or why it shows none), with the numbers."""
    if not row.protocol:
        return ["Нет протокола (загружен только отчёт ФИС ОКО): признаки, которым нужны результаты "
                "участников, не проверяются"]
    if row.small:
        return [f"Мало участников ({row.participants} при пороге {settings.min_participants}): "
                "признаки не проверяются — на малой группе различия случайны"]
    of_ref = _OF_REFERENCE.get(row.reference, row.reference)
    out = []
    if row.sign_high:
        out.append(f"Нижняя граница доверительного интервала среднего балла школы ({_n(row.ci_low)}) "
                   f"выше верхней границы {of_ref} ({_n(row.ref_ci_high)})")
    if row.sign_contradiction:
        out.append(f"Отметки по журналу расходятся с первичными баллами ВПР: коэффициент ранговой "
                   f"корреляции Спирмена {_n(row.spearman, 2)} (участников с отметкой по журналу: "
                   f"{int(row.n_pairs)})")
    if row.sign_cohort:
        drop = row.cohort_direction == "drop"
        bound, fence = (row.k_high, "верхний квартиль + ") if drop else (row.k_low, "нижний квартиль − ")
        out.append(f"Резкое {'снижение' if drop else 'повышение'} результатов той же параллели: в "
                   f"{row.grade} классе в {period_label(row.period)} выполнено в среднем "
                   f"{_n(100 * row.s_this, 0)} % заданий, в {row.grade + 1} классе в "
                   f"{period_label(row.period + 1)} — {_n(100 * row.s_next, 0)} %; K = {_n(row.k, 2)} "
                   f"{'выше' if drop else 'ниже'} границы {_n(bound, 2)} ({fence}{_n(settings.cohort_iqr, 0)} межквартильных размаха "
                   f"по школам {of_ref})")
    if row.sign_peak:
        b = row.peak_score
        out.append(f"Пик первичных баллов на границе отметки «{int(row.peak_mark)}»: ровно {_n(b, 0)} "
                   f"баллов у {int(row.peak_count)} участников, на {_n(b - 2, 0)}–{_n(b - 1, 0)} баллах — "
                   f"в среднем {_n(row.peak_below)} (в {_n(row.peak_excess)} раза больше, считая +1)")
    return out


def _where(row) -> str:
    """«Математика, 4 кл.: результаты выше эталона, …» for a row with signs."""
    labels = [VPR_SIGN_LABELS[s] for s in SIGNS if getattr(row, f"sign_{s}")]
    text = ", ".join(label[0].lower() + label[1:] for label in labels)
    return f"{VPR_SUBJECTS.get(row.subject, row.subject)}, {row.grade} кл.: {text}"
