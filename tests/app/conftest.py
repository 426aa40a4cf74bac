"""What the AppTest files share: the demo built once per module, and the app run on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.ready import ready_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> str:
    """The demo, built the way the app builds it, read by every test of a module."""
    path = tmp_path_factory.mktemp("apptest") / "demo.duckdb"
    ready_db(path)
    return str(path)


@pytest.fixture
def app(demo_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", demo_path)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
