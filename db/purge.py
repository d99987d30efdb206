"""Deletion that deletes (issue 20 item 4): a deleted household's personal data purged.

Deleting a household (``Store.delete_household``) only hides it: the row, its members, its
forms, results and every old value in the audit log stay, so a deletion by mistake can be
taken back and a package can still be merged against it. Purging is the officer's second,
explicit step, with a reason: afterwards only a tombstone is left (``purged_households``:
id, code, village, who, when, why; m0013) and the ``households`` row reduced to its id, code
and village (its revisions, which hold no personal data, stay so that packages still find
their common history).

The audit log is hash-chained over each row's old and new *values* (``db.audit``), so blanking
them would break the chain. The chain's encoding is not changed: the purge blanks ``old`` and
``new`` of the household's audit rows and lists those row ids in its own ``purge`` event,
appended to the chain in the same transaction; ``db.audit.verify`` accepts a blanked row
only when a purge event names it, and still checks that the next row follows the blanked
row's stored hash. What is lost is the proof that those blanked rows were not edited before
the purge — they no longer hold anything to edit.

SQLite keeps removed content in free pages (and the -wal) until they are reused, so the
purge runs with ``secure_delete`` on, then rebuilds the search index's segments, VACUUMs the
file (free pages of earlier edits of the household held old versions too) and truncates the
-wal. Backups made before the purge still hold the data until they are removed by the
retention time (``db.backup.expire``; ``docs/privacy.md``).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from db import audit
from db.errors import NotFound, StoreError
from db.households import household_doc
from db.records import Change
from db.store import Store, now_utc
from db.store_stamps import dumps as _dumps
from forms.model import Household
from forms.roles import Action
from forms.validate import MAX_NOTE, text_problem

# Rows about one household, removed whole: (table, its household column).
_HOUSEHOLD_TABLES = (
    ("household_causes", "household_id"),
    ("household_needs", "household_id"),
    ("answers", "household_id"),
    ("results", "household_id"),
    ("meeting_votes", "household_id"),
    ("complaints", "household_id"),
    ("applications", "household_id"),
    ("support_records", "household_id"),
    ("cadre_assignments", "household_id"),
    ("low_income_applications", "household_id"),
    ("exchange_conflicts", "household_id"),
    ("year_round_conflicts", "household_id"),
    ("members", "household_id"),  # last: rows above may refer to a member
)
# Kept: certificate_numbers and certificate_conflicts (a number and a round, nothing
# personal; a number once given must not be given again), household_revs (rev ids,
# devices and the officers who saved) and year_round_revs (applications' versions: times and
# devices).


@dataclass(frozen=True)
class Tombstone:
    """What is left of a purged household."""

    id: str
    code: str
    village: str
    purged_at: str
    purged_by: str
    reason: str


def tombstone(store: Store, household_id: str) -> Tombstone | None:
    r = store.conn.execute(
        "SELECT id, code, village, purged_at, purged_by, reason FROM purged_households"
        " WHERE id = ?",
        (household_id,),
    ).fetchone()
    return Tombstone(*r) if r else None


def tombstones(store: Store) -> list[Tombstone]:
    return [
        Tombstone(*r)
        for r in store.conn.execute(
            "SELECT id, code, village, purged_at, purged_by, reason FROM purged_households"
            " ORDER BY purged_at, code"
        )
    ]


def purged_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM purged_households")}


def deleted_households(store: Store) -> list[tuple[str, str, str, str]]:
    """(id, code, village, deleted at) of households deleted but not yet purged, newest
    first: what the purge can be asked for (``db.undelete.deleted``, which restoring lists)."""
    from db.undelete import deleted

    return [(d.id, d.code, d.village, d.deleted_at) for d in deleted(store)]


def purge_household(store: Store, household_id: str, reason: str) -> Tombstone:
    """Purge a deleted household's personal data, leaving its tombstone; recorded in the
    audit log as a ``purge`` event. Refused (StoreError, in Vietnamese) for a household that
    is not deleted, already purged, or without a reason."""
    store.require(Action.PURGE)
    reason = " ".join(reason.split())
    row = store.conn.execute(
        "SELECT code, village, deleted FROM households WHERE id = ?", (household_id,)
    ).fetchone()
    if row is None:
        raise NotFound("Không tìm thấy hộ cần xoá hẳn dữ liệu.")
    code, village, deleted = row
    if tombstone(store, household_id) is not None:
        raise StoreError(f"Hộ {code}: dữ liệu cá nhân đã được xoá hẳn trước đây.")
    if not deleted:
        raise StoreError(
            f"Hộ {code}: chỉ xoá hẳn dữ liệu của hộ đã xoá khỏi danh sách; hãy xoá hộ trước."
        )
    if not reason:
        raise StoreError(f"Hộ {code}: cần ghi lý do xoá hẳn dữ liệu cá nhân.")
    # As every package that carries the tombstone checks it: a reason it refuses made each
    # later package of the commune unreadable elsewhere, and a purge is never undone.
    problem = text_problem(reason, MAX_NOTE)
    if problem:
        raise StoreError(f"Hộ {code}: lý do xoá hẳn dữ liệu {problem}.")
    at = now_utc()
    stone = Tombstone(household_id, code, village, at, store.user, reason)
    with secure_delete(store):
        with store.transaction():
            purge_rows(store, stone, store.device)
        compact(store)
    return stone


@contextmanager
def secure_delete(store: Store) -> Iterator[None]:
    """SQLite overwrites what it removes while inside (free pages, the -wal's copies)."""
    store.conn.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        store.conn.execute("PRAGMA secure_delete = OFF")


def purge_rows(
    store: Store, stone: Tombstone, device: str, details: dict[str, Any] | None = None
) -> list[int]:
    """The purge's writes, in the caller's transaction (inside ``secure_delete``, followed
    by ``compact`` once it is committed): the household's rows removed, its own row reduced
    to id, code and village (deleted, out of the search index), its audit rows blanked and
    named in a ``purge`` event (``details`` added to it), its head's name taken out of kept
    import receipts, the tombstone written as ``stone`` says (who purged, when, on which
    ``device``: a purge arriving in a package keeps the source's). Returns the audit rows
    blanked. The household's revisions stay (``_HOUSEHOLD_TABLES``)."""
    conn = store.conn
    household_id, code, village = stone.id, stone.code, stone.village
    # Rows first: the m0005/m0006 triggers copy a deleted or changed document into the audit
    # rows still pointing at it, which are blanked right after.
    for table, column in _HOUSEHOLD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (household_id,))
    # A household still live here (a purge arriving in a package) leaves the search index
    # too, as a deletion does; a deleted one has left it already.
    conn.execute(
        "DELETE FROM search_index WHERE rowid = (SELECT rowid FROM households WHERE id = ?)",
        (household_id,),
    )
    bare = Household(code=code, id=household_id, village=village)
    conn.execute(
        "UPDATE households SET head_name = '', size = 0, doc = ?, deleted = 1 WHERE id = ?",
        (_dumps(household_doc(bare)[0]), household_id),
    )
    rows = [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM audit WHERE household_id = ? AND tbl != ?"
            " AND (old IS NOT NULL OR new IS NOT NULL OR new_in_row = 1)",
            (household_id, audit.EVENTS),
        )
    ]
    _blank(store, rows)
    _scrub_receipts(store, household_id)
    conn.execute(
        "INSERT INTO purged_households VALUES (?, ?, ?, ?, ?, ?, ?)",
        (household_id, code, village, stone.purged_at, stone.purged_by, device, stone.reason),
    )
    audit.record_event(
        store,
        "purge",
        {
            "code": code,
            "village": village,
            "reason": stone.reason,
            **(details or {}),
            "audit_rows": rows,
        },
        household_id=household_id,
    )
    store.notify(Change("household", [household_id]))
    return rows


def erase_member(store: Store, member_id: str, reason: str) -> str:
    """Erase the data of one person removed from a household's roster (a justified request:
    the member row is already deleted by saving the household without them). Their member
    row goes and the old/new values of its audit rows are blanked, recorded as an
    ``erase_member`` event. Returns the household's code."""
    store.require(Action.ERASE_PERSON)
    reason = " ".join(reason.split())
    row = store.conn.execute(
        "SELECT m.household_id, m.deleted, m.position, h.code FROM members m"
        " JOIN households h ON h.id = m.household_id WHERE m.id = ?",
        (member_id,),
    ).fetchone()
    if row is None:
        raise NotFound("Không tìm thấy người cần xoá dữ liệu.")
    household_id, deleted, position, code = row
    if not deleted:
        raise StoreError(
            f"Hộ {code}, thành viên thứ {position + 1}: hãy bỏ người này khỏi danh sách nhân"
            " khẩu của hộ (mở hộ, xoá dòng, lưu) trước khi xoá hẳn dữ liệu."
        )
    if not reason:
        raise StoreError(f"Hộ {code}: cần ghi lý do xoá dữ liệu của người này.")
    conn = store.conn
    with secure_delete(store):
        with store.transaction():
            conn.execute("DELETE FROM members WHERE id = ?", (member_id,))
            conn.execute("DELETE FROM low_income_applications WHERE member_id = ?", (member_id,))
            _drop_from_answers(store, household_id, member_id)
            rows = [
                int(r[0])
                for r in conn.execute(
                    "SELECT id FROM audit WHERE household_id = ? AND tbl = 'members'"
                    " AND row_id = ?",
                    (household_id, member_id),
                )
            ]
            _blank(store, rows)
            audit.record_event(
                store,
                "erase_member",
                {"code": code, "reason": reason, "audit_rows": rows},
                household_id=household_id,
            )
            store.notify(Change("household", [household_id]))
        compact(store)
    return str(code)


def _drop_from_answers(store: Store, household_id: str, member_id: str) -> None:
    """The rounds' snapshots of the household list the member too: they go from there."""
    for answer_id, doc in store.conn.execute(
        "SELECT id, doc FROM answers WHERE household_id = ?", (household_id,)
    ).fetchall():
        snapshot = json.loads(zlib.decompress(doc))
        members = snapshot.get("members", [])
        kept = [m for m in members if m.get("id") != member_id]
        if len(kept) != len(members):
            snapshot["members"] = kept
            store.conn.execute(
                "UPDATE answers SET doc = ? WHERE id = ?",
                (zlib.compress(_dumps(snapshot).encode(), 6), answer_id),
            )


def _blank(store: Store, rows: list[int]) -> None:
    store.conn.executemany(
        "UPDATE audit SET old = NULL, new = NULL, new_in_row = 0 WHERE id = ?",
        [(i,) for i in rows],
    )


def _scrub_receipts(store: Store, household_id: str) -> None:
    """Import receipts kept in the file name each household's head: that name goes."""
    for rowid, text in store.conn.execute(
        "SELECT rowid, receipt FROM exchange_imports WHERE receipt LIKE ?",
        (f"%{household_id}%",),
    ).fetchall():
        data = json.loads(text)
        for entry in data.get("entries", []):
            if entry.get("household_id") == household_id:
                entry["head_name"] = ""
        store.conn.execute(
            "UPDATE exchange_imports SET receipt = ? WHERE rowid = ?",
            (json.dumps(data, ensure_ascii=False), rowid),
        )


def compact(store: Store) -> None:
    """Removed content leaves the file: the search index's segments rewritten (a deleted
    row's words stay in them until merged), free pages dropped, the -wal emptied."""
    conn = store.conn
    with store.transaction():
        conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
