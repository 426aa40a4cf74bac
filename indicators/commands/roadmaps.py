"""``python -m indicators roadmap list|adopt``: which unit runs which roadmap.

A department adopts its own plan (and a region its regional plan) by an order; the app tracks a
unit only against the roadmaps it, its municipality or its region adopted.  The roadmaps
themselves are the catalog (``data/catalog/directions.csv``, ``roadmap_events.csv``).
"""

from __future__ import annotations

import argparse
import os

import pandas as pd

from indicators.catalog.adoption import AdoptionError, adopt, adoptions
from indicators.exchange.sheets import ValueProblem, parse_year
from indicators.ready import ready_db
from indicators.store.actors import Actor
from indicators.words import period_label

__all__ = ["AdoptionError", "register"]


def register(sub) -> dict:
    p = sub.add_parser("roadmap", help="какие дорожные карты приняты: список и принятие",
                       description="Дорожную карту принимает орган, чьим приказом она утверждена: "
                       "муниципалитет — свою, регион — региональную. Мероприятия учитываются "
                       "только по принятым картам (школы — по мероприятиям для ОО).")
    acts = p.add_subparsers(dest="action", metavar="действие", required=True)
    acts.add_parser("list", help="какие организации какие дорожные карты приняли")
    a = acts.add_parser("adopt", help="записать, что муниципалитет (регион) принял дорожную карту",
                        description="Записывает принятие (или меняет его учебные годы); "
                        "в журнал изменений.")
    a.add_argument("unit", metavar="КОД_ОРГАНИЗАЦИИ", help="код муниципалитета или региона")
    a.add_argument("roadmap", metavar="КОД_КАРТЫ", help="код дорожной карты (directions.csv, столбец id)")
    a.add_argument("--from", dest="year_from", help="первый учебный год (по умолчанию — срок карты)")
    a.add_argument("--to", dest="year_to", help="последний учебный год (по умолчанию — срок карты)")
    a.add_argument("--basis", help="приказ о принятии или продлении, как он записан")
    a.add_argument("--user", default=None, help="кто записывает (для журнала изменений)")
    return {"roadmap": _roadmap}


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_year(text)
    except ValueProblem as exc:
        raise AdoptionError(str(exc)) from None


def _roadmap(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    if args.action == "adopt":
        name = args.user or os.environ.get("USER") or "командная строка"
        row = dict(unit_id=args.unit, direction_id=args.roadmap, period_from=_year(args.year_from),
                   period_to=_year(args.year_to), basis=args.basis)
        adopt(db, pd.DataFrame([row], dtype=object), Actor(login=f"cli:{name}", name=name, role="admin"))
    frame = adoptions(db)
    if frame.empty:
        print("Ни одна дорожная карта не принята.")
    for r in frame.itertuples():
        years = "" if pd.isna(r.year_from) or pd.isna(r.year_to) else \
            f"{period_label(int(r.year_from))}–{period_label(int(r.year_to))}"
        basis = f"\t{r.basis}" if isinstance(r.basis, str) else ""
        print(f"{r.unit_id}\t{r.unit}\t{r.direction_id}\t{r.roadmap}\t{years}{basis}")
    return 0
