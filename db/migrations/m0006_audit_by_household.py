"""The audit log loses its index by row, ``audit_row (tbl, row_id)``.

Its one regular reader was the m0005 triggers, looking up the insert rows that point at a
document about to change. They now look them up through ``audit_household (household_id,
id)``: the insert row of a household or a member carries the household's id, and one
household has a few dozen audit rows. The index cost more than it served. Keyed by random
ids, it had nearly every page rewritten by every merged package: 27 of the 116 MB of such
index pages after merging 100,000 households, and about a tenth of the merge's time.
``Store.audit_for_row`` reads the log through the household when it can.

A lookup by household needs the household the insert row was written under, and a member
can move to another household. So moving a member now copies its document into the insert
row, as changing the document does; members moved before this step are copied in here,
once.
"""

from __future__ import annotations

import sqlite3

# Pointing rows whose member has since moved to another household (a move did not copy the
# document before this step).
_MOVED = (
    "UPDATE audit SET new = (SELECT m.doc FROM members m WHERE m.id = audit.row_id),"
    " new_in_row = 0 WHERE tbl = 'members' AND new_in_row = 1 AND household_id IS NOT"
    " (SELECT m.household_id FROM members m WHERE m.id = audit.row_id)"
)

_KEEP = (
    "UPDATE audit SET new = old.doc, new_in_row = 0 WHERE household_id = old.{household}"
    " AND tbl = '{table}' AND row_id = old.id AND new_in_row = 1"
)

# (table, its household column, the columns whose change copies the document in)
_TABLES = (("households", "id", "doc"), ("members", "household_id", "doc, household_id"))

TRIGGERS = [
    f"CREATE TRIGGER {table}_doc_kept_for_audit BEFORE UPDATE OF {columns} ON {table} WHEN "
    + " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
    + f" BEGIN {_KEEP.format(household=household, table=table)}; END"
    for table, household, columns in _TABLES
] + [
    f"CREATE TRIGGER {table}_deleted_doc_kept_for_audit BEFORE DELETE ON {table}"
    f" BEGIN {_KEEP.format(household=household, table=table)}; END"
    for table, household, _columns in _TABLES
]


def apply(conn: sqlite3.Connection) -> None:
    # The copy for moved members goes first, while the old index still serves it.
    conn.execute(_MOVED)
    for name in (
        "households_doc_kept_for_audit",
        "households_deleted_doc_kept_for_audit",
        "members_doc_kept_for_audit",
        "members_deleted_doc_kept_for_audit",
    ):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP INDEX audit_row")
    for statement in TRIGGERS:
        conn.execute(statement)
