"""Объективность charts: the schools × tests matrix of signs, one school's scores against the
mark boundaries, its journal marks against its test scores, its cohort over two years, and the
objectivity index over the years.  Each has its ``*_table`` twin with Russian headings.

The frames come from ``views.objectivity`` (their columns are documented there).  A sign is a
«признак необъективности», a reason to look, never a verdict: the words here say so.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.base import (
    NBSP, base_layout, category_tiles, figure, is_missing, merged, plain_text_figure, tile_layout,
)
from indicators.text import plotly_text
from indicators.words import counted, period_label

# How many signs a cell has: none, one, two or more; a test too small to judge is hatched.
SIGN_COLORS = {"none": "#E8F4EC", "one": "#E69F00", "many": "#D55E00", "small": "#D9D9D9"}
SIGN_NAMES = {"none": "нет признаков", "one": "1 признак", "many": "2 признака и больше",
              "small": "мало участников (не оценивается)"}
MARK_COLORS = {2: "#D55E00", 3: "#E69F00", 4: "#56B4E9", 5: "#009E73"}
BOUNDARY_COLOR = "#333"


def number(value: float | None, digits: int = 1) -> str:
    """12.345 -> «12,3»; a missing value -> «—»."""
    if is_missing(value):
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def _category(signs: int, small: bool) -> str:
    if small:
        return "small"
    return "none" if signs == 0 else "one" if signs == 1 else "many"


def _reasons(reasons: object) -> list[str]:
    if reasons is None or (isinstance(reasons, float) and math.isnan(reasons)):
        return []
    return [str(r) for r in reasons]


@plain_text_figure
def signs_matrix(matrix: pd.DataFrame, title: str) -> go.Figure:
    """Schools (rows) × tests («Математика, 4 кл.», columns), each cell coloured by its number
    of signs and holding it; the hover gives the reasons in words with their numbers.

    ``matrix`` needs org_unit_id, short_name, test, test_ord, subject, grade, signs, small,
    participants, reasons (list of sentences); a click on a cell opens the school's card."""
    tests = (matrix[["test", "test_ord"]].drop_duplicates().sort_values("test_ord")["test"].tolist()
             if len(matrix) else [])
    rows = list(dict.fromkeys(matrix["short_name"]))
    at = {t: k for k, t in enumerate(tests)}
    cats, text, hover, custom = [], [], [], []
    for r in matrix.itertuples(index=False):
        signs, small = int(r.signs), bool(r.small)
        cats.append(_category(signs, small))
        text.append("—" if small else str(signs))
        reasons = [plotly_text(x) for x in _reasons(r.reasons)]
        head = f"<b>{r.short_name}</b> · {r.test}<br>участников: {int(r.participants)}"
        if small:
            body = "мало участников: признаки не оцениваются"
        elif reasons:
            body = "<br>".join(f"• {x}" for x in reasons)
        else:
            body = "признаков необъективности нет"
        hover.append(f"{head}<br>{body}")
        custom.append(f"{r.org_unit_id}|{r.subject}|{int(r.grade)}")
    traces = category_tiles(list(matrix["short_name"]), [at[t] for t in matrix["test"]], cats, text, hover,
                            colors=SIGN_COLORS, names=SIGN_NAMES, dark=("many",), hatched=("small",),
                            customdata=custom, text_size=14)
    layout = tile_layout(tests, rows, title, row_height=36, top=110,
                         legend=dict(title=dict(text="Признаки необъективности: ")))
    return figure(traces, layout)


def signs_matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Школа": matrix["name"],
        "Предмет и класс": matrix["test"],
        "Участников": matrix["participants"].astype("Int64"),
        "Средний % выполнения": (matrix["mean_pct"].astype(float) * 100).round(1),
        "Признаков": matrix["signs"].astype(int),
        "Мало участников": matrix["small"].map({True: "да", False: "нет"}),
        "Причины": [" ".join(f"{x}." for x in _reasons(r)) or "—" for r in matrix["reasons"]],
    })


def _boundaries(scale: pd.DataFrame) -> list[tuple[float, str]]:
    """Where a mark begins, between the last score of the mark below and the first of it:
    (x, «2/3»)."""
    found = []
    marks = scale.sort_values("mark")
    for low, high in zip(marks.itertuples(index=False), marks.iloc[1:].itertuples(index=False)):
        found.append((float(high.min_score) - 0.5, f"{int(low.mark)}/{int(high.mark)}"))
    return found


def _mark_of(score: float, scale: pd.DataFrame) -> int | None:
    for r in scale.itertuples(index=False):
        if r.min_score <= score <= r.max_score:
            return int(r.mark)
    return None


@plain_text_figure
def score_histogram(distribution: pd.DataFrame, scale: pd.DataFrame, title: str) -> go.Figure:
    """How many participants earned each primary score, the bars coloured by the mark the
    score gives, with a line at each mark boundary («2/3», «3/4», «4/5»): a crowd just right of
    a line is what the peak sign looks at.

    ``distribution`` needs score, count; ``scale`` mark, min_score, max_score, test_max."""
    marks = [_mark_of(s, scale) for s in distribution["score"]]
    traces = []
    for mark, color in MARK_COLORS.items():
        idx = [k for k, m in enumerate(marks) if m == mark]
        if not any(int(distribution["count"].iloc[k]) for k in idx):   # no one earned the mark
            continue
        traces.append(dict(type="bar", x=[float(distribution["score"].iloc[k]) for k in idx],
                           y=[int(distribution["count"].iloc[k]) for k in idx], name=f"отметка «{mark}»",
                           marker=dict(color=color),
                           text=[str(int(distribution["count"].iloc[k]) or "") for k in idx],
                           textposition="outside", cliponaxis=False,
                           hovertemplate="балл %{x}: %{y} уч.<extra></extra>"))
    rest = [k for k, m in enumerate(marks) if m is None]
    if rest:
        traces.append(dict(type="bar", x=[float(distribution["score"].iloc[k]) for k in rest],
                           y=[int(distribution["count"].iloc[k]) for k in rest], name="вне шкалы",
                           marker=dict(color="#8C8C8C"), hovertemplate="балл %{x}: %{y} уч.<extra></extra>"))
    top = max([int(c) for c in distribution["count"]] + [1])
    shapes, notes = [], []
    for x, label in _boundaries(scale):
        shapes.append(dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper",
                           line=dict(color=BOUNDARY_COLOR, width=2, dash="dash")))
        notes.append(dict(x=x, y=1, yref="paper", yanchor="bottom", text=f"<b>{label}</b>", showarrow=False,
                          font=dict(size=14, color=BOUNDARY_COLOR), bgcolor="white"))
    test_max = float(scale["test_max"].max()) if len(scale) else float(distribution["score"].max() or 1)
    layout = base_layout(title, 380, bargap=0.15, barmode="overlay", shapes=shapes or None, annotations=notes or None,
                         margin=dict(t=95),
                         xaxis=dict(title=dict(text="Первичный балл"), range=[-0.7, test_max + 0.7], dtick=1 if test_max <= 25 else 2,
                                    showgrid=False, fixedrange=True),
                         yaxis=dict(title=dict(text="Участников"), range=[0, top * 1.18], gridcolor="#eee",
                                    rangemode="tozero", fixedrange=True, tickformat="d",
                                    dtick=1 if top <= 8 else None),
                         legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return figure(traces, layout)


def score_histogram_table(distribution: pd.DataFrame, scale: pd.DataFrame) -> pd.DataFrame:
    marks = [_mark_of(s, scale) for s in distribution["score"]]
    return pd.DataFrame({
        "Первичный балл": distribution["score"].astype(float),
        "Отметка по шкале": pd.array(marks, dtype="Int64"),
        "Участников": distribution["count"].astype(int),
    })


@plain_text_figure
def journal_scatter(points: pd.DataFrame, scale: pd.DataFrame, title: str) -> go.Figure:
    """Each participant's journal mark (x) against the primary score (y), one circle per pair
    sized by how many share it and labelled with that number; dotted lines where the test's
    marks begin.  Where the journal and the test agree the circles climb from left to right.

    ``points`` needs journal_mark, score, count."""
    total = max(int(points["count"].max()) if len(points) else 1, 1)
    # the circles of one mark spread a little sideways by score, so neighbours don't cover each other
    jitter = [((int(s) % 5) - 2) * 0.08 for s in points["score"]]
    x = [float(m) + j for m, j in zip(points["journal_mark"], jitter)]
    traces = [dict(type="scatter", mode="markers+text", x=x, y=points["score"].astype(float).tolist(),
                   text=[str(int(c)) for c in points["count"]], textposition="middle center",
                   textfont=dict(size=11, color="#111"),
                   cliponaxis=False, marker=dict(size=[11 + 15 * math.sqrt(int(c) / total) for c in points["count"]],
                               color="rgba(0,114,178,0.35)", line=dict(color="#0072B2", width=1)),
                   customdata=[int(m) for m in points["journal_mark"]],
                   hovertemplate="отметка по журналу «%{customdata}», балл %{y}: %{text} уч.<extra></extra>",
                   showlegend=False)]
    shapes, notes = [], []
    for y, label in _boundaries(scale):
        shapes.append(dict(type="line", x0=0, x1=1, xref="paper", y0=y, y1=y,
                           line=dict(color=BOUNDARY_COLOR, width=1, dash="dot")))
        notes.append(dict(x=1, xref="paper", xanchor="left", y=y, text=label, showarrow=False,
                          font=dict(size=13, color=BOUNDARY_COLOR)))
    test_max = float(scale["test_max"].max()) if len(scale) else float(points["score"].max() if len(points) else 1)
    layout = base_layout(title, 380, shapes=shapes or None, annotations=notes or None, margin=dict(r=50),
                         xaxis=dict(title=dict(text="Отметка по журналу"), tickvals=[2, 3, 4, 5],
                                    ticktext=["«2»", "«3»", "«4»", "«5»"], range=[1.5, 5.5], fixedrange=True,
                                    showgrid=False),
                         yaxis=dict(title=dict(text="Первичный балл ВПР"), range=[-1, test_max + 2],
                                    gridcolor="#eee", fixedrange=True))
    return figure(traces, layout)


def journal_scatter_table(points: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Отметка по журналу": points["journal_mark"].astype(int),
        "Первичный балл": points["score"].astype(float),
        "Участников": points["count"].astype(int),
    })


@plain_text_figure
def cohort_bars(cohort: pd.DataFrame, title: str) -> go.Figure:
    """One cohort of the school in two neighbouring years (grade N, then N+1 a year later):
    the mean % completed each year, and K, the first ÷ the second, under the title.

    ``cohort`` needs label («4 кл., 2023/24»), mean_pct, participants, k."""
    labels = cohort["label"].tolist()
    school = cohort["mean_pct"].astype(float)
    k = float(cohort["k"].iloc[0]) if len(cohort) else math.nan
    traces = [dict(type="bar", x=labels, y=(school * 100).round(1).tolist(), marker=dict(color="#0072B2"),
                   text=[f"{number(v * 100)}{NBSP}%" for v in school], textposition="outside", cliponaxis=False,
                   customdata=[int(p) for p in cohort["participants"]], showlegend=False, width=0.5,
                   hovertemplate="%{x}: %{y:.1f} % выполнения, участников %{customdata}<extra></extra>")]
    subtitle = f"K = {number(k, 2)} (первый год ÷ второй)" if not is_missing(k) else None
    layout = base_layout(title, 380, margin=dict(t=90), xaxis=dict(type="category", fixedrange=True),
                         yaxis=dict(title=dict(text="Средний % выполнения"), range=[0, 110], ticksuffix=f"{NBSP}%",
                                    gridcolor="#eee", fixedrange=True))
    layout = merged(layout, dict(title=dict(subtitle=dict(text=subtitle, font=dict(size=13, color="#555")))))
    return figure(traces, layout)


def cohort_table(cohort: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Класс и учебный год": cohort["label"],
        "Участников": cohort["participants"].astype("Int64"),
        "Средний % выполнения": (cohort["mean_pct"].astype(float) * 100).round(1),
        "K (первый год ÷ второй)": cohort["k"].astype(float).round(2),
    })


@plain_text_figure
def index_trend(trend: pd.DataFrame, title: str) -> go.Figure:
    """The objectivity index (100 − % of schools with at least one sign) over the school years,
    each point labelled with the index and the schools with signs.

    ``trend`` needs period, index, schools, flagged."""
    labels = [period_label(int(p)) for p in trend["period"]]
    words = [f"{counted(int(f), 'школа', 'школы', 'школ')} из {int(s)}" for f, s in zip(trend["flagged"], trend["schools"])]
    traces = [dict(type="scatter", mode="lines+markers+text", x=labels, y=trend["index"].astype(float).round(1).tolist(),
                   text=[number(v) for v in trend["index"].astype(float)], textposition="top center",
                   textfont=dict(size=14), line=dict(color="#0072B2", width=3), marker=dict(size=10), cliponaxis=False,
                   customdata=words, name="индекс объективности", showlegend=False,
                   hovertemplate="%{x}: индекс %{text}, признаки у %{customdata}<extra></extra>")]
    layout = base_layout(title, 340, xaxis=dict(type="category", title=dict(text="Учебный год"), fixedrange=True),
                         yaxis=dict(title=dict(text="Индекс объективности"), range=[0, 118], tickvals=[0, 20, 40, 60, 80, 100], gridcolor="#eee",
                                    fixedrange=True))
    return figure(traces, layout)


def index_trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Учебный год": [period_label(int(p)) for p in trend["period"]],
        "Школ с результатами": trend["schools"].astype(int),
        "Школ с признаками": trend["flagged"].astype(int),
        "Индекс объективности": trend["index"].astype(float).round(1),
        "Эталон": trend["reference_word"],
    })


def two_years_table(risk: pd.DataFrame) -> pd.DataFrame:
    """The schools with signs this year and last: how many signs each year, and where."""
    return pd.DataFrame({
        "Школа": risk["name"],
        "Признаков в этом году": risk["signs_this_year"].astype(int),
        "Признаков в прошлом году": risk["signs_last_year"].astype(int),
        "Где признаки": risk["subjects"].fillna("—"),
    })
