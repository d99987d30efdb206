"""Certificate numbers arriving in a package that disagree with this file (issue 15 item 2).

A package carries the certificate numbers of its households (``docs/exchange-format.md``).
When one disagrees with the commune file — the household already holds another number here
(``two_numbers``), or the number belongs to another household here (``number_taken``) — the
file's number stays and the disagreement waits here for the officer, never overwritten
silently. ``UNIQUE`` makes importing the same package twice write nothing.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS certificate_conflicts (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds (id),
    household_id TEXT NOT NULL REFERENCES households (id),
    kind TEXT NOT NULL CHECK (kind IN ('two_numbers', 'number_taken')),
    incoming_number INTEGER NOT NULL CHECK (incoming_number > 0),
    local_number INTEGER,
    other_household_id TEXT,
    incoming_device TEXT NOT NULL,
    incoming_assigned_at TEXT NOT NULL,
    package_id TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT CHECK (resolution IN ('keep_mine', 'take_theirs')),
    resolved_by TEXT,
    UNIQUE (round_id, household_id, incoming_number)
)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements  # the package imports this module

    run_statements(conn, SCHEMA)
