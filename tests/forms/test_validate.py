"""forms.validate: the hard limits every way in shares (issue 17)."""

from __future__ import annotations

from datetime import date

from forms.definitions import validate_household
from forms.model import Household, Member, Relationship
from forms.validate import (
    _bad_char,
    check_household,
    is_uuid,
    printable,
    result_problem,
    text_problem,
)

TODAY = date(2026, 12, 2)


def household(**member: object) -> Household:
    head = Member(name="Lò Văn Hùng", relationship=Relationship.HEAD, birth_year=1970)
    for key, value in member.items():
        setattr(head, key, value)
    return Household(code="01-0007", village="Bản Mường", members=[head])


def messages(h: Household) -> list[str]:
    return [p.message for p in check_household(h, TODAY)]


def test_a_plain_household_has_no_problem() -> None:
    assert messages(household(id_number="001070001234")) == []


def test_each_impossible_value_is_named_with_the_household_and_the_field() -> None:
    cases = {
        "birth_year": (3000, "Năm sinh"),
        "id_number": ("abc", "CCCD"),
        "name": ("Lò\x00Văn", "Họ và tên"),
        "birth_date": (date(2027, 1, 1), "Ngày sinh"),
    }
    for field, (value, label) in cases.items():
        found = messages(household(**{field: value}))
        assert len(found) == 1, (field, found)
        assert found[0].startswith("Hộ 01-0007, thành viên thứ 1"), found
        assert label in found[0]


def test_numbers_are_finite_non_negative_and_bounded() -> None:
    for area in (float("nan"), float("inf"), -1.0):
        h = household()
        h.floor_area_m2 = area
        assert any("Diện tích" in m for m in messages(h)), area
    h = household()
    h.income_per_capita = 10**30
    assert any("Thu nhập" in m for m in messages(h))
    h.income_per_capita = 1_500_000
    assert messages(h) == []


def test_texts_are_bounded_and_ids_are_uuids() -> None:
    h = household()
    h.village = "x" * 5_000_000
    h.id = "h1"
    found = messages(h)
    assert any(m.startswith("Hộ 01-0007: Thôn dài 5.000.000 ký tự") for m in found), found
    assert any("Mã định danh phải là một UUID" in m for m in found)
    h = household()
    h.code = "  "
    assert any("Mã hộ để trống" in m for m in messages(h))
    h.code = "HN\n01"
    assert messages(h)
    h = household()
    h.note = "dòng một\ndòng hai\tcột"  # line breaks and tabs are fine in a note
    assert messages(h) == []


def test_helpers() -> None:
    assert is_uuid("0b6c3f1e-7a7c-4c55-9d4e-1f2a3b4c5d6e")
    assert not is_uuid("x" * 900_000)
    assert not is_uuid("0b6c3f1e7a7c4c559d4e1f2a3b4c5d6e")
    assert printable("a\x00b") == "a?b"
    assert result_problem({"category": "poor", "standard_id": "x", "income": float("nan")})
    assert result_problem({"category": "poor", "standard_id": "x", "reasons": [1]})
    assert result_problem({"category": "poor", "standard_id": "x"}) is None


def test_the_forms_show_the_hard_limits_as_errors_once() -> None:
    h = household(id_number="abc", name="A\x07")
    issues = validate_household(h, TODAY)
    errors = [i for i in issues if i.severity == "error"]
    assert sum(i.target == "id_number" for i in errors) == 1  # the form's own pattern says it
    assert any(i.target == "name" and "ký tự điều khiển" in i.message for i in errors)


def test_text_problem_refuses_every_control_and_surrogate_and_takes_the_rest() -> None:
    """text_problem skips its per-character loop for printable texts: no refused character
    may be printable, and a refused one still is found inside Vietnamese text."""
    for multiline in (False, True):
        bad = [chr(i) for i in range(0x110000) if _bad_char(chr(i), multiline=multiline)]
        assert not any(c.isprintable() for c in bad)
        assert len(bad) == (0x20 + 0x21 + 0x800 - (2 if multiline else 0))
        for c in ("\x00", "\x1b", "\x7f", "\x85", "\ud800", "\udfff"):
            assert text_problem(f"Lò Văn{c}Páo", 200, multiline=multiline)
    assert text_problem("Lò Văn\u00a0Páo\u200b", 200) is None  # other spaces, format chars
    assert text_problem("dòng\nhai", 200)
    assert not text_problem("dòng\nhai", 200, multiline=True)
