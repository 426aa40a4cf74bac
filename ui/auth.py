"""Who is at the screen: the single local user of ``make run``, or a signed-in user.

The app runs in one of two modes.  Bound to this computer only (``server.address`` on the
loopback, as ``make run`` does) it is one person's tool: no password, every write under the
local user, and the sidebar says so.  Anywhere else — ``make serve``, or any address that is
not the loopback, or ``QUALITY_SERVE=network`` — nobody sees a page before signing in: with a
password (users and Argon2id hashes in the database) or through the department's identity
provider (``st.login``, when ``[auth]`` is configured in the secrets).  A session ends after
``session_idle_minutes`` without activity, after ``session_max_hours`` in any case, or on
«Выйти».  What the user may write is enforced at the write door, not here.
"""

from __future__ import annotations

import ipaddress
import os
import time

import streamlit as st

from indicators.access.reach import Reach, reading_reach
from indicators.access.signin import Session, SignInError, limits, oidc_actor, sign_in
from indicators.access.users import has_users
from indicators.store.actors import LOCAL, Actor
from indicators.text import markdown_text
from indicators.words import ROLE_LABELS
from ui.frame import database, view

_SESSION = "_signed_in"   # session key: the Session of a signed-in user
_ACTOR = "_actor"         # session key: who is at the screen this run


def serving_locally() -> bool:
    """True when the server listens on the loopback only (and the operator did not ask for
    sign-in with ``QUALITY_SERVE=network``)."""
    if os.environ.get("QUALITY_SERVE", "").strip().lower() == "network":
        return False
    address = str(st.get_option("server.address") or "").strip().strip("[]")
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answer «no»
        return False


def actor() -> Actor:
    """The user of this run (the gate in app.py has made sure there is one)."""
    found = st.session_state.get(_ACTOR)
    if found is None:
        raise RuntimeError("no signed-in user: app.py must call ui.auth.gate() first")
    return found


def reach() -> Reach:
    """What the user may see (the sidebar offers only that); asked several times a run, read
    once per user and data version."""
    return view(reading_reach, actor())


def gate() -> Actor:
    """In app.py, before anything else is drawn: the user of this run, or the sign-in page
    (and the run stops there)."""
    if serving_locally():
        st.session_state[_ACTOR] = LOCAL
        return LOCAL
    db = database()
    now, lim = time.time(), view(limits)
    session: Session | None = st.session_state.get(_SESSION)
    if session is not None and session.expired(now, lim):
        _end_session()
        st.session_state["_signin_note"] = "Сеанс завершён по времени: войдите снова."
        session = None
    if session is None and oidc_configured() and st.user.is_logged_in:
        found = oidc_actor(db, st.user.to_dict())
        if found is None:
            st.error("Вход через организацию выполнен, но такой пользователь не зарегистрирован в "
                     "приложении. Обратитесь к администратору; он добавит вас командой "
                     "`.venv/bin/python -m indicators user add … --email …`.")
            st.button("Выйти", on_click=st.logout, key="oidc-unknown-logout")
            st.stop()
        session = st.session_state[_SESSION] = Session(found, now, now)
    if session is not None:
        session.seen = now
        st.session_state[_ACTOR] = session.actor
        return session.actor
    st.session_state.pop(_ACTOR, None)
    _sign_in_page(db)
    st.stop()


def _sign_in_page(db) -> None:
    with st.columns([1, 1.4, 1])[1]:  # a form of a readable width on a wide screen, full width on a phone
        _sign_in_form(db)


def _sign_in_form(db) -> None:
    st.title("Вход")
    st.caption("Качество управления образованием")
    if not has_users(db):
        st.error("В приложении ещё нет ни одного пользователя, поэтому войти нельзя. "
                 "Администратор сервера создаёт первого командой "
                 "`.venv/bin/python -m indicators user add admin --name \"Фамилия И. О.\" --role admin`.")
        return
    if note := st.session_state.pop("_signin_note", None):
        st.info(note)
    with st.form("signin", border=True):
        login = st.text_input("Логин", key="signin-login", autocomplete="username")
        password = st.text_input("Пароль", type="password", key="signin-password",
                                 autocomplete="current-password")
        pressed = st.form_submit_button("Войти", type="primary")
    if pressed:
        try:
            found = sign_in(db, login, password)
        except SignInError as exc:
            st.error(str(exc))
        else:
            st.session_state[_SESSION] = Session(found, time.time(), time.time())
            st.rerun()
    if oidc_configured():
        st.divider()
        st.button("Войти через организацию", on_click=st.login, key="signin-oidc")


def _end_session() -> None:
    st.session_state.pop(_SESSION, None)
    st.session_state.pop(_ACTOR, None)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def account_box() -> None:
    """The sidebar's last lines: who is signed in, and the way out."""
    who = st.session_state.get(_ACTOR)
    with st.sidebar:
        st.divider()
        if who is LOCAL:
            st.caption("Локальный режим: приложение открыто только на этом компьютере, вход без "
                       "пароля, все изменения записываются от имени «Локальный пользователь». Для "
                       "работы в сети — `make serve` (см. README, раздел о безопасности).")
            return
        st.caption(f"Вы вошли: **{markdown_text(who.name)}** · {ROLE_LABELS.get(who.role, who.role)}")
        st.button("Выйти", key="signout", on_click=_end_session)
