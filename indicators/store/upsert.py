"""The logged writes the door's :class:`~indicators.store.door.Batch` is made of.

Called only through a batch (``store.door``), which holds the transaction; ``upsert`` compares the incoming
rows with what is stored, writes one ``change_log`` row per changed field (old → new, who,
source, file and row), then inserts or updates only the rows that differ.  All of it is set
based SQL, so a 22,000-value import costs a handful of statements, not 22,000.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

_AUDIT_COLUMNS = ("updated_at", "updated_by")


@dataclass(frozen=True)
class UpsertResult:
    new: int
    changed: int
    unchanged: int

    @property
    def written(self) -> int:
        return self.new + self.changed


def upsert(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    keys: list[str],
    fields: list[str],
    rows: pd.DataFrame,
    *,
    user: str,
    source: str,
    source_file: str | None = None,
    batch_id: int | None = None,
    login: str | None = None,
    masked: tuple[str, ...] = (),
) -> UpsertResult:
    """Insert or update ``rows`` of ``table`` keyed by ``keys``; log every changed field.

    ``rows`` may carry ``source_file`` / ``source_row`` columns (an import knows both); a
    duplicate key among ``rows`` is a caller error, reported before anything is written.
    """
    if rows.empty:
        return UpsertResult(0, 0, 0)
    dup = rows.duplicated(subset=keys, keep=False)
    if dup.any():
        first = rows.loc[dup, keys].iloc[0].tolist()
        raise ValueError(f"{table}: duplicate key {first} in one write")

    types = dict(cur.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
    incoming = rows[keys + fields].copy()
    incoming["_source_file"] = rows["source_file"] if "source_file" in rows else source_file
    incoming["_source_row"] = rows["source_row"] if "source_row" in rows else None
    incoming = incoming.astype({"_source_file": "object", "_source_row": "object"})
    _typed_table(cur, "_typed", incoming, keys + fields, types,
                 extra="CAST(_source_file AS VARCHAR) AS _source_file, "
                       "CAST(_source_row AS INTEGER) AS _source_row")

    join = " AND ".join(f't."{k}" = i."{k}"' for k in keys)
    key_expr = " || '|' || ".join(f'CAST(i."{k}" AS VARCHAR)' for k in keys)
    changed_any = " OR ".join(f't."{f}" IS DISTINCT FROM i."{f}"' for f in fields) or "FALSE"
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE _diff AS SELECT i.*, t.\"{keys[0]}\" IS NULL AS _is_new, "
        f"({changed_any}) AS _is_changed FROM _typed i LEFT JOIN {table} t ON {join}"
    )
    new, changed, total = cur.execute(
        "SELECT count(*) FILTER (WHERE _is_new), count(*) FILTER (WHERE NOT _is_new AND _is_changed), "
        "count(*) FROM _diff"
    ).fetchone()

    def shown(side: str, f: str) -> str:  # a masked field (a password hash) is logged as changed only
        value = f'CAST({side}."{f}" AS VARCHAR)'
        return f"CASE WHEN {value} IS NULL THEN NULL ELSE '(скрыто)' END" if f in masked else value

    log_parts = [
        f"SELECT {key_expr} AS entity_key, '{f}' AS field, {shown('t', f)} AS old_value, "
        f"{shown('i', f)} AS new_value, i._source_file, i._source_row "
        f"FROM _diff i LEFT JOIN {table} t ON {join} "
        f"WHERE (i._is_new AND i.\"{f}\" IS NOT NULL) OR (NOT i._is_new AND t.\"{f}\" IS DISTINCT FROM i.\"{f}\")"
        for f in fields
    ] or [  # a table of keys only (a link): a new row is logged as a whole
        f"SELECT {key_expr} AS entity_key, '*' AS field, NULL AS old_value, 'row' AS new_value, "
        f"i._source_file, i._source_row FROM _diff i WHERE i._is_new"
    ]
    cur.execute(
        "INSERT INTO change_log (user_name, user_login, source, entity, entity_key, field, old_value, "
        "new_value, source_file, source_row, batch_id) "
        f"SELECT ?, ?, ?, '{table}', entity_key, field, old_value, new_value, _source_file, _source_row, ? "
        f"FROM ({' UNION ALL '.join(log_parts)}) ORDER BY _source_row NULLS LAST, entity_key, field",
        [user, login, source, batch_id],
    )

    audit = [c for c in _AUDIT_COLUMNS if c in types]
    cols = keys + fields + audit
    audit_values = {"updated_at": "current_timestamp", "updated_by": "?"}
    select = ", ".join([f'"{c}"' for c in keys + fields] + [audit_values[c] for c in audit])
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in fields + audit)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    cur.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM _diff "
        f"WHERE _is_new OR _is_changed ON CONFLICT ({', '.join(keys)}) {conflict}",
        [user] if "updated_by" in audit else [],
    )
    cur.execute("DROP TABLE _diff")
    cur.execute("DROP TABLE _typed")
    return UpsertResult(int(new), int(changed), int(total - new - changed))


def _typed_table(cur: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame,
                 columns: list[str], types: dict[str, str], extra: str | None = None) -> None:
    """A temp table of ``frame`` with ``columns`` cast strictly to the target table's types (a
    value that doesn't fit fails here, before anything is written)."""
    cur.register("_frame", frame)
    try:
        typed = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in columns)
        cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {typed}"
                    + (f", {extra}" if extra else "") + " FROM _frame")
    finally:
        cur.unregister("_frame")


def delete_rows(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    keys: list[str],
    fields: list[str],
    rows: pd.DataFrame,
    *,
    user: str,
    source: str,
    batch_id: int | None = None,
    login: str | None = None,
) -> int:
    """Delete the rows of ``table`` with the keys in ``rows``, logging each non-empty field's
    last value (old → empty), so a deletion is as traceable as an edit."""
    if rows.empty:
        return 0
    types = dict(cur.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
    _typed_table(cur, "_gone_typed", rows[keys].copy(), keys, types)
    join = " AND ".join(f't."{k}" = g."{k}"' for k in keys)
    key_expr = " || '|' || ".join(f'CAST(t."{k}" AS VARCHAR)' for k in keys)
    parts = [f"SELECT {key_expr} AS entity_key, '{f}' AS field, CAST(t.\"{f}\" AS VARCHAR) AS old_value "
             f"FROM {table} t JOIN _gone_typed g ON {join} WHERE t.\"{f}\" IS NOT NULL" for f in fields]
    cur.execute(
        "INSERT INTO change_log (user_name, user_login, source, entity, entity_key, field, old_value, "
        f"new_value, batch_id) SELECT ?, ?, ?, '{table}', entity_key, field, old_value, NULL, ? "
        f"FROM ({' UNION ALL '.join(parts)}) ORDER BY entity_key, field",
        [user, login, source, batch_id],
    )
    count = cur.execute(f"SELECT count(*) FROM {table} t JOIN _gone_typed g ON {join}").fetchone()[0]
    cur.execute(f"DELETE FROM {table} t USING _gone_typed g WHERE {join}")
    cur.execute("DROP TABLE _gone_typed")
    return int(count)


def log_event(
    cur: duckdb.DuckDBPyConnection,
    *,
    user: str,
    source: str,
    entity: str,
    entity_key: str,
    field: str,
    old_value: str | None,
    new_value: str | None,
    batch_id: int | None = None,
    login: str | None = None,
) -> None:
    """One change-log line for a write that is not a field value (a catalog reload, a demo)."""
    cur.execute(
        "INSERT INTO change_log (user_name, user_login, source, entity, entity_key, field, old_value, "
        "new_value, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [user, login, source, entity, entity_key, field, old_value, new_value, batch_id],
    )


def set_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    cur.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
