"""Read-only SQL the printed documents need that the Store API does not offer.

Kept apart from ``db/store.py`` so report queries never touch the write path; every function
takes the Store's own connection (the caller's thread owns it).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from forms.model import Transition


def connection(store: Any) -> sqlite3.Connection:
    """The sqlite3 connection under a Store (plain or wrapped in a sqlite-utils Database)."""
    for name in ("conn", "_conn", "connection", "db", "_db"):
        value = getattr(store, name, None)
        if isinstance(value, sqlite3.Connection):
            return value
        inner = getattr(value, "conn", None)
        if isinstance(inner, sqlite3.Connection):
            return inner
    raise TypeError("the store exposes no sqlite3 connection")


def transitions(conn: sqlite3.Connection, round_id: str) -> dict[str, Transition | None]:
    """Household id → its stored transition into ``round_id`` (None when not computed)."""
    rows = conn.execute(
        "SELECT household_id, transition FROM results WHERE round_id = ?", (round_id,)
    ).fetchall()
    out: dict[str, Transition | None] = {}
    for household_id, value in rows:
        try:
            out[str(household_id)] = Transition(value) if value else None
        except ValueError:
            out[str(household_id)] = None  # written by a newer version: show it as unknown
    return out
