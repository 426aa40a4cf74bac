"""Дорожная карта: the events of one roadmap, their deadlines understood, what is late."""

from datetime import date

import streamlit as st

import ui
from indicators import charts
from indicators.text import markdown_text
from indicators.views.common import best_and_last, best_and_last_words, roadmaps, schools
from indicators.views.roadmap import roadmap_schools, roadmap_unit_years, roadmap_year
from indicators.words import period_label

scope = ui.scope()
maps = ui.view(roadmaps, scope.municipality_id)
if maps.empty:
    st.title(f"Дорожная карта, {scope.year}")
    st.info(markdown_text(f"«{scope.municipality_name}» не выполняет ни одной дорожной карты: ни "
                          "управление, ни регион не приняли ни одну из дорожных карт каталога.")
            + " Принятие записывает администратор командой `.venv/bin/python -m indicators "
            "roadmap adopt КОД_МУНИЦИПАЛИТЕТА КОД_КАРТЫ`.")
    st.stop()
titles = dict(zip(maps["id"], maps["title"]))
authorities = dict(zip(maps["id"], maps["authority"]))
adopted = dict(zip(maps["id"], maps["adopted"]))
cols = st.columns([3, 2])
with cols[0]:
    # Whole titles: the first 80 characters of two documents are the same.
    ui.stale_value("roadmap", list(titles.values()), "Дорожная карта")
    key = st.selectbox("Дорожная карта", list(titles), key="roadmap", bind="query-params",
                       format_func=titles.get)
school_frame = ui.view(schools, scope.municipality_id)
units = ({scope.municipality_id: "Управление образования"}
         | dict(zip(school_frame["id"], school_frame["short_name"])))
if (own_school := ui.reach().school_ids) is not None:  # a school's operator: its own events
    units = {u: n for u, n in units.items() if u in own_school}
with cols[1]:
    unit = st.selectbox("Чьи мероприятия", list(units), format_func=units.get, key="roadmap_unit")
today = date.today()
# The unit's roadmap over every year it runs it (read once), the year shown a slice of it with
# the schools' execution that year (one statement).
part = ui.view(roadmap_unit_years, key, unit, today)
data = ui.cached(roadmap_year, part, scope.period,
                 ui.view(roadmap_schools, scope.municipal(), tuple(part.years), part.school_events))

st.title(f"Дорожная карта, {scope.year}")
st.caption(markdown_text(f"{titles[key]} · {authorities[key]} · {adopted[key]} · {units[unit]}"))

if data.years and scope.period not in data.years:
    st.info(f"Эта дорожная карта принята на {period_label(data.years[0])}–"
            f"{period_label(data.years[-1])} учебные годы; за {scope.year} её мероприятия не "
            "отмечаются. Выберите год слева.")
if data.events.empty:
    st.info(markdown_text(f"В этой дорожной карте нет мероприятий для «{units[unit]}»: школа "
                          "отмечает только мероприятия, где ответственными названы ОО."))
    st.stop()
overdue = data.overdue
m = st.columns(3)
ui.metric(m[0], "Выполнено мероприятий", data.execution, data.change,
          help="Доля выполненных среди мероприятий со статусом за год (кроме «срок не наступил»); "
               "мероприятие без статуса — «нет данных» и не учитывается.")
m[1].metric("Просрочено", len(overdue),
            help=f"Срок прошёл (на {today:%d.%m.%Y}), а мероприятие отмечено «в работе» или «не "
                 "выполнено». Мероприятие без статуса — «нет данных», а не просрочено.")
m[2].metric("Срок не указан", len(data.undated),
            help="Срок в документе не содержит даты («по графику», «по запросу»): задайте дату ниже.")
if len(overdue):
    st.warning("**Просрочено:** " + "; ".join(
        markdown_text(f"{n}. {t} (срок {d:%d.%m.%Y})") for n, t, d in zip(overdue["number"], overdue["title"], overdue["due"])))

all_parties = sorted({p for ps in data.events["parties"] for p in ps})
chosen = st.multiselect("Ответственные", all_parties, key="roadmap_parties", placeholder="Все",
                        help="Например, «ОО» — мероприятия, которые выполняют школы.")
for heading, table in ui.cached(charts.section_tables, data.events, data.by_section, tuple(chosen)):
    st.subheader(markdown_text(heading))
    ui.event_table(table, key=f"events-{heading}")

if st.toggle("Отметить выполнение", key="roadmap_edit",
             help=f"Статусы мероприятий «{units[unit]}» за {scope.year}: та же проверка и журнал, что "
                  "у загрузки шаблона."):
    ui.event_editor(charts.with_parties(data.events, tuple(chosen)), unit, scope.period)

ui.chart(ui.cached(charts.timeline, data.history, data.events, f"Мероприятия по учебным годам: {units[unit]}"),
         ui.cached(charts.timeline_table, data.history, data.events), key="roadmap-timeline",
         filename=ui.xlsx_name("дорожная_карта", scope))
if unit == scope.municipality_id and len(data.by_school):
    drawn = ui.cached(best_and_last, data.by_school, "execution")
    part = best_and_last_words(len(drawn), len(data.by_school))
    who = f"школами: {part}" if part else "школами"
    ui.chart(ui.cached(charts.school_execution, drawn, f"Выполнение мероприятий {who}, {scope.year}"),
             ui.cached(charts.school_execution_table, data.by_school), key="roadmap-schools",
             filename=ui.xlsx_name("мероприятия_школ", scope), clickable_schools=True)

if len(data.undated):
    st.subheader("Мероприятия без даты в сроке")
    st.markdown("Срок в документе дан без даты. Укажите дату, к которой мероприятие должно быть "
                f"выполнено в {scope.year} учебном году, — по ней оно будет отмечаться как просроченное.")
    ui.due_date_editor(data.undated, key, scope.period)
st.caption("Статусы мероприятий вносятся здесь («Отметить выполнение») или через шаблон Excel "
           "(лист «Мероприятия») на странице «Данные» — с той же проверкой и журналом изменений.")
