"""The compliance summary the write door keeps (issue 15, point 2).

After every kind of write — the demo, a generated scale, imports (one of a new school year),
edits on the page, a value marked not applicable or deleted, undo, catalog changes from the
shipped files and from a municipality's file, acceptance, recommendations, a council snapshot —
the table must equal the sums computed from scratch (``summary.FROM_SCRATCH_SQL``) over the
whole range of school years, and the measures that read it must give the numbers worked out
here by hand from the raw tables.  A failed or refused write leaves it as it was; a database
upgraded from schema 8 gets it filled; random sequences of writes keep it exact.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from indicators import config
from indicators.access.users import add_user
from indicators.catalog.adoption import adopt
from indicators.catalog.tables import sync_catalog
from indicators.council.snapshots import freeze
from indicators.exchange.apply import apply_import
from indicators.exchange.catalog_file import apply_catalog, current_catalog, plan_catalog
from indicators.exchange.edits import RefusedError, plan_edits, save_edits, set_submission, undo_last
from indicators.measures.compliance import aggregate_compliance, compliance
from indicators.measures.recommendations import needing_support
from indicators.measures.recommendations import save as save_recommendation
from indicators.measures.roadmap import set_due_dates
from indicators.store import summary
from indicators.store.actors import AccessDenied
from indicators.store.database import Database
from indicators.store.door import SUMMARY_REBUILT_BY, batch
from indicators.synthetic.generate import generate
from indicators.text import safe_link
from tests.staging import as_user, changed_plan

ROOT = Path(__file__).resolve().parents[3]
YEAR, SCHOOL, MUNI = 2024, "sosh-6", "zaozerny"
KEY = ["org_unit_id", "period", "direction_id", "criterion_id", "stage"]
COUNTS = ["expected", "assessed", "evidenced", "linked"]
ADMIN = as_user("Администратор")
VALUE_FIELDS = ["score", "not_applicable", "evidence_url", "comment"]
VALUE_KEYS = ["org_unit_id", "indicator_id", "period"]


# -- the checks ------------------------------------------------------------------------------------

def years(db: Database) -> tuple[int, int] | None:
    lo, hi = db.rows("SELECT min(period), max(period) FROM assessment")[0]
    return None if lo is None else (lo, hi)


def assert_exact(db: Database, *units: str) -> None:
    """The kept table equals the sums from scratch over the whole range (same rows both ways,
    the same number of rows, no key twice, the float sums within 1e-9), and the measures
    reading it give, for ``units`` (and their municipality), the numbers counted by hand."""
    span = years(db)
    if span is None:
        assert db.scalar("SELECT count(*) FROM compliance_summary") == 0
        return
    key, counts = ", ".join(KEY), ", ".join(COUNTS)
    fresh = f"({summary.FROM_SCRATCH_SQL})"
    params = {"units": None, "periods": list(range(span[0], span[1] + 1))}
    kept_n, fresh_n, keys_n, only_kept, only_fresh, sums_off = db.rows(
        f"""
        SELECT (SELECT count(*) FROM compliance_summary), (SELECT count(*) FROM {fresh}),
               (SELECT count(*) FROM (SELECT DISTINCT {key} FROM compliance_summary)),
               (SELECT count(*) FROM (SELECT {key}, {counts} FROM compliance_summary
                                      EXCEPT SELECT {key}, {counts} FROM {fresh})),
               (SELECT count(*) FROM (SELECT {key}, {counts} FROM {fresh}
                                      EXCEPT SELECT {key}, {counts} FROM compliance_summary)),
               (SELECT count(*) FROM compliance_summary k JOIN {fresh} f USING ({key})
                WHERE (k.score_sum IS NULL) <> (f.score_sum IS NULL)
                   OR (k.max_sum IS NULL) <> (f.max_sum IS NULL)
                   OR abs(k.score_sum - f.score_sum) > 1e-9 OR abs(k.max_sum - f.max_sum) > 1e-9)
        """, params)[0]
    assert (only_kept, only_fresh, sums_off) == (0, 0, 0), _difference(db, fresh, params)
    assert kept_n == fresh_n == keys_n
    for unit in units:
        _measures_by_hand(db, unit, span)


def _difference(db: Database, fresh: str, params: dict) -> str:
    cols = ", ".join(KEY + COUNTS)
    kept = db.read(f"SELECT {cols} FROM compliance_summary EXCEPT SELECT {cols} FROM {fresh} "
                   "ORDER BY ALL LIMIT 10", params)
    missing = db.read(f"SELECT {cols} FROM {fresh} EXCEPT SELECT {cols} FROM compliance_summary "
                      "ORDER BY ALL LIMIT 10", params)
    return f"kept, not from scratch:\n{kept}\nfrom scratch, not kept:\n{missing}"


def _by_hand(db: Database, unit: str, period: int) -> dict:
    """One unit's year counted from org_unit, indicator and assessment in Python."""
    kind, opened, closed = db.rows("SELECT kind, opened_period, closed_period FROM org_unit "
                                   "WHERE id = ?", [unit])[0]
    out = dict(applicable=0, expected=0, assessed=0, score_sum=0.0, max_sum=0.0, evidenced=0, linked=0)
    if (opened is not None and period < opened) or (closed is not None and period >= closed):
        return out
    values = {r[0]: r[1:] for r in db.rows("SELECT indicator_id, score, not_applicable, evidence_url "
                                           "FROM assessment WHERE org_unit_id = ? AND period = ?",
                                           [unit, period])}
    for code, max_score, first, last in db.rows(
            "SELECT id, max_score, first_period, last_period FROM indicator WHERE level = ?", [kind]):
        if period < first or (last is not None and period > last):
            continue
        out["applicable"] += 1
        score, na, url = values.get(code, (None, False, None))
        if na:
            continue
        out["expected"] += 1
        if score is not None:
            out["assessed"] += 1
            out["score_sum"] += score
            out["max_sum"] += max_score
            out["evidenced"] += score > 0
            out["linked"] += score > 0 and safe_link(url) is not None
    return out


def _same(row: pd.Series, hand: dict) -> None:
    assert (int(row["expected"]), int(row["assessed"])) == (hand["expected"], hand["assessed"])
    if hand["assessed"]:
        assert row["score_sum"] == pytest.approx(hand["score_sum"])
        assert row["max_sum"] == pytest.approx(hand["max_sum"])
        assert row["compliance"] == pytest.approx(hand["score_sum"] / hand["max_sum"])
    else:
        assert pd.isna(row["compliance"])


def _measures_by_hand(db: Database, unit: str, span: tuple[int, int]) -> None:
    """``compliance`` of the unit and ``aggregate_compliance`` of its municipality, every year of
    the range, against the counts by hand."""
    kind, parent = db.rows("SELECT kind, parent_id FROM org_unit WHERE id = ?", [unit])[0]
    every = list(range(span[0], span[1] + 1))
    mine = compliance(db, every, kind=kind, unit_id=unit).set_index("period")
    for period in every:
        hand = _by_hand(db, unit, period)
        if hand["applicable"] == 0:
            assert period not in mine.index, (unit, period)
        else:
            _same(mine.loc[period], hand)
        assert db.rows("SELECT coalesce(sum(evidenced), 0), coalesce(sum(linked), 0) FROM compliance_summary "
                       "WHERE org_unit_id = ? AND period = ?", [unit, period])[0] == (
            hand["evidenced"], hand["linked"]), (unit, period)
    if kind != "school":
        return
    pooled = aggregate_compliance(db, every, parent_id=parent).set_index("period")
    schools = [r[0] for r in db.rows("SELECT id FROM org_unit WHERE parent_id = ? AND kind = 'school'",
                                     [parent])]
    for period in every:
        hands = [_by_hand(db, s, period) for s in schools]
        if not any(h["applicable"] for h in hands):
            continue
        total = {k: sum(h[k] for h in hands) for k in ("expected", "assessed", "score_sum", "max_sum")}
        row = pooled.loc[period]
        _same(row, total)
        assert int(row["units"]) == sum(h["expected"] > 0 for h in hands)
        assert int(row["units_submitted"]) == sum(h["assessed"] > 0 for h in hands)


def kept(db: Database) -> str:
    return db.read("SELECT * FROM compliance_summary ORDER BY ALL").to_csv()


@pytest.fixture
def rebuilds(monkeypatch):
    """How many times the summary was rebuilt whole (a value write must not rebuild)."""
    calls = []
    whole = summary.rebuild

    def counted(cur):
        calls.append(1)
        whole(cur)
    monkeypatch.setattr(summary, "rebuild", counted)
    return calls


# -- the writes -------------------------------------------------------------------------------------

def _edit(db: Database, code: str, score, unit: str = SCHOOL, period: int = YEAR,
          url: str | None = None) -> None:
    plan = plan_edits(db, unit, period, pd.DataFrame(
        [{"code": code, "score": score, "evidence_url": url, "comment": None}]))
    save_edits(db, plan, as_user("Сидоров"))


def _changed_plan(db: Database):
    """A school's template with one score changed: an import that writes one value."""
    return changed_plan(db, YEAR, MUNI, SCHOOL)


def test_the_demo_and_a_generated_municipality_are_summed_whole(db, tmp_path):
    assert db.scalar("SELECT count(*) FROM compliance_summary") > 0
    assert years(db) == (2020, 2024)
    assert_exact(db, SCHOOL, "nosh-7", MUNI)
    synthetic = Database(tmp_path / "s.duckdb")
    sync_catalog(synthetic)
    generate(synthetic, "municipal")
    assert years(synthetic) == (2015, 2024)
    assert_exact(synthetic, "s00001", "s00015", "m0001")
    synthetic.close()


def test_an_import_and_its_undo_refresh_without_a_rebuild(db, rebuilds):
    apply_import(db, _changed_plan(db), as_user("Иванова"))
    assert_exact(db, SCHOOL)
    undo_last(db, as_user("Иванова"))
    assert_exact(db, SCHOOL)
    assert not rebuilds


def test_an_import_of_a_new_year_adds_it_for_every_unit_and_its_undo_takes_it_away(db, rebuilds):
    before = kept(db)
    plan = plan_edits(db, SCHOOL, YEAR + 1, pd.DataFrame(
        [{"code": "S01", "score": 2, "evidence_url": "https://x.ru/a.pdf", "comment": None},
         {"code": "S02", "score": "н/п", "evidence_url": None, "comment": None}]))
    assert plan.ok, [str(i) for i in plan.issues]
    apply_import(db, plan, as_user("Иванова"))
    assert years(db) == (2020, YEAR + 1)
    units = db.scalar("SELECT count(DISTINCT org_unit_id) FROM compliance_summary WHERE period = ?", [YEAR + 1])
    assert units == db.scalar("SELECT count(DISTINCT org_unit_id) FROM compliance_summary WHERE period = ?", [YEAR])
    assert_exact(db, SCHOOL, "sosh-1")
    undo_last(db, as_user("Иванова"))
    assert years(db) == (2020, YEAR)
    assert_exact(db, SCHOOL)
    assert kept(db) == before
    assert not rebuilds


def test_page_edits_a_value_not_applicable_and_a_deleted_value(db, rebuilds):
    _edit(db, "S01", 0)
    assert_exact(db, SCHOOL)
    _edit(db, "S03", "н/п")
    assert_exact(db, SCHOOL)
    _edit(db, "S04", 1, url="  https://school.ru/plan.pdf")   # evidenced and linked
    _edit(db, "S05", 2, url="file:///c:/plan.docx")           # evidenced, not linked
    assert_exact(db, SCHOOL)
    with batch(db, ADMIN, "edit") as b:
        b.delete("assessment", VALUE_KEYS, VALUE_FIELDS,
                 pd.DataFrame([dict(org_unit_id=SCHOOL, indicator_id="S02", period=YEAR),
                               dict(org_unit_id=MUNI, indicator_id="M01", period=2021)]))
    assert_exact(db, SCHOOL, MUNI)
    assert not rebuilds


def test_a_raw_statement_on_the_values_rebuilds(db, rebuilds):
    """``Batch.sql`` is not logged field by field: naming a summed table, it rebuilds."""
    with batch(db, ADMIN, "edit") as b:
        b.sql("UPDATE assessment SET score = 0 WHERE org_unit_id = ? AND period = ? AND score > 0",
              [SCHOOL, YEAR], table="assessment", units=[SCHOOL])
    assert rebuilds == [1]
    assert_exact(db, SCHOOL)


def test_deleting_every_value_of_the_first_year_shrinks_the_range(db):
    with batch(db, ADMIN, "edit") as b:
        gone = b.cur.execute("SELECT org_unit_id, indicator_id, period FROM assessment "
                             "WHERE period = 2020").df()
        b.delete("assessment", VALUE_KEYS, VALUE_FIELDS, gone)
    assert years(db) == (2021, 2024)
    assert db.scalar("SELECT min(period) FROM compliance_summary") == 2021
    assert_exact(db, SCHOOL)
    with batch(db, ADMIN, "edit") as b:
        gone = b.cur.execute("SELECT org_unit_id, indicator_id, period FROM assessment").df()
        b.delete("assessment", VALUE_KEYS, VALUE_FIELDS, gone)
    assert years(db) is None
    assert_exact(db)


def test_the_shipped_catalog_changing_an_indicators_years(db, tmp_path):
    folder = tmp_path / "catalog"
    shutil.copytree(config.CATALOG_DIR, folder)
    path = folder / "indicators.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["code"] == "S05", "first_period"] = "2022"
    frame.loc[frame["code"] == "S11", "last_period"] = "2023"
    frame.loc[frame["code"] == "M03", "last_period"] = "2021"
    frame.to_csv(path, index=False)
    before = kept(db)
    assert sync_catalog(db, folder)
    assert db.rows("SELECT first_period FROM indicator WHERE id = 'S05'") == [(2022,)]
    assert kept(db) != before
    assert_exact(db, SCHOOL, "sosh-1", MUNI)
    shutil.copy(config.CATALOG_DIR / "indicators.csv", path)   # and back
    assert sync_catalog(db, folder)
    assert kept(db) == before
    assert_exact(db, SCHOOL, MUNI)


def _catalog_file(db: Database, change) -> None:
    book = load_workbook(io.BytesIO(current_catalog(db, MUNI)))
    change(book)
    out = io.BytesIO()
    book.save(out)
    plan = plan_catalog(db, "каталог.xlsx", out.getvalue(), MUNI)
    assert plan.ok, [str(i) for i in plan.issues]
    apply_catalog(db, plan, as_user("Петрова"))


def test_a_municipalitys_catalog_file_closing_opening_schools_and_retiring_an_indicator(db, rebuilds):
    later = []

    def schools(book):
        sheet = book["Школы"]
        sheet.append(["sosh-13", "МБОУ «СОШ № 13»", "СОШ № 13", "СОШ", "2023/24", None])
        assert sheet["A7"].value == SCHOOL
        sheet["F7"] = "2022/23"                     # sosh-6 closes
        sheet["E3"] = "2021/22"                     # the second school opened later
        later.append(sheet["A3"].value)
    _catalog_file(db, schools)
    assert db.rows("SELECT closed_period FROM org_unit WHERE id = ?", [SCHOOL]) == [(2022,)]
    assert db.rows("SELECT opened_period FROM org_unit WHERE id = ?", later) == [(2021,)]
    assert rebuilds == []                           # units only: their rows refreshed
    assert_exact(db, SCHOOL, "sosh-13", *later)

    def reopen(book):
        book["Школы"]["F7"] = None
    _catalog_file(db, reopen)
    assert db.rows("SELECT closed_period FROM org_unit WHERE id = ?", [SCHOOL]) == [(None,)]
    assert_exact(db, SCHOOL)

    def retire(book):
        sheet = book["Показатели"]
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "S09")
        sheet.cell(row, 11).value = "2022/23"       # «Действует по»
    _catalog_file(db, retire)
    assert db.rows("SELECT last_period FROM indicator WHERE id = 'S09'") == [(2022,)]
    assert rebuilds == [1]
    assert_exact(db, SCHOOL, "sosh-1")


def test_acceptance_recommendations_and_a_snapshot(db, rebuilds):
    before = kept(db)
    set_submission(db, SCHOOL, YEAR, "accept", as_user("Петрова"))
    set_submission(db, SCHOOL, YEAR, "unlock", as_user("Петрова"))
    freeze(db, YEAR, MUNI, as_user("Петрова"))
    assert kept(db) == before
    school = needing_support(db, YEAR, MUNI)["org_unit_id"].iloc[0]
    save_recommendation(db, school, YEAR, "Провести аудит.", "тест", approve=True,
                        user=as_user("Петрова"))
    assert db.scalar("SELECT score FROM assessment WHERE org_unit_id = ? AND indicator_id = 'M11' "
                     "AND period = ?", [MUNI, YEAR]) == 1.0      # the municipal indicator it evidences
    assert kept(db) != before
    assert_exact(db, MUNI, school)
    assert not rebuilds


def test_writes_of_other_tables_leave_it_alone(db, rebuilds):
    """Roadmap adoption, due dates, users and «received» write no value, unit or indicator."""
    before = kept(db)
    adopt(db, pd.DataFrame([dict(unit_id=MUNI, direction_id="zaozersk", period_from=2021,
                                 period_to=2024, basis="приказ")]), as_user("Петрова"))
    event = db.scalar("SELECT id FROM roadmap_event ORDER BY id LIMIT 1")
    set_due_dates(db, pd.DataFrame([dict(event_id=event, period=YEAR, due_on=date(2025, 5, 1))]),
                  as_user("Петрова"))
    add_user(db, ADMIN, "operator", "Оператор", "school_editor", SCHOOL, password="длинный-пароль-1")
    set_submission(db, "nosh-7", YEAR, "receive", as_user("Петрова"))
    assert kept(db) == before
    assert not rebuilds


def test_a_failed_or_refused_write_leaves_the_summary_as_it_was(db):
    before, version = kept(db), db.data_version()
    with pytest.raises(RuntimeError):
        with batch(db, ADMIN, "import") as b:
            b.upsert("assessment", VALUE_KEYS, VALUE_FIELDS, pd.DataFrame(
                [dict(org_unit_id=SCHOOL, indicator_id="S01", period=YEAR + 3, score=0.0,
                      not_applicable=False, evidence_url=None, comment=None)], dtype=object))
            raise RuntimeError("the disk is full")
    with pytest.raises(AccessDenied):   # another school's operator
        save_edits(db, plan_edits(db, SCHOOL, YEAR, pd.DataFrame(
            [{"code": "S01", "score": 0, "evidence_url": None, "comment": None}])),
            as_user("Оператор", "school_editor", "sosh-1"))
    assert (kept(db), db.data_version()) == (before, version)
    batch_id = apply_import(db, _changed_plan(db), as_user("Иванова"))
    code = db.scalar("SELECT split_part(entity_key, '|', 2) FROM change_log WHERE batch_id = ? "
                     "AND entity = 'assessment'", [batch_id])
    _edit(db, code, 1)                  # the imported value edited since: undo is refused
    edited = kept(db)
    assert edited != before
    with pytest.raises(RefusedError):
        undo_last(db, as_user("Иванова"))
    assert kept(db) == edited
    assert_exact(db, SCHOOL)


def test_a_database_upgraded_from_schema_8_gets_its_summary_filled(db):
    before = kept(db)
    with db.write_cursor() as cur:   # back to the schema before 009, then migrate again
        cur.execute("DROP TABLE compliance_summary")
        cur.execute("DELETE FROM schema_migration WHERE version = 9")
    assert db.migrate() == [9]
    assert kept(db) == before
    assert_exact(db, SCHOOL)


def test_an_empty_database_has_an_empty_summary(tmp_path):
    empty = Database(tmp_path / "e.duckdb")
    sync_catalog(empty)
    assert empty.scalar("SELECT count(*) FROM compliance_summary") == 0
    assert_exact(empty)
    empty.close()


# -- random writes ----------------------------------------------------------------------------------

UNITS = ["sch-a", "sch-b", "sch-c", "mun"]
PERIODS = st.integers(2019, 2026)
_value = st.tuples(st.just("value"), st.sampled_from(UNITS), st.integers(1, 4), PERIODS,
                   st.sampled_from([0.0, 1.0, 2.0, None]), st.sampled_from([None, "https://a.ru/x", "нет"]),
                   st.sampled_from(["import", "edit", "recommendation"]))
_delete = st.tuples(st.just("delete"), st.sampled_from(UNITS), st.integers(1, 4), PERIODS)
_unit = st.tuples(st.just("unit"), st.sampled_from(UNITS[:3]), st.one_of(st.none(), PERIODS),
                  st.one_of(st.none(), PERIODS))
_indicator = st.tuples(st.just("indicator"), st.sampled_from(["S01", "S03", "M02"]), PERIODS,
                       st.one_of(st.none(), PERIODS))
_other = st.sampled_from([("undo",), ("fail",), ("accept",)])
OPERATIONS = st.lists(st.one_of(_value, _value, _delete, _unit, _indicator, _other), min_size=1, max_size=6)


def _apply(db: Database, op: tuple) -> None:
    kind = op[0]
    if kind == "value":
        _, unit, number, period, score, url, source = op
        code = ("M" if unit == "mun" else "S") + f"{number:02d}"
        with batch(db, ADMIN, source) as b:
            b.upsert("assessment", VALUE_KEYS, VALUE_FIELDS, pd.DataFrame(
                [dict(org_unit_id=unit, indicator_id=code, period=period, score=score,
                      not_applicable=score is None, evidence_url=url, comment=None)], dtype=object))
    elif kind == "delete":
        _, unit, number, period = op
        code = ("M" if unit == "mun" else "S") + f"{number:02d}"
        with batch(db, ADMIN, "undo") as b:
            b.delete("assessment", VALUE_KEYS, VALUE_FIELDS, pd.DataFrame(
                [dict(org_unit_id=unit, indicator_id=code, period=period)], dtype=object))
    elif kind == "unit":
        _, unit, opened, closed = op
        with batch(db, ADMIN, "catalog-file") as b:
            b.upsert("org_unit", ["id"], ["opened_period", "closed_period"], pd.DataFrame(
                [dict(id=unit, opened_period=opened, closed_period=closed)], dtype=object))
    elif kind == "indicator":
        _, code, first, last = op
        with batch(db, ADMIN, "catalog") as b:
            b.upsert("indicator", ["id"], ["first_period", "last_period"], pd.DataFrame(
                [dict(id=code, first_period=first, last_period=last)], dtype=object))
    elif kind == "undo":
        try:
            undo_last(db, ADMIN)
        except RefusedError:
            pass
    elif kind == "fail":
        with pytest.raises(ZeroDivisionError):
            with batch(db, ADMIN, "edit") as b:
                b.delete("assessment", VALUE_KEYS, VALUE_FIELDS,
                         b.cur.execute("SELECT org_unit_id, indicator_id, period FROM assessment").df())
                1 / 0
    elif kind == "accept":
        with batch(db, ADMIN, "accept") as b:
            b.upsert("submission", ["org_unit_id", "period"], ["status"], pd.DataFrame(
                [dict(org_unit_id="sch-a", period=2024, status="accepted")], dtype=object))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_random_writes_keep_the_summary_exact(tiny_db, operations):
    """One database through every example: whatever state the last one left, each write keeps
    the table equal to the sums from scratch."""
    for op in operations:
        _apply(tiny_db, op)
        assert_exact(tiny_db)
    assert_exact(tiny_db, "sch-a", "mun")


# -- no raw write the summary would miss --------------------------------------------------------------

_RAW_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\{|assessment\b|indicator\b|org_unit\b)",
                        re.IGNORECASE)


def test_raw_sql_writes_the_summed_tables_only_under_a_source_that_rebuilds():
    """The door follows a batch's change log; only the writes it rebuilds after may write the
    values, the units or the indicators in raw SQL (their ``batch`` source must say so)."""
    found = {}
    for path in sorted((ROOT / "indicators").rglob("*.py")):
        if path.parent.name == "store":
            continue
        text = path.read_text(encoding="utf-8")
        if _RAW_WRITE.search(text):
            found[path.relative_to(ROOT).as_posix()] = set(re.findall(r'batch\(db, \w+, "([a-z-]+)"', text))
    # the catalog sync deletes rows by a table name in an f-string, logging each one it deletes
    assert found.pop("indicators/catalog/tables.py") == {"catalog"}
    assert found == {"indicators/synthetic/generate.py": {"generate"}}
    assert found["indicators/synthetic/generate.py"] <= SUMMARY_REBUILT_BY
