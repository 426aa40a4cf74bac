"""Reading ВПР files from ФИС ОКО: the first step of read → check → apply for the ВПР results.

A file is measured and repacked before anything parses it (``workbook_guard``, as the data
import does), and read in a guarded child process (:func:`read_vpr_guarded`, the machinery of
``exchange.guarded``).  The layout is found by its header row, wherever it is on a sheet:

* the 2022-style protocol — sheet «Протокол» (and «Классы»): ``Пользователь | Код региона |
  Регион | Муниципалитет | Школа | Дата загрузки | Код | Вариант | <tasks "1 (1б)", "5(1) (1б)"
  …> | Наименование класса | Пол | Отметка за предыдущий триместр/четверть/полугодие | Итого
  баллов``; «code | name» cells are split, ``Вариант = отсутствовал`` is an absent participant;
* the 2021-style protocol — one sheet: ``логин школы | регион | номер обучающегося | код
  обучающегося | отметка за предыдущую четверть/триместр | пол | класс | вариант | всего баллов
  | балл за 1 … N``;
* the report tables — «Статистика по отметкам» (``Группы участников | Кол-во участников | 2 |
  3 | 4 | 5``) and «Сравнение отметок с отметками по журналу» (``Группы участников | Кол-во
  участников | %``, per school a block Понизили / Подтвердили / Повысили / Всего), on a sheet
  each or one after the other on one sheet.

Subject, grade and school year come from the file name («Математика 4.xlsx», «ВПР_2024_РУ_5.xlsx»)
or a title cell above the table; what neither says is asked in the upload form.  Cells are
returned raw (plain lists, each row with its Excel number: the child process builds no pandas
frame, whose allocator does not live under its memory limit); ``vpr_check`` judges them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from indicators.exchange import guarded
from indicators.exchange.read import InvalidFile, Issue, measured_package, open_book
from indicators.exchange.sheets import is_blank, normal
from indicators.exchange.workbook_guard import Limits
from indicators.words import VPR_SUBJECTS

ABSENT = "отсутствовал"
HEAD_ROWS = 30   # the header row is looked for among a sheet's first rows
PROTOCOL_2022 = {"пользователь": "user", "код региона": "region_code", "регион": "region",
                 "муниципалитет": "municipality", "школа": "school", "дата загрузки": "loaded",
                 "код": "participant", "вариант": "variant", "наименование класса": "class_name",
                 "пол": "sex", "итого баллов": "primary_score"}
PROTOCOL_2021 = {"логин школы": "school", "регион": "region", "номер обучающегося": "number",
                 "код обучающегося": "participant", "пол": "sex", "класс": "class_name",
                 "вариант": "variant", "всего баллов": "primary_score"}
REQUIRED = {"2022": ("school", "participant", "variant", "primary_score"),
            "2021": ("school", "participant", "variant", "primary_score")}
_TASK_2022 = re.compile(r"^(\d+(?:\s*\(\d+\))?)\s*\(\s*(\d+(?:[.,]\d+)?)\s*б\s*\)$")
_TASK_2021 = re.compile(r"^балл за\s*(\d+(?:\s*\(\d+\))?)$")
_ABBREVIATIONS = {"ру": "rus", "рус": "rus", "ма": "math", "мат": "math", "матем": "math"}
REPORT_BLOCKS = {"понизили": "lowered", "подтвердили": "confirmed", "повысили": "raised", "всего": "total"}


@dataclass
class VprRead:
    """What one ВПР file gave: its layout, the raw rows and what it says of itself."""

    file: str
    kind: str                                  # "2022", "2021" or "reports"
    sheet: str = ""
    rows: dict[str, list] = field(default_factory=dict)       # protocol: key → cells (+ task_i, source_row)
    columns: dict[str, str] = field(default_factory=dict)       # key → "H «Вариант»"
    tasks: list[tuple[str, float | None]] = field(default_factory=list)   # header, max points
    stats: list[dict] = field(default_factory=list)     # reports: school, participants, m2…m5, row
    compare: list[dict] = field(default_factory=list)   # reports: school, lowered…total, rows
    percent: bool = True                       # «Статистика по отметкам» in % of participants
    said: dict[str, tuple[int, str]] = field(default_factory=dict)   # subject/grade/period → value, where
    notes: list[str] = field(default_factory=list)


def split_pair(value: object) -> tuple[str, str]:
    """«sosh-1 | МБОУ СОШ № 1» → ("sosh-1", "МБОУ СОШ № 1"); a plain cell → (cell, "")."""
    text = "" if is_blank(value) else str(value).strip()
    if "|" in text:
        code, name = text.split("|", 1)
        return code.strip(), name.strip()
    return text, ""


def column_name(n: int, header: object) -> str:
    return f"{get_column_letter(n + 1)} «{str(header).strip()}»"


# -- what the file says of itself --------------------------------------------------------------

def said_about(text: str, where: str, *, calendar_year: bool = True) -> dict[str, tuple[int | str, str]]:
    """Subject, grade and school year named in a file name or a title («ВПР_2024_РУ_5»: Russian,
    grade 5, the ВПР of spring 2024, i.e. the school year 2023/24)."""
    found: dict[str, tuple[int | str, str]] = {}
    low = normal(text)
    for code, name in VPR_SUBJECTS.items():
        if normal(name) in low:
            found["subject"] = (code, where)
            break
    tokens = [t for t in re.split(r"[\s_.,\-()]+", low) if t]
    if "subject" not in found:
        for token in tokens:
            if token in _ABBREVIATIONS:
                found["subject"] = (_ABBREVIATIONS[token], where)
                break
    grade = re.search(r"(\d{1,2})\s*(?:-?й\s*)?(?:класс|кл\b)", low)
    if grade is None:
        small = [t for t in tokens if t.isdigit() and 4 <= int(t) <= 11]
        grade_value = int(small[-1]) if small else None
    else:
        grade_value = int(grade.group(1))
    if grade_value and 4 <= grade_value <= 11:
        found["grade"] = (grade_value, where)
    school_year = re.search(r"(20\d\d)\s*[/-]\s*(?:20)?\d\d", low)
    year = re.search(r"(?<!\d)(20\d\d)(?!\d)", low)
    if school_year:
        found["period"] = (int(school_year.group(1)), where)
    elif year:   # «ВПР 2024» is written in the spring of the school year 2023/24
        found["period"] = (int(year.group(1)) - (1 if calendar_year else 0), where)
    return found


# -- reading -----------------------------------------------------------------------------------

def read_vpr(name: str, data: bytes, limit: Limits | float = 10) -> VprRead:
    """The layout and raw rows of one ВПР workbook; raises :class:`InvalidFile` (Russian,
    naming the file and, where known, the sheet) for a file that can't be used at all."""
    limit = limit if isinstance(limit, Limits) else Limits(upload_mb=float(limit))
    book = open_book(name, measured_package(name, data, limit))
    reports: VprRead | None = None
    order = sorted(book.sheet_names, key=lambda s: normal(s) != "протокол")
    for sheet in order:
        try:
            table = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InvalidFile(Issue(name, f"лист не читается ({type(exc).__name__}); сохраните "
                                          "файл в Excel заново.", sheet)) from None
        kind, at = _layout(table)
        if kind in ("2022", "2021"):
            read = _protocol(name, sheet, table, at, kind)
            read.said = {**said_about(" ".join(_title(table, at)), "заголовок листа"),
                         **said_about(name.rsplit(".", 1)[0], "имя файла")}
            if kind == "2022" and "period" not in read.said:
                read.said.update(_loaded_year(read.rows))
            return read
        if kind == "reports":
            reports = reports or VprRead(name, "reports", sheet)
            _reports(name, sheet, table, reports)
    if reports is not None:
        titles = [str(c) for c in (book.get_sheet_by_name(reports.sheet).to_python()[:3] or [[]])[0] if not is_blank(c)]
        reports.said = {**said_about(" ".join(titles), "заголовок листа"),
                        **said_about(name.rsplit(".", 1)[0], "имя файла")}
        return reports
    listed = ", ".join(f"«{s}»" for s in book.sheet_names) or "нет ни одного"
    raise InvalidFile(Issue(name, "не найден ни протокол ВПР (строка заголовков «Код | Вариант | … | "
                                  "Итого баллов» или «логин школы | … | всего баллов»), ни таблицы "
                                  "«Статистика по отметкам» / «Сравнение отметок с отметками по "
                                  f"журналу». Листы в файле: {listed}. Загрузите файл, выгруженный "
                                  "из ФИС ОКО, без переименования столбцов."))


def _layout(table: list[list]) -> tuple[str | None, int]:
    for n, row in enumerate(table[:HEAD_ROWS]):
        cells = {normal(c) for c in row if not is_blank(c)}
        if {"код", "вариант", "итого баллов"} <= cells:
            return "2022", n
        if {"логин школы", "код обучающегося"} <= cells:
            return "2021", n
        if "группы участников" in cells:
            return "reports", n
    return None, -1


def _title(table: list[list], at: int) -> list[str]:
    return [str(c) for row in table[:at] for c in row if not is_blank(c)]


def _protocol(name: str, sheet: str, table: list[list], at: int, kind: str) -> VprRead:
    header = table[at]
    known = PROTOCOL_2022 if kind == "2022" else PROTOCOL_2021
    pattern = _TASK_2022 if kind == "2022" else _TASK_2021
    positions: dict[str, int] = {}
    columns: dict[str, str] = {}
    tasks: list[tuple[str, float | None]] = []
    task_positions: list[int] = []
    for n, value in enumerate(header):
        if is_blank(value):
            continue
        text = normal(value)
        key = known.get(text)
        if key is None and text.startswith("отметка за пред"):
            key = "journal_mark"
        if key is not None:
            if key in positions:
                raise InvalidFile(Issue(name, f"столбец «{str(value).strip()}» встречается дважды.",
                                        sheet, at + 1, get_column_letter(n + 1)))
            positions[key] = n
            columns[key] = column_name(n, value)
            continue
        task = pattern.match(text)
        if task:
            maximum = float(task.group(2).replace(",", ".")) if kind == "2022" else None
            columns[f"task_{len(tasks)}"] = column_name(n, value)
            tasks.append((str(value).strip(), maximum))
            task_positions.append(n)
    if kind == "2022" and "school" not in positions and "user" in positions:
        positions["school"], columns["school"] = positions["user"], columns["user"]
    missing = [h for h, k in known.items() if k in REQUIRED[kind] and k not in positions]
    if missing:
        raise InvalidFile(Issue(name, "нет столбца " + ", ".join(f"«{h}»" for h in missing) +
                                " (переименован или удалён). Загрузите протокол, как его выгружает "
                                "ФИС ОКО.", sheet, at + 1))
    if not tasks:
        raise InvalidFile(Issue(name, "нет столбцов с баллами за задания («1 (1б)», «2 (2б)» … или "
                                      "«балл за 1» …).", sheet, at + 1))
    picked = {**positions, **{f"task_{i}": pos for i, pos in enumerate(task_positions)}}
    body = table[at + 1:]
    width = min((len(r) for r in body), default=0)
    if any(len(r) != width for r in body):   # calamine's rows are of one width; a ragged one is padded
        width = max(len(r) for r in body)
        body = [list(r) + [None] * (width - len(r)) for r in body]
    cells = list(zip(*body)) if body else []
    # whole columns, blank rows included (``vpr_check`` drops them, column-wise): a row loop
    # here would cost a region's 400,000 rows seconds
    rows: dict[str, list] = {key: list(cells[pos]) if pos < width else [None] * len(body)
                             for key, pos in picked.items()}
    rows["source_row"] = list(range(at + 2, at + 2 + len(body)))
    return VprRead(name, kind, sheet, rows, columns, tasks)


def _loaded_year(rows: dict[str, list]) -> dict[str, tuple[int, str]]:
    """The school year from «Дата загрузки» (a ВПР of April 2024 is of the year 2023/24)."""
    for value in [v for v in rows.get("loaded", []) if not is_blank(v)][:1]:
        text = str(value)
        found = re.search(r"(20\d\d)-(\d\d)-\d\d", text) or re.search(r"\d\d\.(\d\d)\.(20\d\d)", text)
        if found:
            year, month = ((found.group(1), found.group(2)) if "-" in found.group(0)
                           else (found.group(2), found.group(1)))
            return {"period": (int(year) - (1 if int(month) < 8 else 0), "дата загрузки")}
    return {}


def _reports(name: str, sheet: str, table: list[list], read: VprRead) -> None:
    """Every table «Группы участников | …» of a sheet, into ``read.stats`` / ``read.compare``."""
    stats, compare = [], []
    n, kind, block, title = 0, None, None, ""
    while n < len(table):
        row = table[n]
        cells = [("" if is_blank(c) else str(c).strip()) for c in row] + ["", "", "", "", "", ""]
        first = normal(cells[0])
        if first == "группы участников":
            heads = [normal(c) for c in cells[1:6]]
            kind = "stats" if heads[1:5] == ["2", "3", "4", "5"] else "compare" if "%" in heads else None
            if "в %" in title or "%" in title:
                read.percent = True
            elif kind == "stats":
                read.percent = False
            n += 1
            continue
        if not first:
            n += 1
            continue
        if kind is None:
            title = normal(" ".join(cells))
        elif kind == "stats":
            if cells[1] == "" and not any(cells[2:6]):
                kind, title = None, normal(" ".join(cells))   # the next table's title
            else:
                stats.append(dict(school=cells[0], participants=row[1] if len(row) > 1 else None,
                                  **{f"m{m}": row[m] if len(row) > m else None for m in (2, 3, 4, 5)},
                                  sheet=sheet, source_row=n + 1))
        else:
            word = next((v for k, v in REPORT_BLOCKS.items() if first.startswith(k)), None)
            if word is None and cells[1] == "":
                block = dict(school=cells[0], sheet=sheet, source_row=n + 1)
                compare.append(block)
            elif word is None:
                kind, title = None, first
            elif block is not None:
                block[word] = row[1] if len(row) > 1 else None
                block[f"{word}_row"] = n + 1
        n += 1
    read.stats += stats
    read.compare += compare


# -- in a guarded child ------------------------------------------------------------------------

def read_vpr_guarded(name: str, data: bytes, limit: Limits) -> VprRead:
    """:func:`read_vpr` in a child process under the memory and time limits (as
    ``guarded.read_guarded`` reads the data import's files); raises :class:`InvalidFile`."""
    return guarded.run_guarded(read_vpr, name, data, limit, "vpr-reader")
