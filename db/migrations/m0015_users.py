"""Users of a shared laptop and their roles (issue 20 item 2, ``db.users``).

A file with no row here is a single-user file, as before. The password is stored as
``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` so that every row carries its own salt and
cost, and a later cost can be read beside an older one. A user is disabled, never deleted:
the audit log names them.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE users (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('surveyor', 'officer', 'viewer')),
    villages TEXT NOT NULL DEFAULT '[]',
    password TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    password_set_at TEXT NOT NULL,
    password_set_by TEXT NOT NULL,
    disabled_at TEXT,
    disabled_by TEXT
)
"""


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(SCHEMA)
