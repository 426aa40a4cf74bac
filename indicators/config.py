"""Where things live on disk, in one place, so the app, the command line and the tests agree.

The database path comes from the environment variable ``QUALITY_DB`` when set: a
municipality keeps its real data in a file of its own and the demo never touches it.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
CATALOG_DIR = DATA_DIR / "catalog"
DEFAULT_DB = DATA_DIR / "quality.duckdb"
DB_ENV = "QUALITY_DB"


def db_path() -> Path:
    """The database file the app and the command line use."""
    env = os.environ.get(DB_ENV, "").strip()
    return Path(env).expanduser().resolve() if env else DEFAULT_DB
