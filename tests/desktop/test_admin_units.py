from __future__ import annotations

from desktop import admin_units
from desktop.first_run_dialog import file_name_for, split_villages


def test_two_tier_system_has_34_provinces_and_3321_communes() -> None:
    provinces = admin_units.provinces()
    assert len(provinces) == 34
    assert sum(len(admin_units.communes(p.code)) for p in provinces) == 3321


def test_names_have_single_spaces_and_wards_are_urban() -> None:
    for p in admin_units.provinces():
        for unit in admin_units.communes(p.code):
            assert "  " not in unit.name
            assert unit.urban == unit.name.startswith("Phường")


def test_villages_one_per_line_without_repeats() -> None:
    assert split_villages("Thôn 1\n thôn 1 \n\nBản  Nà Lầu, Ấp Tân Hòa") == [
        "Thôn 1",
        "Bản Nà Lầu",
        "Ấp Tân Hòa",
    ]


def test_file_name_is_ascii() -> None:
    assert file_name_for("Xã Đồng Hỷ") == "xa-dong-hy.rasoat.sqlite"
