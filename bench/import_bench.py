"""Import benchmark: validate + preview + apply of one file for 1,000 schools.

1,000 schools × 11 school indicators = 11,000 rows, each with a score and a document link
(22,000 values) and a comment on every third row, over a database that already holds last
year's values and this year's for half the schools (so the preview really compares).  Run with
``make bench`` or ``.venv/bin/python -m bench.import_bench``; writes the ``import`` entry of
``bench/results.json`` and prints the figures.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from indicators.catalog.tables import sync_catalog
from indicators.store.database import Database
from indicators.exchange.apply import apply_import
from indicators.exchange.check import plan_import
from indicators.exchange.sheets import ASSESSMENT_COLUMNS, ASSESSMENTS
from indicators.store.door import batch
from indicators.store.actors import Actor

SCHOOLS = 1000
YEAR = 2024
RUNS = 3
RESULTS = Path(__file__).with_name("results.json")

BENCH = Actor(login="bench", name="бенчмарк", role="admin")


def build_database(path: Path) -> tuple[Database, list[str]]:
    db = Database(path)
    sync_catalog(db)
    units = [dict(id="mun", parent_id=None, kind="municipality", name="Муниципалитет",
                  short_name="Муниципалитет", ord=0)]
    units += [dict(id=f"s{n:04d}", parent_id="mun", kind="school", name=f"Школа № {n}",
                   short_name=f"Школа № {n}", ord=n) for n in range(1, SCHOOLS + 1)]
    codes = [r[0] for r in db.rows("SELECT id FROM indicator WHERE level = 'school' ORDER BY ord")]
    rng = random.Random(7)
    rows = [dict(org_unit_id=u["id"], indicator_id=c, period=p, score=float(rng.choice((0, 1, 2))),
                 not_applicable=False)
            for u in units[1:] for c in codes for p in (YEAR - 1, YEAR)
            if p == YEAR - 1 or int(u["id"][1:]) % 2 == 0]
    with batch(db, BENCH, "demo") as b:
        b.upsert("org_unit", ["id"], ["parent_id", "kind", "name", "short_name", "ord"],
                 pd.DataFrame(units, dtype=object))
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"],
                 ["score", "not_applicable"], pd.DataFrame(rows, dtype=object))
    return db, codes


def build_file(codes: list[str]) -> bytes:
    rng = random.Random(11)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(ASSESSMENTS)
    sheet.append([c.header for c in ASSESSMENT_COLUMNS])
    for n in range(1, SCHOOLS + 1):
        for k, code in enumerate(codes):
            sheet.append([f"s{n:04d}", f"Школа № {n}", "2024/25", code, "показатель", "группа",
                          "этап", "источник", 2, rng.choice((0, 1, 2, "да", "частично")),
                          f"https://s{n:04d}.example/{code}.pdf",
                          "комментарий" if k % 3 == 0 else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> dict:
    plan_s, apply_s = [], []
    with tempfile.TemporaryDirectory() as folder:
        db, codes = build_database(Path(folder) / "seed.duckdb")
        data = build_file(codes)
        db.close()
        for run in range(RUNS):
            path = Path(folder) / f"run{run}.duckdb"
            path.write_bytes((Path(folder) / "seed.duckdb").read_bytes())
            db = Database(path)
            start = time.perf_counter()
            plan = plan_import(db, [("1000_школ.xlsx", data)], YEAR)
            plan_s.append(time.perf_counter() - start)
            assert plan.ok, [str(i) for i in plan.issues[:5]]
            start = time.perf_counter()
            apply_import(db, plan, BENCH)
            apply_s.append(time.perf_counter() - start)
            values = len(plan.assessments) * 2
            db.close()
    result = {
        "schools": SCHOOLS, "rows": int(len(plan.assessments)), "values": int(values),
        "file_mb": round(len(data) / 1024 / 1024, 2),
        "validate_preview_s": round(statistics.median(plan_s), 2),
        "apply_s": round(statistics.median(apply_s), 2),
        "total_s": round(statistics.median(p + a for p, a in zip(plan_s, apply_s)), 2),
        "target_s": 3.0, "runs": RUNS,
    }
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stored["import"] = result
    RESULTS.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n")
    print("Импорт файла на 1000 школ (медиана из {runs} запусков):".format(**result))
    print(f"  строк {result['rows']}, значений {result['values']}, файл {result['file_mb']} МБ")
    print(f"  проверка + предпросмотр: {result['validate_preview_s']} с; запись: {result['apply_s']} с; "
          f"всего {result['total_s']} с (цель < {result['target_s']} с)")
    return result


if __name__ == "__main__":
    main()
