"""Each load's movements counted again, each earlier round as its meeting and its decision
left it, as the commune counts them (``forms.transitions.history_before``).

Migration 7 read every earlier result as it was proposed: a household the previous review's
meeting sent back moved from the category the meeting refused (the commune: not determined
until voted again, so "chưa xác định"), and a monthly round never decided, or whose meeting
sent the household back, still told whether it had been poor. Now the previous periodic
review's category is "undetermined" for a household its meeting sent back, and the earlier
rounds that say whether it was ever poor or near-poor are the periodic reviews, and the
monthly rounds that were decided, each for the households their meetings did not send back.
``tests/registry/test_lists_in_force.py`` holds the loader's rows equal to these.
"""

SQL = """
DELETE FROM year_counts;

INSERT INTO year_counts
WITH ordered AS (
    SELECT province_code, load_id, round_id, kind, decided_on, sent_back,
        row_number() OVER (PARTITION BY province_code, load_id
                           ORDER BY year, coalesce(started_at, '') COLLATE "C") AS n,
        year
    FROM rounds
), review AS (
    SELECT province_code, load_id, year, max(n) AS n
    FROM ordered WHERE kind = 'periodic' GROUP BY 1, 2, 3
), compared AS (
    SELECT r.province_code, r.load_id, r.year, p.round_id AS previous_round, p.n AS previous_n,
        p.sent_back AS previous_sent_back
    FROM review r
    LEFT JOIN LATERAL (
        SELECT o.round_id, o.n, o.sent_back FROM ordered o
        WHERE o.province_code = r.province_code AND o.load_id = r.load_id
            AND o.kind = 'periodic' AND o.n < r.n
        ORDER BY o.n DESC LIMIT 1
    ) p ON true
), inputs AS (
    SELECT hy.province_code, hy.load_id, hy.household_id, hy.year,
        (SELECT CASE WHEN b.household_id = ANY(c.previous_sent_back) THEN 'undetermined'
                ELSE b.category END
         FROM results b
         WHERE b.province_code = hy.province_code AND b.load_id = hy.load_id
             AND b.household_id = hy.household_id AND b.round_id = c.previous_round
        ) AS previous_category,
        EXISTS (
            SELECT 1 FROM results e JOIN ordered eo ON eo.province_code = e.province_code
                AND eo.load_id = e.load_id AND eo.round_id = e.round_id
            WHERE e.province_code = hy.province_code AND e.load_id = hy.load_id
                AND e.household_id = hy.household_id AND eo.n < c.previous_n
                AND e.category = 'poor' AND NOT e.household_id = ANY(eo.sent_back)
                AND (eo.kind = 'periodic' OR eo.decided_on IS NOT NULL)
        ) AS earlier_poor,
        EXISTS (
            SELECT 1 FROM results e JOIN ordered eo ON eo.province_code = e.province_code
                AND eo.load_id = e.load_id AND eo.round_id = e.round_id
            WHERE e.province_code = hy.province_code AND e.load_id = hy.load_id
                AND e.household_id = hy.household_id AND eo.n < c.previous_n
                AND e.category = 'near_poor' AND NOT e.household_id = ANY(eo.sent_back)
                AND (eo.kind = 'periodic' OR eo.decided_on IS NOT NULL)
        ) AS earlier_near_poor
    FROM household_years hy
    JOIN compared c ON c.province_code = hy.province_code AND c.load_id = hy.load_id
        AND c.year = hy.year
)
SELECT hy.province_code, hy.commune_code, hy.load_id, hy.year, hy.category, hy.standard_id,
    i.previous_category, coalesce(i.earlier_poor, false), coalesce(i.earlier_near_poor, false),
    count(*), sum(hy.size), sum(hy.deprivation_count)
FROM household_years hy
LEFT JOIN inputs i ON i.province_code = hy.province_code AND i.load_id = hy.load_id
    AND i.household_id = hy.household_id AND i.year = hy.year
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
"""
