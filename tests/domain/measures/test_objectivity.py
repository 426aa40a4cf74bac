"""Rosobrnadzor's signs of unobjective ВПР results, each on a hand-built fixture.

Every expected number is worked out here by hand (plain arithmetic, no statistics library):
the confidence intervals of sign (a), the average ranks and Spearman's coefficient of sign (b),
the cohort's K and the quartile fences of sign (c), the peak excess of sign (d), the shares
against the journal and the marks, the risk over two years and the objectivity index.

The data is written through the door, as an import would: the participants by ``b.upsert``
in a ``vpr-import`` batch; the org units and the mark scales by staged SQL.  The catalog's math
scales are replaced by the fixture's (test_max 20: mark 2 = 0–4, 3 = 5–9, 4 = 10–14, 5 = 15–20).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.catalog.tables import sync_catalog
from indicators.measures.objectivity import (ObjectivitySettings, mark_distribution, objectivity_index,
                                             school_results, school_risk)
from indicators.store.database import Database
from indicators.store.door import batch
from tests.staging import as_user, staged

T = 1.96
SCALE = [(2, 0, 4), (3, 5, 9), (4, 10, 14), (5, 15, 20)]   # mark, min_score, max_score (test_max 20)


def _db(tmp_path, schools: dict[str, str], scales: list[tuple[int, int]],
        bounds: list[tuple[int, int, int]] = SCALE) -> Database:
    """A region «reg» with municipalities «mun» and «mun2», the ``schools`` (id → municipality)
    and the math scale ``bounds`` for each (grade, period) of ``scales``."""
    db = Database(tmp_path / "vpr.duckdb")
    sync_catalog(db)
    with staged(db) as cur:
        cur.execute("INSERT INTO org_unit (id, parent_id, kind, name, short_name) VALUES "
                    "('reg', NULL, 'region', 'Область', 'Область'), "
                    "('mun', 'reg', 'municipality', 'Город', 'Город'), "
                    "('mun2', 'reg', 'municipality', 'Район', 'Район')")
        for school, mun in schools.items():
            cur.execute("INSERT INTO org_unit (id, parent_id, kind, name, short_name) VALUES (?, ?, 'school', ?, ?)",
                        [school, mun, f"Школа {school} (полное)", f"Школа {school}"])
        cur.execute("DELETE FROM vpr_scale WHERE subject = 'math'")
        for grade, period in scales:
            for mark, low, high in bounds:
                cur.execute("INSERT INTO vpr_scale VALUES ('math', ?, ?, ?, ?, ?, 20)",
                            [grade, period, mark, low, high])
    return db


def _write(db: Database, school: str, period: int, grade: int, scores: list, journal: list | None = None,
           absent: int = 0) -> None:
    """Participants of one school's math test through the door (``absent`` more without a score)."""
    journal = journal or [None] * len(scores)
    rows = [dict(org_unit_id=school, period=period, subject="math", grade=grade, participant=f"{school}-{i}",
                 class_name=f"{grade}А", variant="1", absent=False, sex="ж", journal_mark=j, primary_score=s)
            for i, (s, j) in enumerate(zip(scores, journal))]
    rows += [dict(org_unit_id=school, period=period, subject="math", grade=grade, participant=f"{school}-a{i}",
                  class_name=f"{grade}А", variant=None, absent=True, sex="м", journal_mark=4, primary_score=None)
             for i in range(absent)]
    frame = pd.DataFrame(rows, dtype=object)
    with batch(db, as_user("тест"), "vpr-import", files=["protocol.xlsx"]) as b:
        b.upsert("vpr_participant", ["org_unit_id", "period", "subject", "grade", "participant"],
                 [c for c in frame.columns if c not in ("org_unit_id", "period", "subject", "grade", "participant")],
                 frame, source_file="protocol.xlsx", count=True)


def _row(frame: pd.DataFrame, school: str, period: int | None = None, grade: int | None = None) -> pd.Series:
    pick = frame["org_unit_id"] == school
    if period is not None:
        pick &= frame["period"] == period
    if grade is not None:
        pick &= frame["grade"] == grade
    assert pick.sum() == 1, frame[pick]
    return frame[pick].iloc[0]


def _pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


# -- sign (a), (b), the shares and marks: three schools of 12 and one with a report only -------
A = [15, 16, 17, 18, 19, 20] * 2          # mean 17,5 — every ВПР mark 5, journal 5 throughout
B = [5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]  # mean 7,5 — journal marks against the scores
B_JOURNAL = [5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2]
C = [8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]  # mean 10,5
C_JOURNAL = [3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5]


@pytest.fixture
def abc(tmp_path):
    db = _db(tmp_path, {"a": "mun", "b": "mun", "c": "mun", "r": "mun", "m": "mun2"}, [(4, 2024)])
    _write(db, "a", 2024, 4, A, [5] * 12, absent=2)   # the absent two are not participants
    _write(db, "b", 2024, 4, B, B_JOURNAL)
    _write(db, "c", 2024, 4, C, C_JOURNAL)
    with staged(db) as cur:   # «r» sent the report tables only
        cur.execute("INSERT INTO vpr_school_report (org_unit_id, period, subject, grade, participants, mark2, "
                    "mark3, mark4, mark5, lowered, confirmed, raised, updated_by) "
                    "VALUES ('r', 2024, 'math', 4, 20, 2, 8, 6, 4, 3, 15, 2, 'тест')")
    yield db
    db.close()


def test_sign_high_confidence_intervals_by_hand(abc):
    res = school_results(abc, 2024, municipality_id="mun")
    assert list(res["org_unit_id"]) == ["a", "b", "c", "r"]
    a = _row(res, "a")
    # Each of a, b, c: 12 scores, six values twice, deviations ±0,5 ±1,5 ±2,5 from the mean:
    # Σd² = 2·2·(0,25 + 2,25 + 6,25) = 35, sample sd = √(35/11) = 1,78377; SE = sd/√12.
    sd = math.sqrt(35 / 11)
    assert a["participants"] == 12 and not a["small"]
    assert a["mean_score"] == pytest.approx(17.5)
    assert a["sd"] == pytest.approx(sd)
    assert a["ci_low"] == pytest.approx(17.5 - T * sd / math.sqrt(12))     # 16,4907
    assert a["ci_high"] == pytest.approx(17.5 + T * sd / math.sqrt(12))    # 18,5093
    assert a["mean_pct"] == pytest.approx(17.5 / 20)
    # The reference: the 36 participants pooled (only «mun» has the protocols → the municipality).
    # mean = (17,5 + 7,5 + 10,5)/3 = 11,8333; Σ(x − mean)² = within 3·35 = 105 + between
    # 12·(5,6667² + 4,3333² + 1,3333²) = 12·52,6667 = 632 → 737; sd = √(737/35) = 4,5888;
    # CI = 11,8333 ± 1,96·4,5888/6 = [10,3343; 13,3323].
    ref_mean, ref_sd = 35.5 / 3, math.sqrt(737 / 35)
    assert a["reference"] == "municipality" and a["ref_n"] == 36
    assert a["ref_mean"] == pytest.approx(ref_mean)
    assert a["ref_ci_low"] == pytest.approx(ref_mean - T * ref_sd / 6)
    assert a["ref_ci_high"] == pytest.approx(ref_mean + T * ref_sd / 6)
    # a: 16,4907 > 13,3323 → the sign; b (upper 8,51) and c (lower 9,49) are not above.
    assert a["sign_high"] and a["signs"] == 1
    assert not _row(res, "b")["sign_high"] and not _row(res, "c")["sign_high"]
    assert a["reasons"] == ["Нижняя граница доверительного интервала среднего балла школы (16,5) "
                            "выше верхней границы муниципалитета (13,3)"]


def test_sign_contradiction_spearman_by_hand(abc):
    res = school_results(abc, 2024, municipality_id="mun")
    b = _row(res, "b")
    # b's average ranks.  Scores 5,5 | 6,6 | … | 10,10 → 1,5 | 3,5 | 5,5 | 7,5 | 9,5 | 11,5.
    # Journal marks: three 2s → ranks 1–3, mean 2; three 3s → 5; three 4s → 8; three 5s → 11.
    ry = [1.5, 1.5, 3.5, 3.5, 5.5, 5.5, 7.5, 7.5, 9.5, 9.5, 11.5, 11.5]
    rx = [11, 11, 11, 8, 8, 8, 5, 5, 5, 2, 2, 2]
    # Σ(dx·dy) = −132, Σdx² = 135, Σdy² = 140 → ρ = −132/√18900 = −0,96016.
    assert _pearson(rx, ry) == pytest.approx(-132 / math.sqrt(18900))
    assert b["spearman"] == pytest.approx(-132 / math.sqrt(18900))
    assert b["n_pairs"] == 12 and b["sign_contradiction"] and b["signs"] == 1
    assert "Спирмена −0,96" in b["reasons"][0]
    # c: marks 3,3,3,3 | 4×6 | 5,5 → average ranks 2,5 | 7,5 | 11,5; scores in pairs 1,5 … 11,5.
    c = _row(res, "c")
    cx = [2.5] * 4 + [7.5] * 6 + [11.5] * 2
    cy = [1.5, 1.5, 3.5, 3.5, 5.5, 5.5, 7.5, 7.5, 9.5, 9.5, 11.5, 11.5]
    assert c["spearman"] == pytest.approx(_pearson(cx, cy)) and c["spearman"] > 0.9
    assert not c["sign_contradiction"]
    # a: every journal mark 5 — a constant has no ranks to correlate: undefined, never a sign.
    assert math.isnan(_row(res, "a")["spearman"]) and not _row(res, "a")["sign_contradiction"]


def test_shares_against_the_journal_and_marks(abc):
    res = school_results(abc, 2024, municipality_id="mun")
    # b: ВПР marks 3 for 5–9 (ten), 4 for 10 (two).  Against the journal (5,5,5,4,4,4,3,3,3,2,2,2):
    # lower than the journal for the first six, equal for 8,8,9 (3 = 3), higher for 9 and 10,10.
    b = _row(res, "b")
    assert (b["lowered"], b["confirmed"], b["raised"]) == pytest.approx((6 / 12, 3 / 12, 3 / 12))
    assert (b["marks2"], b["marks3"], b["marks4"], b["marks5"]) == pytest.approx((0, 10 / 12, 2 / 12, 0))
    # c: 8,8,9,9 → 3 = journal 3; 10–12 (six) → 4 = journal 4; 13,13 → 4 < journal 5.
    c = _row(res, "c")
    assert (c["lowered"], c["confirmed"], c["raised"]) == pytest.approx((2 / 12, 10 / 12, 0))
    assert _row(res, "a")["confirmed"] == 1 and _row(res, "a")["marks5"] == 1
    # r: the report tables only — shares from their counts, no sign, said so.
    r = _row(res, "r")
    assert not r["protocol"] and r["participants"] == 20 and r["signs"] == 0
    assert (r["lowered"], r["confirmed"], r["raised"]) == pytest.approx((0.15, 0.75, 0.10))
    assert (r["marks2"], r["marks3"], r["marks4"], r["marks5"]) == pytest.approx((0.1, 0.4, 0.3, 0.2))
    assert r["reasons"][0].startswith("Нет протокола")
    # The distribution beside the municipality's and the region's: counts of a, b, c and r added.
    dist = mark_distribution(abc, 2024, "math", 4, municipality_id="mun").set_index(["level", "org_unit_id"])
    assert list(dist.index) == [("school", s) for s in "abcr"] + [("municipality", "mun"), ("region", "reg")]
    # marks 2: r 2 | 3: b 10 + c 4 + r 8 = 22 | 4: b 2 + c 8 + r 6 = 16 | 5: a 12 + r 4 = 16 → 56
    mun = dist.loc[("municipality", "mun")]
    assert mun["participants"] == 56
    assert (mun["marks2"], mun["marks3"], mun["marks4"], mun["marks5"]) == pytest.approx((2 / 56, 22 / 56, 16 / 56, 16 / 56))


def test_region_is_the_reference_once_another_municipality_has_protocols(abc):
    _write(abc, "m", 2024, 4, [10] * 12)   # «Район»'s school: 12 scores of 10
    a = _row(school_results(abc, 2024, municipality_id="mun"), "a")
    # The region pools 48: mean = (35,5·12 + 120)/48 = 11,375; Σ(x − mean)² = 737 + 36·(11,8333 −
    # 11,375)² + 12·(10 − 11,375)² = 737 + 7,5625 + 22,6875 = 767,25.
    mean = (17.5 * 12 + 7.5 * 12 + 10.5 * 12 + 120) / 48
    sd = math.sqrt((737 + 36 * (35.5 / 3 - mean) ** 2 + 12 * (10 - mean) ** 2) / 47)
    assert a["reference"] == "region" and a["ref_n"] == 48
    assert a["ref_ci_high"] == pytest.approx(mean + T * sd / math.sqrt(48))
    assert "верхней границы региона" in a["reasons"][0]
    index = objectivity_index(abc, 2024, municipality_id="mun")
    assert index == {"schools": 4, "flagged": 2, "index": pytest.approx(50.0), "reference": "region"}


# -- sign (c), the risk over two years and the index: seven schools, one cohort ----------------
# Grade 4 in 2023 → grade 5 in 2024, ten participants each.  The cohort fixture's boundaries
# (1, 2, 3) keep every score off a boundary, so no peak interferes.
G4_2023 = {"s1": 10, "s2": 10, "s3": 11, "s4": 9, "s5": 10, "s6": 18, "s7": 5}
G5_2024 = {"s1": 10, "s2": 10, "s3": 10, "s4": 10, "s5": 10, "s7": 10}
S6_2024 = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18]      # mean 13,5 ÷ 20 = 0,675
S6_JOURNAL = [5, 5, 5, 4, 4, 4, 3, 3, 2, 2]           # against the scores: sign (b) in 2024
OFF = [(2, 0, 0), (3, 1, 1), (4, 2, 2), (5, 3, 20)]


@pytest.fixture
def cohorts(tmp_path):
    db = _db(tmp_path, {s: "mun" for s in G4_2023}, [(4, 2023), (5, 2024)], OFF)
    for school, score in G4_2023.items():
        _write(db, school, 2023, 4, [score] * 10)
    for school, score in G5_2024.items():
        _write(db, school, 2024, 5, [score] * 10, [4] * 10)
    _write(db, "s6", 2024, 5, S6_2024, S6_JOURNAL)
    yield db
    db.close()


def test_sign_cohort_k_and_fences_by_hand(cohorts):
    res = school_results(cohorts, 2023, municipality_id="mun")
    k = dict(zip(res["org_unit_id"], res["k"]))
    # K = (score₂₀₂₃/20) ÷ (mean score₂₀₂₄/20): s1, s2, s5 10/10 = 1; s3 11/10 = 1,1; s4 9/10 = 0,9;
    # s6 18/13,5 = 1,3333; s7 5/10 = 0,5.
    assert k == pytest.approx({"s1": 1, "s2": 1, "s3": 1.1, "s4": 0.9, "s5": 1, "s6": 18 / 13.5, "s7": 0.5})
    # Sorted 0,5 0,9 1 1 1 1,1 1,3333 (n = 7): P25 at position 6·0,25 = 1,5 → 0,9 + 0,5·0,1 = 0,95;
    # P75 at 4,5 → 1 + 0,5·0,1 = 1,05; IQR = 0,1 → fences 0,95 − 0,3 = 0,65 and 1,05 + 0,3 = 1,35.
    assert res["k_low"].tolist() == pytest.approx([0.65] * 7)
    assert res["k_high"].tolist() == pytest.approx([1.35] * 7)
    flagged = res[res["sign_cohort"]].set_index("org_unit_id")["cohort_direction"].to_dict()
    assert flagged == {"s7": "rise"}        # 0,5 < 0,65; s6's 1,3333 stays under 1,35
    s7 = _row(res, "s7")
    assert any("K = 0,50 ниже границы 0,65 (нижний квартиль − 3 межквартильных размаха по школам муниципалитета)" in r for r in s7["reasons"])
    # Stricter fences (1,5 IQR: 0,8 and 1,2) catch s6's drop as well — the threshold is a setting.
    strict = school_results(cohorts, 2023, municipality_id="mun", settings=ObjectivitySettings(cohort_iqr=1.5))
    assert strict[strict["sign_cohort"]].set_index("org_unit_id")["cohort_direction"].to_dict() == \
        {"s6": "drop", "s7": "rise"}
    # Too few schools for quartiles: no fences, no sign.
    few = school_results(cohorts, 2023, municipality_id="mun", settings=ObjectivitySettings(cohort_min_schools=8))
    assert few["k_low"].isna().all() and not few["sign_cohort"].any()
    # The year after has no next year loaded: K unknown.
    assert school_results(cohorts, 2024, municipality_id="mun")["k"].isna().all()


def test_school_risk_this_year_and_last_and_the_index(cohorts):
    # 2023: s6 scored 18 (sd 0) against a pool of 70 with mean 73/7 = 10,4286 and
    # Σ(x − mean)² = 30·0,4286² + 10·(0,5714² + 1,4286² + 7,5714² + 5,4286²) = 897,14,
    # sd = √(897,14/69) = 3,6058, upper bound 10,4286 + 1,96·3,6058/√70 = 11,27 < 18 → sign (a);
    # s3's 11 stays under.  s7's cohort rise → sign (c).
    pool = [10] * 30 + [11] * 10 + [9] * 10 + [18] * 10 + [5] * 10
    mean = sum(pool) / 70
    upper = mean + T * math.sqrt(sum((x - mean) ** 2 for x in pool) / 69) / math.sqrt(70)
    r2023 = school_results(cohorts, 2023, municipality_id="mun")
    assert _row(r2023, "s6")["ref_ci_high"] == pytest.approx(upper)
    assert r2023.set_index("org_unit_id")["signs"].to_dict() == {"s1": 0, "s2": 0, "s3": 0, "s4": 0, "s5": 0,
                                                                 "s6": 1, "s7": 1}
    assert _row(r2023, "s6")["sign_high"] and _row(r2023, "s7")["sign_cohort"]
    # 2024: s6's marks run against its scores (b), and its grade 5 is above the pool of 70 (60 at
    # 10, s6's 9…18): mean 735/70 = 10,5, Σ(x − mean)² = 60·0,25 + 82,5 + 10·3² = 187,5,
    # upper 10,5 + 1,96·√(187,5/69)/√70 = 10,886 < s6's lower 13,5 − 1,96·√(82,5/9)/√10 = 11,62 (a).
    r2024 = school_results(cohorts, 2024, municipality_id="mun")
    s6 = _row(r2024, "s6")
    assert s6["ref_ci_high"] == pytest.approx(10.5 + T * math.sqrt(187.5 / 69) / math.sqrt(70))
    assert s6["ci_low"] == pytest.approx(13.5 - T * math.sqrt(82.5 / 9) / math.sqrt(10))
    assert s6["sign_contradiction"] and s6["sign_high"] and r2024["signs"].sum() == 2

    risk = school_risk(cohorts, 2024, municipality_id="mun").set_index("org_unit_id")
    assert list(risk.index[:2]) == ["s6", "s7"]            # most signs first, both years before one
    assert risk.loc["s6", ["signs_this_year", "signs_last_year", "both_years"]].tolist() == [2, 1, True]
    assert risk.loc["s7", ["signs_this_year", "signs_last_year", "both_years"]].tolist() == [0, 1, False]
    assert risk.loc["s1", ["signs_this_year", "signs_last_year", "both_years"]].tolist() == [0, 0, False]
    assert risk.loc["s6", "subjects"] == ("Математика, 5 кл.: результаты выше эталона, отметки противоречат результатам ВПР; "
                                          "в 2023/24: Математика, 4 кл.: результаты выше эталона")
    # Index = 100 − % of schools with at least one sign: 2023 2 of 7, 2024 1 of 7.
    assert objectivity_index(cohorts, 2023, municipality_id="mun") == {
        "schools": 7, "flagged": 2, "index": pytest.approx(100 - 200 / 7), "reference": "municipality"}
    assert objectivity_index(cohorts, 2024, municipality_id="mun")["index"] == pytest.approx(100 - 100 / 7)


# -- sign (d) and small groups ---------------------------------------------------------------
P = [10] * 6 + [9, 8] + [0, 1, 2, 3, 4, 6, 7, 11, 12, 13, 14, 16]   # 20: a peak at 10 (mark 4)
Q = [10] * 4 + [0, 1, 2, 3, 6, 7, 12, 13]                           # 12: high but only 4 at 10
D = [15, 15, 15, 15, 15, 20]                                       # 6: small


@pytest.fixture
def peaks(tmp_path):
    db = _db(tmp_path, {"p": "mun", "q": "mun", "d": "mun"}, [(4, 2024)])
    _write(db, "p", 2024, 4, P)
    _write(db, "q", 2024, 4, Q)
    _write(db, "d", 2024, 4, D, [5, 5, 5, 5, 5, 2])
    yield db
    db.close()


def test_sign_peak_excess_by_hand(peaks):
    res = school_results(peaks, 2024, municipality_id="mun")
    p, q = _row(res, "p"), _row(res, "q")
    # p at the boundary 10 (mark 4): 6 at 10, one each at 9 and 8 → (6 + 1)/((1 + 1)/2 + 1) = 3,5
    # ≥ 3 with 6 ≥ 5 → the sign.  (At 5: (0 + 1)/((1 + 1)/2 + 1) = 0,5; at 15: 0,5.)
    assert (p["peak_score"], p["peak_mark"], p["peak_count"], p["peak_excess"]) == (10, 4, 6, pytest.approx(3.5))
    assert p["sign_peak"] and p["signs"] == 1
    assert p["reasons"] == ["Пик первичных баллов на границе отметки «4»: ровно 10 баллов у 6 участников, "
                            "на 8–9 баллах — в среднем 1,0 (в 3,5 раза больше, считая +1)"]
    # q: 4 at 10, none at 8 or 9 → (4 + 1)/(0 + 1) = 5, but fewer than 5 at the boundary: no sign.
    assert (q["peak_score"], q["peak_excess"], q["sign_peak"]) == (10, pytest.approx(5.0), False)


def test_small_groups_are_said_small_and_never_flagged(peaks):
    d = _row(school_results(peaks, 2024, municipality_id="mun"), "d")
    # 6 participants < 10.  The numbers are there — its lower bound is above the reference's
    # upper one, 6 scores of 15 on the boundary of mark 5 (excess (5 + 1)/(0 + 1) = 6), journal
    # marks falling as scores rise — and none of them is a sign on a group this small.
    assert d["small"] and d["participants"] == 6
    assert d["ci_low"] > d["ref_ci_high"] and d["peak_excess"] == pytest.approx(6.0)
    assert math.isnan(d["spearman"])          # fewer than 10 pairs: undefined
    assert not d[["sign_high", "sign_contradiction", "sign_cohort", "sign_peak"]].any() and d["signs"] == 0
    assert d["reasons"] == ["Мало участников (6 при пороге 10): признаки не проверяются — на малой "
                            "группе различия случайны"]
    assert objectivity_index(peaks, 2024, municipality_id="mun") == {
        "schools": 3, "flagged": 1, "index": pytest.approx(100 - 100 / 3), "reference": "municipality"}


def test_settings_come_from_the_catalog(tmp_path):
    db = _db(tmp_path, {}, [])
    assert ObjectivitySettings.from_db(db) == ObjectivitySettings(
        min_participants=10, ci_t=1.96, rank_corr_max=0.0, cohort_iqr=3.0, cohort_min_schools=5,
        peak_ratio=3.0, peak_min=5)
    descriptions = dict(db.rows("SELECT key, description FROM setting WHERE starts_with(key, 'vpr_')"))
    assert len(descriptions) == 7 and all("ВПР" in text for text in descriptions.values())
    assert "наше определение" in descriptions["vpr_peak_ratio"]
