"""What every chart shares: the level palette, number formats and the common layout.

Every chart says what it shows and for which school year, labels its axes in Russian, shows
percentages as percentages and never lets colour carry meaning alone: each bar carries the
number and the level's name.  The level colours are Okabe–Ito, safe for colour-blind readers.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

LEVEL_COLORS = {
    "high": "#009E73",          # bluish green
    "medium": "#E69F00",        # orange
    "low": "#D55E00",           # vermillion
    "insufficient": "#8C8C8C",  # grey: a level cannot be given
    "no_data": "#D9D9D9",       # light grey: nothing submitted
}
STATUS_COLORS = {
    "met": "#009E73",
    "partial": "#E69F00",
    "not_met": "#D55E00",
    "not_applicable": "#B8B8B8",
    "no_data": "#F2F2F2",
}
FONT = dict(family="Inter, 'Segoe UI', Arial, sans-serif", size=14, color="#222")
NO_DATA_TEXT = "нет данных"


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def percent(value: float | None, digits: int = 0) -> str:
    """0.925 -> '93 %'; missing -> 'нет данных' (a missing value is never shown as 0)."""
    if is_missing(value):
        return NO_DATA_TEXT
    return f"{value * 100:.{digits}f} %".replace(".", ",")


def points(value: float | None) -> str:
    """A change in percentage points with its sign: +4 п.п., −3 п.п."""
    if is_missing(value):
        return "—"
    pts = round(value * 100)
    sign = "+" if pts > 0 else ("−" if pts < 0 else "±")
    return f"{sign}{abs(pts)} п.п."


def base_layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=18)),
        font=FONT,
        height=height,
        margin=dict(l=10, r=30, t=70, b=50),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel=dict(font_size=14),
        separators=", ",
    )
    return fig


def wrap(text: str, width: int) -> str:
    """Break a long axis label into lines so it never overlaps its neighbour."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)
