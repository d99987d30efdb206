"""The laptops whose packages this commune file accepts, by signing key (issue 17).

A package is signed by the laptop that made it (``db/exchange/signing.py``). The first
package from a laptop, or one whose key differs from the one kept here, is imported only when
the officer confirms its fingerprint; the key is then kept. A replaced key keeps its row with
``retired_at`` set, so the history of which key spoke for a laptop stays readable.

``IF NOT EXISTS``: numbers 8 and 9 were reserved for other work when this landed; steps run
in the order of ``STEPS``, whatever their file number.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS exchange_devices (
    device TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    public_key TEXT NOT NULL,
    name TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    trusted_by TEXT NOT NULL,
    retired_at TEXT,
    PRIMARY KEY (device, fingerprint)
)
"""


def apply(conn: sqlite3.Connection) -> None:
    from db.migrations import run_statements  # the package imports this module

    run_statements(conn, SCHEMA)
