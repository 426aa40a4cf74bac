"""Журнал изменений: every value ever written, who wrote it, from which file and row."""

import streamlit as st

import ui
from indicators.store.changelog import change_log, log_table
from indicators.views.common import schools

scope = ui.scope()
st.title("Журнал изменений")
st.caption("Каждое изменение значения: кто, когда, было → стало, из какого файла и строки. "
           "Ничего не теряется: отмена загрузки тоже записывается.")

school_frame = ui.view(schools, scope.municipality_id)
names = dict(zip(school_frame["id"], school_frame["short_name"]))
names[scope.municipality_id] = "Управление образования"
cols = st.columns(4)
unit = cols[0].selectbox("Организация", [None, *names], key="log_unit",
                         format_func=lambda u: "Все" if u is None else names[u])
only_year = cols[1].toggle(f"Только {scope.year}", key="log_year")
sources = {None: "Все", "import": "Загрузка файла", "edit": "Правка на странице", "undo": "Отмена загрузки",
           "accept": "Приёмка", "unlock": "Снятие блокировки", "catalog": "Каталог", "demo": "Демо-данные"}
source = cols[2].selectbox("Источник", list(sources), format_func=sources.get, key="log_source")
user = cols[3].text_input("Кто", key="log_user", placeholder="любой")
log = ui.view(change_log, unit, scope.period if only_year else None, user.strip() or None, source)
st.markdown(f"Показано записей: **{len(log)}**" + (" (последние 2000)" if len(log) >= 2000 else ""))
st.dataframe(log_table(log), hide_index=True, key="log-table")
