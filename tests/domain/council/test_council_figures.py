"""The council's figures say what they count, the same way on every slide (issue 14, point 3),
worked out by hand on ``tiny_db`` (tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from indicators.council.content import build
from indicators.council.slides import slides
from indicators.store.upsert import upsert
from tests.staging import staged

NOW = datetime(2025, 8, 20, 14, 30)


def test_the_share_of_high_level_schools_has_one_denominator(tiny_db):
    """2023: the schools expected are sch-a (19/22, high), sch-b (sent nothing) and sch-c
    (4/22, low): 1 of 3 schools is high — on the key-figures slide and on the trend line alike
    (not 1 of the 2 that have a level).  2022: sch-a 11/22 (medium), sch-b insufficient (4 of
    11 values), sch-c not yet open: 0 of 2."""
    c = build(tiny_db, 2023, "mun", NOW)
    fig = c.figures.set_index("key")
    assert fig.loc["high", "value"] == 1 and len(c.schools) == 3
    deck = slides(c, ["key_figures", "trends"])
    high = next(f for f in deck[0].figures if f.label == fig.loc["high", "label"])
    assert high.value == "1 из 3"
    trend = c.trend.set_index("period")["high_share"]
    assert trend[2023] == pytest.approx(1 / 3) and trend[2022] == 0
    line = next(s for s in deck[1].chart.series if s.name.startswith("Доля школ высокого уровня"))
    assert line.name == "Доля школ высокого уровня (из всех школ)"
    assert line.values[1] == pytest.approx(1 / 3)


def test_a_year_with_no_data_has_no_share_of_high_level_schools(tiny_db):
    """2021: only the department sent a value, sch-a and sch-b (open) nothing: the line skips
    the year (no share), it never draws it at 0 %."""
    with staged(tiny_db) as cur:
        upsert(cur, "assessment", ["org_unit_id", "indicator_id", "period"], ["score"],
               pd.DataFrame([dict(org_unit_id="mun", indicator_id="M01", period=2021, score=2)],
                            dtype=object), user="тест", source="test")
    trend = build(tiny_db, 2023, "mun", NOW).trend.set_index("period")["high_share"]
    assert list(trend.index) == [2021, 2022, 2023]
    assert pd.isna(trend[2021]) and trend[2022] == 0 and trend[2023] == pytest.approx(1 / 3)


def test_the_roadmap_figure_names_whose_events_it_counts(tiny_db):
    """The key figure counts the department's own events (the roadmap slide shows the schools'
    beside them): its label says so."""
    c = build(tiny_db, 2024, "mun", NOW)
    label = c.figures.set_index("key").loc["roadmaps", "label"]
    assert label == "Выполнено мероприятий дорожных карт (управление образования)"
