"""Backups: a copy on demand and before each applied import (kept N), and restore."""

from __future__ import annotations

import pytest

from indicators import cli
from indicators.exchange.apply import apply_import
from indicators.store.backup import BackupError, backup_dir, list_backups, make_backup, restore
from indicators.store.database import Database
from tests.staging import as_user, staged
from tests.domain.store.test_door import _changed_plan


def _values(db: Database) -> str:
    return db.read("SELECT * FROM assessment ORDER BY ALL").to_csv()


def test_each_applied_import_leaves_a_copy_of_the_database_before_it(demo_copy):
    db = Database(demo_copy)
    with staged(db) as cur:
        cur.execute("UPDATE setting SET value = 2 WHERE key = 'backup_keep'")
    states = []
    for _ in range(3):
        states.append(_values(db))
        apply_import(db, _changed_plan(db), as_user("Иванова"))
        with staged(db) as cur:  # put the value back so the next import changes it again
            cur.execute("UPDATE assessment SET score = 2 WHERE org_unit_id = 'sosh-6' AND "
                        "indicator_id = 'S01' AND period = 2024")
    copies = sorted(p for p in list_backups(db.path) if p.name.endswith("-import.duckdb"))
    assert len(copies) == 2, "only the newest backup_keep copies are kept"
    for copy, state in zip(copies, states[1:]):  # each copy holds the database just before its import
        kept = Database(copy)
        assert _values(kept) == state
        kept.close()
    db.close()


def test_restore_puts_a_copy_back_and_keeps_the_replaced_file(demo_copy, tmp_path):
    db = Database(demo_copy)
    original = _values(db)
    copy = make_backup(db, "manual")
    apply_import(db, _changed_plan(db), as_user("Иванова"))
    assert _values(db) != original
    with pytest.raises(BackupError, match="открыта другим процессом|Остановите"):
        restore_in_child(demo_copy, copy)
    db.close()
    saved = restore(demo_copy, copy)
    assert saved is not None and saved.parent == backup_dir(demo_copy)
    back = Database(demo_copy)
    assert _values(back) == original
    back.close()
    after = Database(saved)
    assert _values(after) != original  # the replaced state is still there, as a copy
    after.close()


def restore_in_child(db_path, copy) -> None:
    """Restore from another process while this one holds the file (as the app would)."""
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-c", "import sys\nfrom indicators.store.backup import restore, "
                             "BackupError\ntry:\n    restore(sys.argv[1], sys.argv[2])\nexcept BackupError as e:\n"
                             "    print(e); sys.exit(3)", str(db_path), str(copy)],
                            capture_output=True, text=True, timeout=60)
    if result.returncode == 3:
        raise BackupError(result.stdout.strip())
    raise AssertionError(f"restore while the database is open should be refused: {result}")


def test_restore_refuses_a_file_that_is_not_a_copy(demo_copy, tmp_path):
    bogus = tmp_path / "x.duckdb"
    bogus.write_bytes(b"not a database at all")
    before = demo_copy.read_bytes()
    with pytest.raises(BackupError, match="не копия базы"):
        restore(demo_copy, bogus)
    assert demo_copy.read_bytes() == before


def test_backup_and_restore_commands(demo_copy, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    out = tmp_path / "copy.duckdb"
    assert cli.main(["backup", "--out", str(out)]) == 0
    assert out.exists() and "Копия базы сохранена" in capsys.readouterr().out
    assert cli.main(["restore", str(out), "--yes"]) == 0
    assert "База восстановлена" in capsys.readouterr().out
    assert cli.main(["restore", str(tmp_path / "nope.duckdb"), "--yes"]) == 1
    assert "не найден" in capsys.readouterr().err
