"""The forms as data: every question answerable, skip logic, validation messages."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from forms import catalog, definitions, labels
from forms.b1 import example_table
from forms.definitions import is_visible, read_target, validate_household
from forms.model import Area, Household, Member, Relationship
from forms.standards import load_standard

REF = date(2025, 12, 31)


def all_forms() -> list[definitions.Form]:
    return [
        definitions.phieu_a(),
        definitions.phieu_b1(example_table()),
        definitions.phieu_b2(),
        definitions.member_questions(),
    ]


def test_every_question_targets_a_model_field_and_has_options_when_it_should() -> None:
    household_fields = {f.name for f in dataclasses.fields(Household)}
    member_fields = {f.name for f in dataclasses.fields(Member)}
    for form in all_forms():
        fields = member_fields if form.id == "members" else household_fields
        ids = [q.id for q in form.questions()]
        assert len(ids) == len(set(ids)), form.id
        for q in form.questions():
            assert q.target.partition(".")[0] in fields, q.id
            assert q.kind in definitions.KINDS
            assert q.label
            if q.kind in ("choice", "multi"):
                assert q.options, q.id


def test_enum_options_come_from_the_labels() -> None:
    q = next(q for q in definitions.phieu_b2().questions() if q.id == "water_source")
    # every label except the retired answers, which stored households keep but forms never offer
    offered = [v for k, v in labels.WATER_SOURCE_LABELS.items() if k not in labels.RETIRED]
    assert [o.label for o in q.options] == offered
    assert len(offered) == len(labels.WATER_SOURCE_LABELS) - 1


def test_phieu_b2_per_standard() -> None:
    ids_2025 = {q.id for q in definitions.phieu_b2(load_standard("nd07-2022-2025")).questions()}
    ids_2027 = {q.id for q in definitions.phieu_b2(load_standard("nd351-2026-2030")).questions()}
    assert "info_assets" in ids_2025
    assert "waste" not in ids_2025
    assert "waste" in ids_2027
    assert "info_assets" not in ids_2027


def test_phieu_a_exclusion_questions_are_marked_unconfirmed() -> None:
    qs = definitions.phieu_a().questions()
    assert qs
    assert all(q.effect == "exclude" and q.unconfirmed for q in qs)


def test_skip_logic_loudspeaker_only_without_assets(b: Any) -> None:
    q = next(q for q in definitions.phieu_b2().questions() if q.id == "loudspeaker")
    h = b.household()
    assert not is_visible(q, h)
    h.info_assets = []
    assert is_visible(q, h)


def test_skip_logic_child_questions_by_age(b: Any) -> None:
    q = next(q for q in definitions.member_questions().questions() if q.id == "stunted")
    adult, child = b.household().members[0], b.household().members[3]
    assert not is_visible(q, adult, REF)
    assert is_visible(q, child, REF)
    assert is_visible(q, Member(name="Chưa có tuổi"), REF)


def test_children_are_not_asked_for_a_job(b: Any) -> None:
    q = next(q for q in definitions.member_questions().questions() if q.id == "employment")
    asked = {
        age: is_visible(q, Member(name="x", birth_date=date(REF.year - age, 1, 1)), REF)
        for age in (4, 9, 14, 15, 40, 75)
    }
    assert asked == {4: False, 9: False, 14: False, 15: True, 40: True, 75: True}
    assert is_visible(q, Member(name="Chưa có tuổi"), REF)  # asked until the age is known
    # A hidden question is never reported unanswered.
    h = b.household()
    for m in h.members:
        if m.age_on(REF) is not None and m.age_on(REF) < 15:
            m.employment = None
    assert not [i for i in validate_household(h, REF) if i.target == "employment"]


def test_read_target_follows_dotted_paths(b: Any) -> None:
    h = b.household()
    assert read_target(h, "screening.a1") is False
    assert read_target(h, "b1_answers.house_type") is None


def test_a_complete_household_has_no_issues(b: Any) -> None:
    h = b.household()
    h.members[0].id_number = "014085001234"
    assert validate_household(h, REF, load_standard("nd07-2022-2025")) == []


def messages(h: Household) -> list[str]:
    return [i.message for i in validate_household(h, REF, load_standard("nd07-2022-2025"))]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda h: setattr(h.members[0], "id_number", "01408500123"),
            "Lò Văn An: số định danh phải gồm đúng 12 chữ số.",
        ),
        (
            lambda h: setattr(h.members[0], "birth_year", 1890),
            "Lò Văn An: năm sinh 1890 không hợp lý.",
        ),
        (
            lambda h: setattr(h.members[1], "relationship", Relationship.HEAD),
            "Hộ có 2 chủ hộ: Lò Văn An, Lò Thị Bình.",
        ),
        (lambda h: setattr(h.members[0], "relationship", Relationship.CHILD), "Hộ chưa có chủ hộ."),
        (
            lambda h: setattr(h, "floor_area_m2", 0.0),
            "Tổng diện tích nhà ở: 0 nhỏ hơn mức tối thiểu 0,1.",
        ),
        (lambda h: setattr(h, "water_source", None), "Chưa trả lời: Nguồn nước sinh hoạt chính"),
        (
            lambda h: setattr(h.members[0], "stunted", True),
            "Lò Văn An: thấp còi/nhẹ cân chỉ tính cho trẻ dưới 16 tuổi.",
        ),
        (lambda h: h.members.clear(), "Hộ chưa có thành viên nào."),
        (lambda h: h.causes.append("ufo"), "Nguyên nhân nghèo không có: ufo."),
    ],
)
def test_validation_messages(b: Any, change: Any, message: str) -> None:
    h = b.household()
    change(h)
    assert message in messages(h)


def test_duplicate_id_numbers_are_errors(b: Any) -> None:
    h = b.household()
    h.members[0].id_number = h.members[1].id_number = "014085001234"
    issues = validate_household(h, REF)
    dup = [i for i in issues if "trùng số định danh" in i.message]
    assert dup[0].member_id == h.members[1].id
    assert dup[0].severity == "error"


def test_labels_cover_every_enum_member() -> None:
    for enum_cls, table in labels.BY_ENUM.items():
        assert set(table) == set(enum_cls), enum_cls
        assert all(v for v in table.values())
    assert labels.CATEGORY_LABELS[next(iter(labels.CATEGORY_LABELS))] == "Hộ nghèo"


def test_catalogs_carry_sources_and_flags_are_derived(b: Any) -> None:
    for items in (catalog.causes(), catalog.needs(), catalog.household_flags()):
        assert items
        assert all(i.source for i in items)
        assert len({i.id for i in items}) == len(items)
    h = b.household()
    values = {f.id: catalog.flag_value(f, h, REF) for f in catalog.household_flags()}
    assert values == {
        "meritorious": None,
        "no_labour": False,
        "ethnic_minority": True,
        "female_head": False,
        "social_protection": None,
    }


def test_all_vietnamese_data_text_is_nfc() -> None:
    import unicodedata

    from forms.standards import list_standards

    texts = [q.label for f in all_forms() for q in f.questions()]
    texts += [o.label for f in all_forms() for q in f.questions() for o in q.options]
    texts += [s.title for f in all_forms() for s in f.sections]
    texts += [i.label for i in catalog.causes() + catalog.needs() + catalog.household_flags()]
    for std in list_standards():
        texts += [std.name, std.source, *std.unconfirmed]
        texts += [i.name for i in std.indicators] + [i.dimension for i in std.indicators]
    for table in labels.BY_ENUM.values():
        texts += list(table.values())
    assert [t for t in texts if not unicodedata.is_normalized("NFC", t)] == []


def test_a_full_birth_date_answers_the_birth_year_question() -> None:
    with_date = Member(
        name="Bùi Quốc Đức", relationship=Relationship.HEAD, birth_date=date(1997, 3, 2)
    )
    neither = Member(name="Đỗ Thanh Hạnh", relationship=Relationship.SPOUSE)
    h = Household(code="01-0005", area=Area.RURAL, members=[with_date, neither])
    unanswered = [
        i.member_id
        for i in validate_household(h, date(2026, 12, 31))
        if i.target == "birth_year" and "chưa trả lời" in i.message
    ]
    assert unanswered == [neither.id]


def test_phieu_a_a4_speaks_of_the_one_income_line() -> None:
    """Issue 18 correction 3: since 2022 poor and near-poor share one income line and differ by
    the number of deprivations, so a4 no longer compares with a near-poor line."""
    [a4] = [q for q in definitions.phieu_a().questions() if q.id == "a4"]
    assert "cận nghèo" not in a4.label
    assert "cao hơn chuẩn thu nhập của chuẩn nghèo" in a4.label
    assert a4.effect == "exclude"


def test_a_mistyped_birth_year_is_said_once_naming_the_member(b: Any) -> None:
    """19811 for 1981: one message naming whose year it is, not a second one comparing it
    with a maximum of 2100 that names no one."""
    h = b.household()
    h.members[0].birth_year = 19811
    said = [m for m in messages(h) if "19811" in m]
    assert said == ["Lò Văn An: năm sinh 19811 không hợp lý."]
