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
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from indicators.exchange.read import MAX_ISSUES, InvalidFile, Issue
from indicators.exchange.sheets import is_blank
from indicators.exchange.vpr_read import ABSENT, VprRead, read_vpr_guarded
from indicators.exchange.vpr_reports import _text, each, numbers, parsed, report_rows, school_ids
from indicators.exchange.workbook_guard import limits
from indicators.store.database import Database
from indicators.words import VPR_SUBJECTS, period_label

KEYS = ["org_unit_id", "period", "subject", "grade", "participant"]
FIELDS = ["class_name", "variant", "absent", "sex", "journal_mark", "primary_score", "task_points"]
REPORT_KEYS = ["org_unit_id", "period", "subject", "grade"]
REPORT_FIELDS = ["participants", "mark2", "mark3", "mark4", "mark5", "lowered", "confirmed", "raised"]
READERS = 4   # files read at once (each in its guarded child), at most one a processor


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
        self.skipped = 0   # problems found beyond the first MAX_ISSUES: counted, not worded
        self.seen: dict[tuple, dict[str, tuple[str, int]]] = {}   # (subject, grade, period) → participant → (file, row)

    @property
    def found(self) -> int:
        """Problems found so far, worded or not."""
        return len(self.issues) + self.skipped

    def flag(self, file: str, sheet: str | None, column: str | None, at, message, values=None) -> None:
        """A problem at each of the Excel rows ``at`` (the failing rows, a mask's selection):
        ``message`` or ``message(value)`` of the matching ``values``; only while the plan lists
        fewer than MAX_ISSUES are they worded, the rest counted."""
        room = max(0, MAX_ISSUES - len(self.issues))
        at = list(at)
        shown = list(values)[:room] if values is not None else [None] * min(room, len(at))
        for row, value in zip(at[:room], shown):
            text = message(value) if callable(message) else message
            self.issues.append(Issue(file, text, sheet, None if row is None else int(row), column))
        self.skipped += max(0, len(at) - room)


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
    participants, reports, seen, wanted = [], [], {}, []
    for name, data in files:
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            ctx.issues.append(Issue(name, f"это тот же файл, что и «{seen[digest]}»: он выбран дважды."))
            continue
        seen[digest] = name
        plan.files.append(name)
        plan.hashes.append(digest)
        wanted.append((name, data))
    # the files are read in guarded children, a few at once (each under its own limits); they
    # are checked here one by one, in the order given
    workers = max(1, min(READERS, os.cpu_count() or 1, len(wanted)))
    with ThreadPoolExecutor(workers) as pool:
        reading = [pool.submit(read_vpr_guarded, name, data, limit) for name, data in wanted]
        for number, ((name, _), future) in enumerate(zip(wanted, reading)):
            if progress:
                progress(number, len(wanted), name)
            try:
                read = future.result()
            except InvalidFile as exc:
                ctx.issues.append(exc.issue)
                continue
            _check_file(read, ctx, dict(subject=subject, grade=grade, period=period), plan.notes,
                        participants, reports)
    found = ctx.issues
    plan.more_issues = max(0, len(found) - MAX_ISSUES) + ctx.skipped
    plan.issues = found[:MAX_ISSUES]
    plan.questions = ctx.questions
    if participants:
        plan.participants = pd.concat(participants, ignore_index=True)
    if reports:
        plan.reports = pd.concat(reports, ignore_index=True)
    if plan.ok:
        _preview(db, plan)
    return plan


def _check_file(read: VprRead, ctx: _Context, form: dict, notes: list[str], participants: list,
                reports: list) -> None:
    what = _what(read, ctx, form, notes)
    if what is None:
        return
    frame = report_rows(read, ctx, *what) if read.kind == "reports" else _protocol(read, ctx, *what)
    if frame is not None:
        (reports if read.kind == "reports" else participants).append(frame)


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


def _code(value) -> str:
    if value is None or value != value:
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def _filled(raw: pd.DataFrame, code: pd.Series) -> pd.Series:
    """Rows with anything in them (blank rows, trailing or in between, are not data)."""
    filled = code != ""
    if (~filled).any():
        rest = raw.loc[~filled].drop(columns="source_row")
        filled[~filled] = ~rest.map(is_blank).all(axis=1)
    return filled


def _protocol(read: VprRead, ctx: _Context, subject: str, grade: int, period: int) -> pd.DataFrame | None:
    f, sh, col = read.file, read.sheet, read.columns
    raw = pd.DataFrame(read.rows, dtype=object)
    code = each(raw["participant"], _code)
    if len(raw):
        filled = _filled(raw, code)
        raw, code = raw[filled].reset_index(drop=True), code[filled].reset_index(drop=True)
    if raw.empty:
        ctx.issues.append(Issue(f, "в протоколе нет ни одной строки участника: загружать нечего.", sh))
        return None
    rows = raw["source_row"].astype(int)
    at, before = rows.to_numpy(), ctx.found

    def bad(mask: np.ndarray, column: str, message) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            ctx.flag(f, sh, col.get(column), at[mask], message,
                     raw[column].to_numpy()[mask] if column in raw else None)

    ids, _ = school_ids(raw["school"], ctx, f, sh, rows, col["school"])
    bad(code == "", "participant", "не указан код участника.")
    absent, variant = each(raw["variant"], lambda v: (v is not None and str(v).strip().lower() == ABSENT,
                                                      _code(v) or None), 2)
    absent = absent.astype(bool)
    away = absent.to_numpy()
    test_max = ctx.test_max.get((subject, grade, period))
    points = np.empty((len(raw), len(read.tasks)))
    for i, (header, maximum) in enumerate(read.tasks):
        key = f"task_{i}"
        value, empty, wrong = parsed(raw[key], blank_zero=True)
        bad(wrong, key, lambda v: f"балл за задание: «{v}» — не число.")
        value = np.where(np.isnan(value), 0.0, value)
        bad(~away & (value < 0), key, lambda v: f"балл за задание отрицательный ({v}).")
        if maximum is not None:
            bad(~away & (value > maximum), key,
                lambda v, m=maximum, h=header: f"балл за задание «{h}» — {v}, а наибольший {m:g}.")
        bad(away & ~empty, key, "участник отмечен «отсутствовал», но у него есть балл за задание.")
        points[:, i] = np.where(away, np.nan, value)
    total, empty, wrong = parsed(raw["primary_score"])
    bad(wrong, "primary_score", lambda v: f"итоговый балл: «{v}» — не число.")
    summed = np.nansum(points, axis=1)
    bad(~away & np.isnan(total) & empty, "primary_score", "нет итогового балла у присутствовавшего участника.")
    bad(~away & (total < 0), "primary_score", lambda v: f"итоговый балл отрицательный ({v}).")
    if test_max is not None:
        bad(~away & (total > test_max), "primary_score",
            lambda v: f"итоговый балл {v} больше максимального балла работы ({test_max:g}).")
    bad(~away & ~np.isnan(total) & (np.abs(total - summed) > 1e-9), "primary_score",
        lambda v: f"итоговый балл {v} не равен сумме баллов за задания.")
    journal = (numbers(raw["journal_mark"], ctx, f, sh, rows, col["journal_mark"], "отметка по журналу")
               if "journal_mark" in raw else pd.Series(float("nan"), index=raw.index))
    bad(journal.notna() & ~journal.isin([2, 3, 4, 5]), "journal_mark",
        lambda v: f"отметка за предыдущую четверть/триместр «{v}»: должна быть 2, 3, 4 или 5 (или пусто).")
    _repeated(ctx, ctx.seen.setdefault((subject, grade, period), {}), f, sh, col["participant"], ids, code, rows)
    if ctx.found > before:
        return None
    task_lists = _lists(points, away)
    text = lambda s: each(s, lambda v: _text(v) or None)
    return pd.DataFrame({
        "org_unit_id": ids, "period": period, "subject": subject, "grade": grade, "participant": code,
        "class_name": text(raw["class_name"]) if "class_name" in raw else None,
        "variant": variant.where(~absent, None), "absent": absent,
        "sex": text(raw["sex"]) if "sex" in raw else None,
        "journal_mark": journal.astype("Int64").astype(object).where(journal.notna(), None),
        "primary_score": np.where(away, np.nan, total), "task_points": task_lists, "source_file": f, "source_row": rows})


def _lists(points: np.ndarray, absent: np.ndarray) -> pd.Series:
    """Each row's task points as one list cell (none for an absent participant), built as an
    Arrow list column: DuckDB reads it as DOUBLE[] directly, no Python list per participant."""
    n, k = points.shape
    column = pa.ListArray.from_arrays(pa.array(np.arange(0, n * k + 1, k, dtype=np.int32)),
                                      pa.array(points.ravel()), mask=pa.array(absent))
    return pd.Series(pd.arrays.ArrowExtensionArray(column))


def _repeated(ctx: _Context, seen: dict, f: str, sh: str, column: str, ids: pd.Series, code: pd.Series,
              rows: pd.Series) -> None:
    """A participant's code met before — earlier in the file or in an earlier file of the same
    subject, grade and year — is reported at each repeat, naming the first."""
    known = ids.notna() & (code != "")
    key, at = ids[known] + "\x1f" + code[known], rows[known]
    earlier = key.map(seen.get)                      # (file, row) of an earlier file, or None
    first = at.groupby(key, sort=False).transform("first")
    again = earlier.notna() | key.duplicated()
    for row, who, other, in_file in zip(at[again], code[known][again], earlier[again], first[again]):
        other_file, other_row = other if other is not None else (f, in_file)
        ctx.flag(f, sh, column, [row], f"участник с кодом «{who}» уже есть в строке {other_row}"
                 + ("" if other_file == f else f" файла «{other_file}»") + ": код повторяется.")
    seen.update(zip(key[~again], zip([f] * int((~again).sum()), at[~again].tolist())))


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
