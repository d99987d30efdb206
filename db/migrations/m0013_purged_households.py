"""Purged households keep a tombstone of their own (issue 20 item 4).

A household deleted and then purged ("Xoá hẳn dữ liệu cá nhân") loses everything personal:
its document, members, answers, results, votes, complaints, applications, support records
and the old/new values of its audit rows (``db.purge``). What stays is this row — who purged
which household code of which village, when and why — and the ``households`` row reduced to
its id, code and village, so that its revisions still join a package's history and a package
bringing it back is refused (``db.exchange.merge``) instead of adding it again.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE purged_households (
    id TEXT PRIMARY KEY REFERENCES households (id),
    code TEXT NOT NULL,
    village TEXT NOT NULL,
    purged_at TEXT NOT NULL,
    purged_by TEXT NOT NULL,
    purged_device TEXT NOT NULL,
    reason TEXT NOT NULL
)
"""


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(SCHEMA)
