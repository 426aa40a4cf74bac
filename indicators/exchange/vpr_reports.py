"""The report tables of a ВПР, for a department that has no protocol: «Статистика по отметкам»
(participants and the marks 2…5, in % as ФИС ОКО shows them, or in counts) and «Сравнение
отметок с отметками по журналу» (Понизили / Подтвердили / Повысили / Всего per school) → one
``vpr_school_report`` row per school.  The rows of the whole sample, the region and the
municipality are recognised (no school code) and skipped.
"""

from __future__ import annotations

import re

import pandas as pd

from indicators.exchange.read import Issue
from indicators.exchange.vpr_read import VprRead, split_pair

_GROUP = "A «Группы участников»"
_COUNT = "B «Кол-во участников»"
_MARKS = {2: "C «2»", 3: "D «3»", 4: "E «4»", 5: "F «5»"}
_AGGREGATE = re.compile(r"^(reg\d+(_m\d+)?|\d{1,3})$", re.IGNORECASE)


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
    from indicators.exchange.vpr_check import numbers, school_ids

    f = read.file
    before = len(ctx.issues)
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
    if len(ctx.issues) > before:
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
