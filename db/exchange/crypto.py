"""Authenticated encryption of package parts, with a data key wrapped twice.

A random 256-bit data key encrypts every part (AES-GCM). The data key itself is stored twice,
wrapped (AES-GCM again) under a key derived from the password with scrypt, and under a key
derived from a random recovery key that the commune prints once. Either opens the package, so
a forgotten password does not lose the data.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from db.exchange.errors import PackageError

KEY_BYTES = 32
NONCE_BYTES = 12
RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters, printed as 8 groups of 4

# scrypt cost: N=2^15, r=8 takes ~0.1 s and 32 MB here; the reader refuses parameters above
# these ceilings so that a hostile manifest cannot make it spend minutes or gigabytes.
DEFAULT_SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
MAX_SCRYPT_N = 2**17
MAX_SCRYPT_R = 16
MAX_SCRYPT_P = 4

_B32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    n: int = DEFAULT_SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def check(self) -> None:
        n_ok = 2 <= self.n <= MAX_SCRYPT_N and self.n & (self.n - 1) == 0
        if not (n_ok and 1 <= self.r <= MAX_SCRYPT_R and 1 <= self.p <= MAX_SCRYPT_P):
            raise PackageError("Tham số mã hoá của gói không hợp lệ hoặc quá lớn.")
        if not 16 <= len(self.salt) <= 64:
            raise PackageError("Tham số mã hoá của gói không hợp lệ.")


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def new_recovery_key() -> str:
    """A recovery key as the user sees it: 8 groups of 4 base32 characters."""
    raw = base64.b32encode(secrets.token_bytes(RECOVERY_BYTES)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_recovery_key(text: str) -> str:
    """Accepts what people type: spaces or dashes anywhere, lower case, O for 0 and I/L for 1
    are not in the base32 alphabet so they are refused rather than guessed."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    if len(cleaned) != RECOVERY_BYTES * 8 // 5 or any(c not in _B32_ALPHABET for c in cleaned):
        raise PackageError(
            "Khoá khôi phục không đúng dạng: cần 32 ký tự (chữ A–Z và số 2–7), "
            "chia thành 8 nhóm 4 ký tự."
        )
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def password_kek(password: str, params: KdfParams) -> bytes:
    params.check()
    kdf = Scrypt(salt=params.salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p)
    # NFC so that the same Vietnamese password typed on two keyboards gives the same key.
    return kdf.derive(unicodedata.normalize("NFC", password).encode("utf-8"))


def recovery_kek(recovery_key: str, salt: bytes) -> bytes:
    # The recovery key is 160 random bits: a fast KDF is enough, scrypt would add nothing.
    raw = base64.b32decode(normalise_recovery_key(recovery_key).replace("-", ""))
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"rasoat-recovery")
    return hkdf.derive(raw)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes | None:
    """The plaintext, or None when the key is wrong or the bytes were changed."""
    if len(nonce) != NONCE_BYTES or len(key) != KEY_BYTES:
        return None
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError):
        return None


# Chunked sealing (format 4): the STREAM construction of Hoang, Reyhanitabar, Rogaway and
# Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance" (CRYPTO
# 2015), as Tink's streaming AEAD and age use it. Each chunk is sealed on its own, its nonce
# a random prefix of the part, the chunk's index and a flag set on the last chunk only; the
# same index and flag go into the associated data. A chunk moved to another place, a chunk
# dropped, or a part cut after any chunk then fails to open: the index or the flag differs.
STREAM_PREFIX_BYTES = 7  # + 4 bytes of index + 1 byte of flag = the 12 bytes of GCM's nonce
MAX_STREAM_CHUNKS = 2**32 - 1


def stream_nonce(prefix: bytes, index: int, final: bool) -> bytes:
    if len(prefix) != STREAM_PREFIX_BYTES or not 0 <= index <= MAX_STREAM_CHUNKS:
        raise ValueError("stream nonce out of range")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


def stream_aad(aad: bytes, index: int, final: bool) -> bytes:
    return aad + f"/{index}/{int(final)}".encode()


def seal_chunk(
    key: bytes, prefix: bytes, index: int, final: bool, data: bytes, aad: bytes
) -> bytes:
    return AESGCM(key).encrypt(
        stream_nonce(prefix, index, final), data, stream_aad(aad, index, final)
    )


def open_chunk(
    key: bytes, prefix: bytes, index: int, final: bool, sealed: bytes, aad: bytes
) -> bytes | None:
    """The chunk's plaintext, or None when it was changed, moved, or is not what it claims
    to be (the last chunk or not)."""
    if len(prefix) != STREAM_PREFIX_BYTES or len(key) != KEY_BYTES:
        return None
    if not 0 <= index <= MAX_STREAM_CHUNKS:
        return None
    try:
        return AESGCM(key).decrypt(
            stream_nonce(prefix, index, final), sealed, stream_aad(aad, index, final)
        )
    except (InvalidTag, ValueError):
        return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MIN_PASSPHRASE = 10
PASSPHRASE_HINT = (
    "Gợi ý: ghép ba, bốn từ dễ nhớ mà người khác khó đoán, có dấu cách, ví dụ "
    "“ruộng bậc thang mùa lúa chín”."
)
# Sequences people reach for first; "1" was found on the second guess in 0.23 s.
_OBVIOUS = ("0123456789", "1234567890", "abcdefghij", "qwertyuiop", "matkhau", "password")


def passphrase_problem(password: str) -> str | None:
    """Why a password is too weak to protect personal data (Vietnamese, with a hint), or None.

    scrypt makes each guess cost ~0.1 s; what remains is not to be among the first guesses:
    at least 10 characters, several different ones, not digits alone under 16, not an
    obvious sequence."""
    text = unicodedata.normalize("NFC", password)
    folded = "".join(text.lower().split())
    if len(text) < MIN_PASSPHRASE:
        return f"Mật khẩu quá ngắn: cần ít nhất {MIN_PASSPHRASE} ký tự. {PASSPHRASE_HINT}"
    if len(set(folded)) < 5:
        return f"Mật khẩu lặp lại quá ít ký tự khác nhau, dễ bị đoán. {PASSPHRASE_HINT}"
    if folded.isdigit() and len(folded) < 16:
        return (
            f"Mật khẩu chỉ có chữ số (như ngày sinh, số điện thoại) dễ bị đoán. {PASSPHRASE_HINT}"
        )
    if any(seq in folded for seq in _OBVIOUS):
        return f"Mật khẩu chứa một dãy quen thuộc (1234…, abcd…, matkhau). {PASSPHRASE_HINT}"
    return None
