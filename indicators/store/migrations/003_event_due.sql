-- A due date the specialist sets for a roadmap event whose deadline text gives none
-- («по графику проведения», «по запросу»), per unit's school year; the text is never guessed.
CREATE TABLE event_due (
    event_id   VARCHAR NOT NULL,
    period     INTEGER NOT NULL,
    due_on     DATE NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by VARCHAR NOT NULL,
    PRIMARY KEY (event_id, period)
);
