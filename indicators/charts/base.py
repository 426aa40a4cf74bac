"""What every chart shares: the level palette, number formats and the common layout.

Every chart says what it shows and for which school year, labels its axes in Russian, shows
percentages as percentages and never lets colour carry meaning alone: each bar carries the
number and the level's name.  The level colours are Okabe–Ito, safe for colour-blind readers.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from typing import Callable

import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from indicators.text import plotly_text

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
# Cividis (the heatmap's scale: readable in every colour vision) spelled out, as Plotly's
# validation spells out a named scale: the figure carries plotly.py's colours, not plotly.js's.
CIVIDIS = [[k / (len(plotly.colors.sequential.Cividis) - 1), color]
           for k, color in enumerate(plotly.colors.sequential.Cividis)]
FONT = dict(family="Inter, 'Segoe UI', Arial, sans-serif", size=14, color="#222")
NO_DATA_TEXT = "нет данных"


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


NBSP = "\u00a0"   # the space inside «75 %», «СОШ № 1», «+4 п.п.»: a line never breaks there
_TOGETHER = re.compile(r"(№) (?=\d)|(?<=\d) (%|п\.п\.)")


def percent(value: float | None, digits: int = 0) -> str:
    """0.925 -> '93 %' (a no-break space: the one format of the app, the report and the deck);
    missing -> 'нет данных' (a missing value is never shown as 0)."""
    if is_missing(value):
        return NO_DATA_TEXT
    return f"{value * 100:.{digits}f}{NBSP}%".replace(".", ",")


def points(value: float | None) -> str:
    """A change in percentage points with its sign: +4 п.п., −3 п.п."""
    if is_missing(value):
        return "—"
    pts = round(value * 100)
    sign = "+" if pts > 0 else ("−" if pts < 0 else "±")
    return f"{sign}{abs(pts)}{NBSP}п.п."


def keep_together(text: object) -> str:
    """«СОШ № 1», «91 %», «+4 п.п.» with no-break spaces, so that a printed page or a slide
    never ends a line between «№» and its number or a number and its sign."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return _TOGETHER.sub(lambda m: (m.group(1) or "") + NBSP + (m.group(2) or ""), str(text))


# -- from plain dicts to a figure, once -----------------------------------------------------------
# Plotly's object model validates and walks every property on each ``go.Bar(...)``,
# ``update_layout``, ``add_vline``…: 15–30 ms a chart, a third of a page's time on a new
# selection.  A chart is therefore composed as plain dicts (traces with their "type", one
# layout, shapes and annotations as lists) and made a figure once, unvalidated (under 1 ms).
# The validation still happens, in the tests: tests/domain/charts/test_specs.py builds every
# chart and builds it again through the validating constructor.

def figure(data: list[dict], layout: dict) -> go.Figure:
    """The one place a chart's spec becomes a :class:`go.Figure`.  As validation would: a
    ``None`` (Plotly's "unset") or an empty dict is dropped, and a pandas column becomes a
    numpy array."""
    return go.Figure({"data": [_plain(t) for t in data], "layout": _plain(layout)}, _validate=False)


def _plain(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if item is not None:
                item = _plain(item)
                if not (isinstance(item, dict) and not item):
                    out[key] = item
        return out
    if isinstance(value, (pd.Series, pd.Index)):
        return value.to_numpy()
    if isinstance(value, list) and value and isinstance(value[0], dict):  # shapes, annotations
        return [_plain(v) for v in value]
    return value


def merged(base: dict, *more: dict) -> dict:
    """``base`` updated by each of ``more`` key by key, nested dicts merged (as Plotly's
    ``update_layout`` merges): ``margin=dict(t=120)`` keeps the other margins.  Copies, never
    changes ``base``."""
    out = dict(base)
    for extra in more:
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                value = merged(out[key], value)
            out[key] = value
    return out


def base_layout(title: str, height: int, **more) -> dict:
    """The layout every chart shares, with ``more`` merged in."""
    return merged(dict(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=18)),
        font=FONT,
        height=height,
        margin=dict(l=10, r=30, t=70, b=50),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel=dict(font=dict(size=14)),
        separators=", ",
    ), more)


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


# -- the best and the last fifteen -------------------------------------------------------------

def gap_rows(names: list[str], left_out) -> tuple[list[str], str | None]:
    """The rows of a ranked bar chart, bottom to top, with an empty row «… ещё N» where the
    rows not drawn would stand (``left_out``, from ``views.common.best_and_last``, holds N on
    the row above the gap), so the best and the last fifteen never read as one list."""
    counts = [0 if pd.isna(n) else int(n) for n in left_out] if left_out is not None else []
    if not any(counts):
        return list(names), None
    at = next(k for k, n in enumerate(counts) if n)
    label = f"<i>… ещё {counts[at]}</i>"
    return [*names[:at], label, *names[at:]], label


def add_gap(traces: list[dict], label: str | None) -> list[dict]:
    """The gap's row: an empty, unclickable bar so that the row exists on the axis."""
    if label:
        traces.append(dict(type="bar", x=[0], y=[label], orientation="h",
                           marker=dict(color="rgba(0,0,0,0)"), hoverinfo="skip",
                           showlegend=False, text=[""]))
    return traces


# -- tile grids --------------------------------------------------------------------------------
# A grid of coloured cells (schools × criteria, schools × years, status × change) drawn as
# horizontal bar segments, one per cell, rather than as a Plotly heatmap: bars can be clicked
# (a heatmap cell can't be selected), carry their text inside, and group into legend entries.

TILE_GAP = 0.04


def tile_trace(rows: list[str], cols: list[int], *, colors, text: list[str], hover: list[str],
               text_colors=None, customdata=None, name: str | None = None,
               pattern: str | None = None, colorscale=None, colorbar=None,
               opacity=None, text_size: int = 13) -> dict:
    """The cells (rows[k], cols[k]); ``cols`` are column positions 0, 1, 2…"""
    return dict(
        type="bar",
        y=rows,
        x=[1 - TILE_GAP] * len(rows),
        base=[c + TILE_GAP / 2 for c in cols],
        orientation="h",
        width=0.86,
        name=name,
        showlegend=name is not None,
        marker=dict(color=colors, opacity=opacity, colorscale=colorscale, cmin=0 if colorscale else None,
                    cmax=100 if colorscale else None, showscale=colorbar is not None,
                    colorbar=colorbar, line=dict(color="#888", width=0.5),
                    pattern=dict(shape=pattern, fgcolor="#9a9a9a", size=6) if pattern else None),
        text=text,
        textposition="inside",
        insidetextanchor="middle",
        textangle=0,
        textfont=dict(color=text_colors or "#222", size=text_size),
        hovertext=hover,
        hoverinfo="text",
        customdata=customdata,
    )


def tile_layout(col_labels: list[str], rows: list[str], title: str, *,
                row_height: int = 34, top: int = 110, **more) -> dict:
    """Columns labelled on top, first row at the top, no grid lines; cells don't stack.
    ``more`` is merged in (an axis title, say)."""
    return merged(base_layout(title, height=max(300, row_height * len(rows) + top + 60)), dict(
        barmode="overlay", bargap=0.1,
        xaxis=dict(range=[0, len(col_labels)], tickvals=[i + 0.5 for i in range(len(col_labels))],
                   ticktext=col_labels, side="top", showgrid=False, zeroline=False,
                   tickangle=0, automargin=True, fixedrange=True),
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(rows)), showgrid=False,
                   automargin=True, fixedrange=True),
        margin=dict(t=top), title=dict(y=0.99, yanchor="top"),
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0),
    ), more)


def category_tiles(rows: list[str], cols: list[int], categories: list[str],
                   text: list[str], hover: list[str], *, colors: dict, names: dict,
                   dark: tuple = (), hatched: tuple = (), customdata=None,
                   text_size: int = 13) -> list[dict]:
    """Cells coloured by category, one trace per category in ``colors`` order, so the legend
    names each colour; ``hatched`` categories get a pattern (never a blank cell)."""
    traces = []
    for category in colors:
        idx = [k for k, c in enumerate(categories) if c == category]
        if not idx:
            continue
        traces.append(tile_trace(
            [rows[k] for k in idx], [cols[k] for k in idx],
            colors=colors[category], text=[text[k] for k in idx],
            hover=[hover[k] for k in idx],
            text_colors="white" if category in dark else "#222",
            customdata=None if customdata is None else [customdata[k] for k in idx],
            name=names[category], pattern="/" if category in hatched else None,
            text_size=text_size,
        ))
    return traces


def status_tiles(rows: list[str], cols: list[int], statuses: list[str],
                 text: list[str], hover: list[str], customdata=None) -> list[dict]:
    """Cells coloured by status (met, partial, not met, no data, not applicable)."""
    return category_tiles(rows, cols, statuses, text, hover, colors=STATUS_COLORS,
                          names=STATUS_NAMES, dark=("met", "not_met"), hatched=("no_data",),
                          customdata=customdata)


STATUS_NAMES = {
    "met": "выполнено",
    "partial": "частично",
    "not_met": "не выполнено",
    "no_data": "нет данных",
    "not_applicable": "не применяется",
}


# Columns of a chart's input that hold user text (names of units, of events, of criteria).
TEXT_COLUMNS = ("name", "short_name", "title", "short_title", "criterion", "label", "names",
                "responsible", "section", "roadmap", "heading")


def _inert(value):
    if isinstance(value, str):
        return plotly_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_inert(v) for v in value)
    return value


def plain_text_figure(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Decorate a chart builder so that the user text in its input frames (and its title) is
    escaped for Plotly, which reads ``<a href>``, ``<b>`` and ``<br>`` in labels and hovers:
    a school named with a link is shown, never followed.  The builder's own markup (bold
    counts, line breaks of long labels) is added after, so it still works."""
    @functools.wraps(builder)
    def built(*args, **kwargs):
        def clean(value, name=None):
            if isinstance(value, pd.DataFrame):
                cols = [c for c in TEXT_COLUMNS if c in value.columns]
                return value.assign(**{c: value[c].map(_inert) for c in cols}) if cols else value
            if name == "title" and isinstance(value, str):
                return plotly_text(value)
            return value
        names = list(inspect.signature(builder).parameters)
        args = [clean(a, names[i] if i < len(names) else None) for i, a in enumerate(args)]
        kwargs = {k: clean(v, k) for k, v in kwargs.items()}
        return builder(*args, **kwargs)
    return built
