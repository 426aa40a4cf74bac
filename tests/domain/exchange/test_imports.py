"""The yearly cycle on the demo: template out, files in, validation, preview, apply, undo.

Every bad file a school secretary can send has its own test, asserting the Russian message
(file, sheet, row, column, reason) and that the database is exactly as it was.
"""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from indicators.store.database import Database
from indicators.exchange.apply import apply_import
from indicators.exchange.check import plan_import
from indicators.exchange.template import build_template
from indicators.exchange.edits import RefusedError, last_import, plan_edits, save_edits, set_submission, undo_last
from indicators.store.changelog import change_log
from tests import staging
from tests.staging import as_user, staged

YEAR = 2024
SCHOOL = "sosh-6"          # demo: 2024/25 received, not yet accepted
LOCKED_SCHOOL = "sosh-2"   # demo: 2024/25 accepted
MUNICIPALITY = "zaozerny"
TABLES = ("assessment", "event_status", "submission", "change_log", "import_batch")


def fingerprint(db: Database) -> dict:
    return staging.fingerprint(db, TABLES)


def template(db: Database, school: str | None = SCHOOL) -> bytes:
    return build_template(db, YEAR, "zaozerny", school)


def edited(data: bytes, change) -> bytes:
    """The workbook with ``change(book)`` applied, saved again."""
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(db: Database, files, period: int | None = YEAR, **kw) -> str:
    """Plan the import, assert it is refused and wrote nothing; return the messages."""
    before = fingerprint(db)
    plan = plan_import(db, files, period, **kw)
    assert not plan.ok, "the import should have been refused"
    assert fingerprint(db) == before
    return "\n".join(str(i) for i in plan.issues)


def set_cell(sheet: str, cell: str, value):
    def change(book):
        book[sheet][cell] = value
    return change


# -- the happy path ------------------------------------------------------------------------------

def test_an_untouched_template_imports_as_all_unchanged(db):
    plan = plan_import(db, [("sosh6.xlsx", template(db))], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": len(plan.assessments) + len(plan.events)}
    assert len(plan.assessments) == 11  # S01..S11, all answered in the demo
    assert plan.changes.empty


def values(db: Database, table: str) -> pd.DataFrame:
    """A table's rows without the audit columns (who/when wrote them)."""
    frame = db.read(f"SELECT * FROM {table} ORDER BY ALL")
    return frame.drop(columns=[c for c in ("updated_at", "updated_by") if c in frame])


def test_preview_apply_log_and_undo(db):
    before = fingerprint(db)
    values_before = {t: values(db, t) for t in ("assessment", "event_status", "submission")}

    def change(book):
        book["Оценки"]["J2"] = "нет"            # S01: 2 → 0 (alias)
        book["Оценки"]["L2"] = "=СУММ(1)"        # a comment that looks like a formula
        book["Оценки"]["L2"].data_type = "s"
        book["Мероприятия"]["K2"] = "выполнено"
        book["Мероприятия"]["M2"] = "12.05.2025"
    plan = plan_import(db, [("sosh6.xlsx", edited(template(db), change))], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert plan.counts["changed"] == 2
    rows = {(r.Поле, r.Было, r.Стало) for r in plan.changes.itertuples()}
    assert ("Балл", "2", "0") in rows and ("Комментарий", "—", "=СУММ(1)") in rows
    assert fingerprint(db) == before                     # a preview writes nothing

    batch = apply_import(db, plan, as_user("Иванова"))
    score, comment = db.rows("SELECT score, comment FROM assessment WHERE org_unit_id = ? AND "
                             "indicator_id = 'S01' AND period = ?", [SCHOOL, YEAR])[0]
    assert (score, comment) == (0.0, "=СУММ(1)")
    log = db.read("SELECT * FROM change_log WHERE batch_id = ?", [batch])
    s01 = log[(log["entity_key"] == f"{SCHOOL}|S01|{YEAR}") & (log["field"] == "score")].iloc[0]
    assert (s01.old_value, s01.new_value, s01.user_name, s01.source) == ("2.0", "0.0", "Иванова", "import")
    assert (s01.source_file, s01.source_row) == ("sosh6.xlsx", 2)
    assert len(log) == 4  # score, comment, event status, event date

    undo_last(db, as_user("Иванова"))
    for table, frame in values_before.items():
        assert values(db, table).equals(frame), table  # every value as it was
    restored = db.rows("SELECT score, comment FROM assessment WHERE org_unit_id = ? AND "
                       "indicator_id = 'S01' AND period = ?", [SCHOOL, YEAR])[0]
    assert restored == (2.0, None)
    assert db.scalar("SELECT status FROM event_status WHERE event_id = 'zaozersk:1' AND "
                     "org_unit_id = ? AND period = ?", [SCHOOL, YEAR]) == "in_progress"
    assert last_import(db) is None
    with pytest.raises(RefusedError, match="нет загрузки"):
        undo_last(db, as_user("Иванова"))


def test_undo_is_refused_after_a_later_edit_of_the_same_value(db):
    plan = plan_import(db, [("b.xlsx", edited(template(db), set_cell("Оценки", "J3", 1)))], YEAR)
    apply_import(db, plan, as_user("тест"))                              # S02: 2 → 1
    edit = plan_edits(db, SCHOOL, YEAR, pd.DataFrame(
        [{"code": "S02", "score": "0", "evidence_url": None, "comment": None}]))
    save_edits(db, edit, as_user("тест"))                       # then edited: 1 → 0
    with pytest.raises(RefusedError, match="после неё изменены"):
        undo_last(db, as_user("тест"))                           # b.xlsx wrote S02
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = ? AND indicator_id = 'S02' "
                     "AND period = ?", [SCHOOL, YEAR]) == 0


def test_undo_of_a_created_row_deletes_it(db):
    with staged(db) as cur:
        cur.execute("DELETE FROM assessment WHERE org_unit_id = ? AND indicator_id = 'S01' AND "
                    "period = ?", [SCHOOL, YEAR])
    plan = plan_import(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "J2", 1)))], YEAR)
    apply_import(db, plan, as_user("тест"))
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = ? AND indicator_id = 'S01' "
                     "AND period = ?", [SCHOOL, YEAR]) == 1
    undo_last(db, as_user("тест"))
    assert db.scalar("SELECT count(*) FROM assessment WHERE org_unit_id = ? AND indicator_id = 'S01' "
                     "AND period = ?", [SCHOOL, YEAR]) == 0
    gone = db.read("SELECT * FROM change_log WHERE source = 'undo'")
    assert set(gone["old_value"].dropna()) >= {"1.0"} and gone["new_value"].isna().all()


def test_several_files_go_in_one_transaction(db, monkeypatch):
    """A failure while writing the second table rolls back the first: nothing half-written."""
    before = fingerprint(db)
    data = edited(template(db), set_cell("Оценки", "J2", 0))
    other = edited(template(db, "sosh-1"), set_cell("Оценки", "J2", 0))
    plan = plan_import(db, [("a.xlsx", data), ("b.xlsx", other)], YEAR)
    assert plan.ok and plan.counts["changed"] == 2
    import indicators.store.door as door_module
    real = door_module.upsert

    def failing(cur, table, *args, **kw):
        if table == "event_status":
            raise RuntimeError("диск переполнен")
        return real(cur, table, *args, **kw)

    monkeypatch.setattr(door_module, "upsert", failing)
    with pytest.raises(RuntimeError):
        apply_import(db, plan, as_user("тест"))
    assert fingerprint(db) == before


@pytest.mark.parametrize("typed, score, na", [
    ("да", 2, False), ("+", 2, False), ("нет", 0, False), ("-", 0, False),
    ("частично", 1, False), ("Частично ", 1, False), ("н/п", None, True), ("1", 1, False),
    (1, 1, False), ("2,0", 2, False),
])
def test_documented_aliases_are_accepted(db, typed, score, na):
    plan = plan_import(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "J2", typed)))], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    row = plan.assessments[plan.assessments["indicator_id"] == "S01"].iloc[0]
    assert (None if pd.isna(row.score) else row.score, bool(row.not_applicable)) == (score, na)


def test_a_blank_row_keeps_the_stored_value(db):
    def clear(book):
        for cell in ("J2", "K2", "L2"):
            book["Оценки"][cell] = None
    plan = plan_import(db, [("a.xlsx", edited(template(db), clear))], YEAR)
    assert plan.ok and "S01" not in set(plan.assessments["indicator_id"])


def test_trailing_and_inner_blank_rows_are_ignored(db):
    def change(book):
        sheet = book["Оценки"]
        sheet.insert_rows(5)
        for row in range(sheet.max_row + 1, sheet.max_row + 40):
            sheet.cell(row, 10, "  ")
    plan = plan_import(db, [("a.xlsx", edited(template(db), change))], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert len(plan.assessments) == 11


def test_a_formula_with_a_saved_value_is_read_as_that_value(db):
    """Excel saves both the formula and its last value; openpyxl writes only the formula, so
    the saved value is put in the file's XML by hand here."""
    data = edited(template(db), set_cell("Оценки", "J2", 0))
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in archive.infolist():
            body = archive.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                body, n = re.subn(rb'<c r="J2"([^>]*)><v>0</v></c>',
                                  rb'<c r="J2"\1><f>1-1</f><v>0</v></c>', body)
                assert n == 1
            target.writestr(item, body)
    plan = plan_import(db, [("a.xlsx", out.getvalue())], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert plan.assessments.set_index("indicator_id").loc["S01", "score"] == 0


def test_acceptance_locks_and_unlock_is_logged(db):
    set_submission(db, SCHOOL, YEAR, "accept", as_user("Петрова"))
    message = refused(db, [("a.xlsx", template(db))])
    assert "приняты и заблокированы" in message
    plan = plan_edits(db, SCHOOL, YEAR, pd.DataFrame(
        [{"code": "S01", "score": "0", "evidence_url": None, "comment": None}]))
    assert not plan.ok
    set_submission(db, SCHOOL, YEAR, "unlock", as_user("Петрова"))
    log = db.read("SELECT * FROM change_log WHERE entity = 'submission' AND source = 'unlock'")
    assert ("status", "accepted", "received") in set(zip(log["field"], log["old_value"], log["new_value"]))
    assert plan_import(db, [("a.xlsx", template(db))], YEAR).ok


def test_in_place_edit_uses_the_same_checks_and_log(db):
    bad = plan_edits(db, SCHOOL, YEAR, pd.DataFrame(
        [{"code": "S01", "score": "7", "evidence_url": None, "comment": None}]))
    assert "вне допустимых" in str(bad.issues[0]) and "строка 1" in str(bad.issues[0])
    good = plan_edits(db, SCHOOL, YEAR, pd.DataFrame(
        [{"code": "S01", "score": "1", "evidence_url": "https://x.example/a.pdf", "comment": "ok"}]))
    save_edits(db, good, as_user("Сидоров"))
    log = change_log(db, SCHOOL, YEAR, "Сидоров", "edit")
    assert set(log["field"]) == {"score", "evidence_url", "comment"}


# -- every bad file -------------------------------------------------------------------------------

def test_a_renamed_word_document(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert "«отчёт.xlsx»: это документ Word (.docx)" in refused(db, [("отчёт.xlsx", out.getvalue())])


def test_a_renamed_csv(db):
    data = "Код организации;Балл\nsosh-6;2\n".encode("cp1251")
    assert "это не файл Excel (.xlsx). Похоже на текст или CSV" in refused(db, [("оценки.xlsx", data)])


def test_a_corrupt_zip(db):
    data = template(db)
    assert "файл повреждён" in refused(db, [("битый.xlsx", data[: len(data) // 2])])


def test_a_password_protected_file(db):
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(template(db))).encrypt("пароль", out)
    assert "«школа.xlsx»: файл защищён паролем" in refused(db, [("школа.xlsx", out.getvalue())])


def test_an_old_xls(db):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096  # an OLE file without encryption
    assert "старого формата" in refused(db, [("старый.xlsx", data)])


def test_an_empty_file(db):
    assert "файл пустой (0 байт)" in refused(db, [("пусто.xlsx", b"")])


def test_a_workbook_with_nothing_filled_in(db):
    def clear(book):
        for sheet in (book["Оценки"], book["Мероприятия"]):
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    cell.value = None
    assert "нет ни одной заполненной оценки" in refused(db, [("пустой.xlsx", edited(template(db), clear))])


def test_a_file_over_the_size_limit(db):
    assert "файл слишком большой" in refused(db, [("большой.xlsx", template(db))], limit_mb=0.001)


def test_a_missing_sheet(db):
    def rename(book):
        book["Оценки"].title = "Лист1"
        del book["Мероприятия"]
    message = refused(db, [("a.xlsx", edited(template(db), rename))])
    assert "нет листа «Оценки»" in message and "«Лист1»" in message


def test_a_renamed_column(db):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "J1", "Оценка")))])
    assert message == ("Файл «a.xlsx», лист «Оценки», строка 1: нет столбца «Балл» (переименован "
                       "или удалён). Верните заголовки как в шаблоне.")


def test_a_deleted_column(db):
    def drop(book):
        book["Оценки"].delete_cols(11)  # «Ссылка на документ»
    assert "нет столбца «Ссылка на документ»" in refused(db, [("a.xlsx", edited(template(db), drop))])


def test_an_unknown_school(db):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "A3", "sosh-99")))])
    assert message == ("Файл «a.xlsx», лист «Оценки», строка 3, столбец A «Код организации»: "
                       "неизвестная организация «sosh-99»; коды школ — как в шаблоне.")


def test_an_unknown_indicator_code(db):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "D4", "S99")))])
    assert "строка 4, столбец D «Код показателя»: неизвестный код показателя «S99»" in message


def test_a_municipal_indicator_on_a_school_row(db):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "D2", "M01")))])
    assert "показатель M01 относится к уровню муниципалитета" in message


def test_a_score_out_of_range(db):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "J5", 3)))])
    assert message == ("Файл «a.xlsx», лист «Оценки», строка 5, столбец J «Балл»: балл 3 вне "
                       "допустимых значений: целое число от 0 до 2")


@pytest.mark.parametrize("typed", ["может быть", "1.5", "✓"])
def test_free_text_in_a_score_cell(db, typed):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "J2", typed)))])
    assert "строка 2, столбец J «Балл»" in message
    assert "не распознано" in message or "вне допустимых" in message


def test_a_link_without_a_score(db):
    def change(book):
        book["Оценки"]["J2"] = None
        book["Оценки"]["K2"] = "https://x.example/a.pdf"
    assert "указаны ссылка или комментарий, но нет балла" in refused(
        db, [("a.xlsx", edited(template(db), change))])


def test_duplicate_rows(db):
    def copy_row(book):
        sheet = book["Оценки"]
        sheet.append([c.value for c in sheet[2]])
    message = refused(db, [("a.xlsx", edited(template(db), copy_row))])
    assert "строка 13: показатель S01 для «МБОУ «Средняя общеобразовательная школа № 6»» уже " \
           "указан(о) в строке 2: строка повторяется" in message


def test_the_same_rows_in_two_files(db):
    first = template(db)
    second = edited(first, set_cell("Оценки", "L2", "другой комментарий"))
    message = refused(db, [("первый.xlsx", first), ("второй.xlsx", second)])
    assert "Файл «второй.xlsx», лист «Оценки», строка 2" in message
    assert "в строке 2 файла «первый.xlsx»" in message


def test_merged_cells(db):
    def merge(book):
        book["Оценки"].merge_cells("K3:L3")
    message = refused(db, [("a.xlsx", edited(template(db), merge))])
    assert "лист «Оценки»: есть объединённые клетки (K3:L3)" in message


def test_a_formula_without_a_saved_value(db):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "J2", "=1+1")))])
    assert "в клетках J2 формулы без сохранённого значения" in message


def test_a_file_for_another_school_year(db):
    message = refused(db, [("a.xlsx", template(db))], period=2023)
    assert "файл за 2024/25 учебный год, а загружаются данные за 2023/24" in message


def test_two_years_in_one_file(db):
    message = refused(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "C3", "2023/24")))],
                      period=None)
    assert "в одном файле разные учебные годы (2023/24, 2024/25)" in message


def test_the_same_file_uploaded_twice(db):
    data = template(db)
    message = refused(db, [("школа6.xlsx", data), ("школа6 (1).xlsx", data)])
    assert "«школа6 (1).xlsx»: это тот же файл, что и «школа6.xlsx»" in message


def test_a_locked_school(db):
    message = refused(db, [("a.xlsx", template(db, LOCKED_SCHOOL))])
    assert "приняты и заблокированы" in message and message.count("\n") == 0  # said once


def test_an_unknown_event_status_and_bad_date(db):
    def change(book):
        book["Мероприятия"]["K2"] = "почти"
        book["Мероприятия"]["K3"] = "выполнено"
        book["Мероприятия"]["M3"] = "вчера"
    message = refused(db, [("a.xlsx", edited(template(db), change))])
    assert "лист «Мероприятия», строка 2, столбец K «Статус»: статус «почти» не распознан" in message
    assert "строка 3, столбец M «Дата выполнения»: дата «вчера» не распознана" in message


def test_all_problems_are_listed_at_once(db):
    def change(book):
        book["Оценки"]["J2"] = 9
        book["Оценки"]["J3"] = "?"
        book["Оценки"]["A4"] = "нет такой"
    plan = plan_import(db, [("a.xlsx", edited(template(db), change))], YEAR)
    assert [i.row for i in plan.issues] == [2, 3, 4]


def test_an_import_previously_applied_is_recognised(db):
    data = edited(template(db), set_cell("Оценки", "J2", 0))
    apply_import(db, plan_import(db, [("a.xlsx", data)], YEAR), as_user("тест"))
    again = plan_import(db, [("a.xlsx", data)], YEAR)
    assert again.ok and "уже загружался" in again.notes[0]
    assert again.counts["changed"] == 0


def test_the_template_protects_the_catalog_and_offers_a_dropdown(db):
    book = load_workbook(io.BytesIO(template(db)))
    assert book.sheetnames == ["Инструкция", "Оценки", "Мероприятия"]
    sheet = book["Оценки"]
    assert sheet.protection.sheet
    assert sheet["D2"].protection.locked and not sheet["J2"].protection.locked
    assert sheet.freeze_panes == "A2"
    rules = sheet.data_validations.dataValidation
    assert any(r.formula1 == '"0,1,2,н/п"' and "J2" in str(r.sqref) for r in rules)
    assert sheet.max_row == 12 and sheet["A2"].value == SCHOOL and sheet["C2"].value == "2024/25"
    everyone = load_workbook(io.BytesIO(template(db, None)))["Оценки"]
    units = {c.value for c in everyone["A"][1:]}
    assert "zaozerny" in units and SCHOOL in units and "nosh-7" in units


def test_a_file_built_by_hand_with_the_right_headers_is_accepted(db):
    """Schools sometimes retype the table: only the headers matter, not the template's styling."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Оценки"
    sheet.append(["Код организации", "Учебный год", "Код показателя", "Балл", "Ссылка на документ",
                  "Комментарий"])
    sheet.append([SCHOOL, "2024/2025", "s01", "да", None, None])
    out = io.BytesIO()
    book.save(out)
    plan = plan_import(db, [("вручную.xlsx", out.getvalue())], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert plan.assessments.iloc[0][["indicator_id", "score"]].tolist() == ["S01", 2.0]


# -- a municipality's own catalog and schools ------------------------------------------------------

def _catalog(db, change) -> bytes:
    from indicators.exchange.catalog_file import current_catalog
    return edited(current_catalog(db, "zaozerny"), change)


def test_schools_are_added_renamed_and_closed_from_a_file_and_history_stays(db):
    from indicators.exchange.catalog_file import apply_catalog, plan_catalog

    def change(book):
        sheet = book["Школы"]
        sheet.append(["sosh-13", "МБОУ «СОШ № 13»", "СОШ № 13", "СОШ", "2025/26", None])
        sheet["C2"] = "СОШ № 1 им. Гагарина"       # sosh-1 renamed
        sheet["F7"] = "2024/25"                     # the 6th school (sosh-6) closes
    plan = plan_catalog(db, "каталог.xlsx", _catalog(db, change), "zaozerny")
    assert plan.ok, [str(i) for i in plan.issues]
    assert plan.counts["org_unit"] == {"new": 1, "existing": 12}
    history = db.scalar("SELECT count(*) FROM assessment WHERE org_unit_id = 'sosh-6'")
    apply_catalog(db, plan, as_user("тест"))
    units = {r[0]: r[1:] for r in db.rows("SELECT id, short_name, closed_period, opened_period "
                                          "FROM org_unit WHERE kind = 'school'")}
    assert units["sosh-13"] == ("СОШ № 13", None, 2025)
    assert units["sosh-1"][0] == "СОШ № 1 им. Гагарина"
    assert units["sosh-6"][1] == 2024
    assert db.scalar("SELECT count(*) FROM assessment WHERE org_unit_id = 'sosh-6'") == history
    log = db.read("SELECT * FROM change_log WHERE source = 'catalog-file'")
    assert {"short_name", "closed_period"} <= set(log["field"]) and set(log["source_file"]) == {"каталог.xlsx"}


def test_a_new_indicator_from_a_file_and_the_shipped_catalog_no_longer_overwrites(db):
    from indicators.catalog.tables import sync_catalog
    from indicators.exchange.catalog_file import apply_catalog, plan_catalog

    def change(book):
        book["Показатели"].append(["S12", "zaozersk", "decisions", 12, "ОО", "Анализ эффективности",
                                   "Оценка результативности решений", "Отчёт", 2, "2025/26", None])
    apply_catalog(db, plan_catalog(db, "к.xlsx", _catalog(db, change), "zaozerny"), as_user("тест"))
    assert db.rows("SELECT level, stage, first_period FROM indicator WHERE id = 'S12'") == [
        ("school", "effectiveness", 2025)]
    assert sync_catalog(db, force=True)
    assert db.scalar("SELECT count(*) FROM indicator WHERE id = 'S12'") == 1


@pytest.mark.parametrize("sheet, cell, value, message", [
    ("Показатели", "E2", "район", "столбец «Уровень»: уровень «район»: пишите «ОО» или «Муниципалитет»"),
    ("Показатели", "C3", "нет-такой", "столбец «Группа»: неизвестная группа «нет-такой»"),
    ("Показатели", "I4", 0, "столбец «Максимальный балл»: максимальный балл «0» — целое от 1 до 10"),
    ("Школы", "F2", "вчера", "столбец «Закрыта с»: учебный год «вчера» не распознан"),
    ("Школы", "A3", "zaozerny", "код «zaozerny» уже занят организацией другого муниципалитета"),
    ("Группы", "C2", None, "строка 2, столбец «Название»: не заполнено «Название»"),
])
def test_a_bad_catalog_file_is_refused_and_nothing_changes(db, sheet, cell, value, message):
    from indicators.exchange.catalog_file import plan_catalog
    before = fingerprint(db)
    catalog_before = db.read("SELECT * FROM indicator ORDER BY id").to_csv()
    plan = plan_catalog(db, "к.xlsx", _catalog(db, set_cell(sheet, cell, value)), "zaozerny")
    assert not plan.ok
    assert message in "\n".join(str(i) for i in plan.issues)
    assert fingerprint(db) == before and db.read("SELECT * FROM indicator ORDER BY id").to_csv() == catalog_before


def test_empty_cells_of_an_edited_table_are_not_written_as_text(db):
    """st.data_editor hands back NaN / NA for empty cells: they stay empty, never «nan»."""
    table = pd.DataFrame({"code": ["S01", "S02"], "score": ["2", "2"],
                          "evidence_url": [float("nan"), pd.NA], "comment": [float("nan"), None]})
    with staged(db) as cur:
        cur.execute("UPDATE assessment SET evidence_url = NULL, comment = NULL WHERE org_unit_id = ? "
                    "AND period = ? AND indicator_id IN ('S01', 'S02')", [SCHOOL, YEAR])
    plan = plan_edits(db, SCHOOL, YEAR, table)
    assert plan.ok and plan.counts == {"new": 0, "changed": 0, "unchanged": 2}


def test_export_keeps_formula_like_text_as_text_and_filters(db):
    from indicators.exchange.export import export_database

    def change(book):
        book["Оценки"]["L2"] = "=HYPERLINK(\"http://evil\")"
        book["Оценки"]["L2"].data_type = "s"
        book["Оценки"]["L3"] = "+7 (999) 000-00-00"
    apply_import(db, plan_import(db, [("a.xlsx", edited(template(db), change))], YEAR), as_user("тест"))
    book = load_workbook(io.BytesIO(export_database(db, YEAR, [SCHOOL])))
    assert book.sheetnames == ["Организации", "Показатели", "Оценки", "Сдача данных", "Мероприятия",
                               "Статусы мероприятий", "Адресные рекомендации", "Журнал изменений"]
    sheet = book["Оценки"]
    assert [c.value for c in sheet[1]][:5] == ["Код организации", "Организация",
                                               "Учебный год (начало)", "Код показателя", "Балл"]
    rows = list(sheet.iter_rows(min_row=2))
    # the chosen school and the department's own rows, of that year only
    assert {r[0].value for r in rows} == {SCHOOL, "zaozerny"} and {r[2].value for r in rows} == {YEAR}
    cells = {r[3].value: r[7] for r in rows if r[0].value == SCHOOL}
    assert cells["S01"].value == "=HYPERLINK(\"http://evil\")" and cells["S01"].data_type == "s"
    assert cells["S02"].value == "+7 (999) 000-00-00" and cells["S02"].data_type == "s"


def test_an_export_of_some_units_holds_nothing_of_another_municipality(db):
    from indicators.exchange.export import export_database
    with staged(db) as cur:  # a second municipality with a school and a value
        cur.execute("INSERT INTO org_unit (id, parent_id, kind, name, short_name, ord) VALUES "
                    "('other', 'demo-region', 'municipality', 'Другой округ', 'Другой', 9), "
                    "('other-s', 'other', 'school', 'Чужая школа', 'Чужая', 1)")
        cur.execute("INSERT INTO assessment (org_unit_id, indicator_id, period, score, not_applicable, "
                    "updated_by) VALUES ('other-s', 'S01', 2024, 1, FALSE, 'тест'), "
                    "('other', 'M01', 2024, 1, FALSE, 'тест')")
    ours = [MUNICIPALITY, *[r[0] for r in db.rows("SELECT id FROM org_unit WHERE parent_id = ?", [MUNICIPALITY])]]
    book = load_workbook(io.BytesIO(export_database(db, None, ours)))
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            assert not {"other", "other-s", "Чужая школа", "Другой округ"} & {str(v) for v in row}, (sheet.title, row)
    school_only = load_workbook(io.BytesIO(export_database(db, None, [SCHOOL])))
    assert {r[0] for r in school_only["Оценки"].iter_rows(min_row=2, values_only=True)} == {SCHOOL, MUNICIPALITY}
