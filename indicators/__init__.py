"""Domain package of the quality-management dashboard: data model, measures, charts, I/O.

It imports no Streamlit, so everything here runs and is tested without a browser, and doubles
as the command line ``python -m indicators``.
"""
