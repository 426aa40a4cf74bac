"""A deterministic demo municipality, so that a fresh install shows real-looking charts.

Twelve schools of different kinds over five school years (2020/21–2024/25), each following a
story a department head would recognise: schools that improve, one that declines, one whose
management cycle always breaks at the analysis stage, one that stops submitting, one that sends
half its table, one where targeted recommendations have been missing for years.  The generator
uses a fixed seed: the same database every time, on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from indicators.catalog.tables import STAGES
from indicators.measures.roadmap import is_school_event
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch

SEED = 20250825
PERIODS = tuple(range(2020, 2025))
USER = Actor(login="demo", name="демо-генератор", role="admin")
REGION_ID = "demo-region"
MUNICIPALITY_ID = "zaozerny"
SITE = "zaozerny.example"  # .example is reserved: no link points to a real site


@dataclass(frozen=True)
class Story:
    """How a unit's evidence develops: target share of fully met indicators per period."""

    quality: tuple[float, ...]
    broken_from: str | None = None           # stage from which nothing is ever evidenced
    silent_from: int | None = None           # first period with no submission at all
    partial: dict[int, int] = field(default_factory=dict)  # period -> indicators sent
    always_zero: tuple[str, ...] = ()        # indicator numbers never met (from period 2022)
    not_applicable: tuple[int, ...] = ()     # indicator numbers that do not apply


@dataclass(frozen=True)
class School:
    id: str
    name: str
    short_name: str
    school_type: str
    story: Story


SCHOOLS = (
    School("sosh-1", "МБОУ «Средняя общеобразовательная школа № 1»", "СОШ № 1", "СОШ",
           Story((0.30, 0.45, 0.60, 0.78, 0.92))),
    School("sosh-2", "МБОУ «Средняя общеобразовательная школа № 2»", "СОШ № 2", "СОШ",
           Story((0.90, 0.92, 0.90, 0.93, 0.95))),
    School("gymn-3", "МБОУ «Гимназия № 3»", "Гимназия № 3", "гимназия",
           Story((0.88, 0.93, 0.95, 0.95, 0.97))),
    School("lyceum", "МБОУ «Лицей имени А. С. Пушкина»", "Лицей", "лицей",
           Story((0.62, 0.70, 0.80, 0.86, 0.92))),
    School("oosh-5", "МБОУ «Основная общеобразовательная школа № 5»", "ООШ № 5", "ООШ",
           Story((0.85, 0.88, 0.90, 0.90, 0.92), broken_from="analysis")),
    School("sosh-6", "МБОУ «Средняя общеобразовательная школа № 6»", "СОШ № 6", "СОШ",
           Story((0.93, 0.85, 0.68, 0.50, 0.32))),
    School("nosh-7", "МКОУ «Начальная общеобразовательная школа № 7»", "НОШ № 7", "НОШ",
           Story((0.70, 0.72, 0.68, 0.70, 0.70), silent_from=2023)),
    School("sosh-8", "МБОУ «Средняя общеобразовательная школа № 8 с углублённым изучением "
           "отдельных предметов»", "СОШ № 8 (углубл.)", "СОШ с углублённым изучением",
           Story((0.72, 0.75, 0.74, 0.76, 0.78))),
    School("evening", "МКОУ «Вечерняя (сменная) общеобразовательная школа»", "Вечерняя школа",
           "вечерняя школа",
           Story((0.35, 0.40, 0.42, 0.45, 0.50), partial={2023: 7}, not_applicable=(9,))),
    School("cadet", "МБОУ «Кадетская школа имени адмирала Ф. Ф. Ушакова»", "Кадетская школа",
           "кадетская школа", Story((0.50, 0.58, 0.70, 0.82, 0.90))),
    School("sosh-11", "МБОУ «Средняя общеобразовательная школа № 11»", "СОШ № 11", "СОШ",
           Story((0.70, 0.72, 0.74, 0.73, 0.75), always_zero=("6",))),
    School("co-12", "МАОУ «Центр образования № 12»", "ЦО № 12", "центр образования",
           Story((0.66, 0.58, 0.72, 0.64, 0.80))),
)
DEPARTMENT_STORY = Story((0.55, 0.64, 0.73, 0.82, 0.91))

_COMMENTS_PARTIAL = (
    "Документ в разработке, размещён проект",
    "Справка подготовлена, на сайте не опубликована",
    "Выполнено не по всем предметам",
)
_COMMENTS_FULL = ("", "", "", "Размещено на сайте", "Рассмотрено на педсовете")


def is_empty(db: Database) -> bool:
    return not db.scalar("SELECT count(*) FROM org_unit")


def fill(db: Database) -> None:
    """Fill an empty database with the demo municipality (refuses a database with data)."""
    if not is_empty(db):
        raise RuntimeError("База данных уже содержит данные: демо-данные не добавлены.")
    rng = random.Random(SEED)
    indicators = db.read("SELECT id, number, stage, level, max_score FROM indicator ORDER BY ord, id")
    events = db.read(
        "SELECT e.id, e.direction_id, e.responsible, e.ord, d.period_from, d.period_to "
        "FROM roadmap_event e JOIN direction d ON d.id = e.direction_id ORDER BY e.direction_id, e.ord"
    )
    units = _units()
    assessments = []
    assessments += _assessments(rng, MUNICIPALITY_ID, "department", DEPARTMENT_STORY,
                                indicators[indicators.level == "municipality"])
    school_ind = indicators[indicators.level == "school"]
    for school in SCHOOLS:
        assessments += _assessments(rng, school.id, school.id, school.story, school_ind)
    assessment_frame = pd.DataFrame(assessments)
    with batch(db, USER, "demo") as b:
        b.upsert("org_unit", ["id"], [c for c in units.columns if c != "id"], units)
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"],
                 ["score", "not_applicable", "evidence_url", "comment"], assessment_frame)
        b.upsert("submission", ["org_unit_id", "period"],
                 ["status", "received_at", "accepted_by", "accepted_at"], _submissions(assessment_frame))
        b.upsert("event_status", ["event_id", "org_unit_id", "period"],
                 ["status", "evidence_url", "done_on", "comment"], _event_statuses(rng, events))
        b.log("database", "demo", "seed", None, str(SEED))
        b.set_meta("demo", "1")


def _units() -> pd.DataFrame:
    rows = [
        dict(id=REGION_ID, parent_id=None, kind="region", name="Демонстрационная область",
             short_name="Демо-область", school_type=None, website=None, ord=0),
        dict(id=MUNICIPALITY_ID, parent_id=REGION_ID, kind="municipality",
             name="Управление образования муниципального округа «Заозёрный» (демо)",
             short_name="МО «Заозёрный»", school_type=None, website=f"https://{SITE}", ord=0),
    ]
    for n, school in enumerate(SCHOOLS, start=1):
        rows.append(dict(id=school.id, parent_id=MUNICIPALITY_ID, kind="school", name=school.name,
                         short_name=school.short_name, school_type=school.school_type,
                         website=f"https://{school.id}.{SITE}", ord=n))
    frame = pd.DataFrame(rows)
    frame["opened_period"] = None
    frame["closed_period"] = None
    return frame


def _allocate(rng: random.Random, quality: float, indicators: pd.DataFrame) -> dict[str, float]:
    """Scores that add up to ``quality`` of the maximum, earlier cycle stages served first.

    A school monitors before it analyses and analyses before it decides, so points go to the
    indicators in cycle order, shuffled a little within neighbouring stages; the remainder is
    a half score and the rest are zeros.  Compliance then follows the story exactly.
    """
    order = sorted(
        indicators.itertuples(),
        key=lambda ind: STAGES.index(ind.stage) + rng.uniform(0, 2.5),
    )
    points = round(quality * float(indicators["max_score"].sum()) * 2) / 2
    scores = {}
    for ind in order:
        give = min(float(ind.max_score), points)
        give = float(ind.max_score) if give == ind.max_score else (ind.max_score / 2 if give > 0 else 0.0)
        scores[ind.id] = give
        points -= give
    return scores


def _assessments(rng: random.Random, unit_id: str, slug: str, story: Story,
                 indicators: pd.DataFrame) -> list[dict]:
    rows = []
    broken_no = STAGES.index(story.broken_from) + 1 if story.broken_from else None
    for period, quality in zip(PERIODS, story.quality):
        if story.silent_from is not None and period >= story.silent_from:
            continue
        applicable = indicators[~indicators["number"].isin(story.not_applicable)]
        scores = _allocate(rng, quality, applicable)
        chosen = indicators
        if period in story.partial:
            chosen = indicators.iloc[: story.partial[period]]
        for ind in chosen.itertuples():
            stage_no = STAGES.index(ind.stage) + 1
            row = dict(org_unit_id=unit_id, indicator_id=ind.id, period=period, score=None,
                       not_applicable=False, evidence_url=None, comment=None)
            if ind.id not in scores:
                row.update(not_applicable=True, comment="Не применяется: школа не участвует в ВПР")
                rows.append(row)
                continue
            score = scores[ind.id]
            if broken_no is not None and stage_no >= broken_no:
                score = 0.0
            if str(ind.number) in story.always_zero and period >= 2022:
                score = 0.0
            row["score"] = score
            if score > 0 and rng.random() < 0.9:
                row["evidence_url"] = f"https://{slug}.{SITE}/soko/{period}/{ind.id.lower()}.pdf"
            if score == 0:
                row["comment"] = rng.choice(("", "Документ отсутствует", "Не проводилось")) or None
            elif score < ind.max_score:
                row["comment"] = rng.choice(_COMMENTS_PARTIAL)
            else:
                row["comment"] = rng.choice(_COMMENTS_FULL) or None
            rows.append(row)
    return rows


def _submissions(assessments: pd.DataFrame) -> pd.DataFrame:
    sent = assessments[["org_unit_id", "period"]].drop_duplicates()
    rows = []
    for unit_id, period in sent.itertuples(index=False):
        received = pd.Timestamp(date(period + 1, 6, 10))
        if period < PERIODS[-1] or unit_id in ("sosh-2", "gymn-3", "lyceum"):
            rows.append(dict(org_unit_id=unit_id, period=period, status="accepted",
                             received_at=received, accepted_by="Специалист УО",
                             accepted_at=received + pd.Timedelta(days=14)))
        else:
            rows.append(dict(org_unit_id=unit_id, period=period, status="received",
                             received_at=received, accepted_by=None, accepted_at=None))
    return pd.DataFrame(rows)


def _event_statuses(rng: random.Random, events: pd.DataFrame) -> pd.DataFrame:
    """Statuses for every event of every roadmap over the school years it spans."""
    quality = {s.id: s.story for s in SCHOOLS}
    rows = []
    for ev in events.itertuples():
        lo = int(ev.period_from) - 1 if pd.notna(ev.period_from) else PERIODS[0]
        hi = int(ev.period_to) if pd.notna(ev.period_to) else PERIODS[-1]
        periods = [p for p in PERIODS if lo <= p <= hi]
        units = [MUNICIPALITY_ID]
        if is_school_event(ev.responsible):
            units += [s.id for s in SCHOOLS]
        for unit_id in units:
            story = quality.get(unit_id, DEPARTMENT_STORY)
            for period in periods:
                if story.silent_from is not None and period >= story.silent_from:
                    continue
                q = story.quality[PERIODS.index(period)]
                r = rng.random()
                if period == PERIODS[-1]:
                    status = "done" if r < q * 0.6 else ("in_progress" if r < 0.85 else "not_due")
                else:
                    status = "done" if r < q + 0.05 else ("in_progress" if r < q + 0.15 else "not_done")
                slug = "department" if unit_id == MUNICIPALITY_ID else unit_id
                done = status == "done"
                rows.append(dict(
                    event_id=ev.id, org_unit_id=unit_id, period=period, status=status,
                    evidence_url=(f"https://{slug}.{SITE}/roadmap/{ev.direction_id}/{period}/"
                                  f"{ev.ord}.pdf") if done and rng.random() < 0.85 else None,
                    done_on=date(period + 1, rng.randint(1, 6), rng.randint(1, 28)) if done else None,
                    comment=None if status != "not_done" else "Перенесено на следующий учебный год",
                ))
    return pd.DataFrame(rows)
