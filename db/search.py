"""Search text for the FTS5 index and the MATCH expression for a typed query.

Both sides go through ``forms.text.fold``; every typed word is a prefix, all must match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from db import driver
from db.year_round import responsible_cadre
from forms.model import Household
from forms.text import fold

_WORD = re.compile(r"[^\W_]+")


def index_text(h: Household) -> str:
    parts = [h.code, h.village]
    parts += [m.name for m in h.members]
    parts += [m.id_number for m in h.members if m.id_number]
    return fold_words(" ".join(parts))


# Words folded before, by their text: a commune's names are made of a few thousand
# syllables, and folding a household's whole text (NFD, two translations, casefold) took
# 17 µs of the 6 a word at a time takes (issue 22: a merge or an import folds every name).
_FOLDED: dict[str, str] = {}
_FOLDED_MAX = 50_000
# Only words of a name's length are kept: a field's text may be one long word, and 50,000
# such kept for the life of the window would be tens of MB (a syllable is under 10).
_FOLDED_LONGEST = 40


def fold_words(text: str) -> str:
    """``fold(text)``, a word at a time: the same text, since folding changes each character
    apart from the ones around it (NFD reorders marks only between two base characters, and
    a space is one) and folds white space to white space, and ``fold`` joins its words with
    one space (a test holds the two equal on random texts)."""
    out = []
    for word in text.split():
        if word.isascii():
            out.append(word.lower())  # fold's own ASCII path: casefold is lower there
            continue
        folded = _FOLDED.get(word)
        if folded is None:
            folded = fold(word)
            if len(word) <= _FOLDED_LONGEST:
                if len(_FOLDED) >= _FOLDED_MAX:
                    _FOLDED.clear()
                _FOLDED[word] = folded
        if folded:
            out.append(folded)
    return " ".join(out)


def year_round_words(conn: driver.Connection, household_id: str) -> str:
    """What a household is also found by (issue 24): the programme and giver of its support,
    who submitted its applications and the cadre responsible for it
    (``db.year_round.responsible_cadre``), folded like the rest of its row."""
    return year_round_words_of(conn, [household_id])[household_id]


def year_round_words_of(conn: driver.Connection, household_ids: Sequence[str]) -> dict[str, str]:
    """``year_round_words`` of each of these households (a few hundred at most), in one
    statement."""
    words: dict[str, list[str]] = {hid: [] for hid in household_ids}
    if not words:
        return {}
    marks = ",".join("?" * len(words))
    ids = list(words)
    for hid, text in conn.execute(
        "SELECT household_id, programme || ' ' || given_by FROM support_records"
        f" WHERE household_id IN ({marks}) AND deleted = 0"
        " UNION ALL SELECT household_id, submitted_by FROM applications"
        f" WHERE household_id IN ({marks}) AND deleted = 0"
        " UNION ALL SELECT id, cadre FROM"
        f" (SELECT h.id, {responsible_cadre()} AS cadre FROM households h WHERE h.id IN ({marks}))"
        " WHERE cadre IS NOT NULL",
        ids * 3,
    ):
        words[hid].append(text)
    return {hid: fold(" ".join(found)) for hid, found in words.items()}


def match_expression(text: str) -> str | None:
    """``None`` when the text has nothing searchable (only punctuation, empty)."""
    words = _WORD.findall(fold(text))
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)
