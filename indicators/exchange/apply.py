"""Applying a checked import plan: the last step of read → check → apply.

:func:`apply_import` writes the whole plan (``exchange.check``) through the write door in one
transaction, every value in the change log under one batch (so the import
can be undone, ``exchange.edits.undo_last``).
"""

from __future__ import annotations

import pandas as pd

from indicators.exchange.read import ImportPlan
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

# -- apply -------------------------------------------------------------------------------------

class NeedsConfirmation(ValueError):
    """The plan has open questions (``ImportPlan.questions``) and was not confirmed."""


def apply_import(db: Database, plan: ImportPlan, user: Actor, *, source: str = "import",
                 confirmed: bool = False) -> int:
    """Write a valid plan as one batch; return the batch id (for undo).

    A plan with questions (a school's name in the file that is not the name under its code) is
    written only with ``confirmed=True``: the user has seen the questions and answered yes.
    """
    if not plan.ok:
        raise ValueError("план импорта содержит ошибки: запись невозможна")
    if plan.questions and not confirmed:
        raise NeedsConfirmation(
            f"Загрузка не записана: есть вопросы ({len(plan.questions)}), на которые нужно "
            "ответить — например, название организации в файле не совпадает с названием под её "
            "кодом. Проверьте их и подтвердите загрузку.")
    with batch(db, user, source, files=plan.files, file_hashes=plan.hashes) as b:
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"],
                 ["score", "not_applicable", "evidence_url", "comment"], plan.assessments, count=True)
        b.upsert("event_status", ["event_id", "org_unit_id", "period"],
                 ["status", "evidence_url", "done_on", "comment"], plan.events, count=True)
        received = plan.assessments[["org_unit_id", "period"]].drop_duplicates()
        if len(received):
            fresh = _fresh_submissions(b.cur, received)
            if len(fresh):
                fresh = fresh.assign(status="received", received_at=pd.Timestamp.now().floor("s"))
                b.upsert("submission", ["org_unit_id", "period"], ["status", "received_at"], fresh)
    return b.id


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
