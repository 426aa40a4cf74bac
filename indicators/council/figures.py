"""The council's charts in Plotly, drawn from the same :class:`~indicators.council.ChartSpec`
as the PowerPoint charts, for the presentation mode and the HTML report.

``scale`` enlarges every font for a projector: at 1.0 the figure reads on a screen or A4 page,
at 1.5 from the back of a hall.
"""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.charts.base import FONT, percent
from indicators.council.slides import ChartSpec
from indicators.text import plotly_text


def slide_figure(spec: ChartSpec, scale: float = 1.0, height: int = 520,
                 width: int | None = None) -> go.Figure:
    size = round(14 * scale)
    fig = go.Figure()
    # Names are user text: Plotly would read <a href>, <b> in them (and %{…} in a hovertemplate).
    categories = [plotly_text(c) for c in spec.categories]
    series_names = [plotly_text(s.name).replace("%", "%%") for s in spec.series]
    fmt = (lambda v: percent(v)) if spec.percent else (lambda v: "" if not v else f"{v:.0f}")
    if spec.kind == "line":
        for s, name in zip(spec.series, series_names):
            fig.add_scatter(x=categories, y=[None if v is None else v * 100 for v in s.values],
                            name=plotly_text(s.name), mode="lines+markers+text", connectgaps=False,
                            text=[fmt(v) if v is not None else "" for v in s.values],
                            textposition="top center", line=dict(color=s.color, width=4),
                            marker=dict(size=round(10 * scale), color=s.color),
                            textfont=dict(size=size), hovertemplate="%{x}: %{text}<extra>" + name + "</extra>")
    else:
        horizontal = spec.kind == "bar"
        for n, (s, name) in enumerate(zip(spec.series, series_names)):
            values = [None if v is None else (v * 100 if spec.percent else v) for v in s.values]
            text = [plotly_text(t) for t in spec.labels] if (spec.labels and n == 0) else [fmt(v) if v is not None else "" for v in s.values]
            axes = dict(x=values, y=categories, orientation="h") if horizontal else dict(x=categories, y=values)
            fig.add_bar(**axes, name=plotly_text(s.name), marker_color=s.point_colors or s.color, text=text,
                        textposition="outside" if horizontal else "inside",
                        textfont=dict(size=size), cliponaxis=False,
                        hovertemplate="%{" + ("y" if horizontal else "x") + "}: %{text}<extra>"
                        + name + "</extra>")
        fig.update_layout(barmode="group" if horizontal else "stack", bargap=0.25)
    value_axis = dict(title_text=spec.value_title, gridcolor="#e5e5e5", automargin=True,
                      title_font=dict(size=size), tickfont=dict(size=size))
    if spec.percent:
        ticks = [0, 20, 40, 60, 80, 100]
        value_axis |= dict(range=[0, 118 if spec.kind == "bar" else 105], tickvals=ticks,
                           ticktext=[f"{t} %" for t in ticks])
    category_axis = dict(tickfont=dict(size=size), automargin=True)
    if spec.kind == "bar":
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(**category_axis, autorange="reversed")
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(**category_axis)
    fig.update_layout(
        font=FONT | dict(size=size), height=height, width=width, separators=", ",
        plot_bgcolor="white", paper_bgcolor="white", margin=dict(l=10, r=20, t=20, b=10),
        showlegend=len(spec.series) > 1,
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=size),
                    traceorder="normal"),
    )
    return fig
