"""Two versions of one household compared field by field, as the conflicts screen, the
receipt and ``rasoat conflicts`` show them: members by id, every member answer, labels in
Vietnamese, and a summary that names no one."""

from __future__ import annotations

import copy

from forms.household_diff import differences, field_label, summary, value_text
from forms.model import Household, Member, Relationship, WaterSource


def _pair() -> tuple[Household, Household]:
    here = Household(
        code="01-0001",
        village="Thôn 1",
        members=[
            Member(name="Lò Văn Páo", relationship=Relationship.HEAD, birth_year=1970),
            Member(name="Lò Thị Ón", relationship=Relationship.SPOUSE, birth_year=1972),
            Member(name="Lò Văn Pằn", relationship=Relationship.CHILD, birth_year=2001),
        ],
    )
    return here, copy.deepcopy(here)


def test_the_same_household_has_no_difference() -> None:
    here, there = _pair()
    assert differences(here, there) == []
    assert summary([]) == ""
    assert differences(None, there) == []


def test_a_member_deleted_on_one_side_is_that_member_not_every_later_one() -> None:
    here, there = _pair()
    del here.members[1]  # the wife removed here
    there.members[2].health_insurance = True  # the son's card ticked there
    found = differences(here, there)
    assert [(d.target, d.member, d.here, d.there) for d in found] == [
        ("health_insurance", 2, None, True),
        ("members", 2, None, there.members[1]),
    ]
    assert found[0].label == "Có thẻ bảo hiểm y tế còn hạn?"
    assert summary(found) == (
        "thành viên thứ 2 chỉ có trong gói; thành viên thứ 2: Có thẻ bảo hiểm y tế còn hạn"
    )


def test_form_answers_are_compared_one_question_at_a_time() -> None:
    here, there = _pair()
    here.screening = {"a1": False, "a2": False}
    there.screening = {"a1": False, "a2": True}
    there.water_source = WaterSource.RAINWATER
    found = differences(here, there)
    assert [d.target for d in found] == ["screening.a2", "water_source"]
    assert found[0].label.startswith("Hộ có ô tô")
    assert value_text("water_source", found[1].there) == "Nước mưa"
    assert value_text("water_source", found[1].here) == "—"


def test_labels_and_values_read_as_the_forms_say_them() -> None:
    assert field_label("address") == "Địa chỉ"
    assert field_label("birth_year", member=True) == "Năm sinh"
    assert field_label("b1_answers.unknown_item") == "Phiếu B1 (unknown_item)"
    assert value_text("income_per_capita", 1_250_000) == "1.250.000"
    assert value_text("floor_area_m2", 32.5) == "32,5"
    assert value_text("note", True) == "Có"
    assert value_text("causes", ["illness"]).startswith("Ốm đau")
