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

The parts, each its own module: ``merge_plan`` (planning, reads only), ``merge_results``
(a result differing on the two sides of one household version), ``merge_apply`` (writing a
plan in one transaction), ``merge_purges`` (purges arriving), ``merge_revs`` (history joins)
and ``merge_conflicts`` (conflicts waiting, resolved). This module is their public entry:
reading and checking a package, then planning and writing it.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from db import certificates, driver, purge
from db.exchange import devices, merge_plan, merge_purges, year_round_part
from db.exchange.errors import PackageError
from db.exchange.merge_apply import Progress, write_merge
from db.exchange.merge_conflicts import (
    Choice,
    Conflict,
    Deletion,
    open_conflicts,
    resolve_conflict,
    waiting,
)
from db.exchange.merge_plan import Planned, plan
from db.exchange.merge_results import Differing
from db.exchange.merge_stream import HOLD, mark_unverified, read_for_merge
from db.exchange.package import Package
from db.exchange.receipt import Entry, Receipt
from db.records import CommuneInfo
from db.store import MAX_SOURCE, Store, now_utc
from forms.collector import collector_paused
from forms.roles import Action as RoleAction
from forms.validate import printable

__all__ = [
    "SLIM_REFUSED",
    "Choice",
    "Conflict",
    "Deletion",
    "Differing",
    "Planned",
    "Precheck",
    "Progress",
    "collector_paused",
    "import_package",
    "merge_package",
    "open_conflicts",
    "plan",
    "precheck",
    "refuse_other_commune",
    "refuse_upper_level_copy",
    "resolve_conflict",
    "waiting",
]


def import_package(
    store: Store,
    path: Path,
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    progress: Progress | None = None,
    trusted: Collection[str] = (),
    allow_deletions: bool = False,
    hold: int = HOLD,
) -> Receipt:
    """Validates the whole package, then merges it in one transaction. Raises
    ``PackageError`` (Vietnamese) and writes nothing when the package cannot be used, and
    ``PackageRefused`` when it needs the officer's confirmation (see ``merge_package``).
    ``hold``: records held whole, beyond which the package is read again to be written
    (``merge_stream``)."""
    store.require(RoleAction.IMPORT)
    path = Path(path)
    # One pause for reading and merging, the package freed inside it: the collector turned
    # back on between the two walked every object of the package just read (all of them
    # young, allocated while it was off) at its next allocation, 10 ms a package of 500.
    with collector_paused():
        package = read_for_merge(
            path, password=password, recovery_key=recovery_key, progress=progress, hold=hold
        )
        receipt = merge_package(
            store,
            package,
            source_name=path.name,
            progress=progress,
            trusted=trusted,
            allow_deletions=allow_deletions,
        )
        del package
    return receipt


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
                f"Gói này là của {name or 'xã khác'} (mã {package.commune_code}), không phải của "
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
    (the officer saw the list); when a household's history lists a rev this file keeps as
    another household's (``merge_plan``; for a household new to the file, as it is written,
    the transaction rolled back: ``merge_new.add_new``, ``merge_apply.write_merge``). An
    unsigned package is merged with a warning, its history and "updated by" marked
    unverified. ``own_key``: this laptop's public key (default: the key the application
    provides, ``db.exchange.own_key``), whose packages need no confirmation. A slim package
    for the upper level is refused unless ``upper_level_copy`` (the upper level's temporary
    commune file, ``upper_level.commune_file``)."""
    # The file's name as the receipt, the import history and the audit keep it: whoever
    # named the file chose it (an ESC kept there made every later Excel of the log fail).
    source_name = printable(source_name, MAX_SOURCE)
    store.require(RoleAction.IMPORT)
    if not upper_level_copy:
        refuse_upper_level_copy(package)
    commune = store.commune()
    if package.commune_code != commune.commune_code:
        name = package.manifest.get("commune", {}).get("name", "")
        raise PackageError(
            f"Gói này là của {name or 'xã khác'} (mã {package.commune_code}), không phải của "
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
    """An unsigned package's claims of who changed what, marked as such before storing
    (a lean package's records read again are marked as they are read: ``write_merge``)."""
    for rec in package.records:
        mark_unverified(rec)
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
    round_map = merge_plan.round_map(store, package)
    purging, live_purged = merge_purges.purges(store, package)
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
        receipt.entries.append(Entry(h.id, h.code, h.village, step.action, step.detail))
        if step.warn:
            receipt.warnings.append(f"Hộ {h.code}: {step.detail}.")
    to_write = [s for s in steps if s.action in ("added", "updated", "deleted")]
    new_conflicts = [
        s
        for s in steps
        if s.action in ("conflict", "code_taken") and not merge_plan.known_conflict(store, s)
    ]
    to_join = [s for s in steps if s.join]
    to_purge = [s for s in steps if s.action == "purged_by_package"]
    # Every live household of the file is read for this (half a second a merge at 100,000
    # households), and only a package carrying certificate numbers or year-round records
    # asks it anything: for any other, no household is looked up in it.
    given = package.certificates + package.certificates_kept
    carried = bool(given) or year_round_part.carries_rows(package.year_round)
    live = merge_plan.live_after(store, steps) if carried else set()
    # A household waiting in a code conflict has no row here: its number is reserved
    # (db.certificate_reserve) under the code the package gives it.
    waiting = {
        s.record.household.id: s.record.household.code for s in steps if s.action == "code_taken"
    }
    numbers = certificates.plan_incoming(store.conn, given, round_map, live, waiting)
    for kind, c, mine, other in numbers.conflicts:
        receipt.warnings.append(merge_plan.certificate_warning(store, kind, c, mine, other))
    year_round = merge_plan.plan_year_round(store, package, steps, round_map, live)
    receipt.warnings.extend(year_round.conflicts)
    receipt.warnings.extend(year_round.notes)
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
        write_merge(
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
