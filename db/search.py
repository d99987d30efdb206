"""Search text for the FTS5 index and the MATCH expression for a typed query.

Both sides go through ``forms.text.fold``; every typed word is a prefix, all must match.
"""

from __future__ import annotations

import re

from forms.model import Household
from forms.text import fold

_WORD = re.compile(r"[^\W_]+")


def index_text(h: Household) -> str:
    parts = [h.code, h.village]
    parts += [m.name for m in h.members]
    parts += [m.id_number for m in h.members if m.id_number]
    return fold(" ".join(parts))


def match_expression(text: str) -> str | None:
    """``None`` when the text has nothing searchable (only punctuation, empty)."""
    words = _WORD.findall(fold(text))
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)
