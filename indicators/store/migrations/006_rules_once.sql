-- Two rules every measure, view, template and generator shares, written once in SQL.
--
-- applicable_indicator(unit_ids, periods): the indicators each unit is expected to have in each
-- school year: the indicators of the unit's level (school or municipality) in force that year
-- (first_period .. last_period), for the years the unit is open (opened_period .. closed_period).
CREATE MACRO applicable_indicator(unit_ids, periods) AS TABLE
    SELECT u.id AS org_unit_id, p.period, i.id AS indicator_id
    FROM (SELECT DISTINCT unnest(unit_ids) AS id) s
    JOIN org_unit u ON u.id = s.id
    JOIN indicator i ON i.level = u.kind
    JOIN (SELECT DISTINCT unnest(periods) AS period) p
      ON p.period >= i.first_period AND (i.last_period IS NULL OR p.period <= i.last_period)
    WHERE (u.opened_period IS NULL OR p.period >= u.opened_period)
      AND (u.closed_period IS NULL OR p.period < u.closed_period);

-- set_status(expected, assessed, evidenced, score_sum, max_sum): how a set of values stands
-- (one value, an indicator's values, a criterion, a stage of the cycle): not applicable when
-- none is expected, no data when none was assessed, not met when none scored above zero, met
-- when every value is in at its maximum, partial otherwise.
CREATE MACRO set_status(expected, assessed, evidenced, score_sum, max_sum) AS
    CASE WHEN expected = 0 THEN 'not_applicable'
         WHEN assessed = 0 THEN 'no_data'
         WHEN evidenced = 0 THEN 'not_met'
         WHEN assessed = expected AND score_sum = max_sum THEN 'met'
         ELSE 'partial' END;

-- value_status(score, max_score, not_applicable): one value, read as a set of one.
CREATE MACRO value_status(score, max_score, na) AS
    set_status(CASE WHEN coalesce(na, FALSE) THEN 0 ELSE 1 END,
               CASE WHEN coalesce(na, FALSE) OR score IS NULL THEN 0 ELSE 1 END,
               CASE WHEN coalesce(na, FALSE) OR coalesce(score, 0) <= 0 THEN 0 ELSE 1 END,
               score, max_score);
