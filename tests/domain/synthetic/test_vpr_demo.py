"""The demo's ВПР protocols: the three planted cases are found by the measures, and nothing else
in any year; the protocols look like real ones (sizes, absentees, journal marks that agree); the
indicator-9 proposal and its confirmation."""

from __future__ import annotations

import shutil

import pytest

from indicators.measures import objectivity
from indicators.measures.objectivity_evidence import confirm_proposal, proposal
from indicators.store.actors import AccessDenied, Actor
from indicators.store.database import Database
from indicators.synthetic import vpr_demo

SIGNS = ("high", "contradiction", "cohort", "peak")


@pytest.fixture(scope="module")
def demo(demo_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("vpr") / "demo.duckdb"
    shutil.copy(demo_file, path)
    db = Database(path)
    yield db
    db.close()


def _found(db) -> set[tuple]:
    out = set()
    for period in vpr_demo.PERIODS:
        results = objectivity.school_results(db, period, municipality_id="zaozerny")
        for sign in SIGNS:
            for row in results[results[f"sign_{sign}"].fillna(False).astype(bool)].itertuples():
                out.add((period, row.org_unit_id, row.subject, int(row.grade), sign))
    return out


def test_the_planted_cases_are_found_and_nothing_else(demo):
    assert _found(demo) == {
        (2024, "cadet", "rus", 4, "high"), (2024, "cadet", "math", 4, "high"),
        (2024, "sosh-11", "rus", 5, "contradiction"),
        (2023, "sosh-6", "math", 4, "cohort"),      # grade 4 in 2023 → grade 5 in 2024
    }
    assert {(school, sign) for _p, school, _s, _g, sign in _found(demo)} == vpr_demo.PLANTED
    cohort = objectivity.school_results(demo, 2023, municipality_id="zaozerny")
    row = cohort[(cohort.org_unit_id == "sosh-6") & (cohort.subject == "math") & (cohort.grade == 4)].iloc[0]
    assert row.cohort_direction == "drop" and row.k > row.k_high
    index = objectivity.objectivity_index(demo, 2024, municipality_id="zaozerny")
    assert (index["schools"], index["flagged"]) == (11, 2)
    risk = objectivity.school_risk(demo, 2024, municipality_id="zaozerny").set_index("org_unit_id")
    assert risk.loc["sosh-6", "signs_last_year"] == 1 and risk.loc["cadet", "signs_this_year"] == 2


def test_the_protocols_look_real(demo):
    p = demo.read("SELECT * FROM vpr_participant")
    assert set(p["period"]) == set(vpr_demo.PERIODS) and set(p["subject"]) == {"rus", "math"}
    assert set(p["grade"]) == {4, 5} and "evening" not in set(p["org_unit_id"])
    present = p[~p["absent"]].groupby(["org_unit_id", "period", "subject", "grade"]).size()
    assert present.between(14, 63).all() and present.min() < 20 and present.max() > 55
    assert p["absent"].sum() >= len(present)     # one to three absent per class
    assert p.loc[p["absent"], "primary_score"].isna().all()
    scale = demo.read("SELECT subject, grade, period, max(test_max) AS top FROM vpr_scale GROUP BY ALL")
    both = p.merge(scale, on=["subject", "grade", "period"])
    assert (both["primary_score"].dropna() <= both.loc[both["primary_score"].notna(), "top"]).all()
    # the same rows every time
    again = vpr_demo.participants(demo, vpr_demo.scales(demo))
    assert len(again) == len(p)


def test_region_year_is_a_regions_size():
    schools = [f"s{i:05d}" for i in range(1, 1001)]
    frame = vpr_demo.region_year(schools, 2024)
    assert 350_000 < len(frame) < 450_000
    assert not frame.duplicated(vpr_demo.KEYS).any()
    assert frame.loc[frame["absent"], "primary_score"].isna().all()


def test_the_proposal_of_indicator_9(demo_copy):
    db = Database(demo_copy)
    try:
        found = proposal(db, "zaozerny", 2024)
        # every school taking the ВПР (the evening school's S09 does not apply) has its protocol
        assert (found.indicator_id, found.score, found.expected, found.protocols) == ("M09", 2.0, 11, 11)
        assert found.flagged == 2 and "признаки необъективности — у 2 школ" in found.text
        assert "индекс объективности 81,8" in found.text
        assert proposal(db, "zaozerny", 2021).score is None        # no protocols that year
        assert proposal(db, "cadet", 2024).indicator_id == "S09"

        before = db.scalar("SELECT count(*) FROM change_log")
        viewer = Actor(login="v", name="Наблюдатель", role="region_viewer", unit_id="demo-region")
        with pytest.raises(AccessDenied):
            confirm_proposal(db, viewer, "zaozerny", 2024)
        school = Actor(login="s", name="Школа", role="school_editor", unit_id="cadet")
        with pytest.raises(AccessDenied):
            confirm_proposal(db, school, "zaozerny", 2024)
        assert db.scalar("SELECT count(*) FROM change_log") == before

        editor = Actor(login="uo", name="Специалист УО", role="department_editor", unit_id="zaozerny")
        done = confirm_proposal(db, editor, "zaozerny", 2024)
        assert done.confirmed and done.current == 2.0
        row = db.read("SELECT score, evidence_url, comment, updated_by FROM assessment "
                      "WHERE org_unit_id = 'zaozerny' AND indicator_id = 'M09' AND period = 2024").iloc[0]
        assert row.score == 2.0 and "ВПР" in row.evidence_url and "подтверждена специалистом" in row.comment
        log = db.read("SELECT field, user_name FROM change_log WHERE source = 'edit' "
                      "AND entity = 'assessment' AND entity_key LIKE '%M09%'")
        assert {"comment", "evidence_url"} <= set(log["field"]) and set(log["user_name"]) == {"Специалист УО"}
        with pytest.raises(ValueError):
            confirm_proposal(db, editor, "zaozerny", 2021)
    finally:
        db.close()


def test_schools_with_signs_get_the_rule_texts_of_their_signs(demo):
    from indicators.measures.recommendations import needing_support, rules
    texts = rules(demo)
    assert {k for t, k in texts if t == "objectivity"} == set(SIGNS)
    drafts = needing_support(demo, 2024, "zaozerny").set_index("org_unit_id")
    cadet, sosh11 = drafts.loc["cadet"], drafts.loc["sosh-11"]
    assert "результаты выше эталона (Математика, 4 кл.; Русский язык, 4 кл.)" in cadet.basis
    assert "Признак необъективности ВПР «результаты выше эталона» (Математика, 4 кл.; Русский язык, 4 кл.)" \
        in cadet.draft
    assert "«отметки противоречат результатам ВПР» (Русский язык, 5 кл.)" in sosh11.draft
    others = drafts.drop(index=["cadet", "sosh-11"])
    assert not others["draft"].str.contains("ВПР").any() and not others["basis"].str.contains("ВПР").any()
    cohort = needing_support(demo, 2023, "zaozerny").set_index("org_unit_id").loc["sosh-6"]
    assert "«резкое изменение результатов параллели» (Математика, 4 кл.)" in cohort.draft


def test_the_proposal_reads_one_statement_given_the_pages_analysis(demo):
    """The page hands the proposal the year's index it has already computed: the proposal is
    then one statement, and the same as when it computes the analysis itself."""
    db, muni = demo, "zaozerny"
    analysis = objectivity.objectivity_index(db, 2024, municipality_id=muni)
    before = db.statements
    given = proposal(db, muni, 2024, analysis)
    assert db.statements - before == 1
    assert given == proposal(db, muni, 2024)
