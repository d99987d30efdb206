from __future__ import annotations

from desktop.first_run_dialog import file_name_for, split_villages


def test_villages_one_per_line_without_repeats() -> None:
    assert split_villages("Thôn 1\n thôn 1 \n\nBản  Nà Lầu, Ấp Tân Hòa") == [
        "Thôn 1",
        "Bản Nà Lầu",
        "Ấp Tân Hòa",
    ]


def test_file_name_is_ascii() -> None:
    assert file_name_for("Xã Đồng Hỷ") == "xa-dong-hy.rasoat.sqlite"
