from __future__ import annotations

import unicodedata

from forms import admin_units


def test_two_tier_system_has_34_provinces_and_3321_communes() -> None:
    provinces = admin_units.provinces()
    assert len(provinces) == 34
    assert sum(len(admin_units.communes(p.code)) for p in provinces) == 3321


def test_names_have_single_spaces_and_wards_are_urban() -> None:
    for p in admin_units.provinces():
        assert not p.name.startswith("Tỉnh ")
        for unit in admin_units.communes(p.code):
            assert "  " not in unit.name
            assert unit.urban == unit.name.startswith("Phường")


def test_province_names_are_the_same_whatever_the_data_release_writes() -> None:
    # 2025.10 writes "Tuyên Quang", releases from 2026 on "Tỉnh Tuyên Quang": one name either way.
    assert admin_units.province_name("Tuyên Quang", "tỉnh") == "Tuyên Quang"
    assert admin_units.province_name("Tỉnh Tuyên Quang", "tỉnh") == "Tuyên Quang"
    assert admin_units.province_name("tỉnh  Lào   Cai", "tỉnh") == "Lào Cai"
    decomposed = unicodedata.normalize("NFD", "Tỉnh Điện Biên")
    assert admin_units.province_name(decomposed, "tỉnh") == "Điện Biên"
    # Cities keep "Thành phố"; a province literally named "Tỉnh" would not be emptied.
    assert (
        admin_units.province_name("Thành phố Hà Nội", "thành phố trung ương") == "Thành phố Hà Nội"
    )
    assert admin_units.province_name("Tỉnh", "tỉnh") == "Tỉnh"


def test_units_are_found_by_code() -> None:
    assert admin_units.province(8) == admin_units.Unit(8, "Tuyên Quang", "tỉnh")
    commune = admin_units.commune(2947)
    assert commune is not None
    assert commune.name == "Xã Bảo Yên"
    assert admin_units.province(999) is None
    assert admin_units.commune(-1) is None


def test_a_province_as_an_address_ends() -> None:
    assert admin_units.province_in_address("Lào Cai") == "tỉnh Lào Cai"
    assert admin_units.province_in_address("Tỉnh Lai Châu") == "tỉnh Lai Châu"
    assert admin_units.province_in_address("Thành phố Hà Nội") == "thành phố Hà Nội"
    assert admin_units.province_in_address("") == ""
    assert admin_units.short_name("Xã Bảo Yên") == "Bảo Yên"
    assert admin_units.short_name("Phường Ba Đình") == "Ba Đình"
    assert admin_units.official_code("2947") == "02947"
    assert admin_units.official_code("03430") == "03430"
    assert admin_units.official_code("002947") == "02947"  # as the registry files it
    assert admin_units.official_code("²⁹⁴⁷") == "²⁹⁴⁷"  # digits int() refuses, left as typed
