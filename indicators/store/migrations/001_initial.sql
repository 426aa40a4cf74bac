-- The domain model of DESIGN.md.  Foreign keys are not declared: DuckDB implements an update
-- of a referenced row as delete + insert and refuses it, which would make the idempotent
-- catalog reload impossible.  Integrity is kept by the writers (indicators/writes.py) and
-- checked by the tests.

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
INSERT INTO meta VALUES ('data_version', '0');

CREATE TABLE setting (
    key         VARCHAR PRIMARY KEY,
    value       DOUBLE NOT NULL,
    description VARCHAR
);

-- region -> municipality -> school.  The municipal education department is the
-- municipality unit itself: municipal-level indicators are assessed on it.
CREATE TABLE org_unit (
    id            VARCHAR PRIMARY KEY,
    parent_id     VARCHAR,
    kind          VARCHAR NOT NULL CHECK (kind IN ('region', 'municipality', 'school')),
    name          VARCHAR NOT NULL,
    short_name    VARCHAR NOT NULL,
    school_type   VARCHAR,
    website       VARCHAR,
    opened_period INTEGER,            -- first school year it exists (NULL: always)
    closed_period INTEGER,            -- first school year it no longer exists (NULL: open)
    ord           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE direction (
    id           VARCHAR PRIMARY KEY,
    title        VARCHAR NOT NULL,
    authority    VARCHAR,
    doc_kind     VARCHAR,
    order_number VARCHAR,
    order_date   DATE,
    period_from  INTEGER,
    period_to    INTEGER,
    source_file  VARCHAR,
    scope        VARCHAR
);

CREATE TABLE criterion (
    id           VARCHAR PRIMARY KEY,
    direction_id VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    ord          INTEGER NOT NULL
);

CREATE TABLE indicator (
    id              VARCHAR PRIMARY KEY,          -- the code, e.g. M05 / S05
    direction_id    VARCHAR NOT NULL,
    criterion_id    VARCHAR NOT NULL,
    number          INTEGER NOT NULL,
    stage           VARCHAR NOT NULL CHECK (stage IN ('goal', 'monitoring', 'analysis',
                        'recommendations', 'measures', 'decisions', 'effectiveness')),
    level           VARCHAR NOT NULL CHECK (level IN ('municipality', 'school')),
    title           VARCHAR NOT NULL,
    evidence_source VARCHAR,
    max_score       DOUBLE NOT NULL CHECK (max_score > 0),
    first_period    INTEGER NOT NULL,
    last_period     INTEGER,
    ord             INTEGER NOT NULL
);

-- The fact table.  No row = no data; score 0 = not met; not_applicable = excluded.
CREATE TABLE assessment (
    org_unit_id    VARCHAR NOT NULL,
    indicator_id   VARCHAR NOT NULL,
    period         INTEGER NOT NULL,
    score          DOUBLE,
    not_applicable BOOLEAN NOT NULL DEFAULT FALSE,
    evidence_url   VARCHAR,
    comment        VARCHAR,
    updated_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by     VARCHAR NOT NULL,
    PRIMARY KEY (org_unit_id, indicator_id, period),
    CHECK (not_applicable OR score IS NOT NULL),
    CHECK (score IS NULL OR score >= 0)
);

CREATE TABLE submission (
    org_unit_id VARCHAR NOT NULL,
    period      INTEGER NOT NULL,
    status      VARCHAR NOT NULL CHECK (status IN ('received', 'accepted')),
    received_at TIMESTAMP,
    accepted_by VARCHAR,
    accepted_at TIMESTAMP,
    PRIMARY KEY (org_unit_id, period)
);

CREATE TABLE roadmap_event (
    id             VARCHAR PRIMARY KEY,            -- direction_id ':' number
    direction_id   VARCHAR NOT NULL,
    section        VARCHAR,
    number         VARCHAR NOT NULL,
    title          VARCHAR NOT NULL,
    deadline       VARCHAR,
    responsible    VARCHAR,
    planned_result VARCHAR,
    ord            INTEGER NOT NULL
);

CREATE TABLE event_status (
    event_id     VARCHAR NOT NULL,
    org_unit_id  VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('done', 'in_progress', 'not_done', 'not_due')),
    evidence_url VARCHAR,
    done_on      DATE,
    comment      VARCHAR,
    updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by   VARCHAR NOT NULL,
    PRIMARY KEY (event_id, org_unit_id, period)
);

CREATE SEQUENCE change_log_seq START 1;
CREATE TABLE change_log (
    id          BIGINT PRIMARY KEY DEFAULT nextval('change_log_seq'),
    changed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    user_name   VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,     -- demo, catalog, import, edit, cli …
    entity      VARCHAR NOT NULL,     -- table name
    entity_key  VARCHAR NOT NULL,     -- e.g. 'school-01|S05|2024'
    field       VARCHAR NOT NULL,
    old_value   VARCHAR,
    new_value   VARCHAR,
    source_file VARCHAR,
    source_row  INTEGER
);

CREATE INDEX assessment_period_idx ON assessment (period);
CREATE INDEX org_unit_parent_idx ON org_unit (parent_id);
