"""Streamlit pieces every page shares: the database handle, cached views, filters, chart frame.

Kept next to ``app.py`` (not in ``indicators/``, which never imports Streamlit) so that pages
stay thin: read the filters, ask a view for its data, lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import config, views
from indicators.db import Database
from indicators.charts import is_missing, percent, points
from indicators.exports import frames_to_xlsx
from indicators.measures import Thresholds, period_label
from indicators.setup import ready_db


@st.cache_resource(show_spinner="Открываю базу данных…")
def _database(path: str) -> Database:
    return ready_db(path)


def database() -> Database:
    """The process-wide database (QUALITY_DB or data/quality.duckdb), ready and migrated."""
    return _database(str(config.db_path()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(view: str, path: str, version: int, args: tuple) -> object:
    return getattr(views, view)(_database(path), *args)


def view(name: str, *args) -> object:
    """Call ``indicators.views.<name>(db, *args)``, cached until the next write to the database."""
    db = database()
    return _cached(name, db.path, db.data_version(), args)


def thresholds() -> Thresholds:
    return Thresholds.from_db(database())


# -- filters -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    period: int
    municipality_id: str
    municipality_name: str


def sidebar_filters() -> Filters | None:
    """Draw the shared filters (one definition for all pages); they live in the URL, so a link is a view.

    A value in the URL that no longer exists (a stale link) falls back to the default with a
    notice instead of an error.
    """
    years = view("available_periods")
    munis = view("municipalities")
    if not years or munis.empty:
        return None
    labels = [period_label(p) for p in years]
    asked = st.query_params.get("year")
    if asked is not None and asked not in labels:
        st.toast(f"Учебный год «{asked}» из ссылки не найден — показан {labels[-1]}.", icon="⚠️")
    with st.sidebar:
        st.markdown("### Фильтры")
        label = st.selectbox("Учебный год", labels, index=len(labels) - 1, key="year",
                             bind="query-params",
                             help="Учебный год, за который показаны данные (2024/25 — сентябрь 2024 – август 2025).")
        muni_ids = munis["id"].tolist()
        muni = muni_ids[0]
        if len(muni_ids) > 1:
            names = dict(zip(munis["id"], munis["short_name"]))
            muni = st.selectbox("Муниципалитет", muni_ids, format_func=names.get, key="muni",
                                bind="query-params")
    return Filters(period=years[labels.index(label)], municipality_id=muni,
                   municipality_name=munis.set_index("id").loc[muni, "name"])


def page_start() -> Filters:
    """What every page does first: the shared filters and the demo notice.

    Drawn from within the page's run (not from app.py around it): the elements stay part of
    the page on every rerun, and Streamlit's AppTest sees them too.  With no data at all the
    page shows how to get some and stops.
    """
    chosen = sidebar_filters()
    demo_notice()
    if chosen is None:
        no_data_notice()
        st.stop()
    return chosen


# -- common blocks -----------------------------------------------------------------------------

def demo_notice() -> None:
    """Say plainly when the numbers are demo data, and how to put real data in."""
    if database().meta("demo") == "1":
        st.info(
            "**Это демонстрационные данные** вымышленного муниципалитета «Заозёрный» "
            "(12 школ, 2020/21–2024/25): они показывают, как работает приложение. "
            "Чтобы работать со своими данными, создайте отдельную базу: "
            "`QUALITY_DB=data/my.duckdb python -m indicators init` и запускайте приложение "
            "с тем же `QUALITY_DB` — подробнее в README, раздел «Свои данные».",
            icon="ℹ️",
        )


def metric(where, label: str, share: float | None, change: float | None = None,
           help: str | None = None) -> None:
    """A percentage with its change from last year; no change shown when either year is missing."""
    where.metric(label, percent(share), delta=None if is_missing(change) else points(change),
                 help=help)


def no_data_notice() -> None:
    st.warning("В базе пока нет оценок. Загрузите данные школ или заполните демо-базу командой "
               "`python -m indicators demo`.")


def chart(fig: go.Figure, table: pd.DataFrame, *, key: str, filename: str) -> None:
    """A chart with the same numbers as a table one click away, downloadable as .xlsx."""
    st.plotly_chart(fig, key=f"chart-{key}", config={"displaylogo": False})
    with st.expander("Таблица с данными графика"):
        st.dataframe(table, hide_index=True, key=f"table-{key}")
        st.download_button(
            "Скачать таблицу (.xlsx)",
            data=lambda: frames_to_xlsx({"Данные": table}),  # built on click only
            file_name=filename,
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"download-{key}",
        )
