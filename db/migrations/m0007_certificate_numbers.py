"""Certificate numbers, assigned once per commune and round (``db/certificates.py``).

A certificate's "Số: 0109/GCN-HN.HCN" used to be the household's place in whatever batch was
printed: 0001 in its village's batch, 0109 in the commune's. A number handed to a family must
be the same on every reprint, so it is stored the first time it is given and never reused
within the round.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE certificate_numbers (
    round_id TEXT NOT NULL REFERENCES rounds (id),
    household_id TEXT NOT NULL REFERENCES households (id),
    number INTEGER NOT NULL CHECK (number > 0),
    assigned_at TEXT NOT NULL,
    assigned_device TEXT NOT NULL,
    PRIMARY KEY (round_id, household_id),
    UNIQUE (round_id, number)
)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements  # the package imports this module

    run_statements(conn, SCHEMA)
