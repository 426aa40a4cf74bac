-- Imports and edits as batches: every change-log line of one import (or one saved edit) carries
-- the batch id, so the last import can be undone exactly, and the same file imported twice is
-- recognised by its content hash.

CREATE SEQUENCE import_batch_seq START 1;
CREATE TABLE import_batch (
    id          BIGINT PRIMARY KEY DEFAULT nextval('import_batch_seq'),
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    user_name   VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,          -- import, edit, undo, lock …
    files       VARCHAR,                   -- file names, '; '-separated
    file_hashes VARCHAR,                   -- sha256 of each file, ','-separated
    new_values  INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    undone_by   BIGINT                     -- the batch that undid this one
);

ALTER TABLE change_log ADD COLUMN batch_id BIGINT;
CREATE INDEX change_log_batch_idx ON change_log (batch_id);
