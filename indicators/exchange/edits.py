"""Writes other than an import: undo of the last import, in-place edits (with the import's
checks), acceptance and its unlock.  Each is one batch through the write door.
"""

from __future__ import annotations

import pandas as pd

from indicators.exchange.apply import apply_import
from indicators.exchange.check import check_rows
from indicators.exchange.read import ImportPlan
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch as write_batch
from indicators.words import SUBMISSION_LABELS, period_label

# table -> (keys, fields, a NOT NULL field whose restored NULL means "the row did not exist")
_TABLES = {
    "assessment": (["org_unit_id", "indicator_id", "period"],
                   ["score", "not_applicable", "evidence_url", "comment"], None),
    "event_status": (["event_id", "org_unit_id", "period"],
                     ["status", "evidence_url", "done_on", "comment"], "status"),
    "submission": (["org_unit_id", "period"],
                   ["status", "received_at", "accepted_by", "accepted_at"], "status"),
}


class RefusedError(ValueError):
    """The write was refused; the message says why, in Russian, and nothing was written."""


def last_import(db: Database) -> pd.Series | None:
    """The latest import that has not been undone."""
    frame = db.read("SELECT * FROM import_batch WHERE source = 'import' AND undone_by IS NULL "
                    "ORDER BY id DESC LIMIT 1")
    return None if frame.empty else frame.iloc[0]


def undo_last(db: Database, user: Actor) -> int:
    """Put back every value the last import changed, as it was before; return the undo batch.

    Refused (nothing written) when a value the import wrote has been changed since: undoing
    would silently discard that later edit.
    """
    batch = last_import(db)
    if batch is None:
        raise RefusedError("нет загрузки, которую можно отменить.")
    batch_id = int(batch["id"])
    files = [batch["files"]] if isinstance(batch["files"], str) else []
    with write_batch(db, user, "undo", files=files) as b:
        cur, undo = b.cur, b.id
        for table, (keys, fields, required) in _TABLES.items():
            log = cur.execute(
                "SELECT entity_key, field, old_value, new_value FROM change_log "
                "WHERE batch_id = ? AND entity = ? ORDER BY id", [batch_id, table]).df()
            if log.empty:
                continue
            current = _current(cur, table, keys, fields, log["entity_key"].unique())
            conflicts = [
                (k, f) for k, f, new in zip(log["entity_key"], log["field"], log["new_value"])
                if current.get(k, {}).get(f) != (None if pd.isna(new) else new)
            ]
            if conflicts:
                shown = "; ".join(f"{k.replace('|', ' · ')} ({f})" for k, f in conflicts[:5])
                raise RefusedError("Отменить загрузку нельзя: после неё изменены значения "
                                   f"{shown}. Исправьте их вручную.")
            restored = {k: dict(v) for k, v in current.items()}
            for k, f, old in zip(log["entity_key"], log["field"], log["old_value"]):
                restored[k][f] = None if pd.isna(old) else old
            keep, gone = [], []
            for k, values in restored.items():
                row = dict(zip(keys, k.split("|")), **values)
                empty = (values.get(required) is None if required
                         else values.get("score") is None and values.get("not_applicable") in (None, "false"))
                (gone if empty else keep).append(row)
            if keep:
                b.upsert(table, keys, fields, pd.DataFrame(keep, dtype=object))
            if gone:
                b.delete(table, keys, fields, pd.DataFrame(gone, dtype=object))
        b.mark_undone(batch_id)
    return int(undo)


def _current(cur, table: str, keys: list[str], fields: list[str], entity_keys) -> dict:
    """Stored values as text, keyed like the change log ('a|b|c')."""
    key_expr = " || '|' || ".join(f'CAST("{k}" AS VARCHAR)' for k in keys)
    cols = ", ".join(f'CAST("{f}" AS VARCHAR) AS "{f}"' for f in fields)
    frame = cur.execute(f"SELECT {key_expr} AS entity_key, {cols} FROM {table} "
                        f"WHERE list_contains(?, {key_expr})", [list(entity_keys)]).df()
    found = {k: {f: None for f in fields} for k in entity_keys}
    for row in frame.to_dict("records"):
        found[row.pop("entity_key")] = {f: (None if pd.isna(v) else v) for f, v in row.items()}
    return found


# -- in-place edits ----------------------------------------------------------------------------

def plan_edits(db: Database, unit_id: str, period: int, edited: pd.DataFrame,
               file_label: str = "правка на странице") -> ImportPlan:
    """Edited rows of a unit's indicator table → the plan an import would make, with the same
    checks (allowed scores, accepted data locked).  ``edited`` has code, score, evidence_url,
    comment; the row number in messages is the table's."""
    rows = [dict(r, unit_id=unit_id, year=period, source_file=file_label, source_row=n)
            for n, r in enumerate(edited.to_dict("records"), start=1)]
    return check_rows(db, period, rows, [], [file_label])


def plan_event_edits(db: Database, unit_id: str, period: int, edited: pd.DataFrame,
                     file_label: str = "правка на странице") -> ImportPlan:
    """Edited roadmap-event statuses of a unit → the plan the template's «Мероприятия» sheet
    would make.  ``edited`` has event_id, status (in words or a code), evidence_url, done_on,
    comment."""
    rows = [dict(r, unit_id=unit_id, year=period, source_file=file_label, source_row=n)
            for n, r in enumerate(edited.to_dict("records"), start=1)]
    return check_rows(db, period, [], rows, [file_label])


def save_edits(db: Database, plan: ImportPlan, user: Actor) -> int:
    if not plan.ok:
        raise RefusedError("; ".join(str(i) for i in plan.issues))
    return apply_import(db, plan, user, source="edit")


# -- acceptance --------------------------------------------------------------------------------

def submissions(db: Database, municipality_id: str, period: int) -> pd.DataFrame:
    """Every unit that answers for the year with its submission status (none = not sent)."""
    return db.read(
        """
        SELECT u.id AS org_unit_id, u.name, u.short_name, u.kind,
               coalesce(s.status, CASE WHEN a.n > 0 THEN 'received' END) AS status,
               s.received_at, s.accepted_by, s.accepted_at, coalesce(a.n, 0) AS values_sent
        FROM org_unit u
        LEFT JOIN submission s ON s.org_unit_id = u.id AND s.period = $p
        LEFT JOIN (SELECT org_unit_id, count(*) AS n FROM assessment WHERE period = $p
                   GROUP BY ALL) a ON a.org_unit_id = u.id
        WHERE ((u.kind = 'school' AND u.parent_id = $m) OR u.id = $m)
          AND (u.opened_period IS NULL OR $p >= u.opened_period)
          AND (u.closed_period IS NULL OR $p < u.closed_period)
        ORDER BY u.kind = 'school', u.ord, u.name
        """,
        {"p": int(period), "m": municipality_id},
    )




def submission_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Организация": frame["name"],
        "Статус": [SUBMISSION_LABELS.get(s, "Не сдано") if isinstance(s, str) else "Не сдано"
                   for s in frame["status"]],
        "Значений": frame["values_sent"].astype(int),
        "Получено": frame["received_at"].dt.strftime("%d.%m.%Y"),
        "Принято": frame["accepted_at"].dt.strftime("%d.%m.%Y"),
        "Кем принято": frame["accepted_by"],
    })


def set_submission(db: Database, unit_id: str, period: int, action: str, user: Actor) -> None:
    """``accept`` locks the unit's values for the year; ``unlock`` opens them again (logged);
    ``receive`` marks the submission received."""
    stored = db.read("SELECT * FROM submission WHERE org_unit_id = ? AND period = ?",
                     [unit_id, int(period)])
    now = pd.Timestamp.now().floor("s")
    status = None if stored.empty else stored["status"].iloc[0]
    name = db.scalar("SELECT short_name FROM org_unit WHERE id = ?", [unit_id]) or unit_id
    if action == "accept":
        if db.scalar("SELECT count(*) FROM assessment WHERE org_unit_id = ? AND period = ?",
                     [unit_id, int(period)]) == 0:
            raise RefusedError(f"{name}: за {period_label(period)} нет ни одного значения — "
                               "принимать нечего.")
        row = dict(status="accepted", accepted_by=user.name, accepted_at=now,
                   received_at=stored["received_at"].iloc[0] if len(stored) else now)
    elif action == "unlock":
        if status != "accepted":
            raise RefusedError(f"{name}: данные за {period_label(period)} не заблокированы.")
        row = dict(status="received", accepted_by=None, accepted_at=None,
                   received_at=stored["received_at"].iloc[0])
    elif action == "receive":
        if status == "accepted":
            raise RefusedError(f"{name}: данные уже приняты.")
        row = dict(status="received", received_at=now, accepted_by=None, accepted_at=None)
    else:
        raise ValueError(action)
    frame = pd.DataFrame([dict(org_unit_id=unit_id, period=int(period), **row)], dtype=object)
    with write_batch(db, user, action) as b:
        b.upsert("submission", ["org_unit_id", "period"],
                 ["status", "received_at", "accepted_by", "accepted_at"], frame)


