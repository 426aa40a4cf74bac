"""The ВПР import: ФИС ОКО's protocols (2022 and 2021 layouts) and report tables, read → check →
apply, with refusals in Russian naming file, sheet, row and column and the database unchanged,
a re-import that changes nothing, undo, the roles, and a zip bomb."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from bench.import_bench import zip_bomb
from indicators.exchange.apply import NeedsConfirmation
from indicators.exchange.vpr_apply import apply_vpr, undo_vpr
from indicators.exchange.vpr_check import plan_vpr
from indicators.store.actors import AccessDenied
from indicators.store.database import Database
from indicators.synthetic.vpr_files import random_participants, report_from_participants, write_protocol, write_reports
from tests import staging
from tests.staging import as_user

YEAR = 2021          # the demo has no ВПР of 2021/22: every row here is this test's
SCHOOLS = [("sosh-1", "МБОУ «Средняя общеобразовательная школа № 1»"),
           ("gymn-3", "МБОУ «Гимназия № 3»")]
ADMIN = as_user("Админ")
TABLES = ("vpr_participant", "vpr_school_report", "change_log", "import_batch")


def fingerprint(db: Database) -> dict:
    return staging.fingerprint(db, TABLES)


def participants(n: int = 6, seed: int = 3) -> pd.DataFrame:
    return random_participants(SCHOOLS, per_school=n, test_max=20, seed=seed, absent_share=0.2)


def protocol(tmp_path, frame: pd.DataFrame, name: str = "Математика 4.xlsx", **kw) -> tuple[str, bytes]:
    path = write_protocol(tmp_path / name, frame, subject="math", grade=4, period=YEAR, test_max=20, **kw)
    return name, path.read_bytes()


def edited(file: tuple[str, bytes], sheet: str, cell: str, value) -> tuple[str, bytes]:
    book = load_workbook(io.BytesIO(file[1]))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return file[0], out.getvalue()


def stored(db: Database) -> pd.DataFrame:
    return db.read(f"SELECT * EXCLUDE (updated_at, updated_by) FROM vpr_participant WHERE period = {YEAR} "
                   "ORDER BY org_unit_id, participant")


def refused(db: Database, files, **kw) -> str:
    before = fingerprint(db)
    plan = plan_vpr(db, files, **kw)
    assert not plan.ok
    assert fingerprint(db) == before
    return "\n".join(str(i) for i in plan.issues)


def test_a_2022_protocol_imports_its_exact_participants(db, tmp_path):
    frame = participants()
    frame.loc[1, "journal_mark"] = None   # no mark in the journal: stored empty
    plan = plan_vpr(db, [protocol(tmp_path, frame)])
    assert plan.ok, [str(i) for i in plan.issues]
    assert plan.counts | {} == dict(schools=2, present=int((~frame.absent).sum()), absent=int(frame.absent.sum()),
                                    new=12, changed=0, unchanged=0, deleted=0, reports=0)
    assert "Математика, 4 класс, 2021/22" in plan.notes[0]
    apply_vpr(db, plan, ADMIN)
    got = stored(db)
    assert set(got["participant"]) == set(frame["participant"])
    for _, want in frame.iterrows():
        row = got[got.participant == want.participant].iloc[0]
        assert row.org_unit_id == want.school_id and row.absent == want.absent
        assert row.class_name == want.class_name and row.sex == want.sex
        if want.absent:
            assert pd.isna(row.primary_score) and pd.isna(row.variant)
        else:
            assert row.primary_score == want.primary_score and list(row.task_points) == want.task_points
            assert row.variant == want.variant
        assert (pd.isna(row.journal_mark) if pd.isna(want.journal_mark) else row.journal_mark == want.journal_mark)


def test_a_2021_protocol_imports_the_same_participants(db, tmp_path):
    frame = participants()
    plan = plan_vpr(db, [protocol(tmp_path, frame, "protocol.xlsx", style="2021")],
                    subject="math", grade=4, period=YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    apply_vpr(db, plan, ADMIN)
    got = stored(db)
    assert set(got["participant"]) == set(frame["participant"])
    assert got["primary_score"].sum() == frame["primary_score"].sum()


def test_a_2021_protocol_without_subject_asks_for_it(db, tmp_path):
    message = refused(db, [protocol(tmp_path, participants(), "protocol.xlsx", style="2021")], period=YEAR)
    assert "предмет, класс" in message and "форме" in message


@pytest.mark.parametrize("one_sheet", [False, True])
def test_report_tables_import_counts_per_school(db, tmp_path, one_sheet):
    frame = participants(10)
    scale = db.read("SELECT mark, min_score, max_score FROM vpr_scale WHERE subject = 'math' AND grade = 4 "
                    f"AND period = {YEAR}")
    report = report_from_participants(frame, scale)
    path = write_reports(tmp_path / "Отчёт МА 4.xlsx", report, subject="math", grade=4, period=YEAR,
                         one_sheet=one_sheet)
    plan = plan_vpr(db, [(path.name, path.read_bytes())])
    assert plan.ok, [str(i) for i in plan.issues]
    apply_vpr(db, plan, ADMIN)
    got = db.read(f"SELECT * FROM vpr_school_report WHERE period = {YEAR} ORDER BY org_unit_id")
    want = report.sort_values("school_id").reset_index(drop=True)
    for column in ("participants", "mark2", "mark3", "mark4", "mark5", "lowered", "confirmed", "raised"):
        assert list(got[column]) == list(want[column]), column


@pytest.mark.parametrize("cell, value, words", [
    ("I5", 7, ["строка 5", "«1 (2б)»", "наибольший 2"]),
    ("X5", 99, ["строка 5", "Итого баллов", "больше максимального балла", "не равен сумме"]),
    ("W5", 7, ["строка 5", "Отметка за предыдущий", "2, 3, 4 или 5"]),
    ("E5", "sch-000 | Школа, которой нет", ["строка 5", "«Школа»", "неизвестная школа «sch-000»"]),
    ("G5", "10001", ["строка 5", "«Код»", "«10001» уже есть в строке 3"]),
    ("I5", "два", ["строка 5", "не число"]),
])
def test_a_bad_protocol_is_refused_naming_file_sheet_row_and_column(db, tmp_path, cell, value, words):
    frame = participants().assign(absent=False)
    frame["task_points"] = [p or [0.0] * 12 for p in frame["task_points"]]
    frame["primary_score"] = [sum(p) for p in frame["task_points"]]
    frame["variant"] = frame["variant"].fillna("1")
    message = refused(db, [edited(protocol(tmp_path, frame), "Протокол", cell, value)])
    assert "Файл «Математика 4.xlsx», лист «Протокол»" in message
    for word in words:
        assert word in message, message


def test_a_school_name_that_is_not_its_codes_is_a_question(db, tmp_path):
    file = edited(protocol(tmp_path, participants()), "Протокол", "E3", "sosh-1 | Школа № 100")
    plan = plan_vpr(db, [file])
    assert plan.ok and len(plan.questions) == 1
    assert "«Школа № 100»" in str(plan.questions[0]) and "строка 3" in str(plan.questions[0])
    before = fingerprint(db)
    with pytest.raises(NeedsConfirmation):
        apply_vpr(db, plan, ADMIN)
    assert fingerprint(db) == before
    apply_vpr(db, plan, ADMIN, confirmed=True)


def test_a_missing_scale_is_a_question(db, tmp_path):
    path = write_protocol(tmp_path / "История 4 класс 2021.xlsx", participants(), subject="hist", grade=4,
                          period=YEAR, test_max=20, title=False)
    plan = plan_vpr(db, [(path.name, path.read_bytes())], period=YEAR)
    assert plan.ok and any("нет шкалы" in q.message for q in plan.questions)


def test_reimport_changes_nothing_and_a_new_protocol_replaces_the_schools(db, tmp_path):
    frame = participants()
    file = protocol(tmp_path, frame)
    apply_vpr(db, plan_vpr(db, [file]), ADMIN)
    again = plan_vpr(db, [file])
    assert (again.counts["new"], again.counts["changed"], again.counts["deleted"]) == (0, 0, 0)
    before = stored(db)
    apply_vpr(db, again, ADMIN)
    assert stored(db).equals(before)
    smaller = plan_vpr(db, [protocol(tmp_path, frame.iloc[1:], "Математика 4 (2).xlsx")])
    assert smaller.counts["deleted"] == 1
    apply_vpr(db, smaller, ADMIN)
    assert len(stored(db)) == len(frame) - 1


def test_undo_restores_the_previous_state(db, tmp_path):
    frame = participants()
    start = stored(db)
    apply_vpr(db, plan_vpr(db, [protocol(tmp_path, frame)]), ADMIN)
    first = stored(db)
    changed = frame.assign(journal_mark=5).iloc[2:]
    apply_vpr(db, plan_vpr(db, [protocol(tmp_path, changed, "Математика 4 (2).xlsx")]), ADMIN)
    assert not stored(db).equals(first)
    undo_vpr(db, ADMIN)
    pd.testing.assert_frame_equal(stored(db), first)
    undo_vpr(db, ADMIN)
    pd.testing.assert_frame_equal(stored(db), start)


def test_a_department_writes_its_schools_only_and_viewers_and_schools_not_at_all(db, tmp_path):
    file = protocol(tmp_path, participants())
    plan = plan_vpr(db, [file])
    before = fingerprint(db)
    for user in (as_user("Школа", "school_editor", "sosh-1"), as_user("Зритель", "viewer", "zaozerny")):
        with pytest.raises(AccessDenied):
            apply_vpr(db, plan, user)
    assert fingerprint(db) == before
    foreign = as_user("Чужой", "department_editor", "demo-kama")
    with pytest.raises(AccessDenied):
        apply_vpr(db, plan, foreign)
    message = refused(db, [file], reach=frozenset({"sosh-1"}))
    assert "вне вашей организации" in message and "«Гимназия № 3»" in message
    apply_vpr(db, plan, as_user("Управление", "department_editor", "zaozerny"))


def test_a_zip_bomb_is_refused(db, tmp_path):
    name, data = protocol(tmp_path, participants())
    message = refused(db, [("бомба.xlsx", zip_bomb(data, sheet="Протокол"))])
    assert "Файл «бомба.xlsx»" in message and "МБ" in message


def test_a_file_that_is_no_vpr_file_is_refused(db, tmp_path):
    name, data = protocol(tmp_path, participants())
    message = refused(db, [edited((name, data), "Протокол", "H2", "Вариантик")])
    assert "не найден ни протокол ВПР" in message


def test_a_20000_row_protocol_imports_every_participant(db, tmp_path):
    schools = list(db.read("SELECT id, name FROM org_unit WHERE kind = 'school' ORDER BY id")
                   .itertuples(index=False, name=None))
    frame = random_participants(schools, per_school=-(-20_000 // len(schools)), test_max=20, seed=7)
    frame = frame.iloc[:20_000]
    plan = plan_vpr(db, [protocol(tmp_path, frame, "Математика 4 класс.xlsx")])
    assert plan.ok, [str(i) for i in plan.issues]
    assert plan.counts["new"] == 20_000 and plan.counts["absent"] == int(frame.absent.sum())
    apply_vpr(db, plan, ADMIN)
    got = stored(db).set_index("participant")
    assert len(got) == 20_000 and set(got.index) == set(frame["participant"])
    present = frame[~frame.absent]
    assert got["primary_score"].sum() == present["primary_score"].sum()
    assert got["org_unit_id"].value_counts().to_dict() == frame["school_id"].value_counts().to_dict()
    for _, want in frame.iloc[[0, 1, 2, 9_999, 10_000, 19_998, 19_999]].iterrows():
        row = got.loc[want.participant]
        assert (row.org_unit_id, row.absent, row.class_name, row.sex) == (
            want.school_id, want.absent, want.class_name, want.sex)
        if want.absent:
            assert pd.isna(row.primary_score) and row.task_points in (None, pd.NA)
        else:
            assert row.primary_score == want.primary_score and list(row.task_points) == want.task_points
            assert row.variant == want.variant
        assert (pd.isna(row.journal_mark) if pd.isna(want.journal_mark) else row.journal_mark == want.journal_mark)
    absent = frame[frame.absent].iloc[0]
    assert got.loc[absent.participant, "task_points"] in (None, pd.NA) and got.loc[absent.participant, "absent"]
