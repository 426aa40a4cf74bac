"""The catalog: criteria, indicators, roadmaps and settings shipped as CSV files in
``data/catalog`` and kept in sync with the database, and the roadmaps' deadline texts."""
