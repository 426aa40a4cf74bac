"""The August council (августовский педсовет): its numbers, frozen snapshots, and its slides.

:func:`build` gathers, from the same measures the pages use, everything the talk shows for one
municipality and school year.  A *snapshot* stores that content in the database at a moment
the head chooses, so a value corrected during the talk doesn't shift a slide; the deck, the
presentation mode and the HTML report all draw from a :class:`Council`, live or frozen, and
every slide says the date of its data.  :func:`slides` turns it into a renderer-neutral list
of :class:`Slide` (text, figures, a chart spec, a table), which the PowerPoint writer, the
Plotly charts and the HTML report render alike, so the three can't disagree.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime

import pandas as pd

from .catalog import STAGE_LABELS, STAGES
from .charts.base import LEVEL_COLORS, STATUS_COLORS, percent, points
from .db import Database
from .measures import (
    LEVEL_LABELS,
    STAGE_STATUS_LABELS,
    Thresholds,
    aggregate_compliance,
    compliance,
    level_counts,
    period_label,
    periods,
    stage_status,
)
from .recommendations import STATUS_LABELS as REC_STATUS_LABELS
from .recommendations import recommendations
from .roadmaps import roadmap
from .writes import log_event

# The slides a council may include, in talk order: key -> what the picker calls it.
SLIDES = {
    "title": "Титульный слайд",
    "key_figures": "Главные цифры года",
    "schools": "Соответствие по школам",
    "criteria": "Группы критериев по школам",
    "cycle": "Где прерывается управленческий цикл",
    "trends": "Динамика по годам",
    "roadmaps": "Исполнение дорожных карт",
    "support": "Школы, которым нужна поддержка",
    "recommendations": "Адресные рекомендации по школам",
    "sources": "Источники и полнота данных",
}
BARS_PER_SLIDE = 16     # schools on one bar chart slide
ROWS_PER_SLIDE = 12     # table rows on one slide
TEXT_PER_SLIDE = 1100  # characters of recommendations on one slide
NAME_LIMIT = 28         # a school's name on a slide is shortened past this many characters


@dataclass(frozen=True)
class Council:
    municipality_id: str
    municipality: str
    period: int
    as_of: datetime                 # the moment the numbers are from
    snapshot_id: int | None         # None: live numbers
    figures: pd.DataFrame           # key, label, value, change, kind (share | count)
    schools: pd.DataFrame           # org_unit_id, name, short_name, compliance, level, change, completeness
    criteria: pd.DataFrame          # short_name, criterion, ord, compliance (one row per cell)
    stages: pd.DataFrame            # stage, label, present, partial, missing, no_data, breaks
    breaks: pd.DataFrame            # short_name, stage label, status label (schools whose cycle breaks)
    department_cycle: pd.DataFrame  # stage label, status label (the department's own cycle)
    trend: pd.DataFrame             # period, schools, department, high_share
    roadmaps: pd.DataFrame          # title, short_title, department, schools, change, overdue
    support: pd.DataFrame           # name, short_name, level, compliance, basis, text, status
    sources: pd.DataFrame           # title, authority, order (the source documents)
    completeness: pd.DataFrame      # name, short_name, expected, assessed, completeness, status

    @property
    def year(self) -> str:
        return period_label(self.period)

    @property
    def data_date(self) -> str:
        """«данные на 20.08.2025 14:30», the line every slide carries."""
        text = f"данные на {self.as_of:%d.%m.%Y %H:%M}"
        return text + (f" (снимок № {self.snapshot_id})" if self.snapshot_id else " (текущие)")


def just_ended(today: date | None = None) -> int:
    """The school year an August council reviews: the one that ended this summer (from June on),
    else the one before."""
    today = today or date.today()
    return today.year - 1 if today.month >= 6 else today.year - 2


def default_period(available: list[int], today: date | None = None) -> int:
    """The latest school year with data that has ended by ``today`` (else the latest one)."""
    ended = [p for p in available if p <= just_ended(today)]
    return (ended or available)[-1]


def build(db: Database, period: int, municipality_id: str, now: datetime | None = None) -> Council:
    """The council's content for the municipality and year, from the live database."""
    now = now or datetime.now().replace(microsecond=0)
    t = Thresholds.from_db(db)
    name = db.scalar("SELECT name FROM org_unit WHERE id = ?", [municipality_id]) or municipality_id
    years = [p for p in periods(db) if p <= period]
    every = compliance(db, years, thresholds=t, parent_id=municipality_id)
    every = every[every["expected"] > 0]
    schools = every[every["period"] == period].reset_index(drop=True)
    pooled = aggregate_compliance(db, years, thresholds=t, parent_id=municipality_id)
    pooled = pooled[pooled["org_unit_id"] == municipality_id].set_index("period")
    dept = compliance(db, years, kind="municipality", thresholds=t, unit_id=municipality_id)
    dept = dept[dept["org_unit_id"] == municipality_id].set_index("period")

    stages = stage_status(db, period, parent_id=municipality_id)
    stages = stages[stages["org_unit_id"].isin(schools["org_unit_id"])]
    roadmaps = _roadmaps(db, period, municipality_id, now.date())
    support = recommendations(db, period, municipality_id)
    support = support[support["needs_support"]].reset_index(drop=True)
    return Council(
        municipality_id=municipality_id, municipality=name, period=period, as_of=now,
        snapshot_id=None,
        figures=_figures(schools, pooled, dept, period, stages, roadmaps),
        schools=schools[["org_unit_id", "name", "short_name", "compliance", "level", "change",
                         "completeness"]],
        criteria=_criteria(db, period, municipality_id, t, schools),
        stages=_stage_counts(stages),
        breaks=_breaks(stages),
        department_cycle=_department_cycle(db, period, municipality_id),
        trend=_trend(every, pooled, dept, years),
        roadmaps=roadmaps,
        support=support[["name", "short_name", "level", "compliance", "basis", "text", "status"]],
        sources=_sources(db),
        completeness=_completeness(db, schools, period, municipality_id),
    )


def _figures(schools: pd.DataFrame, pooled: pd.DataFrame, dept: pd.DataFrame, period: int,
             stages: pd.DataFrame, roadmaps: pd.DataFrame) -> pd.DataFrame:
    def at(frame: pd.DataFrame, col: str):
        return frame.loc[period, col] if period in frame.index else None

    counts = level_counts(schools)
    whole = stages.groupby("org_unit_id")["is_break"].any()
    done, counted = roadmaps["done"].sum(), roadmaps["counted"].sum()
    rows = [
        ("compliance", "Соответствие критериям по школам", at(pooled, "compliance"), at(pooled, "change"), "share"),
        ("completeness", "Полнота данных школ", at(pooled, "completeness"), None, "share"),
        ("department", "Управление образования (свои показатели)", at(dept, "compliance"), at(dept, "change"), "share"),
        ("high", "Школ с высоким уровнем", counts["high"], None, "count"),
        ("medium", "Школ со средним уровнем", counts["medium"], None, "count"),
        ("low", "Школ с низким уровнем", counts["low"], None, "count"),
        ("whole_cycle", "Школ с замкнутым управленческим циклом", int((~whole).sum()), None, "count"),
        ("roadmaps", "Мероприятий дорожных карт выполнено", done / counted if counted else None, None, "share"),
    ]
    return pd.DataFrame(rows, columns=["key", "label", "value", "change", "kind"])


def _criteria(db: Database, period: int, municipality_id: str, t: Thresholds,
              schools: pd.DataFrame) -> pd.DataFrame:
    by = compliance(db, [period], by="criterion", thresholds=t, parent_id=municipality_id)
    by = by[by["org_unit_id"].isin(schools["org_unit_id"])]
    crit = db.read("SELECT id AS criterion_id, title AS criterion, ord FROM criterion")
    out = by.merge(crit, on="criterion_id")[["short_name", "criterion", "ord", "compliance"]]
    return out.reset_index(drop=True)


def _stage_counts(stages: pd.DataFrame) -> pd.DataFrame:
    counts = (stages.pivot_table(index="stage", columns="status", values="org_unit_id",
                                 aggfunc="count", fill_value=0)
              .reindex(index=list(STAGES), columns=["present", "partial", "missing", "no_data"],
                       fill_value=0))
    breaks = stages[stages["is_break"]].groupby("stage").size().reindex(list(STAGES), fill_value=0)
    out = counts.assign(breaks=breaks).reset_index()
    out.insert(1, "label", out["stage"].map(STAGE_LABELS))
    return out.astype({c: int for c in ("present", "partial", "missing", "no_data", "breaks")})


def _breaks(stages: pd.DataFrame) -> pd.DataFrame:
    b = stages[stages["is_break"]]
    return pd.DataFrame({"short_name": b["short_name"].to_numpy(),
                         "stage": b["stage"].map(STAGE_LABELS).to_numpy(),
                         "status": b["status"].map(STAGE_STATUS_LABELS).to_numpy()})


def _department_cycle(db: Database, period: int, municipality_id: str) -> pd.DataFrame:
    st = stage_status(db, period, kind="municipality", unit_id=municipality_id)
    st = st[st["org_unit_id"] == municipality_id]
    return pd.DataFrame({"stage": st["stage"].map(STAGE_LABELS).to_numpy(),
                         "status": st["status"].map(STAGE_STATUS_LABELS).to_numpy(),
                         "is_break": st["is_break"].to_numpy()})


def _trend(every: pd.DataFrame, pooled: pd.DataFrame, dept: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    rated = every[every["level"].isin(("high", "medium", "low"))]
    high = rated.groupby("period")["level"].apply(lambda s: (s == "high").mean())
    return pd.DataFrame({
        "period": years,
        "schools": [pooled["compliance"].get(p) for p in years],
        "department": [dept["compliance"].get(p) for p in years],
        "high_share": [high.get(p) for p in years],
    })


def _roadmaps(db: Database, period: int, municipality_id: str, today: date) -> pd.DataFrame:
    """Each roadmap in force that year: the department's execution, the schools' pooled one."""
    rows = []
    for d in db.rows("SELECT d.id, d.title, coalesce(d.short_title, d.id) FROM direction d "
                     "WHERE EXISTS (SELECT 1 FROM roadmap_event e WHERE e.direction_id = d.id) "
                     "ORDER BY d.id"):
        r = roadmap(db, d[0], period, municipality_id, municipality_id, today)
        if period not in r.years:
            continue
        done, counted = int(r.by_school["done"].sum()), int(r.by_school["counted"].sum())
        year = r.by_year[r.by_year["period"] == period]
        rows.append(dict(title=d[1], short_title=d[2], department=r.execution,
                         schools=done / counted if counted else None, change=r.change,
                         overdue=len(r.overdue), done=int(year["done"].sum()),
                         counted=int(year["counted"].sum())))
    return pd.DataFrame(rows, columns=["title", "short_title", "department", "schools", "change",
                                       "overdue", "done", "counted"])


def _sources(db: Database) -> pd.DataFrame:
    return db.read("SELECT title, authority, trim(coalesce(doc_kind, '') || ' ' || "
                   "coalesce('№ ' || order_number, '') || ' ' || "
                   "coalesce('от ' || strftime(order_date, '%d.%m.%Y'), '')) AS order_ref "
                   "FROM direction WHERE EXISTS (SELECT 1 FROM indicator i WHERE i.direction_id = direction.id) "
                   "OR EXISTS (SELECT 1 FROM roadmap_event e WHERE e.direction_id = direction.id) ORDER BY id")


def _completeness(db: Database, schools: pd.DataFrame, period: int, municipality_id: str) -> pd.DataFrame:
    status = dict(db.rows("SELECT org_unit_id, status FROM submission WHERE period = ?", [int(period)]))
    labels = {"received": "получено", "accepted": "принято"}
    return pd.DataFrame({
        "name": schools["name"], "short_name": schools["short_name"],
        "expected": schools["expected"].astype(int), "assessed": schools["assessed"].astype(int),
        "completeness": schools["completeness"],
        "status": [labels.get(status.get(u), "получено" if a else "не сдано")
                   for u, a in zip(schools["org_unit_id"], schools["assessed"])],
    })


# -- snapshots ---------------------------------------------------------------------------------

_SCALARS = ("municipality_id", "municipality", "period", "as_of")


def to_bytes(council: Council) -> bytes:
    """The council as a zip: its tables as Parquet, its scalars as JSON."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        meta = {k: getattr(council, k) for k in _SCALARS}
        meta["as_of"] = council.as_of.isoformat()
        z.writestr("meta.json", json.dumps(meta, ensure_ascii=False))
        for f in fields(council):
            value = getattr(council, f.name)
            if isinstance(value, pd.DataFrame):
                buf = io.BytesIO()
                value.to_parquet(buf, index=False)
                z.writestr(f"{f.name}.parquet", buf.getvalue())
    return out.getvalue()


def from_bytes(data: bytes, snapshot_id: int | None = None) -> Council:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = json.loads(z.read("meta.json"))
        frames = {f.name: pd.read_parquet(io.BytesIO(z.read(f"{f.name}.parquet")))
                  for f in fields(Council) if f"{f.name}.parquet" in z.namelist()}
    return Council(municipality_id=meta["municipality_id"], municipality=meta["municipality"],
                   period=int(meta["period"]), as_of=datetime.fromisoformat(meta["as_of"]),
                   snapshot_id=snapshot_id, **frames)


def freeze(db: Database, period: int, municipality_id: str, user: str,
           now: datetime | None = None) -> int:
    """Store the council's numbers as they are now; return the snapshot's number."""
    council = build(db, period, municipality_id, now)
    with db.transaction() as cur:
        snap = cur.execute(
            "INSERT INTO council_snapshot (municipality_id, period, taken_at, taken_by, payload) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [municipality_id, int(period), council.as_of, user, to_bytes(council)]).fetchone()[0]
        log_event(cur, user=user, source="council", entity="council_snapshot",
                  entity_key=f"{municipality_id}|{period}|{snap}", field="taken_at",
                  old_value=None, new_value=f"{council.as_of:%Y-%m-%d %H:%M:%S}")
    return int(snap)


def snapshots(db: Database, municipality_id: str, period: int) -> pd.DataFrame:
    """The stored snapshots of a year, newest first: id, taken_at, taken_by."""
    return db.read("SELECT id, taken_at, taken_by FROM council_snapshot WHERE municipality_id = ? "
                   "AND period = ? ORDER BY id DESC", [municipality_id, int(period)])


class SnapshotError(ValueError):
    """A snapshot asked for does not exist (the message is Russian)."""


def load(db: Database, snapshot_id: int) -> Council:
    data = db.scalar("SELECT payload FROM council_snapshot WHERE id = ?", [int(snapshot_id)])
    if data is None:
        raise SnapshotError(f"снимок данных № {snapshot_id} не найден")
    return from_bytes(bytes(data), int(snapshot_id))


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
    tail = n % 100
    word = ("слайдов" if 11 <= tail <= 14 else "слайд" if n % 10 == 1 else
            "слайда" if 2 <= n % 10 <= 4 else "слайдов")
    return f"{n} {word}"


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
                    f"{int(worst['breaks'])} из {len(c.schools)} школ.")
    return [Slide("cycle", f"Этапы управленческого цикла в школах, {c.year}",
                  subtitle="Сколько школ подтвердили каждый этап", chart=spec, text=text)]


def _trends(c: Council, _today: date) -> list[Slide]:
    t = c.trend
    spec = ChartSpec("line", [period_label(p) for p in t["period"]], [
        Series("Соответствие по школам", _values(t["schools"]), "#0072B2"),
        Series("Управление образования", _values(t["department"]), "#CC79A7"),
        Series("Доля школ высокого уровня", _values(t["high_share"]), "#009E73"),
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
    text = [f"Данные прислали {sent} из {len(comp)} школ; заполнено "
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
    "cycle": _cycle, "trends": _trends, "roadmaps": _roadmaps_slide, "support": _support,
    "recommendations": _recommendation_slides, "sources": _sources_slide,
}


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
