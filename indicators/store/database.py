"""The DuckDB file: its connection, its numbered migrations, and reads that cannot write.

DuckDB lets one process hold a file for writing, and Streamlit serves every browser session
from threads of one process.  So each process keeps a single connection per file, every read
runs on its own cursor (cursors are safe to use from different threads), and every write goes
through the write door (``store.door.batch``), which serialises writers behind one lock, commits or
rolls back as a whole and bumps the *data version* that caches are keyed by.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import pandas as pd

from indicators import config
from indicators.store import summary

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# Python steps a migration's transaction runs after its SQL: what a schema change must fill
# from the data already there (009: the compliance summary of an upgraded database).
MIGRATION_STEPS = {9: summary.rebuild}


_READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN, duckdb.StatementType.PRAGMA}


@lru_cache(maxsize=4096)
def _check_read_only(sql: str) -> None:
    """Reads may not write: a write that bypassed the door would skip its lock, batch, log and
    role check.  DuckDB's own parser says what each statement is."""
    kinds = {s.type for s in duckdb.extract_statements(sql)}
    if not kinds <= _READ_STATEMENTS:
        raise PermissionError("a read may not change the database; write through store.door.batch")


class DatabaseBusyError(RuntimeError):
    """The file is held by another process (typically the running app)."""


class Database:
    """A DuckDB file with its schema brought up to date."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(self.path)
        except duckdb.IOException as exc:  # lock held by another process
            raise DatabaseBusyError(
                f"База данных «{self.path}» занята другим процессом (например, запущенным "
                f"приложением). Остановите его или укажите другой файл в QUALITY_DB."
            ) from exc
        self._write_lock = threading.RLock()
        # Statements read so far: the benchmark and the tests count what a page asks of DuckDB
        # (a plain counter: a lost increment between threads only blurs a measurement).
        self.statements = 0
        self.migrate()

    # -- reads -------------------------------------------------------------------------------
    def read(self, sql: str, params: Sequence[Any] | dict | None = None, *,
             frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
        """Run a query on a fresh cursor and return a DataFrame.  ``frames`` are visible to the
        query as tables of those names (registered on that cursor only)."""
        _check_read_only(sql)
        self.statements += 1
        cur = self._conn.cursor()
        try:
            for name, frame in (frames or {}).items():
                cur.register(name, frame)
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        _check_read_only(sql)
        self.statements += 1
        cur = self._conn.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def data_version(self) -> int:
        """A number that every committed write increases: the key of every cache."""
        value = self.scalar("SELECT value FROM meta WHERE key = 'data_version'")
        return int(value or 0)

    def meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return default if value is None else value

    # -- writes ------------------------------------------------------------------------------
    @contextmanager
    def write_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one writer's cursor, behind the process-wide lock.  Only the write door
        (``store.door.batch``) and the migrations use it: they open and close the transaction."""
        with self._write_lock:
            cur = self._conn.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def close(self) -> None:
        self._conn.close()

    # -- schema ------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply the numbered SQL files in ``migrations/`` not yet applied, each atomically."""
        with self._write_lock:
            cur = self._conn.cursor()
            try:
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migration ("
                    " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                    " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
                )
                done = {r[0] for r in cur.execute("SELECT version FROM schema_migration").fetchall()}
                applied = []
                for version, file in migration_files():
                    if version in done:
                        continue
                    cur.execute("BEGIN TRANSACTION")
                    try:
                        cur.execute(file.read_text(encoding="utf-8"))
                        if version in MIGRATION_STEPS:
                            MIGRATION_STEPS[version](cur)
                        cur.execute(
                            "INSERT INTO schema_migration (version, name) VALUES (?, ?)",
                            [version, file.name],
                        )
                        cur.execute("COMMIT")
                    except BaseException:
                        cur.execute("ROLLBACK")
                        raise
                    applied.append(version)
                return applied
            finally:
                cur.close()


def migration_files() -> list[tuple[int, Path]]:
    files = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise ValueError(f"Migration file name must look like 001_name.sql: {file.name}")
        files.append((int(match.group(1)), file))
    return files


_open: dict[str, Database] = {}
_open_lock = threading.Lock()


def open_db(path: str | Path | None = None) -> Database:
    """The process-wide Database for ``path`` (default: :func:`config.db_path`)."""
    key = str(Path(path).resolve()) if path and str(path) != ":memory:" else str(path or config.db_path())
    with _open_lock:
        db = _open.get(key)
        if db is None:
            db = _open[key] = Database(key)
        return db
