"""Files a department server must survive: zip bombs, lying zip directories, too many parts,
renamed sheets, macros, links to other workbooks, another school's name under a code, and
readers that run out of memory or time.  Each refusal is asserted in Russian, naming the file
and the limit with its numbers, and the database is exactly as it was.

The only timed assertions are on refusing a bomb: being refused fast and small *is* the feature.
"""

from __future__ import annotations

import io
import re
import resource
import sys
import time
import tracemalloc
import types
import zipfile

import pandas as pd
import pytest

from bench.import_bench import BOMB_SIZE, MIB, zip_bomb
from indicators.exchange import guarded
from indicators.exchange.apply import NeedsConfirmation, apply_import
from indicators.exchange.check import plan_import
from indicators.exchange.edits import plan_edits
from indicators.exchange.read import InvalidFile, read_file
from indicators.exchange.unit_names import name_key
from indicators.exchange.workbook_guard import Limits, limits
from indicators.store.database import Database
from indicators.store.upsert import upsert
from tests.staging import as_user, staged
from tests.domain.exchange.test_imports import SCHOOL, YEAR, edited, fingerprint, refused, set_cell, template


def set_settings(db: Database, **values: float) -> None:
    with staged(db) as cur:
        upsert(cur, "setting", ["key"], ["value"],
               pd.DataFrame({"key": list(values), "value": list(values.values())}),
               user="тест", source="test")


def with_parts(data: bytes, extra: dict[str, bytes], content_type: bytes | None = None) -> bytes:
    """The workbook with parts added (and a content-type override, when given)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml" and content_type:
                body = body.replace(b"</Types>", content_type + b"</Types>")
            target.writestr(info, body)
        for name, body in extra.items():
            target.writestr(name, body)
    return out.getvalue()


# -- the limits --------------------------------------------------------------------------------

def test_the_limits_are_settings_with_defaults(db):
    assert limits(db) == Limits(upload_mb=10, part_mb=100, unpacked_mb=200, parts=500, ratio=100,
                                memory_mb=1024, timeout_s=60)
    set_settings(db, max_parts=20, part_max_mb=5)
    assert (limits(db).parts, limits(db).part_mb) == (20, 5.0)
    assert limits(db, upload_mb=3).upload_mb == 3


def test_a_real_template_is_far_within_the_limits(db):
    """The whole municipality's template (12 schools) unpacks to about 1 MB: a workbook for 100
    schools (~9 MB) and the 1,000-school benchmark file (9.4 MB sheet) pass with room to spare."""
    data = template(db, None)
    archive = zipfile.ZipFile(io.BytesIO(data))
    unpacked = sum(i.file_size for i in archive.infolist())
    packed = sum(i.compress_size for i in archive.infolist())
    default = Limits()
    assert unpacked * 100 / 12 < default.unpacked_mb * MIB / 10
    assert unpacked / packed < default.ratio / 4
    assert len(archive.infolist()) < default.parts / 10
    assert len(guarded.read_guarded("все.xlsx", data, limits(db)).sheets["Оценки"]) > 100


def test_a_zip_bomb_is_refused_at_once_without_inflating_it(db):
    """4 MB that would inflate to 4 GiB: refused from the zip directory alone, in well under a
    second and with no memory to speak of."""
    bomb = zip_bomb(template(db))
    assert len(bomb) < 5 * MIB
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InvalidFile) as refusal:
        read_file("бомба.xlsx", bomb, Limits())
    took = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert took < 1.0
    assert peak < 100 * MIB
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) * 1024 < 100 * MIB
    assert str(refusal.value) == (
        f"Файл «бомба.xlsx»: часть «xl/worksheets/sheet2.xml» (лист «Оценки») после распаковки "
        f"заняла бы {BOMB_SIZE // MIB} МБ при допустимых 100 МБ на одну часть. Такой файл "
        "не похож на заполненный шаблон; если это большая таблица, разделите её по школам.")
    start = time.perf_counter()
    message = refused(db, [("бомба.xlsx", bomb)])    # the app's path: the guarded child
    assert time.perf_counter() - start < 5.0          # a child's start included
    assert "после распаковки заняла бы" in message


@pytest.mark.parametrize("honest_crc, said", [
    (True, "лист «Оценки»: лист не читается"),    # the claimed bytes are read, no more
    (False, "не распаковывается (BadZipFile)"),
])
def test_a_lying_zip_directory_cannot_blow_memory(db, honest_crc, said):
    """The directory claims 30 KB for the 4 GiB part (ratio below 1, nothing to see): the part
    is decompressed here under the claim and the readers only ever see those 30 KB."""
    bomb = zip_bomb(template(db), declared=30_000, honest_crc=honest_crc)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InvalidFile) as refusal:
        read_file("ложь.xlsx", bomb, Limits())
    assert time.perf_counter() - start < 1.0
    assert tracemalloc.get_traced_memory()[1] < 100 * MIB
    tracemalloc.stop()
    assert said in str(refusal.value) and "«ложь.xlsx»" in str(refusal.value)
    assert said in refused(db, [("ложь.xlsx", bomb)])


def test_a_part_over_its_limit(db):
    set_settings(db, part_max_mb=0.02)
    message = refused(db, [("a.xlsx", template(db))])
    assert message == ("Файл «a.xlsx»: часть «xl/worksheets/sheet2.xml» (лист «Оценки») после "
                       "распаковки заняла бы 0.03 МБ при допустимых 0.02 МБ на одну часть. Такой "
                       "файл не похож на заполненный шаблон; если это большая таблица, разделите "
                       "её по школам.")


def test_a_workbook_over_the_unpacked_limit(db):
    set_settings(db, unpacked_max_mb=0.05)
    message = refused(db, [("a.xlsx", template(db))])
    assert "после распаковки книга заняла бы 0.11 МБ при допустимых 0.05 МБ. Разделите файл по школам." in message


def test_a_part_squeezed_like_a_bomb(db):
    """2 MB of one letter in 2 KB: within every size limit, but no sheet compresses 1000 times."""
    data = with_parts(template(db), {"xl/media/пусто.bin": b"a" * (2 * MIB)})
    message = refused(db, [("a.xlsx", data)])
    assert "часть «xl/media/пусто.bin» сжата в" in message
    assert "при допустимом сжатии не больше чем в 100 раз" in message


def test_too_many_parts(db):
    data = with_parts(template(db), {f"xl/media/p{n}.bin": b"x" for n in range(600)})
    message = refused(db, [("много.xlsx", data)])
    assert "«много.xlsx»: в книге 611 частей (внутренних файлов zip) при допустимых 500" in message


def test_a_zip_without_a_workbook(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("data.xml", "<a/>")
    assert "«архив.xlsx»: это архив zip без книги (нет части xl/workbook.xml), а не книга Excel" in \
        refused(db, [("архив.xlsx", out.getvalue())])


# -- the sheets --------------------------------------------------------------------------------

def test_a_renamed_assessments_sheet_with_the_events_sheet_left(db):
    """The events sheet alone used to be read (and the import applied with nothing from the
    assessments): the school template always has «Оценки», so this is refused."""
    message = refused(db, [("a.xlsx", edited(template(db), lambda b: setattr(b["Оценки"], "title", "Оценки школы")))])
    assert message == ("Файл «a.xlsx»: нет листа «Оценки»; в файле листы: «Инструкция», «Оценки "
                       "школы», «Мероприятия». В присланном шаблоне лист «Оценки» есть всегда: "
                       "верните ему это имя или используйте шаблон.")


def test_a_workbook_of_other_sheets_only(db):
    def other(book):
        book["Оценки"].title = "Лист1"
        book["Мероприятия"].title = "Лист2"
    message = refused(db, [("a.xlsx", edited(template(db), other))])
    assert "нет листа «Оценки» (и листа «Мероприятия»); в файле листы: «Инструкция», «Лист1», «Лист2»" in message


def test_a_sheet_name_differing_in_case_and_spaces_is_the_sheet(db):
    plan = plan_import(db, [("a.xlsx", edited(template(db), lambda b: setattr(b["Оценки"], "title", "оценки ")))], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert len(plan.assessments) == 11


# -- what the preview names --------------------------------------------------------------------

def _external_link(data: bytes, cells: list[str]) -> bytes:
    """Formulas with saved values that refer to another workbook ([1]), the way Excel saves
    them: the formula in the sheet, the link part, and its relationship to the other file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                for cell in cells:   # «2» typed → «2» computed from another workbook
                    body, n = re.subn(
                        rf'<c r="{cell}" s="(\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>'.encode(),
                        rf'<c r="{cell}" s="\1" t="str"><f>[1]Лист1!$A$1</f><v>\2</v></c>'.encode(),
                        body)
                    assert n == 1
            if info.filename == "xl/workbook.xml":
                body = body.replace(b"</sheets>", b'</sheets><externalReferences><externalReference xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdX"/></externalReferences>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
            target.writestr(info, body)
        target.writestr("xl/externalLinks/externalLink1.xml", '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></externalLink>')
        target.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/Отчёты/свод.xlsx" TargetMode="External"/></Relationships>')
    return out.getvalue()


def test_links_to_other_workbooks_are_named_in_the_preview(db):
    cells = [f"J{n}" for n in range(2, 10)]
    plan = plan_import(db, [("a.xlsx", _external_link(edited(template(db), lambda b: None), cells))], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert ("Файл «a.xlsx», лист «Оценки»: в клетках J2, J3, J4, J5, J6 и ещё 3 формулы ссылаются "
            "на другую книгу ([1] — «file:///C:/Отчёты/свод.xlsx»). Загружены значения, сохранённые "
            "в файле при последнем пересчёте: проверьте, что они актуальны.") in plan.notes
    assert plan.counts["unchanged"] == len(plan.assessments) + len(plan.events)


def test_macros_are_named_in_the_preview(db):
    data = with_parts(template(db), {"xl/vbaProject.bin": b"\x00macro" * 10},
                      b'<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    plan = plan_import(db, [("с макросами.xlsm", data)], YEAR)
    assert plan.ok, [str(i) for i in plan.issues]
    assert ("Файл «с макросами.xlsm»: в книге есть макросы (VBA). Они не запускаются и не "
            "загружаются — берутся только значения клеток.") in plan.notes


def test_a_formula_without_a_saved_value_is_still_refused_and_named(db):
    def formulas(book):
        for n in range(2, 10):
            book["Оценки"][f"J{n}"] = "=1+1"
    message = refused(db, [("a.xlsx", edited(template(db), formulas))])
    assert "в клетках J2, J3, J4, J5, J6 и ещё 3 формулы без сохранённого значения" in message


# -- the school's name under its code ----------------------------------------------------------

def test_names_compare_loosely():
    assert name_key("МБОУ „СОШ №6“") == name_key("мбоу  «сош № 6»") == name_key("МБОУ СОШ №6")
    assert name_key("Лицей ёлочка") == name_key("лицей елочка")
    assert name_key("СОШ № 6") != name_key("СОШ № 5")


def test_another_schools_name_under_a_code_is_a_question(db):
    other = db.scalar("SELECT name FROM org_unit WHERE id = 'sosh-1'")
    stored = db.scalar("SELECT name FROM org_unit WHERE id = ?", [SCHOOL])
    short = db.scalar("SELECT short_name FROM org_unit WHERE id = ?", [SCHOOL])

    def rename(book):
        for n in range(2, 13):
            book["Оценки"][f"B{n}"] = other
        book["Оценки"]["J2"] = 0
    plan = plan_import(db, [("a.xlsx", edited(template(db), rename))], YEAR)
    assert plan.ok and plan.counts["changed"] == 1
    assert [str(q) for q in plan.questions] == [
        f"Файл «a.xlsx», лист «Оценки», строка 2, столбец B «Организация»: в файле организация "
        f"«{other}», а под кодом «{SCHOOL}» в базе «{stored}» (кратко «{short}») (и ещё в 10 "
        "строках). Проверьте, что это данные именно этой организации, и подтвердите загрузку "
        "(или исправьте код)."]
    before = fingerprint(db)
    with pytest.raises(NeedsConfirmation, match="подтвердите загрузку"):
        apply_import(db, plan, as_user("Иванова"))
    assert fingerprint(db) == before
    apply_import(db, plan, as_user("Иванова"), confirmed=True)
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = ? AND indicator_id = 'S01' "
                     "AND period = ?", [SCHOOL, YEAR]) == 0


@pytest.mark.parametrize("typed", ["мбоу «средняя общеобразовательная школа №6»", None, "  "])
def test_the_same_name_written_otherwise_or_no_name_asks_nothing(db, typed):
    plan = plan_import(db, [("a.xlsx", edited(template(db), set_cell("Оценки", "B2", typed)))], YEAR)
    assert plan.ok and plan.questions == []


def test_a_typo_in_the_name_is_asked_on_the_events_sheet_too(db):
    def typo(book):
        book["Мероприятия"]["I2"] = "СОШ № 66"
        book["Мероприятия"]["K2"] = "выполнено"
    plan = plan_import(db, [("a.xlsx", edited(template(db), typo))], YEAR)
    assert plan.ok
    assert len(plan.questions) == 1
    question = plan.questions[0]
    assert (question.sheet, question.row, question.column) == ("Мероприятия", 2, "I «Организация»")
    assert "в файле организация «СОШ № 66»" in question.message


def test_in_place_edits_have_no_name_and_no_questions(db):
    plan = plan_edits(db, SCHOOL, YEAR, pd.DataFrame(
        [{"code": "S01", "score": "1", "evidence_url": None, "comment": None}]))
    assert plan.ok and plan.questions == []


# -- the guarded reader ------------------------------------------------------------------------

def test_the_guarded_reader_gives_what_the_direct_reader_gives(db):
    data = edited(template(db, None), set_cell("Оценки", "J2", "да"))
    assert guarded.read_guarded("a.xlsx", data, Limits()) == read_file("a.xlsx", data, Limits())


def test_a_reader_out_of_memory_is_refused(db):
    """A file allowed by generous size limits but needing more memory than the reader may
    have: the child runs into its address-space limit and the file is refused."""
    set_settings(db, part_max_mb=2000, unpacked_max_mb=2000, max_ratio=10000, parse_memory_mb=50)
    bomb = zip_bomb(template(db), size=600 * MIB)
    message = refused(db, [("тяжёлый.xlsx", bomb)])
    assert message.startswith("Файл «тяжёлый.xlsx»: чтению файла не хватило 50 МБ памяти, оно "
                              "прервано.")


def test_a_reader_over_time_is_stopped(db):
    set_settings(db, parse_timeout_s=0.001)
    message = refused(db, [("медленный.xlsx", template(db))])
    assert message == ("Файл «медленный.xlsx»: чтение файла не уложилось в 0.001 с и прервано. "
                       "Файл слишком велик или повреждён: откройте его в Excel, сохраните заново "
                       "или разделите по школам.")


def test_a_reader_killed_is_named():
    assert guarded._message("died", None, -9, Limits()) == (
        "чтение файла аварийно прервано (сигнал SIGKILL). Файл слишком велик или повреждён: "
        "откройте его в Excel, сохраните заново или разделите по школам.")


def test_the_reader_never_runs_the_parents_main_script(db, tmp_path, monkeypatch):
    """Under Streamlit ``__main__`` is the page script (app.py): a reader child must not run it."""
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the page script ran in the reader')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    page.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", page)
    assert plan_import(db, [("a.xlsx", template(db))], YEAR).ok


def test_a_school_name_past_the_length_limit_is_refused_in_the_catalog_file(db):
    from indicators.exchange.catalog_file import current_catalog, plan_catalog
    from indicators.text import NAME_LIMIT

    def change(book):
        book["Школы"]["C2"] = "Ш" * (NAME_LIMIT + 1)
    plan = plan_catalog(db, "к.xlsx", edited(current_catalog(db, "zaozerny"), change), "zaozerny")
    assert not plan.ok
    message = str(plan.issues[0])
    assert f"длиннее {NAME_LIMIT} знаков" in message and "«Школы»" in message and "строка 2" in message
