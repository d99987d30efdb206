"""What a round's standard rests on, and the province's own standard files (issue 18).

``round_basis``: the standard the officer chose for a round, the one the app proposed for
that year, and the instruction the choice follows (number and date of the province's or the
ministry's text). In the transition year a province may order the end-of-2026 review under
the 2027–2030 standard, as in 2021; the file must say on whose word.

``province_standards``: a province standard or B1 threshold file loaded in Thiết lập, kept
whole (the TOML text) so the commune file carries it to every laptop and every later check
reads the same values; ``standard_id`` is the standard it stands for (its ``id`` or ``base``).

``low_income_applications``: Decree 30/2025/NĐ-CP low-income workers are identified when
they apply: one row per application of a member in a round (date, declared monthly income,
outcome). Reserved here so correction 7 needs no migration of its own.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE round_basis (
    round_id TEXT PRIMARY KEY REFERENCES rounds (id),
    standard_id TEXT NOT NULL,
    proposed_standard_id TEXT NOT NULL,
    instruction_number TEXT NOT NULL DEFAULT '',
    instruction_date TEXT,
    chosen_at TEXT NOT NULL,
    chosen_by TEXT NOT NULL,
    chosen_device TEXT NOT NULL
);
CREATE TABLE province_standards (
    standard_id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL,
    loaded_device TEXT NOT NULL
);
CREATE TABLE low_income_applications (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds (id),
    household_id TEXT NOT NULL REFERENCES households (id),
    member_id TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    declared_income INTEGER CHECK (declared_income IS NULL OR declared_income >= 0),
    outcome TEXT NOT NULL DEFAULT 'pending'
        CHECK (outcome IN ('pending', 'accepted', 'refused')),
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_device TEXT NOT NULL
);
CREATE INDEX low_income_applications_round ON low_income_applications (round_id, household_id)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements  # the package imports this module

    run_statements(conn, SCHEMA)
