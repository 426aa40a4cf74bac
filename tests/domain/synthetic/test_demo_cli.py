"""The demo municipality and the command line.

The demo is what a department head sees on first start, so its stories must really show in the
measures (a school that improves, one that declines, a broken cycle, a school gone silent); the
command line is how a specialist scripts the yearly cycle, so its exit codes and messages are a
contract.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from indicators.store import database as db_module
from indicators.synthetic import demo
from indicators.ready import ready_db
from indicators.catalog.adoption import adopted_roadmaps, tracked_event_ids
from indicators.measures.compliance import completeness, compliance, periods
from indicators.measures.cycle import cycle_breaks
from indicators.measures.roadmap import roadmap
from indicators.measures.selection import persistent_gaps

ROOT = Path(__file__).resolve().parents[3]
YEARS = [2020, 2021, 2022, 2023, 2024]
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def school_compliance(db, school: str) -> list[float]:
    c = compliance(db, YEARS)
    return c[c.org_unit_id == school].sort_values("period")["compliance"].tolist()


# -- the demo -------------------------------------------------------------------------------------

def test_demo_shape(demo_db):
    """«Заозёрный» with twelve schools, alone in its region (the app opens on it); a second
    region with three municipalities of three schools each, whose plans are the other source
    documents (issue 14); school years 2020/21 … 2024/25."""
    kinds = dict(demo_db.rows("SELECT kind, count(*) FROM org_unit GROUP BY kind"))
    assert kinds == {"region": 2, "municipality": 4, "school": 21}
    assert periods(demo_db) == YEARS
    assert demo_db.scalar("SELECT count(*) FROM org_unit WHERE kind = 'school' "
                          "AND parent_id = ?", [demo.MUNICIPALITY_ID]) == 12
    assert demo_db.rows("SELECT id FROM org_unit WHERE parent_id = ?", [demo.REGION_ID]) == [
        (demo.MUNICIPALITY_ID,)]


def test_demo_is_deterministic(demo_db, tmp_path):
    """Two fresh databases get identical facts (the generator has a fixed seed)."""
    path = (tmp_path / "second.duckdb").resolve()
    other = ready_db(path)
    try:
        for table, keys in (("assessment", "org_unit_id, indicator_id, period"),
                            ("event_status", "event_id, org_unit_id, period"),
                            ("org_unit", "id")):
            sql = f"SELECT * EXCLUDE (updated_at) FROM {table} ORDER BY {keys}" \
                if table != "org_unit" else f"SELECT * FROM {table} ORDER BY {keys}"
            first, second = demo_db.read(sql), other.read(sql)
            assert len(first) > 0, table
            assert first.equals(second), table
    finally:
        other.close()
        db_module._open.pop(str(path), None)


def test_improving_school_rises_every_year(demo_db):
    """СОШ № 1: 30 % → 92 % over five years, each year above the one before."""
    values = school_compliance(demo_db, "sosh-1")
    assert len(values) == 5
    assert all(b > a for a, b in zip(values, values[1:])), values


def test_declining_school_falls_every_year(demo_db):
    values = school_compliance(demo_db, "sosh-6")
    assert len(values) == 5
    assert all(b < a for a, b in zip(values, values[1:])), values


def test_broken_cycle_school_breaks_at_analysis_every_year(demo_db):
    """ООШ № 5 monitors but never analyses: the break is at «analysis» in every year."""
    for year in YEARS:
        br = cycle_breaks(demo_db, year).set_index("org_unit_id")
        assert br.loc["oosh-5", "break_stage"] == "analysis", year
        assert br.loc["oosh-5", "break_status"] == "missing", year


def test_silent_school_has_no_data_from_2023(demo_db):
    """НОШ № 7 stopped submitting: no rows in 2023 and 2024, and level «no data», not «low»."""
    assert demo_db.scalar("SELECT count(*) FROM assessment WHERE org_unit_id = 'nosh-7' "
                          "AND period IN (2023, 2024)") == 0
    assert demo_db.scalar("SELECT count(*) FROM assessment WHERE org_unit_id = 'nosh-7' "
                          "AND period = 2022") == 11
    c = compliance(demo_db, [2023, 2024])
    rows = c[c.org_unit_id == "nosh-7"]
    assert rows["level"].tolist() == ["no_data", "no_data"]
    assert rows["compliance"].isna().all()
    assert "nosh-7" in completeness(demo_db, 2024).query("not submitted")["org_unit_id"].tolist()


def test_partial_and_persistent_gap_stories(demo_db):
    """The evening school sent only S01..S07 in 2023 (its S09 «n/a» mark came with the rest
    of the table, so 7 of 11 ≈ 64 %): «insufficient data»;
    СОШ № 11 never met S06 from 2022: a persistent gap in 2023 and 2024."""
    c = compliance(demo_db, [2023])
    evening = c[c.org_unit_id == "evening"].iloc[0]
    assert (evening.expected, evening.assessed) == (11, 7)
    assert evening.level == "insufficient"
    for year in (2023, 2024):
        gaps = persistent_gaps(demo_db, year)
        assert "S06" in gaps.loc[gaps.org_unit_id == "sosh-11", "indicator_id"].tolist(), year


def test_municipality_is_assessed_on_municipal_indicators(demo_db):
    """The department (the municipality unit) has M01..M11 in every year."""
    for year in YEARS:
        ids = {r[0] for r in demo_db.rows(
            "SELECT indicator_id FROM assessment WHERE org_unit_id = ? AND period = ?",
            [demo.MUNICIPALITY_ID, year])}
        assert ids == {f"M{n:02d}" for n in range(1, 12)}, year


def test_event_statuses_cover_all_five_directions(demo_db):
    directions = {r[0] for r in demo_db.rows(
        "SELECT DISTINCT e.direction_id FROM event_status s JOIN roadmap_event e ON e.id = s.event_id")}
    assert directions == {"zaozersk", "gubakha", "perm", "stepnovsky", "promyshlennovsky"}


def test_each_document_is_run_by_the_authority_it_belongs_to(demo_db):
    """Issue 14: «Заозёрный» runs the Zaozersk roadmap only; the Perm regional plan is run by
    a region with municipalities under it, and each municipal plan by a municipality of its own."""
    adopted = demo_db.rows("SELECT a.direction_id, a.unit_id, u.kind, d.scope, a.period_from, a.period_to "
                           "FROM roadmap_adoption a JOIN org_unit u ON u.id = a.unit_id "
                           "JOIN direction d ON d.id = a.direction_id ORDER BY 1")
    by = {d: (unit, kind) for d, unit, kind, _scope, _lo, _hi in adopted}
    assert sorted(by) == ["gubakha", "perm", "promyshlennovsky", "stepnovsky", "zaozersk"]
    assert by["zaozersk"] == ("zaozerny", "municipality")
    assert all(kind == ("region" if scope == "region" else "municipality")
               for _d, _u, kind, scope, _lo, _hi in adopted)
    assert len({u for _d, u, *_ in adopted}) == 5                     # five authorities
    assert demo_db.scalar("SELECT count(*) FROM org_unit WHERE parent_id = ?", [by["perm"][0]]) >= 2
    assert adopted_roadmaps(demo_db, "zaozerny")["direction_id"].tolist() == ["zaozersk"]
    assert adopted_roadmaps(demo_db, "ugolny")["direction_id"].tolist() == ["gubakha", "perm"]


def test_every_status_is_one_the_unit_reports_on(demo_db):
    """The demo writes statuses only for events a unit runs, in the years its adoption covers."""
    units = [r[0] for r in demo_db.rows("SELECT id FROM org_unit WHERE kind <> 'region'")]
    stray = []
    for unit in units:
        for period in YEARS:
            stored = {r[0] for r in demo_db.rows("SELECT event_id FROM event_status WHERE "
                                                 "org_unit_id = ? AND period = ?", [unit, period])}
            stray += sorted(stored - tracked_event_ids(demo_db, unit, period))
    assert stray == []
    # A department reports on every event of its own plan, a school on those on ОО.
    assert len(tracked_event_ids(demo_db, "zaozerny", 2024)) == 21
    assert tracked_event_ids(demo_db, "ugolny", 2023) >= {"gubakha:1.1", "perm:3.2"}
    assert "perm:1.1" not in tracked_event_ids(demo_db, "ugolny", 2023)   # the ministry's


def test_the_silent_school_has_no_overdue_event(demo_db):
    """НОШ № 7 sent nothing from 2023/24: its roadmap says «нет данных», nothing overdue
    (issue 14: «Просрочено 5» beside «нет данных»)."""
    for period in (2023, 2024):
        m = roadmap(demo_db, "zaozersk", period, "nosh-7", "zaozerny")
        assert m.overdue.empty and m.execution is None
        assert m.events["status"].isna().all()


def test_every_link_is_https(demo_db):
    urls = [r[0] for r in demo_db.rows(
        "SELECT evidence_url FROM assessment WHERE evidence_url IS NOT NULL "
        "UNION ALL SELECT evidence_url FROM event_status WHERE evidence_url IS NOT NULL "
        "UNION ALL SELECT website FROM org_unit WHERE website IS NOT NULL")]
    assert urls
    assert [u for u in urls if not u.startswith("https://")] == []


# -- the command line ---------------------------------------------------------------------------------

def run_cli(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUALITY_DB": str(db_path)}
    return subprocess.run([sys.executable, "-m", "indicators", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def file_state(db_path: Path) -> dict:
    """Row counts, data version and the last log line, read without keeping the file open."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        state = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("org_unit", "assessment", "event_status", "submission", "change_log")}
        state["data_version"] = con.execute(
            "SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
        return state
    finally:
        con.close()


def test_cli_help_is_russian(tmp_path):
    result = run_cli(tmp_path / "help.duckdb", "--help")
    assert result.returncode == 0, result.stderr
    assert CYRILLIC.search(result.stdout)
    for command in ("init", "demo", "status"):
        assert command in result.stdout
    assert not (tmp_path / "help.duckdb").exists()  # --help touches no database


def test_cli_demo_once_then_refuses(tmp_path):
    path = tmp_path / "cli.duckdb"
    first = run_cli(path, "demo")
    assert first.returncode == 0, first.stderr
    assert CYRILLIC.search(first.stdout)
    state = file_state(path)
    assert state["org_unit"] == 27 and state["assessment"] > 0

    second = run_cli(path, "demo")
    assert second.returncode == 1
    assert CYRILLIC.search(second.stderr), second.stderr
    assert file_state(path) == state


def test_cli_status_prints_school_count(tmp_path):
    path = tmp_path / "status.duckdb"
    assert run_cli(path, "demo").returncode == 0
    result = run_cli(path, "status")
    assert result.returncode == 0, result.stderr
    assert re.search(r"школ: 21\b", result.stdout), result.stdout
    assert "2024/25" in result.stdout


def test_cli_init_disables_the_demo(tmp_path):
    """After ``init`` the app's start (ready_db) must not fill the municipality's own database."""
    path = (tmp_path / "own.duckdb").resolve()
    result = run_cli(path, "init")
    assert result.returncode == 0, result.stderr
    db = ready_db(path)
    try:
        assert db.scalar("SELECT count(*) FROM org_unit") == 0
        assert db.scalar("SELECT count(*) FROM assessment") == 0
        assert db.scalar("SELECT count(*) FROM indicator") == 22  # the catalog is there
        assert db.meta("auto_demo") == "0"
    finally:
        db.close()
        db_module._open.pop(str(path), None)
