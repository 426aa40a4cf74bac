"""Targeted recommendations on the tiny fixture (conftest), worked out by hand.

2023/24: sch-a breaks at «Рекомендации» (S06 = 0) and S06 was 0 in 2022 too (a two-year gap);
sch-b sent nothing (no data from the first stage on); sch-c is low (4/22 = 18 %) and breaks at
«Анализ» (S05 = 0).  So all three need support.  2024/25: sch-a 21/22 and sch-b 17/20 are high,
no stage is missing, no gap: nobody needs support.
"""

from __future__ import annotations

import shutil

import pytest

from indicators import config
from indicators.catalog.tables import CatalogError, read_catalog
from indicators.exchange.export import export_database
from indicators.measures.recommendations import needing_support, recommendations, rules, save
from tests.staging import as_user, staged


def _file_bytes(db) -> bytes:
    db._conn.execute("CHECKPOINT")
    with open(db.path, "rb") as f:
        return f.read()


def test_who_needs_support_and_why(tiny_db):
    found = needing_support(tiny_db, 2023, "mun").set_index("org_unit_id")
    assert list(found.index) == ["sch-a", "sch-b", "sch-c"]
    assert found.loc["sch-a", "basis"] == ("Цикл прерывается на этапе «Рекомендации»; "
                                           "два года подряд не выполняются: S06")
    assert found.loc["sch-b", "basis"] == "Нет данных на этапе «Цель»"
    assert found.loc["sch-c", "basis"] == "Низкий уровень (18\u00a0%); цикл прерывается на этапе «Анализ»"
    assert found.loc["sch-c", "level"] == "low"
    assert needing_support(tiny_db, 2024, "mun").empty


def test_the_draft_is_written_from_the_rule_table(tiny_db):
    table = rules(tiny_db)
    found = needing_support(tiny_db, 2023, "mun").set_index("org_unit_id")

    a = found.loc["sch-a", "draft"].splitlines()
    assert a[0] == "1. " + table[("stage", "recommendations")]
    assert a[1].startswith("2. Показатель S06 «Наличие адресных рекомендаций")
    assert "не выполняется второй год подряд" in a[1]   # the persistent-gap rule, not S06's own
    assert len(a) == 2

    b = found.loc["sch-b", "draft"].splitlines()
    assert b == ["1. Не представлены данные по показателям S01, S02, S03, S04, S05, S06, S07, S08, "
                 "S09, S10, S11. Направить в управление образования заполненный шаблон с "
                 "подтверждающими документами."]

    c = found.loc["sch-c", "draft"].splitlines()
    # low level, the break at analysis, then each indicator scored 0 in catalog order
    assert c[0] == "1. " + table[("level", "low")]
    assert c[1] == "2. " + table[("stage", "analysis")]
    assert [line.split(":")[0] for line in c[2:]] == [
        f"{n}. {code}" for n, code in enumerate(["S03", "S04", "S05", "S06", "S07", "S08", "S10", "S11"], 3)]
    assert c[2] == "3. S03: " + table[("indicator", "S03")]


def test_a_rule_text_is_data(tiny_db):
    with staged(tiny_db) as cur:
        cur.execute("UPDATE recommendation_rule SET text = 'Провести аудит анализа.' "
                    "WHERE trigger = 'stage' AND key = 'analysis'")
    c = needing_support(tiny_db, 2023, "mun").set_index("org_unit_id").loc["sch-c", "draft"]
    assert c.splitlines()[1] == "2. Провести аудит анализа."


def test_a_bad_rule_file_is_refused_with_row_and_column(tmp_path):
    folder = tmp_path / "catalog"
    shutil.copytree(config.CATALOG_DIR, folder)
    path = folder / "recommendation_rules.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("stage,monitoring", "stage,monitorin")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"«recommendation_rules.csv», строка 4, столбец «key».*monitorin"):
        read_catalog(folder)


def _m11(db, period):
    return db.rows("SELECT score, comment FROM assessment WHERE org_unit_id = 'mun' "
                   "AND indicator_id = 'M11' AND period = ?", [period])


def test_approval_is_stored_logged_and_evidences_m11(tiny_db):
    assert _m11(tiny_db, 2023) == []
    draft = needing_support(tiny_db, 2023, "mun").set_index("org_unit_id").loc["sch-a"]

    message = save(tiny_db, "sch-a", 2023, draft["draft"], draft["basis"], approve=False, user=as_user("Петрова"))
    assert "сохранены как черновик" in message
    assert _m11(tiny_db, 2023) == []                           # a draft assesses nothing

    save(tiny_db, "sch-a", 2023, "1. Своя рекомендация.", draft["basis"], approve=True, user=as_user("Иванова"))
    stored = recommendations(tiny_db, 2023, "mun").set_index("org_unit_id")
    assert stored.loc["sch-a", "status"] == "approved"
    assert stored.loc["sch-a", "text"] == "1. Своя рекомендация."
    assert stored.loc["sch-a", "approved_by"] == "Иванова"
    assert stored.loc["sch-b", "status"] == "new"             # drafted only, nothing stored
    assert _m11(tiny_db, 2023)[0][0] == 1.0                    # half of 2: one of three approved

    for school in ("sch-b", "sch-c"):
        row = stored.loc[school]
        save(tiny_db, school, 2023, row["text"], row["basis"], approve=True, user=as_user("Иванова"))
    assert _m11(tiny_db, 2023) == [(2.0, "Адресные рекомендации утверждены для 3 из 3 ОО, "
                                          "нуждающихся в поддержке (раздел «Педсовет»).")]

    log = tiny_db.read("SELECT entity, entity_key, field, old_value, new_value, user_name "
                       "FROM change_log WHERE source = 'recommendation' ORDER BY id")
    text_changes = log[(log["entity"] == "recommendation") & (log["field"] == "text")]
    assert list(text_changes["new_value"])[:2] == [draft["draft"], "1. Своя рекомендация."]
    assert list(text_changes["old_value"])[1] == draft["draft"]
    assert ((log["entity"] == "assessment") & (log["entity_key"] == "mun|M11|2023")).any()

    # Editing an approved text takes it back to draft.
    save(tiny_db, "sch-a", 2023, "1. Исправлено.", draft["basis"], approve=False, user=as_user("Петрова"))
    assert recommendations(tiny_db, 2023, "mun").set_index("org_unit_id").loc["sch-a", "status"] == "draft"
    assert _m11(tiny_db, 2023)[0][0] == 1.0                    # two of three approved now


def test_refused_saves_write_nothing(tiny_db):
    before = _file_bytes(tiny_db)
    for text, school, message in (("   ", "sch-a", "пуст"), ("x" * 10_001, "sch-a", "10 000"),
                                  ("1. Текст.", "nowhere", "не найдена")):
        with pytest.raises(ValueError, match=message):
            save(tiny_db, school, 2023, text, None, approve=True, user=as_user("Иванова"))
    assert _file_bytes(tiny_db) == before


def test_a_locked_department_year_keeps_m11(tiny_db):
    with staged(tiny_db) as cur:
        cur.execute("INSERT INTO submission (org_unit_id, period, status) VALUES ('mun', 2023, 'accepted')")
    message = save(tiny_db, "sch-a", 2023, "1. Текст.", None, approve=True, user=as_user("Иванова"))
    assert "M11 не обновлён" in message and "заблокированы" in message
    assert _m11(tiny_db, 2023) == []


def test_recommendations_go_to_the_excel_export(tiny_db):
    from openpyxl import load_workbook
    import io

    save(tiny_db, "sch-c", 2023, "1. Первая.\n2. Вторая.", "Низкий уровень", approve=True, user=as_user("Иванова"))
    sheet = load_workbook(io.BytesIO(export_database(tiny_db, 2023)))["Адресные рекомендации"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Код организации", "Организация", "Учебный год (начало)", "Основание",
                           "Рекомендации", "Статус")
    assert rows[1][:6] == ("sch-c", "Школа В", 2023, "Низкий уровень", "1. Первая.\n2. Вторая.", "утверждено")
