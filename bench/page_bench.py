"""Page benchmark at three data scales: what a page costs a user, against the framework, the
minimal SQL and the naive pandas app a user would otherwise write (bench/README.md).

For each scale (``municipal``, ``regional``, ``national``) a child process builds the synthetic
database (``python -m indicators generate``); one more child measures the cold first load and
the memory per session; then every page is measured in a fresh child of its own
(``bench/selection.py``): floor, cached rerun, first view, new selection and the statements
each run reads, with the minimal-SQL floor and the naive app (``bench/naive_app.py``) for Обзор
and Школа, interleaved round by round in that same process.

Run with ``make bench`` (all scales) or ``.venv/bin/python -m bench.page_bench [--scale S]
[--page P]``; writes the ``pages`` entry of ``bench/results.json`` (the ``import`` entry is kept)
and prints the tables and which of the issue's targets are missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

from bench.report import page_table, ratio, scale_table, verdicts
from bench.selection import BENCH, PAGES, ROOT, db_path

RESULTS = BENCH / "results.json"
SCALES = ("municipal", "regional", "national")


def build(scale: str) -> dict:
    """Generate the scale's database in a child process: seconds, MB on disk, peak RSS."""
    path = db_path(scale)
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


def municipalities(scale: str) -> int:
    import duckdb

    con = duckdb.connect(str(db_path(scale)), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM org_unit WHERE kind = 'municipality'").fetchone()[0]
    finally:
        con.close()


def child(scale: str, what: str) -> dict:
    """Run ``what`` (a page, or ``sessions``) of ``scale`` in a fresh process; its JSON result,
    or ``{"error": …}`` when the page failed (the child's last errors on stderr)."""
    done = subprocess.run([sys.executable, "-m", "bench.page_bench", "--child", scale, what],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        if what == "sessions":
            raise SystemExit(f"{scale}: the app did not open (the child's errors above)")
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        # the page's own exception (a page shows its failure as an error box, which the bench's
        # assertion then names), else the last line
        raised = [line for line in lines if re.match(r"^[A-Za-z_.]+(Error|Exception)\b", line)]
        return {"error": (raised or lines or [f"exit code {done.returncode}"])[0][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_child(scale: str, what: str) -> None:
    from bench import selection

    result = selection.sessions(scale) if what == "sessions" else selection.measure(scale, what)
    print(json.dumps(result))


def measure_scale(scale: str, pages: list[str], previous: dict | None) -> dict:
    print(f"{scale}: building…", flush=True)
    entry = build(scale)
    print(f"{scale}: cold load and sessions…", flush=True)
    entry |= child(scale, "sessions")
    several = municipalities(scale) > 1
    measured = dict((previous or {}).get("pages", {})) if pages != list(PAGES) else {}
    for name in pages:
        if PAGES[name].region_wide and not several:
            continue
        print(f"{scale}: {PAGES[name].title}…", flush=True)
        measured[name] = child(scale, name)
        p = measured[name]
        if "error" in p:
            print(f"    FAILED: {p['error']}", flush=True)
            continue
        print(f"    new selection {p['new_ms']} ms / {p['new_statements']} statements, cached "
              f"{p['cached_ms']} ms, first view {p['first_ms']} ms / {p['first_statements']}"
              + (f", minimal SQL {p['minimal_ms']} ms" if "minimal_ms" in p else "")
              + (f", naive {p['naive_new_ms']} ms ({ratio(p)}×)" if "naive_new_ms" in p else ""),
              flush=True)
    entry["pages"] = {n: measured[n] for n in PAGES if n in measured}
    rss = {n: p["rss_mb"] for n, p in entry["pages"].items() if "rss_mb" in p}
    entry["render_peak_rss_mb"] = max([entry["render_peak_rss_mb"]] + [
        v for n, v in rss.items() if not PAGES[n].naive])
    entry["naive_peak_rss_mb"] = max([v for n, v in rss.items() if PAGES[n].naive], default=None)
    entry["peak_rss_mb"] = max(entry["build_rss_mb"], entry["render_peak_rss_mb"])
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, action="append",
                        help="only this scale (may repeat); default: all three")
    parser.add_argument("--page", choices=list(PAGES), action="append",
                        help="only this page (may repeat); the others keep their last figures")
    parser.add_argument("--child", nargs=2, metavar=("SCALE", "WHAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one page (or the sessions) of one scale, in this fresh process
        run_child(*args.child)
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    old = results.get("pages", {})
    measured = {s: r for s, r in old.items() if s in SCALES and "pages" in r
                and all("new_ms" in p or "error" in p for p in r["pages"].values())}
    for scale in args.scale or SCALES:
        measured[scale] = measure_scale(scale, args.page or list(PAGES), measured.get(scale))
    results["pages"] = {s: measured[s] for s in SCALES if s in measured}
    results["pages_measured"] = time.strftime("%Y-%m-%d")
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print("\n" + scale_table(results["pages"]))
    for scale, result in results["pages"].items():
        print("\n" + page_table(scale, result))
    missed = [v for s, r in results["pages"].items() for v in verdicts(s, r)]
    print("\nTargets: " + ("all met." if not missed else "missed —\n  " + "\n  ".join(missed)))


if __name__ == "__main__":
    main()
