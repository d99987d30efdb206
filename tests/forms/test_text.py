from __future__ import annotations

import unicodedata

from forms.text import fold


def test_fold_drops_marks_and_case() -> None:
    assert fold("Nguyễn Thị Ánh") == "nguyen thi anh"
    assert fold("ĐẶNG") == "dang"
    assert fold("Đinh") == fold("dinh") == "dinh"


def test_fold_same_for_nfc_and_nfd() -> None:
    name = "Lường Thị Xuyến"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name) == "luong thi xuyen"


def test_fold_collapses_whitespace() -> None:
    assert fold("  Bản \t Nà   Hin \n") == "ban na hin"


def test_fold_keeps_apostrophe_and_digits() -> None:
    assert fold("H'Mông 012") == "h'mong 012"
