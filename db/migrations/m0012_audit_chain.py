"""The audit log is hash-chained (issue 20 item 3): each row's ``hash`` covers its content and
the previous row's hash (``db.audit``: SHA-256 over a canonical encoding), so a row changed or
removed with another tool than this program breaks the chain at that row.

The rows written before this step are chained here, once, in id order, with the same
encoding ``db.audit.append`` uses from now on (that encoding is part of the file format).
"""

from __future__ import annotations

import sqlite3

_BATCH = 5_000


def apply(conn: sqlite3.Connection) -> None:
    from db.audit import EFFECTIVE_NEW, GENESIS, entry_hash

    conn.execute("ALTER TABLE audit ADD COLUMN hash BLOB")
    prev = GENESIS
    batch: list[tuple[bytes, int]] = []
    rows = conn.execute(
        "SELECT a.id, a.at, a.user, a.device, a.tbl, a.row_id, a.household_id, a.action, a.old,"
        f" {EFFECTIVE_NEW}, a.source FROM audit a ORDER BY a.id"
    ).fetchall()
    for row in rows:
        prev = entry_hash(prev, int(row[0]), row[1:])
        batch.append((prev, int(row[0])))
        if len(batch) >= _BATCH:
            conn.executemany("UPDATE audit SET hash = ? WHERE id = ?", batch)
            batch.clear()
    conn.executemany("UPDATE audit SET hash = ? WHERE id = ?", batch)
