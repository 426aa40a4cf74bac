"""The users of the app, kept in the database and changed only through the write door.

Passwords are hashed with Argon2id (``argon2-cffi``, the reference implementation's binding:
a slow, memory-hard, salted KDF in the standard PHC string format), never stored or logged in
clear; the change log records that a password changed, not its hash.
"""

from __future__ import annotations

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from indicators.store.actors import ROLES, Actor
from indicators.store.database import Database
from indicators.store.door import batch
from indicators.words import ROLE_LABELS

HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
MIN_PASSWORD = 10
NAME_LIMIT = 120
# The unit kind each role is tied to (None: no unit).
ROLE_UNIT = {"viewer": "municipality", "department_editor": "municipality", "school_editor": "school",
             "region_viewer": "region", "admin": None}
_FIELDS = ["display_name", "role", "unit_id", "password_hash", "oidc_subject", "email", "disabled"]


class UserError(ValueError):
    """A user can't be created or changed as asked; the message is Russian."""


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"Пароль короче {MIN_PASSWORD} знаков: придумайте длиннее.")
    return HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing or damaged hash never matches."""
    if not stored_hash:
        HASHER.hash("timing-equaliser")  # as slow as a real check: the login's existence stays hidden
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def users(db: Database) -> pd.DataFrame:
    """Every user, without password hashes."""
    return db.read("SELECT login, display_name, role, unit_id, password_hash IS NOT NULL AS has_password, "
                   "oidc_subject, email, disabled, updated_at, updated_by FROM app_user ORDER BY login")


def user(db: Database, login: str) -> dict | None:
    frame = db.read("SELECT * FROM app_user WHERE login = ?", [login])
    return None if frame.empty else frame.iloc[0].to_dict()


def actor_of(row: dict) -> Actor:
    """The user as the write door sees it."""
    return Actor(login=row["login"], name=row["display_name"], role=row["role"], unit_id=row["unit_id"])


def _check_role(db: Database, role: str, unit_id: str | None) -> str | None:
    if role not in ROLES:
        raise UserError(f"Неизвестная роль «{role}»; есть: " + ", ".join(f"{r} ({ROLE_LABELS[r]})" for r in ROLES))
    kind = ROLE_UNIT[role]
    if kind is None:
        return None
    if not unit_id:
        raise UserError(f"Для роли «{ROLE_LABELS[role]}» укажите организацию (--unit).")
    found = db.scalar("SELECT kind FROM org_unit WHERE id = ?", [unit_id])
    if found != kind:
        raise UserError(f"Организация «{unit_id}» не найдена среди подходящих для роли «{ROLE_LABELS[role]}».")
    return unit_id


def _write(db: Database, by: Actor, row: dict) -> None:
    frame = pd.DataFrame([row], dtype=object)
    with batch(db, by, "users") as b:
        b.upsert("app_user", ["login"], [f for f in _FIELDS if f in row], frame, masked=("password_hash",))


def add_user(db: Database, by: Actor, login: str, name: str, role: str, unit_id: str | None = None, *,
             password: str | None = None, oidc_subject: str | None = None, email: str | None = None) -> None:
    login = (login or "").strip().lower()
    if not login or len(login) > 64 or not login.replace(".", "").replace("-", "").replace("_", "").replace("@", "").isalnum():
        raise UserError("Логин: латинские буквы, цифры, точка, дефис, подчёркивание; до 64 знаков.")
    if user(db, login) is not None:
        raise UserError(f"Пользователь «{login}» уже есть.")
    name = " ".join(str(name or "").split())
    if not name or len(name) > NAME_LIMIT:
        raise UserError(f"Имя пользователя: от 1 до {NAME_LIMIT} знаков.")
    if not password and not (oidc_subject or email):
        raise UserError("Задайте пароль или вход через организацию (--oidc-subject или --email).")
    _write(db, by, dict(login=login, display_name=name, role=role, unit_id=_check_role(db, role, unit_id),
                        password_hash=hash_password(password) if password else None,
                        oidc_subject=oidc_subject or None, email=(email or "").strip().lower() or None,
                        disabled=False))


def _existing(db: Database, login: str) -> dict:
    found = user(db, (login or "").strip().lower())
    if found is None:
        raise UserError(f"Пользователь «{login}» не найден.")
    return found


def set_password(db: Database, by: Actor, login: str, password: str) -> None:
    found = _existing(db, login)
    _write(db, by, dict(login=found["login"], password_hash=hash_password(password)))


def set_role(db: Database, by: Actor, login: str, role: str, unit_id: str | None = None) -> None:
    found = _existing(db, login)
    _write(db, by, dict(login=found["login"], role=role, unit_id=_check_role(db, role, unit_id)))


def set_disabled(db: Database, by: Actor, login: str, disabled: bool = True) -> None:
    found = _existing(db, login)
    _write(db, by, dict(login=found["login"], disabled=bool(disabled)))


def has_users(db: Database) -> bool:
    """Whether anyone can sign in (an enabled user with a password or an organisation login)."""
    return bool(db.scalar("SELECT count(*) FROM app_user WHERE NOT disabled AND "
                          "(password_hash IS NOT NULL OR oidc_subject IS NOT NULL OR email IS NOT NULL)"))
