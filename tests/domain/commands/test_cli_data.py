"""The yearly cycle from the command line: template, import (preview, refusal, --apply), export,
undo.  Exit code 1 and nothing written on any invalid file."""

from __future__ import annotations


from openpyxl import load_workbook

from indicators.store.database import Database
from tests.domain.synthetic.test_demo_cli import run_cli


def _demo(tmp_path):
    path = tmp_path / "cli.duckdb"
    assert run_cli(path, "demo").returncode == 0
    return path


def _scores(path, school="sosh-6", code="S01", year=2024):
    db = Database(path)
    try:
        return db.scalar("SELECT score FROM assessment WHERE org_unit_id = ? AND indicator_id = ? "
                         "AND period = ?", [school, code, year])
    finally:
        db.close()


def test_template_import_preview_apply_export_undo(tmp_path):
    path = _demo(tmp_path)
    out = tmp_path / "шаблон.xlsx"
    done = run_cli(path, "template", "--year", "2024/25", "--school", "sosh-6", "--out", str(out))
    assert done.returncode == 0 and "Шаблон за 2024/25 записан" in done.stdout
    book = load_workbook(out)
    book["Оценки"]["J2"] = "нет"
    filled = tmp_path / "сош6.xlsx"
    book.save(filled)

    preview = run_cli(path, "import", str(filled), "--year", "2024")
    assert preview.returncode == 0
    assert "изменённых: 1" in preview.stdout and "Балл: 2 → 0" in preview.stdout
    assert "предпросмотр" in preview.stdout
    assert _scores(path) == 2  # a preview writes nothing

    applied = run_cli(path, "import", str(filled), "--apply", "--user", "Иванова")
    assert applied.returncode == 0 and "Записано" in applied.stdout
    assert _scores(path) == 0

    export = tmp_path / "выгрузка.xlsx"
    assert run_cli(path, "export", "--year", "2024", "--out", str(export)).returncode == 0
    sheets = load_workbook(export, read_only=True).sheetnames
    assert sheets == ["Организации", "Показатели", "Оценки", "Сдача данных", "Мероприятия",
                      "Статусы мероприятий", "Адресные рекомендации", "Журнал изменений"]
    assert not (tmp_path / "выгрузка.xlsx.part").exists()

    undone = run_cli(path, "undo", "--user", "Иванова")
    assert undone.returncode == 0 and "отменена" in undone.stdout
    assert _scores(path) == 2


def test_an_invalid_file_exits_1_and_writes_nothing(tmp_path):
    path = _demo(tmp_path)
    out = tmp_path / "t.xlsx"
    run_cli(path, "template", "--year", "2024", "--school", "sosh-6", "--out", str(out))
    book = load_workbook(out)
    book["Оценки"]["J2"] = "может быть"
    book["Оценки"]["J3"] = "нет"   # a valid change in the same file: not written either
    bad = tmp_path / "плохой.xlsx"
    book.save(bad)
    done = run_cli(path, "import", str(bad), "--apply")
    assert done.returncode == 1
    assert ("Файл «плохой.xlsx», лист «Оценки», строка 2, столбец J «Балл»: значение «может быть» "
            "не распознано") in done.stderr
    assert "ничего не записано" in done.stderr
    assert _scores(path) == 2 and _scores(path, code="S02") == 2


def test_cli_refusals_are_russian(tmp_path):
    path = _demo(tmp_path)
    missing = run_cli(path, "import", str(tmp_path / "нет.xlsx"))
    assert missing.returncode == 1 and "не найден" in missing.stderr
    year = run_cli(path, "template", "--year", "прошлый", "--out", str(tmp_path / "x.xlsx"))
    assert year.returncode == 1 and "учебный год «прошлый» не распознан" in year.stderr
    school = run_cli(path, "template", "--year", "2024", "--school", "nope", "--out",
                     str(tmp_path / "x.xlsx"))
    assert school.returncode == 1 and "Школа «nope» не найдена" in school.stderr
    assert not (tmp_path / "x.xlsx").exists()
    undo = run_cli(path, "undo")
    assert undo.returncode == 1 and "нет загрузки" in undo.stderr


def test_a_name_that_is_not_its_schools_is_asked_and_applied_only_with_confirm(tmp_path):
    path = _demo(tmp_path)
    out = tmp_path / "шаблон.xlsx"
    assert run_cli(path, "template", "--year", "2024/25", "--school", "sosh-6", "--out", str(out)).returncode == 0
    book = load_workbook(out)
    book["Оценки"]["J2"] = "нет"
    book["Оценки"]["B2"] = "СОШ № 66"       # a typo'd name under sosh-6's code
    filled = tmp_path / "сош6.xlsx"
    book.save(filled)
    preview = run_cli(path, "import", str(filled))
    assert preview.returncode == 0 and "Вопросы (1)" in preview.stdout and "СОШ № 66" in preview.stdout
    refused = run_cli(path, "import", str(filled), "--apply")
    assert refused.returncode == 1 and "--confirm" in refused.stderr and "Traceback" not in refused.stderr
    assert _scores(path) == 2
    applied = run_cli(path, "import", str(filled), "--apply", "--confirm")
    assert applied.returncode == 0 and "Записано" in applied.stdout
    assert _scores(path) == 0


def test_a_catalog_file_bomb_is_refused(tmp_path):
    import io
    import zipfile

    from indicators.exchange.catalog_file import plan_catalog
    from indicators.ready import ready_db

    db = ready_db(_demo(tmp_path))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(64):
                part.write(b"0" * 2**20)   # 64 MB of one byte: far past a catalog's 20 MB
    plan = plan_catalog(db, "каталог.xlsx", bomb.getvalue(), "zaozerny")
    assert not plan.ok and "МБ" in str(plan.issues[0]) and "каталог.xlsx" in str(plan.issues[0])
