"""Load the catalog (``data/catalog/*.csv``) into DuckDB, idempotently.

The catalog is data a specialist may edit: directions (one per source document), criteria,
indicators, roadmap events and the level thresholds.  On every start the files are hashed; when
the hash differs from the one stored, every row is upserted (changes land in the change log)
and rows that vanished from the files are removed unless assessments or statuses still refer to
them, in which case they stay, so that no history is lost.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators import config
from indicators.store.actors import Actor
from indicators.store.database import Database
from indicators.store.door import batch
from indicators.words import UNIT_LEVELS, VPR_SIGN_LABELS

STAGES = (
    "goal",
    "monitoring",
    "analysis",
    "recommendations",
    "measures",
    "decisions",
    "effectiveness",
)


CATALOG_ACTOR = Actor(login="catalog", name="каталог", role="admin")  # a reload of the shipped files


class CatalogError(ValueError):
    """A catalog file a specialist edited is not valid; the message is Russian and exact."""


@dataclass(frozen=True)
class TableSpec:
    file: str
    table: str
    keys: list[str]
    fields: list[str]
    required: list[str]


SPECS = [
    TableSpec(
        "directions.csv",
        "direction",
        ["id"],
        ["title", "short_title", "authority", "doc_kind", "order_number", "order_date",
         "period_from", "period_to", "source_file", "scope"],
        ["id", "title"],
    ),
    TableSpec("criteria.csv", "criterion", ["id"], ["direction_id", "title", "ord"],
              ["id", "direction_id", "title", "ord"]),
    TableSpec(
        "indicators.csv",
        "indicator",
        ["id"],
        ["direction_id", "criterion_id", "number", "stage", "level", "title",
         "evidence_source", "max_score", "first_period", "last_period", "ord"],
        ["id", "direction_id", "criterion_id", "number", "stage", "level", "title",
         "max_score", "first_period", "ord"],
    ),
    TableSpec(
        "roadmap_events.csv",
        "roadmap_event",
        ["id"],
        ["direction_id", "section", "number", "title", "deadline", "responsible",
         "planned_result", "ord"],
        ["id", "direction_id", "number", "title", "ord"],
    ),
    TableSpec("event_indicators.csv", "event_indicator", ["event_id", "indicator_id"], [],
              ["event_id", "indicator_id"]),
    TableSpec("settings.csv", "setting", ["key"], ["value", "description"], ["key", "value"]),
    TableSpec("recommendation_rules.csv", "recommendation_rule", ["trigger", "key"], ["text"],
              ["trigger", "key", "text"]),
    # ВПР: primary score → mark per subject, grade and school year (they change between years).
    TableSpec("vpr_scales.csv", "vpr_scale", ["subject", "grade", "period", "mark"],
              ["min_score", "max_score", "test_max"],
              ["subject", "grade", "period", "mark", "min_score", "max_score", "test_max"]),
]
# What a recommendation rule answers (recommendation_rules.csv, column «trigger»).
RULE_TRIGGERS = ("level", "stage", "indicator", "persistent", "no_data", "evidence", "objectivity")

# Which rows may not be deleted while facts refer to them.
_REFERENCED_BY = {
    "indicator": "SELECT DISTINCT indicator_id FROM assessment",
    "roadmap_event": "SELECT DISTINCT event_id FROM event_status",
    "direction": "SELECT DISTINCT direction_id FROM roadmap_adoption",
}


def catalog_hash(folder: Path = config.CATALOG_DIR) -> str:
    digest = hashlib.sha256()
    for spec in SPECS:
        digest.update(spec.file.encode())
        digest.update((folder / spec.file).read_bytes())
    return digest.hexdigest()


def read_catalog(folder: Path = config.CATALOG_DIR) -> dict[str, pd.DataFrame]:
    """Read and validate every catalog file; raise :class:`CatalogError` on the first problem."""
    frames: dict[str, pd.DataFrame] = {}
    for spec in SPECS:
        path = folder / spec.file
        if not path.exists():
            raise CatalogError(f"Нет файла каталога «{path}».")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame = frame.apply(lambda col: col.str.strip())
        if spec.table == "indicator":
            frame = frame.rename(columns={"code": "id"})
        if spec.table == "roadmap_event" and "id" not in frame:
            frame.insert(0, "id", frame["direction_id"] + ":" + frame["number"])
        missing = [c for c in spec.keys + spec.fields if c not in frame.columns]
        if missing:
            raise CatalogError(f"«{spec.file}»: нет столбцов {', '.join(missing)}.")
        frame = frame.replace({"": None})
        for col in spec.required:
            empty = frame[col].isna()
            if empty.any():
                row = int(empty.idxmax()) + 2
                raise CatalogError(f"«{spec.file}», строка {row}: не заполнен столбец «{col}».")
        dup = frame.duplicated(subset=spec.keys, keep="first")
        if dup.any():
            row = int(dup.idxmax()) + 2
            raise CatalogError(f"«{spec.file}», строка {row}: повторяется ключ «{frame.loc[dup.idxmax(), spec.keys[0]]}».")
        frames[spec.table] = frame[spec.keys + spec.fields]
    _check_references(frames)
    return frames


def _check_references(frames: dict[str, pd.DataFrame]) -> None:
    directions = set(frames["direction"]["id"])
    criteria = set(frames["criterion"]["id"])
    for table, file in (("criterion", "criteria.csv"), ("indicator", "indicators.csv"),
                        ("roadmap_event", "roadmap_events.csv")):
        bad = ~frames[table]["direction_id"].isin(directions)
        if bad.any():
            row = int(bad.idxmax()) + 2
            raise CatalogError(f"«{file}», строка {row}: неизвестное направление "
                               f"«{frames[table].loc[bad.idxmax(), 'direction_id']}».")
    links = frames["event_indicator"]
    for col, known, what in (("event_id", set(frames["roadmap_event"]["id"]), "мероприятия"),
                             ("indicator_id", set(frames["indicator"]["id"]), "показателя")):
        bad = ~links[col].isin(known)
        if bad.any():
            row = int(bad.idxmax()) + 2
            raise CatalogError(f"«event_indicators.csv», строка {row}: неизвестный код {what} "
                               f"«{links.loc[bad.idxmax(), col]}».")
    rules = frames["recommendation_rule"]
    for bad, col, reason in (
        (~rules["trigger"].isin(RULE_TRIGGERS), "trigger", f"должно быть одно из: {', '.join(RULE_TRIGGERS)}"),
        ((rules["trigger"] == "stage") & ~rules["key"].isin(STAGES), "key",
         f"этап должен быть одним из: {', '.join(STAGES)}"),
        ((rules["trigger"] == "objectivity") & ~rules["key"].isin(VPR_SIGN_LABELS), "key",
         f"признак ВПР должен быть одним из: {', '.join(VPR_SIGN_LABELS)}"),
    ):
        if bad.any():
            row = int(bad.idxmax()) + 2
            raise CatalogError(f"«recommendation_rules.csv», строка {row}, столбец «{col}»: {reason} "
                               f"(указано «{rules.loc[bad.idxmax(), col]}»).")
    _check_scales(frames["vpr_scale"])
    ind = frames["indicator"]
    checks = [
        (~ind["criterion_id"].isin(criteria), "criterion_id", "неизвестная группа критериев"),
        (~ind["stage"].isin(STAGES), "stage", f"этап должен быть одним из: {', '.join(STAGES)}"),
        (~ind["level"].isin(UNIT_LEVELS), "level", "уровень должен быть municipality или school"),
        (pd.to_numeric(ind["max_score"], errors="coerce").fillna(0) <= 0, "max_score",
         "максимальный балл должен быть положительным числом"),
    ]
    for bad, col, reason in checks:
        if bad.any():
            row = int(bad.idxmax()) + 2
            raise CatalogError(f"«indicators.csv», строка {row}, столбец «{col}»: {reason} "
                               f"(указано «{ind.loc[bad.idxmax(), col]}»).")


def _check_scales(scales: pd.DataFrame) -> None:
    """Each ВПР scale (subject, grade, year): marks 2…5 whose score ranges run from 0 to the
    test's maximum without a gap or an overlap."""
    file = "«vpr_scales.csv»"
    nums = scales.assign(**{c: pd.to_numeric(scales[c], errors="coerce")
                            for c in ("grade", "period", "mark", "min_score", "max_score", "test_max")})
    for col in ("grade", "period", "mark", "min_score", "max_score", "test_max"):
        bad = nums[col].isna() | (nums[col] < 0)
        if bad.any():
            raise CatalogError(f"{file}, строка {int(bad.idxmax()) + 2}, столбец «{col}»: нужно "
                               f"неотрицательное число (указано «{scales.loc[bad.idxmax(), col]}»).")
    bad = ~nums["mark"].isin([2, 3, 4, 5])
    if bad.any():
        raise CatalogError(f"{file}, строка {int(bad.idxmax()) + 2}, столбец «mark»: отметка должна "
                           f"быть 2, 3, 4 или 5 (указано «{scales.loc[bad.idxmax(), 'mark']}»).")
    for (subject, grade, period), part in nums.groupby(["subject", "grade", "period"], sort=False):
        part = part.sort_values("mark")
        where = f"{file}, шкала «{subject}», {int(grade)} класс, {int(period)} год"
        if sorted(part["mark"]) != [2, 3, 4, 5]:
            raise CatalogError(f"{where}: нужны строки для отметок 2, 3, 4 и 5 (есть "
                               f"{', '.join(str(int(m)) for m in part['mark'])}).")
        if part["test_max"].nunique() != 1:
            raise CatalogError(f"{where}: в строках разный максимальный балл test_max.")
        expected_low = 0.0
        for row, r in part.iterrows():
            if r["min_score"] != expected_low or r["max_score"] < r["min_score"]:
                raise CatalogError(
                    f"{where}, строка {row + 2}: баллы отметки {int(r['mark'])} должны начинаться с "
                    f"{expected_low:g} и не убывать (указано {r['min_score']:g}–{r['max_score']:g}); "
                    "диапазоны идут от 0 до максимального балла без пропусков и наложений.")
            expected_low = r["max_score"] + 1
        if part["max_score"].iloc[-1] != part["test_max"].iloc[0]:
            raise CatalogError(f"{where}: отметка 5 должна заканчиваться на максимальном балле "
                               f"{part['test_max'].iloc[0]:g} (указано {part['max_score'].iloc[-1]:g}).")


def sync_catalog(db: Database, folder: Path = config.CATALOG_DIR, *, force: bool = False) -> bool:
    """Bring the catalog tables in line with the files; return True when anything was loaded."""
    new_hash = catalog_hash(folder)
    old_hash = db.meta("catalog_hash")
    if old_hash == new_hash and not force:
        return False
    frames = read_catalog(folder)
    # A catalog loaded from a municipality's own file (catalog_file.py) is theirs: the shipped
    # directions, criteria and indicators no longer overwrite it.
    own = db.meta("custom_catalog") == "1"
    specs = [s for s in SPECS if not (own and s.table in ("direction", "criterion", "indicator",
                                                          "event_indicator"))]
    with batch(db, CATALOG_ACTOR, "catalog") as b:
        cur = b.cur
        for spec in specs:
            frame = frames[spec.table]
            b.upsert(spec.table, spec.keys, spec.fields, frame, source_file=spec.file)
            key_sql = " || '|' || ".join(spec.keys)  # one text key, composite keys included
            keep = frame[spec.keys].astype(str).agg("|".join, axis=1).tolist()
            cur.register("_keep", pd.DataFrame({"k": keep}, dtype=object))
            guard = _REFERENCED_BY.get(spec.table)
            guard_sql = f" AND {spec.keys[0]} NOT IN ({guard})" if guard else ""
            gone = cur.execute(
                f"SELECT {key_sql} FROM {spec.table} WHERE {key_sql} NOT IN "
                f"(SELECT k FROM _keep){guard_sql}"
            ).fetchall()
            for (key,) in gone:
                b.log(spec.table, str(key), "*", "row", None)
            cur.execute(
                f"DELETE FROM {spec.table} WHERE {key_sql} NOT IN (SELECT k FROM _keep){guard_sql}"
            )
            cur.unregister("_keep")
        b.log("catalog", "hash", "sha256", old_hash, new_hash)
        b.set_meta("catalog_hash", new_hash)
    return True
