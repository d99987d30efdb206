"""Who is working and on which laptop: recorded with every change for history and merging."""

from __future__ import annotations

import getpass
import logging
import os
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.errors import StoreError
from forms.validate import text_problem
from rasoat import paths

log = logging.getLogger(__name__)


class SigningKeyDamaged(StoreError, OSError):
    """Ours (its ``message`` said as is, ``db.errors.failure_reason``), and an OSError for
    the callers that catch a key they cannot read as one."""


# The longest device id a package's reader takes (its stamps: printable, 200 characters at
# most); ours are 12 hex digits, a hand-made one (a laptop set up by the district) may be
# any printable name within it.
MAX_DEVICE_ID = 200


def device_id() -> str:
    """A random id made once per laptop (per user profile) and kept in the config folder;
    unlike the host name it stays unique when laptops are cloned from one image.

    A file holding what no package reader takes (empty, over 200 characters, a control
    character: damaged) is set aside as ``device-id.hong`` and a new id made: stamped on
    every change, such an id had every receiver refuse the laptop's packages."""
    path = paths.config_dir() / "device-id"
    try:
        with path.open("rb") as fh:
            value = fh.read(4 * MAX_DEVICE_ID).decode("utf-8", "replace").strip()
    except FileNotFoundError:
        pass
    else:
        value = value.removeprefix("\ufeff")  # saved by Notepad
        if value and text_problem(value, MAX_DEVICE_ID) is None:
            return value
        log.warning("device id file %s unusable: set aside, a new id made", path)
        os.replace(path, path.with_name("device-id.hong"))
    value = uuid.uuid4().hex[:12]
    path.write_text(value + "\n", encoding="utf-8")
    return value


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def signing_key() -> Ed25519PrivateKey:
    """The laptop's Ed25519 key that signs its packages (issue 17), made the first time the
    laptop exports or merges and kept beside the device id. Readable by its owner only
    (0600): whoever holds it can make packages in this laptop's name."""
    path = paths.config_dir() / "signing-key.pem"
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(loaded, Ed25519PrivateKey):
            return loaded
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        # A damaged key is not replaced silently: a new key makes the commune ask about this
        # laptop again, which the officer should hear about from us first.
        raise SigningKeyDamaged(f"Khoá ký gói của máy này bị hỏng (tệp {path}).") from exc
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key
