"""The cache keys of ui.view and ui.cached: a view's frame is known by its view's key, a plain
value by itself — never by whichever view last returned an equal-looking object."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ui import frame


@dataclass(frozen=True)
class _Part:
    table: pd.DataFrame


def test_a_none_a_view_returned_is_still_just_none():
    frame._remember(None, "views.council.school_recommendation|db|5|school-a")
    frame._remember(7, "views.x|db|5|")
    assert frame._text((None, 7, "a")) == "tuple(NoneType:None,int:7,str:'a')"


def test_a_views_frame_is_keyed_by_the_view_and_a_derived_frame_by_its_content():
    part = _Part(pd.DataFrame({"a": [1, 2]}))
    frame._remember(part, "views.y|db|5|k")
    assert frame._text(part.table) == "view:views.y|db|5|k.table"
    derived = part.table[part.table["a"] > 1]
    same = pd.DataFrame({"a": [2]}, index=[1])
    assert frame._text(derived).startswith("frame:") and frame._text(derived) == frame._text(same)
    assert frame._text(derived) != frame._text(pd.DataFrame({"a": [3]}, index=[1]))
