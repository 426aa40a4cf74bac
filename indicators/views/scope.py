"""The one value every page view takes: which school year, which place, which schools.

The sidebar (``ui/sidebar.py``) makes one ``Scope`` per run and the page hands it whole to its
views, instead of five loose arguments (period, municipality, schools, levels, direction) that
every view repeated and every caller had to pass in the same order.  It is frozen and hashable
so that it can be a cache key as it is; it knows nothing of Streamlit, so the views, the tests
and the benchmark build one directly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from indicators.words import period_label


@dataclass(frozen=True)
class Scope:
    period: int                          # the school year shown (2024 = 2024/25)
    periods: tuple[int, ...] = ()        # every school year the database holds, oldest first
    region_id: str | None = None         # None: the database holds one region (or none)
    municipality_id: str | None = None   # None: the whole region, its municipalities compared
    municipality_name: str = ""          # the region's name when municipality_id is None
    school_ids: tuple[str, ...] = ()     # empty: all schools
    levels: tuple[str, ...] = ()         # empty: all levels
    direction: str | None = None         # None: all directions
    municipality_count: int = 1          # how many municipalities the region offers

    def __post_init__(self) -> None:
        # Lists (from a widget, from a test) become tuples: the scope stays hashable.
        for name in ("periods", "school_ids", "levels"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def year(self) -> str:
        """The school year as people write it: «2024/25»."""
        return period_label(self.period)

    @property
    def region_wide(self) -> bool:
        """True when no municipality is chosen: the page compares the region's municipalities."""
        return self.municipality_id is None

    def at(self, period: int) -> Scope:
        """The same place and schools in another school year (a page's own year picker)."""
        return replace(self, period=period)

    def municipal(self) -> Scope:
        """The whole municipality: the chosen schools and levels dropped.  For the views whose
        numbers never narrow to the chosen schools (one school's profile, the council, a
        roadmap), so that a new pick of schools doesn't miss their cache."""
        return replace(self, school_ids=(), levels=())
