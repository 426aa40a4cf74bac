"""The Excel template the department sends out each year (openpyxl).

One row per indicator a school must answer (and, for the department's own file, per municipal
indicator), prefilled with what the database already holds, so a school corrects rather than
retypes.  Catalog columns are protected (no password: the protection guards against slips, not
people), the score cells offer a drop-down, and a second sheet lists the roadmap events with a
status drop-down.  The import reads exactly these columns back (``sheets.py``).
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.catalog.adoption import unit_events
from indicators.exchange.export import as_text
from indicators.exchange.sheets import (
    ASSESSMENT_COLUMNS,
    ASSESSMENTS,
    EVENT_COLUMNS,
    EVENT_STATUS_LABELS,
    EVENTS,
    INSTRUCTIONS,
    SCORE_HELP,
    Column,
    format_score,
    score_choices,
)
from indicators.store.database import Database
from indicators.words import STAGE_LABELS, period_label

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
EDIT_FILL = PatternFill("solid", fgColor="FFF8DC")  # the cells a school fills in


class TemplateError(ValueError):
    """The template can't be made (unknown school, no indicators that year)."""


def units_for(db: Database, period: int, municipality_id: str,
              school_id: str | None = None) -> pd.DataFrame:
    """The units a template covers: one school, or every school open that year and the
    department itself."""
    frame = db.read(
        """
        SELECT id, kind, name, ord FROM org_unit
        WHERE ((kind = 'school' AND parent_id = $m) OR (kind = 'municipality' AND id = $m))
          AND (opened_period IS NULL OR $p >= opened_period)
          AND (closed_period IS NULL OR $p < closed_period)
        ORDER BY kind = 'school', ord, name
        """,
        {"m": municipality_id, "p": int(period)},
    )
    if school_id is not None:
        frame = frame[frame["id"] == school_id]
        if frame.empty:
            raise TemplateError(f"Школа «{school_id}» не найдена или не работала в "
                                f"{period_label(period)} учебном году.")
    return frame.reset_index(drop=True)


def assessment_rows(db: Database, period: int, unit_ids: list[str]) -> pd.DataFrame:
    """Every indicator each unit answers in ``period``, with the stored value if any."""
    return db.read(
        """
        SELECT u.id AS unit_id, u.name AS unit_name, i.id AS code, i.title, c.title AS criterion,
               i.stage, i.evidence_source, i.max_score, a.score, coalesce(a.not_applicable, FALSE) AS na,
               a.evidence_url, a.comment
        FROM applicable_indicator($units::VARCHAR[], [$p]) x
        JOIN org_unit u ON u.id = x.org_unit_id
        JOIN indicator i ON i.id = x.indicator_id
        JOIN criterion c ON c.id = i.criterion_id
        LEFT JOIN assessment a ON a.org_unit_id = u.id AND a.indicator_id = i.id AND a.period = $p
        ORDER BY array_position($units::VARCHAR[], u.id), i.ord, i.id
        """,
        {"p": int(period), "units": unit_ids},
    )


def event_rows(db: Database, period: int, units: pd.DataFrame) -> pd.DataFrame:
    """The roadmap events each unit reports on in ``period`` (of the roadmaps it, its
    municipality or its region adopted), with the stored status if any."""
    stored = db.read("SELECT * FROM event_status WHERE period = ?", [int(period)])
    rows = []
    for unit in units.itertuples():
        for ev in unit_events(db, unit.id, period).itertuples():
            rows.append(dict(event_id=ev.id, direction=ev.direction, section=ev.section,
                             number=ev.number, title=ev.title, deadline=ev.deadline,
                             responsible=ev.responsible, unit_id=unit.id, unit_name=unit.name))
    frame = pd.DataFrame(rows, columns=["event_id", "direction", "section", "number", "title",
                                        "deadline", "responsible", "unit_id", "unit_name"])
    stored = stored.rename(columns={"org_unit_id": "unit_id"})[
        ["event_id", "unit_id", "status", "evidence_url", "done_on", "comment"]]
    return frame.merge(stored, on=["event_id", "unit_id"], how="left")


def build_template(db: Database, period: int, municipality_id: str,
                   school_id: str | None = None) -> bytes:
    """The .xlsx template for one school (or all schools and the department) and a year."""
    units = units_for(db, period, municipality_id, school_id)
    assessments = assessment_rows(db, period, list(units["id"]))
    if assessments.empty:
        raise TemplateError(f"Для {period_label(period)} учебного года в каталоге нет показателей.")
    events = event_rows(db, period, units)
    year = period_label(period)
    book = Workbook()
    _instructions(book.active, year, units, school_id is None)
    sheet = book.create_sheet(ASSESSMENTS)
    values = [
        [r.unit_id, r.unit_name, year, r.code, r.title, r.criterion, STAGE_LABELS.get(r.stage, r.stage),
         r.evidence_source, r.max_score, format_score(r.score, bool(r.na)), r.evidence_url, r.comment]
        for r in assessments.itertuples()
    ]
    _fill(sheet, ASSESSMENT_COLUMNS, values)
    score_col = get_column_letter(_index(ASSESSMENT_COLUMNS, "score"))
    for max_score, group in assessments.groupby("max_score"):
        rule = DataValidation(type="list", formula1='"' + ",".join(score_choices(max_score)) + '"',
                              allow_blank=True, errorStyle="warning",
                              errorTitle="Необычное значение",
                              error="Выберите балл из списка. Также принимаются «да», «нет», "
                                    "«частично», «н/п».")
        for row in group.index:
            rule.add(f"{score_col}{row + 2}")
        sheet.add_data_validation(rule)
    if len(events):
        ev_sheet = book.create_sheet(EVENTS)
        ev_values = [
            [e.event_id, e.direction, e.section, e.number, e.title, e.deadline, e.responsible,
             e.unit_id, e.unit_name, year,
             EVENT_STATUS_LABELS.get(e.status) if isinstance(e.status, str) else None,
             e.evidence_url, e.done_on if isinstance(e.done_on, date) else None, e.comment]
            for e in events.itertuples()
        ]
        _fill(ev_sheet, EVENT_COLUMNS, ev_values)
        col = get_column_letter(_index(EVENT_COLUMNS, "status"))
        rule = DataValidation(type="list", formula1='"' + ",".join(EVENT_STATUS_LABELS.values()) + '"',
                              allow_blank=True, errorTitle="Неизвестный статус",
                              error="Выберите статус из списка.")
        rule.add(f"{col}2:{col}{len(ev_values) + 1}")
        ev_sheet.add_data_validation(rule)
        date_col = get_column_letter(_index(EVENT_COLUMNS, "done_on"))
        for cell in ev_sheet[date_col][1:]:
            cell.number_format = "DD.MM.YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _index(columns: tuple[Column, ...], key: str) -> int:
    return next(n for n, c in enumerate(columns, start=1) if c.key == key)


def _fill(sheet, columns: tuple[Column, ...], values: list[list]) -> None:
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(values, start=2):
        sheet.append(row)
        as_text(sheet[number])
    editable = [n for n, c in enumerate(columns, start=1) if c.editable]
    for n, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    for row in sheet.iter_rows(min_row=2, max_row=len(values) + 1):
        for n in editable:
            row[n - 1].protection = Protection(locked=False)
            row[n - 1].fill = EDIT_FILL
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(values) + 1}"
    # Protected without a password: catalog columns can't be changed by a slip; columns can
    # still be widened, rows filtered and sorted.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False


def _instructions(sheet, year: str, units: pd.DataFrame, everyone: bool) -> None:
    sheet.title = INSTRUCTIONS
    who = "всех школ и управления образования" if everyone else units["name"].iloc[0]
    lines = [
        (f"Шаблон оценки объективности и качества образования — {year} учебный год", True),
        (f"Для: {who}. Сформирован {date.today():%d.%m.%Y}.", False),
        ("", False),
        ("Как заполнить", True),
        (f"1. Лист «{ASSESSMENTS}»: в столбце «Балл» укажите {SCORE_HELP}. Пустая клетка — "
         "значение не загружается (останется прежним).", False),
        ("2. В столбце «Ссылка на документ» — ссылка на подтверждающий документ на сайте "
         "(начинается с https://). Документ без ссылки считается неподтверждённым.", False),
        ("3. «Комментарий» — по желанию: что сделано, что мешает.", False),
        (f"4. Лист «{EVENTS}» (если есть): статус мероприятия дорожной карты — "
         + ", ".join(f"«{s}»" for s in EVENT_STATUS_LABELS.values())
         + "; дата выполнения в виде 25.05.2025 и ссылка на документ.", False),
        ("5. Не меняйте, не удаляйте и не переставляйте столбцы и коды: по ним файл "
         "загружается обратно. Серые столбцы защищены от случайной правки.", False),
        ("6. Сохраните файл в формате .xlsx (без пароля) и отправьте в управление образования.",
         False),
        ("", False),
        ("Файл проверяется целиком: при любой ошибке ничего не загружается, а в сообщении "
         "указаны лист, строка и столбец, которые нужно исправить.", False),
    ]
    for text, bold in lines:
        sheet.append([text])
        sheet.cell(sheet.max_row, 1).font = Font(bold=bold, size=13 if bold else 11)
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 120
