"""Reading the change log back: every changed field with who, when, old → new, source, file
and row, filtered for the Журнал page, with Russian words for codes.
"""

from __future__ import annotations

import re

import pandas as pd

from indicators.store.database import Database
from indicators.words import ENTITY_LABELS, EVENT_STATUS_LABELS, FIELD_LABELS, SOURCE_LABELS, VPR_SUBJECTS, period_label

# -- the change log ----------------------------------------------------------------------------

def change_log(db: Database, unit_id: str | None = None, period: int | None = None,
               user: str | None = None, source: str | None = None, limit: int = 2000,
               within: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Latest changes first, filtered; entity keys are split into organisation and year.
    ``within`` keeps the lines about those units only (what a department or a school may read)."""
    frame = db.read(
        """
        SELECT c.changed_at, c.user_name, c.source, c.entity, c.entity_key, c.field, c.old_value,
               c.new_value, c.source_file, c.source_row, c.batch_id
        FROM change_log c
        WHERE ($unit IS NULL OR list_contains(string_split(c.entity_key, '|'), $unit))
          AND ($period IS NULL OR split_part(c.entity_key, '|',
                   CASE WHEN list_contains($year_second, c.entity) THEN 2 ELSE -1 END) = CAST($period AS VARCHAR))
          AND ($user IS NULL OR c.user_name = $user)
          AND ($source IS NULL OR c.source = $source)
          AND ($within IS NULL OR list_has_any(string_split(c.entity_key, '|'), $within))
        ORDER BY c.id DESC LIMIT $limit
        """,
        {"unit": unit_id, "period": period, "user": user, "source": source, "limit": limit,
         "within": None if within is None else list(within), "year_second": sorted(YEAR_SECOND)},
    )
    return frame.assign(record=_records(db, frame["entity"], frame["entity_key"]))


# The ВПР rows are keyed unit | school year | subject | grade (| participant): the year second,
# where every other key ends with it.
YEAR_SECOND = frozenset({"vpr_participant", "vpr_school_report"})


_YEAR = re.compile(r"(?:19|20)\d\d")


def _records(db: Database, entities: pd.Series, keys: pd.Series) -> list[str]:
    """What each line is about, as a person names it: «СОШ № 6 · S01 · 2024/25» for the key
    ``sosh-6|S01|2024`` — a unit by its short name, a roadmap event as «Губаха 1.2», the school
    year (the key's last part) as «2024/25»; codes a person reads (S01, M11) stay."""
    parts = {p for key in keys.dropna() for p in str(key).split("|")}
    names: dict[str, str] = {}
    if parts:
        names = dict(db.rows("SELECT id, short_name FROM org_unit WHERE list_contains(?, id)",
                             [sorted(parts)]))
        names |= dict(db.rows(
            "SELECT e.id, coalesce(d.short_title, d.id) || ' ' || e.number FROM roadmap_event e "
            "JOIN direction d ON d.id = e.direction_id WHERE list_contains(?, e.id)", [sorted(parts)]))
        names |= dict(db.rows("SELECT id, coalesce(short_title, title) FROM direction "
                              "WHERE list_contains(?, id)", [sorted(parts)]))
        names |= dict(db.rows("SELECT id, title FROM criterion WHERE list_contains(?, id)",
                              [sorted(parts)]))

    def record(entity: object, key: object) -> str:
        if not isinstance(key, str) or not key:
            return "—"
        words = key.split("|")
        if entity in YEAR_SECOND:  # unit · year · subject · grade (· participant)
            shown = [names.get(words[0], words[0])]
            shown += [period_label(int(words[1])) if len(words) > 1 and _YEAR.fullmatch(words[1]) else ""]
            shown += [VPR_SUBJECTS.get(w, w) if n == 2 else f"{w} кл." if n == 3 else f"участник {w}"
                      for n, w in enumerate(words) if n >= 2]
            return " · ".join(w for w in shown if w)
        last = len(words) - 1
        return " · ".join(period_label(int(p)) if n == last and n and _YEAR.fullmatch(p)
                          else names.get(p, p) for n, p in enumerate(words))
    return [record(e, k) for e, k in zip(entities, keys)]


_VALUE_WORDS = {"true": "да", "false": "нет", **EVENT_STATUS_LABELS, **{
    "received": "получено", "accepted": "принято"}}


def _value(text: object) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return "—"
    text = str(text)
    if text in _VALUE_WORDS:
        return _VALUE_WORDS[text]
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


def log_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The change log with Russian headers and words."""
    return pd.DataFrame({
        "Когда": frame["changed_at"].dt.strftime("%d.%m.%Y %H:%M:%S"),
        "Кто": frame["user_name"],
        "Источник": frame["source"].map(lambda s: SOURCE_LABELS.get(s, s)),
        "Что": frame["entity"].map(lambda s: ENTITY_LABELS.get(s, s)),
        "Запись": frame["record"] if "record" in frame else frame["entity_key"].str.replace("|", " · ", regex=False),
        "Поле": frame["field"].map(lambda f: FIELD_LABELS.get(f, f)),
        "Было": frame["old_value"].map(_value),
        "Стало": frame["new_value"].map(_value),
        "Файл": frame["source_file"].fillna("—"),
        "Строка": frame["source_row"].astype("Int64"),
    })

