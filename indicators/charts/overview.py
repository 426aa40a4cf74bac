"""Overview charts: compliance per school and the schools × criteria heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators.charts.base import (
    CIVIDIS,
    LEVEL_COLORS,
    NO_DATA_TEXT,
    add_gap,
    base_layout,
    figure,
    gap_rows,
    percent,
    plain_text_figure,
    tile_layout,
    tile_trace,
    wrap,
)
from indicators.measures.settings import Thresholds
from indicators.words import LEVEL_LABELS


@plain_text_figure
def compliance_bars(frame: pd.DataFrame, title: str, thresholds: Thresholds = Thresholds()) -> go.Figure:
    """Horizontal bars of compliance per unit, best on top, in level colours.

    ``frame`` needs short_name, name, compliance, completeness, level.  Units with no data
    get an empty grey bar labelled «нет данных», so they are seen and not mistaken for 0 %.
    """
    data = frame.copy()
    data["sort"] = data["compliance"].fillna(-1)
    data = data.sort_values(["sort", "short_name"], ascending=[True, False])
    share = data["compliance"].to_numpy(dtype=float, na_value=np.nan)
    no_data = np.isnan(share)
    value = np.where(no_data, 100.0, share * 100)  # a full-width pale bar marks "no data"
    colors = [LEVEL_COLORS.get(level, LEVEL_COLORS["no_data"]) for level in data["level"]]
    text = [
        (LEVEL_LABELS[lv].lower() if lv == "not_applicable" else NO_DATA_TEXT) if nd
        else f"{percent(c)} · {LEVEL_LABELS.get(lv, lv)}"
        for c, lv, nd in zip(data["compliance"], data["level"], no_data)
    ]
    hover = [
        f"<b>{name}</b><br>Соответствие: {percent(c)}<br>Заполнено: {percent(done)}"
        f"<br>Уровень: {LEVEL_LABELS.get(lv, lv)}"
        for name, c, done, lv in zip(data["name"], data["compliance"], data["completeness"], data["level"])
    ]
    bars = dict(
        type="bar",
        x=value,
        y=data["short_name"],
        orientation="h",
        marker=dict(color=colors, line=dict(color="#555", width=[1 if nd else 0 for nd in no_data])),
        text=text,
        textposition="inside",
        insidetextanchor="end",
        textfont=dict(color=["#222" if nd or lv in ("medium", "no_data") else "white"
                             for nd, lv in zip(no_data, data["level"])]),
        hovertext=hover,
        hoverinfo="text",
        customdata=data["org_unit_id"].to_numpy(dtype=object).reshape(-1, 1) if "org_unit_id" in data else None,
    )
    # the level thresholds as dotted lines across the plot, named on top (Plotly's add_vline)
    marks = [(share * 100, f"{label} от {percent(share)}")
             for share, label in ((thresholds.medium, "средний"), (thresholds.high, "высокий"))]
    rows, gap = gap_rows(list(data["short_name"]), data.get("left_out"))
    return figure(add_gap([bars], gap), base_layout(
        title, height=max(320, 34 * len(rows) + 130),
        shapes=[dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain",
                     line=dict(color="#444", dash="dot", width=1)) for x, _ in marks],
        annotations=[dict(text=text, x=x, xref="x", y=1, yref="y domain", xanchor="center",
                          yanchor="bottom", showarrow=False, font=dict(size=12)) for x, text in marks],
        xaxis=dict(title=dict(text="Соответствие критериям, %"), range=[0, 100], ticksuffix=" %",
                   gridcolor="#eee"),
        yaxis=dict(automargin=True, categoryorder="array", categoryarray=rows),
    ))


@plain_text_figure
def criteria_heatmap(frame: pd.DataFrame, title: str) -> go.Figure:
    """Units × criteria: each cell the compliance of that unit on that group of indicators.

    ``frame`` needs org_unit_id, name, short_name, criterion (title), criterion_ord,
    compliance.  Cells with no data are hatched and say «нет данных», distinct from a dark 0 %.
    Clicking a cell opens the school's profile.
    """
    first_ord: dict = {}   # each criterion's order, from its first row (a drop_duplicates, faster)
    for c, o in zip(frame["criterion"], frame["criterion_ord"]):
        first_ord.setdefault(c, o)
    crit = sorted(first_ord, key=first_ord.get)
    units = list(dict.fromkeys(frame["short_name"]))
    col = [crit.index(c) for c in frame["criterion"]]
    value = frame["compliance"].astype(float) * 100
    has = value.notna().to_numpy()
    hover = [f"<b>{n}</b><br>{c}<br>Соответствие: {percent(v / 100) if v == v else NO_DATA_TEXT}"
             for n, c, v in zip(frame["name"], frame["criterion"], value)]
    custom = [[u] for u in frame["org_unit_id"]]

    def pick(seq, keep):
        return [x for x, k in zip(seq, keep) if k]

    traces = [tile_trace(
        pick(frame["short_name"], has), pick(col, has), colors=pick(value, has),
        text=[percent(v / 100) for v in pick(value, has)],
        text_colors=["white" if v < 55 else "#222" for v in pick(value, has)],
        hover=pick(hover, has), customdata=pick(custom, has), colorscale=CIVIDIS,
        colorbar=dict(title=dict(text="Соответствие, %", side="right"), ticksuffix=" %", len=0.8),
    )]
    if not has.all():
        traces.append(tile_trace(
            pick(frame["short_name"], ~has), pick(col, ~has), colors="#F2F2F2",
            text=[NO_DATA_TEXT] * int((~has).sum()), hover=pick(hover, ~has),
            customdata=pick(custom, ~has), name=NO_DATA_TEXT, pattern="/",
        ))
    return figure(traces, tile_layout([wrap(c, 28) for c in crit], units, title, row_height=32, top=140))


# -- the tables behind the charts --------------------------------------------------------------

def compliance_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers of :func:`compliance_bars`, with Russian headers, best first."""
    data = frame.sort_values("compliance", ascending=False, na_position="last")
    return pd.DataFrame({
        "Организация": data["name"],
        "Соответствие, %": (data["compliance"] * 100).round(1),
        "Уровень": data["level"].map(LEVEL_LABELS),
        "Изменение за год, п.п.": (data["change"] * 100).round(1),
        "Заполнено показателей": data["assessed"].astype("Int64"),
        "Ожидалось показателей": data["expected"].astype("Int64"),
        "Полнота, %": (data["completeness"] * 100).round(1),
    }).reset_index(drop=True)


def heatmap_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers of :func:`criteria_heatmap`: one row per unit, one column per criterion."""
    crit = frame.drop_duplicates("criterion").sort_values("criterion_ord")["criterion"].tolist()
    units = frame.drop_duplicates("short_name")["short_name"].tolist()
    grid = frame.pivot_table(index="short_name", columns="criterion", values="compliance",
                             aggfunc="first", dropna=False).reindex(index=units, columns=crit)
    grid = (grid * 100).round(1)
    grid.columns = [f"{c}, %" for c in crit]
    return grid.rename_axis("Организация").reset_index()
