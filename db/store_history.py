"""The Store's history part (``store.history``): what the audit log and the revision chain
say about a household or a row. Reads only; the writes go through ``Store.record_change``
and the households part."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from db.records import AuditEntry

if TYPE_CHECKING:
    from db.store import Store


class History:
    def __init__(self, store: Store) -> None:
        self._store = store

    def for_household(self, household_id: str) -> list[AuditEntry]:
        """Every recorded change of the household, its members, answers, results, votes and
        complaints, oldest first."""
        return self._entries("WHERE household_id = ?", [household_id])

    def for_row(self, table: str, row_id: str) -> list[AuditEntry]:
        """Every recorded change of one row. A household's rows are found through its index;
        other tables' by reading the whole log (no index by row since migration m0006: it
        cost every merge more than these rare lookups gain)."""
        if table == "households":
            return self._entries(
                "WHERE household_id = ? AND tbl = ? AND row_id = ?", [row_id, table, row_id]
            )
        return self._entries("WHERE tbl = ? AND row_id = ?", [table, row_id])

    def _entries(self, where: str, params: list[Any]) -> list[AuditEntry]:
        # An insert row with new_in_row = 1 reads its new value from the row's document,
        # which has not changed since (the m0005/m0006 triggers copy it in before it does).
        return [
            AuditEntry(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                json.loads(r[6]) if r[6] is not None else None,
                json.loads(r[7]) if r[7] is not None else None,
                r[8],
            )
            for r in self._store.conn.execute(
                "SELECT at, user, device, tbl, row_id, action, old, CASE WHEN new_in_row = 0"
                " THEN new WHEN tbl = 'households' THEN (SELECT doc FROM households h"
                " WHERE h.id = a.row_id) ELSE (SELECT doc FROM members m WHERE m.id = a.row_id)"
                " END, source FROM audit a " + where + " ORDER BY id",
                params,
            )
        ]

    def household_revs(self, household_id: str) -> list[tuple[str, str | None, str, str, str]]:
        """(rev, parent_rev, device, user, at) of every saved version, oldest first."""
        return [
            (r[0], r[1], r[2], r[3], r[4])
            for r in self._store.conn.execute(
                "SELECT rev, parent_rev, device, user, at FROM household_revs"
                " WHERE household_id = ? ORDER BY rowid",
                (household_id,),
            )
        ]
