"""A package read for merging without holding every record (issue 22: a 100,000-household
package decoded whole took 2.3 GB).

``read_for_merge`` reads and checks the whole package once (``package.open_package``), as
``read_package`` does, nothing written anywhere. Up to ``HOLD`` records are kept whole, as
``read_package`` keeps them; a larger package is kept lean: each record's history and
metadata, and of its household only what planning and the receipt need (``Lean``: id, code,
village, head's name, members' ID numbers) and of its results only their rounds. Writing
then reads the package again (``again``), record by record, in the merge's one transaction:
the manifest must be the one read first (signed, it names every part's SHA-256) and the
households' part is checked to its checksum at the end of that reading, every record
checked again on the way, so a package changed between the two readings fails with
``PackageError`` (naming the package) before the transaction commits, and nothing of it is
kept.

The commune file stays byte-identical after such a refusal: what opening a ``Store`` writes
(the user as "last seen") is put off to the first transaction that commits
(``Store.open(seen=False)``, used by ``rasoat import``/``merge`` and the import dialog's
worker), so the merge's rolled-back transaction leaves nothing behind. Reading both times
from a private copy of the package, made once, was weighed and not taken: for a 1 GB
package it writes 1 GB more (on the officer's USB stick or a nearly full disk) before
anything starts, and a refusal of the second reading (a copy changed or unreadable in its
turn) would still have found "last seen" written. A package changed between the readings is
refused, as the officer would expect from a file that changed under the import.
"""

from __future__ import annotations

import contextlib
import pickle
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from db.exchange import container, devices
from db.exchange.errors import PackageError
from db.exchange.package import Package, PackageRecord, RevEntry, open_package
from forms.model import Household

# Records held whole up to here (a commune's package: 5,000 households with their results
# take about 70 MB decoded); beyond, the package is kept lean and read a second time.
HOLD = 5_000

# A lean record's results: their rounds, each with this in place of the result, which is
# read again with the record when written.
LEAN_RESULT: dict[str, Any] = {}

CHANGED = "Gói {name} đã thay đổi trong khi đang nhập: không gộp, không ghi gì vào tệp của xã."
# Any other failure of the second reading (a part's checksum, the file gone or unreadable).
REREAD = (
    "Gói {name} đã thay đổi trong khi đang nhập, không đọc lại được như lần đầu ({why}): "
    "không gộp, không ghi gì vào tệp của xã."
)


class Lean:
    """Of a household, what planning a merge and its receipt read: nothing else is here, so
    anything that would write a lean household fails (AttributeError) instead of writing a
    household without its answers."""

    __slots__ = ("code", "head", "id", "numbers", "village")

    def __init__(self, h: Household) -> None:
        self.id = h.id
        self.code = h.code
        self.village = h.village
        head = h.head()
        self.head = head.name if head is not None else ""
        # One text, not a tuple of texts: 100 bytes a household instead of 330 (an ID
        # number holds no comma: ``forms.validate``).
        self.numbers = ",".join(m.id_number for m in h.members if m.id_number)

    def head_name(self) -> str:
        return self.head


class Held(Lean):
    """A lean household whose whole record is kept as the bytes of its own pickle,
    compressed (``pickled``, ``zdict``): how ``merge_ahead``'s reader sends a record it
    prepared (``merge_prepare``), so that the writer unpickles, and frees, only what it
    reads. Beyond planning's, what writing it as a new household reads
    (``merge_new.add_new``): its causes, needs and members' ids (its size). Made whole by
    ``again``, as a lean record is, with its source in memory instead of the package's
    file."""

    __slots__ = ("causes", "member_ids", "needs", "pickled", "zdict")

    def __init__(
        self, h: Household, pickled: bytes, zdict: bytes, member_ids: tuple[str, ...]
    ) -> None:
        super().__init__(h)
        self.causes = h.causes
        self.needs = h.needs
        self.member_ids = member_ids
        self.pickled = pickled
        self.zdict = zdict

    def size(self) -> int:
        return len(self.member_ids)

    def __reduce__(self) -> tuple[Callable[..., Held], tuple[Any, ...]]:
        # Pickled as its values (as ``RevEntry``): a slotted object's own state is a dict
        # of its slots made for every object, pickling and unpickling.
        return (
            _unreduced,
            (self.id, self.code, self.village, self.head, self.numbers)
            + (self.causes, self.member_ids, self.needs, self.pickled, self.zdict),
        )


def _unreduced(*values: Any) -> Held:
    h = Held.__new__(Held)
    (h.id, h.code, h.village, h.head, h.numbers) = values[:5]
    (h.causes, h.member_ids, h.needs, h.pickled, h.zdict) = values[5:]
    return h


def held_dictionary(rec: PackageRecord) -> bytes:
    """What the records held with ``rec`` are compressed against (``zlib``'s preset
    dictionary: its last 32 KB count): ``rec``'s own pickle. Households repeat each other's
    texts (indicators, reasons, field names): measured on a 500-household package with
    results, its records' pickles take 2.28 MB, compressed alone at level 1 1.00 MB (28 ms),
    against the first one's 0.36 MB (17 ms)."""
    return _pickled(rec)[-32_768:]


def held(
    rec: PackageRecord,
    member_ids: tuple[str, ...],
    share: Callable[[Any, Any], Any],
    zdict: bytes,
) -> PackageRecord:
    """``rec`` held (``Held``), compressed against ``zdict`` (``held_dictionary``): its
    results only their rounds, one dict for every record with the same rounds (``share``),
    as a lean record's; its stamps kept (a new household is written with them)."""
    squeeze = zlib.compressobj(1, zdict=zdict)
    pickled = squeeze.compress(_pickled(rec)) + squeeze.flush()
    return PackageRecord(
        household=cast(Household, Held(rec.household, pickled, zdict, member_ids)),
        rev=rec.rev,
        revs=rec.revs,
        deleted=rec.deleted,
        created_at=rec.created_at,
        created_device=rec.created_device,
        updated_at=rec.updated_at,
        updated_device=rec.updated_device,
        updated_by=rec.updated_by,
        results=share(rounds, dict.fromkeys(rounds, LEAN_RESULT))
        if (rounds := tuple(rec.results))
        else {},
    )


def _pickled(rec: PackageRecord) -> bytes:
    return pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(h: Held) -> PackageRecord:
    rec = pickle.loads(zlib.decompressobj(zdict=h.zdict).decompress(h.pickled))
    if not isinstance(rec, PackageRecord) or rec.household.id != h.id:
        raise pickle.UnpicklingError("not the record held")
    return rec


def is_held(rec: PackageRecord) -> bool:
    return isinstance(rec.household, Held)


def member_ids(h: Household) -> Sequence[str]:
    """The members' ids of a household, whole or held."""
    if isinstance(h, Held):
        return h.member_ids
    return [m.id for m in h.members]


def id_numbers(h: Household) -> list[str]:
    """The members' ID numbers of a household, whole or lean."""
    if isinstance(h, Lean):
        return h.numbers.split(",") if h.numbers else []
    return [m.id_number for m in h.members if m.id_number]


def is_lean(rec: PackageRecord) -> bool:
    return isinstance(rec.household, Lean)


def _lean(rec: PackageRecord, share: Callable[[Any, Any], Any]) -> PackageRecord:
    """``rec`` lean, the texts that repeat from household to household (village, laptops,
    users) shared (``share``): each was decoded anew from its line; its results' rounds one
    dict for every record with the same rounds (a lean record's results are only read)."""
    h = Lean(rec.household)
    h.village = share(h.village, h.village)
    return PackageRecord(
        household=cast(Household, h),
        rev=rec.rev,
        revs=[
            RevEntry(
                rec.rev if r.rev == rec.rev else r.rev,
                r.parent_rev,
                share(r.device, r.device),
                share(r.user, r.user),
                r.at,
            )
            if r.merge_parent is None
            else r
            for r in rec.revs
        ],
        deleted=rec.deleted,
        # Written from the record read again only: not kept.
        created_at="",
        created_device="",
        updated_at=rec.updated_at,
        updated_device=share(rec.updated_device, rec.updated_device),
        updated_by=share(rec.updated_by, rec.updated_by),
        results=share(rounds, dict.fromkeys(rounds, LEAN_RESULT))
        if (rounds := tuple(rec.results))
        else {},
    )


@dataclass
class LeanPackage(Package):
    """A package whose records are lean (``Lean``), read again whole by ``again``."""

    path: Path = Path()
    password: str | None = None
    recovery_key: str | None = None
    limits: container.Limits = container.DEFAULT_LIMITS


def read_for_merge(
    path: Path,
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    limits: container.Limits = container.DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
    hold: int | None = None,
) -> Package:
    """The package at ``path`` read and checked whole, as ``read_package``; its records kept
    whole up to ``hold`` (default ``HOLD``) of them, lean beyond (a ``LeanPackage``)."""
    hold = HOLD if hold is None else hold
    records: list[PackageRecord] = []
    memo: dict[Any, Any] = {}
    share = memo.setdefault
    lean = False
    with open_package(
        path, password=password, recovery_key=recovery_key, limits=limits, progress=progress
    ) as stream:
        for rec in stream.records():
            if not lean and len(records) >= hold:
                lean = True
                records = [_lean(r, share) for r in records]
            records.append(_lean(rec, share) if lean else rec)
    fields: dict[str, Any] = {
        "manifest": stream.manifest,
        "commune": stream.commune,
        "records": records,
        "signer": stream.signer,
        "certificates": stream.certificates,
        "certificates_kept": stream.certificates_kept,
        "year_round": stream.year_round,
        "purged": stream.purged,
    }
    if not lean:
        return Package(**fields)
    return LeanPackage(
        **fields, path=Path(path), password=password, recovery_key=recovery_key, limits=limits
    )


def again(package: Package, wanted: Collection[str]) -> Iterator[PackageRecord]:
    """The records of ``package`` whose household id is in ``wanted``, whole, in the
    package's order: the held ones, or a held record's from its bytes (``Held``), or a lean
    package's read again and checked (see above). Read to its end, the households' part's
    checksum included, before it ends."""
    if not isinstance(package, LeanPackage):
        yield from (r for r in package.records if r.household.id in wanted)
        return
    left = set(wanted)
    for rec in package.records:
        h = rec.household
        if h.id not in left or not isinstance(h, Held):
            continue
        try:
            whole = _loads(h)
        except Exception:
            # A fault of the program, never of the package (the bytes were pickled by the
            # reader from what it read and checked): the rest read again from the file.
            break
        left.discard(h.id)
        yield whole
    if left:
        yield from _reread(package, left)


def whole(package: Package, rec: PackageRecord) -> PackageRecord:
    """One record of ``package`` whole, as ``again`` gives it: a held one from its bytes
    without walking the package's records (or, should they fail, read again)."""
    h = rec.household
    if isinstance(h, Held):
        with contextlib.suppress(Exception):  # a fault of the program: as ``again``
            return _loads(h)
    # Read to its end, as ``again`` is read, its checksum included.
    (got,) = again(package, {h.id})
    return got


def _reread(package: LeanPackage, wanted: Collection[str]) -> Iterator[PackageRecord]:
    """``again``'s reading of the package's file."""
    changed = PackageError(CHANGED.format(name=package.path.name))
    try:
        with open_package(
            package.path,
            password=package.password,
            recovery_key=package.recovery_key,
            limits=package.limits,
        ) as stream:
            if stream.manifest != package.manifest or stream.signer != package.signer:
                raise changed
            expected = iter(package.records)
            for rec in stream.records():
                first = next(expected, None)
                if first is None or first.household.id != rec.household.id or first.rev != rec.rev:
                    raise changed
                if rec.household.id in wanted:
                    yield rec
            if next(expected, None) is not None:
                raise changed
    except PackageError as exc:
        if exc is changed:
            raise
        # The officer reads which package, and that it was read fine the first time.
        why = str(exc).rstrip(".")
        raise PackageError(REREAD.format(name=package.path.name, why=why)) from exc


def mark_unverified(rec: PackageRecord) -> None:
    """An unsigned package's claims of who changed what, marked as such before storing."""

    def mark(text: str) -> str:
        return (
            (text + devices.UNVERIFIED) if text and not text.endswith(devices.UNVERIFIED) else text
        )

    rec.updated_by = mark(rec.updated_by)
    rec.revs = [
        RevEntry(r.rev, r.parent_rev, r.device, mark(r.user), r.at, r.merge_parent)
        for r in rec.revs
    ]


def made_whole(package: Package, records: list[PackageRecord]) -> dict[str, PackageRecord]:
    """Lean or held ``records`` whole (``merge_stream.again``), by household id, marked as
    ``merge._unverified`` marks them for an unsigned package."""
    if not records:
        return {}
    made = {}
    for got in again(package, {r.household.id for r in records}):
        if package.signer is None:
            mark_unverified(got)
        made[got.household.id] = got
    return made
