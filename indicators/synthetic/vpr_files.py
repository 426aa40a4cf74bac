"""Sample ВПР files as ФИС ОКО writes them: the tests' and the demo's protocols and report tables.

Invented schools and students, the layouts of the public files (see
``/work/shared/research/vpr.md`` and ``indicators.exchange.vpr_read``):

* :func:`write_protocol` ``style="2022"`` — a workbook with the sheets «Классы» (one row per
  class) and «Протокол» (one row per participant: ``Пользователь | Код региона | Регион |
  Муниципалитет | Школа | Дата загрузки | Код | Вариант | <tasks "1 (1б)" …> | Наименование
  класса | Пол | Отметка за предыдущий триместр/четверть/полугодие | Итого баллов``; region,
  municipality and school cells hold «code | name» pairs, an absent participant has
  «отсутствовал» as its variant); ``style="2021"`` — the one-sheet protocol ``логин школы |
  регион | номер обучающегося | код обучающегося | отметка за предыдущую четверть/триместр |
  пол | класс | вариант | всего баллов | балл за 1 … N``.
* :func:`write_reports` — «Статистика по отметкам» (participants and the % of marks 2…5, rows
  for the whole sample, the region, the municipality and each school) and «Сравнение отметок с
  отметками по журналу» (per school a block Понизили / Подтвердили / Повысили / Всего with count
  and %), each on its own sheet, or both on one (``one_sheet=True``).

Our schools have no ФИС ОКО login: in these files a school's login (its code) is its ``id`` in
``org_unit`` (``sosh-1``), and the import matches schools by it.

The ``participants`` frame: ``school_id, school_name, participant, class_name, variant, absent,
sex, journal_mark, task_points`` (a list per present participant), ``primary_score``
(:func:`random_participants` makes one).
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from indicators.words import VPR_SUBJECTS, period_label

JOURNAL_2022 = "Отметка за предыдущий триместр/четверть/полугодие"
JOURNAL_2021 = "отметка за предыдущую четверть/триместр"
ABSENT = "отсутствовал"
STATS_TITLE = "Статистика по отметкам"
COMPARE_TITLE = "Сравнение отметок с отметками по журналу"
COMPARE_SHEET = "Сравнение с журналом"  # a sheet name has at most 31 characters
REPORT_ROWS = (("lowered", "Понизили (Отметка < Отметка по журналу) %"),
               ("confirmed", "Подтвердили (Отметка = Отметке по журналу) %"),
               ("raised", "Повысили (Отметка > Отметка по журналу) %"))


def default_tasks(test_max: int) -> list[tuple[str, int]]:
    """Task headers like ФИС ОКО's («1 (1б)», «5(1) (1б)», «8 (2б)»), points summing to ``test_max``."""
    tasks, left, n = [], int(test_max), 1
    while left > 0:
        points = min(left, (1, 2, 1, 2, 3)[n % 5])
        if n == 5 and left >= 2:   # a task in two parts, as the real headers have
            tasks += [("5(1) (1б)", 1), ("5(2) (1б)", 1)]
            left -= 2
        else:
            tasks.append((f"{n} ({points}б)", points))
            left -= points
        n += 1
    return tasks


def _frame_tasks(participants: pd.DataFrame, tasks, test_max) -> list[tuple[str, int]]:
    if tasks is not None:
        return list(tasks)
    if test_max is None:
        present = participants.loc[~participants["absent"].astype(bool), "task_points"]
        width = max((len(p) for p in present), default=1)
        return [(f"{n} (1б)", 1) for n in range(1, width + 1)]
    return default_tasks(int(test_max))


def _pair(code: object, name: object) -> str:
    return f"{code} | {name}"


def _number(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value) if float(value).is_integer() else float(value)


def write_protocol(path: str | Path, participants: pd.DataFrame, *, style: str = "2022",
                   subject: str, grade: int, period: int, region: tuple[str, str] = ("99", "Демо-область"),
                   municipality: tuple[str, str] = ("reg99_m001", "Заозёрный муниципальный округ"),
                   tasks: list[tuple[str, int]] | None = None, test_max: int | None = None,
                   title: bool = True) -> Path:
    """Write one subject's and grade's protocol of ``participants``; return the path.

    ``region`` and ``municipality`` are (code, name); ``tasks`` the (header, max points) per task
    (default: from ``test_max``, else one point per task).  ``title`` puts a title row (subject,
    grade, year) above the 2022-style table, as ФИС ОКО's «Аналитика» exports do."""
    path = Path(path)
    tasks = _frame_tasks(participants, tasks, test_max)
    book = Workbook(write_only=True)
    rows = participants.reset_index(drop=True)
    if style == "2022":
        classes = book.create_sheet("Классы")
        classes.append(["Школа", "Наименование класса", "Количество участников"])
        for (school, name, class_name), part in rows.groupby(["school_id", "school_name", "class_name"], sort=False):
            classes.append([_pair(school, name), class_name, int(len(part))])
        sheet = book.create_sheet("Протокол")
        if title:
            sheet.append([f"ВПР {period + 1}. {VPR_SUBJECTS[subject]}, {grade} класс "
                          f"({period_label(period)} учебный год)"])
        sheet.append(["Пользователь", "Код региона", "Регион", "Муниципалитет", "Школа",
                      "Дата загрузки", "Код", "Вариант", *[t for t, _ in tasks],
                      "Наименование класса", "Пол", JOURNAL_2022, "Итого баллов"])
        loaded = f"{period + 1}-04-{15:02d}"
        for r in rows.itertuples():
            absent = bool(r.absent)
            points = [None] * len(tasks) if absent else [_number(p) for p in r.task_points]
            sheet.append([r.school_id, region[0], _pair(*region), _pair(*municipality),
                          _pair(r.school_id, r.school_name), loaded, str(r.participant),
                          ABSENT if absent else r.variant, *points, r.class_name, r.sex,
                          _number(r.journal_mark), None if absent else _number(r.primary_score)])
    elif style == "2021":
        sheet = book.create_sheet("Лист1")
        sheet.append(["логин школы", "регион", "номер обучающегося", "код обучающегося",
                      JOURNAL_2021, "пол", "класс", "вариант", "всего баллов",
                      *[f"балл за {n}" for n in range(1, len(tasks) + 1)]])
        for number, r in enumerate(rows.itertuples(), start=1):
            absent = bool(r.absent)
            points = [None] * len(tasks) if absent else [_number(p) for p in r.task_points]
            sheet.append([r.school_id, region[1], number, str(r.participant), _number(r.journal_mark),
                          r.sex, r.class_name, ABSENT if absent else r.variant,
                          None if absent else _number(r.primary_score), *points])
    else:
        raise ValueError(f"unknown protocol style {style!r}")
    book.save(path)
    return path


def report_from_participants(participants: pd.DataFrame, scale: pd.DataFrame) -> pd.DataFrame:
    """The per-school report (participants, mark2…mark5, lowered, confirmed, raised) of a
    protocol, marks by ``scale`` (rows mark, min_score, max_score of one subject/grade/year)."""
    present = participants[~participants["absent"].astype(bool)].copy()
    bins = scale.sort_values("mark")
    present["mark"] = pd.cut(present["primary_score"].astype(float),
                             [-0.5, *(bins["max_score"].astype(float) + 0.5)], labels=list(bins["mark"])).astype(int)
    rows = []
    for (school, name), part in present.groupby(["school_id", "school_name"], sort=False):
        journal = part["journal_mark"].astype(float)
        known = journal.notna()
        rows.append(dict(school_id=school, school_name=name, participants=len(part),
                         **{f"mark{m}": int((part["mark"] == m).sum()) for m in (2, 3, 4, 5)},
                         lowered=int((part["mark"][known] < journal[known]).sum()),
                         confirmed=int((part["mark"][known] == journal[known]).sum()),
                         raised=int((part["mark"][known] > journal[known]).sum())))
    return pd.DataFrame(rows)


def write_reports(path: str | Path, report: pd.DataFrame, *, subject: str, grade: int, period: int,
                  region: str = "Демо-область", municipality: str = "Заозёрный муниципальный округ",
                  one_sheet: bool = False) -> Path:
    """The two report tables of ``report`` (one row per school: school_id, school_name,
    participants, mark2…mark5 counts, lowered, confirmed, raised counts)."""
    path = Path(path)
    book = Workbook(write_only=True)
    heading = f"ВПР {period + 1}. {VPR_SUBJECTS[subject]}, {grade} класс"
    stats = book.create_sheet(STATS_TITLE if not one_sheet else "Отчёт")
    stats.append([heading])
    stats.append([f"{STATS_TITLE}. Распределение групп баллов в %"])
    stats.append(["Группы участников", "Кол-во участников", "2", "3", "4", "5"])
    total = report[["participants", "mark2", "mark3", "mark4", "mark5"]].sum()

    def shares(r) -> list:
        n = int(r["participants"])
        return [round(100 * int(r[f"mark{m}"]) / n, 2) if n else 0 for m in (2, 3, 4, 5)]

    for label in ("Вся выборка", region, municipality):
        stats.append([label, int(total["participants"]), *shares(total)])
    for _, r in report.iterrows():
        stats.append([_pair(r["school_id"], r["school_name"]), int(r["participants"]), *shares(r)])
    compare = stats if one_sheet else book.create_sheet(COMPARE_SHEET)
    if one_sheet:
        stats.append([])
    else:
        compare.append([heading])
    compare.append([COMPARE_TITLE])
    compare.append(["Группы участников", "Кол-во участников", "%"])
    for _, r in report.iterrows():
        compare.append([_pair(r["school_id"], r["school_name"])])
        n = int(r["lowered"]) + int(r["confirmed"]) + int(r["raised"])
        for key, label in REPORT_ROWS:
            compare.append([label, int(r[key]), round(100 * int(r[key]) / n, 2) if n else 0])
        compare.append(["Всего", n, 100])
    book.save(path)
    return path


def random_participants(schools: list[tuple[str, str]], *, test_max: int = 20, per_school: int = 25,
                        tasks: list[tuple[str, int]] | None = None, seed: int = 1, grade: int = 4,
                        absent_share: float = 0.05, start: int = 10001) -> pd.DataFrame:
    """Realistic random participants of ``schools`` ((id, name) pairs): classes «4а», «4б» (of ``grade``),
    task points within each task's maximum, the total their sum, a journal mark near the
    test's, about ``absent_share`` absent."""
    rng = random.Random(seed)
    tasks = tasks or default_tasks(test_max)
    rows, code = [], start
    for school, name in schools:
        ability = rng.uniform(0.45, 0.75)
        for n in range(per_school):
            absent = rng.random() < absent_share
            skill = min(0.98, max(0.05, rng.gauss(ability, 0.15)))
            points = [] if absent else [float(sum(rng.random() < skill for _ in range(m))) for _, m in tasks]
            share = sum(points) / test_max if points else skill
            journal = min(5, max(2, round(2 + 3.4 * share + rng.gauss(0, 0.5))))
            rows.append(dict(school_id=school, school_name=name, participant=str(code),
                             class_name=f"{grade}{'аб'[n % 2]}", variant=None if absent else str(1 + n % 2),
                             absent=absent, sex="МЖ"[rng.random() < 0.5],
                             journal_mark=None if rng.random() < 0.03 else journal,
                             task_points=None if absent else points,
                             primary_score=None if absent else float(sum(points))))
            code += 1
    return pd.DataFrame(rows)
