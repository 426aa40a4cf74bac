"""Roadmap deadlines as the documents write them, turned into due dates where the text allows.

The five documents say «ежегодно (август)», «июнь-июль 2021 г.», «Сентябрь – апрель 2021 г.»,
«В течение учебного года», «Май-март 2023», «По графику проведения»…  Each text is read into
one of these kinds:

* ``annual``: every school year, by the end of the month named (or of the school year);
* ``dated``: once, by the end of the last month named in a given year;
* ``within_year``: every school year, by the end of a span of months with no year given;
* ``period``: by the end of the roadmap (its last calendar year);
* ``unparsed``: a schedule that is not in the text («по графику», «по запросу») — shown as
  written and listed for the specialist to set a date; never guessed.

A school year ``p`` runs from 1 September ``p`` to 31 August ``p + 1``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
    "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
MONTH_NAMES = ("", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
               "сентябрь", "октябрь", "ноябрь", "декабрь")
_MONTH_WORD = re.compile(r"(январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяе]\w*|июн\w*|июл\w*|август\w*|"
                         r"сентябр\w*|октябр\w*|ноябр\w*|декабр\w*)")
_YEAR = re.compile(r"(20\d{2})")
_PERIOD = ("в течение периода", "в течение планового периода", "плановый период",
           "на постоянной основе в течение планового периода",
           "регулярно в течение планового периода")
_SCHEDULED = ("по графику", "в соответствии с графиком", "по запросу", "по плану",
              "по мере", "планом-графиком")


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str                 # annual, dated, within_year, period, unparsed
    month: int | None = None  # the month it is due by (annual, dated, within_year)
    year: int | None = None   # the calendar year (dated)

    @property
    def parsed(self) -> bool:
        return self.kind != "unparsed"

    def describe(self) -> str:
        """In words, for the page: how the text was understood."""
        if self.kind == "annual":
            return (f"ежегодно, до конца месяца «{MONTH_NAMES[self.month]}»" if self.month
                    else "ежегодно, до конца учебного года")
        if self.kind == "dated":
            return f"до конца месяца «{MONTH_NAMES[self.month]}» {self.year} г."
        if self.kind == "within_year":
            return (f"каждый учебный год, до конца месяца «{MONTH_NAMES[self.month]}»"
                    if self.month else "каждый учебный год, до его конца")
        if self.kind == "period":
            return "до конца срока дорожной карты"
        return "срок не указан: нужна дата"

    def due(self, period: int, roadmap_end: int | None = None) -> date | None:
        """When the event is due in school year ``period`` (None: not due that year, or not
        known)."""
        if self.kind in ("annual", "within_year"):
            month = self.month or 8
            return _month_end(period if month >= 9 else period + 1, month)
        if self.kind == "dated":
            due = _month_end(self.year, self.month)
            return due if due <= date(period + 1, 8, 31) else None
        if self.kind == "period" and roadmap_end is not None:
            due = date(roadmap_end, 12, 31)
            return due if due <= date(period + 1, 8, 31) else None
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(text: str) -> list[int]:
    found = []
    for word in _MONTH_WORD.findall(text):
        for stem, number in MONTHS.items():
            if word.startswith(stem) and (stem != "ма" or word[:3] in ("май", "мая", "мае")):
                found.append(number)
                break
    return found


def parse_deadline(text: str | None) -> Deadline:
    raw = (text or "").strip()
    low = re.sub(r"\s+", " ", raw.lower().replace("ё", "е")).strip(" .")
    if not low:
        return Deadline(raw, "unparsed")
    if any(mark in low for mark in _SCHEDULED):
        return Deadline(raw, "unparsed")  # the date is in someone else's schedule
    if low in _PERIOD:
        return Deadline(raw, "period")
    months = _months(low)
    years = [int(y) for y in _YEAR.findall(low)]
    if low.startswith("ежегодно"):
        return Deadline(raw, "annual", months[-1] if months else None)
    if low == "в течение учебного года":
        return Deadline(raw, "within_year")
    if years and months:
        return Deadline(raw, "dated", months[-1], years[-1])
    if years and not months:
        return Deadline(raw, "dated", 12, years[-1])  # «2022 г.»: by the end of that year
    if months:
        return Deadline(raw, "within_year", months[-1])
    return Deadline(raw, "unparsed")
