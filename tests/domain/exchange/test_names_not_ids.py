"""The change log and the import preview speak of schools, events and school years as a person
names them («СОШ № 6 · S01 · 2024/25», «Губаха 1.2»), never by the database's ids
(``sosh-6|S01|2024``, ``gubakha:1.2``), and an empty value is «—», never «None»."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from indicators.exchange.apply import apply_import
from indicators.exchange.check import plan_import
from indicators.exchange.template import build_template
from indicators.store.changelog import change_log, log_table
from indicators.store.database import Database
from tests.staging import as_user

YEAR = 2024
SCHOOL = "sosh-6"
INTERNAL = re.compile(r"\|| \b\d{4}\b(?!/)|[a-z]+[:-][\w.]+")   # «|», a bare year, «sosh-6», «gubakha:1.2»


def _filled(db: Database) -> bytes:
    book = load_workbook(io.BytesIO(build_template(db, YEAR, "zaozerny", SCHOOL)))
    book["Оценки"]["J2"] = "нет"               # S01: 2 → 0
    book["Мероприятия"]["K2"] = "выполнено"
    book["Мероприятия"]["M2"] = "12.05.2025"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_preview_names_the_school_the_event_and_the_year(db):
    plan = plan_import(db, [("сош6.xlsx", _filled(db))], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    changes = plan.changes
    assert set(changes["Учебный год"]) == {"2024/25"}
    assert set(changes["Организация"]) == {"СОШ № 6"}
    events = changes[changes["Что"].str.startswith("мероприятие")]
    assert len(events), changes
    for what in changes["Что"]:
        assert not re.search(r"[a-z]+[:-]", what), what                 # no «gubakha:1.2»
    assert all(re.match(r"мероприятие .+ \d+(\.\d+)*", w) for w in events["Что"]), list(events["Что"])
    assert not changes.isna().any().any()


def test_the_change_log_names_the_school_and_the_year(db):
    plan = plan_import(db, [("сош6.xlsx", _filled(db))], YEAR)
    apply_import(db, plan, as_user("Иванова"))
    log = change_log(db, SCHOOL, YEAR)
    table = log_table(log)
    assert len(table) == len(log) >= 3
    assert "СОШ № 6 · S01 · 2024/25" in set(table["Запись"])
    for record in table["Запись"]:
        assert not INTERNAL.search(record), record
        assert "2024/25" in record
    shown = table.astype(object).where(table.notna(), None)
    assert not any(v is None or str(v) in ("None", "nan", "NaT", "<NA>")
                   for v in shown.drop(columns=["Строка"]).to_numpy().ravel())


def test_a_log_line_with_no_file_or_row_shows_a_dash(db):
    """A value set by the demo has no file and no row: the cells say «—»."""
    table = log_table(change_log(db, SCHOOL, YEAR, limit=5))
    assert set(table["Файл"]) <= {"—"} | set(table["Файл"].dropna())
    assert not table["Файл"].isna().any()
