"""One write door: every write of the product goes through ``store.door.batch``.

Each write path is called on a copy of the demo and must leave exactly one new batch row (its
source named in Russian), one data-version step, and change-log lines that carry that batch;
a failure inside a batch writes nothing; a read can't write; and no code but the door opens a
transaction.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicators.catalog.tables import sync_catalog
from indicators.council.snapshots import freeze
from indicators.exchange.apply import apply_import
from indicators.exchange.catalog_file import apply_catalog, current_catalog, plan_catalog
from indicators.exchange.edits import plan_edits, save_edits, set_submission, undo_last
from indicators.measures.recommendations import save as save_recommendation
from indicators.measures.roadmap import set_due_dates
from indicators.store.database import Database
from indicators.store.door import batch
from indicators.synthetic.demo import fill
from indicators.synthetic.generate import generate
from indicators.words import SOURCE_LABELS
from tests.staging import as_user, changed_plan

ROOT = Path(__file__).resolve().parents[3]
YEAR, SCHOOL, MUNI = 2024, "sosh-6", "zaozerny"


def _state(db: Database) -> tuple[int, int, int]:
    return (db.data_version(), db.scalar("SELECT max(id) FROM import_batch") or 0,
            db.scalar("SELECT coalesce(max(id), 0) FROM change_log"))


def _one_batch(db: Database, before: tuple[int, int, int], source: str, *, logs: bool = True) -> None:
    version, last, last_line = before
    assert db.data_version() == version + 1
    new = db.read("SELECT id, source, user_name FROM import_batch WHERE id > ? ORDER BY id", [last])
    assert list(new["source"]) == [source], f"one batch of source {source!r} expected, got {list(new['source'])}"
    assert source in SOURCE_LABELS
    logged = db.read("SELECT DISTINCT batch_id FROM change_log WHERE id > ?", [last_line])
    if logs:
        assert len(logged), "the write logged nothing"
    assert set(logged["batch_id"]) <= {int(new["id"].iloc[0])}, "log lines outside the batch"


def _edit(db: Database, score: str) -> None:
    plan = plan_edits(db, SCHOOL, YEAR, pd.DataFrame(
        [{"code": "S01", "score": score, "evidence_url": None, "comment": None}]))
    save_edits(db, plan, as_user("Сидоров"))


def _changed_plan(db: Database):
    """A school's template with one score changed: an import that writes one value."""
    return changed_plan(db, YEAR, MUNI, SCHOOL)


WRITES = {
    "import": lambda db: apply_import(db, _changed_plan(db), as_user("Иванова")),
    "edit": lambda db: _edit(db, "0"),
    "accept": lambda db: set_submission(db, SCHOOL, YEAR, "accept", as_user("Петрова")),
    "recommendation": lambda db: save_recommendation(db, SCHOOL, YEAR, "Провести аудит.", "тест",
                                                     approve=True, user=as_user("Петрова")),
    "council": lambda db: freeze(db, YEAR, MUNI, as_user("Петрова")),
    "catalog": lambda db: sync_catalog(db, force=True),
}


@pytest.mark.parametrize("source", ["import", "edit", "accept", "recommendation", "council", "catalog"])
def test_each_write_is_one_logged_batch(db, source):
    before = _state(db)
    WRITES[source](db)
    _one_batch(db, before, source)


def test_undo_unlock_due_dates_and_catalog_file_are_batches_too(db):
    apply_import(db, _changed_plan(db), as_user("Иванова"))
    before = _state(db)
    undo_last(db, as_user("Иванова"))
    _one_batch(db, before, "undo")
    set_submission(db, SCHOOL, YEAR, "accept", as_user("Петрова"))
    before = _state(db)
    set_submission(db, SCHOOL, YEAR, "unlock", as_user("Петрова"))
    _one_batch(db, before, "unlock")
    event = db.scalar("SELECT id FROM roadmap_event ORDER BY id LIMIT 1")
    before = _state(db)
    set_due_dates(db, pd.DataFrame([dict(event_id=event, period=YEAR, due_on=date(2025, 5, 1))]), as_user("Петрова"))
    _one_batch(db, before, "edit")
    plan = plan_catalog(db, "каталог.xlsx", current_catalog(db, MUNI), MUNI)
    assert plan.ok
    before = _state(db)
    apply_catalog(db, plan, as_user("Петрова"))
    _one_batch(db, before, "catalog-file", logs=False)  # the same catalog back: nothing changed


def test_demo_and_generate_are_batches(tmp_path):
    demo = Database(tmp_path / "d.duckdb")
    sync_catalog(demo)
    before = _state(demo)
    fill(demo)
    _one_batch(demo, before, "demo")
    synthetic = Database(tmp_path / "s.duckdb")
    sync_catalog(synthetic)
    before = _state(synthetic)
    generate(synthetic, "municipal")
    _one_batch(synthetic, before, "generate")


def test_a_failure_inside_a_batch_writes_nothing(db):
    tables = ("assessment", "change_log", "import_batch", "meta")
    before = {t: db.read(f"SELECT * FROM {t} ORDER BY ALL").to_csv() for t in tables}
    with pytest.raises(RuntimeError):
        with batch(db, as_user("Иванова"), "edit") as b:
            b.upsert("assessment", ["org_unit_id", "indicator_id", "period"], ["score"],
                     pd.DataFrame([dict(org_unit_id=SCHOOL, indicator_id="S01", period=YEAR, score=0.0)],
                                  dtype=object))
            raise RuntimeError("сбой посреди записи")
    assert {t: db.read(f"SELECT * FROM {t} ORDER BY ALL").to_csv() for t in tables} == before


def test_the_door_refuses_an_unnamed_source_or_writer(db):
    with pytest.raises(ValueError):
        with batch(db, as_user("Иванова"), "backdoor"):
            pass
    with pytest.raises(ValueError):
        with batch(db, as_user("  "), "edit"):
            pass


@pytest.mark.parametrize("sql", ["INSERT INTO meta VALUES ('x', 'y')", "UPDATE meta SET value = '1'",
                                 "DELETE FROM assessment", "SELECT 1; DELETE FROM assessment",
                                 "CREATE TABLE t (x INT)", "WITH a AS (SELECT 1) DELETE FROM meta"])
def test_a_read_cannot_write(db, sql):
    before = db.data_version(), db.scalar("SELECT count(*) FROM assessment")
    with pytest.raises(PermissionError):
        db.read(sql)
    with pytest.raises(PermissionError):
        db.rows(sql)
    assert (db.data_version(), db.scalar("SELECT count(*) FROM assessment")) == before


def _product_sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("indicators", "ui", "app_pages", "bench"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def test_no_code_but_the_door_opens_a_transaction():
    """The door (and the schema migrations) alone begin a transaction or take the writer's
    cursor; only the database module touches the connection."""
    door = {ROOT / "indicators/store/door.py", ROOT / "indicators/store/database.py",
            ROOT / "indicators/store/backup.py"}  # a copy holds the writer's lock, writes nothing
    for path in _product_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Attribute) and node.attr in ("write_cursor", "transaction", "_write_lock"):
                assert path in door, f"{where} opens a write outside the door ({node.attr})"
            if isinstance(node, ast.Attribute) and node.attr == "_conn":
                assert path.name == "database.py", f"{where} reaches for the raw connection"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.upper()
                if "BEGIN TRANSACTION" in text or "COMMIT" in text.split():
                    assert path in door, f"{where} begins or commits a transaction"
