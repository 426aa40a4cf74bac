"""Copies of the database: on demand, automatically before each applied import, and restore.

A copy is made by DuckDB itself (``ATTACH`` a new file, ``COPY FROM DATABASE``) under the
writer's lock, so it is a consistent database even while people read; a copy is a complete
DuckDB file that opens on its own.  Automatic copies are kept to the newest N (``backup_keep``
in settings).  Restoring replaces the file, so it is done from the command line while the app
is stopped (DuckDB lets one process hold the file); the file being replaced is copied first.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from indicators.store.database import Database, DatabaseBusyError

DEFAULT_KEEP = 10
# <database>-<date>-<time>-<microseconds>-<reason>.duckdb: names sort in the order the copies were made
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z-]+)\.duckdb$")


class BackupError(ValueError):
    """A copy or a restore could not be made; the message is Russian."""


def backup_dir(db_path: str | Path) -> Path:
    """Where a database's copies live: ``backups/`` beside the file."""
    return Path(db_path).resolve().parent / "backups"


def _target(db_path: str | Path, reason: str, folder: Path | None = None) -> Path:
    folder = folder or backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        path = folder / f"{Path(db_path).stem}-{datetime.now():%Y%m%d-%H%M%S-%f}-{reason}.duckdb"
        if not path.exists():
            return path


def make_backup(db: Database, reason: str = "manual", *, out: Path | None = None) -> Path:
    """A consistent copy of the open database; returns its path."""
    if db.path == ":memory:":
        raise BackupError("База в памяти: копировать нечего.")
    target = Path(out) if out else _target(db.path, reason)
    if target.exists():
        raise BackupError(f"Файл «{target}» уже есть: укажите другое имя.")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    with db.write_cursor() as cur:
        source = cur.execute("SELECT current_database()").fetchall()[0][0]
        cur.execute(f"ATTACH '{_quote(tmp)}' AS backup_copy")
        try:
            cur.execute(f'COPY FROM DATABASE "{source}" TO backup_copy')
        finally:
            cur.execute("DETACH backup_copy")
    os.replace(tmp, target)
    return target


def prune(db_path: str | Path, keep: int, reason: str = "import") -> list[Path]:
    """Delete the automatic copies of ``reason`` beyond the newest ``keep``; return the deleted."""
    copies = sorted(p for p in backup_dir(db_path).glob(f"{Path(db_path).stem}-*-{reason}.duckdb")
                    if _NAME.match(p.name))
    gone = copies[: max(len(copies) - keep, 0)]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def before_import(db: Database) -> Path | None:
    """The automatic copy before an applied import (none for a database in memory)."""
    if db.path == ":memory:":
        return None
    keep = int(db.scalar("SELECT value FROM setting WHERE key = 'backup_keep'") or DEFAULT_KEEP)
    if keep <= 0:
        return None
    made = make_backup(db, "import")
    prune(db.path, keep, "import")
    return made


def list_backups(db_path: str | Path) -> list[Path]:
    return sorted((p for p in backup_dir(db_path).glob("*.duckdb") if _NAME.match(p.name)), reverse=True)


def restore(db_path: str | Path, copy: str | Path) -> Path:
    """Put ``copy`` in place of the database file; returns the copy made of the file replaced.

    Refused (nothing changed) when the copy is not a database of this app, or when the database
    is open in another process (the app must be stopped first)."""
    db_path, copy = Path(db_path).resolve(), Path(copy).resolve()
    if not copy.is_file():
        raise BackupError(f"Файл копии «{copy}» не найден.")
    try:
        probe = duckdb.connect(str(copy), read_only=True)
        try:
            version = probe.execute("SELECT max(version) FROM schema_migration").fetchall()[0][0]
            probe.execute("SELECT count(*) FROM assessment").fetchall()
        finally:
            probe.close()
    except duckdb.Error as exc:
        raise BackupError(f"«{copy.name}» — не копия базы этого приложения ({type(exc).__name__}).") from None
    if not version:
        raise BackupError(f"«{copy.name}» — не копия базы этого приложения.")
    saved = None
    if db_path.exists():
        try:
            current = Database(db_path)
        except DatabaseBusyError as exc:
            raise BackupError("База открыта другим процессом (например, приложением). Остановите "
                              "приложение и повторите восстановление.") from exc
        try:
            saved = make_backup(current, "before-restore")
        finally:
            current.close()
        Path(str(db_path) + ".wal").unlink(missing_ok=True)
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(copy, tmp)
    os.replace(tmp, db_path)
    return saved


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
