"""Shared fixtures for the domain tests.

``tiny_db`` is a hand-built municipality small enough to work every measure out on paper
(the expected numbers live in the tests, computed by hand).  ``demo_db`` is the generated demo.

The tiny fixture, on the real catalog (S01..S11 school level, M01..M11 municipality level,
max_score 2 everywhere).  Score columns are S01..S11; ``.`` = no row (no data), ``na`` = row
marked not applicable::

    region "reg" -> municipality "mun" -> schools "sch-a", "sch-b", "sch-c"
    sch-c exists only in 2023 (opened_period 2023, closed_period 2024)

             S01 S02 S03 S04 S05 S06 S07 S08 S09 S10 S11
    sch-a 22   2   2   2   2   1   0   0   0   2   0   0
    sch-a 23   2   2   2   2   2   0   2   2   2   2   1
    sch-a 24   2   2   2   2   2   1   2   2   2   2   2
    sch-b 22   2   2   1   0   .   .   .   .   .   .   .
    sch-b 23   .   .   .   .   .   .   .   .   .   .   .     (sent nothing)
    sch-b 24   2   2   2   2   2   2   1   0  na   2   2
    sch-c 23   2   1   0   0   0   0   0   0   1   0   0

             M01 M02 M03 M04 M05 M06 M07 M08 M09 M10 M11
    mun   23   2   2   2   2   2   .   .   .   .   .   .
    mun   24   2   2   2   2   2   2   2   2   2   2   0
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.store import database as db_module
from indicators.catalog.tables import sync_catalog
from indicators.store.database import Database
from indicators.ready import ready_db
from indicators.store.upsert import upsert
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.staging import staged

NA = "na"
TINY_UNITS = [
    # id, parent_id, kind, short_name, opened_period, closed_period, ord
    ("reg", None, "region", "Область", None, None, 0),
    ("mun", "reg", "municipality", "Город", None, None, 0),
    ("sch-a", "mun", "school", "Школа А", None, None, 1),
    ("sch-b", "mun", "school", "Школа Б", None, None, 2),
    ("sch-c", "mun", "school", "Школа В", 2023, 2024, 3),
]
TINY_SCORES = {
    ("sch-a", 2022): [2, 2, 2, 2, 1, 0, 0, 0, 2, 0, 0],
    ("sch-a", 2023): [2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 1],
    ("sch-a", 2024): [2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2],
    ("sch-b", 2022): [2, 2, 1, 0, None, None, None, None, None, None, None],
    ("sch-b", 2024): [2, 2, 2, 2, 2, 2, 1, 0, NA, 2, 2],
    ("sch-c", 2023): [2, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    ("mun", 2023): [2, 2, 2, 2, 2, None, None, None, None, None, None],
    ("mun", 2024): [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0],
}


def _tiny_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = pd.DataFrame(
        [dict(id=i, parent_id=p, kind=k, name=f"{s} (полное)", short_name=s, opened_period=o,
              closed_period=c, ord=n) for i, p, k, s, o, c, n in TINY_UNITS],
        dtype=object,
    )
    rows = []
    for (unit, period), scores in TINY_SCORES.items():
        prefix = "M" if unit == "mun" else "S"
        for number, score in enumerate(scores, start=1):
            if score is None:
                continue
            rows.append(dict(org_unit_id=unit, indicator_id=f"{prefix}{number:02d}", period=period,
                             score=None if score == NA else score, not_applicable=score == NA))
    return units, pd.DataFrame(rows, dtype=object)


@pytest.fixture
def tiny_db(tmp_path):
    """The hand-built municipality above, on the real catalog, without the demo."""
    db = Database(tmp_path / "tiny.duckdb")
    sync_catalog(db)
    units, assessments = _tiny_frames()
    with staged(db) as cur:
        upsert(cur, "org_unit", ["id"], [c for c in units.columns if c != "id"], units,
               user="тест", source="test")
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"],
               ["score", "not_applicable"], assessments, user="тест", source="test")
    yield db
    db.close()


@pytest.fixture
def demo_db(tmp_path):
    """The demo municipality, built the way the app builds it (ready_db on an empty file)."""
    path = (tmp_path / "demo.duckdb").resolve()
    db = ready_db(path)
    yield db
    db.close()
    db_module._open.pop(str(path), None)  # open_db caches per path: forget the closed one


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """The demo built once per test run, for tests that work on a copy of it."""
    path = (tmp_path_factory.mktemp("demo") / "demo.duckdb").resolve()
    ready_db(path).close()
    db_module._open.pop(str(path), None)
    return path


@pytest.fixture
def demo_copy(demo_file, tmp_path):
    """A private copy of the demo file that a test may write to."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture
def db(demo_copy):
    """The demo copy opened: a private database each test may write to (a test module may
    define its own ``db``, e.g. with a unit more)."""
    database = Database(demo_copy)
    yield database
    database.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, one per test module (skips locally when missing, fails in CI)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def served_on_loopback(monkeypatch):
    """AppTest runs the app in this process, where no server address is set: say it is served
    on the loopback, as `make run` does (the single local editor).  Tests of sign-in set
    QUALITY_SERVE=network (or another address) themselves."""
    from streamlit import config as st_config

    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")
    monkeypatch.delenv("QUALITY_SERVE", raising=False)
    yield
    st_config.set_option("server.address", before)


def pytest_collection_modifyitems(config, items):
    """Each test is marked by the folder it lives in — domain, app or browser — so that
    ``pytest -m domain`` (``make test-domain``) runs the domain alone."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(Path(__file__).parent).parts
        if parts and parts[0] in ("domain", "app", "browser"):
            item.add_marker(getattr(pytest.mark, parts[0]))
