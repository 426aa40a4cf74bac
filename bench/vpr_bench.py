"""ВПР benchmark (issue 16): a region's year of protocols imported, and the Объективность page's
data at regional scale.

On a copy of the regional database (``bench/regional.duckdb``: 48 municipalities, 1,000 schools;
generated when missing), one school year (2024/25) of protocols is made by
:func:`indicators.synthetic.vpr_demo.region_year` — Russian and maths, grades 4–8, about 40
participants a class: ~400,000 participant rows, scores on the catalog's scales.  Timed:

* **import**: :func:`indicators.exchange.vpr_apply.apply_vpr` of that plan (the write door's one
  batch, every field logged), first into an empty ВПР table, then the same rows again (a re-import
  that changes nothing).  Reading and checking the Excel files is not in this figure (V1's
  ``plan_vpr`` measured 42,000 rows in 2.8 s: files of a whole region are read per subject and
  grade, in the guarded child);
* **first view**: what the page asks on its first view after the import (a new data version): the
  settings, the municipality's results of every year in one statement
  (``views.objectivity.municipality_results``), the year shown and the index over the years
  sliced from them, the indicator-9 proposal given that analysis — for the largest municipality;
* **new selection**: the same for a municipality never opened before; ``another_year``: a
  second year of a municipality already shown (a slice, no statement).

Run ``.venv/bin/python -m bench.vpr_bench`` (part of ``make bench``); writes ``vpr`` in
``bench/results.json``.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from indicators.exchange.vpr_apply import apply_vpr
from indicators.exchange.vpr_check import VprPlan
from indicators.measures.objectivity import ObjectivitySettings
from indicators.measures.objectivity_evidence import proposal
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.synthetic.vpr_demo import region_year
from indicators.views.objectivity import municipality_results, year_of, years_of

HERE = Path(__file__).parent
RESULTS = HERE / "results.json"
YEAR = 2024
BENCH = Actor(login="bench", name="бенчмарк", role="admin")


def _regional(tmp: Path) -> Path:
    source = HERE / "regional.duckdb"
    if not source.exists():
        subprocess.run([sys.executable, "-m", "indicators", "generate", "--scale", "regional"],
                       check=True, env={"QUALITY_DB": str(source), **__import__("os").environ})
    path = tmp / "regional.duckdb"
    shutil.copy(source, path)
    return path


def protocols(db: Database) -> pd.DataFrame:
    """The region's year, its scores on the catalog's scale of each test."""
    schools = [r[0] for r in db.rows("SELECT id FROM org_unit WHERE kind = 'school' ORDER BY id")]
    frame = region_year(schools, YEAR)
    tops = db.read("SELECT subject, grade, max(test_max) AS top FROM vpr_scale WHERE period = ? GROUP BY ALL",
                   [YEAR])
    frame = frame.merge(tops, on=["subject", "grade"], how="left")
    frame["primary_score"] = (frame["primary_score"] / 30 * frame["top"].fillna(30)).round()
    return frame.drop(columns="top")


def _page(db: Database, municipality_id: str, periods: tuple[int, ...]) -> dict[str, float]:
    """The page's data as the page reads it, ms: the municipality's results of every year (one
    statement), the year shown and the index over the years sliced from them, the indicator-9
    proposal given that analysis; and a second year of the same municipality (a slice)."""
    t0 = time.perf_counter()
    settings = ObjectivitySettings.from_db(db)
    results = municipality_results(db, municipality_id, periods, settings)
    year = year_of(results, YEAR)
    trend = years_of(results, periods)
    t1 = time.perf_counter()
    shown = trend[trend["period"] == YEAR]
    analysis = None if shown.empty else dict(schools=int(shown["schools"].iloc[0]),
                                             flagged=int(shown["flagged"].iloc[0]),
                                             index=float(shown["index"].iloc[0]))
    proposal(db, municipality_id, YEAR, analysis)
    t2 = time.perf_counter()
    year_of(results, YEAR - 1)
    t3 = time.perf_counter()
    assert len(year.results)
    return {"results": (t1 - t0) * 1000, "proposal": (t2 - t1) * 1000, "total": (t2 - t0) * 1000,
            "another_year": (t3 - t2) * 1000}


def measure() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(_regional(Path(tmp)))
        frame = protocols(db)
        plan = VprPlan(files=["bench.xlsx"], hashes=["bench"], participants=frame)
        start = time.perf_counter()
        apply_vpr(db, plan, BENCH)
        first_import = time.perf_counter() - start
        start = time.perf_counter()
        apply_vpr(db, plan, BENCH)
        again = time.perf_counter() - start
        periods = tuple(int(r[0]) for r in db.rows("SELECT DISTINCT period FROM assessment ORDER BY 1"))
        munis = [r[0] for r in db.rows(
            "SELECT parent_id FROM org_unit WHERE kind = 'school' GROUP BY 1 ORDER BY count(*) DESC, 1")]
        first = _page(db, munis[0], periods)
        new = [_page(db, m, periods) for m in munis[1:4]]
        out = {"rows": int(len(frame)), "schools": int(frame["org_unit_id"].nunique()),
               "import_s": round(first_import, 2), "reimport_unchanged_s": round(again, 2),
               "first_view_ms": {k: round(x) for k, x in first.items()},
               "new_selection_ms": {k: round(statistics.median(n[k] for n in new)) for k in first},
               "largest_municipality_schools": int(db.scalar(
                   "SELECT count(*) FROM org_unit WHERE parent_id = ?", [munis[0]]))}
        db.close()
    return out


def main() -> int:
    found = measure()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["vpr"] = found
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"ВПР: {found['rows']} строк участников ({found['schools']} школ): загрузка {found['import_s']} с, "
          f"повторная без изменений {found['reimport_unchanged_s']} с; страница «Объективность»: первый "
          f"показ {found['first_view_ms']} мс, новый муниципалитет {found['new_selection_ms']} мс.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
