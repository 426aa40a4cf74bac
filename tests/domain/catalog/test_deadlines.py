"""Every deadline string of the five documents, read by hand into its due date.

The strings come from data/catalog/roadmap_events.csv, which test_catalog_seeds.py checks against
the seed documents themselves; this test fails if a new string appears that nobody has read.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators.config import CATALOG_DIR
from indicators.catalog.deadlines import parse_deadline

# text → (kind, due in school year 2022/23 for a roadmap ending in 2023)
EXPECTED = {
    "2022 г.": ("dated", date(2022, 12, 31)),
    "Август 2022г.": ("dated", date(2022, 8, 31)),
    "Август 2023": ("dated", date(2023, 8, 31)),
    "Август, сентябрь 2022г.": ("dated", date(2022, 9, 30)),
    "В течение периода": ("period", None),            # the roadmap ends 31.12.2023: after 2022/23
    "В течение планового периода": ("period", None),
    "В течение учебного года": ("within_year", date(2023, 8, 31)),
    "Ежегодно": ("annual", date(2023, 8, 31)),
    "Май-март 2023": ("dated", date(2023, 3, 31)),    # May 2022 – March 2023
    "На постоянной основе в течение планового периода": ("period", None),
    "На постоянной основе по графику проведения": ("unparsed", None),
    "Ноябрь 2022г.": ("dated", date(2022, 11, 30)),
    "Октябрь 2022г.": ("dated", date(2022, 10, 31)),
    "Плановый период": ("period", None),
    "По графику проведения": ("unparsed", None),
    "По запросу": ("unparsed", None),
    "По плану МОСК": ("unparsed", None),
    "По плану УО": ("unparsed", None),
    "Регулярно в течение планового периода": ("period", None),
    "Сентябрь 2023": ("dated", None),                 # falls in 2023/24
    "Сентябрь – апрель 2021 г.": ("dated", date(2021, 4, 30)),
    "Сентябрь- декабрь": ("within_year", date(2022, 12, 31)),
    "август-сентябрь 2021 г.": ("dated", date(2021, 9, 30)),
    "в соответствии с графиком проведения НИКО": ("unparsed", None),
    "в соответствии с графиком проведения международных исследований": ("unparsed", None),
    "ежегодно": ("annual", date(2023, 8, 31)),
    "ежегодно (август)": ("annual", date(2023, 8, 31)),
    "ежегодно (в соответствии с планом-графиком)": ("unparsed", None),
    "ежегодно (декабрь)": ("annual", date(2022, 12, 31)),
    "ежегодно (июнь)": ("annual", date(2023, 6, 30)),
    "ежегодно (сентябрь)": ("annual", date(2022, 9, 30)),
    "июль-август 2021 г.": ("dated", date(2021, 8, 31)),
    "июль-август, 2021 г.": ("dated", date(2021, 8, 31)),
    "июнь, 2021 г.": ("dated", date(2021, 6, 30)),
    "июнь-июль 2021 г.": ("dated", date(2021, 7, 31)),
    "по мере необходимости": ("unparsed", None),
    "по мере проведения контрольно-оценочных процедур.": ("unparsed", None),
}


def test_every_deadline_of_the_documents_has_been_read():
    events = pd.read_csv(CATALOG_DIR / "roadmap_events.csv", dtype=str, keep_default_na=False)
    assert set(events["deadline"]) == set(EXPECTED)


@pytest.mark.parametrize("text", sorted(EXPECTED))
def test_deadline(text):
    kind, due = EXPECTED[text]
    deadline = parse_deadline(text)
    assert deadline.kind == kind
    assert deadline.due(2022, roadmap_end=2023) == due
    assert deadline.parsed == (kind != "unparsed")
    assert deadline.describe()


def test_a_period_deadline_falls_due_when_the_roadmap_ends():
    d = parse_deadline("В течение планового периода")
    assert d.due(2023, roadmap_end=2023) == date(2023, 12, 31)
    assert d.due(2023, roadmap_end=None) is None


def test_an_annual_deadline_recurs_every_school_year():
    d = parse_deadline("ежегодно (декабрь)")
    assert [d.due(p) for p in (2020, 2021)] == [date(2020, 12, 31), date(2021, 12, 31)]
