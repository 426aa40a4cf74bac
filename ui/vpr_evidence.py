"""Indicator 9 from the ВПР protocols: the proposed score and the specialist's confirmation.

``proposal_box(scope)`` shows what the app proposes for M09 of the municipality and year in the
Scope (``measures.objectivity_evidence``) and, for a department specialist or an administrator,
a button that writes it as their edit (logged; the write door refuses anyone else).  Nothing is
written without the click."""

from __future__ import annotations

import streamlit as st

from indicators.measures.objectivity_evidence import confirm_proposal, proposal
from indicators.store.actors import AccessDenied
from indicators.text import markdown_text
from ui.auth import actor as user
from ui.frame import database, view

CONFIRMING_ROLES = frozenset({"department_editor", "admin"})


def _score(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def proposal_box(scope, analysis: dict | None = None) -> None:
    """The proposal for indicator 9 and its «Подтвердить» button (the municipality of ``scope``);
    ``analysis``: the year's objectivity index the page already has (no second computation)."""
    if not scope.municipality_id:
        return
    found = view(proposal, scope.municipality_id, scope.period, analysis)
    st.subheader("Показатель 9: мониторинг объективности")
    message = st.session_state.pop("vpr_evidence_message", None)
    if message:
        st.success(message)
    if found.score is None:
        st.caption(markdown_text(found.text))
        return
    st.markdown(f"Предлагаемая оценка показателя 9 «Критерии показателя объективности проведения "
                f"процедур»: **{_score(found.score)} из 2**. Сейчас в базе: {_score(found.current)}.")
    st.caption(markdown_text(found.text))
    if found.confirmed:
        st.caption("Оценка совпадает с предложенной.")
        return
    me = user()
    if me.role not in CONFIRMING_ROLES:
        st.caption("Подтвердить оценку может специалист управления образования.")
        return
    if st.button("Подтвердить оценку показателя 9", key="vpr-confirm-9"):
        try:
            confirm_proposal(database(), me, scope.municipality_id, scope.period)
        except (AccessDenied, ValueError) as exc:
            st.error(str(exc))
            return
        st.session_state["vpr_evidence_message"] = (
            f"Оценка показателя 9 ({_score(found.score)}) записана. Журнал — на странице «Журнал изменений».")
        st.rerun()
