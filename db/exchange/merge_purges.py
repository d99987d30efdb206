"""Purges arriving in a package (``purged_part``): which of them this file applies, and their
writes inside the merge's transaction. The planning step of a purged household, with the
edits of this file the purge never saw, is ``merge_plan``'s.
"""

from __future__ import annotations

from db import purge
from db.exchange import purged_part
from db.exchange.merge_plan import Planned, chunks
from db.exchange.merge_revs import join_revs, put_history
from db.exchange.package import Package
from db.store import Store


def purges(store: Store, package: Package) -> tuple[dict[str, purged_part.Carried], set[str]]:
    """(the package's purges this file applies, the ids of those live here): households
    held here and not purged here yet, from a signed package only (an unsigned package's
    claims of who did what are unverified, and a purge cannot be undone)."""
    if not package.purged or package.signer is None:
        return {}, set()
    held: dict[str, bool] = {}
    for ids, marks in chunks(sorted({t.id for t in package.purged})):
        for hid, deleted in store.conn.execute(
            f"SELECT id, deleted FROM households WHERE id IN ({marks})"
            " AND id NOT IN (SELECT id FROM purged_households)",
            ids,
        ):
            held[hid] = bool(deleted)
    return (
        {t.id: t for t in package.purged if t.id in held},
        {hid for hid, deleted in held.items() if not deleted},
    )


def purge_here(store: Store, step: Planned, package: Package, source_name: str, at: str) -> None:
    """``db.purge``'s own writes for a purge that came in a package: the tombstone as the
    source wrote it (who purged, when, where, why), the ``purge`` event recording this import
    (its source is the package) with the officer who purged at the source and the edits of
    this file the purge never saw (who, when, where: no values). The household takes the
    package's history, joined with this file's when the purge did not see all of it."""
    stone = step.purge
    assert stone is not None
    rec = step.record
    hid = rec.household.id
    purge.purge_rows(
        store,
        purge.Tombstone(
            hid, stone.code, stone.village, stone.purged_at, stone.purged_by, stone.reason
        ),
        stone.purged_device,
        {
            "package": package.package_id,
            "file": source_name,
            "purged_by": stone.purged_by,
            "purged_at": stone.purged_at,
            "purged_device": stone.purged_device,
            "unseen_edits": [[a, u, d] for _, a, u, d in step.unseen or []],
        },
    )
    put_history(store, rec)
    if step.unseen:
        join_revs(store, hid, rec.rev, at, made=None)
    else:
        store.conn.execute(
            "UPDATE households SET rev = ?, updated_at = ?, updated_device = ?, updated_by = ?"
            " WHERE id = ?",
            (rec.rev, rec.updated_at or at, rec.updated_device, rec.updated_by, hid),
        )
