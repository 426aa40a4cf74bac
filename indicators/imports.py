"""Schools' filled templates back into the database: read, validate everything, preview, apply.

Nothing is written until every file is valid: :func:`plan_import` reads and checks all of them
and returns the plan (rows to write, each change old → new, the counts) or the list of
problems, each naming file, sheet, row and column in Russian.  :func:`apply_import` then writes
the whole plan in one transaction, every value in the change log under one batch (so the import
can be undone, ``batches.undo_last``).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from .db import Database
from .measures import period_label
from .sheets import (
    ASSESSMENT_COLUMNS,
    ASSESSMENTS,
    EVENT_COLUMNS,
    EVENT_STATUS_LABELS,
    EVENTS,
    SHEETS,
    Column,
    ValueProblem,
    format_score,
    is_blank,
    normal,
    parse_date,
    parse_score,
    parse_status,
    parse_text,
    parse_year,
)
from .writes import upsert

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
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidFile(Issue(name, "файл повреждён: не открывается как книга Excel. "
                                      "Попросите школу прислать файл заново.")) from None
    if "xl/workbook.xml" not in names:
        kind = ("документ Word (.docx)" if "word/document.xml" in names else
                "презентация PowerPoint" if "ppt/presentation.xml" in names else "не книга Excel")
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


def _sheet_xml(archive: zipfile.ZipFile, path: str) -> bytes:
    try:
        return archive.read(path.lstrip("/"))
    except KeyError:
        return b""


def read_file(name: str, data: bytes, limit_mb: float = DEFAULT_LIMIT_MB) -> dict[str, list[dict]]:
    """The data rows of each known sheet of one workbook, keyed by column key, with
    ``source_row``.  Raises :class:`InvalidFile` for a file that can't be used at all; row
    problems are left for :func:`plan_import`, which reports them all at once.

    Cell values are read with calamine (Rust; a 11,000-row sheet in a fifth of a second, where
    openpyxl takes seconds); openpyxl is used only to pinpoint formulas without saved values.
    """
    archive = _check_container(name, data, limit_mb)
    paths = _sheet_paths(archive)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # the reader raises many kinds on a broken package
        raise InvalidFile(Issue(name, f"файл повреждён, прочитать его не удалось ({type(exc).__name__}). "
                                      "Откройте его в Excel и сохраните заново.")) from None
    present = [s for s in SHEETS if s in book.sheet_names]
    if not present:
        listed = ", ".join(f"«{s}»" for s in book.sheet_names)
        raise InvalidFile(Issue(name, f"нет листа «{ASSESSMENTS}» (и листа «{EVENTS}»); в файле "
                                      f"листы: {listed}. Используйте присланный шаблон."))
    found = {}
    for sheet_name in present:
        xml = _sheet_xml(archive, paths.get(sheet_name, ""))
        if b"<mergeCell " in xml:
            ranges = re.findall(rb'<mergeCell ref="([A-Z0-9:]+)"', xml)
            shown = ", ".join(r.decode() for r in ranges[:5])
            raise InvalidFile(Issue(name, f"есть объединённые клетки ({shown}); разъедините их "
                                          "(Главная → Объединить и поместить в центре).", sheet_name))
        formulas = _uncached_formulas(data, sheet_name) if re.search(rb"<f[ >/]", xml) else []
        if formulas:
            cells = ", ".join(formulas[:5])
            raise InvalidFile(Issue(
                name, f"в клетках {cells} формулы без сохранённого значения. Откройте файл в "
                      "Excel, дождитесь пересчёта и сохраните его (или замените формулы "
                      "значениями).", sheet_name))
        try:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InvalidFile(Issue(name, f"лист не читается ({type(exc).__name__}); сохраните "
                                          "файл в Excel заново.", sheet_name)) from None
        found[sheet_name] = _rows(name, sheet_name, rows, SHEETS[sheet_name])
    return found


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from the workbook and its relationships."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", ns)}
    paths = {}
    for sheet in workbook.findall("m:sheets/m:sheet", ns):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        paths[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return paths


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


# -- the plan ----------------------------------------------------------------------------------

def plan_import(db: Database, files: list[tuple[str, bytes]], period: int | None = None,
                limit_mb: float | None = None, progress=None) -> ImportPlan:
    """Read and check every file; the plan says what would change, or lists every problem.

    ``period``, when given, is the school year being collected: a file for another year is
    refused.  ``progress(done, total, name)`` is called as each file is read.  Nothing is
    written.
    """
    limit = limit_mb or float(db.scalar("SELECT value FROM setting WHERE key = 'import_max_mb'")
                              or DEFAULT_LIMIT_MB)
    issues: list[Issue] = []
    assessment_rows, event_rows, names, hashes = [], [], [], []
    seen: dict[str, str] = {}
    for number, (name, data) in enumerate(files):
        if progress:
            progress(number, len(files), name)
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            issues.append(Issue(name, f"это тот же файл, что и «{seen[digest]}»: он выбран дважды. "
                                      "Уберите один из них."))
            continue
        seen[digest] = name
        names.append(name)
        hashes.append(digest)
        try:
            sheets = read_file(name, data, limit)
        except InvalidFile as exc:
            issues.append(exc.issue)
            continue
        for row in sheets.get(ASSESSMENTS, []):
            assessment_rows.append(dict(row, source_file=name))
        for row in sheets.get(EVENTS, []):
            event_rows.append(dict(row, source_file=name))
        if not any(not is_blank(r.get("score")) for r in sheets.get(ASSESSMENTS, [])) and \
                not any(not is_blank(r.get("status")) for r in sheets.get(EVENTS, [])):
            issues.append(Issue(name, "в файле нет ни одной заполненной оценки или статуса "
                                      "мероприятия: загружать нечего."))

    plan = check_rows(db, period, assessment_rows, event_rows, names, hashes, issues)
    if plan.ok:
        earlier = _earlier_imports(db, hashes)
        for name, digest in zip(names, hashes):
            if digest in earlier:
                plan.notes.append(f"Файл «{name}» уже загружался {earlier[digest]}; повторная "
                                  "загрузка ничего не изменит, если данные с тех пор не правились.")
    return plan


def check_rows(db: Database, period: int | None, assessment_rows: list[dict],
               event_rows: list[dict], files: list[str], hashes: list[str] | None = None,
               issues: list[Issue] | None = None) -> ImportPlan:
    """Rows read from files (or typed in a page's table) → the checked plan with its preview.

    The one path by which a value gets in: the import and the in-place editors both come here.
    """
    checker = _Checker(db, period)
    plan = ImportPlan(files, hashes or [], checker.assessments(assessment_rows),
                      checker.events(event_rows))
    found = (issues or []) + checker.issues
    plan.more_issues = max(0, len(found) - MAX_ISSUES)
    plan.issues = found[:MAX_ISSUES]
    if plan.ok:
        _diff(db, plan)
    return plan


ASSESSMENT_FIELDS = ["org_unit_id", "indicator_id", "period", "score", "not_applicable",
                     "evidence_url", "comment", "source_file", "source_row"]
EVENT_FIELDS = ["event_id", "org_unit_id", "period", "status", "evidence_url", "done_on",
                "comment", "source_file", "source_row"]


class _Checker:
    """Row-level checks against the catalog and the database, collecting every problem."""

    def __init__(self, db: Database, period: int | None) -> None:
        self.period = period
        self.issues: list[Issue] = []
        self.units = {r[0]: r[1:] for r in db.rows(
            "SELECT id, kind, name, opened_period, closed_period FROM org_unit")}
        self.indicators = {r[0]: r[1:] for r in db.rows(
            "SELECT id, level, max_score, first_period, last_period FROM indicator")}
        self.events_known = {r[0] for r in db.rows("SELECT id FROM roadmap_event")}
        self.locked = {(r[0], r[1]) for r in db.rows(
            "SELECT org_unit_id, period FROM submission WHERE status = 'accepted'")}
        self._locked_told: set[tuple[str, int]] = set()
        self._keys: dict[tuple, tuple[str, int]] = {}
        self._years: dict[str, set[int]] = {}

    def _add(self, row: dict, sheet: str, columns, key: str | None, message: str) -> None:
        column = column_label(columns, key) if key else None
        self.issues.append(Issue(row["source_file"], message, sheet, row["source_row"], column))

    def _common(self, row: dict, sheet: str, columns) -> tuple[str, int] | None:
        """Unit and year of a row (None after reporting a problem)."""
        try:
            year = parse_year(row.get("year"))
        except ValueProblem as exc:
            self._add(row, sheet, columns, "year", str(exc))
            return None
        if self.period is not None and year != self.period:
            self._add(row, sheet, columns, "year",
                      f"файл за {period_label(year)} учебный год, а загружаются данные за "
                      f"{period_label(self.period)}. Проверьте, тот ли это файл.")
            return None
        self._years.setdefault(row["source_file"], set()).add(year)
        unit_id = str(row.get("unit_id") or "").strip()
        unit = self.units.get(unit_id)
        if unit is None or unit[0] == "region":
            self._add(row, sheet, columns, "unit_id",
                      f"неизвестная организация «{unit_id}»; коды школ — как в шаблоне.")
            return None
        _, name, opened, closed = unit
        if (opened is not None and year < opened) or (closed is not None and year >= closed):
            self._add(row, sheet, columns, "unit_id",
                      f"{name} не работала в {period_label(year)} учебном году.")
            return None
        if (unit_id, year) in self.locked:
            if (unit_id, year) not in self._locked_told:
                self._locked_told.add((unit_id, year))
                self._add(row, sheet, columns, "unit_id",
                          f"данные «{name}» за {period_label(year)} приняты и заблокированы. "
                          "Чтобы загрузить исправления, снимите блокировку на странице «Данные».")
            return None
        return unit_id, year

    def _parse(self, row: dict, sheet: str, columns, parsers: dict) -> dict | None:
        """Each cell through its parser; every failure reported at its own column."""
        values, failed = {}, False
        for key, parse in parsers.items():
            try:
                values[key] = parse(row.get(key))
            except ValueProblem as exc:
                self._add(row, sheet, columns, key, str(exc))
                failed = True
        return None if failed else values

    def _duplicate(self, row: dict, sheet: str, columns, key: tuple, what: str) -> bool:
        if key in self._keys:
            file, number = self._keys[key]
            where = f"строке {number}" + ("" if file == row["source_file"] else f" файла «{file}»")
            self._add(row, sheet, columns, None, f"{what} уже указан(о) в {where}: строка повторяется.")
            return True
        self._keys[key] = (row["source_file"], row["source_row"])
        return False

    def assessments(self, rows: list[dict]) -> pd.DataFrame:
        out = []
        cols = ASSESSMENT_COLUMNS
        for row in rows:
            blank = is_blank(row.get("score"))
            has_text = not is_blank(row.get("evidence_url")) or not is_blank(row.get("comment"))
            if blank and not has_text:
                continue  # not filled in: the stored value, if any, stays
            common = self._common(row, ASSESSMENTS, cols)
            if common is None:
                continue
            unit_id, year = common
            code = str(row.get("code") or "").strip().upper()
            indicator = self.indicators.get(code)
            kind = self.units[unit_id][0]
            if indicator is None:
                self._add(row, ASSESSMENTS, cols, "code", f"неизвестный код показателя «{code}».")
                continue
            level, max_score, first, last = indicator
            if level != kind:
                self._add(row, ASSESSMENTS, cols, "code",
                          f"показатель {code} относится к уровню "
                          f"{'муниципалитета' if level == 'municipality' else 'школы'}, "
                          f"а не к «{self.units[unit_id][1]}».")
                continue
            if year < first or (last is not None and year > last):
                self._add(row, ASSESSMENTS, cols, "code",
                          f"показатель {code} не действует в {period_label(year)} учебном году.")
                continue
            if blank:
                self._add(row, ASSESSMENTS, cols, "score",
                          "указаны ссылка или комментарий, но нет балла. Поставьте балл или "
                          "«н/п».")
                continue
            parsed = self._parse(row, ASSESSMENTS, cols, {
                "score": lambda v: parse_score(v, max_score),
                "evidence_url": parse_text, "comment": parse_text})
            if parsed is None:
                continue
            (score, na), url, comment = parsed["score"], parsed["evidence_url"], parsed["comment"]
            if self._duplicate(row, ASSESSMENTS, cols, ("a", unit_id, code, year),
                               f"показатель {code} для «{self.units[unit_id][1]}»"):
                continue
            out.append(dict(org_unit_id=unit_id, indicator_id=code, period=year, score=score,
                            not_applicable=na, evidence_url=url, comment=comment,
                            source_file=row["source_file"], source_row=row["source_row"]))
        self._mixed_years()
        return pd.DataFrame(out, columns=ASSESSMENT_FIELDS)

    def events(self, rows: list[dict]) -> pd.DataFrame:
        out = []
        cols = EVENT_COLUMNS
        for row in rows:
            if all(is_blank(row.get(k)) for k in ("status", "evidence_url", "done_on", "comment")):
                continue
            common = self._common(row, EVENTS, cols)
            if common is None:
                continue
            unit_id, year = common
            event_id = str(row.get("event_id") or "").strip()
            if event_id not in self.events_known:
                self._add(row, EVENTS, cols, "event_id", f"неизвестный код мероприятия «{event_id}».")
                continue
            parsed = self._parse(row, EVENTS, cols, {
                "status": parse_status, "done_on": parse_date, "evidence_url": parse_text,
                "comment": parse_text})
            if parsed is None:
                continue
            status, done_on = parsed["status"], parsed["done_on"]
            url, comment = parsed["evidence_url"], parsed["comment"]
            if status is None:
                self._add(row, EVENTS, cols, "status", "заполнены дата, ссылка или комментарий, "
                                                       "но нет статуса.")
                continue
            if self._duplicate(row, EVENTS, cols, ("e", event_id, unit_id, year),
                               f"мероприятие {event_id} для «{self.units[unit_id][1]}»"):
                continue
            out.append(dict(event_id=event_id, org_unit_id=unit_id, period=year, status=status,
                            evidence_url=url, done_on=done_on, comment=comment,
                            source_file=row["source_file"], source_row=row["source_row"]))
        self._mixed_years()
        return pd.DataFrame(out, columns=EVENT_FIELDS)

    def _mixed_years(self) -> None:
        for file, years in self._years.items():
            if len(years) > 1 and not any(i.file == file and "разные учебные годы" in i.message
                                          for i in self.issues):
                listed = ", ".join(period_label(y) for y in sorted(years))
                self.issues.append(Issue(file, f"в одном файле разные учебные годы ({listed}); "
                                               "один файл — один учебный год."))


# -- the preview -------------------------------------------------------------------------------

_FIELD_LABELS = {"score": "Балл", "not_applicable": "Балл", "evidence_url": "Ссылка на документ",
                 "comment": "Комментарий", "status": "Статус", "done_on": "Дата выполнения"}


def _diff(db: Database, plan: ImportPlan) -> None:
    """Fill ``plan.changes`` (one line per changed value, old → new) and ``plan.counts``."""
    changes, counts = [], {"new": 0, "changed": 0, "unchanged": 0}
    a = plan.assessments
    if len(a):
        stored = db.read(
            """
            SELECT i.org_unit_id, i.indicator_id, i.period, s.score AS old_score,
                   s.not_applicable AS old_na, s.evidence_url AS old_url, s.comment AS old_comment,
                   s.org_unit_id IS NOT NULL AS existed, u.short_name, ind.title
            FROM incoming i
            LEFT JOIN assessment s ON s.org_unit_id = i.org_unit_id
                 AND s.indicator_id = i.indicator_id AND s.period = i.period
            JOIN org_unit u ON u.id = i.org_unit_id JOIN indicator ind ON ind.id = i.indicator_id
            """,
            frames={"incoming": a[["org_unit_id", "indicator_id", "period"]]},
        )
        merged = a.merge(stored, on=["org_unit_id", "indicator_id", "period"], how="left")
        for r in merged.itertuples():
            old = {"Балл": format_score(_num(r.old_score), bool(r.old_na) if r.existed else False),
                   "Ссылка на документ": _text(r.old_url), "Комментарий": _text(r.old_comment)}
            new = {"Балл": format_score(_num(r.score), bool(r.not_applicable)),
                   "Ссылка на документ": _text(r.evidence_url), "Комментарий": _text(r.comment)}
            _count(changes, counts, bool(r.existed), old, new, r.short_name,
                   f"{r.indicator_id} {r.title}", r)
    e = plan.events
    if len(e):
        stored = db.read(
            """
            SELECT i.event_id, i.org_unit_id, i.period, s.status AS old_status,
                   s.evidence_url AS old_url, s.done_on AS old_done, s.comment AS old_comment,
                   s.event_id IS NOT NULL AS existed, u.short_name
            FROM incoming i
            LEFT JOIN event_status s ON s.event_id = i.event_id AND s.org_unit_id = i.org_unit_id
                 AND s.period = i.period
            JOIN org_unit u ON u.id = i.org_unit_id
            """,
            frames={"incoming": e[["event_id", "org_unit_id", "period"]]},
        )
        merged = e.merge(stored, on=["event_id", "org_unit_id", "period"], how="left")
        for r in merged.itertuples():
            old = {"Статус": EVENT_STATUS_LABELS.get(r.old_status) if isinstance(r.old_status, str) else None,
                   "Ссылка на документ": _text(r.old_url), "Дата выполнения": _date(r.old_done),
                   "Комментарий": _text(r.old_comment)}
            new = {"Статус": EVENT_STATUS_LABELS[r.status], "Ссылка на документ": _text(r.evidence_url),
                   "Дата выполнения": _date(r.done_on), "Комментарий": _text(r.comment)}
            _count(changes, counts, bool(r.existed), old, new, r.short_name,
                   f"мероприятие {r.event_id}", r)
    plan.counts = counts
    plan.changes = pd.DataFrame(changes, columns=["Организация", "Что", "Поле", "Было", "Стало",
                                                  "Файл", "Строка"])


def _count(changes, counts, existed, old, new, unit, what, r) -> None:
    differing = [k for k in new if old[k] != new[k]]
    if not existed:
        counts["new"] += 1
    elif differing:
        counts["changed"] += 1
    else:
        counts["unchanged"] += 1
    for k in differing:
        changes.append({"Организация": unit, "Что": what, "Поле": k, "Было": old[k] or "—",
                        "Стало": new[k] or "—", "Файл": r.source_file, "Строка": r.source_row})


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _date(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).strftime("%d.%m.%Y")


def _earlier_imports(db: Database, hashes: list[str]) -> dict[str, str]:
    found = {}
    for files, stamp in db.rows("SELECT file_hashes, created_at FROM import_batch "
                                "WHERE source = 'import' AND undone_by IS NULL"):
        for digest in (files or "").split(","):
            if digest in hashes:
                found[digest] = f"{stamp:%d.%m.%Y %H:%M}"
    return found


# -- apply -------------------------------------------------------------------------------------

def apply_import(db: Database, plan: ImportPlan, user: str, *, source: str = "import") -> int:
    """Write a valid plan in one transaction; return the batch id (for undo)."""
    if not plan.ok:
        raise ValueError("план импорта содержит ошибки: запись невозможна")
    with db.transaction() as cur:
        batch = cur.execute(
            "INSERT INTO import_batch (user_name, source, files, file_hashes) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            [user, source, "; ".join(plan.files), ",".join(plan.hashes)],
        ).fetchone()[0]
        result_a = upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"],
                          ["score", "not_applicable", "evidence_url", "comment"], plan.assessments,
                          user=user, source=source, batch_id=batch)
        result_e = upsert(cur, "event_status", ["event_id", "org_unit_id", "period"],
                          ["status", "evidence_url", "done_on", "comment"], plan.events,
                          user=user, source=source, batch_id=batch)
        received = plan.assessments[["org_unit_id", "period"]].drop_duplicates()
        if len(received):
            fresh = _fresh_submissions(cur, received)
            if len(fresh):
                fresh = fresh.assign(status="received", received_at=pd.Timestamp.now().floor("s"))
                upsert(cur, "submission", ["org_unit_id", "period"], ["status", "received_at"],
                       fresh, user=user, source=source, batch_id=batch)
        cur.execute("UPDATE import_batch SET new_values = ?, changed = ?, unchanged = ? WHERE id = ?",
                    [result_a.new + result_e.new, result_a.changed + result_e.changed,
                     result_a.unchanged + result_e.unchanged, batch])
    return int(batch)


def _fresh_submissions(cur, received: pd.DataFrame) -> pd.DataFrame:
    """The (unit, year) pairs of ``received`` with no submission record yet."""
    cur.register("_received", received)
    try:
        return cur.execute(
            "SELECT r.org_unit_id, r.period FROM _received r LEFT JOIN submission s "
            "ON s.org_unit_id = r.org_unit_id AND s.period = r.period WHERE s.org_unit_id IS NULL"
        ).df()
    finally:
        cur.unregister("_received")
