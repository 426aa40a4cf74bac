"""Entry point: page setup, the menu, the shared filters, then the chosen page.

The filters are drawn here, in the entry script, not in each page: Streamlit keeps the values
(and their URL parameters) of widgets that the entry script draws when the user moves from
page to page, so a year or a set of schools chosen on one page holds on the next, and a copied
link opens the same view.  The sidebar makes one ``Scope`` of them per run (``ui/sidebar.py``)
and every page hands it whole to its views.

The list of pages is declared here, the one place that says what the app offers.  The pages
live in ``app_pages/``, not ``pages/``: a folder named ``pages`` beside this script makes
Streamlit fall back to its old multipage mode, which runs a page without this script (no
filters, no page config) whenever a session starts on it, until some session has called
``st.navigation``.

Known trap: on a cold server several sessions run this script at once, each in its own
thread, and concurrent first imports of pandas can break into "partially initialized module
'pandas' has no attribute …".  So the heavy imports happen once, behind a process-wide lock
(kept on the ``sys`` module, the one object every script thread already shares), before any
page runs.
"""

import sys
import threading

with sys.__dict__.setdefault("_quality_import_lock", threading.Lock()):
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import pyarrow  # noqa: F401

    import ui  # noqa: F401  (pulls in indicators and its database driver)

import streamlit as st

st.set_page_config(
    page_title="Качество управления образованием",
    page_icon=":material/insights:",
    layout="wide",
)
ui.russian_chrome()  # Streamlit's own English words: in Russian where a stylesheet can (ui/chrome.py)
ui.read_data_version()  # once a run, first: every cache of the run, sign-in's too, keys on it
ui.gate()  # the local user of `make run`, or a signed-in one; else the sign-in page, and stop

# The app's pages, in menu order: (file, title, icon, URL path).  The Indicators page's file is
# by_indicator.py (like its view and charts modules); its URL stays /indicators.
PAGES = [
    ("app_pages/overview.py", "Обзор", ":material/dashboard:", "overview"),
    (ui.SCHOOL_PAGE, "Школа", ":material/school:", "school"),
    ("app_pages/by_indicator.py", "Показатели", ":material/checklist:", "indicators"),
    ("app_pages/objectivity.py", "Объективность", ":material/fact_check:", "objectivity"),
    ("app_pages/trends.py", "Динамика", ":material/trending_up:", "trends"),
    ("app_pages/roadmap.py", "Дорожная карта", ":material/route:", "roadmap"),
    ("app_pages/council.py", "Педсовет", ":material/co_present:", "council"),
    ("app_pages/data.py", "Данные", ":material/upload_file:", "data"),
    ("app_pages/log.py", "Журнал изменений", ":material/history:", "log"),
]
# The council is the department's talk: a school's operator works with its own school's pages.
shown = [p for p in PAGES if not (ui.user().role == "school_editor" and p[3] == "council")]
pages = [st.Page(path, title=title, icon=icon, url_path="" if n == 0 else url, default=(n == 0))
         for n, (path, title, icon, url) in enumerate(shown)]


def overview_address() -> None:
    """/overview leads to the Overview, which Streamlit serves at «/» only (the default page
    has no address of its own: /overview said «Page not found» in English).  The link's
    filters hold: the sidebar has read them, and its bound parameters come back."""
    st.switch_page(pages[0], query_params={})


page = st.navigation([*pages, st.Page(overview_address, title="Обзор", url_path="overview",
                                      visibility="hidden")])
if page.url_path != "council":  # the presentation mode belongs to the council page
    st.session_state["presenting"] = False
ui.follow_school_link()
ui.app_frame()
try:
    page.run()
except Exception:  # never a traceback on screen: the message, and the details in the server log
    ui.report_failure()
