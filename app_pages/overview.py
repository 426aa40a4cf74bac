"""Обзор: how the municipality is doing this school year, and against last year."""

import streamlit as st

import ui
from indicators import charts
from indicators.measures import LEVEL_LABELS

f = ui.filters(region_view=True)
if f.region_wide:
    ui.region_overview(f)
    st.stop()
data = ui.view("overview", f.period, f.municipality_id, f.school_ids, f.levels, f.direction)
muni, dept = data.municipality, data.department

st.title(f"Обзор за {f.year} учебный год")
st.caption(f.municipality_name)

cols = st.columns(3)
ui.metric(cols[0], "Соответствие по школам", muni.get("compliance"), muni.get("change"),
          help="Σ баллов всех школ / Σ максимальных баллов по заполненным показателям; "
               "изменение — к прошлому учебному году, в процентных пунктах.")
ui.metric(cols[1], "Управление образования", None if dept is None else dept["compliance"],
          None if dept is None else dept["change"],
          help="Муниципальный уровень: показатели, которые выполняет само управление образования.")
ui.metric(cols[2], "Полнота данных", muni.get("completeness"),
          help="Доля ожидаемых оценок школ, которые поданы. Нет данных — не ноль.")
cols[2].caption(f"Сдали данные: {int(muni.get('units_submitted', 0))} из {int(muni.get('units', 0))} школ")

st.markdown("**Школы по уровням** — нажмите, чтобы увидеть список")
for row in (("high", "medium", "low"), ("insufficient", "no_data")):
    for col, level in zip(st.columns(3), row):
        with col:
            ui.school_list(f"{LEVEL_LABELS[level]}: {data.levels[level]}", data.by_level[level],
                           key=f"level-{level}")

if len(data.not_submitted):
    st.warning(f"Не сдали данные за {f.year}: " + ", ".join(data.not_submitted["short_name"]))
if f.school_ids or f.levels:
    st.caption(f"Графики ниже показывают выбранные в фильтре школы: {len(data.schools)}.")

trimmed = len(data.shown) < len(data.schools)
if trimmed:
    st.caption(f"Школ {len(data.schools)}: графики показывают {len(data.shown) // 2} лучших и "
               f"{len(data.shown) - len(data.shown) // 2} отстающих, все — в таблицах под графиками.")
    ui.find_school(data.schools, key="find-school")
which = f"{len(data.shown) // 2} лучших и {len(data.shown) - len(data.shown) // 2} отстающих школ" if trimmed else "школ"
ui.chart(
    ui.cached(charts.compliance_bars, data.shown, f"Соответствие {which} критериям, {f.year}", data.thresholds),
    ui.cached(charts.compliance_table, data.schools),
    key="overview-bars", filename=ui.xlsx_name("соответствие_школ", f), clickable_schools=True,
)
ui.chart(
    ui.cached(charts.criteria_heatmap, data.by_criterion,
              f"{'Школы' if not trimmed else which.capitalize()} × группы критериев, {f.year}"),
    ui.cached(charts.heatmap_table, data.by_criterion),
    key="overview-heatmap", filename=ui.xlsx_name("школы_по_критериям", f), clickable_schools=True,
)

st.subheader(f"Показатели управления образования, {f.year}")
ui.indicator_table(data.department_indicators, key="department-indicators")
