"""Page benchmark at three data scales: build, size, memory, and every page's render time.

For each scale (``municipal``, ``regional``, ``national``) a child process builds the synthetic
database (``python -m indicators generate``), then another child renders every page under
Streamlit's AppTest: one warm-up run, then RERUNS timed reruns, median reported.  Beside each
page, two references measured in the same process: the framework floor (an empty Streamlit
page under AppTest) and the raw time of the page's queries (the same ``indicators.views``
calls the page makes, uncached, median of 3).  Also: the first, cold load of the Overview in a
fresh process, and how much memory each extra session adds.

Run with ``make bench`` (all scales) or ``.venv/bin/python -m bench.page_bench [--scale S]``;
writes the ``pages`` entry of ``bench/results.json`` and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.json"
SCALES = ("municipal", "regional", "national")
RERUNS = 9
SESSIONS = 20
PERIOD = 2024
# page -> (file, whether it is shown for the whole region)
PAGES = {
    "overview (region)": ("overview", True),
    "overview": ("overview", False),
    "school": ("school", False),
    "indicators": ("by_indicator", False),
    "trends": ("trends", False),
    "trends (region)": ("trends", True),
    "roadmap": ("roadmap", False),
    "council": ("council", False),
    "data": ("data", False),
    "log": ("log", False),
}
TARGETS = {"regional": 100.0, "national": 300.0}   # median ms per page
COLD_TARGET_S = 1.5                               # regional, first load
SESSION_TARGET_MB = 5.0


def _db_path(scale: str) -> Path:
    return BENCH / f"{scale}.duckdb"


def build(scale: str) -> dict:
    """Generate the scale's database in a child process: seconds, MB on disk, peak RSS."""
    path = _db_path(scale)
    for leftover in (path, path.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    env = dict(os.environ, QUALITY_DB=str(path))
    script = ("import resource, sys\nfrom indicators.cli import main\n"
              f"code = main(['generate', '--scale', '{scale}'])\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nsys.exit(code)")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    rss = int(done.stdout.strip().splitlines()[-1]) / 1024
    return {"build_s": round(seconds, 2), "db_mb": round(path.stat().st_size / 1e6, 1),
            "build_rss_mb": round(rss)}


# -- in the child process that renders the pages ----------------------------------------------

def _median_ms(run, times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def _queries(db, page: str, region_id: str | None, muni: str, school: str):
    """The view calls a page makes (the sidebar's lists included), for the raw query time."""
    from indicators.exchange.edits import last_import, submissions
    from indicators.store.changelog import change_log
    from indicators.views.by_indicator import indicator_choices, indicator_ranking, indicator_view
    from indicators.views.common import (
        available_periods,
        directions,
        municipalities,
        regions,
        roadmaps,
        schools,
    )
    from indicators.views.council import (
        council_content,
        council_recommendations,
        council_snapshots,
        school_recommendation,
    )
    from indicators.views.overview import overview
    from indicators.views.region import region_overview
    from indicators.views.roadmap import roadmap_view
    from indicators.views.school import school_profile
    from indicators.views.scope import Scope
    from indicators.views.trends import region_trends, trends

    region = Scope(PERIOD, region_id=region_id)
    scope = Scope(PERIOD, region_id=region_id, municipality_id=muni)

    def sidebar():
        available_periods(db)
        regions(db)
        municipalities(db)
        municipalities(db, region_id)
        directions(db)
        if not page.endswith("(region)"):
            schools(db, muni)

    def calls():
        sidebar()
        if page == "overview (region)":
            region_overview(db, region)
        elif page == "overview":
            overview(db, scope)
        elif page == "school":
            school_profile(db, scope, school)
            school_recommendation(db, scope, school)
        elif page == "indicators":
            choices = indicator_choices(db)
            indicator_ranking(db, scope)
            indicator_view(db, scope, choices[0].key)
        elif page == "trends":
            trends(db, scope)
        elif page == "trends (region)":
            region_trends(db, region)
        elif page == "roadmap":
            first = roadmaps(db, muni)["id"].iloc[0]
            roadmap_view(db, scope, first, muni)
        elif page == "council":
            council_snapshots(db, scope)
            council_content(db, scope)
            council_recommendations(db, scope)
        elif page == "data":
            submissions(db, muni, PERIOD)
            last_import(db)
        elif page == "log":
            change_log(db)
    return calls


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure_pages(scale: str) -> dict:
    os.environ["QUALITY_DB"] = str(_db_path(scale))
    os.environ.pop("QUALITY_SERVE", None)
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    # The app as `make run` serves it: on the loopback, the single local user.  (Unset, the
    # address would mean a network server, and every page would be the sign-in page.)
    st_config.set_option("server.address", "127.0.0.1")

    from indicators.ready import ready_db

    app = str(ROOT / "app.py")

    def session(page: str | None = None, muni: str | None = None) -> AppTest:
        at = AppTest.from_file(app, default_timeout=300)
        if muni is not None:
            at.session_state["muni"] = muni
        at.run()
        if page:
            at.switch_page(f"app_pages/{page}.py")
        return at

    start = time.perf_counter()
    first = session()                                      # the very first load: nothing cached
    cold_s = time.perf_counter() - start
    assert not first.exception, [e.value for e in first.exception]
    assert "Вход" not in [t.value for t in first.title], "the bench must measure pages, not the sign-in"

    db = ready_db(os.environ["QUALITY_DB"], with_demo=False)
    region_id = db.scalar("SELECT id FROM org_unit WHERE kind = 'region' ORDER BY ord, id LIMIT 1")
    muni = db.scalar("SELECT id FROM org_unit WHERE kind = 'municipality' AND parent_id = ? "
                     "ORDER BY ord, id LIMIT 1", [region_id])
    school = db.scalar("SELECT id FROM org_unit WHERE parent_id = ? ORDER BY ord, id LIMIT 1", [muni])
    several = db.scalar("SELECT count(*) FROM org_unit WHERE kind = 'municipality'") > 1

    floor_app = AppTest.from_string("import streamlit as st\nst.write('')", default_timeout=60)
    floor_app.run()
    floor_ms = _median_ms(floor_app.run, RERUNS)

    pages = {}
    for name, (file, region_wide) in PAGES.items():
        if region_wide and not several:
            continue
        at = session(file, None if region_wide or not several else muni)
        at.run()                                               # warm-up
        assert not at.exception, (name, [e.value for e in at.exception])
        median = _median_ms(at.run, RERUNS)
        query = _median_ms(_queries(db, name, region_id, muni, school), 3)
        pages[name] = {"median_ms": median, "floor_ms": floor_ms, "query_ms": query}

    # Memory per extra session: sessions kept open on a municipality's Overview, after two
    # warm-up sessions (so the allocator's free lists don't hide the growth).
    warm = [session(None, muni if several else None) for _ in range(2)]
    before = _rss_mb()
    sessions = [session(None, muni if several else None) for _ in range(SESSIONS)]
    per_session = (_rss_mb() - before) / SESSIONS
    assert all(not s.exception for s in warm + sessions)
    return {"pages": pages, "cold_first_load_s": round(cold_s, 2),
            "session_mb": round(per_session, 2), "render_peak_rss_mb":
            round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


# -- the report -------------------------------------------------------------------------------

def verdicts(scale: str, result: dict) -> list[str]:
    """Which targets of the issue this scale meets, in words."""
    out = []
    limit = TARGETS.get(scale)
    for name, p in result["pages"].items():
        if limit is None:
            continue
        bound = min(limit, 2 * (p["floor_ms"] + p["query_ms"])) if scale == "regional" else limit
        if p["median_ms"] > bound:
            out.append(f"{scale}: {name} {p['median_ms']} ms > {bound:.0f} ms")
    if scale == "regional" and result["cold_first_load_s"] > COLD_TARGET_S:
        out.append(f"regional: cold first load {result['cold_first_load_s']} s > {COLD_TARGET_S} s")
    if result["session_mb"] > SESSION_TARGET_MB:
        out.append(f"{scale}: an extra session adds {result['session_mb']} MB > {SESSION_TARGET_MB} MB")
    return out


def table(results: dict) -> str:
    lines = ["| scale | build, s | DB, MB | peak RSS (build / pages), MB | cold load, s | MB per extra session |",
             "|---|---|---|---|---|---|"]
    for scale, r in results.items():
        lines.append(f"| {scale} | {r['build_s']} | {r['db_mb']} | {r['build_rss_mb']} / "
                     f"{r['render_peak_rss_mb']} | {r['cold_first_load_s']} | {r['session_mb']} |")
    lines += ["", "| page | " + " | ".join(f"{s}: median / floor / query, ms" for s in results) + " |",
              "|---|" + "---|" * len(results)]
    names = list(dict.fromkeys(n for r in results.values() for n in r["pages"]))
    for name in names:
        cells = []
        for r in results.values():
            p = r["pages"].get(name)
            cells.append("—" if p is None else f"{p['median_ms']} / {p['floor_ms']} / {p['query_ms']}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, action="append",
                        help="only this scale (may repeat); default: all three")
    parser.add_argument("--child", choices=SCALES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # render the pages of one scale in this fresh process
        print(json.dumps(measure_pages(args.child)))
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    pages = results.get("pages", {})
    for scale in args.scale or SCALES:
        print(f"{scale}: building…", flush=True)
        entry = build(scale)
        print(f"{scale}: rendering pages…", flush=True)
        done = subprocess.run([sys.executable, "-m", "bench.page_bench", "--child", scale], cwd=ROOT,
                              check=True, capture_output=True, text=True)
        entry |= json.loads(done.stdout.strip().splitlines()[-1])
        entry["peak_rss_mb"] = max(entry["build_rss_mb"], entry["render_peak_rss_mb"])
        pages[scale] = entry
    results["pages"] = {s: pages[s] for s in SCALES if s in pages}
    results["pages_measured"] = time.strftime("%Y-%m-%d")
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(table(results["pages"]))
    missed = [v for s, r in results["pages"].items() for v in verdicts(s, r)]
    print("\nTargets: " + ("all met." if not missed else "missed —\n  " + "\n  ".join(missed)))


if __name__ == "__main__":
    main()
