"""The keys the province trusts to sign each commune's packages (``commune_keys``, migration
9; ``rasoat registry keys``), the registry's counterpart of a commune file's list of the
laptops it takes packages from (``db.exchange.devices``).

A package is signed by the laptop that made it (``db.exchange.signing``; every package since
format 2). The loader takes a commune's package only when the key that signed it is trusted
for that commune (``check_signer``): a package unsigned, or signed by another key, is
refused, and so is the first package of a commune with no key yet unless the officer said
to trust new communes' keys (``load --trust-new``). The officer trusts a key from a package
it signed (``trust_from_package``, the manifest and its signature checked by the container's
reader) after comparing its fingerprint with the commune by phone, and withdraws trust from
one (``untrust``: a laptop lost or handed on).

Who did what stays in the table: each trust is a row with who, when and how; withdrawing it
sets ``retired_at``/``retired_by`` and trusting the key again makes a new row. Each write
takes the commune's lock that the loader holds while it checks and writes a package, so a
load sees the keys as they were before or after a change, never half of one.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import getpass
import shlex
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from db.exchange import container, signing
from db.exchange.errors import NewerFormat, PackageError
from forms.admin_units import communes
from registry.database import RegistryError, province_name, registry_province

# How a key came to be trusted (``commune_keys.trusted_how``).
BY_COMMAND = "keys --trust"
BY_FIRST_LOAD = "load --trust-new"
# What the messages tell the officer to run (the DSN is theirs to fill in).
TRUST_COMMAND = "rasoat registry keys DSN --trust"


@dataclass(frozen=True)
class KeyCheck:
    """What the loader does with a package's signer: refuse it (``refusal``, Vietnamese),
    or load it, trusting its key for the commune first when ``trust`` (``--trust-new``)."""

    refusal: str = ""
    trust: bool = False


@dataclass(frozen=True)
class CommuneKey:
    """One row of ``commune_keys``, with the loads its key signed for its commune."""

    commune_code: str
    commune_name: str
    fingerprint: str
    label: str
    source: str
    trusted_at: datetime
    trusted_by: str
    trusted_how: str
    retired_at: datetime | None
    retired_by: str | None
    loads: int
    last_load: datetime | None

    @property
    def trusted(self) -> bool:
        return self.retired_at is None


def when(moment: datetime) -> str:
    """A time as the registry's messages say it (``load._unchanged``'s form)."""
    return moment.astimezone().strftime("%H:%M ngày %d/%m/%Y")


def _lock(conn: psycopg.Connection[Any], province: str, commune: str) -> None:
    """The loader's lock for this commune (``load._write``), in the current transaction."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"registry:{province}:{commune}",))


def check_signer(
    conn: psycopg.Connection[Any],
    province: str,
    commune: str,
    commune_name: str,
    file_name: str,
    signer: str,
    current_signer: str | None,
    trust_new: bool,
    given: str = "",
) -> KeyCheck:
    """Whether a package of ``commune`` signed by ``signer`` (its fingerprint, "" when
    unsigned) may be loaded, inside the loader's transaction and lock. ``current_signer``:
    the signer of the commune's current load (None when it has none). ``trust_new``: the
    officer said to trust the key of a commune that has never had one; it does not when the
    commune's current load was signed by another key (a key the province already believed
    for this commune stands against it: ``keys --trust`` after a call to the commune).
    ``given``: the package's path as the officer gave it, for the command the message
    proposes (the file's name alone was not found when the batch was ``goi/*.rasoat``)."""
    who = f"{commune_name} (mã {commune})"
    command = f"{TRUST_COMMAND} {shlex.quote(given or file_name)}"
    if not signer:
        return KeyCheck(
            f"Gói {file_name} của {who} không có chữ ký của máy xuất gói (gói do phiên bản cũ "
            "của Rà soát tạo): không biết chắc gói do xã làm ra; không nạp. Hãy đề nghị xã "
            "cài phiên bản mới rồi xuất lại gói (gói của phiên bản mới luôn được ký)."
        )
    rows = conn.execute(
        "SELECT fingerprint, retired_at, retired_by FROM commune_keys"
        " WHERE province_code = %s AND commune_code = %s ORDER BY id",
        (province, commune),
    ).fetchall()
    trusted = [fp for fp, retired_at, _by in rows if retired_at is None]
    if signer in trusted:
        return KeyCheck()
    phone = (
        "Hãy gọi điện cho xã đối chiếu dấu vân tay (ở máy của xã: Tệp → Các máy đã biết…, "
        "hoặc lệnh 'rasoat devices --own')"
    )
    if not rows:
        if trust_new and current_signer and current_signer != signer:
            return KeyCheck(
                f"Gói {file_name} của {who} được ký bằng khoá có dấu vân tay {signer}, khác "
                f"khoá của gói đã nạp trước của xã ({current_signer}): --trust-new không tin "
                f"cậy khoá này; không nạp. {phone}; nếu đúng, tin cậy khoá bằng "
                f"'{command}' rồi nạp lại."
            )
        if trust_new:
            return KeyCheck(trust=True)
        return KeyCheck(
            f"{who} chưa có khoá nào được tỉnh tin cậy: gói {file_name} được ký bằng khoá có "
            f"dấu vân tay {signer}; không nạp. {phone}, rồi nạp lại với --trust-new (tin cậy "
            "khoá của các xã chưa có khoá nào) hoặc tin cậy khoá này bằng "
            f"'{command}'."
        )
    retired = [(at, by) for fp, at, by in rows if fp == signer and at is not None]
    said = (
        f"khoá đang tin cậy của xã: {', '.join(trusted)}"
        if trusted
        else "xã không còn khoá nào được tin cậy"
    )
    if retired:
        at, by = retired[-1]
        said += f"; khoá này đã thôi được tin cậy lúc {when(at)}, do {by}"
    return KeyCheck(
        f"Gói {file_name} của {who} được ký bằng khoá chưa được tin cậy cho xã này (dấu vân "
        f"tay {signer}; {said}): không nạp. Có thể xã đã đổi hoặc cài lại máy, hoặc gói không "
        f"do xã làm ra. {phone}; nếu đúng, tin cậy khoá bằng '{command}' rồi nạp lại."
    )


def trust(
    conn: psycopg.Connection[Any],
    province: str,
    commune: str,
    *,
    public_key: str,
    label: str,
    source: str,
    user: str,
    how: str,
) -> None:
    """Records ``public_key`` (base64, as a package's signature carries it) as trusted for
    the commune, in the caller's transaction (the loader's for ``--trust-new``)."""
    key = signing.Signer(_raw_key(public_key))
    conn.execute(
        "INSERT INTO commune_keys (province_code, commune_code, fingerprint, public_key, label,"
        " source, trusted_by, trusted_how) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (province, commune, key.fingerprint, key.public_b64, label, source, user, how),
    )


def _raw_key(public_key: str) -> bytes:
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise RegistryError("Khoá công khai không hợp lệ (không phải khoá Ed25519).")
    return raw


def label_of(manifest: dict[str, Any]) -> str:
    """Who made the package and on which laptop, as its (signed) manifest says."""
    who = str(manifest.get("created_by", "") or "").strip()
    device = str(manifest.get("device", "") or "").strip()
    if who and device:
        return f"{who} (máy {device})"
    return who or (f"máy {device}" if device else "")


@dataclass(frozen=True)
class Trusted:
    """What ``trust_from_package`` did: ``added`` False when the key was trusted already."""

    commune_code: str
    commune_name: str
    fingerprint: str
    label: str
    added: bool
    since: datetime | None = None  # when it was trusted, when it was already


def trust_from_package(
    conn: psycopg.Connection[Any],
    path: Path,
    *,
    commune: str | None = None,
    fingerprint: str | None = None,
    label: str | None = None,
    user: str | None = None,
) -> Trusted:
    """Trusts, for the package's commune, the key that signed the package at ``path``. The
    manifest is read with the container's reader, which checks its signature (and through
    its parts' checksums it covers the data): a package whose signature does not verify,
    or an unsigned one, trusts nothing. ``commune``: the code the officer expects (refused
    when the package is another commune's); ``fingerprint``: what the commune read out by
    phone (refused when it is not the package's). No password is needed: the manifest and
    its signature are not encrypted."""
    from registry.load import (
        commune_code_of,
        newer_format,
        not_a_package_file,
        province_code_of,
    )

    province = registry_province(conn)
    why = not_a_package_file(path)
    if why is not None:
        raise RegistryError(why)
    try:
        manifest = container.read_manifest(path)
        signer = signing.verify(manifest) if manifest.get("format_version", 1) >= 2 else None
    except NewerFormat as exc:
        again = "chạy lại lệnh tin cậy khoá này"
        raise RegistryError(f"{newer_format(path, exc, again)} Chưa tin cậy khoá nào.") from exc
    except PackageError as exc:
        raise RegistryError(
            f"Gói {path.name} bị hỏng hoặc không hợp lệ: {exc} Không tin cậy khoá nào."
        ) from exc
    if signer is None:
        raise RegistryError(
            f"Gói {path.name} không có chữ ký của máy xuất gói (gói do phiên bản cũ của Rà soát "
            "tạo): không có khoá nào để tin cậy. Hãy đề nghị xã cài phiên bản mới rồi xuất lại "
            "gói."
        )
    info = manifest.get("commune") or {}
    code = commune_code_of(info.get("code"))
    if province_code_of(info.get("province_code")) != province:
        raise RegistryError(
            f"Gói {path.name} là của {info.get('province_name') or 'tỉnh khác'}, không phải "
            f"của {province_name(province)}: không tin cậy khoá của gói."
        )
    listed = {f"{c.code:05d}": c.name for c in communes(int(province))}
    if code not in listed:
        raise RegistryError(
            f"Gói {path.name}: mã xã '{code}' không thuộc {province_name(province)} theo danh "
            "mục đơn vị hành chính năm 2025: không tin cậy khoá của gói."
        )
    if commune is not None and commune_code_of(commune) != code:
        raise RegistryError(
            f"Gói {path.name} là gói của {listed[code]} (mã {code}), không phải của xã mã "
            f"{commune}: không tin cậy khoá của gói."
        )
    fp = signer.fingerprint
    if fingerprint is not None and signing.normalise_fingerprint(fingerprint) != fp:
        raise RegistryError(
            f"Dấu vân tay xã đọc ({signing.normalise_fingerprint(fingerprint)}) khác dấu vân "
            f"tay của khoá đã ký gói {path.name} ({fp}): không tin cậy. Gói có thể không do "
            "xã làm ra; hãy hỏi lại xã."
        )
    name = label if label is not None else label_of(manifest)
    with conn.transaction():
        _lock(conn, province, code)
        row = conn.execute(
            "SELECT trusted_at FROM commune_keys WHERE province_code = %s AND commune_code = %s"
            " AND fingerprint = %s AND retired_at IS NULL",
            (province, code, fp),
        ).fetchone()
        if row is not None:
            return Trusted(code, listed[code], fp, name, False, row[0])
        trust(
            conn,
            province,
            code,
            public_key=signer.public_b64,
            label=name,
            source=path.name,
            user=user or getpass.getuser(),
            how=BY_COMMAND,
        )
    return Trusted(code, listed[code], fp, name, True)


def untrust(
    conn: psycopg.Connection[Any],
    fingerprint: str,
    *,
    commune: str | None = None,
    user: str | None = None,
) -> list[CommuneKey]:
    """Withdraws trust from a key (for ``commune`` only, when given; else for every commune
    it is trusted for): its next package is refused like an unknown key's. The rows
    retired; RegistryError when no trusted key matches."""
    from registry.load import commune_code_of

    province = registry_province(conn)
    fp = signing.normalise_fingerprint(fingerprint)
    code = commune_code_of(commune) if commune is not None else None
    found = [
        k
        for k in keys(conn)
        if k.trusted and k.fingerprint == fp and (code is None or k.commune_code == code)
    ]
    if not found:
        where = f" cho xã mã {code}" if code is not None else ""
        raise RegistryError(f"Không có khoá nào đang được tin cậy{where} với dấu vân tay {fp}.")
    who = user or getpass.getuser()
    retired = []
    with conn.transaction():
        for key in found:
            _lock(conn, province, key.commune_code)
            at = conn.execute(
                "UPDATE commune_keys SET retired_at = now(), retired_by = %s"
                " WHERE province_code = %s AND commune_code = %s AND fingerprint = %s"
                " AND retired_at IS NULL RETURNING retired_at",
                (who, province, key.commune_code, fp),
            ).fetchone()
            if at is not None:
                retired.append(dataclasses.replace(key, retired_at=at[0], retired_by=who))
    return retired


def keys(conn: psycopg.Connection[Any], *, retired: bool = True) -> list[CommuneKey]:
    """Every key row of the province (trusted ones only with ``retired=False``), by commune,
    trusted first, then oldest first; with the loads each key signed for its commune."""
    province = registry_province(conn)
    names = {f"{c.code:05d}": c.name for c in communes(int(province))}
    rows = conn.execute(
        "SELECT k.commune_code, k.fingerprint, k.label, k.source, k.trusted_at, k.trusted_by,"
        " k.trusted_how, k.retired_at, k.retired_by,"
        " (SELECT count(*) FROM loads l WHERE l.province_code = k.province_code"
        "   AND l.commune_code = k.commune_code AND l.signer = k.fingerprint),"
        " (SELECT max(l.loaded_at) FROM loads l WHERE l.province_code = k.province_code"
        "   AND l.commune_code = k.commune_code AND l.signer = k.fingerprint)"
        " FROM commune_keys k WHERE k.province_code = %s"
        + ("" if retired else " AND k.retired_at IS NULL")
        + " ORDER BY k.commune_code, k.retired_at IS NOT NULL, k.id",
        (province,),
    ).fetchall()
    return [
        CommuneKey(
            commune_code=r[0],
            commune_name=names.get(r[0], ""),
            fingerprint=r[1],
            label=r[2],
            source=r[3],
            trusted_at=r[4],
            trusted_by=r[5],
            trusted_how=r[6],
            retired_at=r[7],
            retired_by=r[8],
            loads=int(r[9]),
            last_load=r[10],
        )
        for r in rows
    ]
