"""The ground every page stands on: the database handle, the caches, the data version, and
the moves from one page to another.

The bottom layer of ``ui``: it imports none of its siblings, so that the blocks, the sidebar,
the editors and the presentation can all use it without a cycle.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Callable

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from indicators import config
from indicators.measures.change import Bands
from indicators.measures.settings import Thresholds
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


# Views are cached as shared objects (cache_resource), not copies (cache_data): a rerun then
# costs no unpickling, and another session adds no second copy.  They are read-only by
# contract: a page derives new frames from them and never changes one in place.  The function
# itself is passed in (``_fn``, not hashed) and the key is its name: a page asks for the
# function it imported, never for a name looked up at run time.
@st.cache_resource(show_spinner=False, max_entries=512)
def _viewed(_fn: Callable, _args: tuple, path: str, key: str) -> object:
    return _fn(_database(path), *_args)


def view(fn: Callable, *args) -> object:
    """``fn(db, *args)`` — a view of ``indicators.views`` or a list for a picker — cached until
    the next write to the database (keyed by the function, the database path, the data version
    and the arguments; a :class:`~indicators.views.scope.Scope` by its fields)."""
    path = database().path
    key = f"{_name(fn)}|{path}|{data_version()}|{_text(args)}"
    found = _viewed(fn, args, path, key)
    _remember(found, key)
    return found


def thresholds() -> Thresholds:
    """The level thresholds, read once per data version: a view given them reads no settings."""
    return view(Thresholds.from_db)


def bands() -> Bands:
    """The status and change bands of the 5×5 grid, read once per data version."""
    return view(Bands.from_db)


# -- what a figure is keyed by -----------------------------------------------------------------
# A figure is built from a view's frames.  Hashing those frames on every rerun to find the
# figure again cost more than the rest of a cached rerun, so a frame a view returned is known
# by the view's own key (and its field's name) instead: the same view key, the same frame.
# The registry holds the object itself beside its key, so an id is never mistaken for the id
# of a later object; it keeps the newest entries, and a frame it no longer knows (or one a page
# derived) is keyed by its content, as before.
_KNOWN: OrderedDict[int, tuple[object, str]] = OrderedDict()
_KNOWN_MAX = 4096
_known_lock = threading.Lock()


def _remember(result: object, key: str) -> None:
    parts = [(result, key)]
    if is_dataclass(result):
        parts += [(getattr(result, f.name), f"{key}.{f.name}") for f in fields(result)]
    with _known_lock:
        for part, part_key in parts:
            # Frames and dataclasses only: None, a number or a string is its own key (a view
            # that returned None must not lend its key to every other None).
            if isinstance(part, (pd.DataFrame, pd.Series)) or (part is result and is_dataclass(part)):
                _KNOWN[id(part)] = (part, part_key)
                _KNOWN.move_to_end(id(part))
        while len(_KNOWN) > _KNOWN_MAX:
            _KNOWN.popitem(last=False)


_PLAIN = (str, int, float, bool, type(None), date, datetime)


def _text(obj: object) -> str:
    """The cache key of a value, as one string: Streamlit then hashes a short text on a rerun
    instead of walking the value.  A frame a view returned is its view's key; another frame its
    content's digest; a dataclass, a tuple or a list its parts'; anything else its pickle's
    digest — never a ``repr`` that could cut a long value short."""
    if isinstance(obj, _PLAIN):  # first: None or a number is itself, whichever view gave it
        return f"{type(obj).__name__}:{obj!r}"
    known = _KNOWN.get(id(obj))
    if known is not None and known[0] is obj:
        return f"view:{known[1]}"
    if isinstance(obj, (tuple, list)):
        return f"{type(obj).__name__}(" + ",".join(_text(v) for v in obj) + ")"
    if isinstance(obj, (set, frozenset)):
        return f"{type(obj).__name__}(" + ",".join(sorted(_text(v) for v in obj)) + ")"
    if is_dataclass(obj) and not isinstance(obj, type):
        return (f"{type(obj).__qualname__}("
                + ",".join(f"{f.name}={_text(getattr(obj, f.name))}" for f in fields(obj)) + ")")
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        try:
            digest = pd.util.hash_pandas_object(obj, index=True).to_numpy().tobytes()
            cols = list(obj.columns) if isinstance(obj, pd.DataFrame) else [obj.name]
            return "frame:" + hashlib.sha1(repr(cols).encode() + digest).hexdigest()
        except TypeError:  # list cells: pickled instead
            pass
    return "pickle:" + hashlib.sha1(pickle.dumps(obj)).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=512)
def _built(_builder: Callable, _args: tuple, key: str) -> object:
    return _builder(*_args)


def cached(builder: Callable, *args) -> object:
    """``builder(*args)`` — a chart, its table, any pure function of views' data — built once
    per distinct input: building a Plotly figure costs more than drawing it.  A frame from
    :func:`view` is keyed by that view's key, not hashed; the result is remembered like a
    view's, so a figure's table built from a combined view is keyed cheaply too."""
    key = f"{_name(builder)}|{_text(args)}"
    found = _built(builder, args, key)
    _remember(found, key)
    return found


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
