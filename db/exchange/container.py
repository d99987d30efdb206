"""The `.rasoat` file itself: a zip holding `manifest.json` and the data parts.

The manifest describes the package (format version, app version, commune, round, counts,
who made it and when) and carries the SHA-256 and size of every part. When the package is
password-protected each part is sealed with AES-GCM under a data key; the manifest then holds
the data key wrapped under the password and under the recovery key (see ``crypto``).

Reading is defensive: every size is bounded before anything is decompressed, only the known
entry names are accepted (so no path can escape a folder: nothing is ever extracted to disk),
and every checksum is verified. Any problem raises ``PackageError`` with a Vietnamese message.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import struct
import uuid
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.exchange import crypto, signing
from db.exchange.errors import PackageError, PasswordRequiredError, WrongPasswordError
from forms.validate import is_uuid, text_problem

FORMAT_NAME = "rasoat-package"
# 2: signed (Ed25519 over the manifest), encrypted parts compressed before sealing and bound
# to the whole manifest. 1: unsigned, still read (with a warning at import).
FORMAT_VERSION = 2
# 3: a slim package for the upper level (``export.ExportScope.for_upper_level``): records
# with fields left out. Older readers refuse it rather than merge it as if those fields were
# empty; readers of this version take 1 to 3, and the merge refuses 3 into a commune file.
SLIM_FORMAT_VERSION = 3
MANIFEST_NAME = "manifest.json"
SUFFIX = ".rasoat"


@dataclass(frozen=True)
class Limits:
    """Ceilings that keep a hostile or broken file from exhausting the laptop.

    A commune of 5,000 households makes about 15 MB of JSON; the ceilings leave a wide margin.
    """

    package_bytes: int = 512 * 1024 * 1024
    part_bytes: int = 512 * 1024 * 1024
    manifest_bytes: int = 1024 * 1024
    # Deflated JSON of households shrinks about 10x; a ratio far above that is a zip bomb.
    max_ratio: int = 200
    max_entries: int = 16


DEFAULT_LIMITS = Limits()


@dataclass
class Container:
    manifest: dict[str, Any]
    parts: dict[str, bytes]
    signer: signing.Signer | None = None  # None: an unsigned (format 1) package


@dataclass
class Written:
    path: Path
    manifest: dict[str, Any]
    recovery_key: str | None = None  # shown to the user once, when a new one was made
    size: int = 0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or len(value) > 4096:
        raise PackageError(f"Thông tin mã hoá của gói bị hỏng ({what}).")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PackageError(f"Thông tin mã hoá của gói bị hỏng ({what}).") from exc


def _aad(package_id: str, name: str, digest: str, header: str = "") -> bytes:
    # Binding the manifest's checksum into each part's tag makes the manifest tamper-evident;
    # from format 2 the rest of the manifest too (author, device, scope, commune, counts):
    # ``header`` is the SHA-256 of everything but the parts and the signature.
    base = f"{package_id}/{name}/{digest}"
    return (base + "/" + header if header else base).encode()


def header_digest(manifest: Mapping[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k not in ("parts", signing.SIGNATURE_FIELD)}
    return crypto.sha256_hex(signing.canonical(body))


def write_container(
    path: Path,
    header: Mapping[str, Any],
    parts: Mapping[str, bytes],
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    scrypt_n: int = crypto.DEFAULT_SCRYPT_N,
    signer: Ed25519PrivateKey | None = None,
) -> Written:
    """Writes a package atomically (a temporary file renamed into place).

    ``header`` holds the descriptive manifest fields; this function adds format, id, parts
    and encryption. With a password and no ``recovery_key`` a new recovery key is made and
    returned in ``Written.recovery_key``: the caller must show it to the user. With
    ``signer`` the package is signed (format 2); without, it is a format 1 package, which
    readers take only with a warning (kept for tests of older packages and tools).
    """
    package_id = str(uuid.uuid4())
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION if signer is not None else 1,
        "package_id": package_id,
        **header,
    }
    manifest.setdefault("created_at", datetime.now(UTC).isoformat(timespec="seconds"))
    part_info: dict[str, dict[str, Any]] = {}
    stored: dict[str, bytes] = {}
    new_recovery: str | None = None
    if password:
        if recovery_key is None:
            recovery_key = new_recovery = crypto.new_recovery_key()
        recovery_key = crypto.normalise_recovery_key(recovery_key)
        data_key = crypto.new_data_key()
        params = crypto.KdfParams(salt=os.urandom(16), n=scrypt_n)
        pw_nonce, pw_wrapped = crypto.seal(
            crypto.password_kek(password, params), data_key, package_id.encode()
        )
        rk_salt = os.urandom(16)
        rk_nonce, rk_wrapped = crypto.seal(
            crypto.recovery_kek(recovery_key, rk_salt), data_key, package_id.encode()
        )
        encryption: dict[str, Any] | None = {
            "cipher": "AES-256-GCM",
            "kdf": {
                "name": "scrypt",
                "salt": _b64(params.salt),
                "n": params.n,
                "r": params.r,
                "p": params.p,
            },
            "wrapped_keys": {
                "password": {"nonce": _b64(pw_nonce), "key": _b64(pw_wrapped)},
                "recovery": {
                    "salt": _b64(rk_salt),
                    "nonce": _b64(rk_nonce),
                    "key": _b64(rk_wrapped),
                },
            },
        }
    else:
        data_key = b""
        encryption = None
    manifest["encryption"] = encryption
    bound = header_digest(manifest) if signer is not None else ""
    for name, data in parts.items():
        digest = crypto.sha256_hex(data)
        info: dict[str, Any] = {"sha256": digest, "size": len(data)}
        if encryption is not None:
            plain = data
            if signer is not None:
                # Ciphertext does not compress: the JSON is deflated before sealing (an
                # encrypted package was 16 times the size of a plain one).
                plain = zlib.compress(data, 6)
                info["compression"] = "zlib"
            nonce, sealed = crypto.seal(data_key, plain, _aad(package_id, name, digest, bound))
            info["nonce"] = _b64(nonce)
            info["stored_size"] = len(sealed)
            stored[name] = sealed
        else:
            stored[name] = data
        part_info[name] = info
    manifest["parts"] = part_info
    if signer is not None:
        manifest[signing.SIGNATURE_FIELD] = signing.sign(manifest, signer)

    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            zf.writestr(MANIFEST_NAME, manifest_bytes)
            for name, data in stored.items():
                # Ciphertext does not compress: store it as is.
                method = zipfile.ZIP_STORED if encryption is not None else zipfile.ZIP_DEFLATED
                zf.writestr(name, data, compress_type=method)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return Written(
        path=path, manifest=manifest, recovery_key=new_recovery, size=path.stat().st_size
    )


def read_manifest(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The manifest alone, checked (its signature too), without a password: what a dialog
    shows before opening."""
    with _open_zip(Path(path), limits) as zf:
        infos = _check_entries(zf, limits, allowed=None)
        manifest = _parse_manifest(_read_entry(zf, infos[MANIFEST_NAME], limits.manifest_bytes))
    if manifest["format_version"] >= 2:
        signing.verify(manifest)
    return manifest


def read_container(
    path: Path,
    *,
    allowed_parts: frozenset[str],
    password: str | None = None,
    recovery_key: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Container:
    """Reads and verifies everything: structure, sizes, decryption and every checksum."""
    with _open_zip(Path(path), limits) as zf:
        infos = _check_entries(zf, limits, allowed=allowed_parts)
        manifest = _parse_manifest(_read_entry(zf, infos[MANIFEST_NAME], limits.manifest_bytes))
        declared = manifest["parts"]
        present = set(infos) - {MANIFEST_NAME}
        if set(declared) != present:
            raise PackageError("Gói dữ liệu không đầy đủ: danh sách phần trong gói không khớp.")
        if set(declared) != set(allowed_parts):
            raise PackageError("Gói dữ liệu thiếu phần dữ liệu bắt buộc.")
        # The signature first: a changed manifest is refused before any password is tried.
        signer = signing.verify(manifest) if manifest["format_version"] >= 2 else None
        bound = header_digest(manifest) if signer is not None else ""
        data_key = _data_key(manifest, password, recovery_key)
        parts: dict[str, bytes] = {}
        for name, info in declared.items():
            expected_size = info["size"]
            if expected_size > limits.part_bytes:
                raise PackageError("Gói dữ liệu quá lớn để mở an toàn.")
            sealed = data_key is not None
            compressed = sealed and info.get("compression") == "zlib"
            if compressed:
                stored_size = info.get("stored_size")
                if type(stored_size) is not int or not 16 <= stored_size <= limits.part_bytes:
                    raise PackageError("Bản kê của gói ghi sai kích thước phần mã hoá.")
                ceiling = stored_size
            else:
                ceiling = expected_size + (16 if sealed else 0)
            raw = _read_entry(zf, infos[name], ceiling)
            if sealed:
                assert data_key is not None
                nonce = _unb64(info.get("nonce"), "nonce")
                opened = crypto.open_sealed(
                    data_key,
                    nonce,
                    raw,
                    _aad(manifest["package_id"], name, info["sha256"], bound),
                )
                if opened is None:
                    raise PackageError(
                        "Gói dữ liệu đã bị thay đổi hoặc hỏng (phần mã hoá không xác thực được)."
                    )
                raw = _inflate(opened, expected_size) if compressed else opened
            if len(raw) != expected_size or crypto.sha256_hex(raw) != info["sha256"]:
                raise PackageError(
                    f"Gói dữ liệu đã bị thay đổi hoặc hỏng: mã kiểm tra của phần '{name}' "
                    "không khớp."
                )
            parts[name] = raw
    return Container(manifest=manifest, parts=parts, signer=signer)


def _inflate(data: bytes, expected_size: int) -> bytes:
    """A sealed part's JSON, inflated to at most its declared size (a bomb stops there)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, expected_size + 1)
    except zlib.error as exc:
        raise PackageError("Gói dữ liệu đã bị hỏng (không giải nén được).") from exc
    if len(out) != expected_size or not inflater.eof:
        raise PackageError("Gói dữ liệu có kích thước phần không khớp với bản kê.")
    return out


def is_encrypted(manifest: Mapping[str, Any]) -> bool:
    return manifest.get("encryption") is not None


# --- reading helpers -------------------------------------------------------------------


class _ZipGuard:
    def __init__(self, path: Path, limits: Limits) -> None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise PackageError(f"Không đọc được tệp gói: {path.name}.") from exc
        if size > limits.package_bytes:
            raise PackageError("Tệp gói quá lớn để mở an toàn.")
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        except OSError as exc:
            raise PackageError(f"Không đọc được tệp gói: {path.name}.") from exc
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            ValueError,
            EOFError,
            NotImplementedError,  # a damaged header claiming an unknown zip version
            struct.error,
            UnicodeDecodeError,
        ) as exc:
            raise PackageError(
                "Tệp không phải gói dữ liệu Rà soát, hoặc đã bị cắt cụt / hỏng."
            ) from exc

    def __enter__(self) -> zipfile.ZipFile:
        return self.zf

    def __exit__(self, *exc: object) -> None:
        self.zf.close()


def _open_zip(path: Path, limits: Limits) -> _ZipGuard:
    return _ZipGuard(path, limits)


def _check_entries(
    zf: zipfile.ZipFile, limits: Limits, allowed: frozenset[str] | None
) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise PackageError("Gói dữ liệu có cấu trúc lạ (quá nhiều phần).")
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name in by_name:
            raise PackageError("Gói dữ liệu có cấu trúc lạ (tên phần bị trùng).")
        if allowed is not None and name != MANIFEST_NAME and name not in allowed:
            raise PackageError(f"Gói dữ liệu chứa phần không được phép: {name[:80]!r}.")
        if info.flag_bits & 0x1:
            raise PackageError("Gói dữ liệu dùng kiểu mã hoá zip không được hỗ trợ.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageError("Gói dữ liệu dùng kiểu nén không được hỗ trợ.")
        if info.file_size > limits.part_bytes:
            raise PackageError("Gói dữ liệu quá lớn để mở an toàn.")
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise PackageError("Gói dữ liệu có dấu hiệu nén bất thường (bom nén), không mở.")
        by_name[name] = info
    if MANIFEST_NAME not in by_name:
        raise PackageError("Tệp không phải gói dữ liệu Rà soát (thiếu bản kê manifest.json).")
    return by_name


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, ceiling: int) -> bytes:
    if info.file_size > ceiling:
        raise PackageError("Gói dữ liệu có kích thước phần không khớp với bản kê.")
    try:
        with zf.open(info) as fh:
            # Never trust the header: read at most one byte past the ceiling.
            data = fh.read(ceiling + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise PackageError("Gói dữ liệu đã bị hỏng (không giải nén được).") from exc
    if len(data) > ceiling:
        raise PackageError("Gói dữ liệu có kích thước phần không khớp với bản kê.")
    return data


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # a number over 4,300 digits: ValueError
        raise PackageError("Bản kê (manifest) của gói bị hỏng.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise PackageError("Tệp không phải gói dữ liệu Rà soát.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise PackageError("Bản kê của gói không ghi phiên bản định dạng.")
    if version > SLIM_FORMAT_VERSION:
        raise PackageError(
            f"Gói được tạo bằng phiên bản định dạng {version}, mới hơn phiên bản phần mềm này "
            f"đọc được ({SLIM_FORMAT_VERSION}). Hãy cập nhật phần mềm Rà soát."
        )
    if version < 1:
        raise PackageError(f"Phiên bản định dạng gói không hợp lệ: {version}.")
    if not isinstance(manifest.get("package_id"), str) or not manifest["package_id"]:
        raise PackageError("Bản kê của gói thiếu mã gói.")
    # The id is written into the receipt and every audit row of an import: a 900,000-character
    # one grew a 282 KB commune file to 2.35 GB. Ours are UUIDs.
    if not is_uuid(manifest["package_id"]):
        raise PackageError("Mã gói trong bản kê không hợp lệ (phải là một UUID).")
    wrong = _manifest_text_problem(manifest) or _header_shape_problem(manifest)
    if wrong:
        raise PackageError(f"Bản kê của gói không hợp lệ: {wrong}.")
    parts = manifest.get("parts")
    if not isinstance(parts, dict) or not parts:
        raise PackageError("Bản kê của gói không liệt kê phần dữ liệu nào.")
    for name, info in parts.items():
        ok = (
            isinstance(info, dict)
            and isinstance(info.get("sha256"), str)
            and len(info["sha256"]) == 64
            and isinstance(info.get("size"), int)
            and not isinstance(info.get("size"), bool)
            and info["size"] >= 0
        )
        if not ok:
            raise PackageError(f"Bản kê của gói ghi sai thông tin phần '{str(name)[:80]}'.")
    enc = manifest.get("encryption")
    if enc is not None and not isinstance(enc, dict):
        raise PackageError("Thông tin mã hoá của gói bị hỏng.")
    return manifest


# The descriptive fields readers take apart (merge, receipt, upper level, registry): a
# forger's `"commune": 5` or `"scope": 1.5` passed the checksums and signature of its own
# laptop and then stopped the import with an internal error (make fuzz).
_HEADER_OBJECTS = ("commune", "scope", "round", "counts")
_HEADER_TEXTS = ("created_by", "device", "created_at", "app_version", "standard")


def _header_shape_problem(manifest: Mapping[str, Any]) -> str | None:
    if not isinstance(manifest.get("commune", {}), dict):
        return "trường 'commune' sai"
    for key in _HEADER_OBJECTS:
        if not isinstance(manifest.get(key), dict | None):
            return f"trường '{key}' sai"
    for key in _HEADER_TEXTS:
        if not isinstance(manifest.get(key), str | None):
            return f"trường '{key}' sai"
    return None


MANIFEST_MAX_DEPTH = 6
MANIFEST_MAX_TEXT = 4096  # wrapped keys and salts in base64; names and dates are far shorter
MANIFEST_MAX_ITEMS = 200


def _manifest_text_problem(value: Any, depth: int = 0, key: str = "") -> str | None:
    """Bounded depth, item counts and texts without control characters, everywhere in the
    manifest (author, device, scope and commune are shown and stored in the receipt)."""
    if depth > MANIFEST_MAX_DEPTH:
        return "lồng quá sâu"
    if isinstance(value, str):
        return f"trường '{key[:40]}' sai" if text_problem(value, MANIFEST_MAX_TEXT) else None
    if isinstance(value, dict):
        if len(value) > MANIFEST_MAX_ITEMS:
            return "quá nhiều trường"
        for k, v in value.items():
            found = _manifest_text_problem(str(k), depth + 1, str(k)) or _manifest_text_problem(
                v, depth + 1, str(k)
            )
            if found:
                return found
    if isinstance(value, list):
        if len(value) > MANIFEST_MAX_ITEMS:
            return "quá nhiều mục"
        for v in value:
            found = _manifest_text_problem(v, depth + 1, key)
            if found:
                return found
    return None


def _data_key(
    manifest: dict[str, Any], password: str | None, recovery_key: str | None
) -> bytes | None:
    enc = manifest.get("encryption")
    if enc is None:
        return None
    if not password and not recovery_key:
        raise PasswordRequiredError(
            "Gói dữ liệu có mật khẩu: hãy nhập mật khẩu hoặc khoá khôi phục."
        )
    try:
        kdf = enc["kdf"]
        wrapped = enc["wrapped_keys"]
        if enc.get("cipher") != "AES-256-GCM" or kdf.get("name") != "scrypt":
            raise PackageError("Gói dùng kiểu mã hoá không được hỗ trợ.")
        aad = str(manifest["package_id"]).encode()
        if password:
            n, r, p = kdf["n"], kdf["r"], kdf["p"]
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)):
                raise PackageError("Tham số mã hoá của gói không hợp lệ.")
            params = crypto.KdfParams(salt=_unb64(kdf["salt"], "salt"), n=n, r=r, p=p)
            pw = wrapped["password"]
            key = crypto.open_sealed(
                crypto.password_kek(password, params),
                _unb64(pw["nonce"], "nonce"),
                _unb64(pw["key"], "key"),
                aad,
            )
            if key is not None:
                return key
        if recovery_key:
            rk = wrapped["recovery"]
            key = crypto.open_sealed(
                crypto.recovery_kek(recovery_key, _unb64(rk["salt"], "salt")),
                _unb64(rk["nonce"], "nonce"),
                _unb64(rk["key"], "key"),
                aad,
            )
            if key is not None:
                return key
    except (KeyError, TypeError, AttributeError) as exc:
        raise PackageError("Thông tin mã hoá của gói bị hỏng.") from exc
    raise WrongPasswordError("Sai mật khẩu hoặc khoá khôi phục, hoặc gói đã bị thay đổi.")
