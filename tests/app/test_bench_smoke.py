"""The benchmark's code runs (bench/README.md): the naive app renders and shows the product's
compliance, the minimal SQL returns the numbers of the product's views, and a page is measured
end to end on the municipal scale (two rounds instead of nine).  No timing is asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from bench import minimal_sql, report, selection
from indicators.measures.compliance import compliance, periods
from indicators.measures.settings import Thresholds
from indicators.ready import ready_db
from indicators.synthetic.demo import MUNICIPALITY_ID
from indicators.synthetic.generate import generate
from indicators.views.common import schools
from indicators.views.scope import Scope

ROOT = Path(__file__).resolve().parents[2]


def test_the_naive_app_shows_the_products_compliance(demo_path, monkeypatch):
    monkeypatch.setenv("QUALITY_DB", demo_path)
    db = ready_db(demo_path)
    years = periods(db)
    at = AppTest.from_file(str(ROOT / "bench" / "naive_app.py"), default_timeout=60)
    at.session_state["muni"] = MUNICIPALITY_ID
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    product = compliance(db, [years[-1]], parent_id=MUNICIPALITY_ID)
    product = product.set_index("org_unit_id")["compliance"].dropna()
    shown = at.dataframe[0].value.set_index("school_id")["compliance"]
    assert sorted(shown.index) == sorted(product.index)
    assert shown.loc[product.index].tolist() == pytest.approx(product.tolist())

    at.radio(key="page").set_value("Школа").run()
    assert not at.exception, [e.value for e in at.exception]
    school = at.selectbox(key="school").value
    every = compliance(db, years, parent_id=MUNICIPALITY_ID)
    own = every[every["org_unit_id"] == school].set_index("period")["compliance"].dropna()
    history = at.dataframe[0].value.set_index("period")["compliance"]
    assert list(history.index) == list(own.index)
    assert history.tolist() == pytest.approx(own.tolist())


def test_the_minimal_sql_returns_the_views_numbers(demo_path):
    db = ready_db(demo_path)
    t = Thresholds.from_db(db)
    years = periods(db)
    scope = Scope(years[-1], periods=tuple(years), municipality_id=MUNICIPALITY_ID)
    for year in years:
        found = minimal_sql.overview_sql(db, t, MUNICIPALITY_ID, year)
        minimal_sql.check_overview(db, t, scope.at(year), found)
    for school in schools(db, MUNICIPALITY_ID)["id"]:
        found = minimal_sql.school_sql(db, t, MUNICIPALITY_ID, school, years[-1], years)
        minimal_sql.check_school(db, t, scope, school, found)


@pytest.fixture
def municipal(tmp_path, monkeypatch):
    """A generated municipal scale where the bench looks for it, two rounds, one first view."""
    path = tmp_path / "municipal.duckdb"
    generate(ready_db(path, with_demo=False), "municipal")
    monkeypatch.setattr(selection, "db_path", lambda scale: path)
    monkeypatch.setattr(selection, "ROUNDS", 2)
    monkeypatch.setattr(selection, "FIRST_VIEWS", 1)
    monkeypatch.setenv("QUALITY_DB", str(path))
    level = st_config.get_option("logger.level")
    yield path
    st_config.set_option("logger.level", level)


@pytest.mark.parametrize("page", ["overview", "school"])
def test_a_page_is_measured_end_to_end(municipal, page):
    found = selection.measure("municipal", page)
    for key in ("floor_ms", "cached_ms", "first_ms", "new_ms", "minimal_ms", "naive_new_ms"):
        assert found[key] > 0, key
    assert len(found["new_samples_ms"]) == 2
    assert found["first_statements"] >= found["new_statements"] >= 1
    assert found["minimal_statements"] == minimal_sql.STATEMENTS[page]
    result = {"pages": {page: found}, "session_mb": 0.0}
    assert f"| {selection.PAGES[page].title} |" in report.page_table("municipal", result)
    report.verdicts("municipal", result)
