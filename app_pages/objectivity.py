"""Объективность: signs of unobjective ВПР results in the municipality's schools, one school's
card, the index over the years.  Signs are a reason to look, never a verdict."""

import streamlit as st

import ui
from indicators import charts
from indicators.charts.objectivity import number
from indicators.measures.objectivity import ObjectivitySettings
from indicators.text import markdown_text
from indicators.views.objectivity import (
    card_choices, cell, combine, for_schools, municipality_results, objectivity_year, objectivity_years,
    school_card, year_of, years_of,
)
from indicators.words import counted
from ui.vpr_evidence import proposal_box

NOTES = ("Признаки необъективности — повод для проверки и методической помощи, а не вывод о нарушении. "
         "Результаты ВПР не используются для оценки работы учителей (письма Рособрнадзора о ВПР 2025 г.).")


def reasons(found) -> str:
    """The reasons in words, one sentence after another, shown as text (never as markdown)."""
    return " ".join(f"{markdown_text(x)}." for x in found)


def open_card(picked: str) -> None:
    """Callback: a click on the matrix opens that school's test in the card below."""
    school_id, subject, grade = picked.split("|")
    st.session_state["school"] = school_id
    st.session_state["vpr"] = f"{subject}|{grade}"


scope = ui.scope()
settings = ui.view(ObjectivitySettings.from_db)
# The municipality's results of every year, read once per municipality (one statement): the
# year shown (its results and risk) and the index over the years are taken from them.
if scope.municipality_id:
    found = ui.view(municipality_results, scope.municipality_id, tuple(scope.periods) or (scope.period,), settings)
    whole = ui.cached(combine, ui.cached(year_of, found, scope.period),
                      ui.cached(years_of, found, scope.periods), scope.period)
else:
    whole = ui.cached(combine, ui.view(objectivity_year, scope.municipal(), settings),
                      ui.view(objectivity_years, scope.municipality_id, scope.periods, settings), scope.period)
own = ui.reach().school_ids   # a school's operator: its own school's row, no other's name
data = ui.cached(for_schools, whole, own if own is not None else (scope.school_ids or None))

st.title(f"Объективность результатов ВПР, {scope.year}")
st.caption(f"{markdown_text(scope.municipality_name)} · эталон: {whole.reference_word}")
st.info(NOTES, icon="ℹ️")

if not whole.has_data:
    st.info(f"За {scope.year} учебный год результаты ВПР не загружены. Загрузите протоколы ФИС ОКО "
            "на странице «Данные», раздел «Результаты ВПР (ФИС ОКО)».")
    if len(whole.trend):
        st.caption("Результаты есть за: " + ", ".join(charts.index_trend_table(whole.trend)["Учебный год"]) + ".")
    st.stop()

index = whole.index
cols = st.columns(3)
change = index.get("change")
cols[0].metric("Индекс объективности", number(index["index"]),
               delta=None if change is None else number(change), delta_color="normal",
               help="100 минус доля (%) школ муниципалитета, у которых есть хотя бы один признак "
                    f"необъективности. Эталон сравнения — {whole.reference_word}.")
cols[1].metric("Школ с признаками", f"{index['flagged']} из {index['schools']}",
               help="Школы хотя бы с одним признаком в любом предмете и классе.")
cols[2].metric("Из них второй год подряд", len(whole.two_years),
               help="Признаки были и в этом, и в прошлом учебном году.")

ui.chart(ui.cached(charts.signs_matrix, data.matrix, f"Признаки необъективности: школы × предметы и классы, {scope.year}"),
         ui.cached(charts.signs_matrix_table, data.matrix), key="vpr-matrix",
         filename=ui.xlsx_name("признаки_необъективности", scope), on_pick=open_card,
         hint="Наведите на клетку, чтобы прочитать причины; щёлкните — откроется карточка школы ниже.")

st.subheader("Почему отмечены школы")
flagged = data.flagged_cells
if len(flagged):
    st.markdown("\n".join(f"- **{markdown_text(r.short_name)}**, {r.test}: {reasons(r.reasons)}"
                          for r in flagged.itertuples()))
else:
    st.markdown("Признаков необъективности нет ни у одной школы.")

st.subheader("Признаки второй год подряд")
if len(data.two_years):
    ui.table_block(ui.cached(charts.two_years_table, data.two_years), key="vpr-two-years",
                   filename=ui.xlsx_name("признаки_два_года", scope),
                   title=f"Школы с признаками в этом и прошлом году: {len(data.two_years)}", expanded=True)
else:
    st.markdown("Таких школ нет.")

st.subheader("Карточка школы")
schools, tests = ui.cached(card_choices, data)
if not schools:
    st.markdown("Нет школ с результатами ВПР в выбранном фильтре.")
else:
    if st.session_state.get("school") not in schools:
        st.session_state.pop("school", None)
    pick = st.columns(2)
    school_id = pick[0].selectbox("Школа", list(schools), format_func=schools.get, key="school",
                                  bind="query-params")
    offered = tests[school_id]
    if st.session_state.get("vpr") not in offered:
        st.session_state.pop("vpr", None)
    test = pick[1].selectbox("Предмет и класс", list(offered), format_func=offered.get, key="vpr",
                             bind="query-params")
    subject, grade = test.split("|")
    card = ui.view(school_card, scope.municipal(), school_id, subject, int(grade))
    found = ui.cached(cell, data, school_id, subject, int(grade))
    if found.get("signs"):
        st.warning(f"**{counted(int(found['signs']), 'признак', 'признака', 'признаков')} "
                   f"необъективности.** {reasons(found['reasons'])}")
    elif found.get("small"):
        st.info("Участников мало: признаки по этой работе не оцениваются.")
    else:
        st.success("Признаков необъективности по этой работе нет.")
    name = schools[school_id]
    ui.chart(ui.cached(charts.score_histogram, card.distribution, card.scale,
                       f"{name}: первичные баллы и границы отметок, {card.test}"),
             ui.cached(charts.score_histogram_table, card.distribution, card.scale), key="vpr-scores",
             filename=ui.xlsx_name("баллы_школы", scope))
    left, right = st.columns(2)
    with left:
        ui.chart(ui.cached(charts.journal_scatter, card.points, card.scale, "Отметка по журналу и балл ВПР"),
                 ui.cached(charts.journal_scatter_table, card.points), key="vpr-journal",
                 filename=ui.xlsx_name("журнал_и_впр", scope))
    with right:
        if len(card.cohort) >= 2:
            ui.chart(ui.cached(charts.cohort_bars, card.cohort, "Та же параллель через год"),
                     ui.cached(charts.cohort_table, card.cohort), key="vpr-cohort",
                     filename=ui.xlsx_name("параллель_школы", scope))
        else:
            st.markdown("**Та же параллель через год**")
            st.caption("Сравнить параллель нельзя: нет результатов этого предмета в соседнем классе "
                       "за соседний учебный год.")

if len(whole.trend):
    ui.chart(ui.cached(charts.index_trend, whole.trend, "Индекс объективности по учебным годам"),
             ui.cached(charts.index_trend_table, whole.trend), key="vpr-trend",
             filename=ui.xlsx_name("индекс_объективности", scope))

if own is None:  # the department's indicator 9, proposed from the protocols; a school's operator has none
    proposal_box(scope, whole.index if whole.has_data else None)
