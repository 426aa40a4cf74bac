-- The compliance summary: what every page sums, kept by the write door in the same transaction
-- as the values it sums (store/summary.py), so that a page reads a municipality's few hundred
-- rows instead of joining its facts on every new school or year.
--
-- One row per unit, school year and group of indicators (direction, criterion, cycle stage) for
-- every unit that has indicators in force that year, for every school year from the first to
-- the last that holds any assessment.  The counts are those of measures.facts.AGG_COLUMNS over
-- the expected values (not applicable ones left out): a group's compliance is
-- score_sum / max_sum, its completeness assessed / expected, and any coarser grouping is a sum.
-- No key and no index: the door deletes and reinserts a unit's year in one transaction, which
-- DuckDB's indexes make fragile; whole years go in sorted by year and unit, so the zone maps
-- find a year or a unit's year.  Filled on upgrade by summary.rebuild (database.MIGRATION_STEPS).
CREATE TABLE compliance_summary (
    org_unit_id  VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    direction_id VARCHAR NOT NULL,
    criterion_id VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    expected     INTEGER NOT NULL,   -- indicators in force, not marked not applicable
    assessed     INTEGER NOT NULL,   -- of them, with a score
    score_sum    DOUBLE,             -- Σ score over the assessed
    max_sum      DOUBLE,             -- Σ max_score over the assessed
    evidenced    INTEGER NOT NULL,   -- of them, scored above zero
    linked       INTEGER NOT NULL    -- of the evidenced, with an http(s) document link
);
