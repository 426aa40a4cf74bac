"""Roadmap execution on hand-set statuses (tiny fixture + the real Gubakha roadmap, adopted by
the fixture's municipality), the responsible parties, overdue events and the specialist's dates
for undated ones."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators.catalog.adoption import adopt
from indicators.measures import roadmap as r
from indicators.store.upsert import upsert
from indicators.exchange.edits import plan_event_edits, save_edits
from tests.staging import as_user, staged

G = "gubakha"
TODAY = date(2023, 9, 15)
# Gubakha deadlines: 1.2 «июль-август 2021 г.», 1.3 «август-сентябрь 2021 г.», 2.1 and 2.2
# «ежегодно», 2.3 «ежегодно (в соответствии с планом-графиком)» (no date), 3.1 «ежегодно (июнь)».


def _statuses(db, rows):
    frame = pd.DataFrame([dict(event_id=f"{G}:{n}", org_unit_id=u, period=p, status=s)
                          for n, u, p, s in rows], dtype=object)
    with staged(db) as cur:
        upsert(cur, "event_status", ["event_id", "org_unit_id", "period"], ["status"], frame,
               user="тест", source="test")


@pytest.fixture
def gubakha(tiny_db):
    adopt(tiny_db, pd.DataFrame([dict(unit_id="mun", direction_id=G)]), as_user("тест"))
    _statuses(tiny_db, [
        ("1.1", "mun", 2022, "done"), ("1.2", "mun", 2022, "in_progress"),
        ("1.3", "mun", 2022, "not_done"), ("2.1", "mun", 2022, "not_due"),
        ("2.2", "mun", 2022, "done"),
        ("1.1", "mun", 2021, "done"), ("1.2", "mun", 2021, "done"),
        # school-level events of two schools (responsible names ОО): 2.1, 2.2, 3.1 …
        ("2.1", "sch-a", 2022, "done"), ("2.2", "sch-a", 2022, "done"), ("3.1", "sch-a", 2022, "not_done"),
        ("2.1", "sch-b", 2022, "in_progress"),
    ])
    return tiny_db


def test_execution_per_year_and_section(gubakha):
    m = r.roadmap(gubakha, G, 2022, "mun", "mun", today=TODAY)
    # counted = done, in progress, not done (not «срок не наступил»): 1.1 ✓, 1.2, 1.3, 2.2 ✓
    assert m.execution == pytest.approx(2 / 4)
    sections = dict(zip(m.by_section["section"], m.by_section["execution"]))
    assert sections["Нормативно-правовое обеспечение"] == pytest.approx(1 / 3)
    assert sections["Общесистемные мероприятия"] == pytest.approx(1 / 1)
    assert list(m.by_section["section"])[0] == "Нормативно-правовое обеспечение"  # document order
    years = m.by_year.set_index("period")
    assert years.loc[2021, "execution"] == 1.0 and years.loc[2021, "counted"] == 2


def test_overdue_events(gubakha):
    m = r.roadmap(gubakha, G, 2022, "mun", "mun", today=TODAY)
    late = {n for n, o in zip(m.events["number"], m.events["overdue"]) if o}
    # 1.3 due 30.09.2021 and not done; 1.2 in progress, but a one-off already done in 2021/22;
    # 1.1 and 2.2 done; 2.1 «срок не наступил» (the unit's word: never beside «просрочено»,
    # though 31.08.2023 has passed); 3.1 due 30.06.2023 with nothing reported: no data, not
    # overdue (issue 14: both were counted overdue before); 2.3 has no date: never guessed.
    assert late == {"1.3"}
    early = r.roadmap(gubakha, G, 2021, "mun", "mun", today=date(2021, 9, 1))
    assert {n for n, o in zip(early.events["number"], early.events["overdue"]) if o} == set()
    assert early.events.set_index("number").loc["1.2", "status"] == "done"


def test_undated_events_are_listed_until_the_specialist_sets_a_date(gubakha):
    m = r.roadmap(gubakha, G, 2022, "mun", "mun", today=TODAY)
    assert list(m.undated["number"]) == ["2.3"]
    r.set_due_dates(gubakha, pd.DataFrame([{"event_id": f"{G}:2.3", "period": 2022,
                                            "due_on": date(2023, 3, 1)}]), as_user("Петрова"))
    m = r.roadmap(gubakha, G, 2022, "mun", "mun", today=TODAY)
    assert m.undated.empty
    row = m.events.set_index("number").loc["2.3"]
    assert row["due"] == date(2023, 3, 1) and not bool(row["overdue"])   # no status: no data
    _statuses(gubakha, [("2.3", "mun", 2022, "in_progress")])
    row = r.roadmap(gubakha, G, 2022, "mun", "mun", today=TODAY).events.set_index("number").loc["2.3"]
    assert bool(row["overdue"])                                            # in progress, date passed
    log = gubakha.read("SELECT * FROM change_log WHERE entity = 'event_due'")
    assert list(log["user_name"]) == ["Петрова"] and list(log["new_value"]) == ["2023-03-01"]


def test_a_school_sees_only_the_events_on_schools_and_execution_per_school(gubakha):
    school = r.roadmap(gubakha, G, 2022, "sch-a", "mun", today=TODAY)
    assert all("ОО" in p for p in school.events["parties"])
    assert school.execution == pytest.approx(2 / 3)
    dept = r.roadmap(gubakha, G, 2022, "mun", "mun", today=TODAY)
    per = dept.by_school.set_index("org_unit_id")
    assert per.loc["sch-a", "execution"] == pytest.approx(2 / 3)
    assert per.loc["sch-b", "execution"] == 0 and per.loc["sch-b", "counted"] == 1


@pytest.mark.parametrize("text, expected", [
    ("МОУО, ОО", ["Управление образования", "ОО"]),
    ("МКУ «Управление образования ЗАТО город Заозерск», ОО", ["Управление образования", "ОО"]),
    ("МО ПК, ИРО", ["ИРО", "Министерство"]),
    ("Общеобразовательные учреждения", ["ОО"]),
    ("Завьялова Т.Б, директор МБУ ЦРО", ["Методическая служба"]),
    ("Муниципальные органы управления образованием (далее – МОУО), образовательные организации "
     "(далее – ОО)", ["Управление образования", "ОО"]),
    ("По согласованию", ["Другие"]),
])
def test_responsible_parties(text, expected):
    assert r.parties(text) == expected


def test_every_roadmap_of_the_demo_opens_for_the_unit_that_runs_it(demo_db):
    """Each of the five documents is run by its own demo authority (issue 14: every roadmap was
    opened on «Заозёрный»); its department sees it over the years the adoption covers."""
    runs = {"zaozersk": "zaozerny", "gubakha": "ugolny", "perm": "ugolny", "stepnovsky": "stepnoy",
            "promyshlennovsky": "promyshlenny"}
    for direction, muni in runs.items():
        m = r.roadmap(demo_db, direction, 2021, muni, muni, today=TODAY)
        assert len(m.events) and m.execution is not None and 0 <= m.execution <= 1, direction
        assert set(m.history["period"]) == set(m.years) and 2021 in m.years
        assert r.roadmap(demo_db, direction, 2021, "zaozerny", "zaozerny").events.empty == (
            direction != "zaozersk")


def test_indicators_show_the_events_that_produce_their_evidence(gubakha):
    """Catalog links (event_indicators.csv): Губаха 2.2 → M04 and S04; 1.1 → M07 (department only);
    Заозерск 2 → M04 once the municipality runs the Zaozersk roadmap too."""
    from indicators.views.common import unit_indicators
    adopt(gubakha, pd.DataFrame([dict(unit_id="mun", direction_id="zaozersk")]), as_user("тест"))
    school = unit_indicators(gubakha, "sch-a", 2022).set_index("Код")["Мероприятия дорожных карт"]
    assert "Губаха 2.2 (выполнено)" in school["S04"]
    assert "Губаха 1.1" not in " ".join(school)          # a department-only event
    dept = unit_indicators(gubakha, "mun", 2022).set_index("Код")["Мероприятия дорожных карт"]
    assert "Губаха 2.2 (выполнено)" in dept["M04"] and "Губаха 1.1 (выполнено)" in dept["M07"]
    assert "Губаха 2.1 (срок не наступил)" in dept["M07"]
    assert "Заозерск 2 (нет данных)" in dept["M04"]       # linked, nothing reported


def test_statuses_edited_in_place_go_through_the_import_checks(gubakha):
    bad = plan_event_edits(gubakha, "mun", 2022, pd.DataFrame([
        {"event_id": f"{G}:1.2", "status": "почти", "evidence_url": None, "done_on": None,
         "comment": None}]))
    assert "статус «почти» не распознан" in str(bad.issues[0])
    good = plan_event_edits(gubakha, "mun", 2022, pd.DataFrame([
        {"event_id": f"{G}:1.2", "status": "выполнено", "evidence_url": "https://x.example/a.pdf",
         "done_on": date(2023, 5, 12), "comment": None},
        {"event_id": f"{G}:1.3", "status": "не выполнено", "evidence_url": None, "done_on": None,
         "comment": None}]))
    assert good.ok and good.counts == {"new": 0, "changed": 1, "unchanged": 1}
    save_edits(gubakha, good, as_user("Петрова"))
    m = r.roadmap(gubakha, G, 2022, "mun", "mun", today=TODAY)
    assert m.execution == pytest.approx(3 / 4)
    log = gubakha.read("SELECT field, new_value FROM change_log WHERE source = 'edit'")
    assert set(zip(log["field"], log["new_value"])) == {
        ("status", "done"), ("evidence_url", "https://x.example/a.pdf"), ("done_on", "2023-05-12")}
