"""The lists in force (issue 21, after issue 24): ``household_years`` holds each live
household's category in the lists after each year's periodic review, updated by the monthly
rounds decided since, as Tổng hợp nhiều xã counts a package
(``db.exchange.upper_level.lists_in_force``): a household the periodic round's meeting sent
back is not yet determined, one a monthly round's meeting sent back keeps the category it
had, and an ad-hoc round counts only once decided. The loader writes those rows; rounds now
keep what the package says of them: their decision's date and the households their meeting
sent back.

Loads made before this step carry no decisions or sent-back lists (the registry did not keep
them), so their rows become the periodic rounds' results: the rows picked from an ad-hoc
round are replaced by the year's latest periodic round's. The commune's next package brings
the lists in force.
"""

SQL = """
ALTER TABLE rounds ADD COLUMN IF NOT EXISTS decided_on text,
    ADD COLUMN IF NOT EXISTS sent_back text[] NOT NULL DEFAULT '{}';

DELETE FROM household_years hy USING rounds ro
WHERE ro.province_code = hy.province_code AND ro.load_id = hy.load_id
    AND ro.round_id = hy.round_id AND ro.kind <> 'periodic';

INSERT INTO household_years (province_code, commune_code, load_id, household_id, year,
    round_id, standard_id, category, deprivation_count, deprived, size)
SELECT DISTINCT ON (r.province_code, r.load_id, r.household_id, r.year)
    r.province_code, r.commune_code, r.load_id, r.household_id, r.year, r.round_id,
    r.standard_id, r.category, r.deprivation_count, r.deprived, h.size
FROM results r
JOIN rounds ro ON ro.province_code = r.province_code AND ro.load_id = r.load_id
     AND ro.round_id = r.round_id AND ro.kind = 'periodic'
JOIN households h ON h.province_code = r.province_code AND h.load_id = r.load_id
     AND h.household_id = r.household_id AND NOT h.deleted
WHERE NOT EXISTS (
    SELECT 1 FROM household_years x WHERE x.province_code = r.province_code
        AND x.load_id = r.load_id AND x.household_id = r.household_id AND x.year = r.year)
ORDER BY r.province_code, r.load_id, r.household_id, r.year, ro.started_at DESC NULLS LAST,
    r.round_id DESC;
"""
