"""The households lose their index by time of change, ``households_updated_at (updated_at)``.

Every save of a household sets ``updated_at``, so every save moved the household's entry in
this index: the entry deleted from the leaf holding the old time and added to the last one,
2.2 of the 10.6 pages a note edit wrote at 10,000 households, each encrypted and
authenticated in an encrypted file (issue 20: about 25 µs of CPU a page there; the
encrypted save's CPU over the plain one's 1.18x -> 1.10x without it, docs/benchmarks.md).

What read it, by SQLite's own plans at 10,000 households (docs/benchmarks.md):

- the household list sorted by "Ngày cập nhật" (``ORDER BY h.updated_at, h.code``): never;
  SQLite walks ``households_live_code`` and sorts, with the index or without it (11 / 8 ms);
- the purge's list of deleted households (``ORDER BY h.updated_at DESC``): it walked the
  whole index, looking up every household's row for ``deleted = 1``; now a scan of the rows
  (a few ms, a rare officer's screen);
- an export of what changed since a date (``updated_at >= ?``): a range of the index, now a
  scan of the households' rows, 0 -> 9 ms when nothing changed, the same 26 ms when all did,
  before the package is written (seconds).

So the index cost every save two pages and served a rare export a few milliseconds. The
rows keep ``updated_at`` as before; nothing else changes.
"""

from __future__ import annotations

import sqlite3


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("DROP INDEX households_updated_at")
