"""Cadre assignments in packages (issue 24): who is responsible for a village or a
household, merged by tombstones and new rows, never by editing one. Planned by
``year_round_part.plan`` with these, and decided by ``year_round_part.resolve``: two cadres
for one target given apart, a cadre ended on one laptop and replaced on the other, either
decided apart the opposite ways (asked again), and the settling of a question held on both
laptops by the decision the package shows (``docs/exchange-format.md``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from db import driver
from db.exchange.year_round_rows import (
    Choice,
    Plan,
    Stored,
    columns,
    describe,
    insert_rows,
    local_rows,
    target_of,
    update_row,
    version,
    version_stamps,
    who,
)

if TYPE_CHECKING:
    from db.exchange.year_round_part import YearRoundConflict


def settle_cadres(
    out: Plan,
    conn: driver.Connection,
    rows: list[dict[str, Any]],
    codes: Mapping[str, str],
    ended_here: set[str],
    shown: Mapping[str, set[str]],
) -> tuple[dict[str, str], set[str]]:
    """Plans the settling of the open cadre conflicts the package shows decided on the other
    laptop: that laptop ended the assignment this file was asked to take, or kept it (its
    decision gave it a new version, ``decide_cadre``), or has seen this file's own
    assignment (kept it or ended it). Returns the others' incoming assignments, by id, with
    the conflict's words (held back, said again), and the assignments kept there, to take.

    A conflict asked again after the laptops decided apart (``decided_apart``: its
    assignment one that a decision here had ended, ``ended_here``) is settled only by what
    the other laptop did to that assignment since: its package still ends this file's cadre
    by the old decision, which is no answer to the new question. ``shown``: the versions of
    each assignment a question here showed (``versions_shown``)."""
    carried = {r["id"]: r for r in rows}
    live_rows = [r for r in rows if not r["deleted"]]
    waiting: dict[str, str] = {}
    taken: set[str] = set()
    for cid, record, local_id, local_json, incoming_json, asked in conn.execute(
        "SELECT id, record_id, local_id, local, incoming, incoming_rev"
        " FROM year_round_conflicts WHERE tbl = 'cadre_assignments' AND resolved_at IS NULL"
    ):
        theirs, mine = json.loads(incoming_json), json.loads(local_json or "null")
        mine_live = mine is not None and not mine["deleted"]
        own = None
        if mine_live and local_id == record:
            own = local_rows(conn, "cadre_assignments", [record]).get(record)
        if own is not None and own["deleted"]:
            # A removal there asked again against this file's cadre, which this file has
            # ended since (replaced by hand): nothing left to keep, no question.
            out.settled.append((cid, "take_theirs", theirs["household_id"]))
            continue
        came = carried.get(record)
        ended_there = not theirs["deleted"] and came is not None and came["deleted"]
        # Kept there: a version no question here showed (a question asked again, its cadre
        # passed on by a third laptop as it was first given, is no decision there).
        kept_there = (
            not theirs["deleted"] and came is not None and not came["deleted"]
        ) and version(came) not in shown.get(record, {asked})
        # This file's own assignment seen there: ended, or given a new version by a decision
        # there (``decide_cadre``); a third laptop merely passing it on is no decision.
        seen = carried.get(local_id) if mine_live else None
        seen_there = (
            record not in ended_here
            and seen is not None
            and (seen["deleted"] or version(seen) != version(mine))
            # A removal asked again against this very cadre (``removals_decided_apart``):
            # its ending as the question showed it is the question, not an answer.
            and not (local_id == record and version(seen) == asked)
        )
        # Kept there as a question asked again is decided (``decide_cadre``): ended, and
        # given again as a new assignment in the same moment.
        given_again = ended_there and came is not None and _given_again_in(came, theirs, live_rows)
        mine_given_again = (
            seen is not None and seen["deleted"] and _given_again_in(seen, mine, live_rows)
        )
        if kept_there:
            taken.add(record)
        if not (ended_there or kept_there or seen_there):
            # Said as this file stands now (as the conflicts screen shows it), not as it was
            # when the conflict was stored: its cadre may have changed since.
            now = live_cadre(conn, theirs)
            waiting[record] = describe("cadre_assignments", who(theirs, codes), now, theirs)
            continue
        if theirs["deleted"]:  # this file replaced it, the package ended it: is ours ended?
            ours_ended = carried[local_id]["deleted"] and not mine_given_again
            choice: Choice = "take_theirs" if ours_ended else "keep_mine"
        elif ended_there:  # the package's assignment ended over there: nobody, or ours
            choice = "take_theirs" if given_again else "keep_mine"
        elif kept_there:  # kept over there after its conflict: taken here
            choice = "take_theirs"
        else:  # ours seen there: kept (theirs ended) or ended (theirs taken)
            ours_ended = carried[local_id]["deleted"] and not mine_given_again
            choice = "take_theirs" if ours_ended else "keep_mine"
        out.settled.append((cid, choice, theirs["household_id"]))
        out.notes.append(
            f"{who(theirs, codes)}: phân công cán bộ phụ trách đã được quyết định ở máy kia; "
            "tệp này theo quyết định đó."
        )
    return waiting, taken


def versions_shown(conn: driver.Connection) -> dict[str, set[str]]:
    """Every version of an assignment that a cadre question here showed, asked or decided
    (the package's assignment, or this file's cadre), by assignment."""
    out: dict[str, set[str]] = {}
    for record, asked, local_json in conn.execute(
        "SELECT record_id, incoming_rev, local FROM year_round_conflicts"
        " WHERE tbl = 'cadre_assignments'"
    ):
        out.setdefault(record, set()).add(asked)
        if local_json:
            local = json.loads(local_json)
            out.setdefault(local["id"], set()).add(version(local))
    return out


# A cadre question decided here: (the package's assignment, this file's, the choice, the
# version asked, this file's row and the package's as the question showed them).
Resolved = tuple[str, str, str, str, dict[str, Any] | None, dict[str, Any]]


def resolved_questions(conn: driver.Connection) -> list[Resolved]:
    """The cadre questions decided here, oldest first: read once an import, for
    ``decisions_here`` and ``removals_decided_apart``."""
    return [
        (record, local_id, choice, asked, json.loads(local or "null"), json.loads(incoming))
        for record, local_id, choice, asked, local, incoming in conn.execute(
            "SELECT record_id, local_id, resolution, incoming_rev, local, incoming"
            " FROM year_round_conflicts WHERE tbl = 'cadre_assignments'"
            " AND resolved_at IS NOT NULL ORDER BY resolved_at, id"
        )
    ]


def decisions_here(resolved: list[Resolved]) -> list[tuple[str, str, str]]:
    """The cadre conflicts between two live assignments decided here, oldest first, as (the
    assignment the decision ended, its version as the question showed it, the one kept)."""
    out = []
    for record, local_id, choice, asked, mine, theirs in resolved:
        if mine is None or mine["deleted"] or theirs["deleted"] or local_id == record:
            continue  # an ending against a cadre: no assignment of its own was ended
        if choice == "keep_mine":
            out.append((record, asked, local_id))
        else:
            out.append((local_id, version(mine), record))
    return out


def decided_apart(
    out: Plan,
    conn: driver.Connection,
    rows: list[dict[str, Any]],
    decisions: list[tuple[str, str, str]],
    settled: set[str],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> set[str]:
    """Two cadres for one target decided on both laptops before either saw the other's
    decision, the opposite ways (each kept its own, or each took the other's): the package
    brings the assignment this file's decision ended with a version of the other laptop's
    decision, and ends the one this file kept. Taken as it comes, the village or household
    would be left with nobody and neither officer told; instead the question is asked again
    (stored, or said again while it waits) and this file's cadre stays until it is
    decided. Returns the assignments whose ending in the package is held back; ``settled``:
    the assignments of conflicts this package settles."""
    carried = {r["id"]: r for r in rows}
    held: set[str] = set()
    asked: set[tuple[str, str]] = set()
    for ended, seen, kept in decisions:
        came, gone = carried.get(ended), carried.get(kept)
        if came is None or came["deleted"] or version(came) == seen or ended in settled:
            continue
        if gone is None or not gone["deleted"]:
            continue
        here = local_rows(conn, "cadre_assignments", [kept]).get(kept)
        if here is None or here["deleted"]:
            continue  # ended here since: what came after the decision stands
        held.add(kept)
        if (ended, version(came)) not in asked:
            asked.add((ended, version(came)))
            _conflict(out, dict(came), here, known, codes)
    return held


def _given_again_in(
    ended: Mapping[str, Any], cadre: Mapping[str, Any], rows: list[dict[str, Any]]
) -> bool:
    """Whether ``rows`` (live, of a package) give ``cadre`` again as a new assignment made
    with the ending ``ended`` (``decide_cadre`` on a question asked again)."""
    return any(
        r["id"] != ended["id"]
        and target_of(r) == target_of(ended)
        and (r["cadre_name"], r["cadre_role"]) == (cadre["cadre_name"], cadre["cadre_role"])
        and _replaced(r, ended)
        for r in rows
    )


def replaced_by(ended: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether one of ``rows`` is a new cadre of ``ended``'s target made with its ending."""
    return any(
        r["id"] != ended["id"] and target_of(r) == target_of(ended) and _replaced(r, ended)
        for r in rows
    )


def removals_decided_apart(
    out: Plan,
    conn: driver.Connection,
    rows: list[dict[str, Any]],
    resolved: list[Resolved],
    live_here: Mapping[tuple[str, str], dict[str, Any]],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> set[str]:
    """A cadre removed on one laptop and replaced on the other (``plan_new_cadre``,
    ``plan_ended_there``), decided on both apart the opposite ways: one kept (or took) the
    cadre, the other the removal. Taken as it comes the tombstone wins and the officer who
    kept the cadre is overruled without a word; instead the question is asked again, on
    both laptops, each keeping its side meanwhile. This file ended the cadre: the package
    brings it live at a version the question did not show (kept there), and the target has
    nobody here. This file kept it: the package brings its tombstone at the version the
    question showed it, or at the removal's (``decide_cadre`` ends a cadre taking a
    removal at that version, the sign of it): ended there without seeing this decision.
    Returns the assignments whose ending in the package is held back."""
    carried = {r["id"]: r for r in rows}
    held: set[str] = set()
    for record, local_id, choice, asked, mine, theirs in resolved:
        if mine is None or local_id == record or mine["deleted"] == theirs["deleted"]:
            continue  # two live cadres (``decided_apart``), or a question asked again
        if mine["deleted"]:  # a cadre there, this file's removal
            cadre, shown, removal, ended_here = record, asked, version(mine), choice == "keep_mine"
        else:  # a removal there, this file's cadre
            cadre, shown, removal = local_id, version(mine), version(theirs)
            ended_here = choice == "take_theirs"
        came = carried.get(cadre)
        here = local_rows(conn, "cadre_assignments", [cadre]).get(cadre)
        if came is None or here is None:
            continue
        if ended_here:
            if came["deleted"] or not here["deleted"] or version(came) == shown:
                continue
            if target_of(came) in live_here:
                continue  # given a cadre here since: what came after the decision stands
            _conflict(out, dict(came), here, known, codes)
        elif came["deleted"] and not here["deleted"] and version(came) in (shown, removal):
            held.add(cadre)
            _conflict(out, dict(came), here, known, codes)
    return held


def plan_new_cadre(
    out: Plan,
    row: dict[str, Any],
    targets: dict[tuple[str, str], dict[str, Any]],
    replaced: set[str],
    ended_apart: Mapping[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    target = target_of(row)
    other = targets.get(target)
    if other is None and target in ended_apart and _replaced(row, ended_apart[target][1]):
        # This file ended the cadre the package replaced, without seeing the replacement: a
        # removal here is a wish like the other laptop's new cadre, not to be undone silently.
        _conflict(out, row, ended_apart[target][0], known, codes)
        return
    if other is None or other["id"] in replaced:
        # Nobody here, or the package replaced this file's (its tombstone is planned).
        out.inserts.append(("cadre_assignments", row))
        targets[target] = row
        return
    if (other["cadre_name"], other["cadre_role"]) == (row["cadre_name"], row["cadre_role"]):
        # The same cadre given on both laptops: one assignment stays, the same on both (the
        # smaller id), the other kept as a tombstone so that it does not come back.
        if row["id"] < other["id"]:
            out.updates.append(("cadre_assignments", other, {"deleted": 1, **version_stamps(row)}))
            out.inserts.append(("cadre_assignments", row))
            targets[target] = row
        else:
            # Its tombstone takes the winner's version, as the other laptop's does (there it
            # was live and took this one's): two versions of one tombstone read later as an
            # assignment ended apart on each laptop.
            out.inserts.append(
                ("cadre_assignments", {**row, "deleted": 1, **version_stamps(other)})
            )
        return
    _conflict(out, row, other, known, codes)


def live_cadre(conn: driver.Connection, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """This file's live assignment of ``row``'s target (household or village), as it is now."""
    column, value = target_of(row)
    cols = columns("cadre_assignments")
    found = conn.execute(
        f"SELECT {', '.join(cols)} FROM cadre_assignments WHERE deleted = 0 AND {column} = ?",
        (value,),
    ).fetchone()
    return dict(zip(cols, found, strict=True)) if found else None


def _replaced(new: Mapping[str, Any], ended: Mapping[str, Any]) -> bool:
    """Whether ``new`` replaced ``ended``: ``assign_cadre`` ends the old assignment and makes
    the new one in one moment, on one laptop. A cadre given apart from an ending (before it,
    or after it on a laptop that had seen it) replaced nothing, and asks nothing."""
    return (new["created_at"], new["created_device"]) == (
        ended["updated_at"],
        ended["updated_device"],
    )


def _conflict(
    out: Plan,
    row: dict[str, Any],
    mine: dict[str, Any],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    """A cadre conflict stored for the officer (said again while it waits); ``mine`` is this
    file's live assignment of the target, or its tombstone when it has none."""
    shown = None if mine["deleted"] else mine
    key = ("cadre_assignments", row["id"], version(row))
    if key in known:
        if not known[key]:
            out.conflicts.append(describe("cadre_assignments", who(row, codes), shown, row))
        return
    out.stored.append(Stored("cadre_assignments", mine, row))
    out.conflicts.append(describe("cadre_assignments", who(row, codes), shown, row))


def plan_ended_there(
    out: Plan,
    rows: list[dict[str, Any]],
    live_here: Mapping[tuple[str, str], dict[str, Any]],
    ended_apart: Mapping[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    """The other side of ``plan_new_cadre``'s conflict: this file replaced a cadre the
    package ended, neither seeing the other. The package neither knows this file's cadre nor
    brings one of its own for the target (two cadres: ``plan_new_cadre``'s conflict).

    Each assignment both sides ended apart then takes the smaller of its two tombstones'
    versions, on both laptops alike: once seen, two endings of one assignment are one, and
    a cadre given later, seeing everything, is not taken for one given without seeing it
    (the versions kept apart made every later assignment of that target a conflict)."""
    carried = {r["id"] for r in rows}
    brought = {target_of(r) for r in rows if not r["deleted"]}
    for target, (mine, tombstone) in ended_apart.items():
        if version(tombstone) < version(mine):
            out.updates.append(("cadre_assignments", mine, version_stamps(tombstone)))
        here = live_here.get(target)
        if here is None or here["id"] in carried or target in brought:
            continue
        if not _replaced(here, mine):
            continue  # given here apart from the ending (before it, or later): no question
        _conflict(out, tombstone, here, known, codes)


def decide_cadre(store: Any, c: YearRoundConflict, choice: Choice, at: str) -> None:
    """What the officer chose, written so that the other laptop reads it from this file's
    next package (``settle_cadres``): the assignment that stays gets a new version, the one
    that goes a tombstone; a relay passing the old rows on is then no decision."""
    theirs = c.incoming
    now = {"updated_at": at, "updated_device": store.device}
    held = local_rows(store.conn, "cadre_assignments", [theirs["id"]]).get(theirs["id"])
    # Asked again after the laptops decided apart (``decided_apart``): the package's cadre
    # is held here as the tombstone an earlier decision here gave it. Whichever cadre stays
    # stays as a new assignment, the old one ended in the same moment (a replacement, as
    # ``assign_cadre`` makes one), never an old assignment brought back to life: endings of
    # it made by the first decisions are still on their way (a third laptop holds them),
    # and a tombstone wins wherever it comes.
    again = held is not None and not theirs["deleted"]
    if held is not None and theirs["deleted"] and not held["deleted"]:
        # A removal there asked again against this very cadre (``removals_decided_apart``):
        # ended now, and kept as a new assignment made in that moment.
        update_row(store, "cadre_assignments", held, {"deleted": 1, **now}, at)
        if choice == "keep_mine":
            insert_rows(store, [("cadre_assignments", _given_again(held, now))], at)
        return
    # Taking the package's ends this file's live cadre of the target, never the package's
    # own assignment should it be that one by now; keeping it gives it a new version. A
    # removal taken ends it at the removal's version: the sign by which the other laptop,
    # had it kept that cadre apart, knows its cadre ended without its decision seen.
    if c.local is not None and c.local["id"] != theirs["id"]:
        if choice == "take_theirs" and theirs["deleted"]:
            ended = {"deleted": 1, **version_stamps(theirs)}
        elif choice == "take_theirs" or again:
            ended = {"deleted": 1, **now}
        else:
            ended = now
        update_row(store, "cadre_assignments", c.local, ended, at)
        if again and choice == "keep_mine":
            insert_rows(store, [("cadre_assignments", _given_again(c.local, now))], at)
    if held is None:
        taken = choice == "take_theirs" and not theirs["deleted"]
        row = {**theirs, **now, "deleted": 0} if taken else {**theirs, "deleted": 1}
        insert_rows(store, [("cadre_assignments", row)], at)
    elif again:
        # Its tombstone given this decision's version: the answer the other laptop reads
        # (a removal kept, or the cadre given again as a new assignment, replacing it).
        update_row(store, "cadre_assignments", held, now, at)
        if choice == "take_theirs":
            insert_rows(store, [("cadre_assignments", _given_again(theirs, now))], at)
    elif theirs["deleted"] and version(theirs) < version(held):
        # The package's ending of an assignment this file had ended too (``plan_ended_there``):
        # the two tombstones one, at the smaller version, as every merge makes them (taking
        # the package's undid what a merge had aligned, and a package sent before the other
        # laptop's own decision asked again).
        update_row(store, "cadre_assignments", held, version_stamps(theirs), at)


def _given_again(row: Mapping[str, Any], now: Mapping[str, str]) -> dict[str, Any]:
    """``row``'s cadre as a new assignment made ``now`` (``decide_cadre``)."""
    stamps = {"created_at": now["updated_at"], "created_device": now["updated_device"]}
    return {**row, "id": str(uuid.uuid4()), **stamps, **now, "deleted": 0}
