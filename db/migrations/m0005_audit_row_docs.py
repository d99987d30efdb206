"""An insert's audit row may point at the row's own document instead of holding a copy.

Until now the audit row of every household and member insert held the whole JSON document,
the same text as the row itself: a third of a district-size file (311 of 798 MB after
merging 100,000 households) and a third of a merge's writes. From this step on such an
audit row may leave ``new`` empty and set ``new_in_row`` = 1: its new value is the row's
``doc`` as it still stands. Nothing becomes unrecoverable, because the row's document can
only change through SQL that fires the triggers below: before a document first changes (or
the row goes), the trigger copies the old document into every audit row still pointing at
it. Audit rows written before this step keep their copies.

A later step that rebuilds ``households`` or ``members`` (new table, copy, rename) drops
these triggers with the old table and must create them again.
"""

from __future__ import annotations

import sqlite3

COLUMN = (
    "ALTER TABLE audit ADD COLUMN new_in_row INTEGER NOT NULL DEFAULT 0"
    " CHECK (new_in_row IN (0, 1))"
)

# One UPDATE through the audit_row index (tbl, row_id) per changed document; the audit rows
# pointing at a row are its insert rows only, so the copy happens once per row.
_KEEP = (
    "UPDATE audit SET new = old.doc, new_in_row = 0"
    " WHERE tbl = '{table}' AND row_id = old.id AND new_in_row = 1"
)

TRIGGERS = [
    f"CREATE TRIGGER {table}_doc_kept_for_audit BEFORE UPDATE OF doc ON {table}"
    f" WHEN old.doc IS NOT new.doc BEGIN {_KEEP.format(table=table)}; END"
    for table in ("households", "members")
] + [
    f"CREATE TRIGGER {table}_deleted_doc_kept_for_audit BEFORE DELETE ON {table}"
    f" BEGIN {_KEEP.format(table=table)}; END"
    for table in ("households", "members")
]


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(COLUMN)
    # One by one: a trigger's body has semicolons of its own (run_statements splits on them).
    for statement in TRIGGERS:
        conn.execute(statement)
