"""Trends-page charts: schools over the years, the status × change grid, the biggest movers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators.charts.base import base_layout, figure, percent, plain_text_figure, points, tile_layout, tile_trace
from indicators.measures.change import CHANGE_BANDS, RATINGS, STATUS_BANDS, Bands
from indicators.words import (
    CHANGE_BAND_LABELS,
    LEVEL_LABELS,
    RATING_LABELS,
    STATUS_BAND_LABELS,
    period_label,
)

# ColorBrewer RdYlBu, five classes: a diverging scheme that stays distinct for colour-blind
# readers (red and blue ends, yellow middle); every cell also carries its number and legend.
RATING_COLORS = {5: "#2c7bb6", 4: "#abd9e9", 3: "#ffffbf", 2: "#fdae61", 1: "#d7191c"}
RATING_TEXT = {5: "white", 4: "#222", 3: "#222", 2: "#222", 1: "white"}
# Okabe–Ito for the school lines (the black of the set is kept for the municipal average).
LINE_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
LINE_DASHES = ("solid", "dot", "dashdot", "longdash")
NO_DATA_Y = -6  # where a year with no data is marked: below 0 %, on its own labelled tick
MOVERS = 15     # the movers chart draws at most this many rises and as many falls (its table all)
# How the grid counts what it places: schools in a municipality, municipalities in a region.
GRID_UNITS = {"school": ("шк.", "Школ"), "municipality": ("мун.", "Муниципалитетов")}


@plain_text_figure
def trend_lines(history: pd.DataFrame, municipal: pd.DataFrame, title: str,
                average: str = "Среднее по муниципалитету") -> go.Figure:
    """Compliance of each school over the school years, with the municipal average.

    ``history`` needs org_unit_id, name, short_name, period, compliance; ``municipal`` period,
    compliance.  A year with no data is an ✕ on the «нет данных» line under the axis, never a
    point at 0 %.  Clicking a school's point opens its profile.
    """
    years = sorted(set(history["period"]) | set(municipal["period"]))
    labels = [period_label(p) for p in years]
    # Each unit's rows by year, in one pass over the frame (a groupby and reindex per unit cost
    # a millisecond a school): (compliance, short name, name) or None where it has no row.
    at = {p: k for k, p in enumerate(years)}
    rows: dict = {}
    for unit, period, value, short, full in zip(history["org_unit_id"], history["period"],
                                                history["compliance"].astype(float).to_numpy(),
                                                history["short_name"], history["name"]):
        if not pd.isna(unit):
            rows.setdefault(unit, [None] * len(years))[at[period]] = (value, short, full)
    traces = []
    for n, (unit, by_year) in enumerate(rows.items()):
        name = next(r[1] for r in by_year if r is not None and not pd.isna(r[1]))
        full = next(r[2] for r in by_year if r is not None and not pd.isna(r[2]))
        color = LINE_COLORS[n % len(LINE_COLORS)]
        values = np.array([math.nan if r is None else r[0] for r in by_year], dtype=float)
        traces.append(dict(
            type="scatter", x=labels, y=values * 100, name=name, mode="lines+markers",
            line=dict(color=color, width=2.5, dash=LINE_DASHES[n // len(LINE_COLORS) % 4]),
            marker=dict(size=9, color=color),
            customdata=[[unit]] * len(years),
            hovertext=[f"<b>{full}</b><br>{y}: {percent(v)}" for y, v in zip(labels, values)],
            hoverinfo="text", legendgroup=unit,
        ))
        gaps = [k for k, (v, r) in enumerate(zip(values, by_year))
                if math.isnan(v) and r is not None and not pd.isna(r[1])]
        if gaps:
            traces.append(dict(
                type="scatter", x=[labels[k] for k in gaps], y=[NO_DATA_Y] * len(gaps), mode="markers",
                marker=dict(symbol="x-thin-open", size=12, color=color, line=dict(width=2)),
                showlegend=False, legendgroup=unit, customdata=[[unit]] * len(gaps),
                hovertext=[f"<b>{full}</b><br>{labels[k]}: нет данных" for k in gaps],
                hoverinfo="text",
            ))
    avg = municipal.set_index("period").reindex(years)["compliance"].astype(float)
    traces.append(dict(
        type="scatter", x=labels, y=avg * 100, name=average, mode="lines+markers",
        line=dict(color="black", width=4, dash="dash"), marker=dict(size=8, color="black"),
        hovertext=[f"<b>{average}</b><br>{y}: {percent(v)}"
                   for y, v in zip(labels, avg)],
        hoverinfo="text",
    ))
    return figure(traces, base_layout(
        title, height=480,
        xaxis=dict(title=dict(text="Учебный год"), type="category", gridcolor="#eee"),
        yaxis=dict(title=dict(text="Соответствие критериям"), range=[NO_DATA_Y - 5, 102],
                   tickvals=[NO_DATA_Y, 0, 20, 40, 60, 80, 100],
                   ticktext=["нет данных", "0 %", "20 %", "40 %", "60 %", "80 %", "100 %"],
                   gridcolor="#eee", zeroline=False),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
        margin=dict(b=110),
    ))


@plain_text_figure
def status_change_grid(grid: pd.DataFrame, title: str, bands: Bands, unit: str = "school") -> go.Figure:
    """The 5×5 grid: status this year (rows) × change since last year (columns).

    ``grid`` needs status_band, change_band, rating, count, names (all 25 cells).  Each cell
    has its rating's colour and the number of units in it — schools («шк.»), or municipalities
    («мун.») when ``unit`` is ``municipality``; the hover lists them.
    """
    short, plural_word = GRID_UNITS[unit]
    rows = [_status_label(s, bands) for s in STATUS_BANDS]
    cols = [_change_label(c, bands) for c in CHANGE_BANDS]
    traces = []
    for rating in RATINGS:
        cells = grid[grid["rating"] == rating]
        traces.append(tile_trace(
            [_status_label(s, bands) for s in cells["status_band"]],
            [CHANGE_BANDS.index(c) for c in cells["change_band"]],
            colors=RATING_COLORS[rating],
            opacity=[1.0 if n else 0.35 for n in cells["count"]],
            text=[f"<b>{n}</b> {short}" if n else "·" for n in cells["count"]],
            text_colors=RATING_TEXT[rating],
            hover=[f"<b>{RATING_LABELS[rating]}</b><br>{STATUS_BAND_LABELS[s]} состояние, "
                   f"{CHANGE_BAND_LABELS[c].lower()}<br>"
                   + (f"{plural_word}: {n}<br>" + "<br>".join(names) if n else f"{plural_word} нет")
                   for s, c, n, names in zip(cells["status_band"], cells["change_band"],
                                             cells["count"], cells["names"])],
            name=RATING_LABELS[rating], text_size=15,
        ))
    return figure(traces, tile_layout(
        cols, rows, title, row_height=64, top=130,
        yaxis=dict(title=dict(text="Состояние в этом году")),
        xaxis=dict(title=dict(text="Изменение к прошлому году")),
    ))


def _status_label(band: str, b: Bands) -> str:
    edges = {
        "very_high": f"≥ {percent(b.very_high)}",
        "high": f"{percent(b.high)} – {percent(b.very_high)}",
        "medium": f"{percent(b.medium)} – {percent(b.high)}",
        "low": f"{percent(b.very_low)} – {percent(b.medium)}",
        "very_low": f"< {percent(b.very_low)}",
    }
    return f"{STATUS_BAND_LABELS[band]}<br>({edges[band]})"


def _change_label(band: str, b: Bands) -> str:
    small, big = round(b.maintained * 100), round(b.significant * 100)
    edges = {
        "declined_significantly": f"−{big} п.п. и больше",
        "declined": f"от −{small} до −{big} п.п.",
        "maintained": f"в пределах ±{small} п.п.",
        "increased": f"от +{small} до +{big} п.п.",
        "increased_significantly": f"+{big} п.п. и больше",
    }
    words = CHANGE_BAND_LABELS[band].split()
    head = "<br>".join(words) if len(words) > 1 else words[0]
    return f"{head}<br>({edges[band]})"


@plain_text_figure
def movers_bars(improved: pd.DataFrame, declined: pd.DataFrame, title: str,
                limit: int = MOVERS) -> go.Figure:
    """The largest rises and falls since last year, as bars right and left of zero.

    Frames need org_unit_id, name, short_name, compliance, change, unrated; at most ``limit``
    of each are drawn (the table lists them all).  Each bar says the change and both years'
    compliance; a unit the status × change grid can't place is drawn pale, its hover says why;
    a click opens the school's profile.
    """
    data = pd.concat([improved.head(limit), declined.head(limit).iloc[::-1]], ignore_index=True)
    data = data.iloc[::-1]  # Plotly draws the first row at the bottom: biggest rise on top
    before = data["compliance"] - data["change"]
    rise = data["change"] > 0
    why = _off_grid(data)
    bars = dict(
        type="bar",
        x=data["change"] * 100,
        y=data["short_name"],
        orientation="h",
        marker=dict(color=[RATING_COLORS[5] if r else RATING_COLORS[1] for r in rise],
                    opacity=[0.45 if w else 1.0 for w in why]),
        text=[f"{points(c)} ({percent(b)} → {percent(a)})"
              for c, b, a in zip(data["change"], before, data["compliance"])],
        textposition="outside",
        cliponaxis=False,
        hovertext=[f"<b>{n}</b><br>Изменение: {points(c)}<br>Было: {percent(b)}, стало: {percent(a)}"
                   + (f"<br>{w[0].upper()}{w[1:]}" if w else "")
                   for n, c, b, a, w in zip(data["name"], data["change"], before, data["compliance"], why)],
        hoverinfo="text",
        customdata=data[["org_unit_id"]].to_numpy(),
    )
    reach = max([abs(v) for v in data["change"] * 100] + [10]) * 1.7
    return figure([bars], base_layout(
        title, height=max(300, 40 * len(data) + 140),
        xaxis=dict(title=dict(text="Изменение соответствия к прошлому году, п.п."),
                   range=[-reach, reach], zeroline=True, zerolinecolor="#444",
                   gridcolor="#eee", ticksuffix=" п.п."),
        yaxis=dict(automargin=True, type="category"),
    ))


def _off_grid(data: pd.DataFrame) -> list[str]:
    """«не на сетке: <why>» for a unit the status × change grid can't place, else ""."""
    reasons = data["unrated"] if "unrated" in data else pd.Series([None] * len(data), index=data.index)
    return [f"не на сетке: {w}" if isinstance(w, str) and w else "" for w in reasons]


# -- the tables behind the charts --------------------------------------------------------------

def trend_table(history: pd.DataFrame, municipal: pd.DataFrame, average: str = "Среднее по муниципалитету",
                unit: str = "Школа") -> pd.DataFrame:
    """A row per school (and the municipal average), a column per year, compliance in %."""
    years = sorted(set(history["period"]) | set(municipal["period"]))
    rows = list(dict.fromkeys(history["name"]))
    wide = (history.pivot(index="name", columns="period", values="compliance")
            .reindex(index=rows, columns=years) * 100).round(1)
    avg = (municipal.set_index("period").reindex(years)["compliance"] * 100).round(1)
    wide.loc[average] = avg.to_numpy()
    wide.columns = [f"{period_label(p)}, %" for p in years]
    return wide.rename_axis(unit).reset_index()


def placement_table(placed: pd.DataFrame, bands: Bands, unit: str = "Школа") -> pd.DataFrame:
    """Every school of the year with its status, change and colour (or why it has none)."""
    data = placed.sort_values(["rating", "compliance"], ascending=False, na_position="last")
    return pd.DataFrame({
        unit: data["name"],
        "Соответствие, %": (data["compliance"] * 100).round(1),
        "Изменение, п.п.": (data["change"] * 100).round(1),
        "Уровень": data["level"].map(LEVEL_LABELS),
        "Состояние": data["status_band"].map(STATUS_BAND_LABELS),
        "Динамика": data["change_band"].map(CHANGE_BAND_LABELS),
        "Цвет": [RATING_LABELS[int(r)] if not pd.isna(r) else f"без оценки: {why}"
                 for r, why in zip(data["rating"], data["unrated"])],
    }).reset_index(drop=True)


def movers_table(improved: pd.DataFrame, declined: pd.DataFrame, unit: str = "Школа") -> pd.DataFrame:
    """Every rise, then every fall, with both years and why a unit is not on the grid."""
    data = pd.concat([improved, declined], ignore_index=True)
    return pd.DataFrame({
        unit: data["name"],
        "Было, %": ((data["compliance"] - data["change"]) * 100).round(1),
        "Стало, %": (data["compliance"] * 100).round(1),
        "Изменение, п.п.": (data["change"] * 100).round(1),
        "Примечание": _off_grid(data),
    })
