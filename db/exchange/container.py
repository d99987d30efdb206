"""The `.rasoat` file itself: a zip holding `manifest.json` and the data parts.

The manifest describes the package (format version, app version, commune, round, counts,
who made it and when) and carries the SHA-256 and size of every part. When the package is
password-protected each part is sealed with AES-GCM under a data key; the manifest then holds
the data key wrapped under the password and under the recovery key (see ``crypto``).

Parts are written and read as streams (``write_container`` takes each part as an iterable of
bytes, ``open_container`` hands each part back in pieces): a commune of 100,000 households
makes about 1.1 GB of JSON, which is never held whole. A password-protected package seals its
parts in chunks of 1 MiB (format 4, ``crypto.seal_chunk``); older packages sealed each part
whole and still open.

Reading is defensive: every size is bounded before anything is decompressed, only the known
entry names are accepted (so no path can escape a folder: nothing is ever extracted to disk),
and every checksum is verified. Any problem raises ``PackageError`` with a Vietnamese message.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import glob
import hashlib
import json
import os
import struct
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.backup import fsync_path
from db.errors import failure_reason
from db.exchange import crypto, signing
from db.exchange.errors import (
    DamagedPackage,
    NewerFormat,
    PackageError,
    PasswordRequiredError,
    WrongPasswordError,
)
from forms.validate import is_uuid, printable, text_problem

FORMAT_NAME = "rasoat-package"
# 2: signed (Ed25519 over the manifest), encrypted parts compressed before sealing and bound
# to the whole manifest. 1: unsigned, still read (with a warning at import).
FORMAT_VERSION = 2
# 3: a slim package for the upper level (``export.ExportScope.for_upper_level``): records
# with fields left out. Older readers refuse it rather than merge it as if those fields were
# empty; readers of this version take 1 to 3, and the merge refuses 3 into a commune file.
SLIM_FORMAT_VERSION = 3
# 4: a password-protected package whose parts are compressed and sealed in chunks as they
# are written (``CHUNK_BYTES``, the STREAM construction: ``crypto.seal_chunk``), so that
# neither side holds a whole part; the last chunk is bound to the part's checksum and the
# manifest. A slim package for the upper level with a password is format 4 too, marked by
# its scope's ``for_upper_level``. Plain packages did not change: still 2 (3 slim), which
# readers before format 4 take. Readers of this version take 1 to 4.
CHUNKED_FORMAT_VERSION = 4
NEWEST_FORMAT_VERSION = CHUNKED_FORMAT_VERSION
CHUNK_BYTES = 1024 * 1024
MANIFEST_NAME = "manifest.json"
SUFFIX = ".rasoat"
# Pieces a part is read in (plain) and handed to its reader.
READ_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Ceilings that keep a hostile or broken file from exhausting the laptop.

    A commune of 5,000 households makes about 54 MB of JSON (two rounds' results, every
    household's history), 100,000 households about 1.1 GB; its zip about 3 and 63 MB.
    """

    package_bytes: int = 512 * 1024 * 1024
    # The plain JSON of one part. 512 MB until parts were streamed (format 4, issue 22): a
    # 100,000-household commune's 1.1 GB did not fit, and no reader holds a part whole any
    # more (the import still holds the decoded records: memory is bounded by what the zip
    # may inflate to, never by the file alone). 2 GiB - 1 is also the most a zip entry holds
    # without zip64, which the writer does not use.
    part_bytes: int = zipfile.ZIP64_LIMIT
    manifest_bytes: int = 1024 * 1024
    # Deflated JSON of households shrinks about 10-20x; a ratio far above that is a zip bomb.
    max_ratio: int = 200
    max_entries: int = 16
    # Format 4's chunk size as a manifest may declare it: a chunk is read whole before it
    # is opened.
    max_chunk_bytes: int = 16 * 1024 * 1024


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
        raise DamagedPackage(f"Thông tin mã hoá của gói bị hỏng ({what}).")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DamagedPackage(f"Thông tin mã hoá của gói bị hỏng ({what}).") from exc


def _aad(package_id: str, name: str, digest: str, header: str = "") -> bytes:
    # Binding the manifest's checksum into each part's tag makes the manifest tamper-evident;
    # from format 2 the rest of the manifest too (author, device, scope, commune, counts):
    # ``header`` is the SHA-256 of everything but the parts and the signature.
    base = f"{package_id}/{name}/{digest}"
    return (base + "/" + header if header else base).encode()


def header_digest(manifest: Mapping[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k not in ("parts", signing.SIGNATURE_FIELD)}
    return crypto.sha256_hex(signing.canonical(body))


PartSource = bytes | Iterable[bytes]
Header = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def write_container(
    path: Path,
    header: Header,
    parts: Mapping[str, PartSource],
    *,
    password: str | None = None,
    recovery_key: str | None = None,
    scrypt_n: int = crypto.DEFAULT_SCRYPT_N,
    signer: Ed25519PrivateKey | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Written:
    """Writes a package atomically (a temporary file renamed into place).

    ``header`` holds the descriptive manifest fields; this function adds format, id, parts
    and encryption. It may be a function, called once after the first part is written (the
    counts of the households' part are known only then; nothing it returns may depend on a
    later part). Each part is bytes or an iterable of bytes, written as it comes (in the
    order given) and never held whole; a part larger than ``limits.part_bytes`` is refused,
    since no reader would open it.

    With a password and no ``recovery_key`` a new recovery key is made and returned in
    ``Written.recovery_key``: the caller must show it to the user. With ``signer`` the
    package is signed (format 2, 4 with a password); without, it is a format 1 package, which
    readers take only with a warning (kept for tests of older packages and tools).
    """
    package_id = str(uuid.uuid4())
    new_recovery: str | None = None
    data_key = b""
    encryption: dict[str, Any] | None = None
    if password:
        if recovery_key is None:
            recovery_key = new_recovery = crypto.new_recovery_key()
        data_key, encryption = _encryption(package_id, password, recovery_key, scrypt_n)
        if signer is not None:
            encryption["chunk_bytes"] = CHUNK_BYTES
    resolved: dict[str, Any] = {}

    def manifest_fields() -> dict[str, Any]:
        if not resolved:
            fields = header() if callable(header) else header
            resolved.update(
                {
                    "format": FORMAT_NAME,
                    "format_version": FORMAT_VERSION if signer is not None else 1,
                    "package_id": package_id,
                    **fields,
                }
            )
            resolved.setdefault("created_at", datetime.now(UTC).isoformat(timespec="seconds"))
            if encryption is not None and signer is not None:
                resolved["format_version"] = CHUNKED_FORMAT_VERSION
            resolved["encryption"] = encryption
        return resolved

    if signer is None:
        return _write_format_1(path, manifest_fields, parts, data_key, new_recovery)

    path = Path(path)
    tmp = _temporary(path)
    part_info: dict[str, dict[str, Any]] = {}
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, source in parts.items():
                pieces = [source] if isinstance(source, bytes) else source
                if encryption is None:
                    part_info[name] = _write_plain(zf, name, pieces, limits)
                else:
                    part_info[name] = _write_sealed(
                        zf, name, pieces, limits, data_key, package_id, manifest_fields
                    )
                manifest_fields()  # after the first part: see the docstring
            manifest = manifest_fields()
            manifest["parts"] = part_info
            manifest[signing.SIGNATURE_FIELD] = signing.sign(manifest, signer)
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            zf.writestr(MANIFEST_NAME, manifest_bytes)
        _publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return Written(
        path=path, manifest=manifest, recovery_key=new_recovery, size=path.stat().st_size
    )


def _encryption(
    package_id: str, password: str, recovery_key: str, scrypt_n: int
) -> tuple[bytes, dict[str, Any]]:
    """A new data key, and the manifest's ``encryption`` holding it wrapped twice."""
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
    return data_key, {
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


def _too_large() -> PackageError:
    return PackageError(
        "Gói dữ liệu quá lớn: một phần của gói vượt giới hạn mà máy nhận mở được. "
        "Hãy xuất theo từng thôn (--scope villages)."
    )


def _write_plain(
    zf: zipfile.ZipFile, name: str, pieces: Iterable[bytes], limits: Limits
) -> dict[str, Any]:
    """A plain part deflated by the zip as it comes, hashed on the way."""
    digest = hashlib.sha256()
    size = 0
    with zf.open(name, "w") as out:
        for piece in pieces:
            size += len(piece)
            if size > limits.part_bytes:
                raise _too_large()
            digest.update(piece)
            out.write(piece)
    return {"sha256": digest.hexdigest(), "size": size}


def _write_sealed(
    zf: zipfile.ZipFile,
    name: str,
    pieces: Iterable[bytes],
    limits: Limits,
    data_key: bytes,
    package_id: str,
    manifest_fields: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """A part deflated, then sealed chunk by chunk (format 4). Every chunk but the last
    holds ``CHUNK_BYTES`` of deflated bytes; the last (1 to ``CHUNK_BYTES``) is sealed once
    the part's checksum and the manifest are known, and its associated data binds them:
    a manifest changed and re-signed by another key does not open."""
    digest = hashlib.sha256()
    deflater = zlib.compressobj(6)
    prefix = os.urandom(crypto.STREAM_PREFIX_BYTES)
    aad = f"{package_id}/{name}".encode()
    size = stored = index = 0
    pending = bytearray()
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED  # ciphertext does not compress
    with zf.open(info, "w") as out:

        def flush(keep: int) -> None:
            # Seals every whole chunk while more than ``keep`` bytes wait (the last chunk
            # is held back until the end: only then is it known to be the last).
            nonlocal stored, index
            while len(pending) > keep:
                chunk = bytes(pending[:CHUNK_BYTES])
                del pending[:CHUNK_BYTES]
                sealed = crypto.seal_chunk(data_key, prefix, index, False, chunk, aad)
                out.write(sealed)
                stored += len(sealed)
                index += 1

        for piece in pieces:
            size += len(piece)
            if size > limits.part_bytes:
                raise _too_large()
            digest.update(piece)
            pending += deflater.compress(piece)
            flush(CHUNK_BYTES)
        pending += deflater.flush()
        flush(CHUNK_BYTES)
        sha = digest.hexdigest()
        bound = header_digest(manifest_fields())
        last = crypto.seal_chunk(
            data_key,
            prefix,
            index,
            True,
            bytes(pending),
            f"{package_id}/{name}/{sha}/{bound}".encode(),
        )
        out.write(last)
        stored += len(last)
    return {
        "sha256": sha,
        "size": size,
        "compression": "zlib",
        "stored_size": stored,
        "nonce_prefix": _b64(prefix),
    }


def _write_format_1(
    path: Path,
    manifest_fields: Callable[[], dict[str, Any]],
    parts: Mapping[str, PartSource],
    data_key: bytes,
    new_recovery: str | None,
) -> Written:
    """An unsigned format 1 package, each part sealed whole without compression: what the
    first release wrote, kept to test that such packages still read."""
    whole = {n: p if isinstance(p, bytes) else b"".join(p) for n, p in parts.items()}
    manifest = manifest_fields()
    encrypted = manifest["encryption"] is not None
    part_info: dict[str, dict[str, Any]] = {}
    stored: dict[str, bytes] = {}
    for name, data in whole.items():
        digest = crypto.sha256_hex(data)
        info: dict[str, Any] = {"sha256": digest, "size": len(data)}
        if encrypted:
            nonce, sealed = crypto.seal(data_key, data, _aad(manifest["package_id"], name, digest))
            info["nonce"] = _b64(nonce)
            info["stored_size"] = len(sealed)
            stored[name] = sealed
        else:
            stored[name] = data
        part_info[name] = info
    manifest["parts"] = part_info
    path = Path(path)
    tmp = _temporary(path)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            zf.writestr(MANIFEST_NAME, manifest_bytes)
            for name, data in stored.items():
                method = zipfile.ZIP_STORED if encrypted else zipfile.ZIP_DEFLATED
                zf.writestr(name, data, compress_type=method)
        _publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return Written(
        path=path, manifest=manifest, recovery_key=new_recovery, size=path.stat().st_size
    )


# A temporary package not written to for this long is an export's that was stopped (the
# laptop's power cut, the program ended from Task Manager): one under way writes it all along.
STALE_PARTIAL_SECONDS = 600


def _temporary(path: Path) -> Path:
    """A new temporary name beside ``path``, once the stale ones of that name are gone: an
    export stopped half-way left its ``.GOI.rasoat.xxxxxxxx.tmp`` on the USB stick for good,
    the households' names and ID numbers in it (in clear without a password), and every
    retry left one more."""
    now = time.time()
    for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        if len(old.name) != len(path.name) + 14:  # "." name "." 8 hex ".tmp": ours only
            continue
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > STALE_PARTIAL_SECONDS:
                old.unlink()
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def _publish(tmp: Path, path: Path) -> None:
    """``tmp`` renamed to ``path`` once its bytes are on the disk, and the new name too: the
    export says "Đã xuất" and the officer pulls the USB stick; bytes still in the system's
    cache were lost with it, leaving a package cut short under its final name."""
    fsync_path(tmp)
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder
        fsync_path(path.parent)


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
    """Reads and verifies everything: structure, sizes, decryption and every checksum. Holds
    every part whole: for small parts and tests; ``open_container`` streams them."""
    with open_container(
        path,
        allowed_parts=allowed_parts,
        password=password,
        recovery_key=recovery_key,
        limits=limits,
    ) as opened:
        parts = {name: opened.read_part(name) for name in opened.manifest["parts"]}
    return Container(manifest=opened.manifest, parts=parts, signer=opened.signer)


class Opened:
    """A package whose manifest (and signature) is checked and whose data key is known:
    its parts are read one at a time, each in pieces (``part``)."""

    def __init__(
        self,
        zf: zipfile.ZipFile,
        infos: dict[str, zipfile.ZipInfo],
        manifest: dict[str, Any],
        signer: signing.Signer | None,
        data_key: bytes | None,
        limits: Limits,
    ) -> None:
        self.manifest = manifest
        self.signer = signer
        self._zf = zf
        self._infos = infos
        self._data_key = data_key
        self._limits = limits
        self._bound = header_digest(manifest) if signer is not None else ""

    def read_part(self, name: str) -> bytes:
        return b"".join(self.part(name))

    def part(self, name: str) -> Iterator[bytes]:
        """The plain bytes of part ``name`` in pieces, as they are read, inflated and
        opened. Its size and checksum are checked as it goes and at its end: a piece handed
        out is not trusted until the iteration has ended without ``PackageError``."""
        info = self._manifest_part(name)
        expected_size = info["size"]
        if expected_size > self._limits.part_bytes:
            raise PackageError("Gói dữ liệu quá lớn để mở an toàn.")
        entry = self._infos[name]
        if self._data_key is None:
            pieces = _entry_pieces(self._zf, entry, expected_size, READ_BYTES)
        elif self.manifest["format_version"] >= CHUNKED_FORMAT_VERSION:
            pieces = self._chunked(name, info, entry)
        else:
            pieces = iter([self._sealed_whole(name, info, entry)])
        digest = hashlib.sha256()
        size = 0
        for piece in pieces:
            size += len(piece)
            if size > expected_size:
                raise DamagedPackage("Gói dữ liệu có kích thước phần không khớp với bản kê.")
            digest.update(piece)
            yield piece
        if size != expected_size or digest.hexdigest() != info["sha256"]:
            raise PackageError(
                f"Gói dữ liệu đã bị thay đổi hoặc hỏng: mã kiểm tra của phần '{name}' không khớp."
            )

    def _manifest_part(self, name: str) -> dict[str, Any]:
        info = self.manifest["parts"].get(name)
        if not isinstance(info, dict) or name not in self._infos:
            raise DamagedPackage("Gói dữ liệu thiếu phần dữ liệu bắt buộc.")
        return info

    def _sealed_whole(self, name: str, info: dict[str, Any], entry: zipfile.ZipInfo) -> bytes:
        """Formats 1 to 3: the part sealed whole (compressed first from format 2)."""
        assert self._data_key is not None
        expected_size = info["size"]
        compressed = info.get("compression") == "zlib"
        if compressed:
            stored_size = info.get("stored_size")
            if type(stored_size) is not int or not 16 <= stored_size <= self._limits.part_bytes:
                raise DamagedPackage("Bản kê của gói ghi sai kích thước phần mã hoá.")
            ceiling = stored_size
        else:
            ceiling = expected_size + 16
        raw = _read_entry(self._zf, entry, ceiling)
        opened = crypto.open_sealed(
            self._data_key,
            _unb64(info.get("nonce"), "nonce"),
            raw,
            _aad(self.manifest["package_id"], name, info["sha256"], self._bound),
        )
        if opened is None:
            raise _not_authentic()
        return _inflate(opened, expected_size) if compressed else opened

    def _chunked(self, name: str, info: dict[str, Any], entry: zipfile.ZipInfo) -> Iterator[bytes]:
        """Format 4: chunks opened in order, each knowing its index and whether it is the
        last; the last bound to the part's checksum and the manifest (``_write_sealed``)."""
        assert self._data_key is not None
        limits = self._limits
        expected_size = info["size"]
        stored_size = info.get("stored_size")
        chunk_bytes = self.manifest["encryption"].get("chunk_bytes")
        if type(chunk_bytes) is not int or not 1024 <= chunk_bytes <= limits.max_chunk_bytes:
            raise DamagedPackage("Thông tin mã hoá của gói bị hỏng (chunk_bytes).")
        if (
            info.get("compression") != "zlib"
            or type(stored_size) is not int
            or not 16 <= stored_size <= limits.part_bytes
            or entry.file_size != stored_size
        ):
            raise DamagedPackage("Bản kê của gói ghi sai kích thước phần mã hoá.")
        # A declared size far beyond what its deflated bytes can hold is a bomb, refused
        # before anything is inflated (the zip's own ratio says nothing: the entry is stored).
        if expected_size > 1024 * 1024 and expected_size > limits.max_ratio * stored_size:
            raise PackageError("Gói dữ liệu có dấu hiệu nén bất thường (bom nén), không mở.")
        prefix = _unb64(info.get("nonce_prefix"), "nonce_prefix")
        base = f"{self.manifest['package_id']}/{name}"
        last_aad = f"{base}/{info['sha256']}/{self._bound}".encode()
        inflater = zlib.decompressobj()
        produced = 0
        sealed_chunks = _entry_pieces(self._zf, entry, stored_size, chunk_bytes + 16)
        current = next(sealed_chunks, None)
        index = 0
        while current is not None:
            following = next(sealed_chunks, None)
            final = following is None
            opened = crypto.open_chunk(
                self._data_key,
                prefix,
                index,
                final,
                current,
                last_aad if final else base.encode(),
            )
            if opened is None:
                raise _not_authentic()
            # Inflated a piece at a time: one chunk of a hostile part may inflate to the
            # whole declared size.
            while opened:
                try:
                    out = inflater.decompress(opened, min(READ_BYTES, expected_size + 1 - produced))
                except zlib.error as exc:
                    raise DamagedPackage("Gói dữ liệu đã bị hỏng (không giải nén được).") from exc
                produced += len(out)
                if produced > expected_size:
                    raise DamagedPackage("Gói dữ liệu có kích thước phần không khớp với bản kê.")
                if out:
                    yield out
                opened = inflater.unconsumed_tail
            current, index = following, index + 1
        if not inflater.eof or inflater.unused_data:
            raise DamagedPackage("Gói dữ liệu có kích thước phần không khớp với bản kê.")


def _not_authentic() -> PackageError:
    return DamagedPackage("Gói dữ liệu đã bị thay đổi hoặc hỏng (phần mã hoá không xác thực được).")


@contextmanager
def open_container(
    path: Path,
    *,
    allowed_parts: frozenset[str],
    password: str | None = None,
    recovery_key: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Opened]:
    """The package with its structure, manifest and signature checked and its data key
    opened; parts are read from it (``Opened.part``) while the context lasts."""
    with _open_zip(Path(path), limits) as zf:
        infos = _check_entries(zf, limits, allowed=allowed_parts)
        manifest = _parse_manifest(_read_entry(zf, infos[MANIFEST_NAME], limits.manifest_bytes))
        declared = manifest["parts"]
        present = set(infos) - {MANIFEST_NAME}
        if set(declared) != present:
            raise DamagedPackage("Gói dữ liệu không đầy đủ: danh sách phần trong gói không khớp.")
        if set(declared) != set(allowed_parts):
            raise DamagedPackage("Gói dữ liệu thiếu phần dữ liệu bắt buộc.")
        for info in declared.values():
            if info["size"] > limits.part_bytes:
                raise PackageError("Gói dữ liệu quá lớn để mở an toàn.")
        # The signature first: a changed manifest is refused before any password is tried.
        signer = signing.verify(manifest) if manifest["format_version"] >= 2 else None
        if manifest["format_version"] >= CHUNKED_FORMAT_VERSION and signer is None:
            raise PackageError("Gói dữ liệu không có chữ ký.")  # verify refuses it first
        data_key = _data_key(manifest, password, recovery_key)
        yield Opened(zf, infos, manifest, signer, data_key, limits)


def _entry_pieces(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, ceiling: int, piece: int
) -> Iterator[bytes]:
    """The entry's bytes in pieces of ``piece`` (the last shorter), never more than
    ``ceiling`` in all whatever its header says."""
    if info.file_size > ceiling:
        raise DamagedPackage("Gói dữ liệu có kích thước phần không khớp với bản kê.")
    total = 0
    try:
        with zf.open(info) as fh:
            while data := _read_full(fh, piece):
                total += len(data)
                if total > ceiling:
                    raise DamagedPackage("Gói dữ liệu có kích thước phần không khớp với bản kê.")
                yield data
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise DamagedPackage("Gói dữ liệu đã bị hỏng (không giải nén được).") from exc


def _read_full(fh: IO[bytes], size: int) -> bytes:
    """``size`` bytes, fewer only at the end: a chunk's boundaries must not depend on how
    the zip's reader buffers."""
    data = fh.read(size)
    while data and len(data) < size:
        more = fh.read(size - len(data))
        if not more:
            break
        data += more
    return data


def _inflate(data: bytes, expected_size: int) -> bytes:
    """A sealed part's JSON, inflated to at most its declared size (a bomb stops there)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, expected_size + 1)
    except zlib.error as exc:
        raise DamagedPackage("Gói dữ liệu đã bị hỏng (không giải nén được).") from exc
    if len(out) != expected_size or not inflater.eof:
        raise DamagedPackage("Gói dữ liệu có kích thước phần không khớp với bản kê.")
    return out


def is_encrypted(manifest: Mapping[str, Any]) -> bool:
    return manifest.get("encryption") is not None


# --- reading helpers -------------------------------------------------------------------


class _ZipGuard:
    def __init__(self, path: Path, limits: Limits) -> None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise _unreadable(path, exc) from exc
        if size > limits.package_bytes:
            raise PackageError("Tệp gói quá lớn để mở an toàn.")
        try:
            # Opened, not read whole: a 100,000-household package is tens of MB, and its
            # parts are read from it in pieces.
            self.zf = zipfile.ZipFile(path)
        except OSError as exc:
            raise _unreadable(path, exc) from exc
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            ValueError,
            EOFError,
            NotImplementedError,  # a damaged header claiming an unknown zip version
            struct.error,
            UnicodeDecodeError,
        ) as exc:
            raise DamagedPackage(
                "Tệp không phải gói dữ liệu Rà soát, hoặc đã bị cắt cụt / hỏng."
            ) from exc

    def __enter__(self) -> zipfile.ZipFile:
        return self.zf

    def __exit__(self, *exc: object) -> None:
        self.zf.close()


def _unreadable(path: Path, exc: OSError) -> PackageError:
    """The package file could not be read: which one, and why (the disk's reason by its code,
    ``db.errors.failure_reason``; never the OSError's English text, which holds the whole
    path)."""
    why = failure_reason(exc) or f"hệ điều hành báo lỗi khi đọc tệp (mã lỗi {exc.errno})."
    return PackageError(f"Không đọc được tệp gói {path.name}: {why}")


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
    # Never trust the header: read at most one byte past the ceiling.
    return b"".join(_entry_pieces(zf, info, ceiling, ceiling + 1))


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # a number over 4,300 digits: ValueError
        raise DamagedPackage("Bản kê (manifest) của gói bị hỏng.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise PackageError("Tệp không phải gói dữ liệu Rà soát.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise PackageError("Bản kê của gói không ghi phiên bản định dạng.")
    if version > NEWEST_FORMAT_VERSION:
        raise NewerFormat(
            f"Gói được tạo bằng phiên bản định dạng {version}, mới hơn phiên bản phần mềm này "
            f"đọc được ({NEWEST_FORMAT_VERSION}). Hãy cập nhật phần mềm Rà soát."
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
    # Shown as the package's time in the receipt, the import history and the upper level's
    # table, and ordering a commune's packages there: a moment, not any text.
    created = manifest.get("created_at")
    if created is not None:
        try:
            datetime.fromisoformat(created)
        except ValueError:
            return f"ngày tạo gói '{printable(created, 40)}' không hợp lệ"
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
