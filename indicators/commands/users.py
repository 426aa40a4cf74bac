"""``python -m indicators user …``: the users of a served app, from the server's shell.

Passwords are read from the terminal without echo (``getpass``) or, for scripts, from the first
line of standard input with ``--password-stdin``; never from the command line, where other
users of the server could read them in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from indicators.access.users import (
    UserError,
    add_user,
    has_users,
    set_disabled,
    set_password,
    set_role,
    users,
)
from indicators.ready import ready_db
from indicators.store.actors import ROLES, Actor
from indicators.words import ROLE_LABELS

__all__ = ["UserError", "register"]


def register(sub) -> dict:
    """The ``user`` command and its actions on ``sub``."""
    p = sub.add_parser("user", help="пользователи приложения: добавить, пароль, роль, отключить, список",
                       description="Пользователи приложения, которое открыто в сети. Роли: "
                       + "; ".join(f"{r} — {ROLE_LABELS[r]}" for r in ROLES) + ".")
    acts = p.add_subparsers(dest="action", metavar="действие", required=True)
    a = acts.add_parser("add", help="добавить пользователя")
    a.add_argument("login")
    a.add_argument("--name", required=True, help="имя для журнала изменений, например «Петрова А. В.»")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--unit", help="код организации: муниципалитет, школа или регион (по роли)")
    a.add_argument("--email", help="эл. почта для входа через организацию (OIDC)")
    a.add_argument("--oidc-subject", help="идентификатор пользователя у поставщика входа (sub)")
    a.add_argument("--no-password", action="store_true", help="только вход через организацию")
    a.add_argument("--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода")
    a.add_argument("--user", default=None, help="кто добавляет (для журнала изменений)")
    a = acts.add_parser("passwd", help="задать новый пароль")
    a.add_argument("login")
    a.add_argument("--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода")
    a.add_argument("--user", default=None)
    a = acts.add_parser("role", help="сменить роль")
    a.add_argument("login")
    a.add_argument("role", choices=ROLES)
    a.add_argument("--unit", help="код организации для роли")
    a.add_argument("--user", default=None)
    for name, what in (("disable", "отключить вход"), ("enable", "снова разрешить вход")):
        a = acts.add_parser(name, help=what)
        a.add_argument("login")
        a.add_argument("--user", default=None)
    acts.add_parser("list", help="список пользователей")
    acts.add_parser("check", help="есть ли хотя бы один пользователь, который может войти "
                    "(нужно для работы в сети)")
    return {"user": _user_command}


def _operator(args: argparse.Namespace) -> Actor:
    name = getattr(args, "user", None) or os.environ.get("USER") or "командная строка"
    return Actor(login=f"cli:{name}", name=name, role="admin")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Пароль: ")
    if getpass.getpass("Пароль ещё раз: ") != first:
        raise UserError("Пароли не совпадают.")
    return first


def _user_command(args: argparse.Namespace) -> int:
    db = ready_db(with_demo=False)
    by = _operator(args)
    if args.action == "add":
        password = None if args.no_password else _password(args)
        add_user(db, by, args.login, args.name, args.role, args.unit, password=password,
                 oidc_subject=args.oidc_subject, email=args.email)
        print(f"Пользователь «{args.login}» добавлен: {ROLE_LABELS[args.role]}.")
    elif args.action == "passwd":
        set_password(db, by, args.login, _password(args))
        print(f"Пароль пользователя «{args.login}» изменён.")
    elif args.action == "role":
        set_role(db, by, args.login, args.role, args.unit)
        print(f"Роль пользователя «{args.login}»: {ROLE_LABELS[args.role]}.")
    elif args.action in ("disable", "enable"):
        set_disabled(db, by, args.login, args.action == "disable")
        print(f"Вход пользователя «{args.login}» {'отключён' if args.action == 'disable' else 'разрешён'}.")
    elif args.action == "list":
        frame = users(db)
        if frame.empty:
            print("Пользователей нет.")
        for r in frame.itertuples():
            how = ", ".join(w for w, on in (("пароль", r.has_password), ("вход через организацию",
                            isinstance(r.oidc_subject, str) or isinstance(r.email, str))) if on)
            unit = f" · {r.unit_id}" if isinstance(r.unit_id, str) else ""
            state = "\tотключён" if r.disabled else ""
            print(f"{r.login}\t{r.display_name}\t{ROLE_LABELS.get(r.role, r.role)}{unit}\t{how}{state}")
    elif args.action == "check":
        if not has_users(db):
            print("Ошибка: в базе нет ни одного пользователя, который может войти. Приложение в сети "
                  "без входа не запускается. Создайте администратора: .venv/bin/python -m indicators user add "
                  "admin --name «Фамилия И. О.» --role admin", file=sys.stderr)
            return 1
        print("Пользователи есть: вход по паролю или через организацию.")
    return 0
