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
