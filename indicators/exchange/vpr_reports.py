"""The column-wise cell checks both kinds of ВПР file share (:func:`each`, :func:`parsed`,
:func:`numbers`, :func:`school_ids`: a function per distinct value, masks, only the failing rows
worded), and the report tables of a ВПР, for a department that has no protocol: «Статистика по отметкам»
(participants and the marks 2…5, in % as ФИС ОКО shows them, or in counts) and «Сравнение
отметок с отметками по журналу» (Понизили / Подтвердили / Повысили / Всего per school) → one
``vpr_school_report`` row per school.  The rows of the whole sample, the region and the
municipality are recognised (no school code) and skipped.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from indicators.exchange.read import Issue
from indicators.exchange.unit_names import name_key
from indicators.exchange.vpr_read import VprRead, split_pair

_GROUP = "A «Группы участников»"
_COUNT = "B «Кол-во участников»"
_MARKS = {2: "C «2»", 3: "D «3»", 4: "E «4»", 5: "F «5»"}
_AGGREGATE = re.compile(r"^(reg\d+(_m\d+)?|\d{1,3})$", re.IGNORECASE)
_NOT_DONE = {"x", "х", "n", "н", "-", "—"}   # a task not attempted: 0 points


def each(cells: pd.Series, func, parts: int = 0):
    """``func`` of each cell, worked out once per distinct value (a column of 20,000 cells holds a
    few dozen: marks, variants, points, schools).  Cell by cell when a column holds ints or
    bools, which hash like the floats they equal.  ``parts``: ``func`` returns a tuple of that
    many values, and so many Series are returned."""
    if cells.map(type).isin([bool, int]).any():
        codes, values = np.arange(len(cells)), cells.to_numpy()
    else:
        codes, values = pd.factorize(cells, use_na_sentinel=False)
    found = [func(v) for v in values]
    if not parts:
        return pd.Series(pd.Series(found, dtype=object).to_numpy()[codes], index=cells.index, dtype=object)
    columns = list(zip(*found)) if found else [()] * parts
    return tuple(pd.Series(pd.Series(c, dtype=object).to_numpy()[codes], index=cells.index, dtype=object)
                 for c in columns)


def school_ids(cells: pd.Series, ctx, file: str, sheet: str, rows: pd.Series,
               column: str) -> tuple[pd.Series, pd.Series]:
    """The school id of each cell («code | name» or a login), or None after reporting the
    unknown codes and the schools out of reach; also the typed names (for the questions)."""
    codes, typed = each(cells, split_pair, 2)
    ids = each(codes, lambda c: ctx.ids.get(c.lower()))
    unknown = ids.isna()
    for code, at in rows[unknown].groupby(codes[unknown], sort=False).first().items():
        ctx.flag(file, sheet, column, [at], f"неизвестная школа «{code}»: логин (код) школы в файле должен "
                                            "совпадать с кодом школы в базе (страница «Данные», «Каталог и "
                                            "школы»).")
    if ctx.reach is not None:
        outside = ids.notna() & ~ids.isin(ctx.reach)
        for unit, at in rows[outside].groupby(ids[outside], sort=False).first().items():
            ctx.flag(file, sheet, column, [at], f"школа «{ctx.names[unit][1]}» вне вашей организации: "
                                                "загружать её результаты вы не можете. Уберите её строки.")
        ids = ids.where(~outside, None)
    named = ids.notna() & (typed != "")
    pairs = pd.DataFrame({"unit": ids[named], "key": each(typed[named], name_key), "typed": typed[named],
                          "row": rows[named]})
    for (unit, key), group in pairs.groupby(["unit", "key"], sort=False):
        if key in {name_key(n) for n in ctx.names[unit] if n}:
            continue
        name, short = ctx.names[unit]
        also = len(group) - 1
        ctx.questions.append(Issue(file, f"в файле школа «{group['typed'].iloc[0]}», а под кодом «{unit}» в базе «{name}» "
                                         f"(кратко «{short}»)" + (f" (и ещё в {also} стр.)" if also else "") +
                                         ". Проверьте, что это результаты именно этой школы, и подтвердите "
                                         "загрузку (или исправьте код).", sheet, int(group["row"].iloc[0]), column))
    return ids, typed


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _cell(blank_zero: bool):
    def judge(value) -> tuple[bool, bool, float]:
        text = _text(value)
        empty = text is None or text == ""
        blank = empty or (blank_zero and text.lower() in _NOT_DONE)
        number = float("nan") if blank else pd.to_numeric(pd.Series([text.replace(",", ".")]), errors="coerce")[0]
        return empty, blank, number
    return judge


def parsed(cells: pd.Series, *, blank_zero: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells as numbers (NaN where blank), whether each is empty, and whether each is text that
    is no number (arrays).  Plain number cells (nearly all) in one step; the others one distinct
    value at a time: blank, «x» for a task not attempted (``blank_zero``), «1,5»."""
    cells_np = cells.to_numpy(dtype=object)
    values = np.asarray(pd.to_numeric(cells_np, errors="coerce"), dtype=float)
    plain = ~np.isnan(values)
    if plain.any() and pd.api.types.infer_dtype(cells_np[plain], skipna=False) != "floating":
        plain[:] = False   # ints, bools or digits in text: each as the cell-by-cell rule says
    empty, blank = np.zeros(len(values), bool), np.zeros(len(values), bool)
    rest = np.flatnonzero(~plain)
    if len(rest):
        judged = each(pd.Series(cells_np[rest], dtype=object), _cell(blank_zero), 3)
        empty[rest], blank[rest] = judged[0].to_numpy(bool), judged[1].to_numpy(bool)
        values[rest] = judged[2].to_numpy(float)
    return values, empty, np.isnan(values) & ~blank


def numbers(cells: pd.Series, ctx, file: str, sheet: str, rows: pd.Series, column: str,
            what: str, *, blank_zero: bool = False) -> pd.Series:
    """Cells as numbers (NaN where blank); text that is not a number is reported."""
    values, _, wrong = parsed(cells, blank_zero=blank_zero)
    ctx.flag(file, sheet, column, rows.to_numpy()[wrong], lambda v: f"{what}: «{v}» — не число.",
             cells.to_numpy()[wrong])
    values = pd.Series(values, index=cells.index)
    return values.fillna(0.0) if blank_zero else values


def _schools_only(frame: pd.DataFrame, ctx) -> pd.DataFrame:
    """Drop the rows of the sample, the region and the municipality: a cell without a school's
    code that is no «code | name» pair, or whose code is a region's or municipality's."""
    if frame.empty:
        return frame
    pairs = frame["school"].map(split_pair)
    code = pairs.str[0].str.lower()
    known = code.isin(set(ctx.ids))
    plain = ~frame["school"].astype(str).str.contains("|", regex=False)
    aggregate = ~known & (plain | code.isin(ctx.others) | code.map(lambda c: bool(_AGGREGATE.match(c))))
    return frame[~aggregate].reset_index(drop=True)


def report_rows(read: VprRead, ctx, subject: str, grade: int, period: int) -> pd.DataFrame | None:
    """The checked report rows of one file, or None after reporting its problems in ``ctx``."""
    f = read.file
    before = ctx.found
    stats = _schools_only(pd.DataFrame(read.stats), ctx)
    compare = _schools_only(pd.DataFrame(read.compare), ctx)
    if stats.empty and compare.empty:
        ctx.issues.append(Issue(f, "в таблицах «Статистика по отметкам» / «Сравнение отметок с "
                                   "отметками по журналу» нет ни одной строки школы («код | название»)."))
        return None
    out = []
    if len(stats):
        sheet = stats["sheet"].iloc[0]
        rows = stats["source_row"].astype(int)
        ids, _ = school_ids(stats["school"], ctx, f, sheet, rows, _GROUP)
        n = numbers(stats["participants"], ctx, f, sheet, rows, _COUNT, "число участников")
        marks = {m: numbers(stats[f"m{m}"], ctx, f, sheet, rows, _MARKS[m], f"отметка «{m}»") for m in _MARKS}
        counts = {}
        for m, value in marks.items():
            counts[m] = (value * n / 100).round() if read.percent else value
        gap = n - sum(counts.values())
        for at, total, g in zip(rows, n, gap):
            if pd.notna(g) and abs(g) > (1 if read.percent else 0):
                ctx.issues.append(Issue(f, f"сумма отметок 2–5 не сходится с числом участников ({total:g}).",
                                        sheet, int(at), _COUNT))
        biggest = pd.concat(counts, axis=1).idxmax(axis=1)
        for m in counts:  # a rounding remainder goes to the most frequent mark
            counts[m] = counts[m] + gap.where(biggest == m, 0).fillna(0)
        out.append(pd.DataFrame({"org_unit_id": ids, "participants": n,
                                 **{f"mark{m}": counts[m] for m in counts},
                                 "source_row": rows}).set_index("org_unit_id"))
    if len(compare):
        sheet = compare["sheet"].iloc[0]
        rows = compare["source_row"].astype(int)
        ids, _ = school_ids(compare["school"], ctx, f, sheet, rows, _GROUP)
        got = {}
        for key, word in (("lowered", "«Понизили»"), ("confirmed", "«Подтвердили»"),
                          ("raised", "«Повысили»"), ("total", "«Всего»")):
            if key not in compare:
                compare[key], compare[f"{key}_row"] = None, rows
            at = compare[f"{key}_row"].fillna(rows).astype(int)
            got[key] = numbers(compare[key], ctx, f, sheet, at, _COUNT, f"число в строке {word}")
        total_at = compare["total_row"].fillna(rows).astype(int)
        bad = (got["lowered"] + got["confirmed"] + got["raised"] - got["total"]).abs() > 0
        for at in total_at[bad.fillna(False)]:
            ctx.issues.append(Issue(f, "Понизили + Подтвердили + Повысили не равно «Всего».", sheet, int(at), _COUNT))
        out.append(pd.DataFrame({"org_unit_id": ids, "lowered": got["lowered"], "confirmed": got["confirmed"],
                                 "raised": got["raised"], "compare_total": got["total"],
                                 "compare_row": rows}).set_index("org_unit_id"))
    for frame in out:
        negative = (frame.select_dtypes("number") < 0).any(axis=1)
        for unit in frame.index[negative]:
            ctx.issues.append(Issue(f, f"отрицательное число в строках школы «{unit}».", None, None, None))
        dup = frame.index[frame.index.duplicated() & frame.index.notna()]
        for unit in dup.unique():
            ctx.issues.append(Issue(f, f"школа «{unit}» встречается в таблице дважды.", None, None, _GROUP))
    if ctx.found > before:
        return None
    merged = pd.concat(out, axis=1)
    if "participants" not in merged:
        merged["participants"] = merged["compare_total"]
    merged["participants"] = merged["participants"].fillna(merged.get("compare_total"))
    for column in ("mark2", "mark3", "mark4", "mark5", "lowered", "confirmed", "raised"):
        if column not in merged:
            merged[column] = None
    merged["source_row"] = merged.get("source_row", merged.get("compare_row"))
    merged = merged.reset_index().rename(columns={"index": "org_unit_id"})
    frame = merged.assign(period=period, subject=subject, grade=grade, source_file=f)
    for column in ("participants", "mark2", "mark3", "mark4", "mark5", "lowered", "confirmed", "raised"):
        frame[column] = pd.to_numeric(frame[column]).round().astype("Int64").astype(object)
        frame[column] = frame[column].where(frame[column].notna(), None)
    frame["source_row"] = frame["source_row"].fillna(merged.get("compare_row")).astype(int)
    return frame[["org_unit_id", "period", "subject", "grade", "participants", "mark2", "mark3",
                  "mark4", "mark5", "lowered", "confirmed", "raised", "source_file", "source_row"]]
