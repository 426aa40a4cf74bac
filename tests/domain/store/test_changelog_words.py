"""The change log names what a line is about as a person would: a ВПР participant's key holds
the school year second (unit | year | subject | grade | participant), not last."""

from __future__ import annotations

import pandas as pd

from indicators.store.changelog import change_log
from indicators.store.door import batch
from tests.staging import as_user


def test_a_vpr_line_reads_school_year_subject_and_grade_and_filters_by_year(demo_db):
    school = demo_db.scalar("SELECT id FROM org_unit WHERE kind = 'school' ORDER BY ord LIMIT 1")
    name = demo_db.scalar("SELECT short_name FROM org_unit WHERE id = ?", [school])
    row = pd.DataFrame([{"org_unit_id": school, "period": 2019, "subject": "math", "grade": 4,
                         "participant": "77001", "absent": False, "primary_score": 12.0,
                         "journal_mark": 4}])
    with batch(demo_db, as_user("Иванова"), "vpr-import") as b:
        b.upsert("vpr_participant", ["org_unit_id", "period", "subject", "grade", "participant"],
                 ["absent", "primary_score", "journal_mark"], row)
    log = change_log(demo_db, period=2019)
    mine = log[log["entity"] == "vpr_participant"]
    assert len(mine) and set(mine["record"]) == {f"{name} · 2019/20 · Математика · 4 кл. · участник 77001"}
    assert change_log(demo_db, period=2020).query("entity == 'vpr_participant'").empty
