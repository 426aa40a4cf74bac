"""Динамика: who improved and who slipped, over the years and since last year."""

import streamlit as st

import ui
from indicators import charts
from indicators.measures.change import RATINGS
from indicators.text import markdown_text
from indicators.views.common import available_periods
from indicators.views.trends import region_trends, trends
from indicators.words import RATING_COLOR_NAMES, period_label

scope = ui.scope(region_view=True)
region = scope.region_wide  # the whole region: municipalities in place of schools
if region:
    data = ui.view(region_trends, scope, ui.thresholds(), ui.bands())
    units, unit, average = "муниципалитетов", "Муниципалитет", "Среднее по региону"
    click = dict(on_pick=ui.open_municipality,
                 hint="Щёлкните по муниципалитету на графике, чтобы открыть его школы.")
else:
    data = ui.view(trends, scope, ui.thresholds(), ui.bands())
    units, unit, average = "школ", "Школа", "Среднее по муниципалитету"
    click = dict(clickable_schools=True)
first = ui.view(available_periods)[0]

st.title(f"Динамика, {scope.year} учебный год")
st.caption(markdown_text(scope.municipality_name))

if not data.lines_chosen:
    who = "муниципалитетов" if region else "школ"
    st.caption(f"На графике — до трёх {who} с наибольшим ростом и до трёх с наибольшим снижением "
               "за год." + ("" if region else " Выберите школы в фильтре слева, чтобы сравнить другие."))
ui.chart(ui.cached(charts.trend_lines, data.history, data.municipal,
                   f"Соответствие {units} по учебным годам ({period_label(first)}–{scope.year}) "
                   f"и {average.lower()}", average),
         ui.cached(charts.trend_table, data.history, data.municipal, average, unit), key="trends-lines",
         filename=ui.xlsx_name(f"динамика_{units}", scope), **click)

st.subheader(f"Состояние и динамика, {scope.year}")
st.markdown(f"{'Каждый муниципалитет (его школы вместе)' if region else 'Каждая школа'} — в клетке "
            "по уровню соответствия в этом году (строки) и изменению к прошлому году (столбцы). "
            f"Цвет клетки — итоговая оценка. Нажмите на число, чтобы увидеть "
            f"{'муниципалитеты' if region else 'школы'}.")
for col, rating in zip(st.columns(len(RATINGS)), RATINGS):
    with col:
        ui.school_list(f"{RATING_COLOR_NAMES[rating]}: {len(data.by_rating[rating])}",
                       data.by_rating[rating], key=f"rating-{rating}", municipalities=region)
if len(data.unrated):
    ui.school_list(f"Без оценки динамики: {len(data.unrated)}", data.unrated, key="rating-none",
                   municipalities=region)
    st.caption("Без оценки: " + "; ".join(f"{markdown_text(n)} — {why}" for n, why in
                                          zip(data.unrated["short_name"], data.unrated["unrated"])))
ui.chart(ui.cached(charts.status_change_grid, data.grid, f"Состояние × динамика, {scope.year}", data.bands,
                   "municipality" if region else "school"),
         ui.cached(charts.placement_table, data.placed, data.bands, unit), key="trends-grid",
         filename=ui.xlsx_name("состояние_и_динамика", scope))

st.subheader(f"Рост и снижение за {scope.year}")
if data.improved.empty and data.declined.empty:
    st.info(f"Нет {units} с изменением к прошлому году: сравнивать не с чем."
            if data.steady.empty else f"Соответствие {units} не изменилось к прошлому году.")
else:
    cut = max(len(data.improved), len(data.declined)) > charts.MOVERS
    if data.improved["unrated"].notna().any() or data.declined["unrated"].notna().any():
        st.caption("Бледный столбец — " + ("муниципалитет" if region else "школа")
                   + " вне сетки «состояние × динамика»: причина — в подсказке и в таблице.")
    ui.chart(ui.cached(charts.movers_bars, data.improved, data.declined,
                       f"Изменение соответствия к прошлому году, {scope.year}"
                       + (f" (по {charts.MOVERS} наибольших; все — в таблице)" if cut else "")),
             ui.cached(charts.movers_table, data.improved, data.declined, unit), key="trends-movers",
             filename=ui.xlsx_name("рост_и_снижение", scope), **click)
if len(data.steady):
    st.caption(f"Без изменения к прошлому году ({len(data.steady)}): "
               + ", ".join(map(markdown_text, data.steady["short_name"])) + ".")
