"""A household deleted by mistake taken back (Hộ gia đình → Khôi phục hộ đã xoá…, `rasoat household
restore`).

Deleting (``Store.delete_household``) only hides a household: its row, its members as they
were (tombstoned in the same moment), its forms and results stay. Restoring saves it again
as it was when deleted, through ``Store.save_household``: a new revision whose parent is the
deletion, audited as a change from deleted to live, its search rows written again, its code
checked free (a household typed since with the same code is named, not overwritten). A
household whose personal data was purged (``db.purge``) has nothing left to restore.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.deep_check import naming_damage
from db.errors import NotFound, StoreError
from db.households import household_from_docs
from forms.model import Household
from forms.roles import Action


@dataclass(frozen=True)
class Deleted:
    """A household deleted but not purged: what the list of deleted households shows."""

    id: str
    code: str
    village: str
    head_name: str
    deleted_at: str  # UTC ISO
    deleted_by: str


def deleted(store: Any) -> list[Deleted]:
    """Households deleted but not purged, newest first."""
    return [
        Deleted(*r)
        for r in store.conn.execute(
            "SELECT h.id, h.code, h.village, h.head_name, h.updated_at, h.updated_by"
            " FROM households h WHERE h.deleted = 1"
            " AND h.id NOT IN (SELECT id FROM purged_households)"
            " ORDER BY h.updated_at DESC, h.code"
        )
    ]


def restore(store: Any, household_id: str) -> Household:
    """The household back in the lists as it was deleted, with the members deleted with it
    (a member removed earlier stays removed); returns it. Refused in Vietnamese when it is
    not deleted, purged, its code taken since, or the role may not delete households there."""
    row = store.conn.execute(
        "SELECT doc, deleted, updated_at, code, village FROM households WHERE id = ?",
        (household_id,),
    ).fetchone()
    if row is None or not row[1]:
        raise NotFound("Không tìm thấy hộ đã xoá cần khôi phục.")
    doc, _deleted, at, code, village = row
    if store.conn.execute(
        "SELECT 1 FROM purged_households WHERE id = ?", (household_id,)
    ).fetchone():
        raise StoreError(f"Hộ {code}: dữ liệu cá nhân đã được xoá hẳn, không khôi phục được.")
    # Who may take a household off the lists may put it back (and writes it: save asks too).
    store.require(Action.DELETE_HOUSEHOLD, village)
    taken = store.conn.execute(
        "SELECT 1 FROM households WHERE code = ? AND deleted = 0", (code,)
    ).fetchone()
    if taken:
        raise StoreError(
            f"Hộ {code}: mã hộ này nay đã dùng cho một hộ khác. Hãy đổi mã của hộ kia rồi "
            "khôi phục lại."
        )
    # The members deleted with it share the deletion's time: its audit row's, which is also
    # the household row's after a deletion typed here, not after one merged from a package
    # (the row then keeps the package's time; its members were deleted here, now).
    found = store.conn.execute(
        "SELECT at FROM audit WHERE household_id = ? AND tbl = 'households' AND row_id = ?"
        " AND action = 'delete' ORDER BY id DESC LIMIT 1",
        (household_id, household_id),
    ).fetchone()
    deleted_at = found[0] if found is not None else at
    members = [
        text
        for (text,) in store.conn.execute(
            "SELECT doc FROM members WHERE household_id = ? AND deleted = 1 AND updated_at = ?"
            " ORDER BY position",
            (household_id, deleted_at),
        )
    ]
    with naming_damage(store.conn, store.path):
        household = household_from_docs(doc, members)
    store.save_household(household)
    return household
