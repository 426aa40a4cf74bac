"""Checking ВПР files: every row against the catalog and the database, before anything is written.

:func:`plan_vpr` reads each file (``vpr_read``, in a guarded child) and returns a
:class:`VprPlan`: the participants and school reports to write, the stored participants the new
protocols replace, the preview's counts, the notes and the questions the specialist confirms —
or every problem, each in Russian naming file, sheet, row (Excel's number) and column.  The
checks are column-wise (pandas), so a region's 400,000 rows cost a few statements, not a loop;
only the bad rows become messages (at most ``MAX_ISSUES``).

Decisions: a school is matched by the code in «Школа» («code | name») or the login; its id in
``org_unit`` is that code.  A name that is not the one under the code is a *question* (as in the
data import).  A subject, grade and year without a scale in ``vpr_scales.csv`` is a question too:
the scores are stored, but marks and the signs that need them wait until the scale is added.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd

from indicators.exchange.read import MAX_ISSUES, InvalidFile, Issue
from indicators.exchange.unit_names import name_key
from indicators.exchange.vpr_read import ABSENT, VprRead, read_vpr_guarded, split_pair
from indicators.exchange.vpr_reports import report_rows
from indicators.exchange.workbook_guard import limits
from indicators.store.database import Database
from indicators.words import VPR_SUBJECTS, period_label

KEYS = ["org_unit_id", "period", "subject", "grade", "participant"]
FIELDS = ["class_name", "variant", "absent", "sex", "journal_mark", "primary_score", "task_points"]
REPORT_KEYS = ["org_unit_id", "period", "subject", "grade"]
REPORT_FIELDS = ["participants", "mark2", "mark3", "mark4", "mark5", "lowered", "confirmed", "raised"]
_NOT_DONE = {"x", "х", "n", "н", "-", "—"}   # a task not attempted: 0 points


@dataclass
class VprPlan:
    files: list[str]
    hashes: list[str]
    participants: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KEYS + FIELDS))
    reports: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_KEYS + REPORT_FIELDS))
    replaced: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KEYS))
    issues: list[Issue] = field(default_factory=list)
    questions: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    more_issues: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


class _Context:
    """What the checks look up: schools, their names, the writer's reach, the scales."""

    def __init__(self, db: Database, reach: frozenset[str] | None) -> None:
        units = db.read("SELECT id, kind, name, short_name FROM org_unit")
        schools = units[units["kind"] == "school"]
        self.ids = {str(i).lower(): i for i in schools["id"]}
        self.names = {i: (n, s) for i, n, s in zip(schools["id"], schools["name"], schools["short_name"])}
        self.others = {str(i).lower() for i in units.loc[units["kind"] != "school", "id"]}
        self.reach = reach
        scales = db.read("SELECT subject, grade, period, min(test_max) AS test_max FROM vpr_scale GROUP BY ALL")
        self.test_max = {(s, int(g), int(p)): float(t) for s, g, p, t in scales.itertuples(index=False)}
        self.issues: list[Issue] = []
        self.questions: list[Issue] = []
        self.seen: dict[tuple, tuple[str, int]] = {}


def plan_vpr(db: Database, files: list[tuple[str, bytes]], *, subject: str | None = None,
             grade: int | None = None, period: int | None = None,
             reach: frozenset[str] | None = None, limit_mb: float | None = None,
             progress=None) -> VprPlan:
    """Read and check every file; the plan says what would change, or lists every problem.

    ``subject``, ``grade``, ``period``: the upload form's answers, used where a file does not
    say (a file's own name or title wins).  ``reach``: the schools the user may write (None:
    every one); a row of another school is refused.  Nothing is written."""
    limit = limits(db, limit_mb)
    ctx = _Context(db, reach)
    plan = VprPlan([], [])
    participants, reports, seen = [], [], {}
    for number, (name, data) in enumerate(files):
        if progress:
            progress(number, len(files), name)
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            ctx.issues.append(Issue(name, f"это тот же файл, что и «{seen[digest]}»: он выбран дважды."))
            continue
        seen[digest] = name
        plan.files.append(name)
        plan.hashes.append(digest)
        try:
            read = read_vpr_guarded(name, data, limit)
        except InvalidFile as exc:
            ctx.issues.append(exc.issue)
            continue
        what = _what(read, ctx, dict(subject=subject, grade=grade, period=period), plan.notes)
        if what is None:
            continue
        if read.kind == "reports":
            frame = report_rows(read, ctx, *what)
            if frame is not None:
                reports.append(frame)
        else:
            frame = _protocol(read, ctx, *what)
            if frame is not None:
                participants.append(frame)
    found = ctx.issues
    plan.more_issues = max(0, len(found) - MAX_ISSUES)
    plan.issues = found[:MAX_ISSUES]
    plan.questions = ctx.questions
    if participants:
        plan.participants = pd.concat(participants, ignore_index=True)
    if reports:
        plan.reports = pd.concat(reports, ignore_index=True)
    if plan.ok:
        _preview(db, plan)
    return plan


def _what(read: VprRead, ctx: _Context, form: dict, notes: list[str]) -> tuple[str, int, int] | None:
    """Subject, grade and school year of a file: what it says, else the form's answer."""
    values, missing = {}, []
    words = {"subject": "предмет", "grade": "класс", "period": "учебный год"}
    for key in ("subject", "grade", "period"):
        if key in read.said:
            values[key] = read.said[key][0]
        elif form.get(key) is not None:
            values[key] = form[key]
        else:
            missing.append(words[key])
    if missing:
        ctx.issues.append(Issue(read.file, f"не удалось понять {', '.join(missing)} ни из имени файла, "
                                           "ни из заголовка: выберите их в форме загрузки (или назовите "
                                           "файл как «Математика 4 класс 2023-24.xlsx»)."))
        return None
    subject, grade, period = values["subject"], int(values["grade"]), int(values["period"])
    told = "; ".join(f"{words[k]} — {read.said[k][1]}" for k in ("subject", "grade", "period") if k in read.said)
    notes.append(f"Файл «{read.file}»: {VPR_SUBJECTS.get(subject, subject)}, {grade} класс, "
                 f"{period_label(period)} учебный год" + (f" (определено: {told})" if told else " (из формы)") + ".")
    if (subject, grade, period) not in ctx.test_max and not any(
            q.file == read.file and "шкал" in q.message for q in ctx.questions):
        ctx.questions.append(Issue(read.file, f"в каталоге нет шкалы перевода баллов в отметки для "
                                              f"«{VPR_SUBJECTS.get(subject, subject)}», {grade} класс, "
                                              f"{period_label(period)}: баллы будут загружены, но отметки и "
                                              "признаки, которым нужна шкала, не посчитаются, пока шкалу не "
                                              "добавят в vpr_scales.csv. Максимальный балл не проверен."))
    return subject, grade, period


def school_ids(cells: pd.Series, ctx: _Context, file: str, sheet: str, rows: pd.Series,
               column: str) -> tuple[pd.Series, pd.Series]:
    """The school id of each cell («code | name» or a login), or None after reporting the
    unknown codes and the schools out of reach; also the typed names (for the questions)."""
    pairs = cells.map(split_pair)
    codes = pairs.str[0]
    typed = pairs.str[1]
    ids = codes.str.lower().map(ctx.ids)
    for code in codes[ids.isna()].unique():
        at = int(rows[codes == code].iloc[0])
        ctx.issues.append(Issue(file, f"неизвестная школа «{code}»: логин (код) школы в файле должен "
                                      "совпадать с кодом школы в базе (страница «Данные», «Каталог и "
                                      "школы»).", sheet, at, column))
    if ctx.reach is not None:
        outside = ids.notna() & ~ids.isin(ctx.reach)
        for unit in ids[outside].unique():
            at = int(rows[ids == unit].iloc[0])
            ctx.issues.append(Issue(file, f"школа «{ctx.names[unit][1]}» вне вашей организации: "
                                          "загружать её результаты вы не можете. Уберите её строки.",
                                    sheet, at, column))
        ids = ids.where(~outside)
    for unit, key in {(u, name_key(t)) for u, t in zip(ids, typed) if isinstance(u, str) and t}:
        if key in {name_key(n) for n in ctx.names[unit] if n}:
            continue
        match = (ids == unit) & (typed.map(name_key) == key)
        shown = typed[match].iloc[0]
        name, short = ctx.names[unit]
        also = int(match.sum()) - 1
        ctx.questions.append(Issue(file, f"в файле школа «{shown}», а под кодом «{unit}» в базе «{name}» "
                                         f"(кратко «{short}»)" + (f" (и ещё в {also} стр.)" if also else "") +
                                         ". Проверьте, что это результаты именно этой школы, и подтвердите "
                                         "загрузку (или исправьте код).", sheet, int(rows[match].iloc[0]), column))
    return ids, typed


def numbers(cells: pd.Series, ctx: _Context, file: str, sheet: str, rows: pd.Series, column: str,
            what: str, *, blank_zero: bool = False) -> pd.Series:
    """Cells as numbers (NaN where blank); text that is not a number is reported."""
    text = cells.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v).strip())
    blank = text.isna() | (text == "")
    if blank_zero:
        blank |= text.str.lower().isin(_NOT_DONE)
    values = pd.to_numeric(text.str.replace(",", ".", regex=False).where(~blank), errors="coerce")
    for at, value in zip(rows[values.isna() & ~blank], cells[values.isna() & ~blank]):
        ctx.issues.append(Issue(file, f"{what}: «{value}» — не число.", sheet, int(at), column))
    return values.fillna(0.0) if blank_zero else values


def _protocol(read: VprRead, ctx: _Context, subject: str, grade: int, period: int) -> pd.DataFrame | None:
    f, sh, col = read.file, read.sheet, read.columns
    raw = pd.DataFrame(read.rows, dtype=object)
    if raw.empty:
        ctx.issues.append(Issue(f, "в протоколе нет ни одной строки участника: загружать нечего.", sh))
        return None
    rows = raw["source_row"].astype(int)
    before = len(ctx.issues)

    def bad(mask: pd.Series, column: str, message) -> None:
        for at, value in zip(rows[mask], raw.loc[mask, column] if column in raw else [None] * int(mask.sum())):
            if len(ctx.issues) > before + MAX_ISSUES:
                return
            ctx.issues.append(Issue(f, message(value) if callable(message) else message, sh, int(at), col.get(column)))

    ids, _ = school_ids(raw["school"], ctx, f, sh, rows, col["school"])
    code = raw["participant"].map(lambda v: "" if v is None or v != v else
                                  str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip())
    bad(code == "", "participant", "не указан код участника.")
    absent = raw["variant"].map(lambda v: str(v).strip().lower() == ABSENT if v is not None else False)
    variant = raw["variant"].map(lambda v: None if v is None or v != v or str(v).strip() == "" else
                                 str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip())
    test_max = ctx.test_max.get((subject, grade, period))
    points = []
    for i, (header, maximum) in enumerate(read.tasks):
        key = f"task_{i}"
        value = numbers(raw[key], ctx, f, sh, rows, col[key], "балл за задание", blank_zero=True)
        given = raw[key].map(lambda v: v is not None and v == v and str(v).strip() != "")
        bad(~absent & (value < 0), key, lambda v: f"балл за задание отрицательный ({v}).")
        if maximum is not None:
            bad(~absent & (value > maximum), key,
                lambda v, m=maximum, h=header: f"балл за задание «{h}» — {v}, а наибольший {m:g}.")
        bad(absent & given, key, "участник отмечен «отсутствовал», но у него есть балл за задание.")
        points.append(value.where(~absent))
    total = numbers(raw["primary_score"], ctx, f, sh, rows, col["primary_score"], "итоговый балл")
    summed = pd.concat(points, axis=1).sum(axis=1) if points else pd.Series(0.0, index=raw.index)
    bad(~absent & total.isna() & raw["primary_score"].map(lambda v: v is None or str(v).strip() == ""),
        "primary_score", "нет итогового балла у присутствовавшего участника.")
    bad(~absent & (total < 0), "primary_score", lambda v: f"итоговый балл отрицательный ({v}).")
    if test_max is not None:
        bad(~absent & (total > test_max), "primary_score",
            lambda v: f"итоговый балл {v} больше максимального балла работы ({test_max:g}).")
    bad(~absent & total.notna() & ((total - summed).abs() > 1e-9), "primary_score",
        lambda v: f"итоговый балл {v} не равен сумме баллов за задания.")
    journal = (numbers(raw["journal_mark"], ctx, f, sh, rows, col["journal_mark"], "отметка по журналу")
               if "journal_mark" in raw else pd.Series(float("nan"), index=raw.index))
    bad(journal.notna() & ~journal.isin([2, 3, 4, 5]), "journal_mark",
        lambda v: f"отметка за предыдущую четверть/триместр «{v}»: должна быть 2, 3, 4 или 5 (или пусто).")
    for n, (unit, person, at) in enumerate(zip(ids, code, rows)):
        if not isinstance(unit, str) or not person:
            continue
        key = (unit, subject, grade, period, person)
        if key in ctx.seen:
            other_file, other_row = ctx.seen[key]
            where = f"строке {other_row}" + ("" if other_file == f else f" файла «{other_file}»")
            ctx.issues.append(Issue(f, f"участник с кодом «{person}» уже есть в {where}: код повторяется.",
                                    sh, int(at), col["participant"]))
        else:
            ctx.seen[key] = (f, int(at))
    if len(ctx.issues) > before:
        return None
    task_frame = pd.concat(points, axis=1)
    task_lists = [None if a else list(r) for a, r in zip(absent, task_frame.itertuples(index=False, name=None))]
    text = lambda s: s.map(lambda v: None if v is None or v != v or str(v).strip() == "" else str(v).strip())
    return pd.DataFrame({
        "org_unit_id": ids, "period": period, "subject": subject, "grade": grade, "participant": code,
        "class_name": text(raw["class_name"]) if "class_name" in raw else None,
        "variant": variant.where(~absent, None), "absent": absent.astype(bool),
        "sex": text(raw["sex"]) if "sex" in raw else None,
        "journal_mark": pd.Series([None if v != v else int(v) for v in journal], index=raw.index, dtype=object),
        "primary_score": total.where(~absent), "task_points": task_lists, "source_file": f, "source_row": rows})


def _preview(db: Database, plan: VprPlan) -> None:
    """Counts of the preview and the stored participants the new protocols replace."""
    p, counts = plan.participants, {}
    counts["schools"] = int(pd.concat([p["org_unit_id"], plan.reports["org_unit_id"]]).nunique())
    counts["present"] = int((~p["absent"].astype(bool)).sum()) if len(p) else 0
    counts["absent"] = int(p["absent"].astype(bool).sum()) if len(p) else 0
    counts.update(new=0, changed=0, unchanged=0, deleted=0, reports=len(plan.reports))
    if len(p):
        frame = p[KEYS + FIELDS].assign(journal_mark=pd.to_numeric(p["journal_mark"]),
                                        primary_score=pd.to_numeric(p["primary_score"]))
        diff = db.read(
            """
            SELECT count(*) FILTER (WHERE t.participant IS NULL) AS new,
                   count(*) FILTER (WHERE t.participant IS NOT NULL AND (
                       t.class_name IS DISTINCT FROM i.class_name OR t.variant IS DISTINCT FROM i.variant
                       OR t.absent IS DISTINCT FROM i.absent OR t.sex IS DISTINCT FROM i.sex
                       OR t.journal_mark IS DISTINCT FROM CAST(i.journal_mark AS INTEGER)
                       OR t.primary_score IS DISTINCT FROM i.primary_score
                       OR t.task_points IS DISTINCT FROM CAST(i.task_points AS DOUBLE[]))) AS changed,
                   count(*) AS total
            FROM incoming i LEFT JOIN vpr_participant t USING (org_unit_id, period, subject, grade, participant)
            """, frames={"incoming": frame})
        new, changed, total = (int(v) for v in diff.iloc[0])
        counts.update(new=new, changed=changed, unchanged=total - new - changed)
        plan.replaced = db.read(
            """
            SELECT t.org_unit_id, t.period, t.subject, t.grade, t.participant FROM vpr_participant t
            JOIN (SELECT DISTINCT org_unit_id, period, subject, grade FROM incoming) s
                 USING (org_unit_id, period, subject, grade)
            ANTI JOIN incoming i USING (org_unit_id, period, subject, grade, participant)
            """, frames={"incoming": p[KEYS]})
        counts["deleted"] = len(plan.replaced)
        if len(plan.replaced):
            plan.notes.append(f"Участников, которых нет в новых протоколах своих школ, будет удалено: "
                              f"{len(plan.replaced)} (протокол школы заменяет прежний; удаление "
                              "записывается в журнал и отменяется вместе с загрузкой).")
    plan.counts = counts
