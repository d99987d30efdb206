"""Certificate numbers held for households this file has no row of (m0020).

A number printed and handed to a family is never lost nor given to another household
(``db.certificates``). ``certificate_numbers`` keys a number by a household this file
holds (a foreign key), yet a package can carry a number for a household it has no row of:

- a new household waiting in a code conflict (its code taken here by another family),
  written only when the officer decides (``merge_conflicts.resolve_conflict``);
- a household the sending laptop deleted after printing its certificate, never seen here
  (its tombstone is not written where the household never was).

Such a number is reserved (``certificates.plan_incoming`` → ``certificate_reserved``)
instead of skipped: ``certificates.highest`` counts it, so the next household to join the
list here takes a number above it, and a package giving the same number to another
household raises ``number_taken``. Once the household has its row here (a merge adds it, or
the officer takes it in) ``settle`` moves its number into ``certificate_numbers`` through
the same plan as a package's numbers: stored when free, a conflict for the officer when
not. A family left out (the officer kept this file's household under the code) keeps its
number reserved for good.

Packages carry these numbers on (``kept``, "certificate_numbers_kept" in ``commune.json``,
``docs/exchange-format.md``), with those of every household deleted in this file, so a
file that never had them learns them wherever they were first given.
"""

from __future__ import annotations

from collections.abc import Iterable

from db import certificates, driver


def settle(
    conn: driver.Connection, at: str, household_ids: Iterable[str] | None = None
) -> certificates.MergePlan:
    """Moves the reserved numbers of households this file now holds a row of (of
    ``household_ids``, or any) into ``certificate_numbers``, or raises their conflicts
    under the package that brought them, inside the caller's transaction. Returns what was
    planned (its conflicts, for the receipt)."""
    wanted = None if household_ids is None else set(household_ids)
    rows = [
        r
        for r in conn.execute(
            "SELECT r.round_id, r.household_id, r.number, r.assigned_at, r.assigned_device,"
            " r.code, r.package_id, r.source FROM certificate_reserved r"
            " JOIN households h ON h.id = r.household_id ORDER BY r.created_at, r.number"
        )
        if wanted is None or r[1] in wanted
    ]
    planned = certificates.MergePlan([], [], [])
    by_package: dict[tuple[str, str], list[certificates.Carried]] = {}
    for rid, hid, number, assigned_at, device, code, package_id, source in rows:
        held = certificates.Carried(rid, hid, number, assigned_at, device, code)
        by_package.setdefault((package_id, source), []).append(held)
    for (package_id, source), carried in by_package.items():
        plan = certificates.plan_incoming(conn, carried, {}, {c.household_id for c in carried})
        certificates.apply_incoming(conn, plan, package_id, source, at)
        planned.take.extend(plan.take)
        planned.conflicts.extend(plan.conflicts)
    conn.executemany(
        "DELETE FROM certificate_reserved WHERE round_id = ? AND household_id = ? AND number = ?",
        [(r[0], r[1], r[2]) for r in rows],
    )
    return planned


def kept(conn: driver.Connection) -> list[certificates.Carried]:
    """The numbers a package carries beside its live households' ("certificate_numbers_kept"):
    those of every household deleted in this file, whatever the package's scope (a deleted
    household never arrives live, and a laptop that never had its number would give it to
    another household), and those reserved here."""
    deleted = conn.execute(
        "SELECT c.round_id, c.household_id, c.number, c.assigned_at, c.assigned_device, h.code"
        " FROM certificate_numbers c JOIN households h ON h.id = c.household_id"
        " WHERE h.deleted != 0"
    ).fetchall()
    reserved = conn.execute(
        "SELECT round_id, household_id, number, assigned_at, assigned_device, code"
        " FROM certificate_reserved"
    ).fetchall()
    return [
        certificates.Carried(*row)
        for row in sorted(deleted + reserved, key=lambda r: (r[0], r[2], r[1]))
    ]
