"""Open the database ready for use: schema migrated, catalog in sync, demo on an empty file.

The app and the command line both start here, so they see the same database the same way.
"""

from __future__ import annotations

from pathlib import Path

from indicators.catalog.tables import sync_catalog
from indicators.store.database import Database, open_db
from indicators.synthetic import demo


def ready_db(path: str | Path | None = None, *, with_demo: bool = True) -> Database:
    """The process-wide database for ``path``, with the demo added when it holds no units.

    ``python -m indicators init`` sets ``auto_demo = 0`` so that a municipality's own, still
    empty database is never filled with demo data behind its back.
    """
    db = open_db(path)
    sync_catalog(db)
    if with_demo and demo.is_empty(db) and db.meta("auto_demo", "1") != "0":
        demo.fill(db)
    return db
