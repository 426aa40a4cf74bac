"""The measures of DESIGN.md, in SQL: compliance and levels, change and the status × change grid,
the management cycle, one indicator across schools, roadmap execution, recommendation rules."""
