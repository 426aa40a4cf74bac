"""The data commands of ``python -m indicators``: set up a database, fill it with the demo or
synthetic data, the yearly cycle (template, import, undo, export) and the council deck."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from indicators.council.content import build
from indicators.council.deck_pptx import build_pptx
from indicators.council.report_html import build_html
from indicators.council.slides import SLIDES, count_slides, slides
from indicators.council.snapshots import freeze, load
from indicators.exchange.apply import apply_import
from indicators.exchange.check import plan_import
from indicators.exchange.edits import last_import, undo_last
from indicators.exchange.export import export_database
from indicators.exchange.sheets import ValueProblem, parse_year
from indicators.exchange.template import build_template
from indicators.measures.compliance import aggregate_compliance, periods
from indicators.ready import ready_db
from indicators.store.actors import SYSTEM, Actor
from indicators.store.door import batch
from indicators.synthetic import demo, generate
from indicators.words import period_label


def register(sub) -> dict:
    """The data commands: their parsers on ``sub``, and command name → handler."""
    sub.add_parser(
        "init",
        help="создать пустую базу (схема и каталог показателей) без демо-данных",
        description="Создаёт базу, загружает каталог из data/catalog и отключает "
        "автоматическое заполнение демо-данными.",
    )
    sub.add_parser(
        "demo",
        help="заполнить пустую базу демонстрационным муниципалитетом",
        description="Заполняет пустую базу демонстрационным муниципалитетом «Заозёрный» (12 школ, "
        "2020/21–2024/25) и вымышленным регионом с тремя муниципалитетами, чьи дорожные карты — "
        "остальные документы каталога. Базу с данными не трогает.",
    )
    p = sub.add_parser(
        "generate", help="заполнить пустую базу синтетическими данными для проверки масштаба",
        description="Синтетические данные за 10 учебных лет (2015/16–2024/25): municipal — "
        "1 муниципалитет и 15 школ; regional — 48 муниципалитетов и 1000 школ; national — "
        "85 регионов, 2500 муниципалитетов и 40 000 школ. Только в пустую базу.")
    p.add_argument("--scale", required=True, choices=list(generate.SCALES), help="масштаб")
    sub.add_parser("status", help="показать, что лежит в базе",
                   description="Печатает число организаций, оценок и учебные годы в базе.")

    p = sub.add_parser("template", help="шаблон Excel для школ на учебный год",
                       description="Создаёт шаблон Excel: лист «Оценки» (по строке на показатель, "
                       "с уже известными значениями) и лист «Мероприятия».")
    p.add_argument("--year", required=True, help="учебный год: 2024/25 или 2024")
    p.add_argument("--school", help="код школы (по умолчанию — все школы и управление)")
    p.add_argument("--municipality", help="код муниципалитета (если их несколько)")
    p.add_argument("--out", required=True, help="файл .xlsx, куда записать шаблон")

    p = sub.add_parser("import", help="проверить и загрузить заполненные файлы",
                       description="Проверяет файлы целиком и печатает, что изменится. С --apply "
                       "записывает всё одной транзакцией; при любой ошибке ничего не пишет.")
    p.add_argument("files", nargs="+", metavar="ФАЙЛ.xlsx")
    p.add_argument("--year", help="учебный год, за который собираются данные (проверяется)")
    p.add_argument("--apply", action="store_true", help="записать изменения в базу")
    p.add_argument("--confirm", action="store_true",
                   help="записать, даже если есть вопросы (например, название школы в файле не "
                   "совпадает с названием под её кодом) — после того как вы их проверили")
    p.add_argument("--user", default=None, help="кто загружает (для журнала изменений)")

    p = sub.add_parser("export", help="выгрузить базу в Excel",
                       description="Выгружает базу в .xlsx: по листу на таблицу, заголовки по-русски.")
    p.add_argument("--year", help="только этот учебный год")
    p.add_argument("--out", required=True, help="файл .xlsx")

    p = sub.add_parser("council", help="презентация к августовскому педсовету (.pptx, .html)",
                       description="Создаёт презентацию PowerPoint с редактируемыми диаграммами и, "
                       "по желанию, отчёт HTML для сайта — по тем же цифрам, что и приложение.")
    p.add_argument("--year", required=True, help="учебный год: 2024/25 или 2024")
    p.add_argument("--out", required=True, help="файл .pptx")
    p.add_argument("--html", help="ещё и отчёт в один файл .html")
    p.add_argument("--municipality", help="код муниципалитета (если их несколько)")
    p.add_argument("--slides", help="какие слайды, через запятую: " + ", ".join(SLIDES)
                   + " (по умолчанию — все)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--snapshot", type=int, help="взять цифры из сохранённого снимка № …")
    group.add_argument("--freeze", action="store_true",
                       help="сначала зафиксировать текущие цифры новым снимком")
    p.add_argument("--user", default=None, help="кто фиксирует снимок (для журнала изменений)")

    p = sub.add_parser("undo", help="отменить последнюю загрузку",
                       description="Возвращает значения, изменённые последней загрузкой.")
    p.add_argument("--user", default=None, help="кто отменяет (для журнала изменений)")


    return {"init": _init, "demo": _demo, "status": _status, "template": _template,
            "council": _council, "generate": _generate, "import": _import, "export": _export,
            "undo": _undo}


def _init(_args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    with batch(db, SYSTEM, "init") as b:
        b.set_meta("auto_demo", "0")
    print(f"База готова: {db.path}. Демо-данные не добавляются.")
    return 0


def _demo(_args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    if not demo.is_empty(db):
        print(f"Ошибка: база {db.path} уже содержит данные; демо-данные добавляются только "
              f"в пустую базу.", file=sys.stderr)
        return 1
    demo.fill(db)
    others = demo.OTHER_MUNICIPALITIES
    print(f"Демо-данные добавлены в {db.path}: «Заозёрный» ({len(demo.SCHOOLS)} школ) и ещё "
          f"{len(others)} муниципалитета ({sum(len(m.schools) for m in others)} школ), "
          f"{period_label(demo.PERIODS[0])}–{period_label(demo.PERIODS[-1])}.")
    return 0


def _generate(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    counts = generate.generate(db, args.scale)
    print(f"Синтетические данные ({args.scale}) записаны в {db.path}: организаций "
          f"{counts['org_unit']}, оценок {counts['assessment']}, статусов мероприятий "
          f"{counts['event_status']}.")
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
        munis = agg[agg.unit_kind == "municipality"]
        if len(munis) > 10:  # a region or a country: one line, the figures are on the Overview
            print(f"Муниципалитетов с данными за {period_label(years[-1])}: {len(munis)} "
                  "(по каждому — на странице «Обзор»).")
            return 0
        for row in munis.itertuples():
            value = "нет данных" if row.compliance != row.compliance else f"{row.compliance:.0%}".replace("%", "\u00a0%")
            print(f"{row.short_name}, {period_label(years[-1])}: соответствие по школам {value}")
    return 0


def _user(args: argparse.Namespace) -> Actor:
    """Whoever runs the command line on the server holds the database file itself: an
    administrator, named in the change log by ``--user`` or the system account name."""
    name = args.user or os.environ.get("USER") or "командная строка"
    return Actor(login=f"cli:{name}", name=name, role="admin")


def _year(text: str) -> int:
    try:
        return parse_year(text)
    except ValueProblem as exc:
        raise CliError(str(exc)) from None


def _municipality(db, wanted: str | None, school: str | None = None) -> str:
    """The municipality a command acts on: the one named, the school's, or the only one."""
    units = db.rows("SELECT id, short_name FROM org_unit WHERE kind = 'municipality' ORDER BY ord, id")
    ids = [u for u, _ in units]
    if school and not wanted:
        wanted = db.scalar("SELECT parent_id FROM org_unit WHERE id = ? AND kind = 'school'", [school])
        if wanted is None:
            raise CliError(f"Школа «{school}» не найдена.")
    if wanted:
        if wanted not in ids:
            raise CliError(f"муниципалитет «{wanted}» не найден; есть: {', '.join(ids) or 'нет'}")
        return wanted
    if len(ids) != 1:
        listed = ", ".join(f"{u} ({name})" for u, name in units)
        raise CliError("в базе нет муниципалитета" if not ids else
                       f"в базе несколько муниципалитетов: {listed}; укажите --municipality")
    return ids[0]


def _template(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    year = _year(args.year)
    data = build_template(db, year, _municipality(db, args.municipality, args.school), args.school)
    write_file(Path(args.out), data)
    print(f"Шаблон за {period_label(year)} записан в {args.out}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise CliError(f"файл «{name}» не найден")
        files.append((path.name, path.read_bytes()))
    plan = plan_import(db, files, _year(args.year) if args.year else None)
    if not plan.ok:
        print(f"Найдены ошибки ({len(plan.issues) + plan.more_issues}); ничего не записано:",
              file=sys.stderr)
        for issue in plan.issues:
            print(f"- {issue}", file=sys.stderr)
        if plan.more_issues:
            print(f"… и ещё {plan.more_issues}", file=sys.stderr)
        return 1
    c = plan.counts
    print(f"Проверено: {', '.join(plan.files)}. Новых записей: {c['new']}, изменённых: "
          f"{c['changed']}, без изменений: {c['unchanged']}.")
    for note in plan.notes:
        print(note)
    for row in plan.changes.itertuples():
        print(f"  {row.Организация} · {row.Что} · {row.Поле}: {row.Было} → {row.Стало}")
    if plan.questions:
        print(f"Вопросы ({len(plan.questions)}) — проверьте перед записью:")
        for question in plan.questions:
            print(f"? {question}")
    if not args.apply:
        print("Это предпросмотр: чтобы записать, повторите команду с --apply"
              + (" --confirm (после проверки вопросов)." if plan.questions else "."))
        return 0
    if plan.questions and not args.confirm:
        raise CliError("есть вопросы к файлам (см. выше): проверьте их и повторите команду с --confirm")
    batch = apply_import(db, plan, _user(args), confirmed=args.confirm)
    print(f"Записано (загрузка № {batch}). Отменить: .venv/bin/python -m indicators undo")
    return 0


def _export(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    data = export_database(db, _year(args.year) if args.year else None)
    write_file(Path(args.out), data)
    print(f"База выгружена в {args.out}.")
    return 0


def _undo(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    batch = last_import(db)
    undo_last(db, _user(args))
    print(f"Загрузка № {int(batch['id'])} ({batch['files']}) отменена.")
    return 0


def _council(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    year = _year(args.year)
    muni = _municipality(db, args.municipality)
    include = None
    if args.slides:
        include = [k.strip() for k in args.slides.split(",") if k.strip()]
        unknown = [k for k in include if k not in SLIDES]
        if unknown:
            raise CliError(f"неизвестные слайды: {', '.join(unknown)}; есть: {', '.join(SLIDES)}")
    if args.snapshot:
        content = load(db, args.snapshot)
        if (content.municipality_id, content.period) != (muni, year):
            raise CliError(f"снимок № {args.snapshot} сделан за {content.year}, а не за "
                           f"{period_label(year)}")
    else:
        if year not in periods(db):
            raise CliError(f"за {period_label(year)} в базе нет данных")
        if args.freeze:
            content = load(db, freeze(db, year, muni, _user(args)))
        else:
            content = build(db, year, muni)
    deck = slides(content, include)
    write_file(Path(args.out), build_pptx(deck))
    print(f"Презентация записана в {args.out}: {count_slides(len(deck))}, {content.data_date}.")
    if args.html:
        write_file(Path(args.html), build_html(content, deck, include).encode("utf-8"))
        print(f"Отчёт HTML записан в {args.html}.")
    return 0


def write_file(path: Path, data: bytes) -> None:
    """Write all or nothing: a temporary file renamed over the target, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class CliError(ValueError):
    pass
