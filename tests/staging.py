"""How tests write: through the product's write door, as a named user, like every other write."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import duckdb

from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch


def as_user(name: str, role: str = "admin", unit_id: str | None = None) -> Actor:
    """A signed-in user for a test (an administrator unless a role is given)."""
    return Actor(login=name.lower(), name=name, role=role, unit_id=unit_id)


@contextmanager
def staged(db: Database) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one logged batch (user «тест»): a test sets up a state in raw SQL."""
    with batch(db, as_user("тест"), "demo") as b:
        yield b.cur
