"""The one write door: every change to the database is a *batch* opened here.

:func:`batch` takes the writer's lock, opens one transaction, writes the batch row (who, what
source, which files), hands the caller a :class:`Batch` whose methods are the only way to
write, and on success bumps the data version that every cache is keyed by and commits; on any
error it rolls back, so a refused or failed write leaves the database as it was.  Because every
write passes here, this is where the change log gets its batch id and its user, and where the
role of the signed-in user is enforced: the source of the write must be one the role may make
(``store.actors.WRITES``), and every row written must belong to a unit in the user's reach —
so a page that forgot to hide a button still cannot write where its user does not belong.
And it is where the compliance summary (``store.summary``) follows the values, in the same
transaction: from the batch's change log, or rebuilt whole after a write in raw SQL.
``tests/test_door.py`` fails if any other code opens a transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import duckdb
import pandas as pd

from indicators.store import summary
from indicators.store.actors import SCHOOL_TABLES, UNIT_COLUMNS, AccessDenied, Actor
from indicators.store.backup import before_import
from indicators.store.database import Database
from indicators.store.upsert import UpsertResult, delete_rows, log_event, set_meta, upsert
from indicators.words import ROLE_LABELS, SOURCE_LABELS, period_label

# The writes that fill the units, the catalog or the values in raw SQL on ``Batch.cur``, not
# all of it logged field by field (the generated scales; the demo, and the tests' ``staged``
# set-ups, which write as «demo»): the summary is rebuilt after them.  Every other write is
# followed through its change log; tests/domain/store/test_summary.py fails if raw SQL
# elsewhere writes a table the summary sums.
SUMMARY_REBUILT_BY = frozenset({"demo", "generate"})
_SUMMED_TABLES = frozenset({"assessment", "indicator", "org_unit"})


@dataclass
class Batch:
    """One open write: a cursor inside the transaction, the batch id, who and why."""

    cur: duckdb.DuckDBPyConnection
    id: int
    actor: Actor
    source: str
    reach: frozenset[str] | None = None     # the units the actor may write (None: every unit)
    totals: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    summed_raw: bool = False                # a raw statement wrote a table the summary sums

    def check(self, table: str | None, unit_ids=(), periods=()) -> None:
        """Refuse (AccessDenied, Russian) a write of ``table`` for ``unit_ids`` out of reach."""
        actor = self.actor
        if actor.everywhere:
            return
        allowed = SCHOOL_TABLES if actor.role == "school_editor" else {*UNIT_COLUMNS, "event_due"}
        if table not in allowed:
            raise AccessDenied(f"{_who(actor)} не может изменять эти данные ({table or 'служебные таблицы'}).")
        outside = sorted({str(u) for u in unit_ids} - (self.reach or frozenset()))
        if table in UNIT_COLUMNS and outside:
            names = dict(self.cur.execute("SELECT id, short_name FROM org_unit WHERE list_contains(?, id)",
                                          [outside[:5]]).fetchall())
            shown = ", ".join(f"«{names.get(u, u)}»" for u in outside[:5])
            raise AccessDenied(f"{_who(actor)} не может изменять данные организаций вне своей: {shown}"
                               + (f" и ещё {len(outside) - 5}" if len(outside) > 5 else "") + ".")
        if actor.role == "school_editor" and table in ("assessment", "event_status"):
            locked = self.cur.execute(
                "SELECT min(period) FROM submission WHERE org_unit_id = ? AND status = 'accepted' "
                "AND list_contains(?, period)", [actor.unit_id, sorted({int(p) for p in periods})]).fetchall()[0][0]
            if locked is not None:
                raise AccessDenied(f"Данные за {period_label(locked)} приняты управлением и заблокированы: "
                                   "исправить их может только специалист управления.")

    def _check_rows(self, table: str, rows: pd.DataFrame) -> None:
        column = UNIT_COLUMNS.get(table)
        units = rows[column].dropna().unique() if column and column in rows else ()
        periods = rows["period"].dropna().unique() if "period" in rows else ()
        self.check(table, units, periods)

    def upsert(self, table: str, keys: list[str], fields: list[str], rows: pd.DataFrame, *,
               source_file: str | None = None, count: bool = False,
               masked: tuple[str, ...] = ()) -> UpsertResult:
        """Insert or update rows, logging every changed field (``masked`` ones without their
        value); ``count`` adds the result to the batch's totals (the values an import reports)."""
        self._check_rows(table, rows)
        result = upsert(self.cur, table, keys, fields, rows, user=self.actor.name, login=self.actor.login,
                        source=self.source, source_file=source_file, batch_id=self.id, masked=masked)
        if count:
            for key in self.totals:
                self.totals[key] += getattr(result, key)
        return result

    def delete(self, table: str, keys: list[str], fields: list[str], rows: pd.DataFrame) -> int:
        """Delete rows by key, logging each field's last value."""
        self._check_rows(table, rows)
        return delete_rows(self.cur, table, keys, fields, rows, user=self.actor.name,
                           login=self.actor.login, source=self.source, batch_id=self.id)

    def log(self, entity: str, entity_key: str, field: str, old_value: str | None,
            new_value: str | None) -> None:
        """A change-log line for a write that is not a field value (a snapshot, a reload)."""
        log_event(self.cur, user=self.actor.name, login=self.actor.login, source=self.source,
                  entity=entity, entity_key=entity_key, field=field, old_value=old_value,
                  new_value=new_value, batch_id=self.id)

    def set_meta(self, key: str, value: str) -> None:
        self.check(None)
        set_meta(self.cur, key, value)

    def sql(self, statement: str, params: Sequence[Any] | dict | None = None, *,
            table: str | None = None, units: Sequence[str] = ()) -> duckdb.DuckDBPyConnection:
        """A set-based statement inside the batch (generated data, catalog deletions, a snapshot);
        the caller names the ``table`` and ``units`` it writes, for the role check, and logs what
        it did with :meth:`log`.  Unnamed, only an administrator may run it."""
        self.check(table, units)
        self.summed_raw |= table is None or table in _SUMMED_TABLES
        return self.cur.execute(statement, params or [])

    def mark_undone(self, batch_id: int) -> None:
        """The batch this one undoes (bookkeeping of the door itself).  A school's operator
        undoes only its own upload, never the department's."""
        if self.actor.role == "school_editor":
            by = self.cur.execute("SELECT user_login FROM import_batch WHERE id = ?", [int(batch_id)]).fetchall()
            if not by or by[0][0] != self.actor.login:
                raise AccessDenied(f"{_who(self.actor)} может отменить только свою загрузку.")
        self.cur.execute("UPDATE import_batch SET undone_by = ? WHERE id = ?", [self.id, int(batch_id)])


@contextmanager
def batch(db: Database, actor: Actor, source: str, *, files: Sequence[str] = (),
          file_hashes: Sequence[str] = ()) -> Iterator[Batch]:
    """Open a logged batch: one transaction, one ``import_batch`` row, one data-version step.

    Refused before anything is written (:class:`AccessDenied`, in Russian) when the actor's
    role may not make a write of this ``source``."""
    if source not in SOURCE_LABELS:
        raise ValueError(f"unknown write source {source!r}: name it in words.SOURCE_LABELS")
    if not isinstance(actor, Actor) or not actor.login.strip():
        raise ValueError("a write needs the signed-in Actor who makes it")
    if not actor.may_write(source):
        raise AccessDenied(f"{_who(actor)} не может выполнить действие «{SOURCE_LABELS[source]}».")
    with db.write_cursor() as cur:
        if source == "import":  # a copy first: an applied import can always be rolled back by hand
            before_import(db)
        cur.execute("BEGIN TRANSACTION")
        try:
            batch_id = cur.execute(
                "INSERT INTO import_batch (user_name, user_login, source, files, file_hashes) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                [actor.name, actor.login, source, "; ".join(files) or None,
                 ",".join(file_hashes) or None],
            ).fetchone()[0]
            opened = Batch(cur, int(batch_id), actor, source, _reach(cur, actor))
            yield opened
            cur.execute("UPDATE import_batch SET new_values = ?, changed = ?, unchanged = ? WHERE id = ?",
                        [opened.totals["new"], opened.totals["changed"], opened.totals["unchanged"],
                         opened.id])
            if source in SUMMARY_REBUILT_BY or opened.summed_raw:
                summary.rebuild(cur)
            else:
                summary.follow(cur, opened.id)
            cur.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                        "WHERE key = 'data_version'")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise


def _reach(cur: duckdb.DuckDBPyConnection, actor: Actor) -> frozenset[str] | None:
    """The units an actor may write: a department its municipality and its schools, a school
    itself; None for an administrator (every unit)."""
    if actor.everywhere:
        return None
    if actor.role == "department_editor" and actor.unit_id:
        rows = cur.execute("SELECT id FROM org_unit WHERE id = ? OR (parent_id = ? AND kind = 'school')",
                           [actor.unit_id, actor.unit_id]).fetchall()
        return frozenset(r[0] for r in rows)
    if actor.role == "school_editor" and actor.unit_id:
        return frozenset({actor.unit_id})
    return frozenset()


def _who(actor: Actor) -> str:
    return f"Пользователь «{actor.name}» (роль «{ROLE_LABELS.get(actor.role, actor.role)}»)"
