"""Rà soát: offline desktop application for Vietnam's annual poor-household review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db import private_tmp
from db.exchange import own_key
from db.version import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["APP_NAME", "__version__"]

APP_NAME = "Rà soát"


def _signing_key() -> Ed25519PrivateKey:
    # Imported when first asked: ``import rasoat`` (the crash handler, ``--version``) need
    # not load the key's module and its cryptography.
    from rasoat.identity import signing_key

    return signing_key()


# The storage layer signs and recognises this laptop's packages with the key the application
# keeps (rasoat.identity, in the user's config folder): provided from here rather than
# imported from below, so db/ never points up at the command-line package.
own_key.provide(_signing_key)


def _private_tmp() -> Path:
    from rasoat import paths

    return paths.data_dir() / "tam"


# Temporary files holding personal data (a workbook's sheets while it is written,
# reports.spool) go in owner-only folders under the app's own data folder, swept of what a
# killed process left.
private_tmp.provide(_private_tmp)
