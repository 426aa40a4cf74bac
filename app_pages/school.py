"""Школа: one school's profile — its years, its criteria, where its management cycle breaks."""

import streamlit as st

import ui
from indicators import charts
from indicators.text import markdown_text
from indicators.views.council import school_recommendation, vpr_signs
from indicators.views.school import combine, municipal_years, school_years
from indicators.words import LEVEL_LABELS, STAGE_STATUS_LABELS

scope = ui.scope()
school_id = ui.pick_school(scope)
municipality = scope.municipal()  # one school's profile: the sidebar's choice of schools aside
# The school alone, every year (a new school costs one school's work), beside its
# municipality's averages (read once per municipality, whichever school is shown); the year
# shown is a slice of the two.
data = ui.cached(combine, ui.view(school_years, school_id, scope.direction, scope.periods, ui.thresholds()),
                 ui.view(municipal_years, scope.municipality_id, scope.direction, scope.periods, ui.thresholds()),
                 scope.period)

st.title(markdown_text(data.name))
st.caption(f"Профиль школы · {scope.year} учебный год · {markdown_text(scope.municipality_name)}")

this_year = data.history[data.history["period"] == scope.period]
cols = st.columns(3)
nothing_applies = len(this_year) and this_year.iloc[0]["level"] == "not_applicable"
if nothing_applies:  # every indicator of the year marked «не применяется»: no share to show
    for col, label in zip(cols, ("Соответствие", "Уровень", "Полнота данных")):
        col.metric(label, LEVEL_LABELS["not_applicable"])
elif len(this_year):
    row = this_year.iloc[0]
    ui.metric(cols[0], "Соответствие", row["compliance"], row["change"])
    cols[1].metric("Уровень", LEVEL_LABELS.get(row["level"], row["level"]))
    ui.metric(cols[2], "Полнота данных", row["completeness"])
breaks = data.stages[data.stages["is_break"]]
if nothing_applies:
    st.info(f"Показатели школы в {scope.year} учебном году не применяются: соответствие, уровень "
            "и управленческий цикл не оцениваются.")
elif len(breaks):
    b = breaks.iloc[0]
    st.warning(f"Управленческий цикл прерывается на этапе «{b['label']}» "
             f"({STAGE_STATUS_LABELS[b['status']]}).")
elif len(data.stages):
    st.success("Управленческий цикл замкнут: все этапы подтверждены хотя бы частично.")

ui.chart(ui.cached(charts.cycle_strip, data.stages, f"Управленческий цикл школы, {scope.year}"),
         ui.cached(charts.stages_table, data.stages), key="school-cycle",
         filename=ui.xlsx_name("цикл_школы", scope))
ui.chart(ui.cached(charts.history_bars, data.history, "Соответствие школы по учебным годам и среднее по муниципалитету"),
         ui.cached(charts.history_table, data.history), key="school-history",
         filename=ui.xlsx_name("школа_по_годам", scope))
ui.chart(ui.cached(charts.criteria_compare, data.by_criterion,
                   f"Группы критериев: школа и среднее по муниципалитету, {scope.year}"),
         ui.cached(charts.criteria_compare_table, data.by_criterion), key="school-criteria",
         filename=ui.xlsx_name("школа_по_критериям", scope))

st.subheader(f"Показатели школы, {scope.year}")
if st.toggle("Исправить значения", key="edit_mode"):
    ui.indicator_editor(data.indicators, school_id, scope.period, locked=data.locked)
else:
    ui.indicator_table(data.indicators, key="school-indicators")
st.subheader("Чего не хватает")
if data.missing:
    st.markdown("\n".join(f"- {line}" for line in data.missing))
elif nothing_applies:
    st.markdown("Ничего: показатели школы в этом году не применяются.")
else:
    st.markdown("Все показатели выполнены или частично выполнены.")
# Drafted for this school alone, with the municipality's ВПР signs read once per year.
recommendation = ui.view(school_recommendation, municipality, school_id, ui.thresholds(),
                         ui.view(vpr_signs, municipality))
if recommendation is not None:
    st.subheader(f"Адресные рекомендации, {scope.year}")
    if message := st.session_state.pop("rec_message", None):
        st.success(message)
    ui.recommendation_text(recommendation)
    with st.expander("Изменить или утвердить рекомендации"):
        ui.recommendation_editor(recommendation, scope.period)
st.caption("«Нет данных» — школа не прислала значение; «Не применяется» — показатель к школе "
           "не относится; «Не выполнено» — значение прислано, подтверждения нет.")
