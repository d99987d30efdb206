"""``db.search.fold_words`` (the search row's text, a word at a time, cached) is
``forms.text.fold`` of the whole text, on Vietnamese names and on random texts with every
kind of white space, combining marks where they can and cannot combine, and letters whose
case folds to more than one character."""

from __future__ import annotations

import random

from db.search import fold_words
from forms.text import fold

PIECES = [
    "Nguyễn", "Thị", "Hoà", "Hòa", "Đặng", "ĐẶNG", "Ánh", "ư", "ơ", "M'Nông", "Lò", "Quốc",
    "HO00001", "050271805914", "Thôn 1", "ß", "İ", "ﬁ", "Σ", "ς", "ǅ", "Å", "Å",
    "\u0301", "\u0323\u0302", "a\u0301\u0323", "\u1dc0", "\u20d0", "ł", "Ð", "東京", "ア",
    " ", "  ", "\t", "\n", "\u00a0", "\u2000", "\u2001", "\u3000", "\x1c", "\x1f", "\x85",
    "\u2028", "", "-", ".", "(", "x",
]  # fmt: skip


def test_the_same_as_folding_the_whole_text() -> None:
    rng = random.Random(22)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        assert fold_words(text) == fold(text), repr(text)
    for text in ("Nguyễn Văn An", " Đặng  Thị Ánh ", "", "   ", "\u0301 a", "HO1 Thôn 2"):
        assert fold_words(text) == fold(text)


def test_only_words_of_a_names_length_are_kept() -> None:
    """A long word is folded each time, not kept for the life of the window: 50,000 of them
    would be tens of MB (review of 9e46fff)."""
    from db import search

    long_word = "Đ" * (search._FOLDED_LONGEST + 1)
    assert fold_words(f"Ánh {long_word}") == fold(f"Ánh {long_word}")
    assert "Ánh" in search._FOLDED
    assert long_word not in search._FOLDED
