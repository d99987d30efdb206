"""Who made a package: an Ed25519 signature over the manifest, by the laptop's own key.

Each laptop has one signing key (``rasoat.identity.signing_key``, made the first time the
laptop exports or merges for a commune, kept beside its device id with permissions 0600).
The signature covers the manifest as canonical JSON without its ``signature`` field; the
manifest carries the SHA-256 and size of every part, and the reader checks every part
against them, so the signature covers the parts too. A person compares keys by their
fingerprint: the first 80 bits of the public key's SHA-256, as 5 groups of 4 hex digits.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from db.exchange.errors import DamagedPackage, PackageError

ALGORITHM = "Ed25519"
SIGNATURE_FIELD = "signature"


@dataclass(frozen=True)
class Signer:
    """The key a package was signed with, verified."""

    public_key: bytes  # raw, 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public_key: bytes) -> str:
    digest = hashlib.sha256(public_key).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def normalise_fingerprint(text: str) -> str:
    """What people type: any case, with or without dashes or spaces."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def canonical(manifest: Mapping[str, Any]) -> bytes:
    """The bytes signed: the manifest without its signature, keys sorted, no spaces."""
    body = {k: v for k, v in manifest.items() if k != SIGNATURE_FIELD}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(manifest: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, str]:
    """The manifest's ``signature`` field."""
    return {
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(public_bytes(key)).decode("ascii"),
        "value": base64.b64encode(key.sign(canonical(manifest))).decode("ascii"),
    }


def verify(manifest: Mapping[str, Any]) -> Signer:
    """The verified signer; ``PackageError`` when the signature is missing, malformed or
    does not match (a manifest changed after signing: author, counts, a part's checksum)."""
    sig = manifest.get(SIGNATURE_FIELD)
    if not isinstance(sig, dict):
        raise PackageError("Gói không có chữ ký của máy đã tạo gói: không dùng được.")
    if sig.get("algorithm") != ALGORITHM:
        raise PackageError("Gói dùng kiểu chữ ký không được hỗ trợ.")
    try:
        public = base64.b64decode(str(sig.get("public_key", "")), validate=True)
        value = base64.b64decode(str(sig.get("value", "")), validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(value, canonical(manifest))
    except (binascii.Error, ValueError, InvalidSignature) as exc:
        raise DamagedPackage(
            "Chữ ký của gói không khớp: bản kê hoặc dữ liệu đã bị sửa sau khi ký "
            "(người tạo, số liệu hoặc một phần dữ liệu). Không nhập."
        ) from exc
    return Signer(public_key=public)
