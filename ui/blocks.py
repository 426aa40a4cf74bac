"""The blocks a page is laid out with: a metric, a chart with its table, a table with its
download, the lists behind a count, an import plan, the notices about the data itself.

Kept apart from the editors (which write) and the presentation (which takes the whole screen):
everything here only shows what a view computed, so a page reads as scope → view → blocks.
"""

from __future__ import annotations

import logging
import re
import uuid

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from typing import Callable

from indicators.charts import is_missing, percent, points
from indicators.exchange.apply import NeedsConfirmation
from indicators.exchange.export import frames_to_xlsx
from indicators.text import markdown_text
from indicators.views.common import INTERNAL_COLUMNS, database_flags
from indicators.store.actors import AccessDenied
from indicators.views.scope import Scope
from ui.frame import open_municipality, open_school, open_school_next_run, view


# -- about the data ----------------------------------------------------------------------------

def demo_notice() -> None:
    """Say plainly when the numbers are demo or synthetic data, and how to put real data in."""
    flags = view(database_flags)
    if flags.get("synthetic"):
        st.info(f"**Это синтетические данные** (масштаб «{flags['synthetic']}», команда "
                "`.venv/bin/python -m indicators generate`): они проверяют скорость и работу на уровне "
                "региона, а не описывают настоящие школы.", icon="ℹ️")
    if flags.get("demo") == "1":
        st.info(
            "**Это демонстрационные данные** вымышленного муниципалитета «Заозёрный» "
            "(12 школ, 2020/21–2024/25) и вымышленного «Прикамского края» с тремя "
            "муниципалитетами, чьи дорожные карты — остальные документы каталога: они "
            "показывают, как работает приложение. "
            "Чтобы работать со своими данными, создайте отдельную базу: "
            "`QUALITY_DB=data/my.duckdb .venv/bin/python -m indicators init` и запускайте "
            "приложение с тем же `QUALITY_DB` (`QUALITY_DB=data/my.duckdb make run`) — подробнее "
            "в README, раздел «Свои данные».",
            icon="ℹ️",
        )


def no_data_notice() -> None:
    st.warning("В базе пока нет оценок. Загрузите данные школ или заполните демо-базу командой "
               "`.venv/bin/python -m indicators demo`.")


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


ROW, HEAD = 35, 38     # px: a table's row (one line of text) and its header, as Streamlit draws them
ALL_ROWS = 30          # a table shows this many rows whole; a longer one scrolls inside


def table_height(rows: int, row: int = ROW, most: int = ALL_ROWS) -> int:
    """The height at which a table shows all its rows (up to ``most``) with no inner scroll bar:
    Streamlit's own height stops at ten, and the eleventh row hid behind a scroll bar."""
    return HEAD + row * max(1, min(rows, most)) + 2


def table(frame: pd.DataFrame, *, key: str, column_config: dict | None = None, **kw) -> None:
    """A read-only table: every row shown (up to :data:`ALL_ROWS`), a missing value drawn as
    «—» (Streamlit writes «None»), web links clickable."""
    config = link_columns(frame) | (column_config or {})
    kw.setdefault("height", table_height(len(frame)))
    st.dataframe(frame, hide_index=True, key=key, column_config=config, placeholder="—", **kw)


def table_block(table_: pd.DataFrame, *, key: str, filename: str, title: str,
                expanded: bool = False) -> None:
    """A table in an expander, with its .xlsx download."""
    with st.expander(title, expanded=expanded):
        table(table_, key=f"table-{key}")
        st.download_button(
            "Скачать таблицу (.xlsx)",
            data=lambda: frames_to_xlsx({"Данные": table_}),  # built on click only
            file_name=filename,
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"download-{key}",
        )


def file_uploader(label: str, *, limit_mb: float, key: str, **kw):
    """Streamlit's uploader with the import's own size limit, said in Russian beside the button
    (Streamlit writes «10MB per file»; the stylesheet of :mod:`ui.chrome` hides it)."""
    mb = max(1, int(limit_mb))
    st.html(f"<style>.st-key-{key} [data-testid=stFileUploaderDropzoneInstructions] span::after "
            f"{{ content: 'до {mb}\\00a0МБ на файл'; }}</style>")
    return st.file_uploader(label, key=key, max_upload_size=mb, **kw)


def link_columns(frame: pd.DataFrame) -> dict:
    """Columns named «Подтверждение…» hold web links (the views keep only http/https ones)."""
    return {c: st.column_config.LinkColumn(c, display_text="открыть документ")
            for c in frame.columns if str(c).startswith("Подтверждение")}


def xlsx_name(what: str, scope: Scope) -> str:
    """A download's file name: what it holds and the school year («…_2024-25.xlsx»)."""
    return f"{what}_{scope.year.replace('/', '-')}.xlsx"


# The indicator table on a department laptop (1366×768: about 900 px for the page): code,
# indicator, status, score, evidence, comment and events side by side with no sideways scroll,
# long texts wrapped onto up to four lines (Streamlit wraps a cell once a row is taller than
# 4rem), every row shown.  The group of criteria is in the table's data and its download; on
# screen the stage stands for it (the charts above show the groups).
# column: (its heading on screen, width in px, the heading's tooltip)
INDICATOR_COLUMNS = {
    "Код": ("Код", 42, None), "Показатель": ("Показатель", 220, None),
    "Оценка": ("Оценка", 90, "Выполнено, частично, не выполнено, нет данных или не применяется"),
    "Балл": ("Балл", 42, None),
    "Подтверждение": ("Документ", 80, "Подтверждение: ссылка на документ (только http/https)"),
    "Комментарий": ("Комментарий", 116, None),
    "Мероприятия дорожных карт": ("Мероприятия", 178,
                                  "Мероприятия дорожных карт, которые дают подтверждение, и их статус"),
    "Этап цикла": ("Этап цикла", 116, "Этап управленческого цикла"),
}
INDICATOR_ROW = 82


_EVENT = re.compile(r"^(.+) (\S+) \((.+)\)$")   # «Заозерск 12 (выполнено)»


def compact_events(text: object) -> object:
    """«Заозерск 4 (выполнено); Заозерск 5 (срок не наступил); Заозерск 6 (срок не наступил)» as
    «Заозерск 4 (выполнено); 5, 6 (срок не наступил)»: the same events and statuses in a cell a
    laptop can show whole (the roadmap's name once, the events of one status together)."""
    if not isinstance(text, str) or not text:
        return text
    groups: dict[str, dict[str, list[str]]] = {}
    for item in text.split("; "):
        found = _EVENT.match(item)
        if not found:
            return text
        roadmap, number, status = found.groups()
        groups.setdefault(roadmap, {}).setdefault(status, []).append(number)
    return "; ".join(f"{roadmap} " + "; ".join(f"{', '.join(numbers)} ({status})"
                                              for status, numbers in statuses.items())
                     for roadmap, statuses in groups.items())


def indicator_table(frame: pd.DataFrame, *, key: str) -> None:
    """A unit's indicators with status words and clickable (http/https only) evidence links."""
    shown = frame.drop(columns=INTERNAL_COLUMNS)
    if "Мероприятия дорожных карт" in shown:
        shown = shown.assign(**{"Мероприятия дорожных карт": shown["Мероприятия дорожных карт"].map(compact_events)})
    config = {c: st.column_config.Column(label, width=w, help=tip)
              for c, (label, w, tip) in INDICATOR_COLUMNS.items()}
    label, width, tip = INDICATOR_COLUMNS["Подтверждение"]
    config["Подтверждение"] = st.column_config.LinkColumn(label, display_text="открыть",
                                                          width=width, help=tip)
    table(shown, key=key, column_config=config, row_height=INDICATOR_ROW,
          column_order=[c for c in INDICATOR_COLUMNS if c in shown.columns],
          height=table_height(len(shown), INDICATOR_ROW, most=len(shown)))


# A roadmap section's events on the laptop: what was done and what is late first (number, event,
# status, late, deadline as understood, document, date), wrapped onto four lines; who answers,
# the deadline as written, the comment and the planned result follow to the right.
EVENT_COLUMNS = {
    "№": ("№", 36, None), "Мероприятие": ("Мероприятие", 256, None),
    "Статус": ("Статус", 92, None), "Просрочено": ("Просрочено", 86, None),
    "Как понят срок": ("Срок", 150, "Срок, как его понимает приложение (в документе — правее)"),
    "Подтверждение": ("Документ", 76, "Подтверждение: ссылка на документ (только http/https)"),
    "Дата выполнения": ("Выполнено", 92, "Дата выполнения"),
    "Ответственный": ("Ответственный", 180, None),
    "Срок (как в документе)": ("Срок в документе", 160, None),
    "Комментарий": ("Комментарий", 180, None),
    "Планируемый результат": ("Планируемый результат", 260, None),
}
EVENT_ROW = INDICATOR_ROW


def event_table(frame: pd.DataFrame, *, key: str) -> None:
    """A roadmap section's events (``charts.section_tables``), the status in view on a laptop."""
    config = {c: st.column_config.Column(label, width=w, help=tip)
              for c, (label, w, tip) in EVENT_COLUMNS.items()}
    label, width, tip = EVENT_COLUMNS["Подтверждение"]
    config["Подтверждение"] = st.column_config.LinkColumn(label, display_text="открыть",
                                                          width=width, help=tip)
    config["Дата выполнения"] = st.column_config.DateColumn("Выполнено", format="DD.MM.YYYY",
                                                            width=92, help="Дата выполнения")
    order = [c for c in EVENT_COLUMNS if c in frame.columns]
    table(frame, key=key, column_config=config, row_height=EVENT_ROW,
          column_order=order + [c for c in frame.columns if c not in order],
          height=table_height(len(frame), EVENT_ROW, most=len(frame)))


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


def confirm_and_apply(plan, apply: Callable[[bool], int], *, key: str, confirm_key: str, button: str,
                      confirm: str) -> int | None:
    """Under a checked plan: the box that confirms its questions (when it has any) and the button
    that writes it.  Returns the batch written, or None; a refusal (a role, a question not
    confirmed) is said in Russian, never raised."""
    confirmed = True
    if plan.questions:
        confirmed = st.checkbox(confirm, key=confirm_key)
    if st.button(button, type="primary", key=key, disabled=not confirmed):
        try:
            return apply(confirmed)
        except (AccessDenied, NeedsConfirmation) as exc:
            st.error(str(exc))
    return None


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
        st.markdown(f"**Что изменится** (было → стало) — строк: {len(plan.changes)}, по одной на "
                    "каждое изменённое поле записи:")
        table(plan.changes, key="plan-changes")


def report_failure() -> None:
    """An unexpected error on a page: a plain Russian message on screen, the traceback in the
    server's log under a short code the user can quote (never on screen: paths, SQL)."""
    code = uuid.uuid4().hex[:8]
    logging.getLogger("quality").exception("page failed [%s]", code)
    st.error(f"Страница не смогла открыться из-за внутренней ошибки (код {code}). Данные не "
             "изменены. Обновите страницу; если ошибка повторится, сообщите администратору код "
             "ошибки — подробности записаны в журнал сервера.")
