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

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from db.exchange.errors import DeletionsNotConfirmed, SenderNotTrusted
from db.exchange.package import Package
from db.exchange.signing import normalise_fingerprint

Status = Literal["own", "known", "unknown", "changed", "unsigned"]
UNVERIFIED = " (chưa xác thực)"


@dataclass(frozen=True)
class SenderCheck:
    status: Status
    device: str  # the device id the manifest names
    name: str  # who the manifest says made it
    fingerprint: str = ""  # of the signing key ("" when unsigned)
    known_fingerprint: str = ""  # the key kept for this device, when it changed

    @property
    def needs_confirmation(self) -> bool:
        return self.status in ("unknown", "changed")

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
        if self.status == "unsigned":
            return (
                "Gói không có chữ ký (tạo bằng phiên bản cũ): không xác thực được người tạo, "
                "lịch sử và người sửa ghi trong gói; các thông tin này được ghi kèm "
                "“chưa xác thực”."
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
    conn: sqlite3.Connection, package: Package, own_public_key: bytes | None
) -> SenderCheck:
    device = str(package.manifest.get("device", ""))
    name = str(package.manifest.get("created_by", ""))
    if package.signer is None:
        return SenderCheck("unsigned", device, name)
    fp = package.signer.fingerprint
    if own_public_key is not None and package.signer.public_key == own_public_key:
        return SenderCheck("own", device, name, fp)
    try:
        kept = [
            r[0]
            for r in conn.execute(
                "SELECT fingerprint FROM exchange_devices WHERE device = ?"
                " AND retired_at IS NULL ORDER BY first_seen",
                (device,),
            )
        ]
    except sqlite3.OperationalError:  # a file from before m0009, read before migrating
        kept = []
    if fp in kept:
        return SenderCheck("known", device, name, fp)
    if kept:
        return SenderCheck("changed", device, name, fp, kept[-1])
    return SenderCheck("unknown", device, name, fp)


def refuse_untrusted(check: SenderCheck, trusted: Collection[str]) -> None:
    """Raises ``SenderNotTrusted`` unless the check passes or the officer confirmed this
    very fingerprint (``trusted``, as typed: any case, dashes optional)."""
    if not check.needs_confirmation:
        return
    if check.fingerprint in {normalise_fingerprint(t) for t in trusted}:
        return
    raise SenderNotTrusted(check.message(), check)


def remember_sender(
    conn: sqlite3.Connection, check: SenderCheck, package: Package, user: str, at: str
) -> None:
    """Keeps the key of a laptop the officer has just confirmed (in the merge's transaction):
    a changed key retires the one kept before."""
    if not check.needs_confirmation or package.signer is None:
        return
    conn.execute(
        "UPDATE exchange_devices SET retired_at = ? WHERE device = ? AND retired_at IS NULL",
        (at, check.device),
    )
    conn.execute(
        "INSERT OR REPLACE INTO exchange_devices (device, fingerprint, public_key, name,"
        " first_seen, trusted_by, retired_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
        (check.device, check.fingerprint, package.signer.public_b64, check.name, at, user),
    )


def known_devices(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, str | None]]:
    """(device, fingerprint, name, first seen, retired at) of every key kept, oldest first."""
    return [
        (r[0], r[1], r[2], r[3], r[4])
        for r in conn.execute(
            "SELECT device, fingerprint, name, first_seen, retired_at FROM exchange_devices"
            " ORDER BY first_seen, device"
        )
    ]


def deletions_in(conn: sqlite3.Connection, package: Package) -> list[Deletion]:
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
        except sqlite3.OperationalError:
            return out
        out += [Deletion(r[0], r[1], r[2] or "", r[3] or "") for r in rows]
    return sorted(out, key=lambda d: d.code)


def deletions_message(deletions: list[Deletion], shown: int = 20) -> str:
    codes = ", ".join(f"{d.code} ({d.head_name})" if d.head_name else d.code for d in deletions)
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
    """This laptop's signing key, public half (made on first use)."""
    from db.exchange.signing import public_bytes
    from rasoat.identity import signing_key

    return public_bytes(signing_key())
