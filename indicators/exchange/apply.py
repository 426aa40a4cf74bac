"""Schools' filled templates back into the database: read, validate everything, preview, apply.

Nothing is written until every file is valid: :func:`plan_import` reads and checks all of them
and returns the plan (rows to write, each change old → new, the counts) or the list of
problems, each naming file, sheet, row and column in Russian.  :func:`apply_import` then writes
the whole plan in one transaction, every value in the change log under one batch (so the import
can be undone, ``batches.undo_last``).
"""

from __future__ import annotations


import pandas as pd

from indicators.store.database import Database
from indicators.store.upsert import upsert
from indicators.exchange.read import ImportPlan


# -- apply -------------------------------------------------------------------------------------

def apply_import(db: Database, plan: ImportPlan, user: str, *, source: str = "import") -> int:
    """Write a valid plan in one transaction; return the batch id (for undo)."""
    if not plan.ok:
        raise ValueError("план импорта содержит ошибки: запись невозможна")
    with db.transaction() as cur:
        batch = cur.execute(
            "INSERT INTO import_batch (user_name, source, files, file_hashes) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            [user, source, "; ".join(plan.files), ",".join(plan.hashes)],
        ).fetchone()[0]
        result_a = upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"],
                          ["score", "not_applicable", "evidence_url", "comment"], plan.assessments,
                          user=user, source=source, batch_id=batch)
        result_e = upsert(cur, "event_status", ["event_id", "org_unit_id", "period"],
                          ["status", "evidence_url", "done_on", "comment"], plan.events,
                          user=user, source=source, batch_id=batch)
        received = plan.assessments[["org_unit_id", "period"]].drop_duplicates()
        if len(received):
            fresh = _fresh_submissions(cur, received)
            if len(fresh):
                fresh = fresh.assign(status="received", received_at=pd.Timestamp.now().floor("s"))
                upsert(cur, "submission", ["org_unit_id", "period"], ["status", "received_at"],
                       fresh, user=user, source=source, batch_id=batch)
        cur.execute("UPDATE import_batch SET new_values = ?, changed = ?, unchanged = ? WHERE id = ?",
                    [result_a.new + result_e.new, result_a.changed + result_e.changed,
                     result_a.unchanged + result_e.unchanged, batch])
    return int(batch)


def _fresh_submissions(cur, received: pd.DataFrame) -> pd.DataFrame:
    """The (unit, year) pairs of ``received`` with no submission record yet."""
    cur.register("_received", received)
    try:
        return cur.execute(
            "SELECT r.org_unit_id, r.period FROM _received r LEFT JOIN submission s "
            "ON s.org_unit_id = r.org_unit_id AND s.period = r.period WHERE s.org_unit_id IS NULL"
        ).df()
    finally:
        cur.unregister("_received")
