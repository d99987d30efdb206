"""The audit log's index by household tells which of the household's rows still point at a
document: ``audit_household (household_id, id)`` becomes ``audit_household (household_id,
new_in_row, tbl)``.

The m0005/m0006 triggers run at every change of a household's or a member's document (every
save that changes a household) and look for the insert rows still pointing at it:
``household_id = ? AND tbl = ? AND row_id = ? AND new_in_row = 1``. Through (household_id, id)
they read every audit row of the household from the table to test the other three columns:
rows written at different times, 2-4 table pages a save at 10 rows a household and more as its
history grows, each read from disk and, in an encrypted file, decrypted and authenticated: more
than half of the pages a note edit read at 10,000 households (issue 20, docs/benchmarks.md).
Through the new index they reach only the household's rows of that table still pointing at
their documents: a household's insert row no more once its document was first copied, so the
household trigger reads one index page (the one the save's own audit row is then added to) and
no table page.

Same entries, each a few bytes longer (``tbl``); one index as before, so a merge writes about
as many pages (1-2 % more at 10 x 500 households), where a second, partial index would have cost
10-20 % (measured, docs/benchmarks.md). The triggers are unchanged: the planner takes the index
for their three equalities. Readers of one household's rows in id order sort its few dozen rows
themselves.
"""

from __future__ import annotations

import sqlite3

INDEX = "CREATE INDEX audit_household ON audit (household_id, new_in_row, tbl)"


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("DROP INDEX audit_household")
    conn.execute(INDEX)
