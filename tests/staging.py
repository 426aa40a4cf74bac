"""How tests write: through the product's write door, as a named user, like every other write."""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Iterator, Sequence

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


def signed_in(at, login: str, password: str):
    """An AppTest of a served app (QUALITY_SERVE=network), signed in through the sign-in form."""
    at.run()
    assert [t.value for t in at.title] == ["Вход"], "the app should open on the sign-in page"
    at.text_input(key="signin-login").input(login)
    at.text_input(key="signin-password").input(password)
    at.button[0].click().run()   # the form's «Войти»
    assert not at.exception, [e.value for e in at.exception]
    assert "Вход" not in [t.value for t in at.title], [e.value for e in at.error]
    return at


def fingerprint(db: Database, tables: Sequence[str]) -> dict:
    """The tables' whole content and the data version: equal before and after a refused write."""
    state = {t: db.read(f"SELECT * FROM {t} ORDER BY ALL").to_csv() for t in tables}
    state["version"] = db.data_version()
    return state


def changed_plan(db: Database, year: int, municipality: str, school: str):
    """A school's template with one score changed: an import plan that writes one value."""
    from openpyxl import load_workbook

    from indicators.exchange.check import plan_import
    from indicators.exchange.template import build_template

    book = load_workbook(io.BytesIO(build_template(db, year, municipality, school)))
    book["Оценки"]["J2"] = 0
    out = io.BytesIO()
    book.save(out)
    plan = plan_import(db, [("a.xlsx", out.getvalue())], year)
    assert plan.ok and plan.counts["changed"] == 1
    return plan
