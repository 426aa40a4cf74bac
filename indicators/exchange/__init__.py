"""Files in and out: the schools' Excel template, reading, checking and applying what comes
back (and in-place edits, which take the same checks), the Excel export, the catalog file."""
