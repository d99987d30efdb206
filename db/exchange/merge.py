"""Import a package into a commune file: validate it whole, plan, then apply in ONE transaction.

Households are matched by id (the same household keeps its id on every laptop that started
from the same commune file) and checked by code. For each incoming household, with the
ancestry of revs (``household_revs`` plus the package's own history):

* incoming rev equal to, or an ancestor of, the local rev → nothing to do;
* local rev an ancestor of the incoming rev → changed only there: applied;
* otherwise → changed on both sides: a **conflict**, stored for the officer, never resolved
  silently. A new household whose code is taken here by another household is a conflict too.

Applying goes through the Store's own write helpers (members, causes, search index, audit
with the package as ``source``), then puts the incoming rev and its history in place.
"""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from db import certificates, driver, purge
from db.audit import Row
from db.audit import append as append_audit
from db.exchange import devices, history, purged_part, year_round_part
from db.exchange.errors import PackageError
from db.exchange.package import (
    Package,
    PackageRecord,
    RevEntry,
    read_package,
    record_from_dict,
    record_to_dict,
)
from db.exchange.receipt import Action, Entry, Receipt
from db.households import household_doc, household_from_docs
from db.records import Change, CommuneInfo
from db.search import index_text
from db.store import Store, _dumps, now_utc
from forms.classify import result_from_dict
from forms.model import Household, nfc
from forms.roles import Action as RoleAction
from forms.text import fold

Progress = Callable[[int, int], None]
Choice = Literal["keep_mine", "take_theirs"]


@dataclass
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


# --- planning (reads only) ----------------------------------------------------------------


def plan(
    store: Store,
    package: Package,
    round_map: dict[str, str] | None = None,
    purging: Mapping[str, purged_part.Carried] | None = None,
) -> list[Planned]:
    """``purging``: the package's purges this file applies (``_purges``)."""
    conn = store.conn
    round_map = round_map or {}
    purging = purging or {}
    carried = {t.id for t in package.purged}
    ancestry = history.Ancestry(conn)
    for rec in package.records:
        ancestry.add({r.rev: (r.parent_rev, r.merge_parent) for r in rec.revs})
    in_package = _package_id_numbers(package)
    known = _Lookups(conn, [r.household for r in package.records])
    decided: set[tuple[str, str]] = {
        (r[0], r[1])
        for r in conn.execute(
            "SELECT household_id, incoming_rev FROM exchange_conflicts"
            " WHERE resolved_at IS NOT NULL"
        )
    }
    purged = {r[0] for r in conn.execute("SELECT id FROM purged_households")}
    out: list[Planned] = []
    for rec in package.records:
        h = rec.household
        row = known.rows.get(h.id)
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
                out.append(
                    Planned(rec, "code_taken", None, f"mã hộ đã dùng cho hộ của {taken} ở đây")
                )
                continue
            hint = known.duplicate_hint(h, in_package)
            out.append(Planned(rec, "added", None, hint, warn=bool(hint)))
            continue
        local_rev, local_deleted, _code = row[0], bool(row[1]), row[2]
        if ancestry.is_ancestor(rec.rev, local_rev):
            if rec.rev == local_rev and rec.results and not rec.deleted:
                missing, differing = _result_gaps(conn, rec, round_map)
                recomputed, notes = _settle_results(store, rec, differing)
                if missing or recomputed:
                    details = ["thêm kết quả phân loại (hộ không đổi)"] if missing else []
                    out.append(
                        Planned(
                            rec,
                            "updated",
                            local_rev,
                            "; ".join(details + notes),
                            only_results={**missing, **recomputed},
                            warn=bool(notes),
                        )
                    )
                    continue
                if notes:
                    out.append(Planned(rec, "unchanged", local_rev, "; ".join(notes), warn=True))
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
            hint = known.duplicate_hint(h, in_package)
            out.append(Planned(rec, action, local_rev, hint, warn=bool(hint)))
        elif rec.deleted and local_deleted:
            detail = "cả hai bên đều đã xoá hộ này"
            out.append(Planned(rec, "unchanged", local_rev, detail, join=True))
        else:
            out.append(Planned(rec, "conflict", local_rev, "cả hai bên đều đã sửa hộ này"))
    return out


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


@dataclass
class Differing:
    """A round whose result differs on the two sides of one household version."""

    package_round: str  # the round id as the package names it
    local_round: str
    local: dict[str, Any]  # result_to_dict of this file's result
    incoming: dict[str, Any]


def _result_gaps(
    conn: driver.Connection, rec: PackageRecord, round_map: dict[str, str]
) -> tuple[dict[str, dict[str, Any]], list[Differing]]:
    """(results this file lacks, rounds whose results differ) for an unchanged household."""
    missing: dict[str, dict[str, Any]] = {}
    differing: list[Differing] = []
    for round_id, res in rec.results.items():
        local_round = round_map.get(round_id, round_id)
        row = conn.execute(
            "SELECT doc FROM results WHERE household_id = ? AND round_id = ?",
            (rec.household.id, local_round),
        ).fetchone()
        if row is None:
            missing[round_id] = res
        elif (local := json.loads(row[0])) != res:
            differing.append(Differing(round_id, local_round, local, res))
    return missing, differing


def _settle_results(
    store: Store, rec: PackageRecord, differing: list[Differing]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Same household version on both sides, different results for a round: (results to
    write, keyed by the package's round id; notes for the receipt).

    A result is not an edit: it is derived from the household as answered in the round and
    the round's standard, and the commune file's round (its standard, year and reference
    date) is authoritative. So neither side is chosen: the result is recomputed here with
    ``forms.classify``, the way the household editor computes it. If the recomputed result
    is this file's, it stays; otherwise the recomputed one is written (audited with the
    package as source). Either way the receipt names both categories and the recomputed
    one. It is not listed as a conflict: there is nothing for the officer to choose between
    that the standard does not already decide.

    Not recomputed (this file's result kept, the difference reported as before): a result
    of this file not computed from the forms (no indicator outcomes, e.g. last year's Excel
    list), a round whose answers here are not this household version (an earlier round,
    answered before later edits), or a standard this app does not know."""
    from forms.classify import classify, result_to_dict
    from forms.codec import to_dict
    from forms.standards import StandardError, load_standard

    write: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for d in differing:
        rnd = store.round(d.local_round)
        theirs, ours = _category_label(d.incoming), _category_label(d.local)
        year = f"kỳ {rnd.year}" if rnd is not None else "một kỳ"
        kept = (
            f"kết quả phân loại {year} khác nhau ở hai bên (xã: {ours}; gói: {theirs},"
            f" {_standard_label(d.incoming)}); giữ kết quả của xã"
        )
        answers = store.answers_for(rec.household.id, d.local_round)
        if (
            rnd is None
            or not d.local.get("indicators")
            or answers is None
            or to_dict(answers) != to_dict(rec.household)
        ):
            notes.append(kept + " (không tính lại được từ phiếu)")
            continue
        try:
            standard = load_standard(rnd.standard_id)
        except StandardError:
            notes.append(kept + " (phần mềm không có chuẩn nghèo của kỳ này)")
            continue
        expected = result_to_dict(classify(rec.household, standard, rnd.year, rnd.reference_date))
        recomputed = f"tính lại theo {standard.name} của {year}: {_category_label(expected)}"
        if expected == d.local:
            notes.append(kept + f"; {recomputed}, đúng kết quả của xã")
        else:
            write[d.package_round] = expected
            notes.append(
                f"kết quả phân loại {year} khác nhau ở hai bên (xã: {ours}; gói: {theirs},"
                f" {_standard_label(d.incoming)}); {recomputed}, đã ghi kết quả tính lại"
            )
    return write, notes


def _category_label(result: dict[str, Any]) -> str:
    from forms.labels import CATEGORY_LABELS
    from forms.model import Category

    try:
        return CATEGORY_LABELS[Category(str(result.get("category")))]
    except ValueError:
        return str(result.get("category"))


def _standard_label(result: dict[str, Any]) -> str:
    standard = str(result.get("standard_id") or "?")
    engine = result.get("engine_version")
    return f"chuẩn {standard}" + (f", cách tính {engine}" if engine else "")


def _package_id_numbers(package: Package) -> dict[str, set[tuple[str, str]]]:
    """ID number -> (household id, code) of every live household of the package carrying it."""
    out: dict[str, set[tuple[str, str]]] = {}
    for rec in package.records:
        if not rec.deleted:
            for m in rec.household.members:
                if m.id_number:
                    out.setdefault(m.id_number, set()).add((rec.household.id, rec.household.code))
    return out


def _chunks(values: list[str], size: int = 900) -> Iterator[tuple[list[str], str]]:
    """(values, "?,?,…") by SQLite-sized chunks (at most 999 parameters in older builds)."""
    for start in range(0, len(values), size):
        part = values[start : start + size]
        yield part, ",".join("?" * len(part))


class _Lookups:
    """What planning (and a conflict's decision) needs to know of this file about some
    households, read by chunks of a few hundred: one query per household made planning a
    5,000-household package take as long as reading it."""

    def __init__(self, conn: driver.Connection, households: list[Household]) -> None:
        self.rows: dict[str, tuple[str, int, str]] = {}  # id -> (rev, deleted, code)
        for ids, marks in _chunks(sorted({h.id for h in households})):
            for hid, rev, deleted, code in conn.execute(
                f"SELECT id, rev, deleted, code FROM households WHERE id IN ({marks})", ids
            ):
                self.rows[hid] = (rev, deleted, code)
        self.live_codes: dict[str, tuple[str, str]] = {}  # code -> (id, head name or code)
        for codes, marks in _chunks(sorted({h.code for h in households})):
            for hid, code, head in conn.execute(
                "SELECT id, code, head_name FROM households WHERE deleted = 0"
                f" AND code IN ({marks})",
                codes,
            ):
                self.live_codes[code] = (hid, head or code)
        # ID number -> (household id, code) of the live households here carrying it
        self.id_numbers: dict[str, set[tuple[str, str]]] = {}
        numbers = sorted({m.id_number for h in households for m in h.members if m.id_number})
        for part, marks in _chunks(numbers):
            for number, hid, code in conn.execute(
                "SELECT m.id_number, hh.id, hh.code FROM members m JOIN households hh"
                " ON hh.id = m.household_id WHERE m.deleted = 0 AND hh.deleted = 0"
                f" AND m.id_number IN ({marks})",
                part,
            ):
                self.id_numbers.setdefault(number, set()).add((hid, code))

    def code_owner(self, code: str, household_id: str) -> str | None:
        """Who holds ``code`` here, when another live household does."""
        found = self.live_codes.get(code)
        return found[1] if found is not None and found[0] != household_id else None

    def duplicate_hint(
        self, h: Household, in_package: dict[str, set[tuple[str, str]]] | None = None
    ) -> str:
        """Members' ID numbers that already belong to another household here, or to another
        household of the same package: the same household may have been entered twice under
        two codes (on one laptop, or on two). Flagged, never merged automatically."""
        numbers = {m.id_number for m in h.members if m.id_number}
        here = {code for n in numbers for hid, code in self.id_numbers.get(n, ()) if hid != h.id}
        packed = {
            code for n in numbers for hid, code in (in_package or {}).get(n, ()) if hid != h.id
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


# --- importing ----------------------------------------------------------------------------


def import_package(
    store: Store,
    path: Path,
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    progress: Progress | None = None,
    trusted: Collection[str] = (),
    allow_deletions: bool = False,
) -> Receipt:
    """Validates the whole package, then merges it in one transaction. Raises
    ``PackageError`` (Vietnamese) and writes nothing when the package cannot be used, and
    ``PackageRefused`` when it needs the officer's confirmation (see ``merge_package``)."""
    store.require(RoleAction.IMPORT)
    path = Path(path)
    with collector_paused():  # merge_package pauses it for its own part
        package = read_package(
            path, password=password, recovery_key=recovery_key, progress=progress
        )
    return merge_package(
        store,
        package,
        source_name=path.name,
        progress=progress,
        trusted=trusted,
        allow_deletions=allow_deletions,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a package is read and merged. The records are
    tens of thousands of small acyclic objects, freed by reference counting anyway, and
    the collector kept walking them all: a twentieth of a large merge's time. Back on
    afterwards, even when the work fails."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def refuse_other_commune(path: Path, package: Package) -> None:
    """Raises ``PackageError`` (unusable here: exit 2) when ``package`` belongs to another
    commune than the commune file at ``path``, reading the file without writing to it:
    opening a ``Store`` records the user as last seen, so a refused import changed the
    file's bytes. Nothing is said when the file cannot be read here; opening it says why."""
    precheck(path, package, trusted=None)


@dataclass(frozen=True)
class Precheck:
    """What the officer must confirm before a package is merged, read without writing."""

    sender: devices.SenderCheck | None
    deletions: list[devices.Deletion]


def precheck(
    path: Path,
    package: Package,
    *,
    trusted: Collection[str] | None = (),
    allow_deletions: bool | None = None,
    own_key: bytes | None = None,
) -> Precheck:
    """Every refusal ``merge_package`` would make before writing, on a read-only connection
    (opening a ``Store`` writes the "last seen" row, so a refused file would change): another
    commune, a laptop not confirmed (unless its fingerprint is in ``trusted``), deletions
    not confirmed (unless ``allow_deletions``). ``None`` skips a check and only reports.
    Nothing is said when the file cannot be read here; opening it says why."""
    refuse_upper_level_copy(package)
    try:
        conn = driver.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except driver.Error:
        return Precheck(None, [])
    try:
        try:
            row = conn.execute("SELECT commune_code, commune_name FROM commune").fetchone()
        except driver.Error:
            return Precheck(None, [])
        if row is not None and package.commune_code != str(row[0]):
            name = package.manifest.get("commune", {}).get("name", "")
            raise PackageError(
                f"Gói này là của xã {name} (mã {package.commune_code}), không phải của "
                f"{row[1]} (mã {row[0]}): không gộp."
            )
        key = own_key if own_key is not None else devices.own_public_key()
        sender = devices.check_sender(conn, package, key)
        if trusted is not None:
            devices.refuse_untrusted(sender, trusted)
        deletions = devices.deletions_in(conn, package)
        if allow_deletions is not None:
            devices.refuse_deletions(deletions, allow_deletions)
        return Precheck(sender, deletions)
    finally:
        conn.close()


SLIM_REFUSED = (
    "Gói này là bản rút gọn gửi cấp trên (không có số CCCD, ngày tháng sinh, thu nhập, sức "
    "khoẻ, ghi chú, phiếu khảo sát): chỉ dùng ở cấp trên (Tổng hợp nhiều xã, báo cáo tháng "
    "của xã, kho dữ liệu của tỉnh), không gộp vào tệp của xã. Hãy xin gói đầy đủ của xã."
)


def refuse_upper_level_copy(package: Package) -> None:
    """A slim package for the upper level merged into a commune file would bring households
    without the fields it leaves out: refused (``PackageError``, exit 2) before anything is
    opened for writing."""
    if package.for_upper_level:
        raise PackageError(SLIM_REFUSED)


def merge_package(
    store: Store,
    package: Package,
    *,
    source_name: str,
    progress: Progress | None = None,
    trusted: Collection[str] = (),
    allow_deletions: bool = False,
    own_key: bytes | None = None,
    upper_level_copy: bool = False,
) -> Receipt:
    """Merges a package read and validated whole. Refused (``PackageRefused``, nothing
    written) when it is another commune's; when a laptop this file does not know signed it,
    or a key other than the one kept for that laptop, unless the officer confirmed that
    fingerprint (``trusted``); when it deletes households here, unless ``allow_deletions``
    (the officer saw the list). An unsigned package is merged with a warning, its history
    and "updated by" marked unverified. ``own_key``: this laptop's public key (default: from
    ``rasoat.identity``), whose packages need no confirmation. A slim package for the upper
    level is refused unless ``upper_level_copy`` (the upper level's temporary commune file,
    ``upper_level.commune_file``)."""
    store.require(RoleAction.IMPORT)
    if not upper_level_copy:
        refuse_upper_level_copy(package)
    commune = store.commune()
    if package.commune_code != commune.commune_code:
        name = package.manifest.get("commune", {}).get("name", "")
        raise PackageError(
            f"Gói này là của xã {name} (mã {package.commune_code}), không phải của "
            f"{commune.commune_name} (mã {commune.commune_code}): không gộp."
        )
    key = own_key if own_key is not None else devices.own_public_key()
    sender = devices.check_sender(store.conn, package, key)
    devices.refuse_untrusted(sender, trusted)
    if package.signer is None:
        package = _unverified(package)
    with collector_paused():
        return _merge(store, package, commune, source_name, progress, sender, allow_deletions)


def _unverified(package: Package) -> Package:
    """An unsigned package's claims of who changed what, marked as such before storing."""

    def mark(text: str) -> str:
        return (
            (text + devices.UNVERIFIED) if text and not text.endswith(devices.UNVERIFIED) else text
        )

    for rec in package.records:
        rec.updated_by = mark(rec.updated_by)
        rec.revs = [
            RevEntry(r.rev, r.parent_rev, r.device, mark(r.user), r.at, r.merge_parent)
            for r in rec.revs
        ]
    return package


def _merge(
    store: Store,
    package: Package,
    commune: CommuneInfo,
    source_name: str,
    progress: Progress | None,
    sender: devices.SenderCheck,
    allow_deletions: bool,
) -> Receipt:
    round_map = _round_map(store, package)
    purging, live_purged = _purges(store, package)
    steps = plan(store, package, round_map, purging)
    # A purge of a household live here deletes it: asked about as any deletion is (the
    # package's bare record is a deletion to ``devices.deletions_in`` too).
    deleting = [
        devices.Deletion(h.id, h.code, h.head_name(), h.village)
        for s in steps
        if s.action == "deleted"
        or (s.action == "purged_by_package" and s.record.household.id in live_purged)
        for h in [s.record.household]
    ]
    devices.refuse_deletions(deleting, allow_deletions)
    m = package.manifest
    receipt = Receipt(
        package_id=package.package_id,
        source=source_name,
        commune_code=commune.commune_code,
        commune_name=commune.commune_name,
        scope=str((m.get("scope") or {}).get("description", "")),
        package_created_at=str(m.get("created_at", "")),
        package_created_by=str(m.get("created_by", "")),
        package_device=str(m.get("device", "")),
        imported_at=now_utc(),
        imported_by=store.user,
        device=store.device,
        sender=sender.status,
        sender_fingerprint=sender.fingerprint,
    )
    if sender.status != "own" and sender.message():
        receipt.warnings.append(sender.message())
    if deleting:
        receipt.warnings.append(devices.deletions_message(deleting) + " (cán bộ đã xác nhận)")
    if package.purged and package.signer is None:
        receipt.warnings.append(
            f"Gói không có chữ ký: {len(package.purged)} hộ đã xoá hẳn dữ liệu ở máy gửi không"
            " được xoá hẳn ở đây (việc xoá hẳn chỉ nhận từ gói có chữ ký)."
        )
    for step in steps:
        h = step.record.household
        head = "" if step.action in ("purged", "purged_by_package") else h.head_name()
        receipt.entries.append(Entry(h.id, h.code, head, h.village, step.action, step.detail))
        if step.warn:
            receipt.warnings.append(f"Hộ {h.code}: {step.detail}.")
    to_write = [s for s in steps if s.action in ("added", "updated", "deleted")]
    new_conflicts = [
        s for s in steps if s.action in ("conflict", "code_taken") and not _known_conflict(store, s)
    ]
    to_join = [s for s in steps if s.join]
    to_purge = [s for s in steps if s.action == "purged_by_package"]
    live = _live_after(store, steps)
    numbers = certificates.plan_incoming(store.conn, package.certificates, round_map, live)
    for kind, c, mine, other in numbers.conflicts:
        receipt.warnings.append(_certificate_warning(store, kind, c, mine, other))
    year_round = _plan_year_round(store, package, steps, round_map, live)
    receipt.warnings.extend(year_round.conflicts)
    if (
        not to_write
        and not new_conflicts
        and not to_join
        and not to_purge
        and numbers.empty
        and year_round.empty
        and not sender.needs_confirmation
    ):
        return receipt  # nothing to change: importing the same package twice is a no-op
    source = f"gói {source_name} ({package.package_id})"
    with purge.secure_delete(store) if to_purge else nullcontext():
        _write_merge(
            store,
            package,
            receipt,
            source_name,
            source,
            progress,
            sender,
            steps,
            round_map,
            to_write,
            new_conflicts,
            to_join,
            to_purge,
            numbers,
            year_round,
        )
        if to_purge:
            purge.compact(store)  # once per import, not per household
    return receipt


def _write_merge(
    store: Store,
    package: Package,
    receipt: Receipt,
    source_name: str,
    source: str,
    progress: Progress | None,
    sender: devices.SenderCheck,
    steps: list[Planned],
    round_map: dict[str, str],
    to_write: list[Planned],
    new_conflicts: list[Planned],
    to_join: list[Planned],
    to_purge: list[Planned],
    numbers: certificates.MergePlan,
    year_round: year_round_part.Plan,
) -> None:
    """The merge's one transaction."""
    at = receipt.imported_at
    with store.transaction(source=source):
        devices.remember_sender(store.conn, sender, package, store.user, at)
        _ensure_villages(store, steps)
        _ensure_rounds(store, package, round_map)
        total = len(to_write)
        fresh = _bulk_candidates(store, [s.record for s in to_write if s.action == "added"])
        done = 0
        for start in range(0, len(fresh), 500):
            _add_new(store, fresh[start : start + 500], at)
            done += len(fresh[start : start + 500])
            if progress is not None:
                progress(done, total)
        fresh_ids = {r.household.id for r in fresh}
        for step in to_write:
            if step.only_results is not None:
                only = PackageRecord(
                    household=step.record.household,
                    rev=step.record.rev,
                    revs=step.record.revs,
                    results=step.only_results,
                )
                _write_results(store, only, round_map, at)
                done += 1
                continue
            if step.record.household.id in fresh_ids:
                if step.record.results:
                    _write_results(store, step.record, round_map, at, fresh=True)
                continue
            _apply(store, step.record, round_map, at)
            done += 1
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done, total)
        for step in to_join:
            _put_history(store, step.record)
            _join_revs(store, step.record.household.id, step.record.rev, at, made=None)
        for step in new_conflicts:
            # Results are kept under this file's round ids, so a later decision needs no
            # package to map them.
            step.record.results = {round_map.get(k, k): v for k, v in step.record.results.items()}
            _store_conflict(store, step, package.package_id, source, at)
        certificates.apply_incoming(store.conn, numbers, package.package_id, source, at)
        year_round_part.apply(
            store,
            year_round,
            at,
            package_id=package.package_id,
            source=source,
            # The households this merge wrote as the package has them: not decoded again.
            decoded={s.record.household.id: s.record.household for s in to_write},
        )
        if not year_round.empty:
            store._notify(Change("support", []))
        for step in to_purge:
            _purge_here(store, step, package, source_name, at)
        receipt.written = True
        store.conn.execute(
            "INSERT INTO exchange_imports VALUES (?, ?, ?, ?, ?, ?)",
            (
                package.package_id,
                at,
                source_name,
                store.user,
                store.device,
                receipt.to_json(indent=None),
            ),
        )
        store._audit(
            "exchange_imports",
            package.package_id,
            None,
            "insert",
            None,
            {
                a: receipt.count(a)
                for a in ("added", "updated", "deleted", "conflict", "code_taken")
                + (("purged_by_package",) if to_purge else ())
            },
            at,
        )
        store._notify(Change("household", [s.record.household.id for s in to_write]))


def _purges(store: Store, package: Package) -> tuple[dict[str, purged_part.Carried], set[str]]:
    """(the package's purges this file applies, the ids of those live here): households
    held here and not purged here yet, from a signed package only (an unsigned package's
    claims of who did what are unverified, and a purge cannot be undone)."""
    if not package.purged or package.signer is None:
        return {}, set()
    held: dict[str, bool] = {}
    for ids, marks in _chunks(sorted({t.id for t in package.purged})):
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


def _purge_here(store: Store, step: Planned, package: Package, source_name: str, at: str) -> None:
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
    _put_history(store, rec)
    if step.unseen:
        _join_revs(store, hid, rec.rev, at, made=None)
    else:
        store.conn.execute(
            "UPDATE households SET rev = ?, updated_at = ?, updated_device = ?, updated_by = ?"
            " WHERE id = ?",
            (rec.rev, rec.updated_at or at, rec.updated_device, rec.updated_by, hid),
        )


def _live_after(store: Store, steps: list[Planned]) -> set[str]:
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


def _plan_year_round(
    store: Store,
    package: Package,
    steps: list[Planned],
    round_map: dict[str, str],
    live: set[str],
) -> year_round_part.Plan:
    """Applications, support and cadres of the households live here once the merge is
    written (``db.exchange.year_round_part``)."""
    codes = {r.household.id: r.household.code for r in package.records}
    villages = {" ".join(v.name.split()) for v in store.villages()}
    villages |= {
        " ".join(s.record.household.village.split())
        for s in steps
        if s.action in ("added", "updated")
    }
    return year_round_part.plan(store.conn, package.year_round, live, villages, codes, round_map)


def _certificate_warning(
    store: Store,
    kind: certificates.ConflictKind,
    c: certificates.Carried,
    mine: int | None,
    other: str | None,
) -> str:
    codes = dict(
        store.conn.execute(
            "SELECT id, code FROM households WHERE id IN (?, ?)", (c.household_id, other or "")
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
        other_code=codes.get(other or "", other),
        incoming_device=c.assigned_device,
        package_id="",
        source="",
        created_at="",
    ).describe()


def _known_conflict(store: Store, step: Planned) -> bool:
    row = store.conn.execute(
        "SELECT 1 FROM exchange_conflicts WHERE household_id = ? AND incoming_rev = ?",
        (step.record.household.id, step.record.rev),
    ).fetchone()
    return row is not None


def _round_map(store: Store, package: Package) -> dict[str, str]:
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
            mapping[round_id] = same[0].id if same else round_id
    return mapping


def _ensure_rounds(store: Store, package: Package, mapping: dict[str, str]) -> None:
    local_ids = {r.id for r in store.rounds()}
    for r in package.commune.get("rounds", []):
        if mapping.get(r["id"]) == r["id"] and r["id"] not in local_ids:
            store.conn.execute(
                "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    r["id"],
                    r["year"],
                    r["standard_id"],
                    r["kind"],
                    str(r.get("started_at") or now_utc()),
                    r.get("reference_date") if isinstance(r.get("reference_date"), str) else None,
                    str(package.manifest.get("device", "")),
                ),
            )
            store._notify(Change("round", [r["id"]]))


def _ensure_villages(store: Store, steps: list[Planned]) -> None:
    # Compared as the Store names villages (single spaces), so no name is added twice.
    known = {" ".join(v.name.split()) for v in store.villages()}
    for step in steps:
        name = " ".join(step.record.household.village.split())
        if step.action in ("added", "updated") and name and name not in known:
            store.add_village(name)
            known.add(name)


def _put_history(store: Store, *records: PackageRecord) -> None:
    # Two statements for any number of records: a merge adds thousands at a time.
    store.conn.executemany(
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
    )
    store.conn.executemany(
        "INSERT OR IGNORE INTO exchange_merge_parents VALUES (?, ?)",
        [(r.rev, r.merge_parent) for rec in records for r in rec.revs if r.merge_parent],
    )


def _write_content(store: Store, rec: PackageRecord, at: str) -> str | None:
    """Writes the household (or its deletion) through the Store; returns the rev the Store
    made for it, or None when nothing changed."""
    hid = rec.household.id
    before = store.household_rev(hid)
    if rec.deleted:
        if before is not None and not before[1]:
            store.delete_household(hid)
    else:
        store._write_household(rec.household, at)
    after = store.household_rev(hid)
    if after is None or (before is not None and after[0] == before[0]):
        return None
    return after[0]


def _apply(store: Store, rec: PackageRecord, round_map: dict[str, str], at: str) -> None:
    """Fast-forward (or add) one household to the incoming rev, history included."""
    hid = rec.household.id
    made = _write_content(store, rec, at)
    if made is not None:
        # The Store gave the write a rev of this laptop; the household takes the sender's.
        store.conn.execute("DELETE FROM household_revs WHERE rev = ?", (made,))
    _put_history(store, rec)
    store.conn.execute(
        "UPDATE households SET rev = ?, updated_at = ?, updated_device = ?, updated_by = ?"
        " WHERE id = ?",
        (rec.rev, rec.updated_at or at, rec.updated_device, rec.updated_by, hid),
    )
    if rec.created_at:
        store.conn.execute(
            "UPDATE households SET created_at = ?, created_device = ? WHERE id = ?",
            (rec.created_at, rec.created_device, hid),
        )
    if not rec.deleted:
        _write_results(store, rec, round_map, at)


def _bulk_candidates(store: Store, records: list[PackageRecord]) -> list[PackageRecord]:
    """New households whose members are new too: these can be inserted in bulk. A member id
    already in the file (a member moved between households) takes the Store's own path."""
    taken: set[str] = set()
    for ids, marks in _chunks([m.id for r in records for m in r.household.members]):
        taken.update(
            r[0] for r in store.conn.execute(f"SELECT id FROM members WHERE id IN ({marks})", ids)
        )
    return [r for r in records if not any(m.id in taken for m in r.household.members)]


def _add_new(store: Store, records: list[PackageRecord], at: str) -> None:
    """The Store's insert of a new household (rows, members, causes/needs, search index,
    audit with the package as source, history), batched: merging thousands of surveyed
    households one statement at a time is what made a merge slow."""
    conn = store.conn
    households, members, causes, needs, index_rows = [], [], [], [], []
    audit: list[Row] = []
    source = store._source
    # Rowids given here, as SQLite would pick them (the largest plus one), so the search
    # index rows need no lookup of their household by id.
    last_rowid = int(conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM households").fetchone()[0])
    for rowid, rec in enumerate(records, start=last_rowid + 1):
        h = rec.household
        doc, member_docs = household_doc(h)
        code = nfc(h.code)
        doc["code"] = code
        doc_text = _dumps(doc)
        households.append(
            (
                rowid,
                h.id,
                code,
                nfc(h.village),
                nfc(h.head_name()),
                h.size(),
                doc_text,
                rec.rev,
                rec.created_at or at,
                rec.created_device or store.device,
                rec.updated_at or at,
                rec.updated_device or store.device,
                rec.updated_by or store.user,
            )
        )
        audit.append(
            # in_row: the audit row points at the row's document (m0005)
            Row(
                at,
                store.user,
                store.device,
                "households",
                h.id,
                h.id,
                "insert",
                None,
                None,
                source,
                in_row=doc_text,
            )
        )
        for position, mdoc in enumerate(member_docs):
            mtext = _dumps(mdoc)
            members.append(
                (
                    mdoc["id"],
                    h.id,
                    position,
                    mdoc.get("name") or "",
                    mdoc.get("id_number") or None,
                    mtext,
                    at,
                    store.device,
                    at,
                    store.device,
                )
            )
            audit.append(
                Row(
                    at,
                    store.user,
                    store.device,
                    "members",
                    mdoc["id"],
                    h.id,
                    "insert",
                    None,
                    None,
                    source,
                    in_row=mtext,
                )
            )
        causes += [(h.id, c) for c in h.causes]
        needs += [(h.id, n) for n in h.needs]
        index_rows.append((rowid, index_text(h), h.village))
    conn.executemany(
        "INSERT INTO households (rowid, id, code, village, head_name, size, doc, rev, created_at,"
        " created_device, updated_at, updated_device, updated_by, deleted)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        households,
    )
    conn.executemany("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", members)
    conn.executemany("INSERT OR IGNORE INTO household_causes VALUES (?, ?)", causes)
    conn.executemany("INSERT OR IGNORE INTO household_needs VALUES (?, ?)", needs)
    append_audit(conn, audit)
    # A household arriving in a village that already has a cadre is found by the cadre's name
    # at once, as one typed in here is (Store._index). A household new to this file has no
    # support, application or cadre of its own yet (the package's are written after it, and
    # indexed again then: year_round_part.apply), so of db.search.year_round_words only its
    # village's cadre applies: read once for every village, not once per household.
    cadre_words = {
        v: fold(name)
        for v, name in conn.execute(
            "SELECT village, cadre_name FROM cadre_assignments"
            " WHERE deleted = 0 AND village IS NOT NULL"
        )
    }
    conn.executemany(
        "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
        [
            (rowid, f"{text} {cadre_words[village]}" if village in cadre_words else text)
            for rowid, text, village in index_rows
        ],
    )
    _put_history(store, *records)


def _write_results(
    store: Store,
    rec: PackageRecord,
    round_map: dict[str, str],
    at: str,
    *,
    fresh: bool = False,
) -> None:
    """Oldest year first: a result's transition is worked out against the years already in
    the file, so a package listing 2026 before 2025 gave a new household "not poor in either
    period" where it had escaped poverty. A household already in the file (``fresh`` False)
    may hold results of years after the package's last one: their transitions are worked out
    again too."""
    rounds = store.rounds()
    year = {r.id: r.year for r in rounds}
    ordered = sorted(
        ((round_map.get(rid, rid), res) for rid, res in rec.results.items()),
        key=lambda item: year.get(item[0], 0),
    )
    for local_round, res in ordered:
        store._write_answers(rec.household, local_round, at)
        store._write_result(rec.household.id, local_round, result_from_dict(res), at, rounds=rounds)
    latest = next((r for r in rounds if ordered and r.id == ordered[-1][0]), None)
    if latest is not None and not fresh:
        store._refresh_later_transitions(rec.household.id, latest, at)


def _store_conflict(store: Store, step: Planned, package_id: str, source: str, at: str) -> None:
    h = step.record.household
    conflict_id = str(uuid.uuid4())
    kind = "code_taken" if step.action == "code_taken" else "both_changed"
    cur = store.conn.execute(
        "INSERT OR IGNORE INTO exchange_conflicts (id, household_id, code, kind, package_id,"
        " source, local_rev, incoming_rev, incoming, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            conflict_id,
            h.id,
            h.code,
            kind,
            package_id,
            source,
            step.local_rev,
            step.record.rev,
            json.dumps(record_to_dict(step.record), ensure_ascii=False),
            at,
        ),
    )
    if cur.rowcount:
        store._audit(
            "exchange_conflicts",
            conflict_id,
            h.id if step.local_rev else None,
            "insert",
            None,
            {"kind": kind, "code": h.code, "incoming_rev": step.record.rev},
            at,
        )


# --- conflicts ----------------------------------------------------------------------------


def open_conflicts(store: Store) -> list[Conflict]:
    """Conflicts still waiting for the officer, oldest first."""
    rows = store.conn.execute(
        "SELECT id, household_id, code, kind, package_id, source, incoming, created_at"
        " FROM exchange_conflicts WHERE resolved_at IS NULL ORDER BY created_at, code"
    ).fetchall()
    out = []
    for cid, hid, code, kind, package_id, source, incoming, created_at in rows:
        local = store.get_household(hid)
        current = store.household_rev(hid)
        out.append(
            Conflict(
                id=cid,
                household_id=hid,
                code=code,
                kind=kind,
                package_id=package_id,
                source=source,
                local=local,
                local_rev=current[0] if current else None,
                incoming=record_from_dict(json.loads(incoming)),
                created_at=created_at,
                local_deletion=_deletion(store, hid, current[0])
                if current and current[1]
                else None,
            )
        )
    return out


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


def resolve_conflict(store: Store, conflict_id: str, choice: Choice) -> None:
    """The officer's decision, audited. ``keep_mine`` keeps the commune file's version;
    ``take_theirs`` takes the package's. Either way a new rev records both sides as parents,
    so neither laptop's next package brings the conflict back. When the commune file had
    deleted the household (``Conflict.local_deletion``), ``keep_mine`` keeps it deleted and
    ``take_theirs`` restores it with the package's content and results."""
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
    if choice == "take_theirs" and not rec.deleted:
        # Taking a version back (a deleted household restored, or a new code) must not take a
        # code another household uses now: checked before anything is written.
        owner = _Lookups(store.conn, [rec.household]).code_owner(
            rec.household.code, rec.household.id
        )
        if owner:
            raise PackageError(
                f"Mã hộ {rec.household.code} vẫn đang dùng cho hộ của {owner}: hãy đổi "
                "mã của một trong hai hộ rồi chọn lại."
            )
    with store.transaction(source=source):
        if c.kind == "code_taken" and c.local_rev is None:
            if choice == "take_theirs":
                _apply(store, rec, round_map, at)
        elif choice == "keep_mine":
            _put_history(store, rec)
            _join_revs(store, c.household_id, rec.rev, at, made=None)
        else:
            made = _write_content(store, rec, at)
            _put_history(store, rec)
            _join_revs(store, c.household_id, rec.rev, at, made=made)
            if not rec.deleted:
                known = {r.id for r in store.rounds()}
                _write_results(
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
        store._audit(
            "exchange_conflicts",
            c.id,
            c.household_id if store.household_rev(c.household_id) else None,
            "update",
            {"resolution": None},
            {"resolution": choice, "incoming_rev": rec.rev, "local_rev": c.local_rev},
            at,
        )
        store._notify(Change("household", [c.household_id]))


def _join_revs(
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
        store._append_rev(household_id, made, current[0], at, deleted=current[1])
    store.conn.execute(
        "INSERT OR REPLACE INTO exchange_merge_parents VALUES (?, ?)", (made, incoming_rev)
    )
