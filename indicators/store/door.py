"""The one write door: every change to the database is a *batch* opened here.

:func:`batch` takes the writer's lock, opens one transaction, writes the batch row (who, what
source, which files), hands the caller a :class:`Batch` whose methods are the only way to
write, and on success bumps the data version that every cache is keyed by and commits; on any
error it rolls back, so a refused or failed write leaves the database as it was.  Because every
write passes here, this is where the change log gets its batch id and its user, and where the
roles of the signed-in user are checked.  ``tests/store/test_door.py`` fails if any other code
opens a transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import duckdb
import pandas as pd

from indicators.store.database import Database
from indicators.store.upsert import UpsertResult, delete_rows, log_event, set_meta, upsert
from indicators.words import SOURCE_LABELS


@dataclass
class Batch:
    """One open write: a cursor inside the transaction, the batch id, who and why."""

    cur: duckdb.DuckDBPyConnection
    id: int
    actor: str
    source: str
    totals: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})

    def upsert(self, table: str, keys: list[str], fields: list[str], rows: pd.DataFrame, *,
               source_file: str | None = None, count: bool = False) -> UpsertResult:
        """Insert or update rows, logging every changed field; ``count`` adds the result to the
        batch's totals (the values an import reports)."""
        result = upsert(self.cur, table, keys, fields, rows, user=self.actor, source=self.source,
                        source_file=source_file, batch_id=self.id)
        if count:
            for key in self.totals:
                self.totals[key] += getattr(result, key)
        return result

    def delete(self, table: str, keys: list[str], fields: list[str], rows: pd.DataFrame) -> int:
        """Delete rows by key, logging each field's last value."""
        return delete_rows(self.cur, table, keys, fields, rows, user=self.actor, source=self.source,
                           batch_id=self.id)

    def log(self, entity: str, entity_key: str, field: str, old_value: str | None,
            new_value: str | None) -> None:
        """A change-log line for a write that is not a field value (a snapshot, a reload)."""
        log_event(self.cur, user=self.actor, source=self.source, entity=entity,
                  entity_key=entity_key, field=field, old_value=old_value, new_value=new_value,
                  batch_id=self.id)

    def set_meta(self, key: str, value: str) -> None:
        set_meta(self.cur, key, value)

    def sql(self, statement: str, params: Sequence[Any] | dict | None = None) -> duckdb.DuckDBPyConnection:
        """A set-based statement inside the batch (generated data, catalog deletions); the caller
        logs what it did with :meth:`log`."""
        return self.cur.execute(statement, params or [])


@contextmanager
def batch(db: Database, actor: str, source: str, *, files: Sequence[str] = (),
          file_hashes: Sequence[str] = ()) -> Iterator[Batch]:
    """Open a logged batch: one transaction, one ``import_batch`` row, one data-version step."""
    if source not in SOURCE_LABELS:
        raise ValueError(f"unknown write source {source!r}: name it in words.SOURCE_LABELS")
    if not str(actor or "").strip():
        raise ValueError("a write needs the name of who makes it")
    with db.write_cursor() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            batch_id = cur.execute(
                "INSERT INTO import_batch (user_name, source, files, file_hashes) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                [actor, source, "; ".join(files) or None, ",".join(file_hashes) or None],
            ).fetchone()[0]
            opened = Batch(cur, int(batch_id), actor, source)
            yield opened
            cur.execute("UPDATE import_batch SET new_values = ?, changed = ?, unchanged = ? WHERE id = ?",
                        [opened.totals["new"], opened.totals["changed"], opened.totals["unchanged"],
                         opened.id])
            cur.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                        "WHERE key = 'data_version'")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
