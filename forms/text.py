"""Text folding for search: one function for the index and the query alike.

SQLite's FTS5 ``remove_diacritics`` leaves đ/Đ alone and ``lower()`` folds ASCII only, so
Vietnamese names are folded here before they reach the index: "Đặng Thị Ánh" and
"dang thi anh" fold to the same text.
"""

from __future__ import annotations

import unicodedata

# Letters that NFD does not decompose into base + combining mark.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l"})


def fold(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced form of ``text``."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_EXTRA).casefold().split())
