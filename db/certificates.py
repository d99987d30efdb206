"""Certificate numbers: given once per commune and round, stored, reprinted unchanged.

The order of first assignment is the commune's list after the meeting (poor, then near-poor;
villages in the commune's order; household code), so a commune that prints all its
certificates at once gets them numbered as its list reads. A household that joins the list
later (a new vote after re-survey) gets the next free number; one that leaves keeps its
number unused, so no two families ever hold the same number of a round.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from db.report_queries import SENT_BACK, connection
from forms.model import Category

_LISTED = (Category.POOR, Category.NEAR_POOR)


def numbers(conn: sqlite3.Connection, round_id: str) -> dict[str, int]:
    """household id → its certificate number in the round."""
    return dict(
        conn.execute(
            "SELECT household_id, number FROM certificate_numbers WHERE round_id = ?",
            (round_id,),
        )
    )


def assign(store: Any, round_id: str) -> int:
    """Numbers the households on the round's poor and near-poor lists after the meeting that
    have none yet; returns how many were numbered. One transaction, so two prints at once
    cannot hand out the same number (the UNIQUE constraint would refuse it anyway)."""
    conn = connection(store)
    listed = ",".join(f"'{c.value}'" for c in _LISTED)
    order = " ".join(f"WHEN '{c.value}' THEN {i}" for i, c in enumerate(_LISTED))
    sql = (
        "SELECT h.id FROM results r JOIN households h ON h.id = r.household_id"
        " LEFT JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id"
        " LEFT JOIN villages vi ON vi.name = h.village"
        " LEFT JOIN certificate_numbers c ON c.round_id = r.round_id AND c.household_id = h.id"
        f" WHERE r.round_id = ? AND h.deleted = 0 AND r.category IN ({listed})"
        f" AND NOT {SENT_BACK} AND c.household_id IS NULL"
        f" ORDER BY CASE r.category {order} END, vi.position IS NULL, vi.position, h.village,"
        " h.code"
    )
    missing = [row[0] for row in conn.execute(sql, (round_id,))]
    if not missing:
        return 0
    from db.store import now_utc

    with store.transaction():
        top = conn.execute(
            "SELECT COALESCE(MAX(number), 0) FROM certificate_numbers WHERE round_id = ?",
            (round_id,),
        ).fetchone()[0]
        at = now_utc()
        conn.executemany(
            "INSERT INTO certificate_numbers (round_id, household_id, number, assigned_at,"
            " assigned_device) VALUES (?, ?, ?, ?, ?)",
            [(round_id, hid, top + i, at, store.device) for i, hid in enumerate(missing, start=1)],
        )
    return len(missing)
