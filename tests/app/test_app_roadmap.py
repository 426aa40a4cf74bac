"""Дорожная карта on the demo, rendered with AppTest (issue 14): a municipality is offered only
the roadmaps it or its region adopted, and a school that sent nothing has nothing overdue."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from indicators.ready import ready_db

ROOT = Path(__file__).resolve().parents[2]


def _title(demo_path: str, direction: str) -> str:
    return ready_db(demo_path).scalar("SELECT title FROM direction WHERE id = ?", [direction])


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_zaozerny_is_offered_its_own_roadmap_only(app, demo_path):
    app.switch_page("app_pages/roadmap.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="roadmap").options == [_title(demo_path, "zaozersk")]
    assert any("принята: МО «Заозёрный», 2020/21–2024/25" in c.value for c in app.caption)


def test_a_municipality_of_the_region_is_offered_its_plan_and_the_regions(app, demo_path):
    app.query_params["region"] = "Прикамский край"
    app.query_params["muni"] = "ГО «Угольный»"
    app.switch_page("app_pages/roadmap.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="roadmap").options == [_title(demo_path, "gubakha"),
                                                    _title(demo_path, "perm")]
    app.selectbox(key="roadmap").select("perm").run()
    assert any("принята: Прикамский край" in c.value for c in app.caption)


def test_the_school_that_sent_nothing_has_nothing_overdue(app):
    """НОШ № 7 sent nothing in 2024/25: «Просрочено 0», its events «нет данных» (it read
    «Просрочено 5» beside «нет данных»)."""
    app.switch_page("app_pages/roadmap.py").run()
    app.selectbox(key="roadmap_unit").select("nosh-7").run()
    assert not app.exception, [e.value for e in app.exception]
    assert _metric(app, "Просрочено") == "0"
    assert _metric(app, "Выполнено мероприятий") == "нет данных"
    assert not [w for w in app.warning if "Просрочено" in w.value]


def test_a_school_with_no_events_in_a_roadmap_is_told_so(app):
    """«Промышленный»'s ВСОКО roadmap names no schools as responsible: its school sees a
    sentence, not an empty timeline."""
    app.query_params["region"] = "Прикамский край"
    app.query_params["muni"] = "МО «Промышленный»"
    app.query_params["year"] = "2022/23"
    app.switch_page("app_pages/roadmap.py").run()
    app.selectbox(key="roadmap_unit").select("pr-gymn").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("нет мероприятий для «Гимназия пгт Промышленный»" in i.value for i in app.info)


def test_a_municipality_that_runs_no_roadmap_is_told_how_to_record_one(tmp_path, monkeypatch):
    from indicators.store import database as db_module
    from tests.staging import staged

    path = (tmp_path / "bare.duckdb").resolve()
    db = ready_db(path)
    with staged(db) as cur:
        cur.execute("DELETE FROM roadmap_adoption WHERE unit_id = 'zaozerny'")
    monkeypatch.setenv("QUALITY_DB", str(path))
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page("app_pages/roadmap.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("не выполняет ни одной дорожной карты" in i.value and "roadmap adopt" in i.value
                   for i in at.info)
    finally:
        db.close()
        db_module._open.pop(str(path), None)
