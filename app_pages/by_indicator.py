"""Показатели: which indicators most schools miss, and who misses the one chosen."""

import streamlit as st

import ui
from indicators import charts
from indicators.charts import percent
from indicators.text import markdown_text
from indicators.views.by_indicator import (
    choices_in_force,
    indicator_catalog,
    indicator_history,
    indicator_ranking,
    indicator_view_of,
    indicator_year,
    kept_schools,
    not_meeting_table,
    unlinked_table,
)
from indicators.words import counted

scope = ui.scope()
thresholds = ui.thresholds()
st.title(f"Показатели, {scope.year} учебный год")
caption = st.empty()  # the place and how many schools are chosen: counted with the history below

ranking = ui.view(indicator_ranking, scope, thresholds)
ui.chart(ui.cached(charts.ranking_bars, ranking, f"Сколько школ выполняют каждый показатель, {scope.year}"),
         ui.cached(charts.ranking_table, ranking), key="indicators-ranking",
         filename=ui.xlsx_name("показатели_школ", scope), on_pick=ui.choose_indicator,
         hint="Щёлкните по показателю, чтобы открыть его ниже.")

st.divider()
choices = ui.cached(choices_in_force, ui.view(indicator_catalog, scope.direction), scope.period)
key = ui.pick_indicator(choices)
choice = {c.key: c for c in choices}[key]
# Across the years once per set of schools and indicator (a new year reads only its own lists).
history = ui.view(indicator_history, kept_schools(scope), choice.codes, scope.periods, thresholds)
data = ui.cached(indicator_view_of, history, ui.view(indicator_year, scope, choice, thresholds))
caption.caption(markdown_text(scope.municipality_name)
                + (f" · выбрано школ: {history.schools}" if scope.school_ids or scope.levels else ""))
st.subheader(markdown_text(f"{data.choice.title[0].upper()}{data.choice.title[1:]}"))

cols = st.columns(4)
ui.metric(cols[0], "Выполняют полностью", data.met_share, data.met_change,
          help="Доля школ, у которых все значения поданы и выполнены, среди школ, к которым "
               "показатель относится; изменение — к прошлому учебному году.")
coverage = data.coverage[data.coverage["period"] == scope.period]
ui.metric(cols[1], "Подтверждено документом",
          None if coverage.empty else coverage["share"].iloc[0],
          help="Доля выполненных (полностью или частично) значений, к которым приложена "
               "ссылка на документ.")
labels = {"not_met": "Не выполняют", "partial": "Частично", "no_data": "Нет данных"}
with cols[2]:
    for status in ("not_met", "partial"):
        ui.school_list(f"{labels[status]}: {data.count(status)}",
                       data.current[data.current["status"] == status], key=f"ind-{status}")
with cols[3]:
    ui.school_list(f"{labels['no_data']}: {data.count('no_data')}",
                   data.current[data.current["status"] == "no_data"], key="ind-no_data")
    na = data.count("not_applicable")
    if na:
        st.caption(f"Не применяется: {na}")

gaps = data.current.dropna(subset=["gap_codes"])
if len(gaps):
    st.warning("**Не выполняется два года подряд:** " + "; ".join(
        f"{markdown_text(n)} ({markdown_text(codes)})" for n, codes in zip(gaps["short_name"], gaps["gap_codes"])))

ui.chart(ui.cached(charts.status_share_bars, data.by_year,
                   # «выполняющих группу …»: the group in the accusative the sentence asks for
                   f"Доля школ, выполняющих {data.choice.short.replace('группа «', 'группу «', 1)}, "
                   "по учебным годам"),
         ui.cached(charts.status_share_table, data.by_year), key="indicators-share",
         filename=ui.xlsx_name("доля_школ_по_годам", scope))

st.markdown(f"**Кто не выполняет в {scope.year}**")
if data.not_meeting.empty:
    st.success("Все школы выполняют полностью.")
else:
    ui.table(not_meeting_table(data), key="indicators-not-meeting")

matrix = ui.cached(charts.weakest_schools, data.statuses, scope.period)
schools_total = data.statuses["org_unit_id"].nunique()
rows = matrix["org_unit_id"].nunique()
who = ("Школы" if rows == schools_total else
       f"{counted(rows, 'школа', 'школы', 'школ')} с наименьшим выполнением из {schools_total}")
ui.chart(ui.cached(charts.status_matrix, matrix, f"{who} × учебные годы: {data.choice.short}"),
         ui.cached(charts.status_matrix_table, data.statuses), key="indicators-matrix",
         filename=ui.xlsx_name("школы_по_годам", scope), clickable_schools=True)

st.markdown(f"**Выполнено, но без ссылки на документ, {scope.year}:** "
            f"{counted(len(data.unlinked), 'значение', 'значения', 'значений')} "
            f"({percent(None if coverage.empty else coverage['share'].iloc[0])} подтверждено документом)")
if len(data.unlinked):
    ui.table(unlinked_table(data), key="indicators-unlinked")
