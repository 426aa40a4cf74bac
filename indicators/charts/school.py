"""School-profile charts: compliance over the years, criteria against the municipality, the
management-cycle strip."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.base import LEVEL_COLORS, STATUS_COLORS, base_layout, figure, percent, plain_text_figure, wrap
from indicators.words import LEVEL_LABELS, STAGE_STATUS_LABELS, period_label

_STAGE_COLORS = {
    "present": STATUS_COLORS["met"],
    "partial": STATUS_COLORS["partial"],
    "missing": STATUS_COLORS["not_met"],
    "no_data": STATUS_COLORS["no_data"],
    "not_applicable": STATUS_COLORS["not_applicable"],
}


@plain_text_figure
def history_bars(history: pd.DataFrame, title: str) -> go.Figure:
    """The school's compliance per school year (level colours) and the municipal average line."""
    years = [period_label(p) for p in history["period"]]
    # The numbers go under each year, not over the bars: the municipal line runs where a bar's
    # label would stand (59 % · Средний sat on it).
    school = [percent(c) + ("" if pd.isna(c) else f" · {LEVEL_LABELS.get(lv, lv)}")
              for c, lv in zip(history["compliance"], history["level"])]
    ticks = [f"<b>{y}</b><br>{s}<br><span style='color:#555'>среднее {percent(m)}</span>"
             for y, s, m in zip(years, school, history["municipal"])]
    bars = dict(
        type="bar", x=years, y=history["compliance"].fillna(0) * 100, name="Школа",
        marker=dict(color=[LEVEL_COLORS.get(lv, LEVEL_COLORS["no_data"]) for lv in history["level"]]),
        text=school, textposition="none",
        hovertemplate="%{x}: %{text}<extra>Школа</extra>",
    )
    municipal = dict(
        type="scatter", x=years, y=history["municipal"] * 100, name="Среднее по муниципалитету",
        mode="lines+markers", line=dict(color="#333", dash="dash"),
        hovertemplate="%{x}: %{y:.0f} %<extra>Муниципалитет</extra>",
    )
    return figure([bars, municipal], base_layout(
        title, height=460,
        yaxis=dict(title=dict(text="Соответствие, %"), range=[0, 105], ticksuffix=" %"),
        xaxis=dict(type="category", tickvals=years, ticktext=ticks),
        legend=dict(orientation="h", y=-0.32),
    ))


@plain_text_figure
def criteria_compare(frame: pd.DataFrame, title: str) -> go.Figure:
    """Per group of criteria: the school beside the municipal average."""
    labels = [wrap(c, 40) for c in frame["criterion"]]
    traces = [dict(
        type="bar", y=labels, x=frame[column].fillna(0) * 100, name=name, orientation="h",
        marker=dict(color=color), text=[percent(v) for v in frame[column]], textposition="outside",
        hovertemplate="%{y}<br>" + name + ": %{text}<extra></extra>",
    ) for column, name, color in (("school", "Школа", "#0072B2"),
                                  ("municipal", "Среднее по муниципалитету", "#B8B8B8"))]
    return figure(traces, base_layout(
        title, height=160 + 90 * len(frame),
        xaxis=dict(title=dict(text="Соответствие, %"), range=[0, 115], ticksuffix=" %"),
        yaxis=dict(autorange="reversed", automargin=True),
        barmode="group", legend=dict(orientation="h", y=-0.25),
    ))


@plain_text_figure
def cycle_strip(stages: pd.DataFrame, title: str) -> go.Figure:
    """The seven stages left to right, each coloured and named by its status; the first break
    is outlined and marked «разрыв»."""
    shapes, notes = [], []
    for row in stages.itertuples():
        x0 = row.stage_no - 1
        shapes.append(dict(
            type="rect", x0=x0 + 0.04, x1=x0 + 0.96, y0=0, y1=1, fillcolor=_STAGE_COLORS[row.status],
            line=dict(color="#000" if row.is_break else "#fff", width=4 if row.is_break else 1)))
        dark = row.status in ("present", "missing")
        notes.append(dict(
            x=x0 + 0.5, y=0.5, showarrow=False,
            text=f"<b>{wrap(row.label, 9)}</b><br>{STAGE_STATUS_LABELS[row.status]}"
                 + ("<br><b>РАЗРЫВ</b>" if row.is_break else ""),
            font=dict(color="white" if dark else "#222", size=11),
        ))
    return figure([], base_layout(
        title, height=220, shapes=shapes, annotations=notes,
        xaxis=dict(visible=False, range=[0, 7]), yaxis=dict(visible=False, range=[0, 1]),
        margin=dict(l=10, r=10, t=60, b=10),
    ))


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Учебный год": [period_label(p) for p in history["period"]],
        "Соответствие, %": (history["compliance"] * 100).round(1),
        "Уровень": history["level"].map(LEVEL_LABELS),
        "Полнота, %": (history["completeness"] * 100).round(1),
        "Среднее по муниципалитету, %": (history["municipal"] * 100).round(1),
    })


def criteria_compare_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Группа критериев": frame["criterion"],
        "Школа, %": (frame["school"] * 100).round(1),
        "Среднее по муниципалитету, %": (frame["municipal"] * 100).round(1),
    })


def stages_table(stages: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Этап": stages["label"],
        "Состояние": stages["status"].map(STAGE_STATUS_LABELS),
        "Заполнено показателей": stages["assessed"],
        "Ожидалось": stages["expected"],
        "Разрыв цикла": stages["is_break"].map({True: "да", False: ""}),
    })
