"""Each load's movements counted from the periodic reviews, as the commune counts them.

``year_counts`` (migration 6) held each household's movement inputs from the lists in force
of the review year before: the periodic review's categories updated by the monthly rounds
decided since. A household that left the poor list by a March decision and was poor again in
the autumn review came out "phát sinh mới" (the March exit hid that it had ever been poor)
where the commune's own lists and movement table say "nghèo cũ". The inputs are now the
commune's (``forms.transitions.history_before``, ``db.exchange.upper_level.movement_inputs``):
the household's category in the previous periodic review (NULL when it was not classified
there, or there is none), and whether it was poor, near-poor in any round before that
(monthly rounds included). A household's category in the year itself is still the lists in
force (``household_years``).

This step makes them again for the loads already there (current and superseded) from
``household_years``, ``results`` and ``rounds``; ``tests/registry/test_summary.py`` holds the
loader's rows equal to these. Rounds are ordered as the commune file orders them: year, then
start.
"""

SQL = """
DELETE FROM year_counts;

INSERT INTO year_counts
WITH ordered AS (
    SELECT province_code, load_id, round_id, kind,
        row_number() OVER (PARTITION BY province_code, load_id
                           ORDER BY year, coalesce(started_at, '') COLLATE "C") AS n,
        year
    FROM rounds
), review AS (
    SELECT province_code, load_id, year, max(n) AS n
    FROM ordered WHERE kind = 'periodic' GROUP BY 1, 2, 3
), compared AS (
    SELECT r.province_code, r.load_id, r.year, p.round_id AS previous_round, p.n AS previous_n
    FROM review r
    LEFT JOIN LATERAL (
        SELECT o.round_id, o.n FROM ordered o
        WHERE o.province_code = r.province_code AND o.load_id = r.load_id
            AND o.kind = 'periodic' AND o.n < r.n
        ORDER BY o.n DESC LIMIT 1
    ) p ON true
), inputs AS (
    SELECT hy.province_code, hy.load_id, hy.household_id, hy.year,
        (SELECT b.category FROM results b
         WHERE b.province_code = hy.province_code AND b.load_id = hy.load_id
             AND b.household_id = hy.household_id AND b.round_id = c.previous_round
        ) AS previous_category,
        EXISTS (
            SELECT 1 FROM results e JOIN ordered eo ON eo.province_code = e.province_code
                AND eo.load_id = e.load_id AND eo.round_id = e.round_id
            WHERE e.province_code = hy.province_code AND e.load_id = hy.load_id
                AND e.household_id = hy.household_id AND eo.n < c.previous_n
                AND e.category = 'poor'
        ) AS earlier_poor,
        EXISTS (
            SELECT 1 FROM results e JOIN ordered eo ON eo.province_code = e.province_code
                AND eo.load_id = e.load_id AND eo.round_id = e.round_id
            WHERE e.province_code = hy.province_code AND e.load_id = hy.load_id
                AND e.household_id = hy.household_id AND eo.n < c.previous_n
                AND e.category = 'near_poor'
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
