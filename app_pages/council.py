"""Педсовет: the August council from the app — choose the year and slides, freeze the numbers,
present on the projector, download the PowerPoint deck and the HTML report, and approve the
targeted recommendations of the schools that need support."""

import streamlit as st

import ui
from indicators.council import snapshots
from indicators.council.content import default_period
from indicators.council.deck_pptx import build_pptx
from indicators.council.report_html import build_html
from indicators.council.slides import SLIDES, count_slides
from indicators.measures.recommendations import recommendation_table
from indicators.text import markdown_text
from indicators.views.council import council_content, council_snapshots, council_year
from indicators.words import period_label

scope = ui.scope()
thresholds = ui.thresholds()
years = list(scope.periods)
year = st.session_state.get("council_year")
if year not in years:
    st.session_state["council_year"] = default_period(years)
snapshot_key = "council_snapshot"

if ui.presenting():
    shown = ui.presentation_choices()
    ui.present(ui.council_deck(scope.municipal().at(shown["council_year"]), shown[snapshot_key],
                               shown["council_slides"]), shown["council_screen"])
    st.stop()

st.title("Педсовет")
st.caption(f"Августовский педагогический совет · {markdown_text(scope.municipality_name)}")
cols = st.columns([1, 1.6, 1.4])   # «Зафиксировать данные сейчас» whole on a 1366-px laptop
year = cols[0].selectbox("Учебный год", years, format_func=period_label, key="council_year",
                         help="По умолчанию — учебный год, который только что закончился.")
council = scope.municipal().at(year)  # the whole municipality, in the council's own year
snaps = ui.view(council_snapshots, council)
labels = {None: "Текущие данные (меняются при каждой правке)"} | {
    int(r.id): f"Снимок № {r.id}: данные на {r.taken_at:%d.%m.%Y %H:%M}, зафиксировал(а) {r.taken_by}"
    for r in snaps.itertuples()}
if st.session_state.get(snapshot_key) not in labels:
    st.session_state[snapshot_key] = None
snapshot = cols[1].selectbox("Цифры", list(labels), format_func=labels.get, key=snapshot_key,
                             help="Снимок хранит цифры на выбранный момент: правка во время доклада "
                                  "не сдвинет ни один слайд.")


def freeze() -> None:
    """Store the numbers as they are now and show them (a callback: it runs before the picker)."""
    st.session_state[snapshot_key] = snapshots.freeze(ui.database(), year, council.municipality_id,
                                                      ui.user())


if ui.user().may_write("council"):
    cols[2].space("small")
    cols[2].button("Зафиксировать данные сейчас", on_click=freeze, use_container_width=True)

with st.expander(f"Разделы презентации: {len(st.session_state.get('council_slides', SLIDES))} "
                 f"из {len(SLIDES)}"):
    chosen = st.multiselect("Слайды", list(SLIDES), default=list(SLIDES),
                            format_func=SLIDES.get, key="council_slides",
                            label_visibility="collapsed")
live = ui.view(council_year, council, thresholds)  # the content and recommendations, once
content = live.content if snapshot is None else ui.view(council_content, council, snapshot)
deck = ui.council_deck(council, snapshot, chosen)
st.markdown(f"**{count_slides(len(deck))}** · {content.data_date}")

cols = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
screen = cols[0].selectbox("Экран проектора", list(ui.SCREENS), key="council_screen")
cols[1].button("▶ Начать показ", type="primary", on_click=ui.start_presentation,
               args=({"council_year": year, snapshot_key: snapshot, "council_slides": chosen,
                      "council_screen": screen},),
               disabled=not deck, use_container_width=True)
stem = f"педсовет_{content.year.replace('/', '-')}"
cols[2].download_button(
    "Скачать презентацию (.pptx)", data=lambda: build_pptx(deck), file_name=f"{stem}.pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    disabled=not deck, use_container_width=True)
cols[3].download_button(
    "Скачать отчёт (.html)", data=lambda: build_html(content, deck, chosen).encode("utf-8"),
    file_name=f"{stem}.html", mime="text/html", disabled=not deck, use_container_width=True,
    help="Один файл с интерактивными графиками, работает без интернета. Для печати на A4 "
         "откройте его в браузере и выберите «Печать» — каждый слайд на своей странице.")

slides_tab, recs_tab = st.tabs(["Слайды", "Адресные рекомендации"])
with slides_tab:
    if not deck:
        st.info("Выберите хотя бы один раздел.")
    else:
        titles = [f"{n}. {s.title}" for n, s in enumerate(deck, start=1)]
        picked = st.selectbox("Слайд", range(len(deck)), format_func=titles.__getitem__,
                              key="council_preview")
        with st.container(border=True):
            ui.council_slide(deck[picked], key="preview")

with recs_tab:
    st.markdown(
        "Школам с низким уровнем, прерванным управленческим циклом или показателем, не выполняемым "
        "два года подряд, приложение готовит черновик адресных рекомендаций по таблице правил "
        "каталога (`data/catalog/recommendation_rules.csv`). Исправьте текст и утвердите: "
        "утверждённые рекомендации показываются на странице школы, попадают в презентацию и "
        "выгрузку и подтверждают муниципальный показатель «Подготовка адресных рекомендаций в ОО».")
    if message := st.session_state.pop("rec_message", None):
        st.success(message)
    recs = live.recommendations
    if recs.empty:
        st.info(f"В {period_label(year)} нет школ, которым нужна поддержка.")
    else:
        approved = int((recs["status"] == "approved").sum())
        st.caption(f"Утверждено: {approved} из {len(recs)}.")
        rows = {r["org_unit_id"]: r for r in recs.to_dict("records")}
        school = st.selectbox(
            "Школа", list(rows), key="rec_school",
            format_func=lambda s: f"{rows[s]['name']} — "
                                  f"{'✅ утверждено' if rows[s]['status'] == 'approved' else '✏️ черновик'}")
        ui.recommendation_editor(rows[school], year)
    if len(recs):
        ui.table_block(recommendation_table(recs, year), key="recommendations",
                       filename=f"адресные_рекомендации_{period_label(year).replace('/', '-')}.xlsx",
                       title="Все рекомендации таблицей")
