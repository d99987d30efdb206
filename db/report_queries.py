"""Read-only SQL the printed documents need that the Store API does not offer.

Kept apart from ``db/store.py`` so report queries never touch the write path; every function
takes the Store's own connection (the caller's thread owns it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from db.households import household_from_docs
from forms.classify import Result, result_from_dict
from forms.model import Household, Transition

_CHUNK = 500


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


def _transition(value: str | None) -> Transition | None:
    try:
        return Transition(value) if value else None
    except ValueError:
        return None


def round_results(
    conn: sqlite3.Connection, round_id: str, village: str | None = None
) -> Iterator[tuple[Household, Result, Transition | None]]:
    """Live households classified in a round, with their result and stored transition, in
    code order; with ``village``, only that village's rows are read and decoded (a village
    list of a large commune must not decode the whole commune)."""
    last = ""
    while True:
        sql = (
            "SELECT h.id, h.code, h.doc, r.doc, r.transition FROM results r JOIN households h"
            " ON h.id = r.household_id WHERE r.round_id = ? AND h.deleted = 0 AND h.code > ?"
        )
        params: list[Any] = [round_id, last]
        if village is not None:
            sql += " AND h.village = ?"
            params.append(village)
        rows = conn.execute(sql + f" ORDER BY h.code LIMIT {_CHUNK}", params).fetchall()
        if not rows:
            return
        ids = [r[0] for r in rows]
        members: dict[str, list[str]] = {hid: [] for hid in ids}
        marks = ",".join("?" * len(ids))
        for hid, doc in conn.execute(
            f"SELECT household_id, doc FROM members WHERE deleted = 0 AND household_id IN ({marks})"
            " ORDER BY household_id, position",
            ids,
        ):
            members[hid].append(doc)
        for hid, _code, doc, result_doc, transition in rows:
            yield (
                household_from_docs(doc, members[hid]),
                result_from_dict(json.loads(result_doc)),
                _transition(transition),
            )
        last = rows[-1][1]
