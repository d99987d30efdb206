"""Planning a merge (reads only): what each of a package's households becomes here.

``plan`` decides each household's step by rev ancestry (``history.Ancestry`` over
``household_revs`` and the package's own history): unchanged or older, changed only there
(added, updated, deleted), changed on both sides (a conflict), a code taken by another
household, purged here or purged by the sender. ``Lookups`` reads what it needs of this
file by chunks; the other helpers read, once a merge, what the writing needs decided before
it starts: the package's rounds as this file's (``round_map``), the households live
afterwards (``live_after``), the year-round records taken (``plan_year_round``).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from db import certificates, driver
from db.exchange import history, purged_part, year_round_part, year_round_rows
from db.exchange.errors import PackageError
from db.exchange.merge_results import result_gaps, settle_results
from db.exchange.merge_stream import LEAN_RESULT, again, id_numbers, is_lean
from db.exchange.package import Package, PackageRecord
from db.exchange.receipt import Action
from db.store import Store
from forms.model import Household


@dataclass(slots=True)  # one a household: 112 bytes instead of 160, made in half the time
class Planned:
    record: PackageRecord
    action: Action
    local_rev: str | None
    detail: str = ""
    # Same household version on both sides, but results (round id -> result) this file lacks:
    # a reclassification saved without editing the household. Only these are written.
    only_results: dict[str, dict[str, Any]] | None = None
    warn: bool = False  # the detail goes to the receipt's warnings too
    # Deleted on both sides, each without the other's last version: the two histories are
    # joined (a rev with both as parents), with nothing for the officer to decide.
    join: bool = False
    # Purged on the sending laptop (``purged_by_package``): its tombstone, and the revs of
    # this file the purge never saw (rev, at, user, device), listed on the receipt.
    purge: purged_part.Carried | None = None
    unseen: list[tuple[str, str, str, str]] | None = None


def plan(
    store: Store,
    package: Package,
    round_map: dict[str, str] | None = None,
    purging: Mapping[str, purged_part.Carried] | None = None,
) -> list[Planned]:
    """``purging``: the package's purges this file applies (``purges``)."""
    conn = store.conn
    round_map = round_map or {}
    purging = purging or {}
    carried = {t.id for t in package.purged}
    ancestry = history.Ancestry(conn, package.records)
    in_package = _package_id_numbers(package)
    holds = PackageHolds(package.records)
    decided: set[tuple[str, str]] = {
        (r[0], r[1])
        for r in conn.execute(
            "SELECT household_id, incoming_rev FROM exchange_conflicts"
            " WHERE resolved_at IS NOT NULL"
        )
    }
    purged = {r[0] for r in conn.execute("SELECT id FROM purged_households")}
    out: list[Planned] = []
    unheard: dict[str, Household] = {}  # rev -> the household listing it, to look up
    # Of a lean package (``merge_stream``), the steps whose results are compared with this
    # file's: decided once the package is read again for them (read only).
    pending: dict[str, int] = {}
    known = Lookups(conn, [])
    for n, rec in enumerate(package.records):
        if n % LOOKUP_CHUNK == 0:
            # What this file holds about the next records (reads only: nothing is written
            # while planning, so a chunk at a time reads what all at once would).
            part = package.records[n : n + LOOKUP_CHUNK]
            known = Lookups(conn, [r.household for r in part])
            ancestry.read_local(known.rows)
        h = rec.household
        row = known.rows.get(h.id)
        if row is not None:
            # Its revs here are all read (``read_local``): one another household's refuses
            # the package; the others (new to the file, or another household's) are looked
            # up after the loop, about one a household updated.
            unheard.update(_not_its_own(conn, ancestry, rec))
        if h.id in purged:
            if h.id in carried:  # purged there too (the purge travelled): nothing to say
                out.append(Planned(rec, "purged", row[0] if row else None))
                continue
            # The officer purged its personal data here (db.purge): a laptop that still
            # had it must not bring it back; said on the receipt, never silently.
            detail = "dữ liệu cá nhân của hộ đã được xoá hẳn ở máy này, không nhận lại"
            out.append(Planned(rec, "purged", row[0] if row else None, detail, warn=True))
            continue
        if h.id in purging and row is not None:
            out.append(_purge_step(conn, ancestry, rec, row[0], purging[h.id]))
            continue
        if (h.id, rec.rev) in decided:
            out.append(Planned(rec, "decided", row[0] if row else None))
            continue
        if row is None:
            if rec.deleted:
                out.append(Planned(rec, "unchanged", None, "đã xoá ở máy gửi"))
                continue
            taken = known.code_owner(h.code, h.id)
            if taken:
                # Kept for the officer's decision, which writes its revs then.
                unheard.update((r.rev, h) for r in rec.revs)
                out.append(
                    Planned(rec, "code_taken", None, f"mã hộ đã dùng cho hộ của {taken} ở đây")
                )
                continue
            hint = known.duplicate_hint(h, in_package, holds)
            out.append(Planned(rec, "added", None, hint, warn=bool(hint)))
            continue
        local_rev, local_deleted, _code = row[0], bool(row[1]), row[2]
        if ancestry.is_ancestor(rec.rev, local_rev):
            if rec.rev == local_rev and rec.results and not rec.deleted:
                if is_lean(rec):
                    pending[h.id] = len(out)
                    out.append(Planned(rec, "unchanged", local_rev))
                    continue
                step = _results_step(store, rec, rec, local_rev, round_map)
                if step is not None:
                    out.append(step)
                    continue
            out.append(Planned(rec, "unchanged" if rec.rev == local_rev else "older", local_rev))
        elif ancestry.is_ancestor(local_rev, rec.rev):
            if not rec.deleted:
                taken = known.code_owner(h.code, h.id)
                if taken:
                    # Never the other household's head by name: receipts are printed and kept.
                    detail = "mã hộ mới đã dùng cho một hộ khác ở đây"
                    out.append(Planned(rec, "code_taken", local_rev, detail))
                    continue
            if rec.deleted and local_deleted:
                action: Action = "unchanged"
            else:
                action = "deleted" if rec.deleted else "updated"
            hint = known.duplicate_hint(h, in_package, holds)
            out.append(Planned(rec, action, local_rev, hint, warn=bool(hint)))
        elif rec.deleted and local_deleted:
            detail = "cả hai bên đều đã xoá hộ này"
            out.append(Planned(rec, "unchanged", local_rev, detail, join=True))
        else:
            out.append(Planned(rec, "conflict", local_rev, _conflict_detail(local_deleted, rec)))
    why = rev_clash(conn, unheard)
    if why is not None:
        raise PackageError(why)
    for whole in again(package, pending) if pending else ():
        i = pending[whole.household.id]
        kept = out[i]
        step = _results_step(store, whole, kept.record, kept.local_rev or "", round_map)
        if step is not None:
            out[i] = step
    return out


BOTH_CHANGED = "cả hai bên đều đã sửa hộ này"


def _conflict_detail(local_deleted: bool, rec: PackageRecord) -> str:
    """What the receipt says of a household changed on both sides: which side deleted it
    (every such conflict said "cả hai bên đều đã sửa hộ này", a deletion on either side
    too). The fields that differ are named when the conflict is stored, its record whole
    (``merge_apply.name_fields``)."""
    if local_deleted:
        return "tệp này đã xoá hộ, máy gửi vẫn sửa tiếp"
    if rec.deleted:
        return "máy gửi đã xoá hộ, tệp này đã sửa tiếp"
    return BOTH_CHANGED


def rev_elsewhere(code: str, other: str) -> str:
    """A package's household ``code`` listing in its history a rev this file keeps as the
    household ``other``'s: what the officer reads (a rev names one household)."""
    return (
        f"Hộ {code} của gói ghi trong lịch sử một phiên bản của hộ {other} đã có trong tệp"
        " này: gói đã bị sửa tay hoặc bị hỏng."
    )


def _not_its_own(
    conn: driver.Connection, ancestry: history.Ancestry, rec: PackageRecord
) -> list[tuple[str, Household]]:
    """The revs of ``rec`` (a household here, its revs here read by ``ancestry``) that are
    not its own here, to look up; raises ``PackageError`` for one that is another
    household's among those read."""
    h = rec.household
    out = []
    for r in rec.revs:
        owner = ancestry.owner(r.rev)
        if owner is None:
            out.append((r.rev, h))
        elif owner != h.id:
            other = conn.execute("SELECT code FROM households WHERE id = ?", (owner,)).fetchone()
            raise PackageError(rev_elsewhere(h.code, other[0] if other else "?"))
    return out


def rev_clash(conn: driver.Connection, listing: Mapping[str, Household]) -> str | None:
    """What to tell the officer when a rev of ``listing`` (rev -> the package's household
    listing it) is here as another household's; None when none is. Looked up 900 at a time."""
    for part, marks in chunks(sorted(listing)):
        for rev, household_id, code in conn.execute(
            "SELECT r.rev, r.household_id, h.code FROM household_revs r"
            f" JOIN households h ON h.id = r.household_id WHERE r.rev IN ({marks})",
            part,
        ):
            if household_id != listing[rev].id:
                return rev_elsewhere(listing[rev].code, code)
    return None


# Records whose rows in this file are read at once while planning.
LOOKUP_CHUNK = 5_000


def _results_step(
    store: Store,
    whole: PackageRecord,
    kept: PackageRecord,
    local_rev: str,
    round_map: dict[str, str],
) -> Planned | None:
    """The step of a household whose version here is the package's and which carries
    results (``whole``, decoded whole): results this file lacks or that differ
    (``merge_results``), or None when they are this file's. ``kept``: the record the step
    holds (``whole``, or its lean record: the results this file lacks are then read again
    with it when written, ``LEAN_RESULT`` in their place)."""
    missing, differing = result_gaps(store.conn, whole, round_map)
    recomputed, notes = settle_results(store, whole, differing)
    if missing or recomputed:
        if kept is not whole:
            missing = dict.fromkeys(missing, LEAN_RESULT)
        details = ["thêm kết quả phân loại (hộ không đổi)"] if missing else []
        return Planned(
            kept,
            "updated",
            local_rev,
            "; ".join(details + notes),
            only_results={**missing, **recomputed},
            warn=bool(notes),
        )
    if notes:
        return Planned(kept, "unchanged", local_rev, "; ".join(notes), warn=True)
    return None


def _purge_step(
    conn: driver.Connection,
    ancestry: history.Ancestry,
    rec: PackageRecord,
    local_rev: str,
    stone: purged_part.Carried,
) -> Planned:
    """A household purged on the sending laptop and held here. The purge was an officer's
    justified decision there: it wins over whatever this file holds, changed since or not.
    What it never saw (this file's revs that are not ancestors of the version it purged) is
    not dropped silently: each is named on the receipt, by who, when and on which laptop."""
    unseen = [
        (r[0], r[1], r[2], r[3])
        for r in conn.execute(
            "SELECT rev, at, user, device FROM household_revs WHERE household_id = ?"
            " ORDER BY at, rowid",
            (rec.household.id,),
        )
        if not ancestry.is_ancestor(r[0], rec.rev)
    ]
    detail = (
        f"từ máy {stone.purged_device} ({stone.purged_by} xoá hẳn ngày {_vn_day(stone.purged_at)})"
    )
    if unseen:
        edits = "; ".join(
            f"{user or '?'}, {_vn_day(at)} {at[11:16]}, máy {device}"
            for _, at, user, device in unseen[:5]
        ) + (f"; và {len(unseen) - 5} lần khác" if len(unseen) > 5 else "")
        detail += (
            f"; tệp này có {len(unseen)} lần sửa hộ mà máy đó chưa thấy khi xoá hẳn ({edits}):"
            " việc xoá hẳn vẫn được áp dụng, các thay đổi này bị xoá cùng"
        )
    return Planned(
        rec, "purged_by_package", local_rev, detail, warn=bool(unseen), purge=stone, unseen=unseen
    )


def _vn_day(iso: str) -> str:
    """dd/mm/yyyy of an ISO time (UTC, as stored); the text itself when it is not one."""
    day = iso[:10]
    return f"{day[8:10]}/{day[5:7]}/{day[:4]}" if len(day) == 10 and day[4] == "-" else iso


def _package_id_numbers(package: Package) -> dict[str, tuple[tuple[str, str], ...]]:
    """ID number -> (household id, code) of every live household of the package carrying it,
    kept only for the numbers two households carry: the others hint at nothing. 100,000
    households carry about 385,000 numbers, seen first under a number (its length beside
    its digits: a CMND is not the CCCD with its leading zeros) and the record's place."""
    first: dict[int, int] = {}
    shared: dict[str, tuple[tuple[str, str], ...]] = {}
    records = package.records
    for place, rec in enumerate(records):
        if rec.deleted:
            continue
        for number in id_numbers(rec.household):
            seen = first.setdefault(int(number) * 100 + len(number), place)
            if seen != place:
                pair = (rec.household.id, rec.household.code)
                other = records[seen].household
                held = shared.get(number, ((other.id, other.code),))
                if pair not in held:
                    shared[number] = (*held, pair)
    return shared


def chunks(values: list[str], size: int = 900) -> Iterator[tuple[list[str], str]]:
    """(values, "?,?,…") by SQLite-sized chunks (at most 999 parameters in older builds)."""
    for start in range(0, len(values), size):
        part = values[start : start + size]
        yield part, ",".join("?" * len(part))


class Lookups:
    """What planning (and a conflict's decision) needs to know of this file about some
    households, read by chunks of a few hundred: one query per household made planning a
    5,000-household package take as long as reading it."""

    def __init__(self, conn: driver.Connection, households: list[Household]) -> None:
        self.rows: dict[str, tuple[str, int, str]] = {}  # id -> (rev, deleted, code)
        for ids, marks in chunks(sorted({h.id for h in households})):
            for hid, rev, deleted, code in conn.execute(
                f"SELECT id, rev, deleted, code FROM households WHERE id IN ({marks})", ids
            ):
                self.rows[hid] = (rev, deleted, code)
        self.live_codes: dict[str, tuple[str, str]] = {}  # code -> (id, head name or code)
        for codes, marks in chunks(sorted({h.code for h in households})):
            for hid, code, head in conn.execute(
                "SELECT id, code, head_name FROM households WHERE deleted = 0"
                f" AND code IN ({marks})",
                codes,
            ):
                self.live_codes[code] = (hid, head or code)
        self._conn = conn
        self._households = households

    @functools.cached_property
    def id_numbers(self) -> dict[str, set[tuple[str, str]]]:
        """ID number -> (household id, code) of the live households here carrying it, but
        the household that alone of those looked up carries it: a household's own numbers
        hint at nothing (``duplicate_hint``), and a household already here finds them all.
        Read at the first hint asked for: a package's households unchanged here ask none
        (nothing is written while planning, so it reads what it would have read first)."""
        found: dict[str, set[tuple[str, str]]] = {}
        alone: dict[str, str] = {}  # number -> the one of the households carrying it, or ""
        for h in self._households:
            for n in id_numbers(h):
                if alone.setdefault(n, h.id) != h.id:
                    alone[n] = ""
        for part, marks in chunks(sorted(alone)):
            for number, hid, code in self._conn.execute(
                "SELECT m.id_number, hh.id, hh.code FROM members m JOIN households hh"
                " ON hh.id = m.household_id WHERE m.deleted = 0 AND hh.deleted = 0"
                f" AND m.id_number IN ({marks})",
                part,
            ):
                if alone[number] != hid:
                    found.setdefault(number, set()).add((hid, code))
        return found

    def code_owner(self, code: str, household_id: str) -> str | None:
        """Who holds ``code`` here, when another live household does."""
        found = self.live_codes.get(code)
        return found[1] if found is not None and found[0] != household_id else None

    def duplicate_hint(
        self,
        h: Household,
        in_package: Mapping[str, Collection[tuple[str, str]]] | None = None,
        holds: PackageHolds | None = None,
    ) -> str:
        """Members' ID numbers that already belong to another household here, or to another
        household of the same package: the same household may have been entered twice under
        two codes (on one laptop, or on two). Flagged, never merged automatically. ``h``:
        one of the households looked up. ``holds``: the package's own versions, so that a
        household here whose version in the package no longer carries the number (a member
        who left it for a household split off, tách hộ) hints at nothing."""
        numbers = id_numbers(h)
        in_package = in_package or {}
        if self.id_numbers.keys().isdisjoint(numbers) and in_package.keys().isdisjoint(numbers):
            return ""  # most households: none of their numbers is another's
        here = {
            code
            for n in numbers
            for hid, code in self.id_numbers.get(n, ())
            if hid != h.id and (holds is None or holds.carries(hid, n) is not False)
        }
        packed = {
            code for n in numbers for hid, code in in_package.get(n, ()) if hid != h.id
        } - here
        hints = []
        if here:
            hints.append(
                f"có thể trùng hộ mã {', '.join(sorted(here))} (cùng số CCCD của thành viên)"
            )
        if packed:
            hints.append(
                f"có thể trùng hộ mã {', '.join(sorted(packed))} trong cùng gói"
                " (cùng số CCCD của thành viên)"
            )
        return "; ".join(hints)


class PackageHolds:
    """Which ID numbers the package's own version of a household carries, looked up only
    for the few households a duplicate hint names (the index built at the first)."""

    def __init__(self, records: Sequence[PackageRecord]) -> None:
        self._records = records
        self._at: dict[str, int] | None = None

    def carries(self, household_id: str, number: str) -> bool | None:
        """Whether the package's version of the household carries ``number`` (False when
        the package deletes it); None when the package does not hold the household."""
        if self._at is None:
            self._at = {r.household.id: i for i, r in enumerate(self._records)}
        at = self._at.get(household_id)
        if at is None:
            return None
        rec = self._records[at]
        return not rec.deleted and number in id_numbers(rec.household)


def round_map(store: Store, package: Package) -> dict[str, str]:
    """Package round id -> local round id (same id; else the same periodic year); rounds
    unknown here are created with the package's id. Checked before anything is written."""
    local = store.rounds()
    local_ids = {r.id for r in local}
    rounds = package.commune.get("rounds", [])
    if not isinstance(rounds, list):
        raise PackageError("Danh sách kỳ rà soát trong gói bị hỏng.")
    by_id: dict[str, dict[str, Any]] = {}
    for r in rounds:
        ok = (
            isinstance(r, dict)
            and isinstance(r.get("id"), str)
            and isinstance(r.get("year"), int)
            and isinstance(r.get("standard_id"), str)
            and r.get("kind") in ("periodic", "adhoc")
        )
        if not ok:
            raise PackageError("Một kỳ rà soát trong gói không hợp lệ.")
        by_id[r["id"]] = r
    mapping: dict[str, str] = {}
    for rec in package.records:
        for round_id in rec.results:
            if round_id in mapping:
                continue
            if round_id in local_ids:
                mapping[round_id] = round_id
                continue
            r = by_id.get(round_id)
            if r is None:
                raise PackageError(
                    f"Hộ {rec.household.code} có kết quả của một kỳ rà soát không có trong gói."
                )
            same = [x for x in local if x.year == r["year"] and x.kind == "periodic" == r["kind"]]
            if r["kind"] == "adhoc":
                # One regular round a month: another laptop's round of the same month is
                # this one's (two laptops opening November left the file with two, and the
                # screen and the upper level's monthly report read different ones).
                month = _month(r.get("reference_date"))
                same = [
                    x
                    for x in local
                    if x.kind == "adhoc"
                    and x.year == r["year"]
                    and month is not None
                    and x.reference_date is not None
                    and x.reference_date.month == month
                ]
            mapping[round_id] = same[0].id if same else round_id
    return mapping


def _month(value: Any) -> int | None:
    """The month of a package round's reference date (ISO text), None when it has none."""
    try:
        return date.fromisoformat(value).month if isinstance(value, str) else None
    except ValueError:
        return None


def live_after(store: Store, steps: list[Planned]) -> set[str]:
    """The households live here once the merge is written: what the certificate numbers
    and the year-round records of the package are taken for (a household left in conflict
    gets them when a later package brings them again after the decision). Read once a merge."""
    live = {r[0] for r in store.conn.execute("SELECT id FROM households WHERE deleted = 0")}
    for step in steps:
        hid = step.record.household.id
        if step.action == "added":
            live.add(hid)
        elif step.action in ("deleted", "purged_by_package"):
            live.discard(hid)
    return live


def plan_year_round(
    store: Store,
    package: Package,
    steps: list[Planned],
    round_map: dict[str, str],
    live: set[str],
) -> year_round_rows.Plan:
    """Applications, support and cadres of the households live here once the merge is
    written (``db.exchange.year_round_part``); nothing read for a package carrying none."""
    if not year_round_part.carries_rows(package.year_round):
        return year_round_rows.Plan()
    codes = {r.household.id: r.household.code for r in package.records}
    villages = {" ".join(v.name.split()) for v in store.villages()}
    villages |= {
        " ".join(s.record.household.village.split())
        for s in steps
        if s.action in ("added", "updated")
    }
    return year_round_part.plan(store.conn, package.year_round, live, villages, codes, round_map)


def certificate_warning(
    store: Store,
    kind: certificates.ConflictKind,
    c: certificates.Carried,
    mine: int | None,
    other: str | None,
) -> str:
    # A number held for a household with no row here: the code it was reserved under.
    codes = dict(
        store.conn.execute(
            "SELECT household_id, code FROM certificate_reserved"
            " WHERE household_id = ? AND round_id = ? AND number = ?"
            " UNION ALL SELECT id, code FROM households WHERE id IN (?, ?)",
            (other or "", c.round_id, c.number, c.household_id, other or ""),
        ).fetchall()
    )
    return certificates.CertificateConflict(
        id="",
        round_id=c.round_id,
        household_id=c.household_id,
        code=codes.get(c.household_id, c.household_id),
        kind=kind,
        incoming_number=c.number,
        local_number=mine,
        other_code=codes.get(other or "", other) or None,
        incoming_device=c.assigned_device,
        package_id="",
        source="",
        created_at="",
    ).describe()


def known_conflict(store: Store, step: Planned) -> bool:
    row = store.conn.execute(
        "SELECT 1 FROM exchange_conflicts WHERE household_id = ? AND incoming_rev = ?",
        (step.record.household.id, step.record.rev),
    ).fetchone()
    return row is not None
