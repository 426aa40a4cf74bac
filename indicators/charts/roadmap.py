"""Roadmap charts: the events over the roadmap's school years, and execution per school."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.base import (
    STATUS_COLORS,
    add_gap,
    base_layout,
    category_tiles,
    figure,
    gap_rows,
    percent,
    plain_text_figure,
    tile_layout,
    wrap,
)
from indicators.text import safe_link
from indicators.words import EVENT_STATUS_LABELS, period_label

# Overdue is one colour and one legend entry, whatever the status says (in progress, not
# done): a late cell is «просрочено», never «срок не наступил» and «просрочено» at once.
OVERDUE = "overdue"
OVERDUE_COLOR = "#882255"   # Tol's wine: darker than «не выполнено», apart from it in every vision
EVENT_COLORS = {
    "done": STATUS_COLORS["met"],
    "in_progress": STATUS_COLORS["partial"],
    "not_done": STATUS_COLORS["not_met"],
    OVERDUE: OVERDUE_COLOR,
    "not_due": STATUS_COLORS["not_applicable"],
    "none": STATUS_COLORS["no_data"],
}
EVENT_NAMES = {**EVENT_STATUS_LABELS, OVERDUE: "просрочено", "none": "нет данных"}


def cell_words(status: object, overdue: bool) -> str:
    """A cell of the timeline's table: the status in words, or «просрочено (в работе)»."""
    words = EVENT_NAMES[status] if isinstance(status, str) else "нет данных"
    return f"просрочено ({words})" if overdue else words


def _label(number, title: str) -> str:
    short = title if len(title) <= 60 else title[:59].rstrip() + "…"
    return f"{number}. {short}"


@plain_text_figure
def timeline(history: pd.DataFrame, events: pd.DataFrame, title: str) -> go.Figure:
    """Events (rows, in the document's order) × school years: each cell the event's status that
    year; an overdue cell is one colour and says «просрочено» (its status in the hover).

    ``history`` needs event_id, period, status, overdue; ``events`` event_id, number, title.
    """
    years = sorted(history["period"].unique())
    label = {e: wrap(_label(n, t), 45) for e, n, t in zip(events["event_id"], events["number"],
                                                         events["title"])}
    rows = [label[e] for e in events["event_id"]]
    data = history[history["event_id"].isin(label)]
    status = [s if isinstance(s, str) else "none" for s in data["status"]]
    late = [bool(x) for x in data["overdue"]]
    category = [OVERDUE if x else s for s, x in zip(status, late)]
    text = [EVENT_NAMES[c] for c in category]
    hover = [f"<b>{label[e]}</b><br>{period_label(p)}: {EVENT_NAMES[s]}"
             + (f"<br>срок: {d:%d.%m.%Y}" if hasattr(d, "strftime") else "")
             + ("<br><b>просрочено</b>" if x else "")
             for e, p, s, d, x in zip(data["event_id"], data["period"], status, data["due"], late)]
    traces = category_tiles([label[e] for e in data["event_id"]],
                            [years.index(p) for p in data["period"]], category, text, hover,
                            colors=EVENT_COLORS, names=EVENT_NAMES, dark=("done", "not_done", OVERDUE),
                            hatched=("none",), text_size=12)
    return figure(traces, tile_layout([period_label(p) for p in years], rows, title, row_height=44, top=120))


@plain_text_figure
def school_execution(by_school: pd.DataFrame, title: str) -> go.Figure:
    """Share of the school-level events each school has done this year, best on top."""
    data = by_school.iloc[::-1]
    bars = dict(
        type="bar", x=data["execution"] * 100, y=data["short_name"], orientation="h",
        marker=dict(color=STATUS_COLORS["met"]),
        text=[f"{percent(e)} ({d} из {c})" for e, d, c in zip(data["execution"], data["done"],
                                                              data["counted"])],
        textposition="outside", cliponaxis=False,
        hovertext=[f"<b>{n}</b><br>Выполнено: {d} из {c} ({percent(e)})"
                   for n, d, c, e in zip(data["name"], data["done"], data["counted"], data["execution"])],
        hoverinfo="text", customdata=data[["org_unit_id"]].to_numpy(),
    )
    rows, gap = gap_rows(list(data["short_name"]), data.get("left_out"))
    return figure(add_gap([bars], gap), base_layout(
        title, height=max(300, 32 * len(rows) + 130),
        xaxis=dict(title=dict(text="Выполнено мероприятий, %"), range=[0, 118], ticksuffix=" %",
                   gridcolor="#eee"),
        yaxis=dict(automargin=True, type="category", categoryorder="array", categoryarray=rows),
    ))


def timeline_table(history: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    years = sorted(history["period"].unique())
    titles = dict(zip(events["event_id"], [_label(n, t) for n, t in zip(events["number"], events["title"])]))
    data = history.assign(cell=[cell_words(s, bool(late))
                                for s, late in zip(history["status"], history["overdue"])])
    wide = data.pivot(index="event_id", columns="period", values="cell").reindex(
        index=list(events["event_id"]), columns=years)
    wide.columns = [period_label(p) for p in years]
    wide.index = [titles[e] for e in wide.index]
    return wide.rename_axis("Мероприятие").reset_index()


def school_execution_table(by_school: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Школа": by_school["name"], "Выполнено": by_school["done"],
        "Учтено мероприятий": by_school["counted"],
        "Выполнение, %": (by_school["execution"].astype(float) * 100).round(1),
    })


def with_parties(events: pd.DataFrame, parties: tuple[str, ...]) -> pd.DataFrame:
    """The events any of ``parties`` answers for (all of them when none is chosen)."""
    return events[[not parties or bool(set(ps) & set(parties)) for ps in events["parties"]]]


def section_tables(events: pd.DataFrame, by_section: pd.DataFrame,
                   parties: tuple[str, ...] = ()) -> list[tuple[str, pd.DataFrame]]:
    """Per section of the roadmap: its heading with the section's execution, and its events
    as a table with Russian headers (status in words, overdue flagged, only web links kept)."""
    out = []
    for section, part in with_parties(events, parties).groupby("section", sort=False):
        row = by_section[by_section["section"] == section]
        share = "" if row.empty else f" — выполнено {percent(row['execution'].iloc[0])}"
        out.append((f"{section}{share}", pd.DataFrame({
            "№": part["number"], "Мероприятие": part["title"], "Ответственный": part["responsible"],
            "Срок (как в документе)": part["deadline"], "Как понят срок": part["understood"],
            "Статус": [EVENT_STATUS_LABELS.get(s, "нет данных") if isinstance(s, str) else "нет данных"
                       for s in part["status"]],
            "Просрочено": ["да" if o else "" for o in part["overdue"].fillna(False)],
            "Подтверждение": part["evidence_url"].map(safe_link),
            "Дата выполнения": part["done_on"], "Комментарий": part["comment"],
            "Планируемый результат": part["planned_result"],
        })))
    return out
