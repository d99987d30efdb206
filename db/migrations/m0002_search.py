"""The search index: one FTS5 row per live household, rowid = households.rowid.

The text is folded by ``forms.text.fold`` (index and query alike), because FTS5's own
``remove_diacritics`` keeps đ. Prefix indexes make per-keystroke prefix queries cheap.
"""

from __future__ import annotations

import json
import sqlite3

from forms.text import fold


def index_text(code: str, village: str, names: list[str], id_numbers: list[str]) -> str:
    return fold(" ".join([code, village, *names, *id_numbers]))


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "text, tokenize = 'unicode61', prefix = '1 2 3')"
    )
    members: dict[str, list[tuple[str, str]]] = {}
    for household_id, name, doc in conn.execute(
        "SELECT household_id, name, doc FROM members WHERE deleted = 0 ORDER BY position"
    ):
        members.setdefault(household_id, []).append((name, json.loads(doc).get("id_number") or ""))
    rows = conn.execute("SELECT rowid, id, code, village FROM households WHERE deleted = 0")
    conn.executemany(
        "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
        (
            (
                rowid,
                index_text(
                    code,
                    village,
                    [n for n, _ in members.get(hid, [])],
                    [i for _, i in members.get(hid, []) if i],
                ),
            )
            for rowid, hid, code, village in rows.fetchall()
        ),
    )
