"""The blocks a page is laid out with: a metric, a chart with its table, a table with its
download, the lists behind a count, an import plan, the notices about the data itself.

Kept apart from the editors (which write) and the presentation (which takes the whole screen):
everything here only shows what a view computed, so a page reads as scope → view → blocks.
"""

from __future__ import annotations

import logging
import uuid

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.charts import is_missing, percent, points
from indicators.exchange.export import frames_to_xlsx
from indicators.text import markdown_text
from indicators.views.common import INTERNAL_COLUMNS, database_flags
from indicators.views.scope import Scope
from ui.frame import open_municipality, open_school, open_school_next_run, view


# -- about the data ----------------------------------------------------------------------------

def demo_notice() -> None:
    """Say plainly when the numbers are demo or synthetic data, and how to put real data in."""
    flags = view(database_flags)
    if flags.get("synthetic"):
        st.info(f"**Это синтетические данные** (масштаб «{flags['synthetic']}», команда "
                "`python -m indicators generate`): они проверяют скорость и работу на уровне "
                "региона, а не описывают настоящие школы.", icon="ℹ️")
    if flags.get("demo") == "1":
        st.info(
            "**Это демонстрационные данные** вымышленного муниципалитета «Заозёрный» "
            "(12 школ, 2020/21–2024/25) и вымышленного «Прикамского края» с тремя "
            "муниципалитетами, чьи дорожные карты — остальные документы каталога: они "
            "показывают, как работает приложение. "
            "Чтобы работать со своими данными, создайте отдельную базу: "
            "`QUALITY_DB=data/my.duckdb python -m indicators init` и запускайте приложение "
            "с тем же `QUALITY_DB` — подробнее в README, раздел «Свои данные».",
            icon="ℹ️",
        )


def no_data_notice() -> None:
    st.warning("В базе пока нет оценок. Загрузите данные школ или заполните демо-базу командой "
               "`python -m indicators demo`.")


# -- figures and tables ------------------------------------------------------------------------

def metric(where, label: str, share: float | None, change: float | None = None,
           help: str | None = None) -> None:
    """A percentage with its change from last year; no change shown when either year is missing."""
    if is_missing(change):
        where.metric(label, percent(share), help=help)
        return
    pts = round(change * 100)
    # Arrow and colour are set from the number: Streamlit would read the sign from the text,
    # and the text uses the typographic minus (a fall showed green with an up-arrow).
    where.metric(label, percent(share), delta=points(change),
                 delta_arrow="up" if pts > 0 else "down" if pts < 0 else "off",
                 delta_color="green" if pts > 0 else "red" if pts < 0 else "gray", help=help)


def chart(fig: go.Figure, table: pd.DataFrame, *, key: str, filename: str,
          clickable_schools: bool = False, on_pick=None, hint: str | None = None) -> None:
    """A chart with the same numbers as a table one click away, downloadable as .xlsx.

    With ``clickable_schools`` the figure's points carry a school id as ``customdata`` and a
    click opens that school's profile.  With ``on_pick`` a click calls ``on_pick(customdata)``
    before the rerun (so it may set other widgets' values).
    """
    chart_key = f"chart-{key}"
    if clickable_schools or on_pick:
        def picked_now() -> None:
            picked = _picked(st.session_state.get(chart_key))
            if picked:
                on_pick(picked[0])

        event = st.plotly_chart(fig, key=chart_key, selection_mode="points",
                                on_select=picked_now if on_pick else "rerun",
                                config={"displaylogo": False})
        if clickable_schools and (picked := _picked(event)):
            open_school(picked[0])
        st.caption(hint or "Щёлкните по школе на графике, чтобы открыть её профиль.")
    else:
        st.plotly_chart(fig, key=chart_key, config={"displaylogo": False})
    table_block(table, key=key, filename=filename, title="Таблица с данными графика")


def _picked(event) -> list[str]:
    """The ``customdata`` ids of the clicked points (first value when it is a list)."""
    points = event.selection.points if event else []
    found = [p.get("customdata") for p in points]
    return [str(c[0] if isinstance(c, (list, tuple)) else c) for c in found if c]


def table_block(table: pd.DataFrame, *, key: str, filename: str, title: str,
                expanded: bool = False) -> None:
    """A table in an expander, with its .xlsx download."""
    with st.expander(title, expanded=expanded):
        st.dataframe(table, hide_index=True, key=f"table-{key}",
                     column_config=link_columns(table))
        st.download_button(
            "Скачать таблицу (.xlsx)",
            data=lambda: frames_to_xlsx({"Данные": table}),  # built on click only
            file_name=filename,
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"download-{key}",
        )


def link_columns(table: pd.DataFrame) -> dict:
    """Columns named «Подтверждение…» hold web links (the views keep only http/https ones)."""
    return {c: st.column_config.LinkColumn(c, display_text="открыть документ")
            for c in table.columns if str(c).startswith("Подтверждение")}


def xlsx_name(what: str, scope: Scope) -> str:
    """A download's file name: what it holds and the school year («…_2024-25.xlsx»)."""
    return f"{what}_{scope.year.replace('/', '-')}.xlsx"


def indicator_table(frame: pd.DataFrame, *, key: str) -> None:
    """A unit's indicators with status words and clickable (http/https only) evidence links."""
    shown = frame.drop(columns=INTERNAL_COLUMNS)
    st.dataframe(shown, hide_index=True, column_config=link_columns(shown), key=key)


# -- lists that open a school or a municipality ------------------------------------------------

def school_list(label: str, frame: pd.DataFrame, *, key: str, municipalities: bool = False) -> None:
    """A count that opens the list of the schools (or municipalities) behind it; picking one
    opens its profile (or the municipality).

    One picker per list, not a button per school: a municipality of sixty schools would
    otherwise draw hundreds of buttons on every rerun.
    """
    with st.popover(label, disabled=frame.empty, use_container_width=True):
        st.markdown("\n".join(f"- {markdown_text(name)}" for name in frame["name"]))
        names = dict(zip(frame["org_unit_id"], frame["name"]))
        st.selectbox("Открыть муниципалитет" if municipalities else "Открыть профиль школы",
                     list(names), index=None, format_func=names.get, key=f"open-{key}",
                     on_change=_open_picked, args=(f"open-{key}", municipalities),
                     placeholder="Выберите…")


def find_school(frame: pd.DataFrame, *, key: str) -> None:
    """Find any school of the list by typing its name, and open its profile."""
    names = dict(zip(frame["org_unit_id"], frame["name"]))
    st.selectbox("Найти школу", list(names), index=None, format_func=names.get, key=key,
                 on_change=_open_picked, args=(key,), placeholder="Начните вводить название…")


def _open_picked(widget_key: str, municipality: bool = False) -> None:
    """Callback: open the municipality picked in a list, or the school's profile on the next
    run (a page switch can't happen inside a callback)."""
    if picked := st.session_state.get(widget_key):
        if municipality:
            open_municipality(picked)
        else:
            open_school_next_run(picked)
        st.session_state[widget_key] = None  # the list is ready for another pick on return


# -- an import or edit plan --------------------------------------------------------------------

def show_issues(issues: list, more: int = 0) -> None:
    """Every problem of a refused file, one per line; the database was not touched.  The
    messages quote file names and cell values: user text, shown as text."""
    st.error(f"**Найдены ошибки: {len(issues) + more}. Ничего не записано, база не изменена.** "
             "Исправьте файл и загрузите его снова.")
    st.markdown("\n".join(f"- {markdown_text(issue)}" for issue in issues)
                + (f"\n- … и ещё {more}" if more else ""))


def show_questions(questions: list) -> None:
    """What the specialist must confirm before the plan is written (a school's name in the
    file that is not its name in the database)."""
    st.warning(f"**Проверьте перед записью: вопросов {len(questions)}.**")
    st.markdown("\n".join(f"- {markdown_text(q)}" for q in questions))


def show_plan(plan) -> None:
    """An import or edit plan: every problem (nothing written), or what would change."""
    if not plan.ok:
        show_issues(plan.issues, plan.more_issues)
        return
    c = plan.counts
    cols = st.columns(3)
    cols[0].metric("Новых записей", c["new"])
    cols[1].metric("Изменённых", c["changed"])
    cols[2].metric("Без изменений", c["unchanged"])
    for note in plan.notes:
        st.info(markdown_text(note))
    if getattr(plan, "questions", None):
        show_questions(plan.questions)
    if len(plan.changes):
        st.markdown("**Что изменится** (было → стало):")
        st.dataframe(plan.changes, hide_index=True, key="plan-changes")


def report_failure() -> None:
    """An unexpected error on a page: a plain Russian message on screen, the traceback in the
    server's log under a short code the user can quote (never on screen: paths, SQL)."""
    code = uuid.uuid4().hex[:8]
    logging.getLogger("quality").exception("page failed [%s]", code)
    st.error(f"Страница не смогла открыться из-за внутренней ошибки (код {code}). Данные не "
             "изменены. Обновите страницу; если ошибка повторится, сообщите администратору код "
             "ошибки — подробности записаны в журнал сервера.")
