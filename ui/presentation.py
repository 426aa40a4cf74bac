"""The council on the projector: one slide rendered in the app, the deck cut from the cached
content, and the presentation mode (one slide per screen, arrow keys, nothing else shown).

A slide reuses the HTML report's pieces and stylesheet, so the preview, the projector and the
downloaded report look the same; only the chart is drawn live, by Plotly.
"""

from __future__ import annotations

import html

import streamlit as st

from indicators.council.figures import slide_figure
from indicators.council.report_html import SLIDE_CSS, figures_html, table_html, text_html
from indicators.council.slides import slides
from indicators.views.council import council_content, council_year
from indicators.views.scope import Scope
from ui.frame import cached, data_version, database, thresholds, view

# The projector's screen: (font scale, chart height in px) so that a slide fits with no scrolling.
SCREENS = {"1920×1080 (Full HD)": (1.6, 660), "1280×720 (HD)": (1.05, 400)}
_SLIDE_CSS = f"<style>{SLIDE_CSS}</style>"  # the report's slide styles, scaled by --s
# Presentation mode: nothing on screen but the slide and its buttons; arrow keys move.
_PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1rem 2rem 0 2rem !important; max-width: 100% !important; }
</style>"""
_PRESENT_KEYS = """<script>
const doc = window.parent.document;
if (!doc.councilKeys) {
  doc.councilKeys = true;
  doc.addEventListener("keydown", (e) => {
    const keys = {ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev", Escape: "exit"};
    const button = keys[e.key] && doc.querySelector(`.st-key-present-${keys[e.key]} button`);
    if (button && !button.disabled) { e.preventDefault(); button.click(); }
  });
}
</script>"""


def council_slide(slide, *, scale: float = 1.0, chart_height: int = 460, key: str) -> None:
    """One council slide in the app: the report's HTML pieces, the chart interactive."""
    sub = (f'<p class="subtitle">{html.escape(slide.subtitle).replace(chr(10), "<br>")}</p>'
           if slide.subtitle else "")
    only_text = not (slide.chart or slide.figures or slide.table is not None)
    head = (f'<div class="council-slide{" only-text" if only_text else ""}" style="--s:{scale}">'
            f'<h2>{html.escape(slide.title)}</h2>'
            f'{sub}{figures_html(slide)}{text_html(slide)}</div>')
    st.html(_SLIDE_CSS + head)
    if slide.chart:
        st.plotly_chart(cached(slide_figure, slide.chart, scale, chart_height), theme=None,
                        key=f"council-chart-{key}", config={"displaylogo": False, "displayModeBar": False})
    if slide.table is not None:
        st.html(_SLIDE_CSS + f'<div class="council-slide" style="--s:{scale}">'
                f'{table_html(slide.table)}</div>')
    st.html(f'<div class="council-footer" style="--s:{scale}">{html.escape(slide.footer)}</div>')


@st.cache_resource(show_spinner=False, max_entries=64)
def _council_deck(_content, path: str, version: int, scope: Scope, snapshot_id: int | None,
                  include: tuple[str, ...]) -> list:
    return slides(_content, include)  # keyed by what the content was built from, not by it


def council_deck(scope: Scope, snapshot_id: int | None, include: tuple[str, ...]) -> list:
    """The slides of the chosen sections, cut from the cached council content (one build of
    the content serves every choice of sections): the live content of the municipality and
    year, computed once with its recommendations (as the page reads it), or a snapshot's."""
    content = (view(council_year, scope, thresholds()).content if snapshot_id is None
               else view(council_content, scope, snapshot_id))
    return _council_deck(content, database().path, data_version(), scope, snapshot_id,
                         tuple(include))


def presenting() -> bool:
    """The council page is on the projector (app.py then draws no notice around it)."""
    return bool(st.session_state.get("presenting"))


def _show(step: int | None, count: int = 0) -> None:
    """Button callback: move by ``step`` slides, or (None) leave the presentation and put the
    page's choices back (Streamlit forgets the values of widgets a run didn't draw)."""
    if step is None:
        st.session_state["presenting"] = False
        st.session_state.update(st.session_state.get("presentation", {}))
        return
    st.session_state["slide_no"] = min(max(st.session_state.get("slide_no", 0) + step, 0), count - 1)


def start_presentation(choices: dict) -> None:
    """Button callback: present, remembering the page's ``choices`` (widget key -> value)."""
    st.session_state["presenting"] = True
    st.session_state["slide_no"] = 0
    st.session_state["presentation"] = dict(choices)


def presentation_choices() -> dict:
    """The page's choices as they were when the presentation started."""
    return st.session_state.get("presentation", {})


def present(deck: list, screen: str) -> None:
    """The presentation: one slide per screen, large type, previous/next, nothing else."""
    scale, height = SCREENS.get(screen, next(iter(SCREENS.values())))
    n = min(st.session_state.get("slide_no", 0), len(deck) - 1)
    st.html(_PRESENT_CSS)
    council_slide(deck[n], scale=scale, chart_height=height, key=f"present-{n}")
    cols = st.columns([1, 1, 3, 1], vertical_alignment="center")
    cols[0].button("← Назад", key="present-prev", on_click=_show, args=(-1, len(deck)),
                   disabled=n == 0, use_container_width=True)
    cols[1].button("Вперёд →", key="present-next", on_click=_show, args=(1, len(deck)),
                   disabled=n == len(deck) - 1, type="primary", use_container_width=True)
    cols[2].markdown(f"Слайд {n + 1} из {len(deck)} · стрелки ← → листают, Esc — выход")
    cols[3].button("Завершить показ", key="present-exit", on_click=_show, args=(None,),
                   use_container_width=True)
    st.html(_PRESENT_KEYS, unsafe_allow_javascript=True)
