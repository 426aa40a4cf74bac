"""An import killed mid-write leaves the whole batch or nothing, and a database that opens.

A large plan (5,000 schools × 11 indicators = 55,000 new values, a change-log line for each)
is applied by a separate Python process, which is sent SIGKILL at several moments after it
announced the apply phase (from just after the start to around the commit, as measured by an
uninterrupted run; runs vary, so a late kill may find the batch committed), and once right
after ``apply_import`` returned.  After each kill the database must open (DuckDB replays or drops its
write-ahead log), read every row, checkpoint, and hold either exactly the seed's rows or exactly
the full run's: the same counts of values, submissions, batches and change-log lines, and the
same data version.  No hook in the product: the child prints a line before it applies.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from indicators.catalog.tables import sync_catalog
from indicators.exchange.check import check_rows
from indicators.store.database import Database
from tests.staging import staged

ROOT = Path(__file__).resolve().parents[3]
SCHOOLS = 5000
YEAR = 2024
KILL_AT = (0.05, 0.3, 0.6, 0.85, 0.95, 1.05)   # fractions of the uninterrupted apply
APPLY = """
import pickle, sys
from indicators.exchange.apply import apply_import
from indicators.store.actors import Actor
from indicators.store.database import Database
plan = pickle.loads(open(sys.argv[1], "rb").read())
db = Database(sys.argv[2])
print("APPLY", flush=True)
apply_import(db, plan, Actor(login="kill", name="Тест", role="admin"))
print("DONE", flush=True)
"""


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """A municipality of 5,000 schools with no values yet, and the pickled plan that gives each
    school its 11 scores."""
    folder = tmp_path_factory.mktemp("kill")
    db = Database(folder / "seed.duckdb")
    sync_catalog(db)
    units = [dict(id="mun", parent_id=None, kind="municipality", name="Город", short_name="Город", ord=0)]
    units += [dict(id=f"s{n:05d}", parent_id="mun", kind="school", name=f"Школа № {n}",
                   short_name=f"Школа № {n}", ord=n) for n in range(1, SCHOOLS + 1)]
    with staged(db) as cur:
        cur.register("_units", pd.DataFrame(units, dtype=object))
        cur.execute("INSERT INTO org_unit (id, parent_id, kind, name, short_name, ord) "
                    "SELECT id, parent_id, kind, name, short_name, ord FROM _units")
    codes = [r[0] for r in db.rows("SELECT id FROM indicator WHERE level = 'school' ORDER BY ord")]
    rows = [dict(unit_id=u["id"], unit_name=u["name"], year=YEAR, code=code, score=n % 3,
                 evidence_url=f"https://{u['id']}.example/{code}.pdf", comment=None,
                 source_file="большой.xlsx", source_row=n)
            for n, (u, code) in enumerate(((u, c) for u in units[1:] for c in codes), start=2)]
    plan = check_rows(db, YEAR, rows, [], ["большой.xlsx"], ["0" * 64])
    assert plan.ok and plan.counts["new"] == SCHOOLS * len(codes) and not plan.questions
    (folder / "plan.pickle").write_bytes(pickle.dumps(plan))
    state = _state(db)
    db.close()
    return folder, state


def _state(db: Database) -> dict:
    """What a whole batch changes, read in full (every block of the tables is read back)."""
    return {
        "assessment": db.scalar("SELECT count(*) FROM assessment"),
        "assessment_sum": db.scalar("SELECT coalesce(sum(score), 0) FROM assessment"),
        "submission": db.scalar("SELECT count(*) FROM submission"),
        "batches": db.scalar("SELECT count(*) FROM import_batch WHERE source = 'import'"),
        "log": db.scalar("SELECT count(*) FROM change_log WHERE batch_id IN "
                         "(SELECT id FROM import_batch WHERE source = 'import')"),
        "log_rows": db.scalar("SELECT count(*) FROM change_log"),
        "hash": db.scalar("SELECT coalesce(sum(hash(org_unit_id, indicator_id, score, evidence_url)), 0) "
                          "FROM assessment"),
        "version": db.data_version(),
    }


def _start(folder: Path, path: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    child = subprocess.Popen([sys.executable, "-c", APPLY, str(folder / "plan.pickle"), str(path)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    line = child.stdout.readline()
    assert line.strip() == "APPLY", child.stderr.read()
    return child


def _after(path: Path) -> dict:
    db = Database(path)            # opens: the log of an unfinished write is replayed or dropped
    try:
        state = _state(db)
    finally:
        db.close()
    raw = duckdb.connect(str(path))   # the log folded into the file, the file read back
    try:
        raw.execute("CHECKPOINT")
    finally:
        raw.close()
    again = Database(path)
    try:
        assert _state(again) == state, "a checkpoint changed what the database holds"
    finally:
        again.close()
    return state


def test_an_import_killed_mid_write_leaves_all_or_nothing(seed):
    folder, empty = seed
    full_path = folder / "full.duckdb"
    shutil.copy(folder / "seed.duckdb", full_path)
    child = _start(folder, full_path)
    start = time.perf_counter()
    assert child.stdout.readline().strip() == "DONE", child.stderr.read()
    took = time.perf_counter() - start
    assert child.wait(60) == 0
    full = _after(full_path)
    assert full["assessment"] == SCHOOLS * 11 and full["batches"] == 1
    assert full["log"] >= full["assessment"]
    outcomes = []
    for n, fraction in enumerate(KILL_AT):
        path = folder / f"killed{n}.duckdb"
        shutil.copy(folder / "seed.duckdb", path)
        child = _start(folder, path)
        time.sleep(took * fraction)
        child.send_signal(signal.SIGKILL)
        code = child.wait(60)
        # A late kill may find the child already done (this run was quicker than the timed
        # one, on a busy machine): then the whole batch must be there, as after any commit.
        assert code in (-signal.SIGKILL, 0), code
        after = _after(path)
        whole = after == full
        nothing = after == empty
        assert whole or nothing, f"kill at {fraction:.0%} of {took:.2f} s left part of a batch: {after}"
        assert whole or code != 0, "a child that finished must leave its batch"
        outcomes.append("whole" if whole else "nothing")
    print(f"apply {took:.2f} s; after kills at {KILL_AT}: {outcomes}")
    assert outcomes[0] == "nothing", "the earliest kill should land before the commit"


def test_an_import_killed_right_after_it_reported_success_keeps_it(seed):
    """Once ``apply_import`` has returned, the batch survives a kill of the process."""
    folder, _ = seed
    path = folder / "reported.duckdb"
    shutil.copy(folder / "seed.duckdb", path)
    child = _start(folder, path)
    assert child.stdout.readline().strip() == "DONE", child.stderr.read()
    child.send_signal(signal.SIGKILL)
    child.wait(60)
    after = _after(path)
    assert (after["assessment"], after["batches"]) == (SCHOOLS * 11, 1)
