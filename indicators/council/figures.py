"""The council's charts in Plotly, drawn from the same :class:`~indicators.council.ChartSpec`
as the PowerPoint charts, for the presentation mode and the HTML report.

``scale`` enlarges every font for a projector: at 1.0 the figure reads on a screen or A4 page,
at 1.5 from the back of a hall.
"""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.charts.base import FONT, figure, keep_together, merged, percent
from indicators.council.slides import ChartSpec
from indicators.text import plotly_text

# A line label's room on the value axis (shares of 0..1): it stands this far above or below
# its point and is this tall — a 14 px label on a chart some 350 px high for 0–105 %.
LABEL_OFFSET, LABEL_HEIGHT = 0.015, 0.065
PLOTLY_SIDES = {"above": "top center", "below": "bottom center", "right": "middle right"}


def label_sides(spec: ChartSpec) -> list[list[str | None]]:
    """Where each point's number goes on a line chart, per series and category: «above» its
    point unless that would cover another label or another line's point, then «below», then
    «right» — so that two lines close together (73 % and 71 %) put their numbers on opposite
    sides instead of on each other.  The Plotly figure and the PowerPoint chart both use it."""
    sides: list[list[str | None]] = [[None] * len(spec.categories) for _ in spec.series]
    for j in range(len(spec.categories)):
        points = sorted(((s.values[j], i) for i, s in enumerate(spec.series) if s.values[j] is not None),
                        reverse=True)
        taken: list[tuple[float, float]] = []
        for value, i in points:
            others = [v for v, k in points if k != i]
            for side, (lo, hi) in (("above", (value + LABEL_OFFSET, value + LABEL_OFFSET + LABEL_HEIGHT)),
                                   ("below", (value - LABEL_OFFSET - LABEL_HEIGHT, value - LABEL_OFFSET)),
                                   ("right", (value - LABEL_HEIGHT / 2, value + LABEL_HEIGHT / 2))):
                free = not any(lo < b and a < hi for a, b in taken)
                clear = side == "right" or not any(lo - 0.01 <= v <= hi + 0.01 for v in others)
                if (free and clear) or side == "right":
                    sides[i][j] = side
                    taken.append((lo, hi))
                    break
    return sides


def slide_figure(spec: ChartSpec, scale: float = 1.0, height: int = 520,
                 width: int | None = None) -> go.Figure:
    size = round(14 * scale)
    traces: list[dict] = []
    layout: dict = {}
    # Names are user text: Plotly would read <a href>, <b> in them (and %{…} in a hovertemplate).
    categories = [plotly_text(keep_together(c)) for c in spec.categories]
    series_names = [plotly_text(s.name).replace("%", "%%") for s in spec.series]
    fmt = (lambda v: percent(v)) if spec.percent else (lambda v: "" if not v else f"{v:.0f}")
    if spec.kind == "line":
        sides = label_sides(spec)
        for s, name, side in zip(spec.series, series_names, sides):
            traces.append(dict(
                type="scatter", x=categories, y=[None if v is None else v * 100 for v in s.values],
                name=plotly_text(s.name), mode="lines+markers+text", connectgaps=False,
                text=[fmt(v) if v is not None else "" for v in s.values],
                textposition=[PLOTLY_SIDES[p or "above"] for p in side],
                line=dict(color=s.color, width=4),
                marker=dict(size=round(10 * scale), color=s.color),
                textfont=dict(size=size), hovertemplate="%{x}: %{text}<extra>" + name + "</extra>"))
    else:
        horizontal = spec.kind == "bar"
        for n, (s, name) in enumerate(zip(spec.series, series_names)):
            values = [None if v is None else (v * 100 if spec.percent else v) for v in s.values]
            text = [plotly_text(t) for t in spec.labels] if (spec.labels and n == 0) else [fmt(v) if v is not None else "" for v in s.values]
            axes = dict(x=values, y=categories, orientation="h") if horizontal else dict(x=categories, y=values)
            traces.append(dict(type="bar", **axes, name=plotly_text(s.name),
                               marker=dict(color=s.point_colors or s.color), text=text,
                               textposition="outside" if horizontal else "inside",
                               textfont=dict(size=size), cliponaxis=False,
                               hovertemplate="%{" + ("y" if horizontal else "x") + "}: %{text}<extra>"
                               + name + "</extra>"))
        layout = dict(barmode="group" if horizontal else "stack", bargap=0.25)
    value_axis = dict(title=dict(text=spec.value_title, font=dict(size=size)), gridcolor="#e5e5e5",
                      automargin=True, tickfont=dict(size=size))
    if spec.percent:
        ticks = [0, 20, 40, 60, 80, 100]
        value_axis |= dict(range=[0, 118 if spec.kind == "bar" else 105], tickvals=ticks,
                           ticktext=[percent(t / 100) for t in ticks])
    category_axis = dict(tickfont=dict(size=size), automargin=True)
    if spec.kind == "bar":
        axes = dict(xaxis=value_axis, yaxis=category_axis | dict(autorange="reversed"))
    else:
        axes = dict(yaxis=value_axis, xaxis=category_axis)
    return figure(traces, merged(layout, axes, dict(
        font=FONT | dict(size=size), height=height, width=width, separators=", ",
        plot_bgcolor="white", paper_bgcolor="white", margin=dict(l=10, r=20, t=20, b=10),
        showlegend=len(spec.series) > 1,
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=size),
                    traceorder="normal"),
    )))
