"""The list all year round (issue 24): applications, support delivered, cadre assignments.

- ``applications``: a household's request to be reviewed (Mẫu số 01 for the periodic review,
  Mẫu số 04 in the year, or to be recognised as escaped): date, who submitted it, what it
  asks, its status, the round that reviews it and that round's decision.
- ``support_records``: a support the household received (kind from
  ``forms/data/support_kinds.toml``), when, from which programme, by whom, an amount for
  loans.
- ``cadre_assignments``: the commune cadre or village head responsible for a household or a
  whole village (seed 002: one for each village and household); one live row per target.

Rows have UUID ids, stamps and a ``deleted`` tombstone like households, so packages can carry
and merge them later. ``IF NOT EXISTS``: steps run in the order of ``STEPS``, whatever their
file number, and number 9 was reserved for other work when this landed.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS applications (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    kind TEXT NOT NULL CHECK (kind IN ('periodic_review', 'regular_review', 'escape')),
    submitted_on TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    request TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'in_review', 'decided', 'withdrawn')),
    round_id TEXT REFERENCES rounds (id),
    decision_id TEXT REFERENCES decisions (id),
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS applications_household ON applications (household_id);
CREATE INDEX IF NOT EXISTS applications_status ON applications (status, submitted_on);
CREATE TABLE IF NOT EXISTS support_records (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id),
    kind TEXT NOT NULL,
    given_on TEXT NOT NULL,
    programme TEXT NOT NULL DEFAULT '',
    given_by TEXT NOT NULL DEFAULT '',
    amount INTEGER CHECK (amount IS NULL OR amount >= 0),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS support_household ON support_records (household_id, given_on);
CREATE INDEX IF NOT EXISTS support_given_on ON support_records (given_on);
CREATE TABLE IF NOT EXISTS cadre_assignments (
    id TEXT PRIMARY KEY,
    household_id TEXT REFERENCES households (id),
    village TEXT,
    cadre_name TEXT NOT NULL,
    cadre_role TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_device TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    CHECK ((household_id IS NULL) <> (village IS NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS cadre_for_household ON cadre_assignments (household_id)
    WHERE deleted = 0 AND household_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS cadre_for_village ON cadre_assignments (village)
    WHERE deleted = 0 AND village IS NOT NULL;
CREATE INDEX IF NOT EXISTS cadre_by_name ON cadre_assignments (cadre_name)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements  # the package imports this module

    run_statements(conn, SCHEMA)
