"""A household's history as a merge writes it: the package's revs put in place, and a rev
joining the two sides (its second parent in ``exchange_merge_parents``), so neither laptop's
next package brings the same difference back.
"""

from __future__ import annotations

import uuid

from db.exchange.merge_plan import rev_clash
from db.exchange.package import PackageRecord
from db.store import Store


def put_history(store: Store, *records: PackageRecord) -> int:
    """The records' revs put in place (those already here left as they are); how many were
    new to this file."""
    # Two statements for any number of records: a merge adds thousands at a time.
    written = store.conn.executemany(
        "INSERT OR IGNORE INTO household_revs VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.rev,
                rec.household.id,
                r.parent_rev,
                r.device,
                r.user,
                r.at,
                int(rec.deleted and r.rev == rec.rev),
            )
            for rec in records
            for r in rec.revs
        ],
    ).rowcount
    store.conn.executemany(
        "INSERT OR IGNORE INTO exchange_merge_parents VALUES (?, ?)",
        [(r.rev, r.merge_parent) for rec in records for r in rec.revs if r.merge_parent],
    )
    return written


def revs_elsewhere(store: Store, records: list[PackageRecord]) -> str | None:
    """What to tell the officer when a rev of ``records`` is here already as another
    household's (a rev names one household: the package was edited by hand or damaged);
    None when none is."""
    return rev_clash(store.conn, {r.rev: rec.household for rec in records for r in rec.revs})


def join_revs(
    store: Store, household_id: str, incoming_rev: str, at: str, made: str | None
) -> None:
    """Gives the household a rev whose parents are the local rev and the incoming rev (or
    adds the incoming rev as second parent of ``made``, a rev just written)."""
    if made is None:
        current = store.household_rev(household_id)
        assert current is not None
        made = str(uuid.uuid4())
        store.conn.execute(
            "UPDATE households SET rev = ?, updated_at = ?, updated_device = ?, updated_by = ?"
            " WHERE id = ?",
            (made, at, store.device, store.user, household_id),
        )
        store.households.append_rev(household_id, made, current[0], at, deleted=current[1])
    store.conn.execute(
        "INSERT OR REPLACE INTO exchange_merge_parents VALUES (?, ?)", (made, incoming_rev)
    )
