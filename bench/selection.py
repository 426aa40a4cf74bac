"""One page of one scale, measured in a fresh process (``page_bench`` starts one per page).

In that process, in this order:

1. the whole app (``app.py``) opens on the Overview — the imports and the first run, not measured
   here (the *cold load* is ``sessions``'s); the framework floor and, for Обзор and Школа, the
   naive app (``bench/naive_app.py``) are opened and warmed;
2. **first view**, FIRST_VIEWS times: the data version is bumped by an empty write through the
   door (what any write does to every cache), then the page runs — nothing cached for it;
3. ROUNDS rounds, round-robin, each on a selection never seen before in this process (a new year
   for the pages that follow the sidebar's year, a new school on Школа, a new council year on
   Педсовет, a new organisation on the change log): the product's **new selection**, its
   **cached rerun** (the same selection again), the naive app's new selection and cached rerun,
   the **minimal SQL** for that selection, one **floor** rerun;
4. the checks: the minimal SQL's numbers are the product views' for every selection sampled,
   and the naive app shows the same compliance.

*Statements* are the process-wide Database's ``statements`` counter before and after a run (the
instance the app reads: ``open_db`` of the app's path, checked to count the app's reads).
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ROUNDS = 9          # new selections per page: there are 10 school years, one of them shown first
FIRST_VIEWS = 3
SESSIONS = 20


@dataclass(frozen=True)
class Page:
    file: str                    # app_pages/<file>.py
    title: str
    picker: str                  # the widget a new selection sets
    region_wide: bool = False    # shown for the whole region (no municipality chosen)
    naive: str | None = None     # the naive app's page measured beside it
    minimal: str | None = None   # the minimal-SQL floor measured beside it


PAGES = {
    "overview": Page("overview", "Обзор", "year", naive="Обзор", minimal="overview"),
    "school": Page("school", "Школа", "school", naive="Школа", minimal="school"),
    "indicators": Page("by_indicator", "Показатели", "year"),
    "trends": Page("trends", "Динамика", "year"),
    "roadmap": Page("roadmap", "Дорожная карта", "year"),
    "council": Page("council", "Педсовет", "council_year"),
    "data": Page("data", "Данные", "year"),
    "log": Page("log", "Журнал изменений", "log_unit"),
    "overview (region)": Page("overview", "Обзор (регион)", "year", region_wide=True),
    "trends (region)": Page("trends", "Динамика (регион)", "year", region_wide=True),
}


def db_path(scale: str) -> Path:
    return BENCH / f"{scale}.duckdb"


def _ms(samples: list[float]) -> float:
    return round(statistics.median(samples), 1)


def _count(samples: list[int]) -> float:
    return statistics.median(samples)


class Bench:
    """The app, the database it reads and the first municipality, in this process."""

    def __init__(self, scale: str) -> None:
        os.environ["QUALITY_DB"] = str(db_path(scale))
        os.environ.pop("QUALITY_SERVE", None)
        from streamlit import config as st_config
        from streamlit.testing.v1 import AppTest

        # The app as `make run` serves it: on the loopback, the single local user (unset, the
        # address would mean a network server, and every page would be the sign-in page).
        st_config.set_option("server.address", "127.0.0.1")
        st_config.set_option("logger.level", "error")
        _one_script_cache()
        from indicators import config
        from indicators.store import database as store

        self.AppTest = AppTest
        self.db = store.open_db(config.db_path())
        self.region = self.db.scalar("SELECT id FROM org_unit WHERE kind = 'region' ORDER BY ord, name LIMIT 1")
        self.muni = self.db.scalar("SELECT id FROM org_unit WHERE kind = 'municipality' AND parent_id = ? "
                                   "ORDER BY ord, name LIMIT 1", [self.region])
        self.schools = [r[0] for r in self.db.rows(
            "SELECT id FROM org_unit WHERE kind = 'school' AND parent_id = ? ORDER BY ord, name", [self.muni])]
        self.several = self.db.scalar("SELECT count(*) FROM org_unit WHERE kind = 'municipality'") > 1

    def session(self, region_wide: bool = False):
        at = self.AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        if self.several and not region_wide:
            at.session_state["muni"] = self.muni
        before = self.db.statements
        at.run()
        self.ok(at)
        assert "Вход" not in [t.value for t in at.title], "the bench must measure pages, not the sign-in"
        assert self.db.statements > before, "the app reads another Database than the one counted"
        return at

    @staticmethod
    def ok(at) -> None:
        """No traceback and no error box (a page's failure is shown as an error, not raised)."""
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]

    def timed(self, run) -> tuple[float, int]:
        before = self.db.statements
        start = time.perf_counter()
        run()
        return (time.perf_counter() - start) * 1000, self.db.statements - before

    def bump(self) -> None:
        """A write changes the data version and so misses every cache: an empty edit through
        the door does just that."""
        from indicators.store.actors import SYSTEM
        from indicators.store.door import batch

        with batch(self.db, SYSTEM, "edit"):
            pass


def _one_script_cache() -> None:
    """One compiled copy of each script for the whole process, as a server keeps (its Runtime
    holds one ScriptCache): AppTest makes a new cache on every run, so every run would compile
    app.py and the page again (with Streamlit's magic rewrite of the syntax tree) — about 10 ms
    a run on Обзор that no user ever waits for."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def _selections(b: Bench, page: Page, at) -> list:
    """ROUNDS values of the page's picker, none of them the one shown (newest year first)."""
    from indicators.measures.compliance import periods
    from indicators.words import period_label

    shown = at.selectbox(key=page.picker).value
    if page.picker == "year":
        values = [period_label(p) for p in reversed(periods(b.db))]
    elif page.picker == "council_year":
        values = list(reversed(periods(b.db)))
    else:
        values = list(b.schools)
    values = [v for v in values if v != shown]
    assert len(values) >= ROUNDS, f"{page.title}: only {len(values)} new selections"
    return values[:ROUNDS]


def measure(scale: str, name: str) -> dict:
    page = PAGES[name]
    b = Bench(scale)
    from bench import minimal_sql
    from indicators.measures.compliance import periods
    from indicators.measures.settings import Thresholds
    from indicators.views.scope import Scope
    from indicators.words import period_label

    at = b.session(page.region_wide)
    floor = b.AppTest.from_string("import streamlit as st\nst.write('')", default_timeout=60)
    floor.run()
    naive = naive_first = None
    if page.naive:
        naive = b.AppTest.from_file(str(BENCH / "naive_app.py"), default_timeout=600)
        naive.session_state["muni"] = b.muni
        naive.session_state["page"] = page.naive
        naive_first, _ = b.timed(naive.run)
        b.ok(naive)

    first, first_st = [], []
    for n in range(FIRST_VIEWS):
        b.bump()
        if n == 0:
            at.switch_page(f"app_pages/{page.file}.py")
        ms, count = b.timed(at.run)
        b.ok(at)
        first.append(ms)
        first_st.append(count)

    years = {period_label(p): p for p in periods(b.db)}
    period_shown = years[at.selectbox(key="year").value]
    t = Thresholds.from_db(b.db)
    samples = {k: [] for k in ("new", "new_st", "cached", "cached_st", "naive_new", "naive_cached",
                               "minimal", "floor")}
    found = []
    for value in _selections(b, page, at):
        at.selectbox(key=page.picker).set_value(value)
        ms, count = b.timed(at.run)
        b.ok(at)
        samples["new"].append(ms)
        samples["new_st"].append(count)
        ms, count = b.timed(at.run)
        samples["cached"].append(ms)
        samples["cached_st"].append(count)
        if naive is not None:
            naive.selectbox(key=page.picker).set_value(value)
            samples["naive_new"].append(b.timed(naive.run)[0])
            b.ok(naive)
            samples["naive_cached"].append(b.timed(naive.run)[0])
        if page.minimal:
            start = time.perf_counter()
            if page.minimal == "overview":
                result = minimal_sql.overview_sql(b.db, t, b.muni, years[value])
            else:
                result = minimal_sql.school_sql(b.db, t, b.muni, value, period_shown, sorted(years.values()))
            samples["minimal"].append((time.perf_counter() - start) * 1000)
            found.append((value, result))
        samples["floor"].append(b.timed(floor.run)[0])

    # The checks, after every timing (a view called here must not warm the page's runs).
    scope = Scope(period_shown, periods=tuple(sorted(years.values())), municipality_id=b.muni)
    for value, result in found:
        if page.minimal == "overview":
            minimal_sql.check_overview(b.db, t, scope.at(years[value]), result)
        else:
            minimal_sql.check_school(b.db, t, scope, value, result)
    if naive is not None:
        _check_naive(page, naive, found[-1][1])

    out = {"floor_ms": _ms(samples["floor"]), "cached_ms": _ms(samples["cached"]),
           "cached_statements": _count(samples["cached_st"]),
           "first_ms": _ms(first), "first_statements": _count(first_st),
           "new_ms": _ms(samples["new"]), "new_statements": _count(samples["new_st"]),
           "new_samples_ms": [round(s, 1) for s in samples["new"]], "rounds": ROUNDS,
           "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if page.minimal:
        out |= {"minimal_ms": _ms(samples["minimal"]),
                "minimal_statements": minimal_sql.STATEMENTS[page.minimal]}
    if naive is not None:
        out |= {"naive_new_ms": _ms(samples["naive_new"]), "naive_cached_ms": _ms(samples["naive_cached"]),
                "naive_first_ms": round(naive_first, 1)}
    return out


def _check_naive(page: Page, naive, result) -> None:
    """The naive app's compliance is the product's (as the minimal SQL computes it, which the
    product's views have just matched)."""
    shown = naive.dataframe[0].value
    if page.minimal == "overview":
        mine = result[result["part"] == "school"].set_index("school")["compliance"].dropna()
        theirs = shown.set_index("school_id")["compliance"]
    else:
        sums = result[0]
        mine = sums[sums["part"] == "history"].set_index("period")["compliance"].dropna()
        theirs = shown.set_index("period")["compliance"]
    assert sorted(mine.index) == sorted(theirs.index), f"naive {page.title}: other rows than the product's"
    assert ((mine - theirs.loc[mine.index]).abs() < 1e-9).all(), f"naive {page.title}: other compliance"


def sessions(scale: str) -> dict:
    """The cold first load (the app's first run in a fresh process, imports included), every page
    opened once, then the memory each extra session adds on a municipality's Overview."""
    b = Bench(scale)
    start = time.perf_counter()
    at = b.session()
    cold = time.perf_counter() - start
    for page in PAGES.values():
        if page.region_wide and not b.several:
            continue
        tour = b.session(page.region_wide)
        tour.switch_page(f"app_pages/{page.file}.py").run()
        b.ok(tour)
    warm = [b.session() for _ in range(2)]   # so that the allocator's free lists don't hide growth
    before = _rss_mb()
    kept = [b.session() for _ in range(SESSIONS)]
    per_session = (_rss_mb() - before) / SESSIONS
    assert at and warm and kept
    return {"cold_first_load_s": round(cold, 2), "session_mb": round(per_session, 2),
            "render_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
