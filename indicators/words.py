"""The measures of DESIGN.md, computed in SQL in one place.

Definitions (the tests work them out by hand on a tiny fixture):

* *expected* values of a unit for a period: the indicators of the unit's level that are in
  force that period (``first_period``/``last_period``), while the unit is open, minus the ones
  marked not applicable;
* *compliance* = Σ score / Σ max_score over the expected values that were assessed;
* *completeness* = assessed / expected.  A missing value is "no data", never a zero;
* *level*: ``no_data`` when nothing was assessed, ``insufficient`` when completeness is below
  the threshold, else ``high`` / ``medium`` / ``low`` by the compliance thresholds;
* *change*: compliance minus the compliance of the previous school year (NULL if either is
  missing);
* a *stage* of the management cycle is ``present`` (all its values at maximum), ``partial``
  (some evidence), ``missing`` (assessed, no evidence at all) or ``no_data``; the *cycle break*
  is the first stage, in cycle order, that is missing or has no data;
* a *persistent gap* is an indicator scored 0 this year and the year before.
"""

from __future__ import annotations





LEVELS = ("high", "medium", "low", "insufficient", "no_data")
LEVEL_LABELS = {
    "high": "Высокий",
    "medium": "Средний",
    "low": "Низкий",
    "insufficient": "Недостаточно данных",
    "no_data": "Нет данных",
}
STAGE_STATUS_LABELS = {
    "present": "есть",
    "partial": "частично",
    "missing": "нет",
    "no_data": "нет данных",
    "not_applicable": "не применяется",
}


def period_label(period: int) -> str:
    """2024 -> '2024/25': a period is a school year stored as its first calendar year."""
    return f"{period}/{(period + 1) % 100:02d}"


