"""Streamlit pieces every page shares, one module per role; a page imports ``ui`` and calls
``ui.<piece>`` without knowing which module holds it.

Kept next to ``app.py`` (not in ``indicators/``, which never imports Streamlit) so that pages
stay thin: take the scope, ask a view for its data, lay it out.  The modules, each importing
only the ones above it:

* ``frame`` — the database handle, the view and figure caches, the data version, the moves
  between pages;
* ``auth`` — who is at the screen: the local user of ``make run`` or a signed-in user, the
  sign-in page, session expiry, what the user may see;
* ``blocks`` — what a page is laid out with: metrics, a chart with its table, tables, the lists
  behind a count, an import plan, the notices about the data;
* ``presentation`` — a council slide, the deck, the projector mode;
* ``sidebar`` — the run's :class:`~indicators.views.scope.Scope` and the pickers bound to the URL;
* ``editors`` — in-place edits of scores, event statuses and recommendations;
* ``chrome`` — Streamlit's own words on screen, in Russian where a stylesheet can.
"""

from ui.chrome import russian_chrome  # noqa: F401
from ui.frame import (  # noqa: F401
    SCHOOL_PAGE, bands, cached, choose_indicator, data_version, database, follow_school_link,
    open_municipality, open_school, read_data_version, thresholds, view,
)
from ui.auth import account_box, gate, reach, serving_locally  # noqa: F401
from ui.auth import actor as user  # noqa: F401  (who writes: the signed-in user)
from ui.blocks import (  # noqa: F401
    chart, confirm_and_apply, demo_notice, event_table, file_uploader, find_school, indicator_table, link_columns, metric, no_data_notice,
    report_failure, school_list, show_issues, show_plan, table, table_block, table_height, xlsx_name,
)
from ui.presentation import (  # noqa: F401
    SCREENS, council_deck, council_slide, present, presentation_choices, presenting,
    start_presentation,
)
from ui.sidebar import (  # noqa: F401
    app_frame, open_municipality_picker, pick_indicator, pick_school, scope, stale_value,
)
from ui.editors import (  # noqa: F401
    due_date_editor, event_editor, indicator_editor, recommendation_editor, recommendation_text,
)
