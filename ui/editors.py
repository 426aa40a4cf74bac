"""The editors: a unit's scores, a roadmap's event statuses and a school's recommendations,
changed in place on the page.

Every edit goes through the same checks and change log as an imported file (``indicators
.exchange.edits``, ``indicators.measures.recommendations``); each editor is a form, so the
click that saves also sends the cell still being edited.  After a write the page reruns, and
every view, keyed by the data version, is fresh.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.exchange.edits import plan_edits, plan_event_edits, save_edits
from indicators.exchange.sheets import format_score, score_choices
from indicators.measures import recommendations
from indicators.measures.roadmap import set_due_dates
from indicators.words import EVENT_STATUS_LABELS, RECOMMENDATION_STATUS_LABELS
from ui.blocks import show_plan, table_height
from indicators.store.actors import AccessDenied
from indicators.text import markdown_text
from ui.auth import actor as user
from ui.frame import database

def indicator_editor(frame: pd.DataFrame, unit_id: str, period: int, *, locked: bool) -> None:
    """Edit a unit's scores, links and comments in place: the import's checks and change log."""
    if not may("edit"):
        return
    if locked:
        st.info("Данные за этот год приняты и заблокированы. Чтобы исправить, снимите "
                "блокировку на странице «Данные» (вкладка «Сдача и приёмка»).")
        return
    table = pd.DataFrame({
        "code": frame["Код"], "Показатель": frame["Показатель"],
        "score": [format_score(s, st_ == "not_applicable")
                  for s, st_ in zip(frame["Балл"], frame["status"])],
        "evidence_url": frame["evidence_raw"], "comment": frame["Комментарий"],
    })
    choices = sorted({c for m in frame["max_score"] for c in score_choices(m)})
    # In a form: the click that saves also sends the cell being edited (outside a form the
    # first click after typing only commits the cell, and the save is lost).
    with st.form(f"edit-{unit_id}-{period}", border=False):
        edited = st.data_editor(
            table, hide_index=True, disabled=["code", "Показатель"], key=f"editor-{unit_id}-{period}",
            height=table_height(len(table), most=len(table)), placeholder="",
            column_config={
                "code": st.column_config.TextColumn("Код"),
                "score": st.column_config.SelectboxColumn("Балл", options=choices),
                "evidence_url": st.column_config.TextColumn("Ссылка на документ"),
                "comment": st.column_config.TextColumn("Комментарий"),
            })
        st.caption("Пустой балл не удаляет сохранённое значение. Изменения проверяются так же, "
                   "как при загрузке файла, и записываются в журнал.")
        saved = st.form_submit_button("Сохранить изменения", type="primary",
                                      key=f"save-{unit_id}-{period}")
    if saved:
        _save(plan_edits(database(), unit_id, period, edited))
    if message := st.session_state.pop("edit_message", None):
        st.success(message)


def may(source: str) -> bool:
    """Whether the signed-in user may make this kind of write; if not, say so once (the write
    door would refuse it anyway: this only spares a form that can't be saved)."""
    if user().may_write(source):
        return True
    st.caption("Ваша роль позволяет только просматривать эти данные.")
    return False


def _save(plan) -> None:
    """Write an edit plan (or show why not), then rerun so every figure is fresh."""
    if plan.ok and plan.counts["new"] + plan.counts["changed"] == 0:
        st.info("Изменений нет.")
    elif plan.ok:
        try:
            save_edits(database(), plan, user())
        except AccessDenied as exc:
            st.error(str(exc))
            return
        st.session_state["edit_message"] = (
            f"Сохранено: изменено значений {len(plan.changes)}. Журнал — на странице «Журнал изменений».")
        st.rerun()
    else:
        show_plan(plan)


def event_editor(events: pd.DataFrame, unit_id: str, period: int) -> None:
    """Mark roadmap events done (status, link, date, comment) in place: the import's checks."""
    if not may("edit"):
        return
    labels = list(EVENT_STATUS_LABELS.values())
    table = pd.DataFrame({
        "event_id": events["event_id"], "№": events["number"], "Мероприятие": events["title"],
        "status": [EVENT_STATUS_LABELS.get(s) if isinstance(s, str) else None for s in events["status"]],
        "evidence_url": events["evidence_url"], "done_on": pd.to_datetime(events["done_on"]),
        "comment": events["comment"],
    })
    with st.form(f"events-{unit_id}-{period}", border=False):
        edited = st.data_editor(
            table, hide_index=True, disabled=["event_id", "№", "Мероприятие"],
            key=f"events-editor-{unit_id}-{period}", placeholder="",
            height=table_height(len(table), most=len(table)),
            column_config={
                "event_id": None,
                "status": st.column_config.SelectboxColumn("Статус", options=labels),
                "evidence_url": st.column_config.TextColumn("Ссылка на документ"),
                "done_on": st.column_config.DateColumn("Дата выполнения", format="DD.MM.YYYY"),
                "comment": st.column_config.TextColumn("Комментарий"),
            })
        saved = st.form_submit_button("Сохранить статусы", type="primary",
                                      key=f"save-events-{unit_id}-{period}")
    if saved:
        edited = edited.assign(done_on=[d.date() if isinstance(d, pd.Timestamp) else d
                                        for d in edited["done_on"]])
        _save(plan_event_edits(database(), unit_id, period, edited))
    if message := st.session_state.pop("edit_message", None):
        st.success(message)


def due_date_editor(undated: pd.DataFrame, roadmap_id: str, period: int) -> None:
    """Give a date to the events whose deadline in the document has none («по графику»), so
    that they can be late too (logged)."""
    if not may("edit") or user().role == "school_editor":
        return
    with st.form(f"due-form-{roadmap_id}-{period}", border=False):
        editor = st.data_editor(
            pd.DataFrame({"event_id": undated["event_id"], "№": undated["number"],
                          "Мероприятие": undated["title"], "Срок": undated["deadline"],
                          "due_on": pd.Series([None] * len(undated), dtype="datetime64[ns]")}),
            hide_index=True, disabled=["event_id", "№", "Мероприятие", "Срок"], placeholder="",
            key=f"due-{roadmap_id}-{period}",
            column_config={"event_id": None, "due_on": st.column_config.DateColumn(
                "Срок выполнения", format="DD.MM.YYYY")})
        saved = st.form_submit_button("Сохранить даты", key="save-due")
    if saved:
        try:
            written = set_due_dates(database(), editor.assign(period=period)[["event_id", "period", "due_on"]],
                                    user())
        except AccessDenied as exc:
            st.error(str(exc))
        else:
            st.session_state["due_message"] = f"Сохранено дат: {written}."
            st.rerun()
    if message := st.session_state.pop("due_message", None):
        st.success(message)

# -- targeted recommendations ------------------------------------------------------------------

def recommendation_text(row) -> None:
    """A school's recommendations as written, with their status."""
    status = RECOMMENDATION_STATUS_LABELS.get(row["status"], row["status"])
    approved = (f", {markdown_text(row['approved_by'])}, {pd.Timestamp(row['approved_at']):%d.%m.%Y}"
                if row["status"] == "approved" else "")
    st.markdown(f"**Статус: {status}{approved}.** {markdown_text(row['basis'] or '')}")
    # One paragraph per line, each shown as the very text the specialist typed (no links).
    st.markdown("\n\n".join(markdown_text(line) for line in str(row["text"] or "").splitlines()
                            if line.strip()))


def recommendation_editor(row, period: int) -> None:
    """Edit a school's targeted recommendations and approve them (logged; evidence of the
    municipal indicator they answer)."""
    school = row["org_unit_id"]
    if not may("recommendation"):
        return
    st.caption(f"Основание: {markdown_text(row['basis'])}" if isinstance(row["basis"], str) and row["basis"] else
               "Школа не попадает под правила поддержки в этом году; рекомендации сохранены ранее.")
    status = RECOMMENDATION_STATUS_LABELS.get(row["status"], row["status"])
    if row["status"] == "approved":
        st.success(f"Утверждено: {markdown_text(row['approved_by'])}, {pd.Timestamp(row['approved_at']):%d.%m.%Y %H:%M}. "
                   "Изменение текста вернёт рекомендации в черновик.")
    else:
        st.caption(f"Статус: {status}.")
    with st.form(f"rec-{school}-{period}", border=False):
        text = st.text_area("Рекомендации (по одной в строке)", value=row["text"] or "", height=220,
                            key=f"rec-text-{school}-{period}", max_chars=10_000)
        cols = st.columns(2)
        draft = cols[0].form_submit_button("Сохранить черновик", key=f"rec-draft-{school}-{period}")
        approve = cols[1].form_submit_button("Утвердить", type="primary",
                                             key=f"rec-approve-{school}-{period}")
    if draft or approve:
        try:
            st.session_state["rec_message"] = recommendations.save(
                database(), school, period, text, row["basis"], approve=approve, user=user())
        except (ValueError, AccessDenied) as exc:
            st.error(str(exc))
        else:
            st.rerun()
