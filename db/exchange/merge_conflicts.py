"""Conflicts waiting for the officer: a household changed on both sides (or a new household
whose code is taken here), stored by the merge with both versions. ``open_conflicts`` reads
them back decoded, ``conflict_rows`` lists them without decoding and ``conflict`` reads one,
``waiting`` counts every kind left to decide, ``resolve_conflict`` writes the
officer's decision, audited, with a rev joining both sides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from db import certificate_reserve, certificates
from db.exchange import year_round_part
from db.exchange.errors import PackageError
from db.exchange.merge_one import apply, write_content, write_results
from db.exchange.merge_plan import Lookups
from db.exchange.merge_revs import join_revs, put_history, revs_elsewhere
from db.exchange.package import PackageRecord, record_from_dict
from db.households import household_from_docs
from db.records import Change
from db.store import Store, now_utc
from forms.model import Household
from forms.roles import Action as RoleAction

Choice = Literal["keep_mine", "take_theirs"]


@dataclass
class Conflict:
    id: str
    household_id: str
    code: str
    kind: Literal["both_changed", "code_taken"]
    package_id: str
    source: str
    local: Household | None  # as it is in the commune file now (None: no such household)
    local_rev: str | None
    incoming: PackageRecord
    created_at: str
    # The commune file deleted the household the package changed: who, when, and the
    # household as it was when deleted (``local`` is then None).
    local_deletion: Deletion | None = None


@dataclass(frozen=True)
class Deletion:
    """A household's deletion in the commune file, from its history and audit rows."""

    at: str
    user: str
    device: str
    source: str | None  # e.g. the package that brought the deletion; None when typed here
    last: Household | None  # the household as it was when deleted


_CONFLICT_COLUMNS = "id, household_id, code, kind, package_id, source, incoming, created_at"


def open_conflicts(store: Store) -> list[Conflict]:
    """Conflicts still waiting for the officer, oldest first, each with both households
    decoded (a screen lists ``conflict_rows`` and reads the one shown with ``conflict``)."""
    rows = store.conn.execute(
        f"SELECT {_CONFLICT_COLUMNS} FROM exchange_conflicts WHERE resolved_at IS NULL"
        " ORDER BY created_at, code"
    ).fetchall()
    return [_conflict(store, row) for row in rows]


def conflict(store: Store, conflict_id: str) -> Conflict | None:
    """One conflict still waiting, both sides decoded; None once decided (or unknown)."""
    row = store.conn.execute(
        f"SELECT {_CONFLICT_COLUMNS} FROM exchange_conflicts WHERE id = ? AND resolved_at IS NULL",
        (conflict_id,),
    ).fetchone()
    return _conflict(store, row) if row is not None else None


def _conflict(store: Store, row: tuple[Any, ...]) -> Conflict:
    cid, hid, code, kind, package_id, source, incoming, created_at = row
    current = store.household_rev(hid)
    return Conflict(
        id=cid,
        household_id=hid,
        code=code,
        kind=kind,
        package_id=package_id,
        source=source,
        local=store.get_household(hid),
        local_rev=current[0] if current else None,
        # Checked against the package's dates when it arrived (``package._made_on``); this
        # laptop's clock, behind the package's or moved back since, is no reason to refuse it.
        incoming=record_from_dict(json.loads(incoming), today=date.max),
        created_at=created_at,
        local_deletion=_deletion(store, hid, current[0]) if current and current[1] else None,
    )


@dataclass(frozen=True)
class ConflictRow:
    """A waiting conflict as a list shows it, nothing decoded: 2,000 conflicts decoded whole
    (both households, the package's record checked again) took 1.9 s of the GUI thread and
    155 MB, at every decision (issue 22)."""

    id: str
    code: str
    head_name: str  # of the package's version; this file's when the package deletes it
    incoming_deleted: bool  # the package deletes the household
    deleted_here: bool  # the commune file has deleted it
    # A household new to this file whose code another household here holds: another
    # family, taken under a new code or left out (``resolve_conflict``).
    new_under_taken_code: bool = False


def conflict_rows(store: Store) -> list[ConflictRow]:
    """The conflicts still waiting, oldest first, as ``open_conflicts`` orders them."""
    return [
        ConflictRow(cid, code, head or "", bool(gone), bool(deleted), bool(new))
        for cid, code, head, gone, deleted, new in store.conn.execute(
            # A package deleting the household carries no members: the head is then this
            # file's (the list showed "05-0001 —  (gói xoá hộ)", nobody's name).
            "SELECT c.id, c.code, COALESCE((SELECT json_extract(m.value, '$.name')"
            " FROM json_each(c.incoming, '$.household.members') m"
            " WHERE json_extract(m.value, '$.relationship') = 'head' LIMIT 1), h.head_name),"
            " json_extract(c.incoming, '$.deleted'), h.deleted,"
            " c.kind = 'code_taken' AND h.id IS NULL"
            " FROM exchange_conflicts c LEFT JOIN households h ON h.id = c.household_id"
            " WHERE c.resolved_at IS NULL ORDER BY c.created_at, c.code"
        )
    ]


def waiting(store: Store, package_id: str | None = None) -> int:
    """Conflicts of every kind still waiting for the officer — households, certificate
    numbers, applications and cadres — or those of one package: what the import screen, the
    import history and the command line say is left to decide."""
    sql = "SELECT count(*) FROM exchange_conflicts WHERE resolved_at IS NULL"
    params: tuple[str, ...] = ()
    if package_id is not None:
        sql, params = sql + " AND package_id = ?", (package_id,)
    households = int(store.conn.execute(sql, params).fetchone()[0])
    numbers = sum(
        package_id in (None, c.package_id) for c in certificates.open_conflicts(store.conn)
    )
    return households + numbers + year_round_part.waiting(store.conn, package_id)


def _deletion(store: Store, household_id: str, rev: str) -> Deletion:
    """Who deleted the household and when (the deleting rev's history row: on another laptop
    when a package brought the deletion), and its last content: the household row keeps its
    document, and the members deleted with it are those of the deletion's audit rows."""
    conn = store.conn
    made = conn.execute(
        "SELECT at, user, device FROM household_revs WHERE rev = ?", (rev,)
    ).fetchone()
    audited = conn.execute(
        "SELECT at, user, device, source FROM audit WHERE household_id = ? AND tbl = 'households'"
        " AND row_id = ? AND action = 'delete' ORDER BY id DESC LIMIT 1",
        (household_id, household_id),
    ).fetchone()
    doc = conn.execute("SELECT doc FROM households WHERE id = ?", (household_id,)).fetchone()
    last = None
    if doc is not None:
        members = []
        if audited is not None:
            members = [
                r[0]
                for r in conn.execute(
                    "SELECT doc FROM members WHERE household_id = ? AND id IN (SELECT row_id"
                    " FROM audit WHERE household_id = ? AND tbl = 'members' AND action = 'delete'"
                    " AND at = ?) ORDER BY position",
                    (household_id, household_id, audited[0]),
                )
            ]
        last = household_from_docs(doc[0], members)
    at, user, device = made or (audited[:3] if audited else ("", "", ""))
    return Deletion(at, user, device, audited[3] if audited else None, last)


def resolve_conflict(store: Store, conflict_id: str, choice: Choice) -> str | None:
    """The officer's decision, audited. ``keep_mine`` keeps the commune file's version;
    ``take_theirs`` takes the package's. Either way a new rev records both sides as parents,
    so neither laptop's next package brings the conflict back. When the commune file had
    deleted the household (``Conflict.local_deletion``), ``keep_mine`` keeps it deleted and
    ``take_theirs`` restores it with the package's content and results.

    A household new to this file whose code another household holds here (``code_taken``:
    two laptops of one village each gave their next code to a new family) is another
    family: ``keep_mine`` leaves it out, ``take_theirs`` adds it under the next free code of
    its village (a version of this file's, after the package's, so the laptop takes the new
    code from the commune's next package), returned. Taking it was refused until the other
    household's code was changed by hand, so the officer chose the only button that
    worked, "giữ bản của xã", and the family was left out of the commune's file."""
    store.require(RoleAction.IMPORT)
    found = [c for c in open_conflicts(store) if c.id == conflict_id]
    if not found:
        raise PackageError("Không tìm thấy xung đột này, hoặc đã được giải quyết.")
    c = found[0]
    rec = c.incoming
    at = now_utc()
    if c.local_deletion is not None and not rec.deleted:
        label = "giữ việc xoá hộ" if choice == "keep_mine" else "khôi phục hộ theo bản trong gói"
    else:
        label = "giữ bản của xã" if choice == "keep_mine" else "nhận bản trong gói"
    source = f"giải quyết xung đột ({label}): {c.source}"
    round_map = {rid: rid for rid in rec.results}
    new_household = c.kind == "code_taken" and c.local_rev is None
    new_code: str | None = None
    if choice == "take_theirs" and not rec.deleted:
        # Taking a version back (a deleted household restored, or a new code) must not take a
        # code another household uses now: checked before anything is written.
        owner = Lookups(store.conn, [rec.household]).code_owner(
            rec.household.code, rec.household.id
        )
        if owner and new_household:
            new_code = store.next_code(rec.household.village)
        elif owner:
            raise PackageError(
                f"Mã hộ {rec.household.code} vẫn đang dùng cho hộ của {owner}: hãy đổi "
                "mã của một trong hai hộ rồi chọn lại."
            )
    # Its history as the merge checked it (``merge_plan``): a rev another package has since
    # brought here as another household's refuses the decision, before anything is written.
    why = revs_elsewhere(store, [rec])
    if why is not None:
        raise PackageError(why)
    with store.transaction(source=source):
        if new_household:
            if choice == "take_theirs":
                if new_code is not None:
                    rec.household.code = new_code
                apply(store, rec, round_map, at)
                # The number its package carried, held while it waited (m0020): a
                # certificate the family may hold, stored now under its row.
                certificate_reserve.settle(store.conn, at, [c.household_id])
                if new_code is not None:
                    # A version of this file's after the package's: the laptop that surveyed
                    # the family takes the new code from the commune's next package.
                    join_revs(store, c.household_id, rec.rev, at, made=None)
        elif choice == "keep_mine":
            put_history(store, rec)
            join_revs(store, c.household_id, rec.rev, at, made=None)
        else:
            made = write_content(store, rec, at)
            put_history(store, rec)
            join_revs(store, c.household_id, rec.rev, at, made=made)
            if not rec.deleted:
                known = {r.id for r in store.rounds()}
                write_results(
                    store,
                    rec,
                    {k: v for k, v in round_map.items() if v in known},
                    at,
                )
        store.conn.execute(
            "UPDATE exchange_conflicts SET resolved_at = ?, resolution = ?, resolved_by = ?"
            " WHERE id = ?",
            (at, choice, store.user, c.id),
        )
        store.record_change(
            "exchange_conflicts",
            c.id,
            c.household_id if store.household_rev(c.household_id) else None,
            "update",
            {"resolution": None},
            {"resolution": choice, "incoming_rev": rec.rev, "local_rev": c.local_rev}
            | ({"code": new_code} if new_code else {}),
            at,
        )
        store.notify(Change("household", [c.household_id]))
    return new_code
