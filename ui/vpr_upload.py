"""«Результаты ВПР (ФИС ОКО)» on the Data page: upload protocols or report tables, the preview
(counts, problems, questions to confirm), «Загрузить» (one batch, all or nothing) and undo of a
ВПР load.  Every write goes through ``indicators.exchange.vpr_apply`` (the write door)."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from indicators.exchange.edits import RefusedError
from indicators.exchange.vpr_apply import apply_vpr, undo_vpr, vpr_batches
from indicators.exchange.vpr_check import plan_vpr
from indicators.exchange.workbook_guard import limits
from indicators.store.actors import AccessDenied
from indicators.text import markdown_text
from indicators.words import VPR_SUBJECTS, period_label
from ui.blocks import confirm_and_apply, file_uploader, show_issues, show_questions, table
from ui.frame import view


def vpr_section(db, me, scope, own: list[str] | None) -> None:
    """The whole section; ``own``: the schools the user may write (None: the municipality's)."""
    st.markdown("Протоколы ВПР из ФИС ОКО («Протокол» по участникам, формат 2022 года или "
                "2021 года) или таблицы «Статистика по отметкам» и «Сравнение отметок с отметками по "
                "журналу». Школы узнаются по логину (коду) школы; предмет, класс и год — по имени "
                "файла или заголовку, иначе — по полям ниже. Записывается всё целиком или ничего.")
    if not me.may_write("vpr-import"):
        st.info("Загружать результаты ВПР может специалист управления образования или администратор.")
        return
    cols = st.columns(3)
    subject = cols[0].selectbox("Предмет (если не указан в файле)", [None, *VPR_SUBJECTS], key="vpr-subject",
                                format_func=lambda s: "— из файла —" if s is None else VPR_SUBJECTS[s])
    grade = cols[1].selectbox("Класс (если не указан)", [None, *range(4, 12)], key="vpr-grade",
                              format_func=lambda g: "— из файла —" if g is None else f"{g} класс")
    years = sorted({scope.period, *range(scope.period - 4, scope.period + 1)}, reverse=True)
    period = cols[2].selectbox("Учебный год (если не указан)", years, key="vpr-period",
                               format_func=lambda p: period_label(p))
    round_ = st.session_state.setdefault("vpr_round", 0)
    uploaded = file_uploader("Файлы ВПР (.xlsx)", accept_multiple_files=True, key=f"vpr-upload-{round_}",
                             limit_mb=view(limits).upload_mb)
    if uploaded:
        files = [(u.name, u.getvalue()) for u in uploaded]
        digest = hashlib.sha256(b"".join(hashlib.sha256(d).digest() for _, d in files)).hexdigest()
        key = (digest, subject, grade, period, db.data_version())
        if st.session_state.get("vpr_plan_key") != key:
            with st.spinner("Проверяю файлы ВПР…"):
                reach = None if me.everywhere else frozenset(own or [])
                plan = plan_vpr(db, files, subject=subject, grade=grade, period=period, reach=reach)
            st.session_state["vpr_plan"], st.session_state["vpr_plan_key"] = plan, key
        plan = st.session_state["vpr_plan"]
        _preview(plan)
        if plan.ok:
            number = confirm_and_apply(
                plan, lambda confirmed: apply_vpr(db, plan, me, confirmed=confirmed), key="vpr-apply",
                confirm_key="vpr-confirm", button="Загрузить",
                confirm="Я проверил(а) вопросы выше: загрузить как есть")
            if number is not None:
                st.session_state["vpr_round"] = round_ + 1
                c = plan.counts
                st.session_state["vpr_message"] = (
                    f"Результаты ВПР записаны (загрузка № {number}): новых участников {c['new']}, "
                    f"изменённых {c['changed']}, удалённых {c['deleted']}, отчётов школ {c['reports']}.")
                st.rerun()
    if message := st.session_state.pop("vpr_message", None):
        st.success(message)
    _undo(db, me, own)


def _preview(plan) -> None:
    if not plan.ok:
        show_issues(plan.issues, plan.more_issues)
        return
    c = plan.counts
    cols = st.columns(4)
    cols[0].metric("Школ", c["schools"])
    cols[1].metric("Участников (писали)", c["present"])
    cols[2].metric("Отсутствовали", c["absent"])
    cols[3].metric("Отчётов школ", c["reports"])
    st.markdown(f"Записей участников: новых **{c['new']}**, изменённых **{c['changed']}**, без изменений "
                f"**{c['unchanged']}**, удаляется **{c['deleted']}**.")
    for note in plan.notes:
        st.info(markdown_text(note))
    if plan.questions:
        show_questions(plan.questions)


def _undo(db, me, own) -> None:
    if not me.may_write("undo"):
        return
    loads = view(vpr_batches, None if me.everywhere else own)
    if loads.empty:
        return
    st.divider()
    shown = pd.DataFrame({"№": loads["id"].astype(int), "Когда": loads["created_at"].dt.strftime("%d.%m.%Y %H:%M"),
                          "Кто": loads["user_name"], "Файлы": loads["files"],
                          "Новых": loads["new_values"], "Изменённых": loads["changed"]})
    st.markdown("**Загрузки ВПР** (последние сверху):")
    table(shown, key="vpr-loads")
    chosen = st.selectbox("Загрузка", list(loads["id"].astype(int)), key="vpr-undo-id",
                          format_func=lambda n: f"№ {n}")
    if st.button("Отменить загрузку ВПР", key="vpr-undo"):
        try:
            undo_vpr(db, me, int(chosen))
        except (RefusedError, AccessDenied) as exc:
            st.error(str(exc))
        else:
            st.session_state["vpr_message"] = f"Загрузка ВПР № {chosen} отменена: прежние данные возвращены."
            st.rerun()
