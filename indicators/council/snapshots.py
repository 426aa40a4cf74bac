"""Frozen council numbers: a snapshot stores a :class:`~indicators.council.content.Council` in
the database at the moment the head chooses («данные на 20.08.2025 14:30»), so a value corrected
during the talk moves no slide; every slide of a snapshot says its date.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import fields
from datetime import datetime

import pandas as pd

from indicators.council.content import Council, build
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

# -- snapshots ---------------------------------------------------------------------------------

_SCALARS = ("municipality_id", "municipality", "period", "as_of")


def to_bytes(council: Council) -> bytes:
    """The council as a zip: its tables as Parquet, its scalars as JSON."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        meta = {k: getattr(council, k) for k in _SCALARS}
        meta["as_of"] = council.as_of.isoformat()
        z.writestr("meta.json", json.dumps(meta, ensure_ascii=False))
        for f in fields(council):
            value = getattr(council, f.name)
            if isinstance(value, pd.DataFrame):
                buf = io.BytesIO()
                value.to_parquet(buf, index=False)
                z.writestr(f"{f.name}.parquet", buf.getvalue())
    return out.getvalue()


def from_bytes(data: bytes, snapshot_id: int | None = None) -> Council:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = json.loads(z.read("meta.json"))
        frames = {f.name: pd.read_parquet(io.BytesIO(z.read(f"{f.name}.parquet")))
                  for f in fields(Council) if f"{f.name}.parquet" in z.namelist()}
    return Council(municipality_id=meta["municipality_id"], municipality=meta["municipality"],
                   period=int(meta["period"]), as_of=datetime.fromisoformat(meta["as_of"]),
                   snapshot_id=snapshot_id, **frames)


def freeze(db: Database, period: int, municipality_id: str, user: Actor,
           now: datetime | None = None) -> int:
    """Store the council's numbers as they are now; return the snapshot's number."""
    council = build(db, period, municipality_id, now)
    with batch(db, user, "council") as b:
        snap = b.sql(
            "INSERT INTO council_snapshot (municipality_id, period, taken_at, taken_by, payload) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [municipality_id, int(period), council.as_of, user.name, to_bytes(council)],
            table="council_snapshot", units=[municipality_id]).fetchone()[0]
        b.log("council_snapshot", f"{municipality_id}|{period}|{snap}", "taken_at", None,
              f"{council.as_of:%Y-%m-%d %H:%M:%S}")
    return int(snap)


def snapshots(db: Database, municipality_id: str, period: int) -> pd.DataFrame:
    """The stored snapshots of a year, newest first: id, taken_at, taken_by."""
    return db.read("SELECT id, taken_at, taken_by FROM council_snapshot WHERE municipality_id = ? "
                   "AND period = ? ORDER BY id DESC", [municipality_id, int(period)])


class SnapshotError(ValueError):
    """A snapshot asked for does not exist (the message is Russian)."""


def load(db: Database, snapshot_id: int) -> Council:
    data = db.scalar("SELECT payload FROM council_snapshot WHERE id = ?", [int(snapshot_id)])
    if data is None:
        raise SnapshotError(f"снимок данных № {snapshot_id} не найден")
    return from_bytes(bytes(data), int(snapshot_id))


