"""The ground every page stands on: the database handle, the caches, the data version, and
the moves from one page to another.

The bottom layer of ``ui``: it imports none of its siblings, so that the blocks, the sidebar,
the editors and the presentation can all use it without a cycle.
"""

from __future__ import annotations

import pickle
from typing import Callable

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from indicators import config
from indicators.ready import ready_db
from indicators.store.database import Database, DatabaseBusyError
from indicators.views.school import school_link_name

# The School page, the target of every «open this school»; app.py lists it among the pages.
SCHOOL_PAGE = "app_pages/school.py"
_VERSION = "_data_version"  # session key: the data version read once at the start of a run


@st.cache_resource(show_spinner="Открываю базу данных…")
def _database(path: str) -> Database:
    return ready_db(path)


def database() -> Database:
    """The process-wide database (QUALITY_DB or data/quality.duckdb), ready and migrated.

    When another process holds the file (DuckDB lets one process open it for writing) the page
    says so, and what to do, and stops: never a traceback."""
    try:
        return _database(str(config.db_path()))
    except DatabaseBusyError:
        st.error(f"База данных «{config.db_path().name}» сейчас занята другой программой — "
                 "например, запущенной командой `.venv/bin/python -m indicators …` или вторым экземпляром "
                 "приложения. Дождитесь, пока команда закончит работу (или остановите второе "
                 "приложение), и обновите страницу.")
        st.stop()


def read_data_version() -> None:
    """Read the data version once, at the start of a run (app.py): every view of the run is
    then keyed by the same version, even if a write lands halfway through the page."""
    st.session_state[_VERSION] = database().data_version()


def data_version() -> int:
    """The database's data version as of this run."""
    found = st.session_state.get(_VERSION)
    return database().data_version() if found is None else found


def _name(fn: Callable) -> str:
    """A function's cache key: its module and qualified name.

    Only module-level functions of an importable module qualify: a function defined in a page
    (module ``__main__``) or inside another is a new object on every run, and two pages could
    hold different functions of the same name.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    if fn.__module__ == "__main__" or "<locals>" in fn.__qualname__:
        raise ValueError(f"cache only module-level functions of a module, not {name}")
    return name


# Views and charts are cached as shared objects (cache_resource), not copies (cache_data): a
# rerun then costs no unpickling, and another session adds no second copy.  They are read-only
# by contract: a page derives new frames from them and never changes one in place.  The
# function itself is passed in (``_fn``, not hashed) and the key is its name: a page asks for
# the function it imported, never for a name looked up at run time.
@st.cache_resource(show_spinner=False, max_entries=512)
def _viewed(_fn: Callable, name: str, path: str, version: int, args: tuple) -> object:
    return _fn(_database(path), *args)


def view(fn: Callable, *args) -> object:
    """``fn(db, *args)`` — a view of ``indicators.views`` or a list for a picker — cached until
    the next write to the database (keyed by the function, the database path, the data version
    and the arguments; a :class:`~indicators.views.scope.Scope` is hashed field by field)."""
    return _viewed(fn, _name(fn), database().path, data_version(), args)


def _frame_key(frame: pd.DataFrame) -> object:
    """A DataFrame's cache key from its content; frames with list cells are pickled instead."""
    try:
        return tuple(frame.columns), pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    except TypeError:
        return pickle.dumps(frame)


@st.cache_resource(show_spinner=False, max_entries=512, hash_funcs={pd.DataFrame: _frame_key})
def _built(_builder: Callable, name: str, args: tuple) -> object:
    return _builder(*args)


def cached(builder: Callable, *args) -> object:
    """``builder(*args)`` — a chart, its table, any pure function of a view's data — built once
    per distinct input: building a Plotly figure costs more than drawing it."""
    return _built(builder, _name(builder), args)


# -- moving between pages ----------------------------------------------------------------------

def open_municipality(municipality_id: str) -> None:
    """Callback: drill down from the region to one municipality (the sidebar picker follows)."""
    st.session_state["muni"] = municipality_id


def open_school(school_id: str) -> None:
    """Jump to a school's profile, with the school in the address (``?school=СОШ № 6``, as the
    School page's picker writes it), so that a copied link opens that school.  The school goes
    through the session too: the page's picker reads it there."""
    st.session_state["school"] = school_id
    _switch_to_school(school_id)


def _switch_to_school(school_id: str) -> None:
    """To the School page with ``?school=`` set.  The filters bound to the sidebar come back by
    themselves ({} keeps them); Streamlit refuses to set ``school`` while the School page's
    picker is bound to it (the page was the last one shown) — the picker writes it then."""
    name = view(school_link_name, school_id)
    try:
        st.switch_page(SCHOOL_PAGE, query_params={"school": name} if name else {})
    except StreamlitAPIException:
        st.switch_page(SCHOOL_PAGE, query_params={})


def open_school_next_run(school_id: str) -> None:
    """From a callback, where a page switch can't happen: remember the school, and
    :func:`follow_school_link` opens its profile at the start of the next run."""
    st.session_state["school"] = school_id
    st.session_state["_open_school"] = True


def follow_school_link() -> None:
    """In app.py, before the page runs: open the school picked in a list on the last run."""
    if st.session_state.pop("_open_school", False):
        _switch_to_school(st.session_state["school"])


def choose_indicator(key: str) -> None:
    """Callback: make ``key`` the indicator shown (a click on the ranking chart)."""
    st.session_state["indicator"] = key
