"""A municipality's own catalog and list of schools, from an Excel file.

A municipality whose criteria table differs from Zaozersk's, or whose schools open, merge and
close, changes it here: one workbook with the sheets «Направление», «Группы», «Показатели» and
«Школы» (any of them), checked as strictly as a schools' file, written in one logged
transaction.  Nothing is ever deleted: a retired indicator gets «Действует по», a closed school
«Закрыта с», and both keep their history.  Once a catalog has come from a file, the shipped CSV
catalog no longer overwrites it on start (``meta.custom_catalog``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import pandas as pd
from python_calamine import CalamineWorkbook

from indicators.exchange.export import frames_to_xlsx
from indicators.exchange.read import InvalidFile, Issue, _check_container
from indicators.exchange.sheets import ValueProblem, is_blank, normal, parse_year
from indicators.exchange.workbook_guard import Refused, check_parts, limits, repack
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch
from indicators.text import NAME_LIMIT, TEXT_LIMIT
from indicators.words import STAGE_LABELS, UNIT_LEVELS, period_label


@dataclass(frozen=True)
class Field:
    header: str
    key: str
    required: bool = False


LAYOUT = {
    "Направление": ("direction", [
        Field("Код", "id", True), Field("Название", "title", True), Field("Орган", "authority"),
        Field("Документ", "doc_kind"), Field("Номер", "order_number"), Field("С года", "period_from"),
        Field("По год", "period_to")]),
    "Группы": ("criterion", [
        Field("Код", "id", True), Field("Направление", "direction_id", True),
        Field("Название", "title", True), Field("Порядок", "ord", True)]),
    "Показатели": ("indicator", [
        Field("Код", "id", True), Field("Направление", "direction_id", True),
        Field("Группа", "criterion_id", True), Field("Номер", "number", True),
        Field("Уровень", "level", True), Field("Этап цикла", "stage", True),
        Field("Показатель", "title", True), Field("Чем подтверждается", "evidence_source"),
        Field("Максимальный балл", "max_score", True), Field("Действует с", "first_period", True),
        Field("Действует по", "last_period")]),
    "Школы": ("org_unit", [
        Field("Код", "id", True), Field("Название", "name", True),
        Field("Краткое название", "short_name", True), Field("Тип", "school_type"),
        Field("Работает с", "opened_period"), Field("Закрыта с", "closed_period")]),
}
_LEVEL_BY_WORD = {normal(v): k for k, v in UNIT_LEVELS.items()} | {"школа": "school", "оо": "school",
                                                                   "муниципалитет": "municipality"}
_STAGE_BY_WORD = {normal(v): k for k, v in STAGE_LABELS.items()}


@dataclass
class CatalogPlan:
    file: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> new / changed

    @property
    def ok(self) -> bool:
        return not self.issues


def current_catalog(db: Database, municipality_id: str) -> bytes:
    """The catalog and schools as they are now, in the file's layout: the starting point."""
    frames = {
        "Направление": db.read("SELECT id, title, authority, doc_kind, order_number, period_from, "
                               "period_to FROM direction ORDER BY id"),
        "Группы": db.read("SELECT id, direction_id, title, ord FROM criterion ORDER BY direction_id, ord"),
        "Показатели": db.read("SELECT id, direction_id, criterion_id, number, level, stage, title, "
                              "evidence_source, max_score, first_period, last_period FROM indicator "
                              "ORDER BY level, ord"),
        "Школы": db.read("SELECT id, name, short_name, school_type, opened_period, closed_period "
                         "FROM org_unit WHERE kind = 'school' AND parent_id = ? ORDER BY ord, name",
                         [municipality_id]),
    }
    ind = frames["Показатели"]
    ind["level"] = ind["level"].map(UNIT_LEVELS)
    ind["stage"] = ind["stage"].map(STAGE_LABELS)
    for col in ("first_period", "last_period"):
        ind[col] = [None if pd.isna(p) else period_label(int(p)) for p in ind[col]]
    for col in ("opened_period", "closed_period"):
        frames["Школы"][col] = [None if pd.isna(p) else period_label(int(p))
                                for p in frames["Школы"][col]]
    for sheet, frame in frames.items():
        frame.columns = [f.header for f in LAYOUT[sheet][1]]
    return frames_to_xlsx(frames)


CATALOG_UNPACKED_MB = 20   # a catalog of every school of a large municipality is under 1 MB


def plan_catalog(db: Database, name: str, data: bytes, municipality_id: str,
                 limit_mb: float = 10) -> CatalogPlan:
    plan = CatalogPlan(name)
    try:
        archive = _check_container(name, data, limit_mb)
        # A catalog is a few hundred rows: the import's part limits, tighter, and every part
        # unpacked under that cap before the reader sees it (catalog files come only from an
        # administrator, so they are read in-process).
        limit = replace(limits(db, limit_mb), unpacked_mb=min(limits(db).unpacked_mb, CATALOG_UNPACKED_MB))
        check_parts(archive, limit)
        book = CalamineWorkbook.from_filelike(io.BytesIO(repack(archive, limit)))
    except InvalidFile as exc:
        plan.issues.append(exc.issue)
        return plan
    except Refused as exc:
        plan.issues.append(Issue(name, str(exc)))
        return plan
    except Exception:
        plan.issues.append(Issue(name, "файл повреждён: не открывается как книга Excel."))
        return plan
    present = [s for s in LAYOUT if s in book.sheet_names]
    if not present:
        plan.issues.append(Issue(name, "нет ни одного из листов " + ", ".join(f"«{s}»" for s in LAYOUT)
                                       + ". Скачайте текущий каталог и правьте его."))
        return plan
    for sheet in present:
        table, fields = LAYOUT[sheet]
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        frame = _read(plan, sheet, rows, fields)
        if frame is not None:
            plan.frames[table] = frame
    _check(db, plan, municipality_id)
    if plan.ok:
        plan.counts = {t: _count(db, t, f) for t, f in plan.frames.items()}
    return plan


def _read(plan: CatalogPlan, sheet: str, rows: list[list], fields: list[Field]) -> pd.DataFrame | None:
    if not rows:
        plan.issues.append(Issue(plan.file, "лист пустой.", sheet, 1))
        return None
    header = [normal(v) for v in rows[0]]
    positions = {}
    for f in fields:
        if normal(f.header) in header:
            positions[f.key] = header.index(normal(f.header))
        elif f.required:
            plan.issues.append(Issue(plan.file, f"нет столбца «{f.header}».", sheet, 1))
    if any(f.required and f.key not in positions for f in fields):
        return None
    records = []
    for number, values in enumerate(rows[1:], start=2):
        if all(is_blank(v) for v in values):
            continue
        record = {"_row": number}
        for f in fields:
            value = values[positions[f.key]] if f.key in positions else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            value = None if is_blank(value) else (value.strip() if isinstance(value, str) else value)
            if value is None and f.required:
                plan.issues.append(Issue(plan.file, f"не заполнено «{f.header}».", sheet, number,
                                         f"«{f.header}»"))
            limit = NAME_LIMIT if f.key in ("name", "short_name", "id") else TEXT_LIMIT
            if isinstance(value, str) and len(value) > limit:
                plan.issues.append(Issue(plan.file, f"«{f.header}» длиннее {limit} знаков "
                                         f"({len(value)}): сократите.", sheet, number, f"«{f.header}»"))
            record[f.key] = value
        records.append(record)
    frame = pd.DataFrame(records, dtype=object)
    if len(frame):
        dup = frame.duplicated("id", keep="first")
        for _, row in frame[dup].iterrows():
            plan.issues.append(Issue(plan.file, f"код «{row['id']}» повторяется.", sheet, row["_row"], "«Код»"))
    return frame


def _check(db: Database, plan: CatalogPlan, municipality_id: str) -> None:
    """References and values: directions, groups, levels, stages, scores, school years."""
    known_dirs = {r[0] for r in db.rows("SELECT id FROM direction")}
    known_crit = {r[0] for r in db.rows("SELECT id FROM criterion")}
    dirs = known_dirs | set(plan.frames.get("direction", pd.DataFrame({"id": []}))["id"])
    crits = known_crit | set(plan.frames.get("criterion", pd.DataFrame({"id": []}))["id"])

    def bad(sheet, row, header, message):
        plan.issues.append(Issue(plan.file, message, sheet, row, f"«{header}»"))

    def year(sheet, row, header, value):
        if value is None:
            return None
        try:
            return parse_year(value)
        except ValueProblem as exc:
            bad(sheet, row, header, str(exc))
            return None

    for table, sheet in (("criterion", "Группы"), ("indicator", "Показатели")):
        frame = plan.frames.get(table)
        for r in ([] if frame is None else frame.to_dict("records")):
            if r["direction_id"] is not None and r["direction_id"] not in dirs:
                bad(sheet, r["_row"], "Направление", f"неизвестное направление «{r['direction_id']}».")
    if "direction" in plan.frames:
        d = plan.frames["direction"]
        for col, header in (("period_from", "С года"), ("period_to", "По год")):
            for row, value in zip(d["_row"], d[col]):
                if value is not None and not (isinstance(value, int) and 2000 <= value <= 2100):
                    bad("Направление", row, header, f"год «{value}» — нужен календарный год, например 2024.")
    if "criterion" in plan.frames:
        c = plan.frames["criterion"]
        for row, value in zip(c["_row"], c["ord"]):
            if not isinstance(value, int):
                bad("Группы", row, "Порядок", f"порядок «{value}» — нужно целое число.")
    if "indicator" in plan.frames:
        ind = plan.frames["indicator"]
        levels, stages, firsts, lasts = [], [], [], []
        for r in ind.to_dict("records"):
            n = r["_row"]
            if r["criterion_id"] is not None and r["criterion_id"] not in crits:
                bad("Показатели", n, "Группа", f"неизвестная группа «{r['criterion_id']}».")
            level = _LEVEL_BY_WORD.get(normal(r["level"] or ""))
            if r["level"] is not None and level is None:
                bad("Показатели", n, "Уровень", f"уровень «{r['level']}»: пишите «ОО» или «Муниципалитет».")
            stage = _STAGE_BY_WORD.get(normal(r["stage"] or ""))
            if r["stage"] is not None and stage is None:
                allowed = ", ".join(f"«{v}»" for v in STAGE_LABELS.values())
                bad("Показатели", n, "Этап цикла", f"этап «{r['stage']}» не распознан; допустимо: {allowed}.")
            score = r["max_score"]
            if score is not None and not (isinstance(score, int) and 1 <= score <= 10):
                bad("Показатели", n, "Максимальный балл", f"максимальный балл «{score}» — целое от 1 до 10.")
            if not isinstance(r["number"], int) and r["number"] is not None:
                bad("Показатели", n, "Номер", f"номер «{r['number']}» — нужно целое число.")
            first = year("Показатели", n, "Действует с", r["first_period"])
            last = year("Показатели", n, "Действует по", r["last_period"])
            if first is not None and last is not None and last < first:
                bad("Показатели", n, "Действует по", "действует по году раньше, чем с года.")
            levels.append(level), stages.append(stage), firsts.append(first), lasts.append(last)
        ind["level"], ind["stage"], ind["first_period"], ind["last_period"] = levels, stages, firsts, lasts
        ind["ord"] = ind["number"]
    if "org_unit" in plan.frames:
        s = plan.frames["org_unit"]
        others = {r[0] for r in db.rows("SELECT id FROM org_unit WHERE NOT (kind = 'school' AND "
                                        "parent_id = ?)", [municipality_id])}
        opened, closed = [], []
        for r in s.to_dict("records"):
            n = r["_row"]
            if r["id"] in others:
                bad("Школы", n, "Код", f"код «{r['id']}» уже занят организацией другого "
                                       "муниципалитета или уровня.")
            first = year("Школы", n, "Работает с", r["opened_period"])
            last = year("Школы", n, "Закрыта с", r["closed_period"])
            if first is not None and last is not None and last <= first:
                bad("Школы", n, "Закрыта с", "школа закрыта раньше, чем открыта.")
            opened.append(first), closed.append(last)
        s["opened_period"], s["closed_period"] = opened, closed
        s["parent_id"], s["kind"] = municipality_id, "school"
        known = dict(db.rows("SELECT id, ord FROM org_unit WHERE kind = 'school' AND parent_id = ?",
                             [municipality_id]))
        start = max(known.values(), default=0)
        s["ord"] = [known.get(i, start + n) for n, i in enumerate(s["id"], start=1)]


_FIELDS = {
    "direction": ["title", "authority", "doc_kind", "order_number", "period_from", "period_to"],
    "criterion": ["direction_id", "title", "ord"],
    "indicator": ["direction_id", "criterion_id", "number", "stage", "level", "title",
                  "evidence_source", "max_score", "first_period", "last_period", "ord"],
    "org_unit": ["parent_id", "kind", "name", "short_name", "school_type", "opened_period",
                 "closed_period", "ord"],
}


def _count(db: Database, table: str, frame: pd.DataFrame) -> dict[str, int]:
    existing = {r[0] for r in db.rows(f"SELECT id FROM {table}")}
    new = int((~frame["id"].isin(existing)).sum())
    return {"new": new, "existing": len(frame) - new}


def apply_catalog(db: Database, plan: CatalogPlan, user: Actor) -> None:
    if not plan.ok:
        raise ValueError("каталог содержит ошибки: запись невозможна")
    with batch(db, user, "catalog-file", files=[plan.file]) as b:
        for table in ("direction", "criterion", "indicator", "org_unit"):
            frame = plan.frames.get(table)
            if frame is None or frame.empty:
                continue
            rows = frame.rename(columns={"_row": "source_row"})
            b.upsert(table, ["id"], _FIELDS[table], rows, source_file=plan.file)
        if {"direction", "criterion", "indicator"} & set(plan.frames):
            b.set_meta("custom_catalog", "1")
