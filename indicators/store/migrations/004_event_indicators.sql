-- Which roadmap events produce the evidence of which indicator (a catalog file), and a short
-- name for each roadmap to show beside an indicator.
CREATE TABLE event_indicator (
    event_id     VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL,
    PRIMARY KEY (event_id, indicator_id)
);
ALTER TABLE direction ADD COLUMN short_title VARCHAR;
