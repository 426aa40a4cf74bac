"""Every figure says what it counts, the same way everywhere (issue 14, point 3): worked out by
hand on ``tiny_db`` (the table in tests/conftest.py).

* a retired indicator is gone from the years after its last period (picker, ranking);
* a unit whose indicators are all «не применяется» reads words, never ``not_applicable``;
* one rule for a document link and one set of values (those scored above zero) for both the
  evidence-coverage share and the list of values without a link;
* Динамика's rises and falls hold every school whose change the Overview shows, ties by name;
* the status × change grid counts municipalities as municipalities at region level.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from indicators import charts
from indicators.measures.change import Bands, grid_counts, place
from indicators.measures.compliance import compliance
from indicators.measures.selection import selection_status
from indicators.store.upsert import upsert
from indicators.text import LINK_SQL, safe_link
from indicators.views.by_indicator import indicator_choices, indicator_ranking, indicator_view
from indicators.views.overview import overview
from indicators.views.school import school_profile
from indicators.views.scope import Scope
from indicators.views.trends import trends
from indicators.words import LEVEL_LABELS
from tests.domain.measures.test_measures import one
from tests.staging import staged

approx = pytest.approx
TINY = Scope(2024, municipality_id="mun")


def _retire_s11_after_2023(db) -> None:
    with staged(db) as cur:
        cur.execute("UPDATE indicator SET last_period = 2023 WHERE id = 'S11'")


def _values(db, rows: list[dict], columns: list[str]) -> None:
    with staged(db) as cur:
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"], columns,
               pd.DataFrame(rows, dtype=object), user="тест", source="test")


# -- words -------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, word", [
    (0, "школ"), (1, "школа"), (2, "школы"), (4, "школы"), (5, "школ"), (11, "школ"),
    (12, "школ"), (14, "школ"), (21, "школа"), (22, "школы"), (25, "школ"), (101, "школа"),
    (111, "школ"), (112, "школ"),
])
def test_plural_agrees_the_noun_with_the_number(n, word):
    from indicators.words import counted, plural

    assert plural(n, "школа", "школы", "школ") == word
    assert counted(n, "школа", "школы", "школ") == f"{n} {word}"


# -- retired indicators -------------------------------------------------------------------------

def test_a_retired_indicator_leaves_the_picker_and_the_ranking_after_its_last_period(tiny_db):
    """S11 retired after 2023: offered and ranked in 2023, neither in 2024 — not even as a row
    of zeros at the bottom of the ranking.  Its group «decisions» stays (S10 is in force)."""
    _retire_s11_after_2023(tiny_db)
    in_2024 = indicator_choices(tiny_db, None, 2024)
    assert "S11" not in [c.key for c in in_2024]
    assert not any("S11" in c.label for c in in_2024)
    assert "decisions" in [c.key for c in in_2024]
    assert "S11" in [c.key for c in indicator_choices(tiny_db, None, 2023)]
    ranking = indicator_ranking(tiny_db, TINY)
    assert "S11" not in set(ranking["indicator_id"]) and len(ranking) == 10
    assert "S11" in set(indicator_ranking(tiny_db, Scope(2023, municipality_id="mun"))["indicator_id"])


# -- not applicable is a word ---------------------------------------------------------------------

def test_a_school_with_every_indicator_not_applicable_reads_words(tiny_db):
    """sch-b 2024 marked «не применяется» on all eleven: its level is not_applicable, which every
    table, chart text and reason reads as «Не применяется», never as the code."""
    _values(tiny_db, [dict(org_unit_id="sch-b", indicator_id=f"S{n:02d}", period=2024, score=None,
                           not_applicable=True) for n in range(1, 12)], ["score", "not_applicable"])
    b = one(compliance(tiny_db, [2024], parent_id="mun"), org_unit_id="sch-b")
    assert (b.expected, b.level) == (0, "not_applicable")
    assert LEVEL_LABELS["not_applicable"] == "Не применяется"

    view = overview(tiny_db, TINY)
    table = charts.compliance_table(view.schools).set_index("Организация")
    assert table.loc["Школа Б (полное)", "Уровень"] == "Не применяется"
    bars = charts.compliance_bars(view.schools, "Соответствие")
    shown = " ".join(list(bars.data[0].text) + list(bars.data[0].hovertext))
    assert "not_applicable" not in shown and "Не применяется" in shown

    profile = school_profile(tiny_db, TINY, "sch-b")
    history = charts.history_table(profile.history).set_index("Учебный год")
    assert history.loc["2024/25", "Уровень"] == "Не применяется"

    t = trends(tiny_db, TINY)
    assert one(t.placed, org_unit_id="sch-b").unrated == "показатели не применяются в этом году"
    placement = charts.placement_table(t.placed, t.bands)
    words = placement.astype(str).to_string()
    assert "not_applicable" not in words and "nan" not in words.split()


# -- one document link -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "https://x.ru/a.pdf", "  HTTP://y.ru/b ", "\thttps://x.ru/a", "\nhttps://x.ru/a",
    "https://\u00a0x.ru", "\u00a0https://x.ru", "https://", "https:// x", "file:///c:/a.pdf",
    "javascript:alert(1)", "ftp://x.ru", "см. https://x.ru", "", "https://x.ru/a b",
])
def test_the_sql_rule_and_the_python_rule_for_a_link_agree(text):
    in_sql = duckdb.execute("SELECT " + LINK_SQL.format("$1"), [text]).fetchone()[0]
    assert in_sql == (safe_link(text) is not None), repr(text)


def test_evidence_coverage_and_the_unlinked_list_count_the_same_values(tiny_db):
    """goal_justified 2024: S01..S03 of sch-a and sch-b, all scored 2 → six values above zero.
    sch-a S01 has a link after a tab, S02 a proper link: two are linked, four are listed.

    decisions 2024 with S11 retired after 2023: S10 of sch-a and sch-b count (both 2, no link);
    the stored S11 values of 2024 are not expected, so neither the share nor the list holds them.
    """
    _values(tiny_db, [
        dict(org_unit_id="sch-a", indicator_id="S01", period=2024, evidence_url="\thttps://x.ru/a.pdf"),
        dict(org_unit_id="sch-a", indicator_id="S02", period=2024, evidence_url="https://x.ru/b.pdf"),
    ], ["evidence_url"])
    goal = indicator_view(tiny_db, TINY, "goal_justified")
    cov = goal.coverage.set_index("period").loc[2024]
    assert (cov["evidenced"], cov["linked"]) == (6, 2)
    assert [(u, c) for u, c in zip(goal.unlinked["org_unit_id"], goal.unlinked["code"])] == [
        ("sch-a", "S03"), ("sch-b", "S01"), ("sch-b", "S02"), ("sch-b", "S03")]

    _retire_s11_after_2023(tiny_db)
    decisions = indicator_view(tiny_db, TINY, "decisions")
    cov = decisions.coverage.set_index("period").loc[2024]
    assert (cov["evidenced"], cov["linked"]) == (2, 0)
    assert list(decisions.unlinked["code"]) == ["S10", "S10"]
    assert len(decisions.unlinked) == cov["evidenced"] - cov["linked"]


# -- the largest rises and falls ---------------------------------------------------------------------

def _more_schools(db) -> None:
    """Three more schools of «mun» (2023 → 2024):

    sch-d «Школа Г»: all 1 (11/22 = 50 %) → S01..S08 = 2, S09..S11 unsent: 16/16 = 100 % on 8 of
      11 values (73 % < 80 %: insufficient) — change +50 points, but no place on the grid;
    sch-e «Гимназия»: sch-a's scores both years → +2/22, the same change as sch-a's;
    sch-f «Лицей»: all 2 both years → change 0.
    """
    with staged(db) as cur:
        units = pd.DataFrame([
            dict(id=i, parent_id="mun", kind="school", name=f"{s} (полное)", short_name=s, ord=n)
            for i, s, n in (("sch-d", "Школа Г", 4), ("sch-e", "Гимназия", 5), ("sch-f", "Лицей", 6))
        ], dtype=object)
        upsert(cur, "org_unit", ["id"], ["parent_id", "kind", "name", "short_name", "ord"], units,
               user="тест", source="test")
    a23 = [2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 1]
    a24 = [2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2]
    scores = {("sch-d", 2023): [1] * 11, ("sch-d", 2024): [2] * 8,
              ("sch-e", 2023): a23, ("sch-e", 2024): a24,
              ("sch-f", 2023): [2] * 11, ("sch-f", 2024): [2] * 11}
    _values(db, [dict(org_unit_id=u, indicator_id=f"S{n:02d}", period=p, score=s)
                 for (u, p), row in scores.items() for n, s in enumerate(row, start=1)], ["score"])


def test_rises_and_falls_list_every_school_with_a_change_ties_by_name(tiny_db):
    _more_schools(tiny_db)
    t = trends(tiny_db, TINY)
    # +50 (sch-d, not on the grid), then +9.1 twice: «Гимназия» before «Школа А»
    assert list(t.improved["org_unit_id"]) == ["sch-d", "sch-e", "sch-a"]
    assert t.improved["change"].tolist() == approx([0.5, 2 / 22, 2 / 22])
    assert one(t.improved, org_unit_id="sch-d").unrated == "недостаточно данных за этот год"
    assert t.declined.empty
    assert list(t.steady["org_unit_id"]) == ["sch-f"]
    shown = overview(tiny_db, TINY).schools.dropna(subset=["change"])
    assert set(shown["org_unit_id"]) == (set(t.improved["org_unit_id"]) | set(t.declined["org_unit_id"])
                                         | set(t.steady["org_unit_id"]))

    table = charts.movers_table(t.improved, t.declined)
    assert list(table["Школа"]) == ["Школа Г (полное)", "Гимназия (полное)", "Школа А (полное)"]
    assert list(table["Примечание"]) == ["не на сетке: недостаточно данных за этот год", "", ""]
    bars = charts.movers_bars(t.improved, t.declined, "Изменение")
    assert list(bars.data[0].y)[::-1] == ["Школа Г", "Гимназия", "Школа А"]  # biggest rise on top
    assert "Не на сетке: недостаточно данных за этот год" in bars.data[0].hovertext[-1]


def test_the_region_grid_counts_municipalities():
    frame = pd.DataFrame({
        "org_unit_id": ["m1", "m2"], "name": ["Первый", "Второй"], "short_name": ["Первый", "Второй"],
        "compliance": [0.95, 0.95], "change": [0.12, 0.12],
        "level": ["high", "high"], "previous_level": ["high", "high"],
    })
    fig = charts.status_change_grid(grid_counts(place(frame, Bands())), "Состояние", Bands(),
                                    unit="municipality")
    texts = [x for t in fig.data for x in t.text]
    hovers = " ".join(x for t in fig.data for x in t.hovertext)
    assert "<b>2</b> мун." in texts and not any("шк." in x for x in texts)
    assert "Муниципалитетов: 2" in hovers and "Школ" not in hovers
    schools = charts.status_change_grid(grid_counts(place(frame, Bands())), "Состояние", Bands())
    assert "<b>2</b> шк." in [x for t in schools.data for x in t.text]


def test_selection_status_counts_links_with_the_shared_rule(tiny_db):
    """The coverage share reads LINK_SQL: a link after a tab or a newline is a link, as on the
    page (safe_link), and one whose host starts with a no-break space is not."""
    _values(tiny_db, [
        dict(org_unit_id="sch-a", indicator_id="S01", period=2024, evidence_url="\thttps://x.ru/a"),
        dict(org_unit_id="sch-a", indicator_id="S02", period=2024, evidence_url="\nhttps://x.ru/b"),
        dict(org_unit_id="sch-a", indicator_id="S03", period=2024, evidence_url="https://\u00a0x.ru"),
    ], ["evidence_url"])
    a = one(selection_status(tiny_db, [2024], ["S01", "S02", "S03"]), org_unit_id="sch-a")
    assert (a.evidenced, a.linked) == (3, 2)
