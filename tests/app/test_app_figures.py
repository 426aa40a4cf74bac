"""What the pages show says what it counts (issue 14, point 3), under AppTest on the demo (or a
copy of it changed for the case): the council's key figures, retired indicators, a school whose
indicators are all «не применяется», one rule for a document link, the Overview's figures under
a filter, and Динамика's rises and falls."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.charts import percent
from indicators.ready import ready_db
from indicators.store.upsert import upsert
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.text import safe_link
from indicators.views.overview import overview
from indicators.views.scope import Scope
from indicators.words import period_label
from tests.app.reading import popover_labels
from tests.staging import staged

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(demo_copy, monkeypatch) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(demo_copy))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def _texts(at: AppTest) -> list[str]:
    """Every piece of text the page shows: titles, markdown, captions, alerts, metrics, popover
    labels and the cells of its tables."""
    found = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning",
                                  "success", "error") for e in getattr(at, kind)]
    found += [f"{m.label} {m.value}" for m in at.metric]
    found += [d.value.astype(str).to_string() for d in at.dataframe]

    return found + popover_labels(at)


def _table_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def _metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return found[0]


def _values(path, rows: list[dict], columns: list[str]) -> None:
    with staged(ready_db(path)) as cur:
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"], columns,
               pd.DataFrame(rows, dtype=object), user="тест", source="test")


def test_the_council_key_figures_say_whose_events_and_of_how_many_schools(app):
    app.run()
    app.switch_page("app_pages/council.py").run()
    app.selectbox(key="council_preview").set_value(1).run()       # the key-figures slide
    shown = "\n".join(h.proto.body for h in app.get("html"))
    assert "Выполнено мероприятий дорожных карт (управление образования)" in shown
    assert "Мероприятий дорожных карт выполнено<" not in shown


def test_a_retired_indicator_is_not_offered_after_its_last_period(app, demo_copy):
    with staged(ready_db(demo_copy)) as cur:
        cur.execute("UPDATE indicator SET last_period = 2023 WHERE id = 'S11'")
    app.run()
    app.switch_page("app_pages/by_indicator.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert "S11" not in app.selectbox(key="indicator").options
    assert not any(o.startswith("S11 ") for o in app.selectbox(key="indicator").options)
    assert not any(str(v).startswith("S11 ") for v in _table_with(app, "Показатель")["Показатель"])
    app.selectbox(key="year").select(period_label(2023)).run()
    assert any(o.startswith("S11 ") for o in app.selectbox(key="indicator").options)
    assert any(str(v).startswith("S11 ") for v in _table_with(app, "Показатель")["Показатель"])


def test_a_school_with_every_indicator_not_applicable_reads_words(app, demo_copy):
    """СОШ № 2 marks all eleven indicators of 2024 «не применяется»: its level reads «Не
    применяется» on its page and in the Overview, and no page shows the code."""
    _values(demo_copy, [dict(org_unit_id="sosh-2", indicator_id=f"S{n:02d}", period=2024,
                             score=None, not_applicable=True) for n in range(1, 12)],
            ["score", "not_applicable"])
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    table = _table_with(app, "Организация").set_index("Организация")
    name = ready_db(demo_copy).scalar("SELECT name FROM org_unit WHERE id = 'sosh-2'")
    assert table.loc[name, "Уровень"] == "Не применяется"
    assert not any("not_applicable" in t for t in _texts(app))
    app.switch_page("app_pages/school.py").run()
    app.selectbox(key="school").select("sosh-2").run()
    assert not app.exception, [e.value for e in app.exception]
    assert _metric(app, "Уровень").value == "Не применяется"
    texts = _texts(app)
    assert not any("not_applicable" in t for t in texts)
    assert not any("цикл замкнут" in t for t in texts), texts        # nothing was confirmed
    assert not any("Все показатели выполнены" in t for t in texts)
    assert any("не применяются" in t for t in texts)
    for page in ("trends.py", "by_indicator.py", "council.py"):
        app.switch_page(f"app_pages/{page}").run()
        assert not app.exception, [e.value for e in app.exception]
        assert not any("not_applicable" in t for t in _texts(app)), page


def test_the_unlinked_list_counts_what_the_coverage_share_misses(app, demo_copy):
    """One rule for a link (a web address, spaces around it aside) and one set of values (those
    scored above zero, expected that year): the share and the list agree.  A link typed after a
    tab is a link in both."""
    db = ready_db(demo_copy)
    school = db.scalar("SELECT org_unit_id FROM assessment WHERE period = 2024 AND indicator_id = 'S01' "
                       "AND score > 0 ORDER BY org_unit_id LIMIT 1")
    _values(demo_copy, [dict(org_unit_id=school, indicator_id="S01", period=2024,
                             evidence_url="\thttps://zaozersk.example/s01.pdf")], ["evidence_url"])
    values = db.read("SELECT a.score, a.evidence_url FROM assessment a JOIN org_unit u ON u.id = a.org_unit_id "
                     "WHERE a.period = 2024 AND a.indicator_id = 'S01' AND u.parent_id = ? "
                     "AND a.score > 0 AND NOT a.not_applicable "
                     "AND (u.closed_period IS NULL OR u.closed_period > 2024)", [MUNICIPALITY_ID])
    linked = int(values["evidence_url"].map(safe_link).notna().sum())
    unlinked = len(values) - linked
    app.query_params["indicator"] = db.scalar("SELECT id || ' · ' || title FROM indicator WHERE id = 'S01'")
    app.run()
    app.switch_page("app_pages/by_indicator.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="indicator").value == "S01"
    assert _metric(app, "Подтверждено документом").value == percent(linked / len(values))
    listed = [d.value for d in app.dataframe if "Что указано вместо ссылки" in d.value.columns]
    assert len(listed[0] if listed else []) == unlinked
    assert any(m.value.startswith(f"**Выполнено, но без ссылки на документ, 2024/25:** {unlinked} ")
               for m in app.markdown)


def test_the_overview_says_its_figures_cover_the_whole_municipality_under_a_filter(app, demo_copy):
    plain = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    plain.run()
    assert not any("по всему муниципалитету" in c.value for c in plain.caption)
    app.query_params["level"] = "Высокий"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    whole = overview(ready_db(demo_copy), Scope(2024, municipality_id=MUNICIPALITY_ID))
    note = [c.value for c in app.caption if "по всему муниципалитету" in c.value]
    assert note, [c.value for c in app.caption]
    total = sum(whole.levels.values())
    assert f"все {total} школ" in note[0] and "выбрано школ: " in note[0]


def test_trends_list_every_school_whose_change_the_overview_shows(app, demo_copy):
    """2024/25: the evening school fell 14 points but had too little data last year to be
    placed on the grid — it is still among the falls, with the reason.  Every school with a
    change on the Overview is a rise, a fall or named as unchanged."""
    app.run()
    changes = _table_with(app, "Изменение за год, п.п.").dropna(subset=["Изменение за год, п.п."])
    app.switch_page("app_pages/trends.py").run()
    assert not app.exception, [e.value for e in app.exception]
    movers = _table_with(app, "Было, %")
    db = ready_db(demo_copy)
    evening = movers.set_index("Школа").loc[db.scalar("SELECT name FROM org_unit WHERE id = 'evening'")]
    assert evening["Изменение, п.п."] < 0
    assert evening["Примечание"] == "не на сетке: недостаточно данных за прошлый год"
    moved = set(movers["Школа"])
    steady = " ".join(c.value for c in app.caption if c.value.startswith("Без изменения"))
    short = dict(db.rows("SELECT name, short_name FROM org_unit WHERE kind = 'school'"))
    for name, change in zip(changes["Организация"], changes["Изменение за год, п.п."]):
        assert name in moved or short[name] in steady, name


def test_equal_changes_are_listed_by_name(app, demo_copy):
    """In the demo's 2022/23 СОШ № 1, ЦО № 12 and the cadet school all rose by 3 of 22 (+13.6
    points): whatever the year, schools with the same change are listed by (short) name."""
    db = ready_db(demo_copy)
    short = dict(db.rows("SELECT name, short_name FROM org_unit WHERE kind = 'school'"))
    ties = 0
    for period in (2021, 2022, 2023, 2024):
        app.query_params["year"] = period_label(period)
        app.switch_page("app_pages/trends.py").run()
        assert not app.exception, [e.value for e in app.exception]
        movers = _table_with(app, "Было, %")
        for _, group in movers.groupby("Изменение, п.п.", sort=False):
            names = [short[n] for n in group["Школа"]]
            assert names == sorted(names), (period, names)
            ties += len(names) > 1
    assert ties, "the demo has equal changes to order"
