"""Signing in: a password checked against its Argon2id hash, a limit on failed attempts, the
mapping of an organisation's sign-in (OIDC) to a user, and when a session expires.

Failed attempts are counted in the server process (per login): a guesser is slowed to a few
tries per quarter hour without writing to the database on every wrong password; a restart of
the server resets the count, which the README says.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime

from indicators.access.users import actor_of, password_matches, user
from indicators.store.actors import Actor
from indicators.store.database import Database

DEFAULTS = {"signin_max_failures": 5, "signin_lock_minutes": 15, "session_idle_minutes": 60,
            "session_max_hours": 12}


class SignInError(PermissionError):
    """Sign-in refused; the message is Russian and never says whether the login exists."""


def limits(db: Database) -> dict[str, float]:
    """The sign-in limits (``setting`` table, data/catalog/settings.csv), defaults filled in."""
    found = dict(db.rows("SELECT key, value FROM setting WHERE starts_with(key, 'signin_') "
                         "OR starts_with(key, 'session_')"))
    return {key: float(found.get(key, value)) for key, value in DEFAULTS.items()}


class Attempts:
    """Failed sign-ins per login within the lock window, shared by every session of the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def locked_until(self, login: str, max_failures: float, window_s: float, now: float) -> float | None:
        with self._lock:
            recent = self._failures[login]
            while recent and recent[0] <= now - window_s:
                recent.popleft()
            return recent[0] + window_s if len(recent) >= max_failures else None

    def failed(self, login: str, now: float) -> None:
        with self._lock:
            self._failures[login].append(now)

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._failures.pop(login, None)


ATTEMPTS = Attempts()


def sign_in(db: Database, login: str, password: str, *, now: float | None = None,
            attempts: Attempts = ATTEMPTS) -> Actor:
    """The user for ``login`` and ``password``, or :class:`SignInError`."""
    key = (login or "").strip().lower()
    now = time.time() if now is None else now
    lim = limits(db)
    window = lim["signin_lock_minutes"] * 60
    until = attempts.locked_until(key, lim["signin_max_failures"], window, now)
    if until is not None:
        raise SignInError("Слишком много неудачных попыток входа. Попробуйте снова после "
                          f"{datetime.fromtimestamp(until):%H:%M} или обратитесь к администратору.")
    found = user(db, key) if key else None
    ok = password_matches(found["password_hash"] if found else None, password or "")
    if not ok or found is None or found["disabled"]:
        attempts.failed(key, now)
        raise SignInError("Неверный логин или пароль (или учётная запись отключена).")
    attempts.succeeded(key)
    return actor_of(found)


def oidc_actor(db: Database, claims: dict) -> Actor | None:
    """The user an organisation's sign-in names: by subject (``iss|sub`` or ``sub``), else by
    e-mail; None when no enabled user matches (the page then says whom to ask)."""
    subject, issuer = str(claims.get("sub") or ""), str(claims.get("iss") or "")
    email = str(claims.get("email") or "").strip().lower()
    rows = db.read("SELECT * FROM app_user WHERE NOT disabled AND (oidc_subject = ? OR oidc_subject = ? "
                   "OR (? <> '' AND email = ?)) ORDER BY oidc_subject IS NULL, login",
                   [f"{issuer}|{subject}", subject or None, email, email])
    return None if rows.empty else actor_of(rows.iloc[0].to_dict())


@dataclass
class Session:
    """A signed-in browser session: who, since when, last seen."""

    actor: Actor
    started: float
    seen: float

    def expired(self, now: float, lim: dict[str, float]) -> bool:
        return (now - self.seen > lim["session_idle_minutes"] * 60
                or now - self.started > lim["session_max_hours"] * 3600)
