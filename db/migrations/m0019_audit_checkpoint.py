"""The audit log's checkpoint (issue 22): where the last whole walk of the hash chain ended, so
that a later check of the chain walks only the rows written after it.

A household's history on paper says whether the log is intact; on a district file (970,000
audit rows) walking the whole chain for it was 17 of ``rasoat log --household``'s 25 s
(docs/benchmarks.md). One row at most: the last row the chain was found whole up to
(``row_id``), when the whole log was last walked (``checked_at``, UTC ISO), and a seal binding
both to that row's stored hash (``db.audit.checkpoint``), so that moving the checkpoint with
a tool other than this program, or editing the row it names, is seen and the whole log is
walked again. What the checkpoint leaves unchecked, and what the paper says, is in
``db.audit`` and ``docs/privacy.md``.
"""

from __future__ import annotations

import sqlite3

TABLE = """
CREATE TABLE audit_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    row_id INTEGER NOT NULL,
    checked_at TEXT NOT NULL,
    seal BLOB NOT NULL
)
"""


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(TABLE)
