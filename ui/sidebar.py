"""The sidebar: the one :class:`~indicators.views.scope.Scope` of a run, and the pickers that
narrow a page further (a municipality, a school, an indicator), all bound to the URL.

app.py draws the sidebar once per run, before the page (:func:`app_frame`); the page takes the
scope with :func:`scope` and hands it whole to its views.  Drawn by the entry script, the
widgets keep their values (and URL parameters) when the user moves from page to page.
"""

from __future__ import annotations

import streamlit as st

from indicators.views.common import available_periods, directions, municipalities, regions, schools
from indicators.views.scope import Scope
from indicators.words import LEVEL_LABELS, LEVELS, period_label
from ui.blocks import demo_notice, no_data_notice
from ui.frame import open_municipality, view
from ui.presentation import presenting
from ui.auth import account_box, reach
from indicators.text import markdown_text

_SCOPE = "_scope"  # session key: the Scope drawn by app_frame() for this run
REGION_WIDE = ""  # the municipality picker's first option: the whole region


def _within(frame, ids: tuple[str, ...] | None):
    """The rows of a picker's list the signed-in user may see (all of them when ``ids`` is None)."""
    return frame if ids is None else frame[frame["id"].isin(ids)].reset_index(drop=True)


def stale_value(key: str, allowed: list[str], what: str) -> None:
    """A URL value that no longer exists is dropped by the widget; say so instead of silently."""
    asked = [v for raw in st.query_params.get_all(key) for v in raw.split(",") if v]
    bad = [v for v in asked if v not in allowed]
    if bad:
        shown = markdown_text(", ".join(bad)[:80])  # the URL is anyone's text: shown, never rendered
        st.toast(f"В ссылке указано «{shown}» ({what.lower()}): такого значения нет — фильтр "
                 "сброшен.", icon="⚠️")


def sidebar_scope() -> Scope | None:
    """The shared filters, one definition for every page, bound to the URL (a link is a view);
    None when the database holds no data to filter."""
    years = view(available_periods)
    if not years or view(municipalities).empty:
        return None
    labels = [period_label(p) for p in years]
    within = reach()
    region_frame = _within(view(regions), within.region_ids)
    region_names = dict(zip(region_frame["id"], region_frame["short_name"]))
    with st.sidebar:
        st.markdown("### Фильтры")
        stale_value("year", labels, "Учебный год")
        label = st.selectbox(
            "Учебный год", labels, index=len(labels) - 1, key="year", bind="query-params",
            help="Учебный год, за который показаны данные (2024/25 — сентябрь 2024 – август 2025).")
        region = None  # one region (or none): its municipalities are all there are
        if len(region_frame) > 1:
            stale_value("region", list(region_names.values()), "Регион")
            region = st.selectbox("Регион", list(region_names), format_func=region_names.get,
                                  key="region", bind="query-params")
        munis = _within(view(municipalities, region), within.municipality_ids)
        if munis.empty:
            st.warning("Вашей учётной записи не открыт ни один муниципалитет: обратитесь к администратору.")
            return None
        muni_names = dict(zip(munis["id"], munis["short_name"]))
        muni = munis["id"].iloc[0]
        if len(munis) > 1:
            whole = f"Весь {'регион' if region or len(region_frame) == 1 else 'список'}: сравнение"
            stale_value("muni", [whole, *muni_names.values()], "Муниципалитет")
            muni = st.selectbox(
                "Муниципалитет", [REGION_WIDE, *muni_names],
                format_func=lambda m: whole if m == REGION_WIDE else muni_names[m],
                key="muni", bind="query-params",
                help="«Весь регион» сравнивает муниципалитеты; выберите один, чтобы видеть его школы.",
            ) or None
        chosen: list[str] = []
        if muni is not None:
            school_frame = _within(view(schools, muni), within.school_ids)
            school_names = dict(zip(school_frame["id"], school_frame["short_name"]))
            stale_value("schools", list(school_names.values()), "Школа")
            chosen = st.multiselect(
                "Школы", list(school_names), format_func=school_names.get, key="schools",
                bind="query-params", placeholder="Все школы",
                help="Оставьте пустым, чтобы видеть все школы муниципалитета.")
        dirs = view(directions)
        dir_titles = dict(zip(dirs["id"], dirs["title"]))
        direction = None
        if len(dirs) > 1:
            direction = st.selectbox(
                "Направление", [None, *dir_titles], key="direction", bind="query-params",
                format_func=lambda d: "Все направления" if d is None else dir_titles[d])
        elif len(dirs) == 1:
            st.caption(f"Направление: {markdown_text(dirs['title'].iloc[0])}")
        stale_value("level", [LEVEL_LABELS[lv] for lv in LEVELS], "Уровень")
        levels = st.multiselect("Уровень школы", list(LEVELS), format_func=LEVEL_LABELS.get,
                                key="level", bind="query-params", placeholder="Все уровни")
    if muni is None:
        place = (region_frame.set_index("id").loc[region, "name"] if region else
                 region_frame["name"].iloc[0] if len(region_frame) == 1 else "Все муниципалитеты")
    else:
        place = munis.set_index("id").loc[muni, "name"]
    if within.school_ids is not None:  # a school's operator sees its own school
        chosen = list(within.school_ids)
    return Scope(
        period=years[labels.index(label)], periods=tuple(years), region_id=region,
        municipality_id=muni, municipality_name=place, school_ids=tuple(chosen),
        levels=tuple(levels), direction=direction, municipality_count=len(munis),
    )


def app_frame() -> None:
    """What app.py draws around every page: the shared filters and the demo notice.

    The scope is kept for the page in the session (a fresh value each run); a page reads it
    with :func:`scope`.
    """
    st.session_state[_SCOPE] = sidebar_scope()
    account_box()
    if not presenting():
        demo_notice()


def scope(*, region_view: bool = False) -> Scope:
    """The scope of this run, from the sidebar; with no data at all, say how to get some and
    stop.

    A page that shows one municipality (``region_view`` False) asks, when the sidebar says
    "the whole region", which municipality to open, and stops until one is chosen.
    """
    chosen = st.session_state.get(_SCOPE)
    if chosen is None:  # no data at all
        no_data_notice()
        st.stop()
    if chosen.region_wide and not region_view:
        st.info("Эта страница показывает один муниципалитет. Выберите его здесь или в фильтре "
                "«Муниципалитет» слева; сравнение муниципалитетов — на странице «Обзор».")
        open_municipality_picker(chosen, key="need-muni")
        st.stop()
    return chosen


def open_municipality_picker(chosen: Scope, *, key: str) -> None:
    """Find a municipality of the scope's region by typing its name, and open it."""
    munis = _within(view(municipalities, chosen.region_id), reach().municipality_ids)
    names = dict(zip(munis["id"], munis["name"]))
    picked = st.selectbox("Найти муниципалитет", list(names), index=None, format_func=names.get,
                          placeholder="Начните вводить название…", key=key)
    st.button("Открыть", key=f"{key}-open", disabled=picked is None, on_click=open_municipality,
              args=(picked,), type="primary")


def pick_school(chosen: Scope) -> str:
    """The school whose profile is shown, bound to the URL (``?school=…``); at first the first
    school chosen in the sidebar."""
    frame = _within(view(schools, chosen.municipality_id), reach().school_ids)
    names = dict(zip(frame["id"], frame["short_name"]))
    ids = list(names)
    default = chosen.school_ids[0] if chosen.school_ids else ids[0]
    stale_value("school", list(names.values()), "Школа")
    shown = st.session_state.get("school")
    index = None if shown in names else ids.index(default)
    if shown is not None and shown not in names:
        del st.session_state["school"]
    return st.selectbox("Школа", ids, index=index, format_func=names.get,
                        key="school", bind="query-params")


def pick_indicator(choices: list) -> str:
    """The criterion or indicator the Indicators page shows, bound to the URL."""
    labels = {c.key: c.label for c in choices}
    stale_value("indicator", list(labels.values()), "Показатель")
    return st.selectbox("Группа критериев или показатель", list(labels), format_func=labels.get,
                        key="indicator", bind="query-params")
