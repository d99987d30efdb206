"""Certificate numbers: given once per commune and year's lists, stored, reprinted unchanged.

A year's lists are a periodic review's and the monthly rounds that update them
(``series_of``): their certificates share one series, a month's new households taking the
next free numbers and a household re-certified for the same list keeping its number.

Only a file holding the round's decision numbers certificates (the certificate cites the
decision, and the commune officer's laptop is the one that records it): a surveyor's laptop
prints them with "Số: ……" and gets the numbers by package. Packages carry the numbers of
their households (``exported``); a merge takes a number this file lacks and records any
disagreement — a household with two numbers, a number held by two households — as a
conflict for the officer (``plan_incoming``, ``resolve``), never overwriting a number; a
household deleted in this file takes its number too (the family may hold the paper). The
numbers of households deleted in the sending file travel too, and a number given to a
household this file has no row of is held apart until it arrives (``db.certificate_reserve``).

The order of first assignment is the commune's list after the meeting (poor, then near-poor;
villages in the commune's order; household code), so a commune that prints all its
certificates at once gets them numbered as its list reads; an earlier round's (next year's
review begun before its certificates were first printed) as it was decided, its households'
villages and codes of then and those deleted since included, as its certificates print them
(``assign``'s ``earlier``). A number is stored by household id: a reprint carries it
whatever the household became since (moved, given a new code, deleted). A household that
joins the list later (a new vote after re-survey) gets the next free number; one that leaves
keeps its number unused, so no two families ever hold the same number of a round.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from db import driver
from db.report_queries import SENT_BACK, as_answered, connection
from db.result_docs import answered_code, answered_village
from forms.model import Category
from forms.roles import Action

_LISTED = (Category.POOR, Category.NEAR_POOR)


def numbers(conn: driver.Connection, round_id: str) -> dict[str, int]:
    """household id → its certificate number in the round."""
    return dict(
        conn.execute(
            "SELECT household_id, number FROM certificate_numbers WHERE round_id = ?",
            (round_id,),
        )
    )


def assign(store: Any, round_id: str, *, earlier: str | None = None) -> int:
    """Numbers the households on the round's poor and near-poor lists after the meeting that
    have none yet; returns how many were numbered. One transaction, so two prints at once
    cannot hand out the same number (the UNIQUE constraint would refuse it anyway).

    ``earlier``: the round is earlier than the file's current round, its lists made at that
    time (``report_queries.as_decided_since``); its list is numbered as its certificates
    print it (``report_queries.after_meeting``): in the village and code order its answers
    hold, households deleted after its lists were made included. Read from today's file, a
    household that moved or changed code since took its place in today's order, and one
    deleted after the decision got no number at all ("Số: ……" on its certificate).

    Nothing is numbered while the round has no decision in this file: see the module."""
    store.require(Action.CERTIFICATES)
    conn = connection(store)
    if not has_decision(conn, round_id):
        return 0
    missing = _unnumbered(conn, round_id, earlier)
    if not missing:
        return 0
    from db.store import now_utc

    series = series_of(store, round_id)
    with store.transaction():
        top = max(highest(conn, rid) for rid in series)
        held = _held(conn, [rid for rid in series if rid != round_id])
        at = now_utc()
        rows = []
        for hid, category in missing:
            kept = held.get(hid)
            if kept is not None and kept[1] == category:
                number = kept[0]  # its certificate of these lists, as it was given
            else:
                top += 1
                number = top
            rows.append((round_id, hid, number, at, store.device))
        conn.executemany(
            "INSERT INTO certificate_numbers (round_id, household_id, number, assigned_at,"
            " assigned_device) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return len(missing)


def _unnumbered(
    conn: driver.Connection, round_id: str, earlier: str | None
) -> list[tuple[str, str]]:
    """(household id, category) of the round's listed households without a number, in the
    order of the commune's list after the meeting: poor, then near-poor; villages in the
    commune's order (any other after, by name); household code (``assign``'s ``earlier``:
    the village and code of the round's answers)."""
    answers, join, (live, *live_params) = as_answered(earlier)
    listed = ",".join(f"'{c.value}'" for c in _LISTED)
    rows = conn.execute(
        "SELECT h.id, r.category, h.village, h.code" + answers + " FROM results r"
        " JOIN households h ON h.id = r.household_id"
        " LEFT JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id"
        " LEFT JOIN certificate_numbers c ON c.round_id = r.round_id AND c.household_id = h.id"
        f"{join} WHERE r.round_id = ? AND {live} AND r.category IN ({listed})"
        f" AND NOT {SENT_BACK} AND c.household_id IS NULL",
        [round_id, *live_params],
    )
    position = {
        str(name): i
        for i, (name,) in enumerate(
            conn.execute("SELECT name FROM villages ORDER BY position, name")
        )
    }
    rank = {c.value: i for i, c in enumerate(_LISTED)}
    keyed = []
    for hid, category, village, code, blob in rows:  # a snapshot at a time, not all held
        village = answered_village(blob) or village
        at = position.get(village)
        order = (rank[category], at is None, at or 0, village, answered_code(blob) or code)
        keyed.append((order, str(hid), str(category)))
    keyed.sort()
    return [(hid, category) for _order, hid, category in keyed]


def series_of(store: Any, round_id: str) -> list[str]:
    """The rounds whose certificates share one series of numbers: a year's lists, as the
    periodic review made them and the monthly rounds updating them
    (``db.year_round.lists_of``). A month numbered on its own from 1 gave "Số 0002, hộ
    nghèo năm 2026" to two families, and a second number to a household already certified
    for the year."""
    from db.year_round import lists_of

    rounds, bases = lists_of(store)
    at = next((i for i, r in enumerate(rounds) if r.id == round_id), None)
    if at is None or bases[at] is None:
        return [round_id]
    return [r.id for r, base in zip(rounds, bases, strict=True) if base == bases[at]]


def _held(conn: driver.Connection, round_ids: list[str]) -> dict[str, tuple[int, str]]:
    """household id → (its number, its category where numbered) in ``round_ids``, the
    latest round's where it has several."""
    if not round_ids:
        return {}
    marks = ",".join("?" * len(round_ids))
    held: dict[str, tuple[int, str]] = {}
    order = {rid: i for i, rid in enumerate(round_ids)}
    rows = conn.execute(
        "SELECT c.round_id, c.household_id, c.number, r.category FROM certificate_numbers c"
        " JOIN results r ON r.household_id = c.household_id AND r.round_id = c.round_id"
        f" WHERE c.round_id IN ({marks})",
        round_ids,
    ).fetchall()
    for _rid, hid, number, category in sorted(rows, key=lambda row: order[row[0]]):
        held[hid] = (int(number), str(category))
    return held


def has_decision(conn: driver.Connection, round_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM decisions WHERE round_id = ?", (round_id,)).fetchone()
    return row is not None


def highest(conn: driver.Connection, round_id: str) -> int:
    """The highest number ever seen for the round: stored here, held for a household this
    file has no row of (``certificate_reserved``), or met in a package's conflict. A number
    taken from a household by a decision (``resolve``) or held by another laptop's
    certificate is never handed out again."""
    row = conn.execute(
        "SELECT MAX(n) FROM (SELECT MAX(number) AS n FROM certificate_numbers WHERE round_id = ?"
        " UNION ALL SELECT MAX(number) FROM certificate_reserved WHERE round_id = ?"
        " UNION ALL SELECT MAX(MAX(incoming_number), COALESCE(MAX(local_number), 0))"
        " FROM certificate_conflicts WHERE round_id = ?)",
        (round_id, round_id, round_id),
    ).fetchone()
    return int(row[0] or 0)


# --- through packages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Carried:
    """One household's certificate number as a package carries it (round id as the sending
    file names it)."""

    round_id: str
    household_id: str
    number: int
    assigned_at: str
    assigned_device: str
    # The household's code as the sender knew it: carried with the numbers of households
    # the package does not bring live ("certificate_numbers_kept"), which this file may hold
    # no row of, for the officer to read in a conflict; "" when not known.
    code: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "household": self.household_id,
            "number": self.number,
            "assigned_at": self.assigned_at,
            "assigned_device": self.assigned_device,
        }

    def kept_dict(self) -> dict[str, Any]:
        """An entry of "certificate_numbers_kept" (``docs/exchange-format.md``)."""
        return {**self.to_dict(), "code": self.code}


def exported(conn: driver.Connection, household_ids: Iterable[str]) -> list[Carried]:
    """The numbers of these households in every round, for a package."""
    ids = list(household_ids)
    out: list[Carried] = []
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        marks = ",".join("?" * len(part))
        out.extend(
            Carried(*row)
            for row in conn.execute(
                "SELECT round_id, household_id, number, assigned_at, assigned_device"
                f" FROM certificate_numbers WHERE household_id IN ({marks})"
                " ORDER BY round_id, number",
                part,
            )
        )
    return out


ConflictKind = Literal["two_numbers", "number_taken"]
Choice = Literal["keep_mine", "take_theirs"]


@dataclass(frozen=True)
class CertificateConflict:
    id: str
    round_id: str
    household_id: str
    code: str  # the household's code here
    kind: ConflictKind
    incoming_number: int
    local_number: int | None  # the household's number here
    other_code: str | None  # for number_taken: the household holding the number here
    incoming_device: str
    package_id: str
    source: str
    created_at: str

    def describe(self) -> str:
        """Vietnamese, for the receipt, the command line and the conflicts screen."""
        theirs = f"số {self.incoming_number:04d} (máy {self.incoming_device})"
        if self.kind == "two_numbers":
            mine = f"{self.local_number:04d}" if self.local_number else "……"
            return (
                f"Hộ {self.code}: giấy chứng nhận mang số {mine} ở tệp này nhưng {theirs} "
                "trong gói; giữ số của tệp này cho đến khi cán bộ quyết định."
            )
        # Held for a household this file has no row of (``certificate_reserved``).
        other = f"hộ {self.other_code}" if self.other_code else "một hộ chưa có ở tệp này"
        return (
            f"Hộ {self.code}: gói cấp {theirs}, nhưng số này ở tệp này là của {other}; "
            f"giữ số của {other} cho đến khi cán bộ quyết định."
        )


@dataclass(frozen=True)
class MergePlan:
    """What a package's numbers do to this file, read only."""

    take: list[Carried]  # numbers this file lacks, free here: stored as they are
    conflicts: list[tuple[ConflictKind, Carried, int | None, str | None]]
    skipped: list[Carried]  # rounds this file does not hold after the merge
    # Numbers of households this file has no row of, held in ``certificate_reserved``
    # until the household arrives (``db.certificate_reserve``).
    reserve: list[Carried] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.take and not self.conflicts and not self.reserve


def plan_incoming(
    conn: driver.Connection,
    carried: Iterable[Carried],
    round_map: Mapping[str, str],
    present: set[str],
    codes: Mapping[str, str] | None = None,
) -> MergePlan:
    """``round_map``: the package's round id → this file's; ``present``: household ids that
    are live here once the merge's households are written; ``codes``: household id → code
    of the package's households (kept with a reserved number). A number already known as a
    conflict (open or decided) is not raised again.

    A household deleted here (moved away, or purged) still takes the number the package
    gives it, or raises its conflict: the other laptop gave it, may have printed it and
    handed it to the family, and a number given is never given to another household
    (``highest``), as one given here before a deletion stays (a reprint of the round it
    was decided in still carries it). Skipped, this file did not know the number was held,
    and the next household to join the list here took it. A household this file has no row
    of (a new one waiting for the officer in a code conflict, one deleted on the sending
    laptop before it ever came here) has its number reserved (``certificate_reserved``):
    skipped, as it was until session 27, this file gave it to the next household to join
    its list. A reserved number counts as held: another household arriving with it raises
    ``number_taken``."""
    carried = list(carried)
    codes = codes or {}
    held_here = present | _households_here(conn, {c.household_id for c in carried} - present)
    take: list[Carried] = []
    conflicts: list[tuple[ConflictKind, Carried, int | None, str | None]] = []
    skipped: list[Carried] = []
    reserve: list[Carried] = []
    local_rounds = {r[0] for r in conn.execute("SELECT id FROM rounds")}
    by_round: dict[str, tuple[dict[str, int], dict[int, str]]] = {}
    reserved: dict[str, set[tuple[str, int]]] = {}
    for c in carried:
        rid = round_map.get(c.round_id, c.round_id)
        if rid not in local_rounds:
            skipped.append(c)
            continue
        if rid not in by_round:
            rows = conn.execute(
                "SELECT household_id, number FROM certificate_numbers WHERE round_id = ?", (rid,)
            ).fetchall()
            held = conn.execute(
                "SELECT household_id, number FROM certificate_reserved WHERE round_id = ?",
                (rid,),
            ).fetchall()
            reserved[rid] = {(h, n) for h, n in held}
            # A number stored here is its household's; one reserved, the absent household's.
            by_round[rid] = (dict(rows), {n: h for h, n in held} | {n: h for h, n in rows})
        of_household, of_number = by_round[rid]
        code = c.code or codes.get(c.household_id, "")
        local = Carried(rid, c.household_id, c.number, c.assigned_at, c.assigned_device, code)
        if c.household_id not in held_here:
            if (c.household_id, c.number) not in reserved[rid]:
                reserve.append(local)
                reserved[rid].add((c.household_id, c.number))
                of_number.setdefault(c.number, c.household_id)
            continue
        mine = of_household.get(c.household_id)
        holder = of_number.get(c.number)
        if holder == c.household_id:
            holder = None  # its own number, reserved until it arrived (``settle``)
        if mine == c.number:
            continue
        known = conn.execute(
            "SELECT 1 FROM certificate_conflicts WHERE round_id = ? AND household_id = ?"
            " AND incoming_number = ?",
            (rid, c.household_id, c.number),
        ).fetchone()
        if known is not None:
            continue
        if mine is not None:
            conflicts.append(("two_numbers", local, mine, None))
        elif holder is not None:
            conflicts.append(("number_taken", local, None, holder))
        else:
            take.append(local)
            # Later entries of the same package see this one as taken.
            of_household[c.household_id] = c.number
            of_number[c.number] = c.household_id
    return MergePlan(take, conflicts, skipped, reserve)


def _households_here(conn: driver.Connection, ids: set[str]) -> set[str]:
    """Those of ``ids`` this file holds a row of: deleted and purged households included."""
    wanted = sorted(ids)
    here: set[str] = set()
    for start in range(0, len(wanted), 900):
        part = wanted[start : start + 900]
        marks = ",".join("?" * len(part))
        here.update(
            r[0] for r in conn.execute(f"SELECT id FROM households WHERE id IN ({marks})", part)
        )
    return here


def apply_incoming(
    conn: driver.Connection, plan: MergePlan, package_id: str, source: str, at: str
) -> None:
    """Writes a plan inside the caller's transaction (the merge's)."""
    conn.executemany(
        "INSERT INTO certificate_numbers (round_id, household_id, number, assigned_at,"
        " assigned_device) VALUES (?, ?, ?, ?, ?)",
        [
            (c.round_id, c.household_id, c.number, c.assigned_at, c.assigned_device)
            for c in plan.take
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO certificate_conflicts (id, round_id, household_id, kind,"
        " incoming_number, local_number, other_household_id, incoming_device,"
        " incoming_assigned_at, package_id, source, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                str(uuid.uuid4()),
                c.round_id,
                c.household_id,
                kind,
                c.number,
                mine,
                other,
                c.assigned_device,
                c.assigned_at,
                package_id,
                source,
                at,
            )
            for kind, c, mine, other in plan.conflicts
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO certificate_reserved (round_id, household_id, code, number,"
        " assigned_at, assigned_device, package_id, source, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.round_id,
                c.household_id,
                c.code,
                c.number,
                c.assigned_at,
                c.assigned_device,
                package_id,
                source,
                at,
            )
            for c in plan.reserve
        ],
    )


_CONFLICT_SQL = (
    "SELECT c.id, c.round_id, c.household_id, h.code, c.kind, c.incoming_number,"
    " (SELECT number FROM certificate_numbers n WHERE n.round_id = c.round_id"
    " AND n.household_id = c.household_id),"
    " COALESCE((SELECT o.code FROM certificate_numbers n JOIN households o"
    " ON o.id = n.household_id WHERE n.round_id = c.round_id AND n.number = c.incoming_number"
    " AND n.household_id <> c.household_id), (SELECT r.code FROM certificate_reserved r"
    " WHERE r.round_id = c.round_id AND r.number = c.incoming_number"
    " AND r.household_id = c.other_household_id)),"
    " c.incoming_device, c.package_id, c.source, c.created_at"
    " FROM certificate_conflicts c JOIN households h ON h.id = c.household_id"
)


def open_conflicts(conn: driver.Connection) -> list[CertificateConflict]:
    """Disagreements still waiting for the officer, oldest first; the numbers as they are in
    this file now."""
    return [
        CertificateConflict(*row)
        for row in conn.execute(
            _CONFLICT_SQL + " WHERE c.resolved_at IS NULL ORDER BY c.created_at, h.code"
        )
    ]


def conflicts_from(conn: driver.Connection, package_id: str) -> list[CertificateConflict]:
    return [
        CertificateConflict(*row)
        for row in conn.execute(
            _CONFLICT_SQL + " WHERE c.package_id = ? ORDER BY h.code", (package_id,)
        )
    ]


def resolve(store: Any, conflict_id: str, choice: Choice) -> CertificateConflict:
    """The officer's decision. ``keep_mine``: this file's numbers stand (the other laptop's
    certificate is to be reissued). ``take_theirs``: the household takes the package's
    number; a household holding it here loses it and gets the next free number at the next
    print. A number given up is never handed out again (``highest``). Audited."""
    store.require(Action.CERTIFICATES)
    from db.errors import StoreError
    from db.store import now_utc

    conn = store.conn
    found = [c for c in open_conflicts(conn) if c.id == conflict_id]
    if not found:
        raise StoreError("Không tìm thấy xung đột số giấy chứng nhận này, hoặc đã được giải quyết.")
    c = found[0]
    at = now_utc()
    with store.transaction(source=f"giải quyết xung đột số giấy chứng nhận: {c.source}"):
        before = {"number": c.local_number}
        if choice == "take_theirs":
            conn.execute(
                "DELETE FROM certificate_numbers WHERE round_id = ? AND (household_id = ?"
                " OR number = ?)",
                (c.round_id, c.household_id, c.incoming_number),
            )
            conn.execute(
                "INSERT INTO certificate_numbers (round_id, household_id, number, assigned_at,"
                " assigned_device) VALUES (?, ?, ?, ?, ?)",
                (c.round_id, c.household_id, c.incoming_number, at, store.device),
            )
        conn.execute(
            "UPDATE certificate_conflicts SET resolved_at = ?, resolution = ?, resolved_by = ?"
            " WHERE id = ?",
            (at, choice, store.user, c.id),
        )
        after = {
            "number": c.incoming_number if choice == "take_theirs" else c.local_number,
            "resolution": choice,
            "other": c.other_code,
        }
        store.record_change(
            "certificate_conflicts", c.id, c.household_id, "update", before, after, at
        )
    return c
