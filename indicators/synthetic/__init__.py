"""Data that is not real: the demo municipality «Заозёрный» and the generated scales that the
benchmark and the region-level pages run on."""
