"""Обзор: how the municipality is doing this school year, and against last year."""

import streamlit as st

import ui
from indicators import charts
from indicators.text import markdown_text
from indicators.views.common import best_and_last_words
from indicators.views.overview import municipality_years, overview_of
from indicators.views.region import region_overview
from indicators.words import LEVEL_LABELS, LEVELS, counted

scope = ui.scope(region_view=True)
if scope.region_wide:  # the whole region: its municipalities compared, each opening on a click
    region_data = ui.view(region_overview, scope, ui.thresholds())
    region = region_data.region
    st.title(f"Обзор за {scope.year} учебный год")
    st.caption(f"{markdown_text(scope.municipality_name)} · муниципалитетов: {len(region_data.municipalities)}")
    cols = st.columns(3)
    ui.metric(cols[0], "Соответствие по школам региона", region.get("compliance"), region.get("change"),
              help="Σ баллов всех школ региона / Σ максимальных баллов по заполненным показателям.")
    depts = region_data.municipalities["department"]
    ui.metric(cols[1], "Управления образования (медиана)", depts.median() if depts.notna().any() else None,
              help="Медиана соответствия муниципальным показателям среди управлений образования.")
    ui.metric(cols[2], "Полнота данных", region.get("completeness"))
    cols[2].caption(f"Сдали данные: {int(region.get('units_submitted', 0))} из "
                    f"{counted(int(region.get('units', 0)), 'школы', 'школ', 'школ')}")
    st.markdown("**Школы региона по уровням:** " + " · ".join(
        f"{LEVEL_LABELS[lv]}: {region_data.levels[lv]}" for lv in LEVELS))
    ui.open_municipality_picker(scope, key="find-muni")
    part = best_and_last_words(len(region_data.shown), len(region_data.municipalities))
    title = (f"Муниципалитеты: {part}, {scope.year}" if part else
             f"Муниципалитеты: соответствие школ и управлений образования, {scope.year}")
    ui.chart(ui.cached(charts.municipality_bars, region_data.shown, title),
             ui.cached(charts.municipality_table, region_data.municipalities),
             key="region-bars", filename=ui.xlsx_name("муниципалитеты", scope), on_pick=ui.open_municipality,
             hint="Щёлкните по муниципалитету, чтобы открыть его школы. Ромб — собственные показатели "
                  "управления образования. Полный список — в таблице под графиком.")
    st.stop()
# Every year of the municipality at once (two statements); each year shown is a slice of it.
data = ui.cached(overview_of, ui.view(municipality_years, scope.municipality_id, scope.direction, scope.periods,
                                      ui.thresholds()), scope)
muni, dept = data.municipality, data.department
by_level, levels, not_submitted = data.by_level, data.levels, data.not_submitted
if (own := ui.reach().school_ids) is not None:  # a school's operator: its own school, no other's name
    by_level = {lv: f[f["org_unit_id"].isin(own)].reset_index(drop=True) for lv, f in by_level.items()}
    levels = {lv: len(f) for lv, f in by_level.items()}
    not_submitted = not_submitted[not_submitted["org_unit_id"].isin(own)]

st.title(f"Обзор за {scope.year} учебный год")
st.caption(markdown_text(scope.municipality_name))
if scope.school_ids or scope.levels:  # the filter narrows the charts, never the municipal figures
    st.caption(f"Цифры и число школ по уровням — по всему муниципалитету "
               f"(все {counted(sum(data.levels.values()), 'школа', 'школы', 'школ')}); фильтр школ и "
               f"уровня сужает только графики и таблицы ниже: выбрано школ: {len(data.schools)}.")

cols = st.columns(3)
ui.metric(cols[0], "Соответствие по школам", muni.get("compliance"), muni.get("change"),
          help="Σ баллов всех школ / Σ максимальных баллов по заполненным показателям; "
               "изменение — к прошлому учебному году, в процентных пунктах.")
ui.metric(cols[1], "Управление образования", None if dept is None else dept["compliance"],
          None if dept is None else dept["change"],
          help="Муниципальный уровень: показатели, которые выполняет само управление образования.")
ui.metric(cols[2], "Полнота данных", muni.get("completeness"),
          help="Доля ожидаемых оценок школ, которые поданы. Нет данных — не ноль.")
cols[2].caption(f"Сдали данные: {int(muni.get('units_submitted', 0))} из "
                f"{counted(int(muni.get('units', 0)), 'школы', 'школ', 'школ')}")

st.markdown("**Школы по уровням** — нажмите, чтобы увидеть список")
for row in (("high", "medium", "low"), ("insufficient", "no_data")):
    for col, level in zip(st.columns(3), row):
        with col:
            ui.school_list(f"{LEVEL_LABELS[level]}: {levels[level]}", by_level[level],
                           key=f"level-{level}")

if len(not_submitted):
    st.warning(f"Не сдали данные за {scope.year}: " + ", ".join(map(markdown_text, not_submitted["short_name"])))

part = best_and_last_words(len(data.shown), len(data.schools))
if part:
    st.caption(f"Школ {len(data.schools)}: графики показывают {part.rsplit(' из ', 1)[0]}, "
               "все — в таблицах под графиками.")
    ui.find_school(data.schools, key="find-school")
which = f"школ ({part})" if part else "школ"
ui.chart(
    ui.cached(charts.compliance_bars, data.shown, f"Соответствие {which} критериям, {scope.year}",
              data.thresholds),
    ui.cached(charts.compliance_table, data.schools),
    key="overview-bars", filename=ui.xlsx_name("соответствие_школ", scope), clickable_schools=True,
)
ui.chart(
    ui.cached(charts.criteria_heatmap, data.by_criterion,
              f"Школы{f' ({part})' if part else ''} × группы критериев, {scope.year}"),
    ui.cached(charts.heatmap_table, data.by_criterion),
    key="overview-heatmap", filename=ui.xlsx_name("школы_по_критериям", scope), clickable_schools=True,
)

st.subheader(f"Показатели управления образования, {scope.year}")
ui.indicator_table(data.department_indicators, key="department-indicators")
