"""What each page shows, assembled from the measures: one module per page, no Streamlit.

Pages call these through ``ui.view(name, …)``, a cache keyed by the data version, and only lay
the result out, so the numbers a test reads from a page are the numbers computed here.
"""

from indicators.store.changelog import change_log
from indicators.exchange.edits import last_import  # noqa: F401
from indicators.exchange.edits import submissions as submission_status  # noqa: F401
from indicators.measures.recommendations import recommendations  # noqa: F401
from indicators.measures.roadmap import roadmap  # noqa: F401
from indicators.views.common import available_periods, database_flags, directions, municipalities, regions, roadmaps, school_scope, schools, unit_indicators  # noqa: F401
from indicators.views.council import council_content, council_snapshots, school_recommendation  # noqa: F401
from indicators.views.by_indicator import indicator_choices, indicator_ranking, indicator_view  # noqa: F401
from indicators.views.overview import overview  # noqa: F401
from indicators.views.region import region_overview  # noqa: F401
from indicators.views.school import school_profile  # noqa: F401
from indicators.views.trends import region_trends, trends  # noqa: F401
