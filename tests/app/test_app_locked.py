"""A database held by another process: the page says so in Russian and what to do — never a
traceback with server paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_a_locked_database_shows_what_to_do(demo_copy, monkeypatch):
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               "c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)",
                               str(demo_copy)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("QUALITY_DB", str(demo_copy))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        shown = " ".join(e.value for e in at.error)
        assert "сейчас занята другой программой" in shown and "обновите страницу" in shown
        assert str(demo_copy.parent) not in shown and "Traceback" not in shown
    finally:
        holder.kill()
        holder.wait(10)
