"""What each page shows, assembled from the measures: one module per page, no Streamlit.

Pages call these through ``ui.view(name, …)``, a cache keyed by the data version, and only lay
the result out, so the numbers a test reads from a page are the numbers computed here.
"""

from ..batches import change_log, last_import  # noqa: F401
from ..batches import submissions as submission_status  # noqa: F401
from ..recommendations import recommendations  # noqa: F401
from ..roadmaps import roadmap  # noqa: F401
from .common import (  # noqa: F401
    available_periods,
    database_flags,
    directions,
    municipalities,
    regions,
    roadmaps,
    school_scope,
    schools,
    unit_indicators,
)
from .council import (  # noqa: F401
    council_content,
    council_snapshots,
    school_recommendation,
)
from .indicators import indicator_choices, indicator_ranking, indicator_view  # noqa: F401
from .overview import overview  # noqa: F401
from .region import region_overview  # noqa: F401
from .school import school_profile  # noqa: F401
from .trends import region_trends, trends  # noqa: F401
