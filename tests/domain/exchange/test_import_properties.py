"""Whatever a file holds, the import answers in Russian and writes nothing (property-based).

Hypothesis mutates a real template (the demo's, ``build_template``): values of any type in any
cell, huge strings, sheets deleted, renamed or added, then possibly the bytes themselves
truncated, flipped or spliced with garbage.  For every such file ``plan_import`` must return
(no exception escapes it), every refusal, note and question must be a non-empty message in
Russian, and the database must be exactly as it was.  The run is bounded (``max_examples``, a
per-example deadline and a time budget for the whole test) so it stays under a minute.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from indicators.exchange.check import plan_import
from indicators.exchange.template import build_template
from indicators.store.database import Database
from tests.domain.exchange.test_imports import SCHOOL, YEAR, fingerprint

BUDGET_S = 45            # past this, remaining examples return at once
EXAMPLES = 150
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
SHEETS = ["Инструкция", "Оценки", "Мероприятия"]


@pytest.fixture(scope="module")
def world(demo_file, tmp_path_factory):
    """One copy of the demo for the whole run (nothing may write to it), its template and
    its fingerprint."""
    path = tmp_path_factory.mktemp("properties") / "demo.duckdb"
    shutil.copy(demo_file, path)
    db = Database(path)
    data = build_template(db, YEAR, "zaozerny", SCHOOL)
    state = {"db": db, "template": data, "before": fingerprint(db), "start": None}
    yield state
    db.close()


text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), text,
    st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(),
    st.times(), st.timedeltas(), st.sampled_from(["да", "н/п", "частично", "2024/25", "sosh-1",
                                                   "S01", "выполнено", "=1+1", "=[1]Лист1!A1"]),
    st.integers(1_000, 200_000).map(lambda n: "Ж" * n),        # huge strings
)
cell_edit = st.tuples(st.just("cell"), st.sampled_from(SHEETS + ["Лишний"]),
                      st.integers(1, 30), st.integers(1, 16), values)
sheet_name = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=20)
sheet_edit = st.one_of(
    st.tuples(st.just("delete"), st.sampled_from(SHEETS)),
    st.tuples(st.just("rename"), st.sampled_from(SHEETS), sheet_name),
    st.tuples(st.just("add"), sheet_name, st.lists(st.tuples(st.integers(1, 20), st.integers(1, 14),
                                                             values), max_size=10)),
)
byte_edit = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),   # 0 and 1 come often: empty and whole
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)),
                                        min_size=1, max_size=8)),
    st.tuples(st.just("splice"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
)
mutation = st.tuples(st.lists(st.one_of(cell_edit, sheet_edit), max_size=8),
                     st.one_of(st.none(), st.none(), byte_edit))   # bytes mangled a third of the time


def _edit_book(data: bytes, edits) -> bytes:
    """The template with the cell and sheet edits that openpyxl accepts (others are skipped)."""
    book = load_workbook(io.BytesIO(data))
    for edit in edits:
        try:
            if edit[0] == "cell":
                _, sheet, row, col, value = edit
                if sheet not in book.sheetnames:
                    book.create_sheet(sheet)
                book[sheet].cell(row, col).value = value
            elif edit[0] == "delete" and edit[1] in book.sheetnames and len(book.sheetnames) > 1:
                del book[edit[1]]
            elif edit[0] == "rename" and edit[1] in book.sheetnames:
                book[edit[1]].title = edit[2]
            elif edit[0] == "add":
                sheet = book.create_sheet(edit[1])
                for row, col, value in edit[2]:
                    sheet.cell(row, col).value = value
        except (ValueError, TypeError, KeyError):
            continue   # a value or a name openpyxl itself refuses: not a file anyone can send
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _edit_bytes(data: bytes, edit) -> bytes:
    if edit is None:
        return data
    if edit[0] == "truncate":
        return data[: int(len(data) * edit[1])]
    if edit[0] == "flip":
        raw = bytearray(data)
        for where, mask in edit[1]:
            raw[min(int(len(raw) * where), len(raw) - 1)] ^= mask
        return bytes(raw)
    at = int(len(data) * edit[1])
    return data[:at] + edit[2] + data[at:]


@settings(max_examples=EXAMPLES, deadline=timedelta(seconds=15), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutation=mutation)
def test_any_mutated_workbook_is_answered_in_russian_and_writes_nothing(world, mutation):
    world["start"] = world["start"] or time.monotonic()
    if time.monotonic() - world["start"] > BUDGET_S:
        return
    edits, bytes_edit = mutation
    try:
        data = _edit_book(world["template"], edits)
    except Exception:   # openpyxl could not save what it accepted: nothing to send
        return
    data = _edit_bytes(data, bytes_edit)
    db = world["db"]
    plan = plan_import(db, [("мутант.xlsx", data)], YEAR)
    for issue in [*plan.issues, *plan.questions]:
        assert issue.message.strip() and CYRILLIC.search(issue.message), str(issue)
        assert str(issue).startswith("Файл «мутант.xlsx»")
    for note in plan.notes:
        assert CYRILLIC.search(note), note
    assert plan.ok or plan.issues
    assert fingerprint(db) == world["before"]
