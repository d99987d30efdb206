"""Search text for the FTS5 index and the MATCH expression for a typed query.

Both sides go through ``forms.text.fold``; every typed word is a prefix, all must match.
"""

from __future__ import annotations

import re

from db import driver
from db.year_round import responsible_cadre
from forms.model import Household
from forms.text import fold

_WORD = re.compile(r"[^\W_]+")


def index_text(h: Household) -> str:
    parts = [h.code, h.village]
    parts += [m.name for m in h.members]
    parts += [m.id_number for m in h.members if m.id_number]
    return fold(" ".join(parts))


def year_round_words(conn: driver.Connection, household_id: str) -> str:
    """What a household is also found by (issue 24): the programme and giver of its support,
    who submitted its applications and the cadre responsible for it
    (``db.year_round.responsible_cadre``), folded like the rest of its row."""
    words = [
        text
        for (text,) in conn.execute(
            "SELECT programme || ' ' || given_by FROM support_records"
            " WHERE household_id = ?1 AND deleted = 0"
            " UNION ALL SELECT submitted_by FROM applications"
            " WHERE household_id = ?1 AND deleted = 0"
            " UNION ALL SELECT cadre FROM"
            f" (SELECT {responsible_cadre()} AS cadre FROM households h WHERE h.id = ?1)"
            " WHERE cadre IS NOT NULL",
            (household_id,),
        )
    ]
    return fold(" ".join(words))


def match_expression(text: str) -> str | None:
    """``None`` when the text has nothing searchable (only punctuation, empty)."""
    words = _WORD.findall(fold(text))
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)
