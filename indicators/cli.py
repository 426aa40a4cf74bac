"""``python -m indicators <command>``: the yearly cycle from a terminal, with Russian messages.

Exit code 0 on success, 1 on invalid input or a refused action (nothing written then).
"""

from __future__ import annotations

import argparse
import sys

from . import config, demo
from .catalog import CatalogError
from .db import DatabaseBusyError
from .measures import aggregate_compliance, period_label, periods
from .setup import ready_db


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indicators",
        description=(
            "Система оценки объективности и качества образования: работа с базой данных "
            f"из командной строки. База: {config.DEFAULT_DB} или файл из переменной "
            f"окружения {config.DB_ENV}."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="команда", required=True)
    sub.add_parser(
        "init",
        help="создать пустую базу (схема и каталог показателей) без демо-данных",
        description="Создаёт базу, загружает каталог из data/catalog и отключает "
        "автоматическое заполнение демо-данными.",
    )
    sub.add_parser(
        "demo",
        help="заполнить пустую базу демонстрационным муниципалитетом",
        description="Заполняет пустую базу демонстрационным муниципалитетом (12 школ, "
        "2020/21–2024/25). Базу с данными не трогает.",
    )
    sub.add_parser("status", help="показать, что лежит в базе",
                   description="Печатает число организаций, оценок и учебные годы в базе.")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (CatalogError, DatabaseBusyError) as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1


def _init(_args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    with db.transaction() as cur:
        cur.execute("INSERT INTO meta VALUES ('auto_demo', '0') "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    print(f"База готова: {db.path}. Демо-данные не добавляются.")
    return 0


def _demo(_args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    if not demo.is_empty(db):
        print(f"Ошибка: база {db.path} уже содержит данные; демо-данные добавляются только "
              f"в пустую базу.", file=sys.stderr)
        return 1
    demo.fill(db)
    print(f"Демо-данные добавлены в {db.path}: {len(demo.SCHOOLS)} школ, "
          f"{period_label(demo.PERIODS[0])}–{period_label(demo.PERIODS[-1])}.")
    return 0


def _status(_args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    counts = dict(db.rows("SELECT kind, count(*) FROM org_unit GROUP BY kind"))
    years = periods(db)
    print(f"База: {db.path}")
    print(f"Регионов: {counts.get('region', 0)}, муниципалитетов: {counts.get('municipality', 0)}, "
          f"школ: {counts.get('school', 0)}")
    print(f"Оценок: {db.scalar('SELECT count(*) FROM assessment')}; учебные годы: "
          f"{', '.join(period_label(p) for p in years) or 'нет'}")
    if years:
        agg = aggregate_compliance(db, [years[-1]])
        for row in agg[agg.unit_kind == "municipality"].itertuples():
            value = "нет данных" if row.compliance != row.compliance else f"{row.compliance:.0%}"
            print(f"{row.short_name}, {period_label(years[-1])}: соответствие по школам {value}")
    return 0


_COMMANDS = {"init": _init, "demo": _demo, "status": _status}
