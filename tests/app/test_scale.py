"""Synthetic data at scale and the region level: the generator's shape and determinism, the
region overview's numbers against the measures, and the drill-down region → municipality."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators import cli
from indicators.measures.compliance import aggregate_compliance, compliance
from indicators.ready import ready_db
from indicators.store import database as db_module
from indicators.store.database import Database
from indicators.synthetic.generate import PERIODS, GenerateError, generate
from indicators.views.region import TOP, region_overview
from indicators.views.scope import Scope

ROOT = Path(__file__).resolve().parents[2]


def _fresh(path: Path) -> Database:
    return ready_db(path, with_demo=False)


def test_municipal_scale_has_the_asked_shape(tmp_path):
    db = _fresh(tmp_path / "m.duckdb")
    counts = generate(db, "municipal")
    kinds = dict(db.rows("SELECT kind, count(*) FROM org_unit GROUP BY kind"))
    assert kinds == {"region": 1, "municipality": 1, "school": 15}
    assert [r[0] for r in db.rows("SELECT DISTINCT period FROM assessment ORDER BY 1")] == list(PERIODS)
    # every value is one of a school's 11 or the department's 11 indicators, none twice
    per_unit = db.rows("SELECT u.kind, max(n) FROM (SELECT org_unit_id, period, count(*) n FROM assessment "
                       "GROUP BY ALL) a JOIN org_unit u ON u.id = a.org_unit_id GROUP BY u.kind")
    assert dict(per_unit) == {"school": 11, "municipality": 11}
    assert counts["assessment"] == db.scalar("SELECT count(*) FROM assessment")
    assert db.scalar("SELECT count(*) FROM event_status") > 0
    assert db.scalar("SELECT min(score), max(score) FROM assessment") == 0
    assert db.scalar("SELECT count(*) FROM change_log WHERE source = 'generate'") == 6  # + roadmap_adoption
    names = db.rows("SELECT parent_id, short_name, count(*) FROM org_unit WHERE kind = 'school' "
                    "GROUP BY ALL HAVING count(*) > 1")
    assert names == []                                  # school names unique in a municipality


def test_the_generator_is_deterministic_and_only_fills_an_empty_base(tmp_path):
    snapshots = []
    for name in ("a", "b"):
        db = _fresh(tmp_path / f"{name}.duckdb")
        generate(db, "municipal")
        snapshots.append(db.rows("SELECT org_unit_id, indicator_id, period, score FROM assessment ORDER BY ALL"))
    assert snapshots[0] == snapshots[1]
    with pytest.raises(GenerateError, match="уже содержит данные"):
        generate(db, "municipal")
    with pytest.raises(GenerateError, match="неизвестный масштаб"):
        generate(db, "galactic")


def test_cli_generate(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QUALITY_DB", str(tmp_path / "cli.duckdb"))
    assert cli.main(["generate", "--scale", "municipal"]) == 0
    assert "организаций 17" in capsys.readouterr().out
    assert cli.main(["generate", "--scale", "municipal"]) == 1
    assert "уже содержит данные" in capsys.readouterr().err


@pytest.fixture(scope="module")
def regional(tmp_path_factory):
    path = (tmp_path_factory.mktemp("regional") / "regional.duckdb").resolve()
    db = _fresh(path)
    generate(db, "regional")
    db.close()
    db_module._open.pop(str(path), None)
    return path


def test_region_overview_compares_municipalities(regional):
    db = ready_db(regional)
    data = region_overview(db, Scope(2024, region_id="r001"))
    assert len(data.municipalities) == 48 and data.trimmed and len(data.shown) == 2 * TOP
    pooled = aggregate_compliance(db, [2024]).set_index("org_unit_id")
    assert data.region["compliance"] == pytest.approx(pooled.loc["r001", "compliance"])
    dept = compliance(db, [2024], kind="municipality").set_index("org_unit_id")
    for row in data.municipalities.itertuples():
        assert row.compliance == pytest.approx(pooled.loc[row.org_unit_id, "compliance"])
        assert row.department == pytest.approx(dept.loc[row.org_unit_id, "compliance"], nan_ok=True)
    ranked = data.municipalities["compliance"].tolist()
    assert ranked == sorted(ranked, reverse=True)
    assert list(data.shown["org_unit_id"][:TOP]) == list(data.municipalities["org_unit_id"][:TOP])
    assert sum(data.levels.values()) == db.scalar(
        "SELECT count(*) FROM org_unit WHERE kind = 'school' AND (opened_period IS NULL OR opened_period <= 2024) "
        "AND (closed_period IS NULL OR closed_period > 2024)")


@pytest.fixture
def app(regional, monkeypatch) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(regional))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def test_the_app_opens_on_the_region_and_drills_down(app, regional):
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="muni").value == ""                 # the whole region
    assert app.title[0].value == "Обзор за 2024/25 учебный год"
    pooled = aggregate_compliance(ready_db(regional), [2024]).set_index("org_unit_id")
    shown = [m for m in app.metric if m.label == "Соответствие по школам региона"][0].value
    assert shown == f"{pooled.loc['r001', 'compliance'] * 100:.0f}\u00a0%"   # a no-break space

    app.selectbox(key="find-muni").set_value("m0007").run()
    app.button(key="find-muni-open").click().run()
    assert app.selectbox(key="muni").value == "m0007"
    assert "Управление образования муниципального округа № 7" in app.caption[0].value
    expected = [m for m in app.metric if m.label == "Соответствие по школам"][0].value
    assert expected == f"{pooled.loc['m0007', 'compliance'] * 100:.0f}\u00a0%"


@pytest.mark.parametrize("page", ["school", "by_indicator", "roadmap", "council", "data", "log"])
def test_one_municipality_pages_ask_for_one_at_region_level(app, page):
    app.run()
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("показывает один муниципалитет" in i.value for i in app.info)
    app.selectbox(key="need-muni").set_value("m0003").run()
    app.button(key="need-muni-open").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{page} shows nothing once a municipality is chosen"


def test_trends_at_region_level_place_municipalities(app, regional):
    from indicators.views.trends import region_trends

    app.run()
    app.switch_page("app_pages/trends.py").run()
    assert not app.exception, [e.value for e in app.exception]
    expected = region_trends(ready_db(regional), Scope(2024, region_id="r001"))
    pooled = aggregate_compliance(ready_db(regional), range(2015, 2025), region_id="r001")
    region = pooled[pooled["org_unit_id"] == "r001"].set_index("period")["compliance"]
    assert expected.municipal.set_index("period")["compliance"].tolist() == pytest.approx(region.tolist())
    assert len(expected.placed) == 48 and set(expected.placed["org_unit_id"]) == {
        f"m{n:04d}" for n in range(1, 49)}
    lines = [t for t in app.dataframe if "Муниципалитет" in t.value.columns][0].value
    assert lines["Муниципалитет"].iloc[-1] == "Среднее по региону"
    rated = sum(len(v) for v in expected.by_rating.values())
    assert rated + len(expected.unrated) == 48
    first = next(r for r in expected.by_rating if len(expected.by_rating[r]))
    muni = expected.by_rating[first]["org_unit_id"].iloc[0]
    app.selectbox(key=f"open-rating-{first}").set_value(muni).run()
    assert app.selectbox(key="muni").value == muni            # drilled down to the municipality
    assert app.title[0].value == "Динамика, 2024/25 учебный год"


def test_best_and_last_keeps_charts_small():
    import pandas as pd

    from indicators.views.common import best_and_last

    frame = pd.DataFrame({"id": range(40), "v": [n / 40 for n in range(40)]})
    frame.loc[5, "v"] = None
    drawn = best_and_last(frame, "v", 15)
    assert len(drawn) == 30 and drawn["v"].tolist() == sorted(drawn["v"], reverse=True)
    assert drawn["v"].iloc[0] == 39 / 40 and drawn["v"].iloc[-1] == 0.0 and drawn["v"].notna().all()
    assert len(best_and_last(frame.head(30), "v", 15)) == 30     # small lists are drawn whole


def test_a_large_municipality_draws_its_best_and_last_schools(app, regional):
    app.session_state["muni"] = "m0001"                           # 95 schools
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    expected = compliance(ready_db(regional), [2024], parent_id="m0001")
    expected = expected[expected["expected"] > 0]
    assert any(f"Школ {len(expected)}: графики показывают 15 лучших и 15 отстающих" in c.value
               for c in app.caption)
    bars = [c for c in app.get("plotly_chart")][0]
    import json
    spec = json.loads(bars.proto.spec)
    assert len(spec["data"][0]["y"]) == 30
    table = [d.value for d in app.dataframe if "Организация" in d.value.columns][0]
    assert len(table) == len(expected)                            # the table keeps them all
    school = expected.sort_values("compliance").iloc[0]
    app.selectbox(key="find-school").set_value(school["org_unit_id"]).run()
    assert app.title[0].value == school["name"]


def test_the_indicator_matrix_of_a_large_municipality_shows_its_weakest_schools(app):
    import json

    app.session_state["muni"] = "m0001"
    app.run()
    app.switch_page("app_pages/by_indicator.py").run()
    assert not app.exception, [e.value for e in app.exception]
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]
    assert any(t.startswith("30 школ с наименьшим выполнением из ") for t in titles), titles


def test_the_region_grid_counts_municipalities_as_municipalities(app):
    """At region level each tile of the status × change grid counts municipalities («мун.»,
    «Муниципалитетов: 3» in the hover), never schools."""
    import json

    app.run()
    app.switch_page("app_pages/trends.py").run()
    assert not app.exception, [e.value for e in app.exception]
    specs = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    grid = next(s for s in specs if s["layout"]["title"]["text"].startswith("Состояние × динамика"))
    texts = [t for trace in grid["data"] for t in trace["text"]]
    hovers = " ".join(h for trace in grid["data"] for h in trace["hovertext"])
    assert any(t.endswith(" мун.") for t in texts) and not any("шк." in t for t in texts)
    assert "Муниципалитетов: " in hovers and "Школ" not in hovers
