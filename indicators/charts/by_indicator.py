"""Indicators-page charts: how many schools meet one criterion or indicator, year by year."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators.charts.base import (
    NO_DATA_TEXT,
    STATUS_COLORS,
    STATUS_NAMES,
    base_layout,
    figure,
    percent,
    plain_text_figure,
    status_tiles,
    tile_layout,
    wrap,
)
from indicators.words import period_label

SHOWN = ("met", "partial", "not_met", "no_data")  # stacked to 100 % of the schools it applies to


@plain_text_figure
def status_share_bars(by_year: pd.DataFrame, title: str) -> go.Figure:
    """Per school year, the schools that meet it, partly meet it, don't, and sent nothing.

    ``by_year`` needs period, status, count, share.  The four parts add up to 100 % of the
    schools the indicator applies to; "no data" is hatched so it is never read as "not met".
    """
    years = sorted(by_year["period"].unique())
    labels = [period_label(p) for p in years]
    # the count and share of each status per year, in one pass over the frame
    at = {p: k for k, p in enumerate(years)}
    count = {status: [0] * len(years) for status in SHOWN}
    share = {status: [math.nan] * len(years) for status in SHOWN}
    for period, status, n, part in zip(by_year["period"], by_year["status"], by_year["count"],
                                       by_year["share"].astype(float).to_numpy()):
        if status in count:
            count[status][at[period]] = 0 if pd.isna(n) else int(n)
            share[status][at[period]] = part
    traces = []
    for status in SHOWN:
        counts, shares = count[status], np.array(share[status], dtype=float)
        traces.append(dict(
            type="bar",
            x=labels,
            y=np.where(np.isnan(shares), 0.0, shares * 100),
            name=STATUS_NAMES[status],
            marker=dict(color=STATUS_COLORS[status], line=dict(color="#888", width=0.5),
                        pattern=dict(shape="/", fgcolor="#9a9a9a", size=6)
                        if status == "no_data" else None),
            text=[f"{n} ({percent(s)})" if n else "" for n, s in zip(counts, shares)],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont=dict(color="white" if status in ("met", "not_met") else "#222"),
            hovertext=[f"<b>{y}</b><br>{STATUS_NAMES[status]}: {n} шк. ({percent(s)})"
                       for y, n, s in zip(labels, counts, shares)],
            hoverinfo="text",
        ))
    return figure(traces, base_layout(
        title, height=420, barmode="stack", bargap=0.35,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, traceorder="normal"),
        yaxis=dict(title=dict(text="Доля школ, %"), range=[0, 100], ticksuffix=" %", gridcolor="#eee"),
        xaxis=dict(title=dict(text="Учебный год"), type="category"),
        margin=dict(t=110),
    ))


@plain_text_figure
def ranking_bars(ranking: pd.DataFrame, title: str) -> go.Figure:
    """Every indicator as one bar split by how many schools meet it, least met on top.

    ``ranking`` needs indicator_id, label and a count column per status.  Bars are shares of
    the schools each indicator applies to; a click picks the indicator.
    """
    data = ranking.iloc[::-1]  # Plotly draws the first row at the bottom
    labels = [wrap(_shorten(t, 70), 40) for t in data["label"]]
    base = data[list(SHOWN)].sum(axis=1).replace(0, float("nan"))
    custom = data[["indicator_id"]].to_numpy()
    traces = []
    for status in SHOWN:
        share = data[status] / base
        traces.append(dict(
            type="bar", y=labels, x=(share * 100).fillna(0), orientation="h", name=STATUS_NAMES[status],
            marker=dict(color=STATUS_COLORS[status], line=dict(color="#888", width=0.5),
                        pattern=dict(shape="/", fgcolor="#9a9a9a", size=6)
                        if status == "no_data" else None),
            text=[str(n) if n else "" for n in data[status]],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color="white" if status in ("met", "not_met") else "#222"),
            hovertext=[f"<b>{t}</b><br>{STATUS_NAMES[status]}: {n} шк. ({percent(s)})"
                       for t, n, s in zip(data["label"], data[status], share)],
            hoverinfo="text", customdata=custom,
        ))
    return figure(traces, base_layout(
        title, height=max(360, 46 * len(data) + 150), barmode="stack", bargap=0.25,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, traceorder="normal"),
        xaxis=dict(title=dict(text="Доля школ, %"), range=[0, 100], ticksuffix=" %", gridcolor="#eee"),
        yaxis=dict(automargin=True, type="category"),
        margin=dict(t=110),
    ))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@plain_text_figure
def status_matrix(statuses: pd.DataFrame, title: str) -> go.Figure:
    """Schools × school years, each cell coloured by status with the score written in it.

    ``statuses`` needs org_unit_id, short_name, name, period, status, score_sum, max_sum.
    Years a school was closed stay empty.  Clicking a cell opens the school's profile.
    """
    years = sorted(statuses["period"].unique())
    rows = list(dict.fromkeys(statuses["short_name"]))
    data = statuses
    text = [_cell_text(st, s, m) for st, s, m in
            zip(data["status"], data["score_sum"], data["max_sum"])]
    hover = [f"<b>{n}</b><br>{period_label(p)}: {STATUS_NAMES[st]}<br>Балл: {t}"
             for n, p, st, t in zip(data["name"], data["period"], data["status"], text)]
    traces = status_tiles(list(data["short_name"]), [years.index(p) for p in data["period"]],
                          list(data["status"]), text, hover,
                          customdata=[[u] for u in data["org_unit_id"]])
    return figure(traces, tile_layout([period_label(p) for p in years], rows, title, top=120))


_STATUS_ORDER = {"not_met": 0, "no_data": 1, "partial": 2, "met": 3, "not_applicable": 4}


def weakest_schools(statuses: pd.DataFrame, period: int, n: int = 30) -> pd.DataFrame:
    """The matrix rows of the ``n`` schools that stand worst on the indicator in ``period``
    (not met, no data, partly met, then met), or every school when there are no more than
    ``n``: a matrix of hundreds of rows is read by nobody; its table keeps them all."""
    schools = statuses["org_unit_id"].drop_duplicates()
    if len(schools) <= n:
        return statuses
    now = statuses[statuses["period"] == period]
    rank = (now.assign(o=now["status"].map(_STATUS_ORDER),
                       share=now["score_sum"] / now["max_sum"])
            .sort_values(["o", "share", "short_name"]))
    keep = list(rank["org_unit_id"].head(n))
    picked = statuses[statuses["org_unit_id"].isin(keep)]
    return picked.assign(_k=picked["org_unit_id"].map({u: k for k, u in enumerate(keep)})) \
        .sort_values(["_k", "period"]).drop(columns="_k").reset_index(drop=True)


def _cell_text(status: str, score: float, max_score: float) -> str:
    if status == "no_data":
        return NO_DATA_TEXT
    if status == "not_applicable":
        return "не прим."
    return f"{score:g} из {max_score:g}"


# -- the tables behind the charts --------------------------------------------------------------

def status_share_table(by_year: pd.DataFrame) -> pd.DataFrame:
    """One row per year: how many schools in each status, and the share that meet it."""
    wide = by_year.pivot(index="period", columns="status", values="count").fillna(0).astype(int)
    share = by_year[by_year["status"] == "met"].set_index("period")["share"]
    out = pd.DataFrame({"Учебный год": [period_label(p) for p in wide.index]})
    for status in (*SHOWN, "not_applicable"):
        out[STATUS_NAMES[status].capitalize()] = wide[status].to_numpy() if status in wide else 0
    out["Выполняют, %"] = (share.reindex(wide.index) * 100).round(1).to_numpy()
    return out


def status_matrix_table(statuses: pd.DataFrame) -> pd.DataFrame:
    """The matrix as a table: a row per school, a column per year, the status and score."""
    data = statuses.assign(
        cell=[f"{STATUS_NAMES[st]} ({_cell_text(st, s, m)})"
              if st not in ("no_data", "not_applicable") else STATUS_NAMES[st]
              for st, s, m in zip(statuses["status"], statuses["score_sum"], statuses["max_sum"])],
        year=[period_label(p) for p in statuses["period"]],
    )
    rows = list(dict.fromkeys(data["name"]))
    wide = data.pivot(index="name", columns="year", values="cell").reindex(rows).fillna("—")
    return wide.rename_axis("Школа").reset_index().rename_axis(None, axis=1)


def ranking_table(ranking: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"Показатель": ranking["label"]})
    for status in (*SHOWN, "not_applicable"):
        out[STATUS_NAMES[status].capitalize()] = ranking[status].to_numpy()
    out["Выполняют, %"] = (ranking["met_share"] * 100).round(1).to_numpy()
    return out
