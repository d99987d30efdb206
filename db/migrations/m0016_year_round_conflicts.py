"""Year-round records merged as households are (issue 24): a version history for
applications, and their conflicts (and cadres') stored for the officer.

- ``year_round_revs``: an application's versions, each named by its ``updated_at`` and
  ``updated_device`` ("<at> <device>": a laptop writes one version at a given millisecond),
  one row per (version, parent). A trigger writes the row whenever a write changes those
  stamps, so every writer (``db.year_round``, a merge, a decision) leaves its history without
  knowing of it. Packages carry it, and a merge takes the package's version without conflict
  when this file's is one of its ancestors (``db.exchange.year_round_part``). The version an
  application was created at is every version's ancestor; rows written before this step get
  that one edge (created → current), the same on every laptop.
- ``year_round_conflicts``: an application changed on both sides, or two cadres assigned to
  the same village or household on two laptops: both rows as JSON, the package and when,
  waiting for the officer's decision (``keep_mine`` / ``take_theirs``) like
  ``exchange_conflicts`` and ``certificate_conflicts``. ``UNIQUE`` makes importing the same
  package twice store nothing. Support records are only ever added or given a tombstone, so
  they cannot conflict.
"""

from __future__ import annotations

import sqlite3

VERSION = "{row}.updated_at || ' ' || {row}.updated_device"

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS year_round_revs ("
    " record_id TEXT NOT NULL,"
    " rev TEXT NOT NULL,"
    " parent_rev TEXT NOT NULL,"
    " PRIMARY KEY (record_id, rev, parent_rev)"
    ") WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS year_round_conflicts ("
    " id TEXT PRIMARY KEY,"
    " tbl TEXT NOT NULL CHECK (tbl IN ('applications', 'cadre_assignments')),"
    " record_id TEXT NOT NULL,"
    " local_id TEXT,"
    " household_id TEXT,"
    " village TEXT,"
    " local TEXT,"
    " incoming TEXT NOT NULL,"
    " incoming_rev TEXT NOT NULL,"
    " package_id TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " resolved_at TEXT,"
    " resolution TEXT CHECK (resolution IN ('keep_mine', 'take_theirs')),"
    " resolved_by TEXT,"
    " UNIQUE (tbl, record_id, incoming_rev)"
    ")",
    "CREATE INDEX IF NOT EXISTS year_round_conflicts_open"
    " ON year_round_conflicts (resolved_at, created_at)",
    # One statement with a body of its own (its semicolon is why these run one by one).
    "CREATE TRIGGER IF NOT EXISTS applications_version AFTER UPDATE OF updated_at,"
    " updated_device ON applications"
    " WHEN new.updated_at IS NOT old.updated_at OR new.updated_device IS NOT old.updated_device"
    " BEGIN INSERT OR IGNORE INTO year_round_revs (record_id, rev, parent_rev)"
    f" VALUES (new.id, {VERSION.format(row='new')}, {VERSION.format(row='old')}); END",
    # The rows already there: their creation is an ancestor of what they are now.
    "INSERT OR IGNORE INTO year_round_revs (record_id, rev, parent_rev)"
    f" SELECT id, {VERSION.format(row='applications')},"
    " created_at || ' ' || created_device FROM applications"
    " WHERE updated_at <> created_at OR updated_device <> created_device",
]


def apply(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        conn.execute(statement)
