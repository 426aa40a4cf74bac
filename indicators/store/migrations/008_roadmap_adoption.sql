-- Which unit runs which roadmap.  A roadmap (a direction with events) is adopted by the
-- authority whose order adopted it, for the school years it covers: a municipality its own plan,
-- a region its regional plan.  A unit is tracked only against the roadmaps it, its municipality
-- or its region adopted (indicators/catalog/adoption.py says which of their events it reports).
-- period_from / period_to are school years (2024 = 2024/25); NULL: the roadmap's own span (the
-- school year before its first calendar year to its last calendar year).  basis: the order by
-- which the unit adopted (or prolonged) it, as written.
CREATE TABLE roadmap_adoption (
    unit_id      VARCHAR NOT NULL,
    direction_id VARCHAR NOT NULL,
    period_from  INTEGER,
    period_to    INTEGER,
    basis        VARCHAR,
    updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by   VARCHAR NOT NULL,
    PRIMARY KEY (unit_id, direction_id),
    CHECK (period_from IS NULL OR period_to IS NULL OR period_from <= period_to)
);

-- unit_roadmap(unit_ids): every roadmap each unit runs — adopted by the unit itself (own) or by
-- its municipality or region — with the school years the adoption covers.  A roadmap adopted
-- both by the unit and by an ancestor gives two rows.
CREATE MACRO unit_roadmap(unit_ids) AS TABLE
    WITH units AS (
        SELECT u.id, u.kind, u.parent_id, p.parent_id AS grand_id
        FROM (SELECT DISTINCT unnest(unit_ids) AS id) s
        JOIN org_unit u ON u.id = s.id
        LEFT JOIN org_unit p ON p.id = u.parent_id
    ),
    chain AS (      -- each unit with itself, its parent and its grandparent (equality joins: fast)
        SELECT id, kind, id AS adopter FROM units
        UNION ALL SELECT id, kind, parent_id FROM units WHERE parent_id IS NOT NULL
        UNION ALL SELECT id, kind, grand_id FROM units WHERE grand_id IS NOT NULL
    )
    SELECT c.id AS unit_id, c.kind AS unit_kind, a.direction_id, a.unit_id AS adopted_by,
           a.unit_id = c.id AS own,
           coalesce(a.period_from, d.period_from - 1) AS year_from,
           coalesce(a.period_to, d.period_to) AS year_to
    FROM chain c
    JOIN roadmap_adoption a ON a.unit_id = c.adopter
    JOIN direction d ON d.id = a.direction_id;

-- A database that recorded roadmap statuses before adoption was data: the municipality whose
-- department or schools reported on a roadmap is taken to have adopted it (a region, on its own).
INSERT INTO roadmap_adoption (unit_id, direction_id, basis, updated_by)
SELECT DISTINCT CASE WHEN u.kind = 'school' THEN u.parent_id ELSE u.id END, e.direction_id,
       'по внесённым статусам мероприятий (до учёта принятия дорожных карт)', 'миграция 008'
FROM event_status s
JOIN org_unit u ON u.id = s.org_unit_id
JOIN roadmap_event e ON e.id = s.event_id
WHERE u.kind <> 'school' OR u.parent_id IS NOT NULL;
