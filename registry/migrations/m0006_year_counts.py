"""Each load's counts for the province summary, made once per load (issue 21).

The summary by commune counts, for one review year, each commune's live households by
category, standard and movement from the household's earlier review years, with their
persons and deprivations, and the households deprived in each indicator. Worked out from
``household_years`` at every summary, the movements took a join of the province's rows of
that year with those of the year before and a grouping of all earlier years: 2.9 of the
summary's 3.4 s at 300,000 households (its hash table spilled to disk), more when the
machine is busy. A load's rows never change once written, so its counts are made when it
is loaded (``registry.load.rows_of``, in the package's own transaction) into two small
tables, about 60 rows a load; the summary adds up those of the communes' current loads.

``year_counts``: per load, review year, category, standard and the movement's inputs (the
category in the load's review year before this one, NULL when the household was on no list
then or there is none; whether it was poor, near-poor in any review year before that), the
households, their persons and their deprivations. The movement itself stays Python's
(``forms.transitions.transition``), one rule for the commune, the upper level and the
province. ``year_deprivations``: per load, review year, category and indicator, the
households deprived in it.

This step makes them for the loads already there (current and superseded: history stays
whole) from ``household_years`` and ``rounds``; ``tests/registry/test_load.py`` holds the
loader's rows equal to these.
"""

SQL = """
CREATE TABLE year_counts (
    province_code text NOT NULL,
    commune_code text NOT NULL,
    load_id bigint NOT NULL,
    year integer NOT NULL,
    category text NOT NULL,
    standard_id text NOT NULL,
    previous_category text,
    earlier_poor boolean NOT NULL,
    earlier_near_poor boolean NOT NULL,
    households integer NOT NULL,
    persons integer NOT NULL,
    deprivations integer NOT NULL
);
CREATE INDEX year_counts_load ON year_counts (province_code, load_id, year);

CREATE TABLE year_deprivations (
    province_code text NOT NULL,
    commune_code text NOT NULL,
    load_id bigint NOT NULL,
    year integer NOT NULL,
    category text NOT NULL,
    indicator text NOT NULL,
    households integer NOT NULL,
    PRIMARY KEY (province_code, load_id, year, category, indicator)
);

INSERT INTO year_counts
WITH review AS (
    SELECT DISTINCT province_code, load_id, year FROM rounds WHERE kind = 'periodic'
), prev AS (
    SELECT province_code, load_id, year,
        lag(year) OVER (PARTITION BY province_code, load_id ORDER BY year) AS previous
    FROM review
), earlier AS (
    SELECT hy.province_code, hy.load_id, hy.household_id, hy.year,
        bool_or(e.category = 'poor') AS poor, bool_or(e.category = 'near_poor') AS near_poor
    FROM household_years hy
    JOIN prev ON prev.province_code = hy.province_code AND prev.load_id = hy.load_id
        AND prev.year = hy.year
    JOIN household_years e ON e.province_code = hy.province_code AND e.load_id = hy.load_id
        AND e.household_id = hy.household_id AND e.year < prev.previous
    GROUP BY 1, 2, 3, 4
)
SELECT hy.province_code, hy.commune_code, hy.load_id, hy.year, hy.category, hy.standard_id,
    before.category, coalesce(earlier.poor, false), coalesce(earlier.near_poor, false),
    count(*), sum(hy.size), sum(hy.deprivation_count)
FROM household_years hy
LEFT JOIN prev ON prev.province_code = hy.province_code AND prev.load_id = hy.load_id
    AND prev.year = hy.year
LEFT JOIN household_years before ON before.province_code = hy.province_code
    AND before.load_id = hy.load_id AND before.household_id = hy.household_id
    AND before.year = prev.previous
LEFT JOIN earlier ON earlier.province_code = hy.province_code
    AND earlier.load_id = hy.load_id AND earlier.household_id = hy.household_id
    AND earlier.year = hy.year
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

INSERT INTO year_deprivations
SELECT hy.province_code, hy.commune_code, hy.load_id, hy.year, hy.category, d.indicator,
    count(*)
FROM household_years hy CROSS JOIN LATERAL unnest(hy.deprived) AS d(indicator)
GROUP BY 1, 2, 3, 4, 5, 6;
"""
