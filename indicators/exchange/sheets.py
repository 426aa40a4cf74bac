"""The exchange format with schools: the sheets and columns of the Excel template, and how a
value typed by a school secretary is read.

The template (``template.py``), the import (``imports.py``) and the in-place editor all use
these definitions, so a value the editor accepts is exactly a value the import accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from indicators.words import EVENT_STATUS_LABELS

ASSESSMENTS = "Оценки"
EVENTS = "Мероприятия"
INSTRUCTIONS = "Инструкция"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    width: int
    editable: bool = False
    required: bool = False   # the import refuses a file without it


ASSESSMENT_COLUMNS = (
    Column("Код организации", "unit_id", 14, required=True),
    Column("Организация", "unit_name", 34),
    Column("Учебный год", "year", 11, required=True),
    Column("Код показателя", "code", 10, required=True),
    Column("Показатель", "title", 60),
    Column("Группа критериев", "criterion", 30),
    Column("Этап цикла", "stage", 16),
    Column("Чем подтверждается", "evidence_source", 40),
    Column("Максимальный балл", "max_score", 11),
    Column("Балл", "score", 10, editable=True, required=True),
    Column("Ссылка на документ", "evidence_url", 40, editable=True, required=True),
    Column("Комментарий", "comment", 40, editable=True, required=True),
)
EVENT_COLUMNS = (
    Column("Код мероприятия", "event_id", 16, required=True),
    Column("Дорожная карта", "direction", 30),
    Column("Раздел", "section", 24),
    Column("№", "number", 6),
    Column("Мероприятие", "title", 60),
    Column("Срок", "deadline", 18),
    Column("Ответственный", "responsible", 24),
    Column("Код организации", "unit_id", 14, required=True),
    Column("Организация", "unit_name", 30),
    Column("Учебный год", "year", 11, required=True),
    Column("Статус", "status", 18, editable=True, required=True),
    Column("Ссылка на документ", "evidence_url", 40, editable=True, required=True),
    Column("Дата выполнения", "done_on", 14, editable=True, required=True),
    Column("Комментарий", "comment", 40, editable=True, required=True),
)
SHEETS = {ASSESSMENTS: ASSESSMENT_COLUMNS, EVENTS: EVENT_COLUMNS}

NOT_APPLICABLE = "н/п"
SCORE_ALIASES_MAX = {"да", "+", "выполнено", "есть"}
SCORE_ALIASES_ZERO = {"нет", "-", "–", "—", "не выполнено"}
SCORE_ALIASES_PARTIAL = {"частично"}
SCORE_ALIASES_NA = {"н/п", "не применяется", "неприменимо"}
SCORE_HELP = ("число от 0 до максимального балла, «да» или «+» (максимальный балл), «нет» или "
              "«-» (0), «частично» (половина максимума), «н/п» (не применяется)")

EVENT_STATUS_BY_LABEL = {v: k for k, v in EVENT_STATUS_LABELS.items()}


class ValueProblem(ValueError):
    """A cell value that can't be read; the message says why, in Russian."""


def normal(text: object) -> str:
    """Trimmed, lower-case, single-spaced, ё → е: how headers and aliases are compared."""
    return re.sub(r"\s+", " ", str(text)).strip().lower().replace("ё", "е")


def is_blank(value: object) -> bool:
    """Empty for any reader: None, NaN or pandas' NA (an edited table's empty cell), or
    whitespace."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_year(value: object) -> int:
    """'2024/25', '2024/2025', '2024-25' or 2024 → 2024 (a school year is its first year)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        year = int(value)
        if 2000 <= year <= 2100:
            return year
    text = str(value).strip()
    if re.fullmatch(r"20\d{2}", text):
        return int(text)
    match = re.fullmatch(r"(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})", text)
    if match:
        first, second = int(match.group(1)), match.group(2)
        if int(second) % 100 == (first + 1) % 100:
            return first
    raise ValueProblem(f"учебный год «{text}» не распознан; пишите так: 2024/25")


def parse_score(value: object, max_score: float) -> tuple[float | None, bool]:
    """A score cell → (score, not_applicable).  Blank → (None, False): nothing to import."""
    if is_blank(value):
        return None, False
    if isinstance(value, bool):
        raise ValueProblem(f"значение «{value}» не распознано; допустимо: {SCORE_HELP}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = normal(value)
        if text in SCORE_ALIASES_NA:
            return None, True
        if text in SCORE_ALIASES_MAX:
            return float(max_score), False
        if text in SCORE_ALIASES_ZERO:
            return 0.0, False
        if text in SCORE_ALIASES_PARTIAL:
            if max_score < 2:
                raise ValueProblem(f"«частично» не подходит: максимальный балл {max_score:g}")
            return float(int(max_score // 2)), False
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueProblem(f"значение «{value}» не распознано; допустимо: {SCORE_HELP}") from None
    if number != number or not number.is_integer() or not 0 <= number <= max_score:
        shown = f"{number:g}" if isinstance(value, (int, float)) else str(value).strip()
        raise ValueProblem(f"балл {shown} вне допустимых значений: целое число от 0 до "
                           f"{max_score:g}")
    return number, False


def score_choices(max_score: float) -> list[str]:
    """What the template's drop-down offers for a score cell."""
    return [str(n) for n in range(int(max_score) + 1)] + [NOT_APPLICABLE]


def format_score(score: float | None, not_applicable: bool) -> str | None:
    if not_applicable:
        return NOT_APPLICABLE
    if score is None or score != score:
        return None
    return f"{score:g}"


def parse_status(value: object) -> str | None:
    """A roadmap-event status in words → its code.  Blank → None (nothing to import)."""
    if is_blank(value):
        return None
    text = normal(value)
    if text in EVENT_STATUS_BY_LABEL:
        return EVENT_STATUS_BY_LABEL[text]
    if text in EVENT_STATUS_LABELS:
        return text
    allowed = ", ".join(f"«{v}»" for v in EVENT_STATUS_LABELS.values())
    raise ValueProblem(f"статус «{value}» не распознан; допустимо: {allowed}")


def parse_date(value: object) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueProblem(f"дата «{text}» не распознана; пишите так: 25.05.2025")


def parse_text(value: object, limit: int = 2000) -> str | None:
    """A link or comment: trimmed text, blank → None; numbers and dates become their text."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > limit:
        raise ValueProblem(f"текст длиннее {limit} символов")
    return text
