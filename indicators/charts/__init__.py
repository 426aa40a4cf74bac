"""Chart builders: pure functions from a DataFrame to a Plotly figure, testable without Streamlit.

One module per page; ``base`` holds the palette, number formats and layout they share.  Each
chart comes with a ``*_table`` function giving the same numbers as a table with Russian headers.
"""

from indicators.charts.base import LEVEL_COLORS, STATUS_COLORS, is_missing, percent, points  # noqa: F401
from indicators.charts.by_indicator import (  # noqa: F401
    ranking_bars,
    ranking_table,
    status_matrix,
    status_matrix_table,
    status_share_bars,
    status_share_table,
    weakest_schools,
)
from indicators.charts.objectivity import (  # noqa: F401
    cohort_bars,
    cohort_table,
    index_trend,
    index_trend_table,
    journal_scatter,
    journal_scatter_table,
    score_histogram,
    score_histogram_table,
    signs_matrix,
    signs_matrix_table,
    two_years_table,
)
from indicators.charts.overview import compliance_bars, compliance_table, criteria_heatmap, heatmap_table  # noqa: F401
from indicators.charts.region import municipality_bars, municipality_table  # noqa: F401
from indicators.charts.roadmap import (  # noqa: F401
    school_execution,
    school_execution_table,
    section_tables,
    timeline,
    timeline_table,
    with_parties,
)
from indicators.charts.school import (  # noqa: F401
    criteria_compare,
    criteria_compare_table,
    cycle_strip,
    history_bars,
    history_table,
    stages_table,
)
from indicators.charts.trends import (  # noqa: F401
    MOVERS,
    RATING_COLORS,
    movers_bars,
    movers_table,
    placement_table,
    status_change_grid,
    trend_lines,
    trend_table,
)
