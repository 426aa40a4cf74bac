"""Test fixtures stage their state through the product's write door, like every other write."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import duckdb

from indicators.store.database import Database
from indicators.store.door import batch


@contextmanager
def staged(db: Database) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one logged batch (actor «тест»): a test sets up a state in raw SQL."""
    with batch(db, "тест", "demo") as b:
        yield b.cur
