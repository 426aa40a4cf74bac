"""Region charts: municipalities side by side (their schools pooled, and the department)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.base import LEVEL_COLORS, add_gap, base_layout, figure, gap_rows, percent, plain_text_figure
from indicators.words import LEVEL_LABELS, plural

LABELS_AT = 104   # where the column of numbers and levels starts, right of 100 %


@plain_text_figure
def municipality_bars(frame: pd.DataFrame, title: str) -> go.Figure:
    """Bars: each municipality's schools pooled, in level colours, best on top; a diamond: its
    department's own compliance; the schools' number and level in a column right of 100 %,
    where no diamond can cover it.  A click on a bar opens that municipality."""
    data = frame.iloc[::-1]
    value = data["compliance"].fillna(0) * 100
    words = [f"{percent(c)} · {LEVEL_LABELS.get(lv, lv)}" if pd.notna(c) else "нет данных"
             for c, lv in zip(data["compliance"], data["level"])]
    bars = dict(
        type="bar", x=value, y=data["short_name"], orientation="h", name="Школы (сводно)",
        marker=dict(color=[LEVEL_COLORS.get(lv, LEVEL_COLORS["no_data"]) for lv in data["level"]]),
        text=words, textposition="none",
        customdata=data[["org_unit_id"]].to_numpy(),
        hovertext=[f"<b>{n}</b><br>Школы: {percent(c)}<br>Управление: {percent(d)}<br>"
                   f"Сдали данные: {int(s or 0)} из {int(u or 0)} {plural(int(u or 0), 'школы', 'школ', 'школ')}"
                   for n, c, d, s, u in zip(data["name"], data["compliance"], data["department"],
                                            data["units_submitted"], data["units"])],
        hoverinfo="text",
    )
    diamonds = dict(
        type="scatter", x=data["department"] * 100, y=data["short_name"], mode="markers",
        name="Управление образования",
        marker=dict(symbol="diamond", size=12, color="#222", line=dict(color="white", width=1)),
        customdata=data[["org_unit_id"]].to_numpy(), hoverinfo="skip", cliponaxis=False,
    )
    numbers = dict(type="scatter", x=[LABELS_AT] * len(data), y=data["short_name"], mode="text",
                   text=words, textposition="middle right", cliponaxis=False, hoverinfo="skip",
                   showlegend=False, textfont=dict(size=12))
    rows, gap = gap_rows(list(data["short_name"]), data.get("left_out"))
    # past 100, so that a diamond at 100 % is drawn whole (it was cut in half), then the words
    ticks = [0, 20, 40, 60, 80, 100]
    return figure(add_gap([bars, diamonds, numbers], gap), base_layout(
        title, height=max(360, 30 * len(rows) + 160),
        xaxis=dict(title=dict(text="Соответствие критериям, %"), range=[0, 136], tickvals=ticks,
                   ticktext=[percent(t / 100) for t in ticks], gridcolor="#eee"),
        yaxis=dict(automargin=True, categoryorder="array", categoryarray=rows),
        legend=dict(orientation="h", y=-0.12, x=0), bargap=0.25,
    ))


def municipality_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Муниципалитет": frame["name"],
        "Школы: соответствие": frame["compliance"].map(percent),
        "Уровень": frame["level"].map(lambda lv: LEVEL_LABELS.get(lv, "") if isinstance(lv, str) else ""),
        "Изменение, п.п.": (frame["change"] * 100).round(0),
        "Полнота данных": frame["completeness"].map(percent),
        "Сдали данные": [f"{int(s or 0)} из {int(u or 0)}" for s, u in
                         zip(frame["units_submitted"].fillna(0), frame["units"].fillna(0))],
        "Управление: соответствие": frame["department"].map(percent),
    })
