"""Checking an import: every row of every file against the catalog and the database, before
anything is written.

:func:`plan_import` returns the plan — the rows to write, each change old → new, the counts,
the notes and the questions the specialist must confirm — or every problem, each naming file,
sheet, row and column in Russian.  In-place edits on the pages are checked by the same code
(:func:`check_rows`), so a value typed in a cell obeys the same rules as one in a file.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from indicators.catalog.adoption import EventsRun
from indicators.exchange.guarded import read_guarded
from indicators.exchange.read import MAX_ISSUES, ImportPlan, InvalidFile, Issue, column_label
from indicators.exchange.sheets import (
    ASSESSMENT_COLUMNS,
    ASSESSMENTS,
    EVENT_COLUMNS,
    EVENT_STATUS_LABELS,
    EVENTS,
    ValueProblem,
    format_score,
    is_blank,
    parse_date,
    parse_score,
    parse_status,
    parse_text,
    parse_year,
)
from indicators.exchange.unit_names import NameQuestions
from indicators.exchange.workbook_guard import limits
from indicators.store.database import Database
from indicators.words import period_label

# -- the plan ----------------------------------------------------------------------------------

def plan_import(db: Database, files: list[tuple[str, bytes]], period: int | None = None,
                limit_mb: float | None = None, progress=None) -> ImportPlan:
    """Read and check every file; the plan says what would change, or lists every problem.

    ``period``, when given, is the school year being collected: a file for another year is
    refused.  ``progress(done, total, name)`` is called as each file is read.  ``limit_mb``
    overrides the upload size limit (setting ``import_max_mb``).  Each file is read in a child
    process under the limits of the ``setting`` table (``exchange.guarded``).  Nothing is
    written.
    """
    limit = limits(db, limit_mb)
    issues: list[Issue] = []
    notes: list[str] = []
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
            read = read_guarded(name, data, limit)
        except InvalidFile as exc:
            issues.append(exc.issue)
            continue
        sheets = read.sheets
        notes += read.notes
        for row in sheets.get(ASSESSMENTS, []):
            assessment_rows.append(dict(row, source_file=name))
        for row in sheets.get(EVENTS, []):
            event_rows.append(dict(row, source_file=name))
        if not any(not is_blank(r.get("score")) for r in sheets.get(ASSESSMENTS, [])) and \
                not any(not is_blank(r.get("status")) for r in sheets.get(EVENTS, [])):
            issues.append(Issue(name, "в файле нет ни одной заполненной оценки или статуса "
                                      "мероприятия: загружать нечего."))

    plan = check_rows(db, period, assessment_rows, event_rows, names, hashes, issues)
    plan.notes += notes
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
    plan.questions = checker.names.questions()
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
        self.names = NameQuestions({r[0]: (r[1], r[2]) for r in db.rows(
            "SELECT id, name, short_name FROM org_unit")})
        self.indicators = {r[0]: r[1:] for r in db.rows(
            "SELECT id, level, max_score, first_period, last_period FROM indicator")}
        self.events_known = {r[0] for r in db.rows("SELECT id FROM roadmap_event")}
        self._db = db
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
        self.names.see(row, sheet, columns, unit_id)
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
        runs = EventsRun(self._db, {str(r.get("unit_id") or "").strip() for r in rows} & set(self.units))
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
            if event_id not in runs(unit_id, year):
                self._add(row, EVENTS, cols, "event_id",
                          f"мероприятие {event_id} не входит в дорожные карты, которые выполняет "
                          f"«{self.units[unit_id][1]}» в {period_label(year)} учебном году.")
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
                   s.event_id IS NOT NULL AS existed, u.short_name,
                   coalesce(d.short_title, d.id) || ' ' || e.number AS event_name
            FROM incoming i
            LEFT JOIN event_status s ON s.event_id = i.event_id AND s.org_unit_id = i.org_unit_id
                 AND s.period = i.period
            JOIN org_unit u ON u.id = i.org_unit_id
            JOIN roadmap_event e ON e.id = i.event_id JOIN direction d ON d.id = e.direction_id
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
                   f"мероприятие {r.event_name}", r)
    plan.counts = counts
    plan.changes = pd.DataFrame(changes, columns=["Организация", "Учебный год", "Что", "Поле",
                                                  "Было", "Стало", "Файл", "Строка"])


def _count(changes, counts, existed, old, new, unit, what, r) -> None:
    differing = [k for k in new if old[k] != new[k]]
    if not existed:
        counts["new"] += 1
    elif differing:
        counts["changed"] += 1
    else:
        counts["unchanged"] += 1
    for k in differing:
        changes.append({"Организация": unit, "Учебный год": period_label(int(r.period)),
                        "Что": what, "Поле": k, "Было": old[k] or "—",
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


