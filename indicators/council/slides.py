"""The council as a renderer-neutral list of :class:`Slide` (title, key figures, a chart spec, a
table, text), cut from a :class:`~indicators.council.content.Council`; the PowerPoint writer,
the Plotly figures and the HTML report render the same slides, so the three can't disagree.
Long lists split across slides, long names are shortened to fit their boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from indicators.charts.base import LEVEL_COLORS, STATUS_COLORS, percent, points
from indicators.council.content import Council
from indicators.words import LEVEL_LABELS, STAGE_STATUS_LABELS, VPR_REFERENCE_LABELS, counted, period_label
from indicators.words import RECOMMENDATION_STATUS_LABELS as REC_STATUS_LABELS

# The slides a council may include, in talk order: key -> what the picker calls it.
SLIDES = {
    "title": "Титульный слайд",
    "key_figures": "Главные цифры года",
    "schools": "Соответствие по школам",
    "criteria": "Группы критериев по школам",
    "cycle": "Где прерывается управленческий цикл",
    "trends": "Динамика по годам",
    "roadmaps": "Исполнение дорожных карт",
    "objectivity": "Объективность результатов ВПР",
    "support": "Школы, которым нужна поддержка",
    "recommendations": "Адресные рекомендации по школам",
    "sources": "Источники и полнота данных",
}
BARS_PER_SLIDE = 16     # schools on one bar chart slide
ROWS_PER_SLIDE = 12     # table rows on one slide
TEXT_PER_SLIDE = 1100  # characters of recommendations on one slide
NAME_LIMIT = 28         # a school's name on a slide is shortened past this many characters

# -- slides ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    color: str
    point_colors: list[str] | None = None   # one per category (levels on a bar chart)


@dataclass(frozen=True)
class ChartSpec:
    """A chart any renderer can draw: ``bar`` (horizontal, one row per category), ``column``
    (stacked vertical) or ``line``; values are shares 0..1 when ``percent``, else counts."""
    kind: str
    categories: list[str]
    series: list[Series]
    value_title: str
    percent: bool = True
    labels: list[str] | None = None         # the text on each bar (first series)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    change: str = ""
    trend: int = 0                          # +1 rise, -1 fall, 0 none


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    subtitle: str = ""
    figures: list[Figure] = field(default_factory=list)
    chart: ChartSpec | None = None
    table: pd.DataFrame | None = None
    text: list[str] = field(default_factory=list)     # paragraphs
    footer: str = ""


def count_slides(n: int) -> str:
    """«1 слайд», «3 слайда», «22 слайда», «11 слайдов»: the number agreed in Russian."""
    return counted(n, "слайд", "слайда", "слайдов")


def shorten(text: object, limit: int = NAME_LIMIT) -> str:
    """A name cut to ``limit`` characters at a word, with an ellipsis: it fits its box."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[: limit - 1]).rstrip(" ,.;:«") + "…"


def slides(council: Council, include: tuple[str, ...] | list[str] | None = None,
           today: date | None = None) -> list[Slide]:
    """The deck, in talk order, for the chosen slide kinds (default: all)."""
    wanted = [k for k in SLIDES if include is None or k in include]
    footer = f"{council.municipality} · {council.year} учебный год · {council.data_date}"
    out: list[Slide] = []
    for key in wanted:
        for s in _BUILDERS[key](council, today or date.today()):
            out.append(replace(s, footer=footer))
    return out


def _title(c: Council, today: date) -> list[Slide]:
    return [Slide("title", "Объективность и качество оценки: итоги учебного года",
                  subtitle=f"{c.municipality}\n{c.year} учебный год\n"
                           f"Августовский педагогический совет, {today:%d.%m.%Y}")]


def _key_figures(c: Council, _today: date) -> list[Slide]:
    figs = []
    for r in c.figures.itertuples():
        if r.kind == "share":
            change = "" if pd.isna(r.change) else f"{points(r.change)} за год"
            trend = 0 if pd.isna(r.change) else (1 if round(r.change * 100) > 0 else -1 if round(r.change * 100) < 0 else 0)
            figs.append(Figure(r.label, percent(r.value), change, trend))
        else:
            total = len(c.schools)
            figs.append(Figure(r.label, f"{int(r.value)} из {total}"))
    return [Slide("key_figures", f"Главные цифры {c.year} учебного года", figures=figs)]


def _schools(c: Council, _today: date) -> list[Slide]:
    data = c.schools.assign(sort=c.schools["compliance"].fillna(-1)).sort_values(
        ["sort", "short_name"], ascending=[False, True])
    parts = _chunks(data, BARS_PER_SLIDE)
    out = []
    for n, part in enumerate(parts, start=1):
        labels = [f"{percent(v)} · {LEVEL_LABELS.get(lv, lv)}" for v, lv in zip(part["compliance"], part["level"])]
        names = [shorten(s) + (" — нет данных" if pd.isna(v) else "")
                 for s, v in zip(part["short_name"], part["compliance"])]
        spec = ChartSpec(
            "bar", names,
            [Series("Соответствие", [None if pd.isna(v) else float(v) for v in part["compliance"]],
                    LEVEL_COLORS["medium"],
                    [LEVEL_COLORS.get(lv, LEVEL_COLORS["no_data"]) for lv in part["level"]])],
            "Соответствие критериям, %", labels=labels)
        out.append(Slide("schools", _part(f"Соответствие критериям по школам, {c.year}", n, len(parts)),
                         subtitle="Цвет — уровень: высокий, средний, низкий; серый — данных недостаточно",
                         chart=spec))
    return out


def _criteria_slides(c: Council, _today: date) -> list[Slide]:
    if c.criteria.empty:
        return []
    order = c.criteria.drop_duplicates("criterion").sort_values("ord")["criterion"].tolist()
    wide = c.criteria.pivot_table(index="short_name", columns="criterion", values="compliance",
                                  aggfunc="first", dropna=False).reindex(columns=order)
    wide = wide.reindex(c.schools.sort_values("short_name")["short_name"]).reset_index()
    table = pd.DataFrame({"Школа": wide["short_name"].map(shorten)})
    for crit in order:
        table[shorten(crit, 70)] = wide[crit].map(percent)
    parts = _chunks(table, ROWS_PER_SLIDE)
    return [Slide("criteria", _part(f"Группы критериев по школам, {c.year}", n, len(parts)),
                  subtitle="Доля выполнения показателей каждой группы", table=part)
            for n, part in enumerate(parts, start=1)]


def _cycle(c: Council, _today: date) -> list[Slide]:
    s = c.stages
    spec = ChartSpec("column", s["label"].tolist(), [
        Series(STAGE_STATUS_LABELS[k].capitalize(), s[k].astype(float).tolist(), STATUS_COLORS[color])
        for k, color in (("present", "met"), ("partial", "partial"), ("missing", "not_met"),
                         ("no_data", "no_data"))], "Школ", percent=False)
    dept = c.department_cycle[c.department_cycle["is_break"]]
    text = [f"Цикл управления образования прерывается на этапе «{dept['stage'].iloc[0]}» "
            f"({dept['status'].iloc[0]})." if len(dept) else
            "Цикл управления образования замкнут: все этапы подтверждены хотя бы частично."]
    if len(c.breaks):
        worst = s.sort_values("breaks", ascending=False).iloc[0]
        text.append(f"Чаще всего цикл школ прерывается на этапе «{worst['label']}»: "
                    f"{int(worst['breaks'])} из {_of_schools(len(c.schools))}.")
    return [Slide("cycle", f"Этапы управленческого цикла в школах, {c.year}",
                  subtitle="Сколько школ подтвердили каждый этап", chart=spec, text=text)]


def _trends(c: Council, _today: date) -> list[Slide]:
    t = c.trend
    spec = ChartSpec("line", [period_label(p) for p in t["period"]], [
        Series("Соответствие по школам", _values(t["schools"]), "#0072B2"),
        Series("Управление образования", _values(t["department"]), "#CC79A7"),
        Series("Доля школ высокого уровня (из всех школ)", _values(t["high_share"]), "#009E73"),
    ], "Доля, %")
    return [Slide("trends", "Динамика по учебным годам",
                  subtitle="Год без данных пропущен, а не показан нулём", chart=spec)]


def _roadmaps_slide(c: Council, _today: date) -> list[Slide]:
    r = c.roadmaps
    if r.empty:
        return []
    spec = ChartSpec("bar", [shorten(t, 24) for t in r["short_title"]], [
        Series("Управление образования", _values(r["department"]), "#0072B2"),
        Series("Школы", _values(r["schools"]), "#E69F00"),
    ], "Выполнено мероприятий, %")
    overdue = int(r["overdue"].sum())
    text = [f"Просрочено мероприятий управления: {overdue}." if overdue else
            "Просроченных мероприятий управления нет."]
    return [Slide("roadmaps", f"Исполнение дорожных карт, {c.year}",
                  subtitle="Доля выполненных мероприятий среди тех, чей срок наступил",
                  chart=spec, text=text)]


def _objectivity(c: Council, _today: date) -> list[Slide]:
    """The year's ВПР signs: the index in the subtitle, the schools with signs (no slide without
    protocols)."""
    if c.objectivity_index is None or c.objectivity_index.empty:
        return []
    ix = c.objectivity_index.iloc[0]
    index = "—" if pd.isna(ix["index"]) else f"{float(ix['index']):.1f}".replace(".", ",").removesuffix(",0")
    subtitle = (f"Индекс объективности {index} · школ с признаками {int(ix['flagged'])} из "
                f"{int(ix['schools'])} · эталон — {VPR_REFERENCE_LABELS.get(ix['reference'], ix['reference'])}")
    note = ("Признаки необъективности — повод для проверки и методической помощи, а не вывод о нарушении; "
            "результаты ВПР не используются для оценки работы учителей.")
    title = f"Объективность результатов ВПР, {c.year}"
    s = c.objectivity
    if s.empty:
        return [Slide("objectivity", title, subtitle=subtitle,
                      text=["Признаков необъективности нет ни у одной школы.", note])]
    table = pd.DataFrame({"Школа": s["short_name"].map(shorten),
                          "Признаки необъективности": s["where"].map(lambda w: shorten(w, 150))})
    parts = _chunks(table, ROWS_PER_SLIDE - 4)
    return [Slide("objectivity", _part(title, n, len(parts)), subtitle=subtitle, table=part, text=[note])
            for n, part in enumerate(parts, start=1)]


def _support(c: Council, _today: date) -> list[Slide]:
    s = c.support
    if s.empty:
        return [Slide("support", f"Школы, которым нужна поддержка, {c.year}",
                      text=["Таких школ нет: у всех уровень не ниже среднего, цикл замкнут, "
                            "нет показателей, не выполняемых два года подряд."])]
    table = pd.DataFrame({
        "Школа": s["short_name"].map(shorten),
        "Уровень": [f"{LEVEL_LABELS.get(lv, lv)}" + ("" if pd.isna(v) else f" ({percent(v)})")
                    for lv, v in zip(s["level"], s["compliance"])],
        "Основание": s["basis"].map(lambda b: shorten(b, 110)),
        "Рекомендации": s["status"].map(REC_STATUS_LABELS),
    })
    parts = _chunks(table, ROWS_PER_SLIDE - 4)
    return [Slide("support", _part(f"Школы, которым нужна поддержка, {c.year}", n, len(parts)),
                  subtitle="Низкий уровень, прерванный цикл или показатель, не выполняемый два года подряд",
                  table=part) for n, part in enumerate(parts, start=1)]


def _recommendation_slides(c: Council, _today: date) -> list[Slide]:
    """One slide per school (more when its text is long), the recommendations as written."""
    out = []
    for r in c.support.itertuples():
        lines = [line for line in str(r.text or "").splitlines() if line.strip()]
        parts, part = [], []
        for line in lines:
            if part and sum(map(len, part)) + len(line) > TEXT_PER_SLIDE:
                parts.append(part)
                part = []
            part.append(line)
        parts.append(part)
        for n, part in enumerate(parts, start=1):
            out.append(Slide("recommendations",
                             _part(f"Адресные рекомендации: {shorten(r.short_name, 40)}", n, len(parts)),
                             subtitle=f"{r.basis} · {REC_STATUS_LABELS.get(r.status, r.status)}",
                             text=part))
    return out


def _sources_slide(c: Council, _today: date) -> list[Slide]:
    comp = c.completeness
    sent = int((comp["assessed"] > 0).sum())
    missing = comp[comp["assessed"] == 0]["short_name"].tolist()
    total = comp["expected"].sum()
    text = [f"Данные прислали {sent} из {_of_schools(len(comp))}; заполнено "
            f"{percent(comp['assessed'].sum() / total if total else None)} ожидаемых значений. "
            + (("Не прислали: " + ", ".join(shorten(m) for m in missing) + ".") if missing
               else "Данные прислали все школы."),
            f"Цифры — {c.data_date}. Критерии и дорожные карты взяты из документов:"]
    table = pd.DataFrame({"Документ": c.sources["title"].map(lambda t: shorten(t, 150)),
                          "Кем утверждён": c.sources["authority"].map(lambda t: shorten(t, 60)),
                          "Реквизиты": c.sources["order_ref"]})
    return [Slide("sources", "Источники и полнота данных", text=text, table=table)]


_BUILDERS = {
    "title": _title, "key_figures": _key_figures, "schools": _schools, "criteria": _criteria_slides,
    "cycle": _cycle, "trends": _trends, "roadmaps": _roadmaps_slide,
    "objectivity": _objectivity, "support": _support,
    "recommendations": _recommendation_slides, "sources": _sources_slide,
}


def _of_schools(n: int) -> str:
    """What follows «из»: «1 школы», «12 школ», «21 школы»."""
    return counted(n, "школы", "школ", "школ")


def _values(column: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in column]


def _chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """Rows split into slide-sized parts of near-equal length (never a lone last row)."""
    if len(frame) <= size:
        return [frame.reset_index(drop=True)]
    count = -(-len(frame) // size)
    per = -(-len(frame) // count)
    return [frame.iloc[i:i + per].reset_index(drop=True) for i in range(0, len(frame), per)]


def _part(title: str, n: int, total: int) -> str:
    return title if total == 1 else f"{title} ({n} из {total})"
