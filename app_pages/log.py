"""Журнал изменений: every value ever written, who wrote it, from which file and row."""

import streamlit as st

import ui
from indicators.store.changelog import change_log, log_table
from indicators.views.common import schools
from indicators.words import SOURCE_LABELS

scope = ui.scope()
st.title("Журнал изменений")
st.caption("Каждое изменение значения: кто, когда, было → стало, из какого файла и строки. "
           "Ничего не теряется: отмена загрузки тоже записывается.")

school_frame = ui.view(schools, scope.municipality_id)
names = dict(zip(school_frame["id"], school_frame["short_name"]))
own_school = ui.reach().school_ids
if own_school is None:
    names[scope.municipality_id] = "Управление образования"
else:  # a school's operator reads the log of its own school
    names = {u: n for u, n in names.items() if u in own_school}
cols = st.columns(4)
unit = cols[0].selectbox("Организация", ([None] if own_school is None else []) + list(names),
                         key="log_unit", format_func=lambda u: "Все" if u is None else names[u])
only_year = cols[1].toggle(f"Только {scope.year}", key="log_year")
sources = {None: "Все"} | {code: word.capitalize() for code, word in SOURCE_LABELS.items()}
source = cols[2].selectbox("Источник", list(sources), format_func=sources.get, key="log_source")
user = cols[3].text_input("Кто", key="log_user", placeholder="любой")
within = None if ui.user().everywhere else tuple(names)  # a department or a school reads its own
log = ui.view(change_log, unit, scope.period if only_year else None, user.strip() or None, source,
              2000, within)
st.markdown(f"Показано строк журнала: **{len(log)}**"
            + (" (последние 2000)" if len(log) >= 2000 else "") + " — по строке на каждое изменённое поле.")
ui.table(log_table(log), key="log-table")
