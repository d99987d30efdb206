"""Households found by their support, applications and cadre (issue 24).

From this step on a household's search row also holds the programme and giver of its
support, who submitted its applications and the cadre responsible for it (its own, else its
village's): ``db.search.year_round_words``, written with the household and whenever one of
those records changes. Rows written before it lack those words: the households that have
such a record get their row again here. Self-contained (a step never changes once landed):
the same text as ``db.search`` at the time, folded by ``forms.text.fold``.
"""

from __future__ import annotations

import json
import sqlite3

from forms.text import fold

_WORDS = (
    "SELECT programme || ' ' || given_by FROM support_records"
    " WHERE household_id = ?1 AND deleted = 0"
    " UNION ALL SELECT submitted_by FROM applications WHERE household_id = ?1 AND deleted = 0"
    " UNION ALL SELECT cadre_name FROM cadre_assignments WHERE deleted = 0"
    " AND (household_id = ?1 OR (village = (SELECT village FROM households WHERE id = ?1)"
    " AND NOT EXISTS (SELECT 1 FROM cadre_assignments WHERE deleted = 0"
    " AND household_id = ?1)))"
)


def apply(conn: sqlite3.Connection) -> None:
    touched = conn.execute(
        "SELECT rowid, id, code, village FROM households h WHERE deleted = 0 AND ("
        " EXISTS (SELECT 1 FROM support_records s WHERE s.household_id = h.id)"
        " OR EXISTS (SELECT 1 FROM applications a WHERE a.household_id = h.id)"
        " OR EXISTS (SELECT 1 FROM cadre_assignments c WHERE c.deleted = 0"
        " AND (c.household_id = h.id OR c.village = h.village)))"
    ).fetchall()
    for rowid, hid, code, village in touched:
        names: list[str] = []
        id_numbers: list[str] = []
        for name, doc in conn.execute(
            "SELECT name, doc FROM members WHERE household_id = ? AND deleted = 0"
            " ORDER BY position",
            (hid,),
        ):
            names.append(name)
            number = json.loads(doc).get("id_number")
            if number:
                id_numbers.append(number)
        words = [w for (w,) in conn.execute(_WORDS, (hid,))]
        text = f"{fold(' '.join([code, village, *names, *id_numbers]))} {fold(' '.join(words))}"
        conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
        conn.execute("INSERT INTO search_index (rowid, text) VALUES (?, ?)", (rowid, text.strip()))
