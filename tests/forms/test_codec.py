from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest

from forms.codec import CodecError, household_from_dict, to_dict
from forms.model import Area, Household, InfoAsset, Member, Relationship, Sex, WaterSource


def sample() -> Household:
    return Household(
        code="HN-001",
        village="Bản Nà Lầu",
        area=Area.RURAL,
        members=[
            Member(
                name="Lò Văn Ánh",
                relationship=Relationship.HEAD,
                sex=Sex.MALE,
                birth_date=date(1980, 5, 1),
                ethnicity="Thái",
                health_insurance=True,
            ),
            Member(name="Lò Thị Đào", relationship=Relationship.SPOUSE, birth_year=1984),
        ],
        floor_area_m2=42.5,
        water_source=WaterSource.DRILLED_WELL,
        info_assets=[InfoAsset.TV, InfoAsset.SMARTPHONE],
        screening={"a1": True, "a2": None},
        b1_answers={"house": "brick"},
    )


def test_round_trip_through_json_keeps_everything() -> None:
    h = sample()
    again = household_from_dict(json.loads(json.dumps(to_dict(h), ensure_ascii=False)))
    assert again == h


def test_text_is_normalised_to_nfc() -> None:
    data = to_dict(sample())
    data["village"] = unicodedata.normalize("NFD", "Bản Nà Lầu")
    assert household_from_dict(data).village == "Bản Nà Lầu"


def test_unknown_field_is_rejected_in_vietnamese() -> None:
    data = to_dict(sample())
    data["sơ_đồ"] = 1
    with pytest.raises(CodecError, match="trường không biết"):
        household_from_dict(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("area", "mountain"), ("floor_area_m2", "rộng"), ("b1_total", True), ("members", {})],
)
def test_bad_values_are_rejected(field: str, value: object) -> None:
    data = to_dict(sample())
    data[field] = value
    with pytest.raises(CodecError):
        household_from_dict(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sex", "nam"),  # not a code
        ("sex", ["male"]),  # not even hashable
        ("sex", True),
        ("birth_year", True),  # a boolean is no year
        ("birth_year", 1980.0),
        ("health_insurance", 1),
        ("ethnicity", 5),
        ("stunted", "có"),
    ],
)
def test_bad_member_values_are_rejected(field: str, value: object) -> None:
    data = to_dict(sample())
    data["members"][0][field] = value
    with pytest.raises(CodecError, match=field):
        household_from_dict(data)


def test_optional_member_values_round_trip_including_none() -> None:
    h = sample()
    data = to_dict(h)
    for key in ("sex", "birth_year", "ethnicity", "health_insurance", "education"):
        data["members"][0][key] = None
    again = household_from_dict(data)
    assert again.members[0].sex is None
    assert again.members[0].education is None
    assert to_dict(again) == data
