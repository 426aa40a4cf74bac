"""Данные: the yearly cycle of a specialist: template out, files in, preview, apply, accept,
export.  Every write goes through ``indicators`` (one transaction, logged, undoable)."""

import hashlib

import streamlit as st

import ui
from indicators.exchange import catalog_file, export, template
from indicators.exchange.apply import apply_import
from indicators.exchange.check import plan_import
from indicators.exchange.edits import (
    RefusedError,
    last_import,
    set_submission,
    submission_table,
    submissions,
    undo_last,
)
from indicators.exchange.workbook_guard import limits
from indicators.store.actors import AccessDenied
from indicators.text import markdown_text
from indicators.views.common import schools
from indicators.words import period_label
from ui.vpr_upload import vpr_section

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

scope = ui.scope()
db = ui.database()
me = ui.user()
st.title(f"Данные за {scope.year} учебный год")
st.caption(f"{markdown_text(scope.municipality_name)} · учебный год выбирается слева")

school_frame = ui.view(schools, scope.municipality_id)
own = ui.reach().school_ids  # a school's operator works with (and sees) its own school only
if own is not None:
    school_frame = school_frame[school_frame["id"].isin(own)]
names = dict(zip(school_frame["id"], school_frame["short_name"]))
tab_template, tab_import, tab_accept, tab_export, tab_catalog, tab_vpr = st.tabs(
    ["1. Шаблон для школ", "2. Загрузка файлов", "3. Сдача и приёмка", "4. Выгрузка",
     "5. Каталог и школы", "6. Результаты ВПР (ФИС ОКО)"])

with tab_template:
    st.markdown("Шаблон Excel: по строке на каждый показатель (уже известные значения "
                "подставлены), выпадающий список баллов, лист мероприятий дорожных карт, "
                "инструкция. Каталожные столбцы защищены от случайной правки.")
    everyone = [] if me.role == "school_editor" else [None]
    who = st.selectbox("Для кого", [*everyone, *names], key="template_for",
                       format_func=lambda s: "Все школы и управление образования" if s is None else names[s])
    label = "все" if who is None else names[who]
    try:
        # Says now, before the click, if the template can't be made.
        ui.view(template.units_for, scope.period, scope.municipality_id, who)
        st.download_button(
            "Скачать шаблон (.xlsx)",
            data=lambda: template.build_template(db, scope.period, scope.municipality_id, who),
            file_name=f"шаблон_{scope.year.replace('/', '-')}_{label}.xlsx", mime=XLSX,
            type="primary", key="template-download")
    except template.TemplateError as exc:
        st.error(str(exc))

with tab_import:
    st.markdown(f"Загрузите заполненные файлы за **{scope.year}** — один или несколько. Сначала "
                "проверяется всё; записывается только после вашего подтверждения и только целиком.")
    round_ = st.session_state.setdefault("upload_round", 0)
    uploaded = ui.file_uploader("Файлы Excel (.xlsx)", accept_multiple_files=True,
                                key=f"upload-{round_}", limit_mb=ui.view(limits).upload_mb)
    if uploaded:
        files = [(u.name, u.getvalue()) for u in uploaded]
        digest = hashlib.sha256(b"".join(hashlib.sha256(d).digest() for _, d in files)).hexdigest()
        key = (digest, scope.period, db.data_version())
        if st.session_state.get("plan_key") != key:
            bar = st.progress(0.0, text="Проверяю файлы…")
            plan = plan_import(
                db, files, scope.period,
                progress=lambda done, total, name: bar.progress(done / total, text=f"Проверяю «{name}»…"))
            bar.empty()
            st.session_state["plan"], st.session_state["plan_key"] = plan, key
        plan = st.session_state["plan"]
        ui.show_plan(plan)
        if plan.ok and not me.may_write("import"):
            st.info("Ваша роль позволяет только просматривать данные: записать загрузку может "
                    "специалист управления или оператор школы.")
        elif plan.ok:
            batch = ui.confirm_and_apply(
                plan, lambda confirmed: apply_import(db, plan, me, confirmed=confirmed), key="apply",
                confirm_key="confirm-questions", button="Применить: записать в базу",
                confirm="Я проверил(а) вопросы выше: записать как есть")
            if batch is not None:
                st.session_state["upload_round"] = round_ + 1
                st.session_state["last_message"] = (
                    f"Записано (загрузка № {batch}): новых {plan.counts['new']}, изменённых "
                    f"{plan.counts['changed']}. Все страницы уже показывают новые значения.")
                st.rerun()
    if message := st.session_state.pop("last_message", None):
        st.success(message)
    last = ui.view(last_import)
    if last is not None:
        st.divider()
        st.markdown(f"Последняя загрузка: № {int(last['id'])}, {last['created_at']:%d.%m.%Y %H:%M}, "
                    f"{markdown_text(last['user_name'])}: {markdown_text(last['files'])} (новых "
                    f"{last['new_values']}, изменённых {last['changed']}).")
        if me.may_write("undo") and st.button("Отменить последнюю загрузку", key="undo"):
            try:
                undo_last(db, me)
                st.session_state["last_message"] = f"Загрузка № {int(last['id'])} отменена: значения возвращены."
                st.rerun()
            except (RefusedError, AccessDenied) as exc:
                st.error(str(exc))

with tab_accept:
    status = ui.view(submissions, scope.municipality_id, scope.period)
    if own is not None:
        status = status[status["org_unit_id"].isin(own)].reset_index(drop=True)
    missing = status[status["status"].isna() & (status["kind"] == "school")]
    if len(missing):
        st.warning(f"Не сдали данные за {scope.year}: " + ", ".join(map(markdown_text, missing["short_name"])))
    else:
        st.success(f"Все школы сдали данные за {scope.year}.")
    ui.table(ui.cached(submission_table, status), key="submissions")
    st.markdown("Принятые данные заблокированы: их нельзя изменить загрузкой или правкой, пока "
                "блокировка не снята (снятие записывается в журнал).")
    units = dict(zip(status["org_unit_id"], status["short_name"]))
    if me.may_write("accept"):
        unit = st.selectbox("Организация", list(units), format_func=units.get, key="accept_unit")
        cols = st.columns(2)
        for col, (action, label) in zip(cols, (("accept", "Принять и заблокировать"),
                                              ("unlock", "Снять блокировку"))):
            if col.button(label, key=f"submission-{action}", use_container_width=True):
                try:
                    set_submission(db, unit, scope.period, action, me)
                    st.session_state["accept_message"] = f"{markdown_text(units[unit])}: {label.lower()} — готово."
                    st.rerun()
                except (RefusedError, AccessDenied) as exc:
                    st.error(str(exc))
    if message := st.session_state.pop("accept_message", None):
        st.success(message)

with tab_export:
    st.markdown("Выгрузка в Excel: по листу на таблицу (организации, показатели, оценки, сдача "
                "данных, мероприятия и их статусы, журнал изменений), заголовки по-русски.")
    # An administrator takes the whole database; anyone else what is theirs: the department its
    # municipality, a school's operator its school (the export adds the department's own rows).
    mine = (None if me.everywhere else list(school_frame["id"]) if me.role == "school_editor"
            else [scope.municipality_id, *school_frame["id"]])
    cols = st.columns(2)
    cols[0].download_button("Вся база (.xlsx)" if mine is None else "Все учебные годы (.xlsx)",
                            data=lambda: export.export_database(db, None, mine),
                            file_name="база_целиком.xlsx" if mine is None else "все_годы.xlsx",
                            mime=XLSX, key="export-all", use_container_width=True)
    chosen = [s for s in scope.school_ids if mine is None or s in mine] or mine
    cols[1].download_button(
        scope.year + (f", выбранные школы: {len(scope.school_ids)}" if scope.school_ids else
                      ", все школы" if me.role != "school_editor" else "") + " (.xlsx)",
        data=lambda: export.export_database(db, scope.period, chosen),
        file_name=f"выгрузка_{period_label(scope.period).replace('/', '-')}.xlsx", mime=XLSX,
        key="export-filtered", use_container_width=True)

with tab_catalog:
    st.markdown("Свой перечень критериев и показателей или изменения в списке школ: скачайте "
                "текущий каталог, поправьте в Excel (листы «Направление», «Группы», "
                "«Показатели», «Школы») и загрузите. Новые строки добавляются, изменённые "
                "обновляются, ничего не удаляется: закрытую школу отметьте в «Закрыта с», "
                "отменённый показатель — в «Действует по»; их история сохраняется.")
    st.download_button("Скачать текущий каталог (.xlsx)",
                       data=lambda: catalog_file.current_catalog(db, scope.municipality_id),
                       file_name="каталог.xlsx", mime=XLSX, key="catalog-download")
    if not me.may_write("catalog-file"):
        st.info("Загрузить свой каталог показателей или список школ может администратор приложения.")
    else:
        round_c = st.session_state.setdefault("catalog_round", 0)
        upload = ui.file_uploader("Файл каталога (.xlsx)", key=f"catalog-upload-{round_c}",
                                  limit_mb=ui.view(limits).upload_mb)
        if upload is not None:
            plan = catalog_file.plan_catalog(db, upload.name, upload.getvalue(), scope.municipality_id)
            if not plan.ok:
                ui.show_issues(plan.issues)
            else:
                words = {"direction": "направлений", "criterion": "групп", "indicator": "показателей",
                         "org_unit": "школ"}
                st.markdown("В файле: " + "; ".join(
                    f"{words[t]} — новых {c['new']}, уже известных {c['existing']}"
                    for t, c in plan.counts.items()))
                if st.button("Применить каталог", type="primary", key="catalog-apply"):
                    catalog_file.apply_catalog(db, plan, me)
                    st.session_state["catalog_round"] = round_c + 1
                    st.session_state["catalog_message"] = "Каталог обновлён; изменения — в журнале."
                    st.rerun()
    if message := st.session_state.pop("catalog_message", None):
        st.success(message)

with tab_vpr:
    vpr_section(db, me, scope, None if me.everywhere else list(school_frame["id"]))
