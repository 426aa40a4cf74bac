-- The August council: the rule table that drafts targeted recommendations (a catalog file),
-- the recommendations the specialist edits and approves per school and year, and frozen
-- snapshots of the council's numbers ("данные на 20.08.2025") that a later edit can't shift.

CREATE TABLE recommendation_rule (
    trigger VARCHAR NOT NULL,   -- level, stage, indicator, persistent, no_data, evidence
    key     VARCHAR NOT NULL,   -- the level, stage or indicator code the text answers
    text    VARCHAR NOT NULL,
    PRIMARY KEY (trigger, key)
);

CREATE TABLE recommendation (
    org_unit_id VARCHAR NOT NULL,
    period      INTEGER NOT NULL,
    basis       VARCHAR,            -- why the school needs support, as drafted
    text        VARCHAR NOT NULL,   -- the recommendations, one per line
    status      VARCHAR NOT NULL CHECK (status IN ('draft', 'approved')),
    approved_by VARCHAR,
    approved_at TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by  VARCHAR NOT NULL,
    PRIMARY KEY (org_unit_id, period)
);

CREATE SEQUENCE council_snapshot_seq START 1;
CREATE TABLE council_snapshot (
    id              BIGINT PRIMARY KEY DEFAULT nextval('council_snapshot_seq'),
    municipality_id VARCHAR NOT NULL,
    period          INTEGER NOT NULL,
    taken_at        TIMESTAMP NOT NULL,
    taken_by        VARCHAR NOT NULL,
    payload         BLOB NOT NULL    -- the council's tables as Parquet in a zip
);
