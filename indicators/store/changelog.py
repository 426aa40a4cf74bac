"""Reading the change log back: every changed field with who, when, old → new, source, file
and row, filtered for the Журнал page, with Russian words for codes.
"""

from __future__ import annotations

import pandas as pd

from indicators.store.database import Database
from indicators.words import ENTITY_LABELS, EVENT_STATUS_LABELS, FIELD_LABELS, SOURCE_LABELS

# -- the change log ----------------------------------------------------------------------------

def change_log(db: Database, unit_id: str | None = None, period: int | None = None,
               user: str | None = None, source: str | None = None, limit: int = 2000,
               within: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Latest changes first, filtered; entity keys are split into organisation and year.
    ``within`` keeps the lines about those units only (what a department or a school may read)."""
    return db.read(
        """
        SELECT c.changed_at, c.user_name, c.source, c.entity, c.entity_key, c.field, c.old_value,
               c.new_value, c.source_file, c.source_row, c.batch_id
        FROM change_log c
        WHERE ($unit IS NULL OR list_contains(string_split(c.entity_key, '|'), $unit))
          AND ($period IS NULL OR split_part(c.entity_key, '|', -1) = CAST($period AS VARCHAR))
          AND ($user IS NULL OR c.user_name = $user)
          AND ($source IS NULL OR c.source = $source)
          AND ($within IS NULL OR list_has_any(string_split(c.entity_key, '|'), $within))
        ORDER BY c.id DESC LIMIT $limit
        """,
        {"unit": unit_id, "period": period, "user": user, "source": source, "limit": limit,
         "within": None if within is None else list(within)},
    )


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
        "Запись": frame["entity_key"].str.replace("|", " · ", regex=False),
        "Поле": frame["field"].map(lambda f: FIELD_LABELS.get(f, f)),
        "Было": frame["old_value"].map(_value),
        "Стало": frame["new_value"].map(_value),
        "Файл": frame["source_file"],
        "Строка": frame["source_row"].astype("Int64"),
    })

