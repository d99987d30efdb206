"""What merging remembers besides the households' own history (see db/exchange/history.py):

* ``exchange_merge_parents`` — the second parent of a rev made by resolving a conflict;
* ``exchange_conflicts`` — households changed on both sides, waiting for the officer;
* ``exchange_imports`` — one row per imported package with its receipt.

``IF NOT EXISTS``: before this step the merge created these tables itself on first use, so a
file that was merged into already has them.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS exchange_merge_parents (
    rev TEXT PRIMARY KEY,
    merge_parent TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exchange_conflicts (
    id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('both_changed', 'code_taken')),
    package_id TEXT NOT NULL,
    source TEXT NOT NULL,
    local_rev TEXT,
    incoming_rev TEXT NOT NULL,
    incoming TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT CHECK (resolution IN ('keep_mine', 'take_theirs')),
    resolved_by TEXT,
    UNIQUE (household_id, incoming_rev)
);
CREATE INDEX IF NOT EXISTS exchange_conflicts_open ON exchange_conflicts (resolved_at);
CREATE TABLE IF NOT EXISTS exchange_imports (
    package_id TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    source TEXT NOT NULL,
    user TEXT NOT NULL,
    device TEXT NOT NULL,
    receipt TEXT NOT NULL
);
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements

    run_statements(conn, SCHEMA)
