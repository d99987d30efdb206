"""Which laptops a commune file takes packages from, and which households a package deletes:
the two things an officer confirms before a package is merged (issue 17).

A package is signed by the laptop that made it (``signing``). This file keeps, per device
id, the key it has confirmed (``exchange_devices``, m0009). A package signed by this
laptop's own key or by the kept key passes; the first package of a laptop (``unknown``) or one
signed by another key than the kept one (``changed``: a reinstalled laptop, or someone
forging its name) is merged only when the officer confirms its fingerprint. An unsigned
package (format 1, made before signing) is read with a warning, and its history and
"updated by" are stored marked as unverified.

Both checks read only: the command line and the import dialog run them on a read-only
connection before the commune file is opened for writing, so a refusal leaves it
byte-identical; ``merge_package`` runs them again inside its transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from db import driver
from db.exchange import own_key
from db.exchange.errors import DeletionsNotConfirmed, PackageRefused, SenderNotTrusted
from db.exchange.package import Package
from db.exchange.signing import normalise_fingerprint
from forms.roles import Action

if TYPE_CHECKING:
    from db.store import Store

Status = Literal["own", "known", "unknown", "changed", "unsigned", "unsigned_known"]
UNVERIFIED = " (chưa xác thực)"
# What ``trusted`` holds when the officer takes an unsigned package (it has no fingerprint).
UNSIGNED_OK = "unsigned"


@dataclass(frozen=True)
class SenderCheck:
    status: Status
    device: str  # the device id the manifest names
    name: str  # who the manifest says made it
    fingerprint: str = ""  # of the signing key ("" when unsigned)
    known_fingerprint: str = ""  # the key kept for this device, when it changed

    @property
    def needs_confirmation(self) -> bool:
        return self.status in ("unknown", "changed", "unsigned")

    def message(self) -> str:
        """What the officer reads (Vietnamese); '' when there is nothing to say."""
        who = f"máy {self.device} ({self.name})" if self.name else f"máy {self.device}"
        if self.status == "unknown":
            return (
                f"Gói do {who} ký — máy này chưa từng gửi gói cho tệp của xã. Dấu vân tay khoá "
                f"của máy: {self.fingerprint}. Chỉ nhận khi người gửi xác nhận đúng dấu vân tay "
                "này (rasoat export in ra dấu vân tay của máy tạo gói)."
            )
        if self.status == "changed":
            return (
                f"CẢNH BÁO: gói mang tên {who} nhưng được ký bằng một khoá KHÁC với khoá xã đã "
                f"biết của máy đó (đã biết: {self.known_fingerprint}; trong gói: "
                f"{self.fingerprint}). Có thể máy đã cài lại, hoặc gói bị làm giả. Chỉ nhận khi "
                "đã gọi điện cho người gửi và đối chiếu dấu vân tay mới."
            )
        if self.status == "unsigned_known":
            return (
                f"CẢNH BÁO: gói mang tên {who} nhưng KHÔNG có chữ ký, trong khi tệp của xã đã "
                f"biết khoá của máy đó (dấu vân tay {self.known_fingerprint}) và mọi gói của "
                "máy đều được ký. Có thể gói đã bị sửa rồi bỏ chữ ký: không nhận. Hãy xuất lại "
                "gói bằng Rà soát trên máy đó và gửi lại."
            )
        if self.status == "unsigned":
            return (
                "Gói không có chữ ký (tạo bằng phiên bản cũ): không xác thực được người tạo, "
                "lịch sử và người sửa ghi trong gói; các thông tin này được ghi kèm "
                "“chưa xác thực”. Chỉ nhận khi đã hỏi người gửi rằng máy của họ còn dùng "
                "phiên bản cũ."
            )
        return ""


@dataclass(frozen=True)
class Deletion:
    """A live household here that the package deletes."""

    household_id: str
    code: str
    head_name: str
    village: str


def check_sender(
    conn: driver.Connection, package: Package, own_public_key: bytes | None
) -> SenderCheck:
    device = str(package.manifest.get("device", ""))
    name = str(package.manifest.get("created_by", ""))
    if package.signer is None:
        # A package naming no laptop has no kept key to stand against (a forger names any).
        kept = _kept(conn, device) if device else []
        if kept:
            return SenderCheck("unsigned_known", device, name, "", kept[-1])
        return SenderCheck("unsigned", device, name)
    fp = package.signer.fingerprint
    if own_public_key is not None and package.signer.public_key == own_public_key:
        return SenderCheck("own", device, name, fp)
    kept = _kept(conn, device)
    if fp in kept:
        return SenderCheck("known", device, name, fp)
    if kept:
        return SenderCheck("changed", device, name, fp, kept[-1])
    return SenderCheck("unknown", device, name, fp)


def _kept(conn: driver.Connection, device: str) -> list[str]:
    """The fingerprints this file trusts for ``device``, oldest first."""
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT fingerprint FROM exchange_devices WHERE device = ?"
                " AND retired_at IS NULL ORDER BY first_seen",
                (device,),
            )
        ]
    except driver.OperationalError:  # a file from before m0009, read before migrating
        return []


def refuse_untrusted(check: SenderCheck, trusted: Collection[str]) -> None:
    """Raises ``SenderNotTrusted`` unless the check passes or the officer confirmed this
    very fingerprint (``trusted``, as typed: any case, dashes optional), or, for an unsigned
    package, took it (``UNSIGNED_OK``); ``PackageRefused``, whatever was confirmed, for an
    unsigned package naming a laptop whose key is kept."""
    if check.status == "unsigned_known":
        raise PackageRefused(check.message())
    if not check.needs_confirmation:
        return
    if check.status == "unsigned":
        if UNSIGNED_OK in trusted:
            return
        raise SenderNotTrusted(check.message(), check)
    if check.fingerprint in {normalise_fingerprint(t) for t in trusted}:
        return
    raise SenderNotTrusted(check.message(), check)


def remember_sender(
    conn: driver.Connection, check: SenderCheck, package: Package, user: str, at: str
) -> None:
    """Keeps the key of a laptop the officer has just confirmed (in the merge's transaction):
    a changed key retires the one kept before."""
    if not check.needs_confirmation or package.signer is None:
        return
    conn.execute(
        "UPDATE exchange_devices SET retired_at = ? WHERE device = ? AND retired_at IS NULL",
        (at, check.device),
    )
    # A key the officer stopped trusting and now confirms again keeps its first sighting.
    conn.execute(
        "INSERT INTO exchange_devices (device, fingerprint, public_key, name, first_seen,"
        " trusted_by, retired_at) VALUES (?, ?, ?, ?, ?, ?, NULL)"
        " ON CONFLICT (device, fingerprint) DO UPDATE SET retired_at = NULL,"
        " name = excluded.name, trusted_by = excluded.trusted_by",
        (check.device, check.fingerprint, package.signer.public_b64, check.name, at, user),
    )


@dataclass(frozen=True)
class KnownDevice:
    """One key this commune file has kept for a laptop, with what it brought (the screen
    Tệp → Các máy đã biết… and ``rasoat devices``)."""

    device: str  # the laptop's device id
    fingerprint: str
    name: str  # who made the packages on it, as their manifests say
    trusted_by: str  # the officer who confirmed the key here
    first_seen: str
    last_seen: str  # the newest import signed with this key (first_seen when none wrote)
    packages: int  # imports signed with this key that wrote something
    retired_at: str | None
    replaced: bool  # retired because the laptop came back with another key

    @property
    def trusted(self) -> bool:
        return self.retired_at is None


def known_devices(conn: driver.Connection) -> list[KnownDevice]:
    """Every key kept, trusted ones first, then by device and age. Packages and last seen
    are counted from the import receipts, which name the key that signed each package."""
    try:
        rows = conn.execute(
            "SELECT d.device, d.fingerprint, d.name, d.trusted_by, d.first_seen, d.retired_at,"
            " (SELECT COUNT(*) FROM exchange_imports i WHERE json_valid(i.receipt)"
            "   AND json_extract(i.receipt, '$.sender_fingerprint') = d.fingerprint),"
            " (SELECT MAX(i.imported_at) FROM exchange_imports i WHERE json_valid(i.receipt)"
            "   AND json_extract(i.receipt, '$.sender_fingerprint') = d.fingerprint),"
            " EXISTS (SELECT 1 FROM exchange_devices n WHERE n.device = d.device"
            "   AND n.fingerprint != d.fingerprint AND n.first_seen >= d.first_seen)"
            " FROM exchange_devices d"
            " ORDER BY d.retired_at IS NOT NULL, d.device, d.first_seen"
        ).fetchall()
    except driver.OperationalError:  # a file from before m0009
        return []
    return [
        KnownDevice(
            device=r[0],
            fingerprint=r[1],
            name=r[2],
            trusted_by=r[3],
            first_seen=r[4],
            last_seen=max(r[4], r[7] or ""),
            packages=int(r[6]),
            retired_at=r[5],
            replaced=r[5] is not None and bool(r[8]),
        )
        for r in rows
    ]


def stop_trusting(store: Store, device: str, fingerprint: str) -> KnownDevice:
    """The officer no longer trusts this key (a laptop lost or handed on): it is retired, so
    its next package is asked about again like an unknown laptop's. Audited as a change of
    the ``exchange_devices`` row. ``NotFound`` when no trusted key matches."""
    store.require(Action.SETTINGS)
    from db.errors import NotFound
    from db.records import Change
    from db.store import now_utc

    fp = normalise_fingerprint(fingerprint)
    found = [d for d in known_devices(store.conn) if d.fingerprint == fp and d.trusted]
    if device:
        found = [d for d in found if d.device == device]
    if not found:
        raise NotFound(f"Không có máy nào đang được tin cậy với dấu vân tay {fp}.")
    target = found[0]
    at = now_utc()
    with store.transaction():
        store.conn.execute(
            "UPDATE exchange_devices SET retired_at = ? WHERE device = ? AND fingerprint = ?",
            (at, target.device, target.fingerprint),
        )
        store.record_change(
            "exchange_devices",
            f"{target.device}/{target.fingerprint}",
            None,
            "update",
            {"retired_at": None},
            {"retired_at": at},
            at,
        )
        store.notify(Change("devices", [target.device]))
    return dataclasses.replace(target, retired_at=at)


def own_fingerprint() -> str:
    """This laptop's fingerprint, to read to another officer by phone."""
    from db.exchange.signing import fingerprint

    return fingerprint(own_public_key())


def deletions_in(conn: driver.Connection, package: Package) -> list[Deletion]:
    """Live households here that the package marks deleted, by code: what the officer is
    asked about (an upper bound: one changed here since is a conflict instead)."""
    ids = [r.household.id for r in package.records if r.deleted]
    out: list[Deletion] = []
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        marks = ",".join("?" * len(part))
        try:
            rows = conn.execute(
                "SELECT id, code, head_name, village FROM households WHERE deleted = 0"
                f" AND id IN ({marks})",
                part,
            ).fetchall()
        except driver.OperationalError:
            return out
        out += [Deletion(r[0], r[1], r[2] or "", r[3] or "") for r in rows]
    return sorted(out, key=lambda d: d.code)


def deletions_message(deletions: list[Deletion], shown: int = 20) -> str:
    # Code and village, never the head's name: this text goes into receipts and the terminal.
    codes = ", ".join(f"{d.code} ({d.village})" if d.village else d.code for d in deletions)
    if len(deletions) > shown:
        rest = len(deletions) - shown
        codes = ", ".join(d.code for d in deletions[:shown]) + f" và {rest} hộ khác"
    return f"Gói này xoá {len(deletions)} hộ đang có trong tệp của xã: {codes}."


def refuse_deletions(deletions: list[Deletion], allowed: bool) -> None:
    if deletions and not allowed:
        raise DeletionsNotConfirmed(
            deletions_message(deletions) + " Chỉ nhập khi cán bộ xác nhận việc xoá.", deletions
        )


def own_public_key() -> bytes:
    """This laptop's signing key, public half (made on first use), as the application
    provides it (``own_key``)."""
    from db.exchange.signing import public_bytes

    return public_bytes(own_key.signing_key())
