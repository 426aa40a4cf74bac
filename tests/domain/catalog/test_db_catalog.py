"""The database door (migrations, transactions, data version), the catalog loader and upsert.

These are the guarantees the rest of the app leans on: a schema that is migrated once, a catalog
that reloads without duplicating or silently losing anything, and writes that are logged field
by field and either land whole or not at all.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from indicators import config
from indicators.store import database as db_module
from indicators.catalog.tables import CatalogError, sync_catalog
from indicators.store.database import Database
from indicators.store.upsert import upsert
from tests.staging import staged

CATALOG_TABLES = {  # table -> catalog file
    "direction": "directions.csv",
    "criterion": "criteria.csv",
    "indicator": "indicators.csv",
    "roadmap_event": "roadmap_events.csv",
    "setting": "settings.csv",
}
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def csv_rows(folder: Path, name: str) -> list[dict]:
    with open(folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(folder: Path, name: str, rows: list[dict], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0])
    with open(folder / name, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def counts(db: Database) -> dict[str, int]:
    return {t: db.scalar(f"SELECT count(*) FROM {t}") for t in CATALOG_TABLES}


@pytest.fixture
def fresh_db(tmp_path):
    """An empty, migrated database (no catalog yet)."""
    db = Database(tmp_path / "fresh.duckdb")
    yield db
    db.close()


@pytest.fixture
def catalog_db(fresh_db):
    sync_catalog(fresh_db)
    return fresh_db


@pytest.fixture
def catalog_copy(tmp_path):
    """A copy of data/catalog a test may edit, as a specialist would."""
    folder = tmp_path / "catalog"
    shutil.copytree(config.CATALOG_DIR, folder)
    return folder


# -- migrations ----------------------------------------------------------------------------------

def test_migrations_recorded_and_not_reapplied(tmp_path, monkeypatch):
    """Each numbered file runs once; reopening the file runs nothing again, a new file runs once."""
    path = tmp_path / "m.duckdb"
    db = Database(path)
    shipped = [(v, f.name) for v, f in db_module.migration_files()]
    assert shipped[0] == (1, "001_initial.sql")
    assert db.rows("SELECT version, name FROM schema_migration ORDER BY version") == shipped
    assert db.migrate() == []
    with staged(db) as cur:  # some data that a re-run of 001 would destroy or duplicate
        cur.execute("INSERT INTO setting VALUES ('probe', 1, NULL)")
    db.close()

    db = Database(path)
    assert db.migrate() == []
    assert db.rows("SELECT version FROM schema_migration ORDER BY version") == [(v,) for v, _ in shipped]
    assert db.scalar("SELECT count(*) FROM meta WHERE key = 'data_version'") == 1
    assert db.scalar("SELECT count(*) FROM setting WHERE key = 'probe'") == 1
    db.close()

    # A new migration file appears: only it is applied, and only once.
    migrations = tmp_path / "migrations"
    shutil.copytree(db_module.MIGRATIONS_DIR, migrations)
    (migrations / "900_probe.sql").write_text(
        "CREATE TABLE probe (x INTEGER); INSERT INTO probe VALUES (1);", encoding="utf-8")
    monkeypatch.setattr(db_module, "MIGRATIONS_DIR", migrations)
    db = Database(path)
    assert db.rows("SELECT version, name FROM schema_migration ORDER BY version") == [
        *shipped, (900, "900_probe.sql")]
    db.close()
    db = Database(path)
    assert db.scalar("SELECT count(*) FROM probe") == 1
    assert db.scalar("SELECT count(*) FROM setting WHERE key = 'probe'") == 1
    db.close()


# -- catalog sync ------------------------------------------------------------------------------------

def test_sync_catalog_loads_every_file_row(fresh_db):
    assert sync_catalog(fresh_db) is True
    assert counts(fresh_db) == {t: len(csv_rows(config.CATALOG_DIR, f))
                                for t, f in CATALOG_TABLES.items()}


def test_sync_catalog_is_idempotent(catalog_db):
    """Unchanged files: nothing loaded.  A forced reload rewrites nothing and duplicates nothing."""
    before = counts(catalog_db)
    version = catalog_db.data_version()
    log = catalog_db.scalar("SELECT count(*) FROM change_log")

    assert sync_catalog(catalog_db) is False
    assert counts(catalog_db) == before
    assert catalog_db.data_version() == version
    assert catalog_db.scalar("SELECT count(*) FROM change_log") == log

    assert sync_catalog(catalog_db, force=True) is True
    assert counts(catalog_db) == before
    # The only new log line is the reload itself (the catalog hash), no field "changes".
    new = catalog_db.read("SELECT entity, field FROM change_log WHERE id > ?", [log])
    assert new.values.tolist() == [["catalog", "sha256"]]


def test_catalog_edit_is_picked_up_and_logged(catalog_db, catalog_copy):
    """A specialist rewords S05: the new title is in the database, old → new in the log."""
    rows = csv_rows(catalog_copy, "indicators.csv")
    s05 = next(r for r in rows if r["code"] == "S05")
    old_title = s05["title"]
    s05["title"] = "Проведение анализа мониторинга (новая редакция)"
    write_csv(catalog_copy, "indicators.csv", rows)
    log = catalog_db.scalar("SELECT count(*) FROM change_log")

    assert sync_catalog(catalog_db, catalog_copy) is True
    assert catalog_db.scalar("SELECT title FROM indicator WHERE id = 'S05'") == s05["title"]
    changes = catalog_db.read(
        "SELECT entity, entity_key, field, old_value, new_value, source, source_file "
        "FROM change_log WHERE id > ? AND entity <> 'catalog'", [log])
    assert changes.values.tolist() == [
        ["indicator", "S05", "title", old_title, s05["title"], "catalog", "indicators.csv"]]
    assert sync_catalog(catalog_db, catalog_copy) is False


def test_removed_catalog_row_deleted_unless_referenced(catalog_db, catalog_copy):
    """S10 and S11 leave the file; S10 still has an assessment, so it stays; S11 goes."""
    with staged(catalog_db) as cur:
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"], ["score"],
               pd.DataFrame([dict(org_unit_id="sch", indicator_id="S10", period=2024, score=2)],
                            dtype=object), user="тест", source="test")
    rows = [r for r in csv_rows(catalog_copy, "indicators.csv") if r["code"] not in ("S10", "S11")]
    write_csv(catalog_copy, "indicators.csv", rows)
    links = [r for r in csv_rows(catalog_copy, "event_indicators.csv")
             if r["indicator_id"] not in ("S10", "S11")]
    write_csv(catalog_copy, "event_indicators.csv", links)
    log = catalog_db.scalar("SELECT count(*) FROM change_log")

    assert sync_catalog(catalog_db, catalog_copy) is True
    ids = {r[0] for r in catalog_db.rows("SELECT id FROM indicator")}
    assert "S11" not in ids
    assert "S10" in ids
    assert len(ids) == 21
    assert catalog_db.scalar("SELECT count(*) FROM assessment WHERE indicator_id = 'S10'") == 1
    deleted = catalog_db.rows(
        "SELECT entity_key FROM change_log WHERE id > ? AND entity = 'indicator' AND field = '*'",
        [log])
    assert deleted == [("S11",)]
    gone_links = catalog_db.scalar("SELECT count(*) FROM event_indicator WHERE indicator_id IN ('S10', 'S11')")
    assert gone_links == 0


def test_an_event_link_to_an_unknown_indicator_is_refused(catalog_db, catalog_copy):
    links = csv_rows(catalog_copy, "event_indicators.csv")
    links[0]["indicator_id"] = "S99"
    write_csv(catalog_copy, "event_indicators.csv", links)
    with pytest.raises(CatalogError, match="«event_indicators.csv», строка 2: неизвестный код "
                                          "показателя «S99»"):
        sync_catalog(catalog_db, catalog_copy)


def _set_cell(folder: Path, name: str, key_col: str, key: str, col: str, value: str) -> None:
    rows = csv_rows(folder, name)
    next(r for r in rows if r[key_col] == key)[col] = value
    write_csv(folder, name, rows)


@pytest.mark.parametrize(
    "edit, must_contain",
    [
        # S05 is data row 16, i.e. line 17 of indicators.csv (line 1 is the header).
        (lambda f: _set_cell(f, "indicators.csv", "code", "S05", "stage", "analysys"),
         ["indicators.csv", "строка 17", "stage", "analysys"]),
        (lambda f: _set_cell(f, "indicators.csv", "code", "S05", "criterion_id", "nowhere"),
         ["indicators.csv", "строка 17", "criterion_id", "nowhere"]),
        (lambda f: _set_cell(f, "criteria.csv", "id", "decisions", "direction_id", "nowhere"),
         ["criteria.csv", "строка 4", "nowhere"]),
        (lambda f: write_csv(f, "indicators.csv", csv_rows(f, "indicators.csv"),
                             [c for c in csv_rows(f, "indicators.csv")[0] if c != "evidence_source"]),
         ["indicators.csv", "evidence_source"]),
    ],
    ids=["bad-stage", "unknown-criterion", "unknown-direction", "missing-column"],
)
def test_bad_catalog_is_refused_in_russian_and_writes_nothing(catalog_db, catalog_copy, edit,
                                                              must_contain):
    edit(catalog_copy)
    before = counts(catalog_db)
    version = catalog_db.data_version()
    stages = catalog_db.rows("SELECT id, stage, criterion_id FROM indicator ORDER BY id")
    with pytest.raises(CatalogError) as err:
        sync_catalog(catalog_db, catalog_copy)
    message = str(err.value)
    assert CYRILLIC.search(message), message
    for part in must_contain:
        assert part in message, message
    assert counts(catalog_db) == before
    assert catalog_db.data_version() == version
    assert catalog_db.rows("SELECT id, stage, criterion_id FROM indicator ORDER BY id") == stages


# -- upsert and transactions ---------------------------------------------------------------------------

KEYS = ["org_unit_id", "indicator_id", "period"]
FIELDS = ["score", "evidence_url", "comment"]


def assessments(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(KEYS + FIELDS, r)) for r in rows], dtype=object)


def write(db: Database, rows: list[tuple], user: str = "специалист"):
    with staged(db) as cur:
        return upsert(cur, "assessment", KEYS, FIELDS, assessments(rows), user=user, source="edit")


def log_since(db: Database, after: int) -> set[tuple]:
    return set(db.rows(
        "SELECT entity_key, field, old_value, new_value FROM change_log WHERE id > ?", [after]))


URL = "https://school.example/a.pdf"


def test_upsert_counts_and_logs_each_changed_field(catalog_db):
    first = write(catalog_db, [
        ("sch", "S01", 2024, 2, URL, None),
        ("sch", "S02", 2024, 1, None, None),
        ("sch", "S03", 2024, 0, None, "нет документа"),
    ])
    assert (first.new, first.changed, first.unchanged) == (3, 0, 0)
    # New rows: one line per non-empty field: 3 scores + 1 link + 1 comment.
    assert catalog_db.scalar("SELECT count(*) FROM change_log WHERE entity = 'assessment'") == 5

    last = catalog_db.scalar("SELECT max(id) FROM change_log")
    second = write(catalog_db, [
        ("sch", "S01", 2024, 2, URL, None),                       # unchanged
        ("sch", "S02", 2024, 2, None, None),                      # score 1 → 2
        ("sch", "S03", 2024, 0, "https://school.example/b.pdf", None),  # link added, comment cleared
        ("sch", "S04", 2024, 1, None, None),                      # new
    ], user="Иванова")
    assert (second.new, second.changed, second.unchanged) == (1, 2, 1)
    assert second.written == 3
    got = {(k, f, o, n) if f != "score" else (k, f, o and float(o), float(n))
           for k, f, o, n in log_since(catalog_db, last)}
    assert got == {
        ("sch|S02|2024", "score", 1.0, 2.0),
        ("sch|S03|2024", "evidence_url", None, "https://school.example/b.pdf"),
        ("sch|S03|2024", "comment", "нет документа", None),
        ("sch|S04|2024", "score", None, 1.0),
    }
    assert catalog_db.rows(
        "SELECT DISTINCT user_name, source FROM change_log WHERE id > ?", [last]) == [("Иванова", "edit")]
    stored = dict(catalog_db.rows("SELECT indicator_id, score FROM assessment"))
    assert stored == {"S01": 2.0, "S02": 2.0, "S03": 0.0, "S04": 1.0}
    assert catalog_db.scalar("SELECT updated_by FROM assessment WHERE indicator_id = 'S02'") == "Иванова"
    assert catalog_db.scalar("SELECT updated_by FROM assessment WHERE indicator_id = 'S01'") == "специалист"

    # The same rows again: nothing changes, nothing is logged.
    last = catalog_db.scalar("SELECT max(id) FROM change_log")
    third = write(catalog_db, [("sch", "S02", 2024, 2, None, None), ("sch", "S04", 2024, 1, None, None)])
    assert (third.new, third.changed, third.unchanged) == (0, 0, 2)
    assert log_since(catalog_db, last) == set()


def snapshot(db: Database) -> dict[str, list]:
    return {t: db.rows(f"SELECT * FROM {t} ORDER BY ALL")
            for t in ("assessment", "org_unit", "change_log", "meta")}


def test_transaction_rolls_back_entirely_on_error(catalog_db):
    """An exception after several writes leaves the database exactly as before."""
    write(catalog_db, [("sch", "S01", 2024, 1, None, None)])
    before = snapshot(catalog_db)
    version = catalog_db.data_version()

    with pytest.raises(RuntimeError, match="обрыв"):
        with staged(catalog_db) as cur:
            upsert(cur, "org_unit", ["id"], ["kind", "name", "short_name"],
                   pd.DataFrame([dict(id="new", kind="school", name="Новая", short_name="Н")]),
                   user="тест", source="test")
            upsert(cur, "assessment", KEYS, FIELDS,
                   assessments([("sch", "S01", 2024, 2, None, None),
                                ("sch", "S02", 2024, 2, None, None)]),
                   user="тест", source="test")
            # The writes did happen inside the transaction …
            assert cur.execute("SELECT count(*) FROM assessment").fetchone()[0] == 2
            raise RuntimeError("обрыв связи посреди импорта")
    # … and are all gone.
    assert snapshot(catalog_db) == before
    assert catalog_db.data_version() == version


def test_failing_write_rolls_back_earlier_writes_of_the_transaction(catalog_db):
    """A CHECK violation (negative score) in the second upsert undoes the first one too."""
    before = snapshot(catalog_db)
    version = catalog_db.data_version()
    with pytest.raises(duckdb.Error):
        with staged(catalog_db) as cur:
            upsert(cur, "org_unit", ["id"], ["kind", "name", "short_name"],
                   pd.DataFrame([dict(id="new", kind="school", name="Новая", short_name="Н")]),
                   user="тест", source="test")
            upsert(cur, "assessment", KEYS, FIELDS, assessments([("new", "S01", 2024, -1, None, None)]),
                   user="тест", source="test")
    assert snapshot(catalog_db) == before
    assert catalog_db.data_version() == version


def test_duplicate_key_in_one_write_is_refused_before_writing(catalog_db):
    before = snapshot(catalog_db)
    with pytest.raises(ValueError):
        write(catalog_db, [("sch", "S01", 2024, 1, None, None), ("sch", "S01", 2024, 2, None, None)])
    assert snapshot(catalog_db) == before


def test_data_version_increases_on_each_committed_write(fresh_db):
    """Caches are keyed by it: every commit bumps it, a no-op sync or a rollback does not."""
    v0 = fresh_db.data_version()
    sync_catalog(fresh_db)
    v1 = fresh_db.data_version()
    assert v1 > v0
    write(fresh_db, [("sch", "S01", 2024, 1, None, None)])
    v2 = fresh_db.data_version()
    assert v2 > v1
    write(fresh_db, [("sch", "S01", 2024, 2, None, None)])
    v3 = fresh_db.data_version()
    assert v3 > v2
    sync_catalog(fresh_db)  # nothing to load
    assert fresh_db.data_version() == v3
    with pytest.raises(ZeroDivisionError):
        with staged(fresh_db) as cur:
            cur.execute("DELETE FROM assessment")
            1 / 0
    assert fresh_db.data_version() == v3
    assert fresh_db.scalar("SELECT score FROM assessment") == 2.0
