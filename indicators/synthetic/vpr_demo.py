"""The demo municipality's ВПР protocols: three school years, with three planted cases.

«Заозёрный» has student-level protocols (``vpr_participant``) for the school years 2022/23,
2023/24 and 2024/25, Russian (``rus``) and maths (``math``), grades 4 and 5 — so the grade-4
cohort of 2022 is grade 5 in 2023 and that of 2023 grade 5 in 2024.  Every school that teaches
those grades takes part (the evening school does not; the primary school «НОШ № 7» has grade 4
only), 15–60 present participants and one to three absent ones per class.

Scores are not drawn at random: each school's primary scores are the quantiles of a normal
distribution (its mean and spread, rounded to whole points within the test's maximum) in a
shuffled order, so the histogram is smooth (no peak at a mark boundary) and every school's mean
is exactly its planned one.  Schools differ little (±3 % of the maximum), so no school's
confidence interval leaves the municipality's and no cohort jumps.  Journal marks agree with the
ВПР mark for most participants (about two in three equal, one in four a point higher, a few a
point lower): the rank correlation is clearly positive.

Planted — what the page «Объективность» must find, and nothing else, in any year:

1. **«Кадетская школа» (``cadet``), 2024, grade 4, Russian and maths — results far above the
   reference**: its mean is about 16 % of the maximum above the others, so the lower bound of its
   confidence interval lies above the municipality's upper bound (sign ``high``).
2. **«СОШ № 11» (``sosh-11``), 2024, grade 5, Russian — journal marks against the test**: the
   higher a participant's score, the lower their journal mark (negative Spearman,
   sign ``contradiction``).
3. **«СОШ № 6» (``sosh-6``), maths, the grade-4 cohort of 2023 in grade 5 in 2024 — a sharp
   drop**: 60 % of the maximum in grade 4, 36 % in grade 5 (K ≈ 1.6, beyond the upper fence;
   sign ``cohort``, direction ``drop``).

``region_year`` makes a region's year for the benchmark only (about 1,000 schools, ~400,000
participant rows); it is never written into the demo.
"""

from __future__ import annotations

import random
from statistics import NormalDist

import numpy as np
import pandas as pd

from indicators.store.database import Database

SEED = 20250916
PERIODS = (2022, 2023, 2024)
SUBJECTS = ("rus", "math")
GRADES = (4, 5)
FIELDS = ["class_name", "variant", "absent", "sex", "journal_mark", "primary_score", "task_points"]
KEYS = ["org_unit_id", "period", "subject", "grade", "participant"]

# The scale ФИОКО published for these tests (primary score → mark), used when the catalog
# (data/catalog/vpr_scales.csv) has no row for a test: (test max, min score of 3, 4, 5).
DEMO_SCALES = {
    ("rus", 4): (38, 14, 24, 33),
    ("math", 4): (20, 6, 10, 15),
    ("rus", 5): (45, 18, 29, 39),
    ("math", 5): (20, 7, 12, 16),
}
# The municipality's mean share of the maximum per subject and grade, and the spread.
BASE = {("rus", 4): 0.60, ("math", 4): 0.62, ("rus", 5): 0.55, ("math", 5): 0.57}
SPREAD = 0.17
# Present participants per class (grade) at each school; the evening school takes no ВПР.
SIZES = {"sosh-1": 48, "sosh-2": 44, "gymn-3": 56, "lyceum": 40, "oosh-5": 18, "sosh-6": 34,
         "nosh-7": 17, "sosh-8": 60, "cadet": 26, "sosh-11": 30, "co-12": 38}
PRIMARY_ONLY = frozenset({"nosh-7"})
# Each school's steady level against the municipality (share of the maximum).
EFFECT = {"sosh-1": -0.01, "sosh-2": 0.02, "gymn-3": 0.03, "lyceum": 0.02, "oosh-5": -0.03,
          "sosh-6": -0.02, "nosh-7": -0.02, "sosh-8": 0.01, "cadet": 0.0, "sosh-11": -0.01,
          "co-12": 0.0}
HIGH = ("cadet", 2024, 4)                 # both subjects
CONTRADICTION = ("sosh-11", 2024, "rus", 5)
COHORT = ("sosh-6", "math", 2023, 2024)   # grade 4 in 2023 → grade 5 in 2024
PLANTED = {("cadet", "high"), ("sosh-11", "contradiction"), ("sosh-6", "cohort")}


def scales(db: Database) -> pd.DataFrame:
    """The scale rows the demo needs that the catalog does not hold (empty when it holds all)."""
    have = {(s, int(g), int(p)) for s, g, p in
            db.rows("SELECT DISTINCT subject, grade, period FROM vpr_scale")}
    rows = []
    for (subject, grade), (top, m3, m4, m5) in DEMO_SCALES.items():
        for period in PERIODS:
            if (subject, grade, period) in have:
                continue
            bounds = [(2, 0, m3 - 1), (3, m3, m4 - 1), (4, m4, m5 - 1), (5, m5, top)]
            rows += [dict(subject=subject, grade=grade, period=period, mark=mark, min_score=float(lo),
                          max_score=float(hi), test_max=float(top)) for mark, lo, hi in bounds]
    return pd.DataFrame(rows, columns=["subject", "grade", "period", "mark", "min_score", "max_score",
                                       "test_max"])


def _scale_table(db: Database, extra: pd.DataFrame) -> dict[tuple[str, int, int], tuple[float, list]]:
    """(subject, grade, period) → (test max, [(mark, min score)] ascending)."""
    found = db.read("SELECT subject, grade, period, mark, min_score, test_max FROM vpr_scale")
    both = pd.concat([found, extra[found.columns]], ignore_index=True) if len(extra) else found
    out = {}
    for (subject, grade, period), part in both.groupby(["subject", "grade", "period"]):
        part = part.sort_values("mark")
        out[(subject, int(grade), int(period))] = (
            float(part["test_max"].iloc[0]), list(zip(part["mark"].astype(int), part["min_score"])))
    return out


def _mark(score: float, bounds: list) -> int:
    mark = 2
    for m, lo in bounds:
        if score >= lo:
            mark = m
    return mark


def _target(school: str, subject: str, grade: int, period: int, rng: random.Random) -> float:
    """The planned mean share of the maximum of one class."""
    share = BASE[(subject, grade)] + EFFECT[school] + rng.uniform(-0.01, 0.01)
    if (school, period, grade) == HIGH:
        share += 0.16
    c_school, c_subject, c_from, c_to = COHORT
    if (school, subject) == (c_school, c_subject):
        if (period, grade) == (c_from, 4):
            share = 0.60
        elif (period, grade) == (c_to, 5):
            share = 0.36
    return share


def _scores(n: int, mean: float, sd: float, top: float, rng: random.Random) -> list[float]:
    """Whole primary scores: the normal quantiles of (mean, sd) within 0…top, shuffled."""
    dist = NormalDist(mean, sd)
    raw = [min(top, max(0.0, float(round(dist.inv_cdf((i + 0.5) / n))))) for i in range(n)]
    rng.shuffle(raw)
    return raw


def _journal(marks: list[int], against: bool, rng: random.Random) -> list[int | None]:
    if against:   # the highest scores get the lowest journal marks
        order = sorted(range(len(marks)), key=lambda i: marks[i])
        reversed_marks = sorted(marks, reverse=True)
        out: list[int | None] = [0] * len(marks)
        for rank, i in enumerate(order):
            out[i] = max(3, reversed_marks[rank])
        return out
    out = []
    for m in marks:
        r = rng.random()
        if r < 0.03:
            out.append(None)               # no mark in the journal (came mid-term)
        elif r < 0.68:
            out.append(m)
        elif r < 0.92:
            out.append(min(5, m + 1))
        else:
            out.append(max(2, m - 1))
    return out


def participants(db: Database, extra_scales: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every demo participant row (deterministic: the same rows every time)."""
    extra = scales(db) if extra_scales is None else extra_scales
    table = _scale_table(db, extra)
    rng = random.Random(SEED)
    rows = []
    for period in PERIODS:
        for school, size in SIZES.items():
            for subject in SUBJECTS:
                for grade in GRADES:
                    if grade > 4 and school in PRIMARY_ONLY:
                        continue
                    top, bounds = table[(subject, grade, period)]
                    n = size + rng.randint(-3, 3)
                    share = _target(school, subject, grade, period, rng)
                    scores = _scores(n, share * top, SPREAD * top, top, rng)
                    marks = [_mark(s, bounds) for s in scores]
                    against = (school, period, subject, grade) == CONTRADICTION
                    journal = _journal(marks, against, rng)
                    classes = [f"{grade}А", f"{grade}Б"] if n > 25 else [f"{grade}А"]
                    for i, (score, jm) in enumerate(zip(scores, journal)):
                        rows.append(dict(org_unit_id=school, period=period, subject=subject, grade=grade,
                                         participant=f"{10001 + i}", class_name=classes[i % len(classes)],
                                         variant=str(1 + i % 2), absent=False, sex="мж"[rng.random() < 0.5],
                                         journal_mark=jm, primary_score=float(score), task_points=None))
                    for j in range(rng.randint(1, 3)):
                        rows.append(dict(org_unit_id=school, period=period, subject=subject, grade=grade,
                                         participant=f"{10001 + n + j}", class_name=classes[0],
                                         variant=None, absent=True, sex="мж"[rng.random() < 0.5],
                                         journal_mark=None, primary_score=None, task_points=None))
    frame = pd.DataFrame(rows)
    frame["journal_mark"] = frame["journal_mark"].astype("Int64")
    return frame


def rows(db: Database) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo's scale rows the catalog lacks and its participant rows (read before the batch)."""
    extra = scales(db)
    return extra, participants(db, extra)


def write(b, extra: pd.DataFrame, frame: pd.DataFrame) -> int:
    """Write :func:`rows` inside the demo's batch ``b``; return the participant rows written."""
    if len(extra):
        b.upsert("vpr_scale", ["subject", "grade", "period", "mark"], ["min_score", "max_score", "test_max"],
                 extra)
    b.upsert("vpr_participant", KEYS, FIELDS, frame)
    return len(frame)


def region_year(school_ids: list[str], period: int, *, seed: int = SEED,
                subjects: tuple[str, ...] = SUBJECTS, grades: tuple[int, ...] = (4, 5, 6, 7, 8),
                per_class: int = 40) -> pd.DataFrame:
    """A region's year for the benchmark: every school × subject × grade, ``per_class``
    participants on average (1,000 schools, 2 subjects, 5 grades, 40 → ~400,000 rows).  Scores
    on a 0–30 scale; journal marks follow them.  Vectorised: a second or two."""
    gen = np.random.default_rng(seed)
    cells = pd.MultiIndex.from_product([school_ids, subjects, grades], names=["org_unit_id", "subject",
                                                                             "grade"]).to_frame(index=False)
    sizes = gen.integers(max(1, per_class - 25), per_class + 26, len(cells))
    rep = cells.loc[cells.index.repeat(sizes)].reset_index(drop=True)
    rep["participant"] = (rep.groupby(["org_unit_id", "subject", "grade"]).cumcount() + 10001).astype(str)
    level = gen.normal(0.58, 0.04, len(cells)).repeat(sizes)
    share = np.clip(gen.normal(level, SPREAD), 0, 1)
    rep["period"] = period
    rep["primary_score"] = np.round(share * 30)
    rep["absent"] = gen.random(len(rep)) < 0.04
    rep.loc[rep["absent"], "primary_score"] = np.nan
    mark = np.select([rep["primary_score"] >= 25, rep["primary_score"] >= 18, rep["primary_score"] >= 10],
                     [5, 4, 3], 2)
    journal = np.clip(mark + gen.choice([0, 0, 1, -1], len(rep)), 2, 5)
    rep["journal_mark"] = pd.array(np.where(rep["absent"], pd.NA, journal), dtype="Int64")
    rep["class_name"] = rep["grade"].astype(str) + "А"
    rep["variant"] = np.where(rep["absent"], None, "1")
    rep["sex"] = np.where(gen.random(len(rep)) < 0.5, "м", "ж")
    rep["task_points"] = None
    return rep[KEYS + FIELDS]


def bench_scales(period: int, subjects: tuple[str, ...] = SUBJECTS,
                 grades: tuple[int, ...] = (4, 5, 6, 7, 8)) -> pd.DataFrame:
    """The 0–30 scale ``region_year`` uses, for every subject and grade of the year."""
    bounds = [(2, 0, 9), (3, 10, 17), (4, 18, 24), (5, 25, 30)]
    return pd.DataFrame([dict(subject=s, grade=g, period=period, mark=m, min_score=float(lo),
                              max_score=float(hi), test_max=30.0)
                         for s in subjects for g in grades for m, lo, hi in bounds])
