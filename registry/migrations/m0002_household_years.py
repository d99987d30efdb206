"""Each live household's category in each year of its load, narrow (issue 21).

The province's questions are about one year: a household's result of that year's latest
round (the round started last; a household missing from a later ad-hoc round keeps its
periodic one). Picking it took a sort of every result of the province and a scan of the
wide ``results`` and ``households`` tables (each row carries its JSON document: 1.4 GB at
300,000 households), five times per summary: 22 s. ``household_years`` holds that pick once
per live household and year, with the household's size, written by the loader in the
package's own transaction (``FILL`` for its load) and here for the loads already there.

Live households only: every question leaves deleted ones out. A commune's household and
person totals (classified or not) are its load's counts (``loads.households``, ``members``,
checked against the records when the package was read).
"""

# One load's rows, from its results and rounds; %(load)s is the load id, or NULL for all.
FILL = """
INSERT INTO household_years (province_code, commune_code, load_id, household_id, year,
    round_id, standard_id, category, deprivation_count, deprived, size)
SELECT DISTINCT ON (r.province_code, r.load_id, r.household_id, r.year)
    r.province_code, r.commune_code, r.load_id, r.household_id, r.year, r.round_id,
    r.standard_id, r.category, r.deprivation_count, r.deprived, h.size
FROM results r
JOIN rounds ro ON ro.province_code = r.province_code AND ro.load_id = r.load_id
     AND ro.round_id = r.round_id
JOIN households h ON h.province_code = r.province_code AND h.load_id = r.load_id
     AND h.household_id = r.household_id AND NOT h.deleted
WHERE (%(load)s::bigint IS NULL OR (r.province_code = %(province)s AND r.load_id = %(load)s))
ORDER BY r.province_code, r.load_id, r.household_id, r.year, ro.started_at DESC NULLS LAST,
    r.round_id DESC
"""

SQL = (
    """
CREATE TABLE household_years (
    province_code text NOT NULL,
    commune_code text NOT NULL,
    load_id bigint NOT NULL,
    household_id text NOT NULL,
    year integer NOT NULL,
    round_id text NOT NULL,
    standard_id text NOT NULL,
    category text NOT NULL,
    deprivation_count integer NOT NULL,
    deprived text[] NOT NULL,
    size integer NOT NULL,
    PRIMARY KEY (province_code, load_id, household_id, year)
);
"""
    + FILL.replace("%(load)s", "NULL").replace("%(province)s", "NULL")
    + ";"
)
