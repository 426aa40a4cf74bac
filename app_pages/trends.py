"""Динамика: who improved and who slipped, over the years and since last year."""

import streamlit as st

import ui
from indicators import charts
from indicators.dynamics import RATING_COLOR_NAMES, RATINGS
from indicators.measures import period_label

f = ui.filters()
data = ui.view("trends", f.period, f.municipality_id, f.school_ids, f.levels, f.direction)
first = ui.view("available_periods")[0]

st.title(f"Динамика, {f.year} учебный год")
st.caption(f.municipality_name)

if not data.lines_chosen:
    st.caption("На графике — до трёх школ с наибольшим ростом и до трёх с наибольшим снижением за год. "
               "Выберите школы в фильтре слева, чтобы сравнить другие.")
ui.chart(ui.cached(charts.trend_lines, data.history, data.municipal,
                            f"Соответствие школ по учебным годам ({period_label(first)}–{f.year}) "
                            "и среднее по муниципалитету"),
         ui.cached(charts.trend_table, data.history, data.municipal), key="trends-lines",
         filename=ui.xlsx_name("динамика_школ", f), clickable_schools=True)

st.subheader(f"Состояние и динамика, {f.year}")
st.markdown("Каждая школа — в клетке по уровню соответствия в этом году (строки) и изменению "
            "к прошлому году (столбцы). Цвет клетки — итоговая оценка. Нажмите на число, "
            "чтобы увидеть школы.")
for col, rating in zip(st.columns(len(RATINGS)), RATINGS):
    with col:
        ui.school_list(f"{RATING_COLOR_NAMES[rating]}: {len(data.by_rating[rating])}",
                       data.by_rating[rating], key=f"rating-{rating}")
if len(data.unrated):
    ui.school_list(f"Без оценки динамики: {len(data.unrated)}", data.unrated, key="rating-none")
    st.caption("Без оценки: " + "; ".join(f"{n} — {why}" for n, why in
                                          zip(data.unrated["short_name"], data.unrated["unrated"])))
ui.chart(ui.cached(charts.status_change_grid, data.grid, f"Состояние × динамика, {f.year}", data.bands),
         ui.cached(charts.placement_table, data.placed, data.bands), key="trends-grid",
         filename=ui.xlsx_name("состояние_и_динамика", f))

st.subheader(f"Наибольший рост и снижение за {f.year}")
if data.improved.empty and data.declined.empty:
    st.info("Нет школ с изменением к прошлому году: сравнивать не с чем.")
else:
    ui.chart(ui.cached(charts.movers_bars, data.improved, data.declined,
                                f"Изменение соответствия к прошлому году, {f.year}"),
             ui.cached(charts.movers_table, data.improved, data.declined), key="trends-movers",
             filename=ui.xlsx_name("рост_и_снижение", f), clickable_schools=True)
