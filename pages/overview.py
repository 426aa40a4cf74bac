"""Обзор: how the municipality is doing this school year, and against last year."""

import streamlit as st

import ui
from indicators import charts
from indicators.measures import period_label

f = ui.page_start()

data = ui.view("overview", f.period, f.municipality_id)
year = period_label(f.period)
muni, dept = data.municipality, data.department

st.title(f"Обзор за {year} учебный год")
st.caption(f.municipality_name)

cols = st.columns(4)
ui.metric(cols[0], "Соответствие по школам", muni.get("compliance"), muni.get("change"),
          help="Σ баллов всех школ / Σ максимальных баллов по заполненным показателям; "
               "изменение — к прошлому учебному году, в процентных пунктах.")
ui.metric(cols[1], "Управление образования", None if dept is None else dept["compliance"],
          None if dept is None else dept["change"],
          help="Муниципальный уровень: показатели, которые выполняет само управление образования.")
ui.metric(cols[2], "Полнота данных", muni.get("completeness"),
          help="Доля ожидаемых оценок школ, которые поданы. Нет данных — не ноль.")
cols[2].caption(f"Сдали данные: {int(muni.get('units_submitted', 0))} из {int(muni.get('units', 0))} школ")
levels = data.levels
cols[3].metric("Школ на высоком уровне", levels["high"])
cols[3].caption(
    f"Средний: {levels['medium']} · низкий: {levels['low']} · "
    f"недостаточно данных: {levels['insufficient']} · нет данных: {levels['no_data']}"
)

if len(data.not_submitted):
    st.warning("Не сдали данные за " + year + ": " + ", ".join(data.not_submitted["short_name"]))

ui.chart(
    charts.compliance_bars(data.schools, f"Соответствие школ критериям, {year}", ui.thresholds()),
    charts.compliance_table(data.schools),
    key="overview-bars",
    filename=f"соответствие_школ_{year.replace('/', '-')}.xlsx",
)
ui.chart(
    charts.criteria_heatmap(data.by_criterion, f"Школы × группы критериев, {year}"),
    charts.heatmap_table(data.by_criterion),
    key="overview-heatmap",
    filename=f"школы_по_критериям_{year.replace('/', '-')}.xlsx",
)
