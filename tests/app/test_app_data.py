"""The Данные, School-editor and Журнал pages under AppTest, on a private copy of the demo:
upload → preview → apply → every page shows the new numbers; a bad file changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from indicators.access.users import add_user
from indicators.charts import percent
from indicators.exchange.template import build_template
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.views.overview import overview
from indicators.views.scope import Scope
from tests.staging import as_user, signed_in

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db_path(demo_copy, monkeypatch):
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    return demo_copy


@pytest.fixture
def app(db_path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _filled(db_path, school="sosh-6", change=None) -> bytes:
    db = ready_db(db_path)
    book = load_workbook(io.BytesIO(build_template(db, 2024, MUNICIPALITY_ID, school)))
    for cell, value in (change or {}).items():
        book["Оценки"][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _metric(at, label):
    return next(m for m in at.metric if m.label == label).value


def test_upload_preview_apply_and_every_page_shows_the_new_numbers(db_path, monkeypatch):
    """Signed in on a served app as the department's specialist, whose name the log keeps."""
    monkeypatch.setenv("QUALITY_SERVE", "network")
    add_user(ready_db(db_path), as_user("админ"), "ivanova", "Иванова", "department_editor",
             MUNICIPALITY_ID, password="пароль-ивановой")
    app = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "ivanova", "пароль-ивановой")
    app.switch_page("app_pages/data.py").run()
    data = _filled(db_path, change={"J2": 0, "J3": "нет"})
    app.file_uploader[0].set_value(("сош6.xlsx", data, XLSX)).run()
    assert not app.exception, [e.value for e in app.exception]
    assert _metric(app, "Изменённых") == "2" and _metric(app, "Новых записей") == "0"
    changes = [d.value for d in app.dataframe if "Было" in d.value.columns][0]
    assert set(changes["Стало"]) == {"0"} and set(changes["Было"]) == {"2"}
    db = ready_db(db_path)
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = 'sosh-6' AND "
                     "indicator_id = 'S01' AND period = 2024") == 2  # preview only

    app.button(key="apply").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Записано" in s.value for s in app.success)
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = 'sosh-6' AND "
                     "indicator_id = 'S01' AND period = 2024") == 0
    assert db.scalar("SELECT user_name FROM change_log WHERE source = 'import' LIMIT 1") == "Иванова"

    app.switch_page("app_pages/overview.py").run()
    fresh = overview(db, Scope(2024, municipality_id=MUNICIPALITY_ID))
    assert next(m for m in app.metric if m.label == "Соответствие по школам").value == \
        percent(fresh.municipality["compliance"])

    app.switch_page("app_pages/log.py").run()
    log = [d.value for d in app.dataframe if "Было" in d.value.columns][0]
    assert {"Иванова"} <= set(log["Кто"]) and "сош6.xlsx" in set(log["Файл"])

    app.switch_page("app_pages/data.py").run()
    app.button(key="undo").click().run()
    assert any("отменена" in s.value for s in app.success)
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = 'sosh-6' AND "
                     "indicator_id = 'S01' AND period = 2024") == 2


def test_a_bad_file_shows_every_problem_and_changes_nothing(app, db_path):
    data = _filled(db_path, change={"J2": "может быть", "A5": "sosh-99"})
    before = ready_db(db_path).data_version()
    app.file_uploader[0].set_value([("плохой.xlsx", data, XLSX), ("текст.xlsx", b"a;b\n1;2", XLSX)]).run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "Найдены ошибки: 3. Ничего не записано" in errors
    text = " ".join(m.value for m in app.markdown)
    assert "строка 2, столбец J «Балл»: значение «может быть» не распознано" in text
    assert "строка 5, столбец A «Код организации»: неизвестная организация «sosh-99»" in text
    assert "Файл «текст.xlsx»: это не файл Excel" in text
    assert not [b for b in app.button if b.key == "apply"]
    assert ready_db(db_path).data_version() == before


def test_accept_locks_the_school_and_unlock_opens_it(app, db_path):
    app.selectbox(key="accept_unit").select("sosh-6")
    app.button(key="submission-accept").click().run()
    assert any("принять и заблокировать — готово" in s.value for s in app.success)
    table = [d.value for d in app.dataframe if "Кем принято" in d.value.columns][0]
    row = table[table["Организация"].str.contains("№ 6")].iloc[0]
    assert row["Статус"] == "Принято (заблокировано)"
    app.file_uploader[0].set_value(("сош6.xlsx", _filled(db_path, change={"J2": 0}), XLSX)).run()
    assert any("заблокированы" in m.value for m in app.markdown)
    app.selectbox(key="accept_unit").select("sosh-6")
    app.button(key="submission-unlock").click().run()
    status = ready_db(db_path).scalar("SELECT status FROM submission WHERE org_unit_id = 'sosh-6' "
                                      "AND period = 2024")
    assert status == "received"


def test_schools_that_did_not_submit_are_listed(app):
    assert any("Не сдали данные за 2024/25: НОШ № 7" in w.value for w in app.warning)


def test_the_school_page_offers_the_editor_and_says_when_locked(db_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/school.py").run()
    at.selectbox(key="school").select("sosh-2").run()   # accepted in 2024/25
    at.toggle(key="edit_mode").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("заблокированы" in i.value for i in at.info)
    at.selectbox(key="school").select("sosh-6").run()
    assert [b for b in at.button if b.key == "save-sosh-6-2024"]


def test_the_roadmap_page_offers_the_status_editor(db_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/roadmap.py").run()
    at.toggle(key="roadmap_edit").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b for b in at.button if b.key == f"save-events-{MUNICIPALITY_ID}-2024"]
