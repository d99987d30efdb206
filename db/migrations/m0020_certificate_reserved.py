"""Certificate numbers held for households this file has no row of (session 27).

A package carries the number another laptop gave, and maybe printed and handed to the
family, for a household this file does not hold: a new household waiting in a code conflict
(its code taken here by another family; written only once the officer decides), or one the
sending laptop deleted that never reached this file. ``certificate_numbers`` keys a number
by household, its foreign key needing the household's row, so such numbers were skipped and
this file gave them to the next household to join its list. Here they wait, without a
foreign key on the household, until the household arrives (``db.certificate_reserve``
moves them into ``certificate_numbers``, or raises a conflict); a family left out keeps its
number here for good. ``certificates.highest`` counts them, so no number here is ever
handed out again, and packages carry them on (``docs/exchange-format.md``).

The key is the whole entry: two packages giving one absent household two numbers, or one
number to two absent households, keep both, for the officer to see once they arrive.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE certificate_reserved (
    round_id TEXT NOT NULL REFERENCES rounds (id),
    household_id TEXT NOT NULL,
    code TEXT NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    assigned_at TEXT NOT NULL,
    assigned_device TEXT NOT NULL,
    package_id TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (round_id, household_id, number)
)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements  # the package imports this module

    run_statements(conn, SCHEMA)
