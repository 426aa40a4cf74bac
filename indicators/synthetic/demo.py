"""A deterministic demo municipality, so that a fresh install shows real-looking charts.

«Заозёрный»: twelve schools of different kinds over five school years (2020/21–2024/25), each
following a story a department head would recognise: schools that improve, one that declines,
one whose management cycle always breaks at the analysis stage, one that stops submitting, one
that sends half its table, one where targeted recommendations have been missing for years.  It
runs the Zaozersk roadmap (its own, prolonged to 2024/25).

Each of the other source documents is run by a unit it belongs to: a second demo region,
«Прикамский край», runs the Perm regional plan, and its three municipalities their own plans —
«Угольный» the Gubakha one, «Степной» the Stepnovsky one, «Промышленный» the Promyshlennovsky
one — with three schools each.  All names and numbers are invented.  The generator uses a fixed
seed: the same database every time, on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from indicators.catalog.adoption import follows
from indicators.catalog.tables import STAGES
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch
from indicators.synthetic import vpr_demo

SEED = 20250825
PERIODS = tuple(range(2020, 2025))
USER = Actor(login="demo", name="демо-генератор", role="admin")
REGION_ID = "demo-region"          # «Заозёрный» alone: the app opens on it
MUNICIPALITY_ID = "zaozerny"
SITE = "zaozerny.example"  # .example is reserved: no link points to a real site
KAMA_ID = "demo-kama"               # runs the Perm regional plan; three municipalities under it


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


@dataclass(frozen=True)
class Municipality:
    id: str
    parent_id: str
    name: str
    short_name: str
    site: str
    department: Story
    schools: tuple[School, ...]
    # The roadmaps it adopted: direction, first and last school year, the order (as written).
    roadmaps: tuple[tuple[str, int, int, str | None], ...]


ZAOZERNY = Municipality(
    MUNICIPALITY_ID, REGION_ID, "Управление образования муниципального округа «Заозёрный» (демо)",
    "МО «Заозёрный»", SITE, DEPARTMENT_STORY, SCHOOLS,
    (("zaozersk", 2020, 2024, "приказ от 30.11.2020 № 01-09/64; продлена на 2024/25 учебный год "
                               "приказом от 28.08.2024 № 01-09/51 (демо)"),))
OTHER_MUNICIPALITIES = (
    Municipality(
        "ugolny", KAMA_ID, "Управление образования администрации Угольного городского округа (демо)",
        "ГО «Угольный»", "ugolny.example", Story((0.50, 0.58, 0.66, 0.72, 0.80)), (
            School("ug-sosh-1", "МАОУ «Средняя общеобразовательная школа № 1 г. Угольный»",
                   "СОШ № 1 г. Угольный", "СОШ", Story((0.55, 0.62, 0.70, 0.78, 0.86))),
            School("ug-sosh-2", "МБОУ «Средняя общеобразовательная школа № 2 г. Угольный»",
                   "СОШ № 2 г. Угольный", "СОШ", Story((0.82, 0.78, 0.74, 0.70, 0.64))),
            School("ug-oosh", "МБОУ «Основная общеобразовательная школа п. Шахтный»",
                   "ООШ п. Шахтный", "ООШ", Story((0.40, 0.44, 0.46, 0.50, 0.55))),
        ), (("gubakha", 2020, 2024, None),)),
    Municipality(
        "stepnoy", KAMA_ID, "Управление образования администрации Степного муниципального округа (демо)",
        "МО «Степной»", "stepnoy.example", Story((0.62, 0.66, 0.64, 0.70, 0.74)), (
            School("st-sosh-1", "МКОУ «Средняя общеобразовательная школа № 1 с. Степное»",
                   "СОШ № 1 с. Степное", "СОШ", Story((0.70, 0.74, 0.78, 0.80, 0.84))),
            School("st-sosh-3", "МКОУ «Средняя общеобразовательная школа № 3 с. Степное»",
                   "СОШ № 3 с. Степное", "СОШ", Story((0.60, 0.58, 0.62, 0.60, 0.64))),
            School("st-oosh", "МКОУ «Основная общеобразовательная школа х. Ровный»",
                   "ООШ х. Ровный", "ООШ", Story((0.45, 0.50, 0.48, 0.52, 0.50),
                                                  broken_from="recommendations")),
        ), (("stepnovsky", 2020, 2021, None),)),
    Municipality(
        "promyshlenny", KAMA_ID,
        "Управление образования администрации Промышленного муниципального округа (демо)",
        "МО «Промышленный»", "promyshlenny.example", Story((0.58, 0.60, 0.70, 0.78, 0.84)), (
            School("pr-sosh-2", "МБОУ «Средняя общеобразовательная школа № 2 пгт Промышленный»",
                   "СОШ № 2 пгт Промышленный", "СОШ", Story((0.64, 0.68, 0.75, 0.82, 0.88))),
            School("pr-gymn", "МБОУ «Гимназия пгт Промышленный»", "Гимназия пгт Промышленный",
                   "гимназия", Story((0.86, 0.88, 0.90, 0.92, 0.93))),
            School("pr-oosh", "МБОУ «Основная общеобразовательная школа с. Заречное»",
                   "ООШ с. Заречное", "ООШ", Story((0.50, 0.52, 0.55, 0.58, 0.60), silent_from=2024)),
        ), (("promyshlennovsky", 2021, 2023, None),)),
)
MUNICIPALITIES = (ZAOZERNY, *OTHER_MUNICIPALITIES)
# The regions: id, name, short name, the roadmaps each adopted (as Municipality.roadmaps).
REGIONS = (
    (REGION_ID, "Демонстрационная область", "Демо-область", ()),
    (KAMA_ID, "Прикамский край (демо)", "Прикамский край", (("perm", 2020, 2024, None),)),
)

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
    events = db.read("SELECT id, direction_id, responsible, ord FROM roadmap_event "
                     "ORDER BY direction_id, ord")
    units = _units()
    assessments = []
    school_ind = indicators[indicators.level == "school"]
    for muni in MUNICIPALITIES:   # «Заозёрный» first: its numbers stay what they were
        slug = "department" if muni is ZAOZERNY else muni.id
        assessments += _assessments(rng, muni.id, slug, muni.department,
                                    indicators[indicators.level == "municipality"], muni.site)
        for school in muni.schools:
            assessments += _assessments(rng, school.id, school.id, school.story, school_ind, muni.site)
    assessment_frame = pd.DataFrame(assessments)
    vpr = vpr_demo.rows(db)            # the ВПР protocols of «Заозёрный», three school years
    with batch(db, USER, "demo") as b:
        b.upsert("org_unit", ["id"], [c for c in units.columns if c != "id"], units)
        b.upsert("roadmap_adoption", ["unit_id", "direction_id"], ["period_from", "period_to", "basis"],
                 adoption_frame())
        b.upsert("assessment", ["org_unit_id", "indicator_id", "period"],
                 ["score", "not_applicable", "evidence_url", "comment"], assessment_frame)
        b.upsert("submission", ["org_unit_id", "period"],
                 ["status", "received_at", "accepted_by", "accepted_at"], _submissions(assessment_frame))
        b.upsert("event_status", ["event_id", "org_unit_id", "period"],
                 ["status", "evidence_url", "done_on", "comment"], _event_statuses(rng, events))
        vpr_demo.write(b, *vpr)
        b.log("database", "demo", "seed", None, str(SEED))
        b.set_meta("demo", "1")


def _units() -> pd.DataFrame:
    rows = [dict(id=rid, parent_id=None, kind="region", name=name, short_name=short,
                 school_type=None, website=None, ord=n)
            for n, (rid, name, short, _maps) in enumerate(REGIONS)]
    for m, muni in enumerate(MUNICIPALITIES):
        rows.append(dict(id=muni.id, parent_id=muni.parent_id, kind="municipality", name=muni.name,
                         short_name=muni.short_name, school_type=None,
                         website=f"https://{muni.site}", ord=m))
        for n, school in enumerate(muni.schools, start=1):
            rows.append(dict(id=school.id, parent_id=muni.id, kind="school", name=school.name,
                             short_name=school.short_name, school_type=school.school_type,
                             website=f"https://{school.id}.{muni.site}", ord=n))
    frame = pd.DataFrame(rows)
    frame["opened_period"] = None
    frame["closed_period"] = None
    return frame


def adoption_frame() -> pd.DataFrame:
    """Who adopted which roadmap, for which school years: each document run by its authority."""
    owners = [(rid, maps) for rid, _name, _short, maps in REGIONS] + [
        (m.id, m.roadmaps) for m in MUNICIPALITIES]
    return pd.DataFrame([dict(unit_id=unit, direction_id=d, period_from=lo, period_to=hi, basis=basis)
                         for unit, maps in owners for d, lo, hi, basis in maps], dtype=object)


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
                 indicators: pd.DataFrame, site: str = SITE) -> list[dict]:
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
                row["evidence_url"] = f"https://{slug}.{site}/soko/{period}/{ind.id.lower()}.pdf"
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


def _reporting() -> list[tuple[str, str, Story, str, str, bool, str, tuple[int, int]]]:
    """Who reports on which roadmap: (unit, kind, story, link slug, site, own, roadmap, school
    years) —
    each department on its own plan and its region's, each school on both (the events on ОО)."""
    regional = {rid: maps for rid, _name, _short, maps in REGIONS}
    out = []
    for muni in MUNICIPALITIES:
        slug = "department" if muni is ZAOZERNY else "uo"
        maps = [(d, (lo, hi), True) for d, lo, hi, _b in muni.roadmaps] + [
            (d, (lo, hi), False) for d, lo, hi, _b in regional[muni.parent_id]]
        for direction, years, own in maps:
            out.append((muni.id, "municipality", muni.department, slug, muni.site, own, direction, years))
            for school in muni.schools:
                out.append((school.id, "school", school.story, school.id, muni.site, False, direction,
                            years))
    return out


def _event_statuses(rng: random.Random, events: pd.DataFrame) -> pd.DataFrame:
    """Statuses of the events each unit reports on (``catalog.adoption.follows``), over the
    school years its adoption covers; a school gone silent reports nothing."""
    rows = []
    for unit_id, kind, story, slug, site, own, direction, (lo, hi) in _reporting():
        mine = events[events["direction_id"] == direction]
        mine = mine[[follows(kind, own, r) for r in mine["responsible"]]]
        periods = [p for p in PERIODS if lo <= p <= hi]
        for ev in mine.itertuples():
            for period in periods:
                if story.silent_from is not None and period >= story.silent_from:
                    continue
                q = story.quality[PERIODS.index(period)]
                r = rng.random()
                if period == PERIODS[-1]:
                    status = "done" if r < q * 0.6 else ("in_progress" if r < 0.85 else "not_due")
                else:
                    status = "done" if r < q + 0.05 else ("in_progress" if r < q + 0.15 else "not_done")
                done = status == "done"
                rows.append(dict(
                    event_id=ev.id, org_unit_id=unit_id, period=period, status=status,
                    evidence_url=(f"https://{slug}.{site}/roadmap/{ev.direction_id}/{period}/"
                                  f"{ev.ord}.pdf") if done and rng.random() < 0.85 else None,
                    done_on=date(period + 1, rng.randint(1, 6), rng.randint(1, 28)) if done else None,
                    comment=None if status != "not_done" else "Перенесено на следующий учебный год",
                ))
    return pd.DataFrame(rows)
