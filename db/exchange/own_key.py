"""This laptop's signing key, as the application provides it.

The key is the laptop's identity, kept by the application beside its device id in the user's
config folder (``rasoat.identity.signing_key``: made on first use, readable by its owner
only). The storage layer never reaches up for it: the application says where it comes from
(``provide``; ``rasoat`` does when it is imported, so the window, the command line and the
tests all have it), and ``export_package``, ``merge_package``, ``precheck`` and
``devices.own_fingerprint`` ask here when their caller passes no key of its own.

Kept free of heavy imports: ``rasoat`` imports it at start-up, before any commune file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_source: Callable[[], Ed25519PrivateKey] | None = None


def provide(source: Callable[[], Ed25519PrivateKey]) -> None:
    """Where this laptop's key comes from; asked each time the key is needed (the file is
    made on first use, and a test points the config folder elsewhere)."""
    global _source
    _source = source


def signing_key() -> Ed25519PrivateKey:
    if _source is None:
        # A developer's mistake, never an officer's: every entry point imports ``rasoat``.
        raise RuntimeError(
            "no signing key provided: import rasoat (it provides rasoat.identity.signing_key)"
            " or pass the key"
        )
    return _source()
