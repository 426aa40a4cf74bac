"""What each page shows, assembled from the measures: one module per page, no Streamlit.

A page takes the view function itself from its module (``from indicators.views.overview import
overview``) and calls it through ``ui.view(overview, scope)``, a cache keyed by the function,
the database, its data version and the arguments; the page only lays the result out, so the
numbers a test reads from a page are the numbers computed here.  Every page view takes the
sidebar's :class:`~indicators.views.scope.Scope` whole, then its own choices (a school, an
indicator) as further arguments.  Nothing is re-exported here: no view is looked up by name.
"""
