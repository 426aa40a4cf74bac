"""Which unit runs which roadmap, and no data is never overdue — counted by hand on the tiny
fixture (tests/conftest.py) with these adoptions and statuses:

    region "reg" adopts the Perm regional plan;  municipality "mun" (under "reg") adopts Gubakha;
    a second municipality "mun2" under "reg" adopts nothing of its own;  nobody adopts Zaozersk.

    mun   2022  Губаха 1.1 done, 1.3 not_done, 2.1 not_due, 2.2 in_progress;
                Пермский край 3.2 not_done, 1.1 done (the ministry's event: not the department's);
                Заозерск 2 not_done (a roadmap «mun» does not run)
    sch-a 2022  Губаха 3.1 not_done
    sch-b 2022  nothing (sent nothing)

Today is 15.09.2023: every deadline of 2022/23 has passed.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from indicators.catalog.adoption import AdoptionError, adopt, adopted_roadmaps, unit_events
from indicators.charts.roadmap import timeline, timeline_table
from indicators.council.content import build
from indicators.exchange.template import event_rows
from indicators.measures import roadmap as r
from indicators.store.actors import AccessDenied
from indicators.store.upsert import upsert
from indicators.views.common import linked_events, roadmaps
from tests.staging import as_user, staged

TODAY = date(2023, 9, 15)
YEAR = 2022
# Perm: the events naming the municipal departments (МОУО) and the schools (ОО).
PERM_MUNICIPAL = ["1.2", "1.5", "2.1", "2.2", "2.5", "3.2", "3.3"]
PERM_SCHOOL = ["1.2", "1.5", "2.1", "2.2", "2.6", "2.7"]
GUBAKHA_ALL = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"]
GUBAKHA_SCHOOL = ["1.2", "1.3", "2.1", "2.2", "2.3", "2.5", "3.1", "3.3"]


def _statuses(db, rows):
    frame = pd.DataFrame([dict(event_id=e, org_unit_id=u, period=p, status=s) for e, u, p, s in rows],
                         dtype=object)
    with staged(db) as cur:
        upsert(cur, "event_status", ["event_id", "org_unit_id", "period"], ["status"], frame,
               user="тест", source="test")


@pytest.fixture
def adopted(tiny_db):
    with staged(tiny_db) as cur:
        cur.execute("INSERT INTO org_unit (id, parent_id, kind, name, short_name, ord) VALUES "
                    "('mun2', 'reg', 'municipality', 'Второй город (полное)', 'Второй город', 1)")
    adopt(tiny_db, pd.DataFrame([dict(unit_id="reg", direction_id="perm"),
                                 dict(unit_id="mun", direction_id="gubakha")]), as_user("Петрова"))
    _statuses(tiny_db, [
        ("gubakha:1.1", "mun", YEAR, "done"), ("gubakha:1.3", "mun", YEAR, "not_done"),
        ("gubakha:2.1", "mun", YEAR, "not_due"), ("gubakha:2.2", "mun", YEAR, "in_progress"),
        ("perm:3.2", "mun", YEAR, "not_done"), ("perm:1.1", "mun", YEAR, "done"),
        ("zaozersk:2", "mun", YEAR, "not_done"),
        ("gubakha:3.1", "sch-a", YEAR, "not_done"),
    ])
    return tiny_db


def _late(m: r.Roadmap) -> set[str]:
    return {n for n, o in zip(m.events["number"], m.events["overdue"]) if o}


# -- point 1: which unit runs which roadmap ------------------------------------------------------

def test_a_unit_runs_its_own_roadmap_and_its_regions(adopted):
    assert list(adopted_roadmaps(adopted, "mun")["direction_id"]) == ["gubakha", "perm"]
    assert list(adopted_roadmaps(adopted, "sch-a")["direction_id"]) == ["gubakha", "perm"]
    assert list(adopted_roadmaps(adopted, "mun2")["direction_id"]) == ["perm"]
    assert list(adopted_roadmaps(adopted, "reg")["direction_id"]) == ["perm"]
    # Gubakha 2021-2024 and Perm 2021-2024: the school years 2020/21 … 2024/25.
    assert list(adopted_roadmaps(adopted, "mun", 2025)["direction_id"]) == []
    assert list(roadmaps(adopted, "mun")["id"]) == ["gubakha", "perm"]   # the page's picker


def test_which_events_each_unit_reports_on(adopted):
    def numbers(unit, direction):
        events = unit_events(adopted, unit, YEAR)
        return list(events.loc[events["direction_id"] == direction, "number"])

    assert numbers("mun", "gubakha") == GUBAKHA_ALL          # its own plan, whole
    assert numbers("mun", "perm") == PERM_MUNICIPAL          # the region's: what it names for МОУО
    assert numbers("sch-a", "gubakha") == GUBAKHA_SCHOOL     # the schools: what names ОО
    assert numbers("sch-a", "perm") == PERM_SCHOOL
    assert numbers("mun2", "gubakha") == []
    assert numbers("reg", "perm") == [e.split(":")[1] for e in adopted.read(
        "SELECT id FROM roadmap_event WHERE direction_id = 'perm' ORDER BY ord")["id"]]


def test_execution_and_overdue_count_only_the_adopted_events(adopted):
    perm = r.roadmap(adopted, "perm", YEAR, "mun", "mun", today=TODAY)
    assert list(perm.events["number"]) == PERM_MUNICIPAL     # the ministry's 1.1 is not the department's
    assert perm.execution == 0 and _late(perm) == {"3.2"}
    zaozersk = r.roadmap(adopted, "zaozersk", YEAR, "mun", "mun", today=TODAY)
    assert zaozersk.events.empty and zaozersk.overdue.empty and zaozersk.execution is None
    assert zaozersk.years == []


def test_the_council_shows_the_municipalitys_roadmaps_and_their_documents(adopted):
    council = build(adopted, YEAR, "mun", now=datetime(2023, 9, 15, 10, 0))
    assert list(council.roadmaps["short_title"]) == ["Губаха", "Пермский край"]
    # Губаха: 1.3 and 2.2 overdue; Пермский край: 3.2.  Not the 10 + 6 events with no status.
    assert list(council.roadmaps["overdue"]) == [2, 1]
    sources = set(council.sources["title"])
    titles = dict(adopted.rows("SELECT id, title FROM direction"))
    assert sources == {titles["zaozersk"], titles["gubakha"], titles["perm"]}  # + the criteria table


def test_indicators_link_only_the_events_the_unit_reports_on(adopted):
    dept = linked_events(adopted, "mun", YEAR)
    assert "Губаха 2.2 (в работе)" in dept["M04"] and "Пермский край 2.1 (нет данных)" in dept["M04"]
    assert "Заозерск" not in " ".join(dept.values())
    assert "Пермский край 1.4" not in dept.get("M03", "")      # the ministry's event
    school = linked_events(adopted, "sch-a", YEAR)
    assert "Заозерск" not in " ".join(school.values()) and "Губаха 2.2 (нет данных)" in school["S04"]


def test_the_template_lists_the_events_each_unit_reports_on(adopted):
    units = pd.DataFrame([dict(id="mun", name="Город", kind="municipality"),
                          dict(id="sch-a", name="Школа А", kind="school")])
    rows = event_rows(adopted, YEAR, units)
    mun = rows[rows["unit_id"] == "mun"]["event_id"].tolist()
    assert mun == [f"gubakha:{n}" for n in GUBAKHA_ALL] + [f"perm:{n}" for n in PERM_MUNICIPAL]
    school = rows[rows["unit_id"] == "sch-a"]["event_id"].tolist()
    assert school == [f"gubakha:{n}" for n in GUBAKHA_SCHOOL] + [f"perm:{n}" for n in PERM_SCHOOL]
    stored = rows.set_index(["unit_id", "event_id"])["status"]
    assert stored[("mun", "gubakha:2.2")] == "in_progress"


def test_an_adoption_goes_through_the_write_door(adopted):
    log = adopted.read("SELECT * FROM change_log WHERE entity = 'roadmap_adoption'")
    assert set(log["entity_key"]) == {"reg|perm", "mun|gubakha"} and set(log["source"]) == {"adoption"}
    own = as_user("Иванова", "department_editor", "mun")
    adopt(adopted, pd.DataFrame([dict(unit_id="mun", direction_id="stepnovsky", period_from=2021,
                                      period_to=2021, basis="приказ № 1")]), own)
    assert "stepnovsky" in set(adopted_roadmaps(adopted, "mun", 2021)["direction_id"])
    assert "stepnovsky" not in set(adopted_roadmaps(adopted, "mun", 2022)["direction_id"])
    with pytest.raises(AccessDenied):  # another municipality's plan is not hers to adopt
        adopt(adopted, pd.DataFrame([dict(unit_id="mun2", direction_id="gubakha")]), own)
    with pytest.raises(AccessDenied):
        adopt(adopted, pd.DataFrame([dict(unit_id="mun", direction_id="zaozersk")]),
              as_user("Оператор", "school_editor", "sch-a"))
    with pytest.raises(AdoptionError, match="школа"):
        adopt(adopted, pd.DataFrame([dict(unit_id="sch-a", direction_id="zaozersk")]), as_user("А"))
    with pytest.raises(AdoptionError, match="не найдена"):
        adopt(adopted, pd.DataFrame([dict(unit_id="mun", direction_id="nope")]), as_user("А"))


def test_a_database_with_statuses_keeps_its_roadmaps_after_the_update(tiny_db):
    """Migration 008 on a database that recorded statuses before adoption was data: the
    municipality whose department or schools reported on a roadmap adopted it."""
    _statuses(tiny_db, [("gubakha:2.1", "sch-a", YEAR, "done"), ("perm:3.2", "mun", YEAR, "done")])
    with tiny_db.write_cursor() as cur:  # back to the schema before 008, then migrate again
        cur.execute("DROP MACRO TABLE unit_roadmap")
        cur.execute("DROP TABLE roadmap_adoption")
        cur.execute("DELETE FROM schema_migration WHERE version = 8")
    assert tiny_db.migrate() == [8]
    assert list(adopted_roadmaps(tiny_db, "mun")["direction_id"]) == ["gubakha", "perm"]


# -- point 2: no data is not overdue --------------------------------------------------------------

def test_no_status_is_no_data_never_overdue(adopted):
    """Губаха for the department in 2022/23: of its 12 events 4 have a status.  Overdue: 1.3
    (not done, due 30.09.2021) and 2.2 (in progress, due 31.08.2023).  Not 1.1 (done), not 2.1
    («срок не наступил» is the unit's word that the deadline has not come: never beside
    «просрочено»), and none of the 8 with no status."""
    m = r.roadmap(adopted, "gubakha", YEAR, "mun", "mun", today=TODAY)
    assert _late(m) == {"1.3", "2.2"}
    assert len(m.overdue) == 2
    assert m.execution == pytest.approx(1 / 3)                 # 1.1 ✓ of 1.1, 1.3, 2.2
    late_cells = m.history[m.history["overdue"]]
    assert set(late_cells["status"]) <= {"in_progress", "not_done"}
    assert not m.history.loc[m.history["status"].isna(), "overdue"].any()


def test_a_school_that_sent_nothing_has_nothing_overdue(adopted):
    silent = r.roadmap(adopted, "gubakha", YEAR, "sch-b", "mun", today=TODAY)
    assert silent.overdue.empty and silent.execution is None
    assert list(silent.events["number"]) == GUBAKHA_SCHOOL
    sent = r.roadmap(adopted, "gubakha", YEAR, "sch-a", "mun", today=TODAY)
    assert _late(sent) == {"3.1"}


def test_overdue_has_one_colour_and_one_legend_entry(adopted):
    m = r.roadmap(adopted, "gubakha", YEAR, "mun", "mun", today=TODAY)
    fig = timeline(m.history, m.events, "Мероприятия")
    names = [t.name for t in fig.data]
    assert names.count("просрочено") == 1
    for trace in fig.data:   # «просрочено» is written only in the overdue trace's cells
        texts = [str(t) for t in (trace.text if trace.text is not None else [])]
        assert (trace.name == "просрочено") == any("просрочено" in t for t in texts), trace.name
        assert not any("срок не наступил" in t and "просрочено" in t for t in texts)
    table = timeline_table(m.history, m.events)
    cells = [str(v) for v in table.drop(columns="Мероприятие").to_numpy().ravel()]
    assert not any("срок не наступил" in c and "просрочено" in c for c in cells)
    assert sum("просрочено" in c for c in cells) == 2


def test_the_generator_records_the_adoptions_its_statuses_follow(tmp_path):
    """generate: each municipality adopts one municipal roadmap, each region the regional plan;
    every status it writes is of an event the unit reports on, in a year its adoption covers."""
    from indicators.catalog.adoption import tracked_event_ids
    from indicators.ready import ready_db
    from indicators.store import database as db_module
    from indicators.synthetic.generate import generate

    path = (tmp_path / "g.duckdb").resolve()
    db = ready_db(path, with_demo=False)
    try:
        generate(db, "municipal")
        adopted = db.rows("SELECT u.kind, a.direction_id FROM roadmap_adoption a "
                          "JOIN org_unit u ON u.id = a.unit_id ORDER BY 1")
        assert adopted == [("municipality", "gubakha"), ("region", "perm")]
        stored = db.read("SELECT org_unit_id, period, list(event_id) AS ids FROM event_status GROUP BY ALL")
        assert len(stored)
        for unit, period, ids in stored.itertuples(index=False):
            assert set(ids) <= tracked_event_ids(db, unit, period), (unit, period)
        school = db.scalar("SELECT min(id) FROM org_unit WHERE kind = 'school'")
        assert {e.split(":")[0] for e in tracked_event_ids(db, school, 2022)} == {"gubakha", "perm"}
    finally:
        db.close()
        db_module._open.pop(str(path), None)


def test_an_import_refuses_a_status_of_an_event_the_unit_does_not_run(demo_copy):
    """The template lists the events a unit runs; a row naming another roadmap's event (a
    Gubakha event for a Zaozersk school) is refused with its sheet, row and column."""
    import io

    from openpyxl import load_workbook

    from indicators.exchange.check import plan_import
    from indicators.exchange.template import build_template
    from indicators.store.database import Database

    db = Database(demo_copy)
    try:
        book = load_workbook(io.BytesIO(build_template(db, 2024, "zaozerny", "sosh-6")))
        book["Мероприятия"]["A2"] = "gubakha:2.1"
        book["Мероприятия"]["K2"] = "выполнено"
        out = io.BytesIO()
        book.save(out)
        plan = plan_import(db, [("sosh6.xlsx", out.getvalue())], 2024)
        assert not plan.ok
        message = "\n".join(str(i) for i in plan.issues)
        assert "мероприятие gubakha:2.1 не входит в дорожные карты, которые выполняет" in message
        assert "лист «Мероприятия», строка 2" in message
    finally:
        db.close()


def test_the_command_line_lists_and_records_an_adoption(demo_copy, monkeypatch, capsys):
    """`python -m indicators roadmap adopt|list`: a department's own plan, as data, logged."""
    from indicators import cli
    from indicators.ready import ready_db
    from indicators.store import database as db_module

    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    try:
        assert cli.main(["roadmap", "list"]) == 0
        listed = capsys.readouterr().out
        assert "zaozerny\tМО «Заозёрный»\tzaozersk\tЗаозерск\t2020/21–2024/25" in listed
        assert "demo-kama\tПрикамский край\tperm\tПермский край\t2020/21–2024/25" in listed
        assert cli.main(["roadmap", "adopt", "zaozerny", "stepnovsky", "--to", "2021/22",
                         "--basis", "приказ № 7", "--user", "Петрова"]) == 0
        assert "zaozerny\tМО «Заозёрный»\tstepnovsky" in capsys.readouterr().out
        assert cli.main(["roadmap", "adopt", "sosh-6", "perm"]) == 1
        assert "школа" in capsys.readouterr().err
        db = ready_db(demo_copy)
        assert adopted_roadmaps(db, "zaozerny", 2021)["direction_id"].tolist() == ["stepnovsky", "zaozersk"]
        assert set(db.read("SELECT user_name FROM change_log WHERE source = 'adoption'")["user_name"]) == {"Петрова"}
    finally:
        db_module._open.pop(str(demo_copy.resolve()), None)
