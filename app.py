"""Entry point: page setup and navigation.  Each page starts with ``ui.page_start()``, which
draws the shared filters (defined once, in ui.py) inside the page's own run.

Known trap: on a cold server several sessions run this script at once, each in its own
thread, and concurrent first imports of pandas can deadlock-break into "partially initialized
module 'pandas' has no attribute …".  So the heavy imports happen once, behind a process-wide
lock (kept on the ``sys`` module, the one object every script thread already shares), before
any page runs.
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

pages = [st.Page(path, title=title, icon=icon, url_path=url, default=(n == 0))
         for n, (path, title, icon, url) in enumerate(ui.PAGES)]
st.navigation(pages, position="hidden").run()
