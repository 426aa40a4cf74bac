"""Streamlit pieces every page shares: the database handle, cached views, filters, chart frame.

Kept next to ``app.py`` (not in ``indicators/``, which never imports Streamlit) so that pages
stay thin: read the filters, ask a view for its data, lay it out.
"""

from __future__ import annotations

import html
import importlib
import pickle
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import config, views
from indicators.measures import recommendations
from indicators.charts import is_missing, percent, points
from indicators.council.figures import slide_figure
from indicators.council.report_html import SLIDE_CSS, figures_html, table_html, text_html
from indicators.store.database import Database
from indicators.exchange.export import frames_to_xlsx
from indicators.words import LEVEL_LABELS, LEVELS, period_label
from indicators.ready import ready_db
from indicators.exchange.sheets import EVENT_STATUS_LABELS, format_score, score_choices
from indicators.views.common import INTERNAL_COLUMNS
from indicators.council.slides import slides
from indicators.exchange.edits import plan_edits, plan_event_edits, save_edits

SCHOOL_PAGE = "app_pages/school.py"
# The app's pages, in menu order: (file, title, icon, url path); app.py registers them.
PAGES = [
    ("app_pages/overview.py", "Обзор", ":material/dashboard:", "overview"),
    (SCHOOL_PAGE, "Школа", ":material/school:", "school"),
    ("app_pages/indicators.py", "Показатели", ":material/checklist:", "indicators"),
    ("app_pages/trends.py", "Динамика", ":material/trending_up:", "trends"),
    ("app_pages/roadmap.py", "Дорожная карта", ":material/route:", "roadmap"),
    ("app_pages/council.py", "Педсовет", ":material/co_present:", "council"),
    ("app_pages/data.py", "Данные", ":material/upload_file:", "data"),
    ("app_pages/log.py", "Журнал изменений", ":material/history:", "log"),
]
_FILTERS = "_filters"  # session key: the Filters drawn by app_frame() for this run


@st.cache_resource(show_spinner="Открываю базу данных…")
def _database(path: str) -> Database:
    return ready_db(path)


def database() -> Database:
    """The process-wide database (QUALITY_DB or data/quality.duckdb), ready and migrated."""
    return _database(str(config.db_path()))


# Views and charts are cached as shared objects (cache_resource), not copies (cache_data): a
# rerun then costs no unpickling, and another session adds no second copy.  They are read-only
# by contract: a page derives new frames from them and never changes one in place.
@st.cache_resource(show_spinner=False, max_entries=512)
def _cached(view: str, path: str, version: int, args: tuple) -> object:
    return getattr(views, view)(_database(path), *args)


_VERSION = "_data_version"  # session key: the data version read once at the start of a run


def data_version() -> int:
    """The database's data version as of this run (read once per run by :func:`app_frame`)."""
    found = st.session_state.get(_VERSION)
    return database().data_version() if found is None else found


def view(name: str, *args) -> object:
    """Call ``indicators.views.<name>(db, *args)``, cached until the next write to the database."""
    return _cached(name, database().path, data_version(), args)


def _frame_key(frame: pd.DataFrame) -> object:
    """A DataFrame's cache key from its content; frames with list cells are pickled instead."""
    try:
        return tuple(frame.columns), pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    except TypeError:
        return pickle.dumps(frame)


@st.cache_resource(show_spinner=False, max_entries=512, hash_funcs={pd.DataFrame: _frame_key})
def _built(module: str, name: str, args: tuple) -> object:
    return getattr(importlib.import_module(module), name)(*args)


def cached(builder, *args) -> object:
    """``builder(*args)`` — a chart, its table, any pure function of a view's data — built once
    per distinct input: building a Plotly figure costs more than drawing it."""
    return _built(builder.__module__, builder.__name__, args)


# -- filters -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    period: int
    periods: tuple[int, ...]
    municipality_id: str | None     # None: the whole region, its municipalities compared
    municipality_name: str          # the region's name when municipality_id is None
    school_ids: tuple[str, ...]     # empty: all schools
    direction: str | None           # None: all directions
    levels: tuple[str, ...]         # empty: all levels
    region_id: str | None = None    # None: the database holds one region (or none)
    municipality_count: int = 1

    @property
    def year(self) -> str:
        return period_label(self.period)

    @property
    def region_wide(self) -> bool:
        return self.municipality_id is None


REGION_WIDE = ""  # the municipality picker's first option: the whole region


def stale_value(key: str, allowed: list[str], what: str) -> None:
    """A URL value that no longer exists is dropped by the widget; say so instead of silently."""
    asked = [v for raw in st.query_params.get_all(key) for v in raw.split(",") if v]
    bad = [v for v in asked if v not in allowed]
    if bad:
        st.toast(f"{what} «{', '.join(bad)}» из ссылки не найдено — фильтр сброшен.", icon="⚠️")


def sidebar_filters() -> Filters | None:
    """The shared filters, one definition for every page, bound to the URL (a link is a view)."""
    years = view("available_periods")
    if not years or view("municipalities").empty:
        return None
    labels = [period_label(p) for p in years]
    regions = view("regions")
    region_names = dict(zip(regions["id"], regions["short_name"]))
    with st.sidebar:
        st.markdown("### Фильтры")
        stale_value("year", labels, "Учебный год")
        label = st.selectbox(
            "Учебный год", labels, index=len(labels) - 1, key="year", bind="query-params",
            help="Учебный год, за который показаны данные (2024/25 — сентябрь 2024 – август 2025).")
        region = None  # one region (or none): its municipalities are all there are
        if len(regions) > 1:
            stale_value("region", list(region_names.values()), "Регион")
            region = st.selectbox("Регион", list(region_names), format_func=region_names.get,
                                  key="region", bind="query-params")
        munis = view("municipalities", region)
        muni_names = dict(zip(munis["id"], munis["short_name"]))
        muni = munis["id"].iloc[0]
        if len(munis) > 1:
            whole = f"Весь {'регион' if region or len(regions) == 1 else 'список'}: сравнение"
            stale_value("muni", [whole, *muni_names.values()], "Муниципалитет")
            muni = st.selectbox(
                "Муниципалитет", [REGION_WIDE, *muni_names],
                format_func=lambda m: whole if m == REGION_WIDE else muni_names[m],
                key="muni", bind="query-params",
                help="«Весь регион» сравнивает муниципалитеты; выберите один, чтобы видеть его школы.",
            ) or None
        chosen: list[str] = []
        if muni is not None:
            school_frame = view("schools", muni)
            school_names = dict(zip(school_frame["id"], school_frame["short_name"]))
            stale_value("schools", list(school_names.values()), "Школа")
            chosen = st.multiselect(
                "Школы", list(school_names), format_func=school_names.get, key="schools",
                bind="query-params", placeholder="Все школы",
                help="Оставьте пустым, чтобы видеть все школы муниципалитета.")
        dirs = view("directions")
        dir_titles = dict(zip(dirs["id"], dirs["title"]))
        direction = None
        if len(dirs) > 1:
            direction = st.selectbox(
                "Направление", [None, *dir_titles], key="direction", bind="query-params",
                format_func=lambda d: "Все направления" if d is None else dir_titles[d])
        elif len(dirs) == 1:
            st.caption(f"Направление: {dirs['title'].iloc[0]}")
        stale_value("level", [LEVEL_LABELS[lv] for lv in LEVELS], "Уровень")
        levels = st.multiselect("Уровень школы", list(LEVELS), format_func=LEVEL_LABELS.get,
                                key="level", bind="query-params", placeholder="Все уровни")
    if muni is None:
        place = (regions.set_index("id").loc[region, "name"] if region else
                 regions["name"].iloc[0] if len(regions) == 1 else "Все муниципалитеты")
    else:
        place = munis.set_index("id").loc[muni, "name"]
    return Filters(
        period=years[labels.index(label)], periods=tuple(years), municipality_id=muni,
        municipality_name=place, school_ids=tuple(chosen), direction=direction,
        levels=tuple(levels), region_id=region, municipality_count=len(munis),
    )


def app_frame() -> None:
    """What app.py draws around every page: the shared filters and the demo notice.

    The filters are kept for the page in the session (a fresh value each run); a page reads
    them with :func:`filters`.
    """
    st.session_state[_VERSION] = database().data_version()
    st.session_state[_FILTERS] = sidebar_filters()
    with st.sidebar:
        st.text_input("Ваше имя", key="user_name", placeholder="для журнала изменений",
                      help="Кто вносит изменения: имя попадает в журнал изменений.")
    if not presenting():
        demo_notice()


def user() -> str:
    """Who is writing, for the change log (the sidebar field; a default when left empty)."""
    return (st.session_state.get("user_name") or "").strip() or "специалист УО"


def filters(*, region_view: bool = False) -> Filters:
    """The shared filters of this run; with no data at all, say how to get some and stop.

    A page that shows one municipality (``region_view`` False) asks, when the sidebar says
    "the whole region", which municipality to open, and stops until one is chosen.
    """
    chosen = st.session_state.get(_FILTERS)
    if chosen is None:
        no_data_notice()
        st.stop()
    if chosen.region_wide and not region_view:
        st.info("Эта страница показывает один муниципалитет. Выберите его здесь или в фильтре "
                "«Муниципалитет» слева; сравнение муниципалитетов — на странице «Обзор».")
        open_municipality_picker(chosen, key="need-muni")
        st.stop()
    return chosen


def open_municipality(municipality_id: str) -> None:
    """Callback: drill down from the region to one municipality (the sidebar picker follows)."""
    st.session_state["muni"] = municipality_id


def open_municipality_picker(f: Filters, *, key: str) -> None:
    """Find a municipality by typing its name, and open it."""
    munis = view("municipalities", f.region_id)
    names = dict(zip(munis["id"], munis["name"]))
    picked = st.selectbox("Найти муниципалитет", list(names), index=None, format_func=names.get,
                          placeholder="Начните вводить название…", key=key)
    st.button("Открыть", key=f"{key}-open", disabled=picked is None, on_click=open_municipality,
              args=(picked,), type="primary")


def pick_school(f: Filters) -> str:
    """The school whose profile is shown, bound to the URL (``?school=…``)."""
    frame = view("schools", f.municipality_id)
    names = dict(zip(frame["id"], frame["short_name"]))
    ids = list(names)
    default = f.school_ids[0] if f.school_ids else ids[0]
    stale_value("school", list(names.values()), "Школа")
    chosen = st.session_state.get("school")
    index = None if chosen in names else ids.index(default)
    if chosen is not None and chosen not in names:
        del st.session_state["school"]
    return st.selectbox("Школа", ids, index=index, format_func=names.get,
                        key="school", bind="query-params")


def open_school(school_id: str) -> None:
    """Jump to a school's profile.  The school goes through the session: the bound ``school``
    parameter belongs to the School page and can't be set from another one."""
    st.session_state["school"] = school_id
    st.switch_page(SCHOOL_PAGE, query_params={})  # {}: keep the bound filter parameters


def pick_indicator(choices) -> str:
    """The criterion or indicator the Indicators page shows, bound to the URL."""
    labels = {c.key: c.label for c in choices}
    stale_value("indicator", list(labels.values()), "Показатель")
    return st.selectbox("Группа критериев или показатель", list(labels), format_func=labels.get,
                        key="indicator", bind="query-params")


def choose_indicator(key: str) -> None:
    """Callback: make ``key`` the indicator shown (a click on the ranking chart)."""
    st.session_state["indicator"] = key


# -- common blocks -----------------------------------------------------------------------------

def demo_notice() -> None:
    """Say plainly when the numbers are demo or synthetic data, and how to put real data in."""
    flags = view("database_flags")
    if flags.get("synthetic"):
        st.info(f"**Это синтетические данные** (масштаб «{flags['synthetic']}», команда "
                "`python -m indicators generate`): они проверяют скорость и работу на уровне "
                "региона, а не описывают настоящие школы.", icon="ℹ️")
    if flags.get("demo") == "1":
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
    if is_missing(change):
        where.metric(label, percent(share), help=help)
        return
    pts = round(change * 100)
    # Arrow and colour are set from the number: Streamlit would read the sign from the text,
    # and the text uses the typographic minus (a fall showed green with an up-arrow).
    where.metric(label, percent(share), delta=points(change),
                 delta_arrow="up" if pts > 0 else "down" if pts < 0 else "off",
                 delta_color="green" if pts > 0 else "red" if pts < 0 else "gray", help=help)


def no_data_notice() -> None:
    st.warning("В базе пока нет оценок. Загрузите данные школ или заполните демо-базу командой "
               "`python -m indicators demo`.")


def school_list(label: str, frame: pd.DataFrame, *, key: str, municipalities: bool = False) -> None:
    """A count that opens the list of the schools (or municipalities) behind it; picking one
    opens its profile (or the municipality).

    One picker per list, not a button per school: a municipality of sixty schools would
    otherwise draw hundreds of buttons on every rerun.
    """
    with st.popover(label, disabled=frame.empty, use_container_width=True):
        st.markdown("\n".join(f"- {name}" for name in frame["name"]))
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
    """Callback: open the municipality picked in a list, or remember the school so that app.py
    opens its profile next run (a page switch can't happen inside a callback)."""
    if picked := st.session_state.get(widget_key):
        if municipality:
            open_municipality(picked)
        else:
            st.session_state["school"] = picked
            st.session_state["_open_school"] = True
        st.session_state[widget_key] = None  # the list is ready for another pick on return


def follow_school_link() -> None:
    """In app.py, before the page runs: open the school picked in a list on the last run."""
    if st.session_state.pop("_open_school", False):
        st.switch_page(SCHOOL_PAGE, query_params={})


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


def show_issues(issues: list, more: int = 0) -> None:
    """Every problem of a refused file, one per line; the database was not touched."""
    st.error(f"**Найдены ошибки: {len(issues) + more}. Ничего не записано, база не изменена.** "
             "Исправьте файл и загрузите его снова.")
    st.markdown("\n".join(f"- {issue}" for issue in issues)
                + (f"\n- … и ещё {more}" if more else ""))


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
        st.info(note)
    if len(plan.changes):
        st.markdown("**Что изменится** (было → стало):")
        st.dataframe(plan.changes, hide_index=True, key="plan-changes")


def indicator_table(frame: pd.DataFrame, *, key: str) -> None:
    """A unit's indicators with status words and clickable (http/https only) evidence links."""
    shown = frame.drop(columns=INTERNAL_COLUMNS)
    st.dataframe(shown, hide_index=True, column_config=link_columns(shown), key=key)


def indicator_editor(frame: pd.DataFrame, unit_id: str, period: int, *, locked: bool) -> None:
    """Edit a unit's scores, links and comments in place: the import's checks and change log."""
    if locked:
        st.info("Данные за этот год приняты и заблокированы. Чтобы исправить, снимите "
                "блокировку на странице «Данные» (вкладка «Сдача и приёмка»).")
        return
    table = pd.DataFrame({
        "code": frame["Код"], "Показатель": frame["Показатель"],
        "score": [format_score(s, st_ == "not_applicable")
                  for s, st_ in zip(frame["Балл"], frame["status"])],
        "evidence_url": frame["evidence_raw"], "comment": frame["Комментарий"],
    })
    choices = sorted({c for m in frame["max_score"] for c in score_choices(m)})
    # In a form: the click that saves also sends the cell being edited (outside a form the
    # first click after typing only commits the cell, and the save is lost).
    with st.form(f"edit-{unit_id}-{period}", border=False):
        edited = st.data_editor(
            table, hide_index=True, disabled=["code", "Показатель"], key=f"editor-{unit_id}-{period}",
            column_config={
                "code": st.column_config.TextColumn("Код"),
                "score": st.column_config.SelectboxColumn("Балл", options=choices),
                "evidence_url": st.column_config.TextColumn("Ссылка на документ"),
                "comment": st.column_config.TextColumn("Комментарий"),
            })
        st.caption("Пустой балл не удаляет сохранённое значение. Изменения проверяются так же, "
                   "как при загрузке файла, и записываются в журнал.")
        saved = st.form_submit_button("Сохранить изменения", type="primary",
                                      key=f"save-{unit_id}-{period}")
    if saved:
        _save(plan_edits(database(), unit_id, period, edited))
    if message := st.session_state.pop("edit_message", None):
        st.success(message)


def _save(plan) -> None:
    """Write an edit plan (or show why not), then rerun so every figure is fresh."""
    if plan.ok and plan.counts["new"] + plan.counts["changed"] == 0:
        st.info("Изменений нет.")
    elif plan.ok:
        save_edits(database(), plan, user())
        st.session_state["edit_message"] = (
            f"Сохранено: изменено значений {len(plan.changes)}. Журнал — на странице «Журнал изменений».")
        st.rerun()
    else:
        show_plan(plan)


def event_editor(events: pd.DataFrame, unit_id: str, period: int) -> None:
    """Mark roadmap events done (status, link, date, comment) in place: the import's checks."""
    labels = list(EVENT_STATUS_LABELS.values())
    table = pd.DataFrame({
        "event_id": events["event_id"], "№": events["number"], "Мероприятие": events["title"],
        "status": [EVENT_STATUS_LABELS.get(s) if isinstance(s, str) else None for s in events["status"]],
        "evidence_url": events["evidence_url"], "done_on": pd.to_datetime(events["done_on"]),
        "comment": events["comment"],
    })
    with st.form(f"events-{unit_id}-{period}", border=False):
        edited = st.data_editor(
            table, hide_index=True, disabled=["event_id", "№", "Мероприятие"],
            key=f"events-editor-{unit_id}-{period}",
            column_config={
                "event_id": None,
                "status": st.column_config.SelectboxColumn("Статус", options=labels),
                "evidence_url": st.column_config.TextColumn("Ссылка на документ"),
                "done_on": st.column_config.DateColumn("Дата выполнения", format="DD.MM.YYYY"),
                "comment": st.column_config.TextColumn("Комментарий"),
            })
        saved = st.form_submit_button("Сохранить статусы", type="primary",
                                      key=f"save-events-{unit_id}-{period}")
    if saved:
        edited = edited.assign(done_on=[d.date() if isinstance(d, pd.Timestamp) else d
                                        for d in edited["done_on"]])
        _save(plan_event_edits(database(), unit_id, period, edited))
    if message := st.session_state.pop("edit_message", None):
        st.success(message)


def link_columns(table: pd.DataFrame) -> dict:
    """Columns named «Подтверждение…» hold web links (the views keep only http/https ones)."""
    return {c: st.column_config.LinkColumn(c, display_text="открыть документ")
            for c in table.columns if str(c).startswith("Подтверждение")}


def xlsx_name(what: str, f: Filters) -> str:
    return f"{what}_{f.year.replace('/', '-')}.xlsx"


# -- the council -------------------------------------------------------------------------------

# The projector's screen: (font scale, chart height in px) so that a slide fits with no scrolling.
SCREENS = {"1920×1080 (Full HD)": (1.6, 660), "1280×720 (HD)": (1.05, 400)}
_SLIDE_CSS = f"<style>{SLIDE_CSS}</style>"  # the report's slide styles, scaled by --s
# Presentation mode: nothing on screen but the slide and its buttons; arrow keys move.
_PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1rem 2rem 0 2rem !important; max-width: 100% !important; }
</style>"""
_PRESENT_KEYS = """<script>
const doc = window.parent.document;
if (!doc.councilKeys) {
  doc.councilKeys = true;
  doc.addEventListener("keydown", (e) => {
    const keys = {ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev", Escape: "exit"};
    const button = keys[e.key] && doc.querySelector(`.st-key-present-${keys[e.key]} button`);
    if (button && !button.disabled) { e.preventDefault(); button.click(); }
  });
}
</script>"""


def council_slide(slide, *, scale: float = 1.0, chart_height: int = 460, key: str) -> None:
    """One council slide in the app: the report's HTML pieces, the chart interactive."""
    sub = (f'<p class="subtitle">{html.escape(slide.subtitle).replace(chr(10), "<br>")}</p>'
           if slide.subtitle else "")
    only_text = not (slide.chart or slide.figures or slide.table is not None)
    head = (f'<div class="council-slide{" only-text" if only_text else ""}" style="--s:{scale}">'
            f'<h2>{html.escape(slide.title)}</h2>'
            f'{sub}{figures_html(slide)}{text_html(slide)}</div>')
    st.html(_SLIDE_CSS + head)
    if slide.chart:
        st.plotly_chart(cached(slide_figure, slide.chart, scale, chart_height), theme=None,
                        key=f"council-chart-{key}", config={"displaylogo": False, "displayModeBar": False})
    if slide.table is not None:
        st.html(_SLIDE_CSS + f'<div class="council-slide" style="--s:{scale}">'
                f'{table_html(slide.table)}</div>')
    st.html(f'<div class="council-footer" style="--s:{scale}">{html.escape(slide.footer)}</div>')


@st.cache_resource(show_spinner=False, max_entries=64)
def _council_deck(path: str, version: int, period: int, municipality_id: str,
                  snapshot_id: int | None, include: tuple[str, ...]) -> list:
    content = _cached("council_content", path, version, (period, municipality_id, snapshot_id))
    return slides(content, include)


def council_deck(period: int, municipality_id: str, snapshot_id: int | None,
                 include: tuple[str, ...]) -> list:
    """The slides of the chosen sections, cut from the cached council content (one build of
    the content serves every choice of sections)."""
    return _council_deck(database().path, data_version(), period, municipality_id, snapshot_id,
                         tuple(include))


def presenting() -> bool:
    return bool(st.session_state.get("presenting"))


def _show(step: int | None, count: int = 0) -> None:
    """Button callback: move by ``step`` slides, or (None) leave the presentation and put the
    page's choices back (Streamlit forgets the values of widgets a run didn't draw)."""
    if step is None:
        st.session_state["presenting"] = False
        st.session_state.update(st.session_state.get("presentation", {}))
        return
    st.session_state["slide_no"] = min(max(st.session_state.get("slide_no", 0) + step, 0), count - 1)


def start_presentation(choices: dict) -> None:
    """Button callback: present, remembering the page's ``choices`` (widget key -> value)."""
    st.session_state["presenting"] = True
    st.session_state["slide_no"] = 0
    st.session_state["presentation"] = dict(choices)


def presentation_choices() -> dict:
    return st.session_state.get("presentation", {})


def present(deck: list, screen: str) -> None:
    """The presentation: one slide per screen, large type, previous/next, nothing else."""
    scale, height = SCREENS.get(screen, next(iter(SCREENS.values())))
    n = min(st.session_state.get("slide_no", 0), len(deck) - 1)
    st.html(_PRESENT_CSS)
    council_slide(deck[n], scale=scale, chart_height=height, key=f"present-{n}")
    cols = st.columns([1, 1, 3, 1], vertical_alignment="center")
    cols[0].button("← Назад", key="present-prev", on_click=_show, args=(-1, len(deck)),
                   disabled=n == 0, use_container_width=True)
    cols[1].button("Вперёд →", key="present-next", on_click=_show, args=(1, len(deck)),
                   disabled=n == len(deck) - 1, type="primary", use_container_width=True)
    cols[2].markdown(f"Слайд {n + 1} из {len(deck)} · стрелки ← → листают, Esc — выход")
    cols[3].button("Завершить показ", key="present-exit", on_click=_show, args=(None,),
                   use_container_width=True)
    st.html(_PRESENT_KEYS, unsafe_allow_javascript=True)


def recommendation_text(row) -> None:
    """A school's recommendations as written, with their status."""
    status = recommendations.STATUS_LABELS.get(row["status"], row["status"])
    approved = (f", {row['approved_by']}, {pd.Timestamp(row['approved_at']):%d.%m.%Y}"
                if row["status"] == "approved" else "")
    st.markdown(f"**Статус: {status}{approved}.** {row['basis'] or ''}")
    # One paragraph per line: numbered lines read as a list, plain ones as paragraphs.
    st.markdown("\n\n".join(line.strip() for line in str(row["text"] or "").splitlines()
                            if line.strip()))


def recommendation_editor(row, period: int) -> None:
    """Edit a school's targeted recommendations and approve them (logged; evidence of the
    municipal indicator they answer)."""
    school = row["org_unit_id"]
    st.caption(f"Основание: {row['basis']}" if isinstance(row["basis"], str) and row["basis"] else
               "Школа не попадает под правила поддержки в этом году; рекомендации сохранены ранее.")
    status = recommendations.STATUS_LABELS.get(row["status"], row["status"])
    if row["status"] == "approved":
        st.success(f"Утверждено: {row['approved_by']}, {pd.Timestamp(row['approved_at']):%d.%m.%Y %H:%M}. "
                   "Изменение текста вернёт рекомендации в черновик.")
    else:
        st.caption(f"Статус: {status}.")
    with st.form(f"rec-{school}-{period}", border=False):
        text = st.text_area("Рекомендации (по одной в строке)", value=row["text"] or "", height=220,
                            key=f"rec-text-{school}-{period}", max_chars=10_000)
        cols = st.columns(2)
        draft = cols[0].form_submit_button("Сохранить черновик", key=f"rec-draft-{school}-{period}")
        approve = cols[1].form_submit_button("Утвердить", type="primary",
                                             key=f"rec-approve-{school}-{period}")
    if draft or approve:
        try:
            st.session_state["rec_message"] = recommendations.save(
                database(), school, period, text, row["basis"], approve=approve, user=user())
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.rerun()
