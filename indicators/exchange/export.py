"""Excel files out of the app: the table behind a chart, an export of the database.

Any text a user typed that starts with ``=``, ``+``, ``-`` or ``@`` is stored as a text cell with
Excel's quote prefix (the hidden apostrophe), so Excel never runs it as a formula, not even when
someone edits the cell and presses Enter (CSV/formula injection).
"""

from __future__ import annotations

import io
import math
from typing import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@")
_MAX_SHEET_NAME = 31


def frames_to_xlsx(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per DataFrame (the mapping key is the sheet name), header bold and frozen.

    Written in openpyxl's write-only mode: rows stream out, so a 100,000-row change log costs
    seconds, not minutes.
    """
    book = Workbook(write_only=True)
    for name, frame in frames.items():
        sheet = book.create_sheet(_sheet_name(name))
        sheet.freeze_panes = "A2"
        for idx, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[get_column_letter(idx)].width = min(60, max(10, longest + 2))
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, value=str(column))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(sheet, _plain(v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value):
    """A value, or a text cell when user text looks like a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = TYPE_STRING
        cell.quotePrefix = True
        return cell
    return value


def as_text(cells) -> None:
    """Keep user text that looks like a formula (=, +, -, @) a plain text cell."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = TYPE_STRING
            cell.quotePrefix = True


def _plain(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:_MAX_SHEET_NAME] or "Лист"


# -- the database to Excel ---------------------------------------------------------------------

# sheet name -> (SQL over the filtered tables, Russian headers in select order)
_EXPORT_SHEETS = {
    "Организации": (
        "SELECT id, parent_id, kind, name, short_name, school_type, opened_period, closed_period "
        "FROM org_unit WHERE $units IS NULL OR list_contains($units, id) OR kind = 'region' "
        "ORDER BY kind, ord, name",
        ["Код", "Входит в", "Вид", "Название", "Краткое название", "Тип школы",
         "Работает с (уч. год)", "Закрыта с (уч. год)"]),
    "Показатели": (
        "SELECT i.id, i.level, c.title, i.stage, i.title, i.evidence_source, i.max_score, "
        "i.first_period, i.last_period FROM indicator i JOIN criterion c ON c.id = i.criterion_id "
        "ORDER BY i.level, i.ord",
        ["Код", "Уровень", "Группа критериев", "Этап цикла", "Показатель", "Чем подтверждается",
         "Максимальный балл", "Действует с", "Действует по"]),
    "Оценки": (
        "SELECT a.org_unit_id, u.short_name, a.period, a.indicator_id, a.score, a.not_applicable, "
        "a.evidence_url, a.comment, a.updated_at, a.updated_by FROM assessment a "
        "JOIN org_unit u ON u.id = a.org_unit_id "
        "WHERE ($period IS NULL OR a.period = $period) "
        "AND ($units IS NULL OR list_contains($units, a.org_unit_id)) "
        "ORDER BY a.period, u.ord, a.indicator_id",
        ["Код организации", "Организация", "Учебный год (начало)", "Код показателя", "Балл",
         "Не применяется", "Ссылка на документ", "Комментарий", "Изменено", "Кем изменено"]),
    "Сдача данных": (
        "SELECT s.org_unit_id, u.short_name, s.period, s.status, s.received_at, s.accepted_by, "
        "s.accepted_at FROM submission s JOIN org_unit u ON u.id = s.org_unit_id "
        "WHERE ($period IS NULL OR s.period = $period) "
        "AND ($units IS NULL OR list_contains($units, s.org_unit_id)) "
        "ORDER BY s.period, u.ord",
        ["Код организации", "Организация", "Учебный год (начало)", "Статус", "Получено",
         "Кем принято", "Принято"]),
    "Мероприятия": (
        "SELECT e.id, d.title, e.section, e.number, e.title, e.deadline, e.responsible, "
        "e.planned_result FROM roadmap_event e JOIN direction d ON d.id = e.direction_id "
        "ORDER BY d.id, e.ord",
        ["Код мероприятия", "Дорожная карта", "Раздел", "№", "Мероприятие", "Срок",
         "Ответственный", "Планируемый результат"]),
    "Статусы мероприятий": (
        "SELECT s.event_id, s.org_unit_id, u.short_name, s.period, s.status, s.evidence_url, "
        "s.done_on, s.comment FROM event_status s JOIN org_unit u ON u.id = s.org_unit_id "
        "WHERE ($period IS NULL OR s.period = $period) "
        "AND ($units IS NULL OR list_contains($units, s.org_unit_id)) "
        "ORDER BY s.period, s.event_id, u.ord",
        ["Код мероприятия", "Код организации", "Организация", "Учебный год (начало)", "Статус",
         "Ссылка на документ", "Дата выполнения", "Комментарий"]),
    "Адресные рекомендации": (
        "SELECT r.org_unit_id, u.short_name, r.period, r.basis, r.text, "
        "CASE r.status WHEN 'approved' THEN 'утверждено' ELSE 'черновик' END, r.approved_by, "
        "r.approved_at, r.updated_at, r.updated_by FROM recommendation r "
        "JOIN org_unit u ON u.id = r.org_unit_id WHERE ($period IS NULL OR r.period = $period) "
        "AND ($units IS NULL OR list_contains($units, r.org_unit_id)) ORDER BY r.period, u.ord",
        ["Код организации", "Организация", "Учебный год (начало)", "Основание", "Рекомендации",
         "Статус", "Кем утверждено", "Когда утверждено", "Изменено", "Кем изменено"]),
    "Журнал изменений": (
        "SELECT changed_at, user_name, source, entity, entity_key, field, old_value, new_value, "
        "source_file, source_row FROM change_log "
        "WHERE $units IS NULL OR list_has_any(string_split(entity_key, '|'), $units) ORDER BY id",
        ["Когда", "Кто", "Источник", "Таблица", "Запись", "Поле", "Было", "Стало", "Файл",
         "Строка файла"]),
}


def export_database(db, period: int | None = None, unit_ids: list[str] | None = None) -> bytes:
    """The database (or one school year / some units) as .xlsx, one sheet per table, Russian
    headers.  With ``unit_ids`` only those units, their departments, and the change-log lines
    about them are exported: what a department or a school may take away.  The catalog sheets
    are always whole."""
    units = None
    if unit_ids:  # the chosen units and the departments they belong to (its own indicators)
        units = sorted(set(unit_ids) | {r[0] for r in db.rows(
            "SELECT parent_id FROM org_unit WHERE list_contains(?, id) AND kind = 'school'", [list(unit_ids)])})
    params = {"period": period, "units": units}
    frames = {}
    for sheet, (sql, headers) in _EXPORT_SHEETS.items():
        wanted = {k: v for k, v in params.items() if f"${k}" in sql}
        frame = db.read(sql, wanted)
        frame.columns = headers
        frames[sheet] = frame
    return frames_to_xlsx(frames)
