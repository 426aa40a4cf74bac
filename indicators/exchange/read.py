"""Reading one filled template: the first step of read → check → apply.

A file is taken apart only after its container is known to be a real, reasonable .xlsx
(``workbook_guard``: sizes, parts, compression ratio, each part unpacked under a cap; in a
guarded child process, ``guarded``), then its sheets «Оценки» and «Мероприятия» become rows of
plain values, each with its file, sheet and row for the messages.  :class:`Issue` and
:class:`ImportPlan` are the vocabulary the checks and the page share.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from indicators.exchange.sheets import ASSESSMENTS, EVENTS, SHEETS, Column, is_blank, normal
from indicators.exchange.workbook_guard import (
    Limits,
    Refused,
    check_parts,
    package_notes,
    repack,
    sheet_paths,
    shown,
)

DEFAULT_LIMIT_MB = 10
MAX_ISSUES = 200  # a hopeless file lists its first problems, not thousands

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


@dataclass(frozen=True)
class Issue:
    """One problem, located as precisely as the file allows."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None   # "J «Балл»"

    def __str__(self) -> str:
        where = [f"Файл «{self.file}»"]
        if self.sheet:
            where.append(f"лист «{self.sheet}»")
        if self.row:
            where.append(f"строка {self.row}")
        if self.column:
            where.append(f"столбец {self.column}")
        return ", ".join(where) + ": " + self.message


@dataclass
class FileRead:
    """What one workbook gave: each known sheet's rows, and notes for the preview."""

    sheets: dict[str, list[dict]]
    notes: list[str] = field(default_factory=list)


class InvalidFile(Exception):
    """A file that can't be read at all (one issue, nothing else to check)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


@dataclass
class ImportPlan:
    files: list[str]
    hashes: list[str]
    assessments: pd.DataFrame
    events: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    notes: list[str] = field(default_factory=list)
    more_issues: int = 0   # problems found beyond MAX_ISSUES
    # Not errors, but the user must confirm before the plan is written (apply_import's
    # ``confirmed``): e.g. a school's name in the file that is not the name under its code.
    questions: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


# -- reading one file --------------------------------------------------------------------------

def _check_container(name: str, data: bytes, limit_mb: float) -> zipfile.ZipFile:
    if not data:
        raise InvalidFile(Issue(name, "файл пустой (0 байт)."))
    if len(data) > limit_mb * 1024 * 1024:
        raise InvalidFile(Issue(name, f"файл слишком большой: {len(data) / 1024 / 1024:.1f} МБ "
                                      f"при допустимых {limit_mb:g} МБ. Загрузите файлы по школам."))
    if data.startswith(_OLE):
        if any(marker in data for marker in _ENCRYPTED):
            raise InvalidFile(Issue(name, "файл защищён паролем. Снимите пароль в Excel "
                                          "(Файл → Сведения → Защита книги) и сохраните заново."))
        raise InvalidFile(Issue(name, "это файл старого формата (Excel 97–2003 .xls или Word .doc). "
                                      "Откройте его в Excel и сохраните как «Книга Excel (.xlsx)»."))
    if not data.startswith(b"PK"):
        hint = " Похоже на текст или CSV." if _looks_like_text(data) else ""
        raise InvalidFile(Issue(name, "это не файл Excel (.xlsx)." + hint +
                                      " Заполните присланный шаблон и сохраните его как .xlsx."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except Exception:  # zipfile raises many kinds on a mangled directory
        raise InvalidFile(Issue(name, "файл повреждён: не открывается как книга Excel. "
                                      "Попросите школу прислать файл заново.")) from None
    if "xl/workbook.xml" not in names:
        kind = ("документ Word (.docx)" if "word/document.xml" in names else
                "презентация PowerPoint" if "ppt/presentation.xml" in names else
                "архив zip без книги (нет части xl/workbook.xml)")
        raise InvalidFile(Issue(name, f"это {kind}, а не книга Excel, хотя имя оканчивается на "
                                      ".xlsx. Нужен заполненный шаблон Excel."))
    return archive


def _looks_like_text(data: bytes) -> bool:
    head = data[:2000]
    for encoding in ("utf-8", "cp1251"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.isprintable() or any(sep in text for sep in (",", ";", "\t", "\n"))
    return False


def measured_package(name: str, data: bytes, limit: Limits) -> bytes:
    """The workbook's bytes after its container is checked and its parts measured and repacked
    (``workbook_guard``); raises :class:`InvalidFile` naming the file otherwise."""
    archive = _check_container(name, data, limit.upload_mb)
    try:
        check_parts(archive, limit)
        return repack(archive, limit)
    except Refused as exc:
        raise InvalidFile(Issue(name, str(exc))) from None


def open_book(name: str, data: bytes) -> CalamineWorkbook:
    """The calamine reader of a measured package; a broken one is refused in Russian."""
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # the reader raises many kinds on a broken package
        raise InvalidFile(Issue(name, f"файл повреждён, прочитать его не удалось ({type(exc).__name__}). "
                                      "Откройте его в Excel и сохраните заново.")) from None


def read_file(name: str, data: bytes, limit: Limits | float = DEFAULT_LIMIT_MB) -> FileRead:
    """The data rows of each known sheet of one workbook, keyed by column key, with
    ``source_row``, and the notes for the preview.  Raises :class:`InvalidFile` for a file that
    can't be used at all; row problems are left for :func:`plan_import`, which reports them all
    at once.  ``limit``: the :class:`Limits` (or just the upload size in MB).

    The package is measured and repacked first (``workbook_guard``): the readers below parse
    only bytes decompressed under the limits.  Cell values are read with calamine (Rust; a
    11,000-row sheet in a fifth of a second, where openpyxl takes seconds); openpyxl is used
    only to pinpoint formulas without saved values.  The app and the command line call this
    through ``exchange.guarded``, in a child process with a memory and time limit.
    """
    limit = limit if isinstance(limit, Limits) else Limits(upload_mb=float(limit))
    data = measured_package(name, data, limit)
    archive = zipfile.ZipFile(io.BytesIO(data))
    paths = sheet_paths(archive)
    book = open_book(name, data)
    present = _expected_sheets(name, book.sheet_names)
    found, xmls = {}, {}
    for sheet_name, actual in present.items():
        path = paths.get(actual, "")
        xml = archive.read(path) if path in archive.namelist() else b""
        xmls[sheet_name] = xml
        if b"<mergeCell " in xml:
            ranges = re.findall(rb'<mergeCell ref="([A-Z0-9:]+)"', xml)
            raise InvalidFile(Issue(name, f"есть объединённые клетки ({shown([r.decode() for r in ranges])}); "
                                          "разъедините их (Главная → Объединить и поместить в "
                                          "центре).", sheet_name))
        formulas = _uncached_formulas(data, actual) if re.search(rb"<f[ >/]", xml) else []
        if formulas:
            raise InvalidFile(Issue(
                name, f"в клетках {shown(formulas)} формулы без сохранённого значения. Откройте "
                      "файл в Excel, дождитесь пересчёта и сохраните его (или замените формулы "
                      "значениями).", sheet_name))
        try:
            rows = book.get_sheet_by_name(actual).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InvalidFile(Issue(name, f"лист не читается ({type(exc).__name__}); сохраните "
                                          "файл в Excel заново.", sheet_name)) from None
        found[sheet_name] = _rows(name, sheet_name, rows, SHEETS[sheet_name])
    return FileRead(found, package_notes(name, archive, xmls))


def _expected_sheets(name: str, sheet_names: list[str]) -> dict[str, str]:
    """Known sheet → its name in the file (case and spaces aside).  The school template always
    has «Оценки»: a workbook without it is refused, naming the sheets it has."""
    by_normal = {}
    for sheet in sheet_names:
        by_normal.setdefault(normal(sheet), sheet)
    present = {s: by_normal[normal(s)] for s in SHEETS if normal(s) in by_normal}
    if ASSESSMENTS not in present:
        listed = ", ".join(f"«{s}»" for s in sheet_names) or "нет ни одного"
        also = "" if EVENTS in present else f" (и листа «{EVENTS}»)"
        raise InvalidFile(Issue(name, f"нет листа «{ASSESSMENTS}»{also}; в файле листы: {listed}. "
                                      f"В присланном шаблоне лист «{ASSESSMENTS}» есть всегда: "
                                      "верните ему это имя или используйте шаблон."))
    return present


def _uncached_formulas(data: bytes, sheet_name: str) -> list[str]:
    """Cells holding a formula whose last computed value was not saved (a file written by a
    program, never opened in Excel).  Formulas with a saved value are read as that value."""
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)[sheet_name]
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)[sheet_name]
    missing = []
    for row_v, row_f in zip(values.iter_rows(), formulas.iter_rows()):
        for cell_v, cell_f in zip(row_v, row_f):
            if getattr(cell_f, "data_type", None) == "f" and cell_v.value is None:
                missing.append(cell_f.coordinate)
    return missing


def _rows(name: str, sheet_name: str, table: list[list], columns: tuple[Column, ...]) -> list[dict]:
    rows = iter(table)
    header = next(rows, None)
    if header is None or all(is_blank(v) for v in header):
        raise InvalidFile(Issue(name, "лист пустой: нет строки заголовков.", sheet_name, 1))
    positions: dict[str, int] = {}
    for n, value in enumerate(header):
        if is_blank(value):
            continue
        for column in columns:
            if normal(value) == normal(column.header):
                if column.key in positions:
                    raise InvalidFile(Issue(name, f"столбец «{column.header}» встречается дважды.",
                                            sheet_name, 1, get_column_letter(n + 1)))
                positions[column.key] = n
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        listed = ", ".join(f"«{h}»" for h in missing)
        raise InvalidFile(Issue(name, f"нет столбца {listed} (переименован или удалён). Верните "
                                      "заголовки как в шаблоне.", sheet_name, 1))
    found = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(is_blank(v) for v in values):
            continue  # blank rows, trailing or in between, are not data
        row = {key: (values[pos] if pos < len(values) else None) for key, pos in positions.items()}
        row["source_row"] = number
        found.append(row)
    return found


def column_label(columns: tuple[Column, ...], key: str) -> str:
    n = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    return f"{get_column_letter(n)} «{columns[n - 1].header}»"


