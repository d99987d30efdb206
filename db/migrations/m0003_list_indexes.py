"""Covering indexes for the household list at 100,000 households.

Category counts and filters read only (round, category, household, transition) from results
and (id, deleted, village) from households; with these indexes they never touch the wide
rows (JSON documents), which made them take seconds on a district-size file.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
DROP INDEX results_round_category;
CREATE INDEX results_round_category_cover ON results (round_id, category, household_id, transition);
CREATE INDEX households_id_cover ON households (id, deleted, village)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements

    run_statements(conn, SCHEMA)
