"""The calls the application makes on a ``Store``, each one line into the part that holds it
(Anki's ``Collection`` keeps such calls too): officers' code, reports and the command line
keep calling ``store.save_household(...)`` while the work lives in ``store.households``.
Nothing is implemented here; a new call goes into its part first, and here only if callers
outside ``db`` need it by this name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.records import AuditEntry
    from db.store_history import History


class StoreCalls:
    history: History

    # --- history (db/store_history.py) --------------------------------------------------
    def audit_for_household(self, household_id: str) -> list[AuditEntry]:
        return self.history.for_household(household_id)

    def audit_for_row(self, table: str, row_id: str) -> list[AuditEntry]:
        return self.history.for_row(table, row_id)

    def household_revs(self, household_id: str) -> list[tuple[str, str | None, str, str, str]]:
        return self.history.household_revs(household_id)
