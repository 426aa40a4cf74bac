"""What each page shows, assembled from the measures: one module per page, no Streamlit.

Pages call these through ``ui.view(name, …)``, a cache keyed by the data version, and only lay
the result out, so the numbers a test reads from a page are the numbers computed here.
"""

from .common import available_periods, directions, municipalities, schools, unit_indicators  # noqa: F401
from .overview import overview  # noqa: F401
from .school import school_profile  # noqa: F401
