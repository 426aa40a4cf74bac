"""Writing a checked ВПР plan, and undoing it: the last step of read → check → apply.

:func:`apply_vpr` writes the whole plan in one batch of the write door (source «vpr-import»,
files and their hashes): participants and school reports upserted by their keys (every changed
field in the change log; a re-import of the same file changes nothing), and the stored
participants the new protocols replace deleted (each field's last value logged).  All set based:
a region's 400,000 rows are a handful of statements.

:func:`undo_vpr` puts back what a ВПР batch changed, from its change log: values as they were,
rows it added deleted, rows it deleted restored; refused when a value it wrote was changed
since (undoing would discard that later write).
"""

from __future__ import annotations

import pandas as pd

from indicators.exchange.apply import NeedsConfirmation
from indicators.exchange.edits import RefusedError
from indicators.exchange.vpr_check import FIELDS, KEYS, REPORT_FIELDS, REPORT_KEYS, VprPlan
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

# table → (keys, fields, the NOT NULL field whose restored NULL means "the row did not exist")
TABLES = {"vpr_participant": (KEYS, FIELDS, "absent"),
          "vpr_school_report": (REPORT_KEYS, REPORT_FIELDS, "participants")}


def apply_vpr(db: Database, plan: VprPlan, user: Actor, *, confirmed: bool = False) -> int:
    """Write a valid plan as one batch; return the batch id.  A plan with questions (a school's
    name that is not the one under its code, a missing scale) only with ``confirmed=True``."""
    if not plan.ok:
        raise ValueError("план загрузки ВПР содержит ошибки: запись невозможна")
    if plan.questions and not confirmed:
        raise NeedsConfirmation(f"Загрузка не записана: есть вопросы ({len(plan.questions)}), на "
                                "которые нужно ответить. Проверьте их и подтвердите загрузку.")
    with batch(db, user, "vpr-import", files=plan.files, file_hashes=plan.hashes) as b:
        if len(plan.participants):
            b.upsert("vpr_participant", KEYS, FIELDS, plan.participants, count=True)
        if len(plan.replaced):
            b.delete("vpr_participant", KEYS, FIELDS, plan.replaced)
        if len(plan.reports):
            b.upsert("vpr_school_report", REPORT_KEYS, REPORT_FIELDS, plan.reports, count=True)
    return b.id


def vpr_batches(db: Database, within: list[str] | None = None) -> pd.DataFrame:
    """The ВПР loads not undone, latest first (``within``: those that wrote only these units)."""
    frame = db.read(
        """
        SELECT b.id, b.created_at, b.user_name, b.user_login, b.files, b.new_values, b.changed,
               list_distinct(list(split_part(c.entity_key, '|', 1))) AS units
        FROM import_batch b LEFT JOIN change_log c ON c.batch_id = b.id
        WHERE b.source = 'vpr-import' AND b.undone_by IS NULL
        GROUP BY ALL ORDER BY b.id DESC
        """)
    if within is not None and len(frame):
        mine = set(within)
        frame = frame[[set(u or []) <= mine for u in frame["units"]]]
    return frame.reset_index(drop=True)


def undo_vpr(db: Database, user: Actor, batch_id: int | None = None) -> int:
    """Undo a ВПР load (the latest when ``batch_id`` is None); return the undo batch's id."""
    loads = vpr_batches(db)
    if batch_id is None:
        if loads.empty:
            raise RefusedError("нет загрузки ВПР, которую можно отменить.")
        batch_id = int(loads["id"].iloc[0])
    elif int(batch_id) not in set(loads["id"]):
        raise RefusedError(f"загрузка № {batch_id} не найдена среди загрузок ВПР или уже отменена.")
    with batch(db, user, "undo", files=[f"отмена загрузки ВПР № {batch_id}"]) as b:
        for table, (keys, fields, required) in TABLES.items():
            log = b.cur.execute("SELECT entity_key, field, old_value, new_value FROM change_log "
                                "WHERE batch_id = ? AND entity = ? ORDER BY id", [int(batch_id), table]).df()
            if log.empty:
                continue
            current = _current(b.cur, table, keys, fields, log["entity_key"].unique())
            now = current.reindex(columns=fields).stack(future_stack=True).rename("now")
            now.index = now.index.set_names(["entity_key", "field"])
            logged = log.set_index(["entity_key", "field"])
            check = logged.join(now, how="left")
            differs = pd.Series([_text(a) != _text(b) for a, b in zip(check["now"], check["new_value"])],
                                index=check.index)
            if differs.any():
                shown = "; ".join(f"{k.replace('|', ' · ')} ({f})" for k, f in check.index[differs][:5])
                raise RefusedError("Отменить загрузку нельзя: после неё изменены значения "
                                   f"{shown}. Исправьте их вручную.")
            old = logged["old_value"].unstack("field").reindex(columns=fields)
            touched = logged["old_value"].notna().unstack("field").reindex(columns=fields).fillna(False)
            was_logged = pd.Series(True, index=logged.index).unstack("field").reindex(columns=fields).fillna(False)
            restored = current.reindex(old.index).where(~was_logged.astype(bool), old.where(touched.astype(bool)))
            gone = restored[required].isna()
            parts = pd.Series(restored.index, index=restored.index).str.split("|", expand=True)
            parts.columns = keys
            frame = pd.concat([parts, restored], axis=1).reset_index(drop=True).astype(object)
            frame = frame.where(frame.notna(), None)
            keep, drop = frame[~gone.to_numpy()], frame[gone.to_numpy()]
            if len(keep):
                b.upsert(table, keys, fields, keep)
            if len(drop):
                b.delete(table, keys, fields, drop)
        b.mark_undone(int(batch_id))
    return int(b.id)


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _current(cur, table: str, keys: list[str], fields: list[str], entity_keys) -> pd.DataFrame:
    """Stored values as the change log writes them (text), indexed by the log's entity key."""
    key_expr = " || '|' || ".join(f'CAST("{k}" AS VARCHAR)' for k in keys)
    cols = ", ".join(f'CAST("{f}" AS VARCHAR) AS "{f}"' for f in fields)
    cur.register("_keys", pd.DataFrame({"k": list(entity_keys)}, dtype=object))
    try:
        frame = cur.execute(f"SELECT {key_expr} AS entity_key, {cols} FROM {table} "
                            f"WHERE {key_expr} IN (SELECT k FROM _keys)").df()
    finally:
        cur.unregister("_keys")
    return frame.set_index("entity_key").reindex(list(entity_keys)).astype(object)
