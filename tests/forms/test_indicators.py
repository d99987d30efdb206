"""Each deprivation indicator at and around its thresholds, worked out by hand from the
rules in the domain notes (Decree 07/2021/NĐ-CP; Decree 351/2025/NĐ-CP). Review year 2025
(2027 for the new indicators): ages are the review year minus the birth year."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from forms.classify import IndicatorStatus, classify
from forms.indicators import IndicatorOutcome
from forms.model import (
    Education,
    Employment,
    Household,
    InfoAsset,
    Latrine,
    Relationship,
    Schooling,
    Sex,
    Waste,
    WaterSource,
)
from forms.standards import load_standard

D, N, U = IndicatorStatus.DEPRIVED, IndicatorStatus.NOT_DEPRIVED, IndicatorStatus.UNKNOWN


def outcome(h: Household, iid: str, year: int = 2025) -> IndicatorOutcome:
    std = load_standard("nd07-2022-2025" if year <= 2026 else "nd351-2026-2030")
    result = classify(h, std, year)
    return next(o for o in result.indicators if o.id == iid)


def test_the_baseline_household_is_deprived_in_nothing(b: Any) -> None:
    for year in (2025, 2027):
        std = load_standard("nd07-2022-2025" if year == 2025 else "nd351-2026-2030")
        h = b.household()
        if year == 2027:
            h.members[2].schooling = Schooling.LOWER_SECONDARY  # 12 by then
        result = classify(h, std, year)
        assert [(o.id, o.status) for o in result.indicators if o.status is not N] == []
        assert len(result.indicators) == 12


# --- health insurance: members aged 6 or over ----------------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "expected"),
    [(2019, D), (2020, N), (1950, D)],  # 6, 5, 75 years old in 2025
)
def test_health_insurance_counts_from_age_six(b: Any, birth_year: int, expected: Any) -> None:
    h = b.household()
    h.members.append(
        b.member(
            "Lò Văn Em",
            birth_year,
            health_insurance=False,
            schooling=Schooling.PRIMARY if birth_year > 2018 else Schooling.NOT_ATTENDING,
        )
    )
    if birth_year == 2020:
        h.members[-1].schooling = Schooling.PRESCHOOL
    assert outcome(h, "health_insurance").status is expected


def test_health_insurance_reason_names_every_member_with_age(b: Any) -> None:
    h = b.household()
    h.members[0].health_insurance = False
    h.members[3].health_insurance = False
    o = outcome(h, "health_insurance")
    assert o.status is D
    assert o.reason == "Thiếu BHYT: Lò Văn An (40 tuổi), Lò Thị Dung (6 tuổi)"
    assert o.member_ids == [h.members[0].id, h.members[3].id]


def test_health_insurance_not_asked_is_not_enough_information(b: Any) -> None:
    h = b.household()
    h.members[1].health_insurance = None
    o = outcome(h, "health_insurance")
    assert o.status is U
    assert "Chưa đủ thông tin" in o.reason
    assert "Lò Thị Bình" in o.reason


# --- floor area: below 8 m² per person -----------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"),
    [(32.0, N), (31.9, D), (40.0, N), (8.0, D), (100.0, N)],  # 4 members: 8 m² each is 32
)
def test_floor_area_eight_square_metres_per_person(b: Any, area: float, expected: Any) -> None:
    assert outcome(b.household(floor_area_m2=area), "floor_area").status is expected


def test_floor_area_reason_shows_the_arithmetic(b: Any) -> None:
    o = outcome(b.household(floor_area_m2=30.0), "floor_area")
    assert o.reason == "30 m² cho 4 người: 7,5 m²/người, dưới 8 m²/người"


def test_floor_area_just_under_eight_never_prints_as_eight(b: Any) -> None:
    o = outcome(b.household(floor_area_m2=31.98), "floor_area")
    assert o.status is D
    assert "8 m²/người, dưới" not in o.reason


def test_floor_area_missing_is_unknown(b: Any) -> None:
    assert outcome(b.household(floor_area_m2=None), "floor_area").status is U


# --- housing quality: at least two of walls, frame, roof durable ---------------------------


@pytest.mark.parametrize(
    ("wall", "frame", "roof", "expected"),
    [
        (True, True, True, N),
        (True, True, False, N),
        (False, True, True, N),
        (True, False, False, D),
        (False, False, False, D),
        (True, None, False, U),
        (True, True, None, N),
        (False, False, None, D),
    ],
)
def test_housing_quality_two_of_three_rule(
    b: Any, wall: bool | None, frame: bool | None, roof: bool | None, expected: Any
) -> None:
    h = b.household(wall_durable=wall, frame_durable=frame, roof_durable=roof)
    assert outcome(h, "housing_quality").status is expected


# --- water and latrine types ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (WaterSource.PIPED, N),
        (WaterSource.DRILLED_WELL, N),
        (WaterSource.PROTECTED_DUG_WELL, N),
        (WaterSource.UNPROTECTED_DUG_WELL, D),
        (WaterSource.PROTECTED_SPRING, N),
        (WaterSource.UNPROTECTED_SPRING, D),
        (WaterSource.RAINWATER, N),
        (WaterSource.BOTTLED_OR_JAR, N),  # nước đóng chai, bình
        (WaterSource.TANKER, D),  # bought from a tanker: not hygienic by default
        (WaterSource.BOTTLED, U),  # the retired "bottled or tanker" answer: asked again
        (WaterSource.SURFACE, D),
        (WaterSource.OTHER, U),
        (None, U),
    ],
)
def test_water_source_types(b: Any, source: WaterSource | None, expected: Any) -> None:
    assert outcome(b.household(water_source=source), "water").status is expected


# QCVN 01:2011/BYT types are hygienic only when built and used to the regulation (the
# follow-up answer); the clearly unhygienic ones are deprived whatever the follow-up says; the
# retired answers of the old list ask for the type again.
QCVN_TYPES = [
    Latrine.FLUSH_SEPTIC,
    Latrine.POUR_FLUSH,
    Latrine.VENTILATED_DRY_PIT,
    Latrine.RAISED_SINGLE_VAULT,
    Latrine.DOUBLE_VAULT,
]


@pytest.mark.parametrize(
    ("kind", "to_standard", "expected"),
    [(k, True, N) for k in QCVN_TYPES]
    + [(k, False, D) for k in QCVN_TYPES]
    + [(k, None, U) for k in QCVN_TYPES]
    + [
        (Latrine.SIMPLE_PIT, None, D),
        (Latrine.HANGING, True, D),
        (Latrine.NONE, None, D),
        (Latrine.OTHER, True, U),
        (Latrine.SEMI_SEPTIC, True, U),
        (Latrine.VENTILATED_PIT, True, U),
        (None, True, U),
    ],
)
def test_latrine_types(b: Any, kind: Latrine, to_standard: bool | None, expected: Any) -> None:
    h = b.household(latrine=kind, latrine_to_standard=to_standard)
    assert outcome(h, "latrine").status is expected
    assert outcome(h, "latrine", 2027).status is expected


def test_latrine_reasons(b: Any) -> None:
    h = b.household(latrine=Latrine.POUR_FLUSH, latrine_to_standard=False)
    assert outcome(h, "latrine").reason == (
        "Không có nhà tiêu hợp vệ sinh: nhà tiêu thấm dội nước không đúng quy chuẩn"
    )
    h.latrine_to_standard = None
    assert outcome(h, "latrine").reason == (
        "Chưa đủ thông tin: chưa biết nhà tiêu thấm dội nước có được xây dựng, sử dụng đúng "
        "quy chuẩn không"
    )
    h.latrine = Latrine.VENTILATED_PIT
    assert "cách ghi cũ, cần chọn lại loại nhà tiêu" in outcome(h, "latrine").reason


def test_latrine_follow_up_asked_only_for_qcvn_types(b: Any) -> None:
    from forms.definitions import is_visible, phieu_b2

    q = next(q for s in phieu_b2().sections for q in s.questions if q.id == "latrine_to_standard")
    latrine_q = next(q for s in phieu_b2().sections for q in s.questions if q.id == "latrine")
    offered = [o.value for o in latrine_q.options]
    assert offered == [k.value for k in QCVN_TYPES] + ["simple_pit", "hanging", "none", "other"]
    for kind in Latrine:
        assert is_visible(q, b.household(latrine=kind)) is (kind in QCVN_TYPES)


def test_stored_household_with_a_retired_latrine_answer_still_reads(b: Any) -> None:
    from forms.codec import household_from_dict, to_dict

    data = to_dict(b.household())
    data["latrine"] = "ventilated_pit"
    del data["latrine_to_standard"]  # written before the follow-up existed
    h = household_from_dict(data)
    assert h.latrine is Latrine.VENTILATED_PIT
    assert outcome(h, "latrine").status is U


def test_water_offers_bottled_and_tanker_apart(b: Any) -> None:
    from forms.definitions import phieu_b2

    q = next(q for s in phieu_b2().sections for q in s.questions if q.id == "water_source")
    labels = {o.value: o.label for o in q.options}
    assert labels["bottled_or_jar"] == "Nước đóng chai, bình"
    assert labels["tanker"] == "Nước mua từ xe chở (xe bồn)"
    assert "bottled" not in labels
    o = outcome(b.household(water_source=WaterSource.TANKER), "water", 2027)
    assert o.reason == "Không có nguồn nước hợp vệ sinh: nước mua từ xe chở"


def test_water_reason_names_the_source(b: Any) -> None:
    o = outcome(b.household(water_source=WaterSource.SURFACE), "water")
    assert o.reason == "Không có nguồn nước hợp vệ sinh: nước sông, suối, ao, hồ"


# --- children's school attendance: 3 to under 16 at the level for their age -----------------


@pytest.mark.parametrize(
    ("birth_year", "schooling", "expected"),
    [
        (2022, Schooling.NOT_ATTENDING, D),  # 3
        (2023, Schooling.NOT_ATTENDING, N),  # 2: too young to count
        (2020, Schooling.PRESCHOOL, N),  # 5
        (2019, Schooling.PRESCHOOL, D),  # 6: should be in primary
        (2015, Schooling.PRIMARY, N),  # 10
        (2014, Schooling.PRIMARY, D),  # 11: should be in lower secondary
        (2014, Schooling.LOWER_SECONDARY, N),  # 11
        (2011, Schooling.LOWER_SECONDARY, N),  # 14
        (2010, Schooling.NOT_ATTENDING, D),  # 15
        (2010, Schooling.UPPER_SECONDARY, N),  # 15
    ],
)
def test_child_school_attendance_by_age(
    b: Any, birth_year: int, schooling: Schooling, expected: Any
) -> None:
    h = b.household()
    h.members[3] = b.member(
        "Lò Thị Dung",
        birth_year,
        schooling=schooling,
        education=Education.NONE,
        employment=Employment.STUDENT,
    )
    assert outcome(h, "child_schooling").status is expected


def test_child_school_reason_says_what_is_wrong(b: Any) -> None:
    h = b.household()
    h.members[3] = b.member(
        "Lò Thị Dung",
        2014,
        schooling=Schooling.PRIMARY,
        education=Education.PRIMARY,
        employment=Employment.STUDENT,
    )
    o = outcome(h, "child_schooling")
    assert o.reason == (
        "Trẻ em không đi học đúng bậc: Lò Thị Dung (11 tuổi) đang học tiểu học, "
        "không đúng bậc trung học cơ sở"
    )


# --- adults' education: 16–30, attending or holding the expected certificate ---------------


@pytest.mark.parametrize(
    ("birth_year", "education", "schooling", "expected"),
    [
        (2009, Education.LOWER_SECONDARY, Schooling.NOT_ATTENDING, N),  # 16
        (2009, Education.PRIMARY, Schooling.NOT_ATTENDING, D),  # 16
        (2008, Education.PRIMARY, Schooling.VOCATIONAL, N),  # 17, in training
        (2007, Education.LOWER_SECONDARY, Schooling.NOT_ATTENDING, D),  # 18
        (2007, Education.VOCATIONAL, Schooling.NOT_ATTENDING, N),  # 18, the retired answer
        (2007, Education.VOCATIONAL_ELEMENTARY, Schooling.NOT_ATTENDING, N),  # 18, sơ cấp
        (2007, Education.VOCATIONAL_INTERMEDIATE, Schooling.NOT_ATTENDING, N),  # 18, trung cấp
        (1995, Education.COLLEGE, Schooling.NOT_ATTENDING, N),  # 30, cao đẳng
        (2009, Education.VOCATIONAL_ELEMENTARY, Schooling.NOT_ATTENDING, N),  # 16
        (2007, Education.LOWER_SECONDARY, Schooling.UPPER_SECONDARY, N),  # 18, attending
        (1995, Education.PRIMARY, Schooling.NOT_ATTENDING, D),  # 30
        (1994, Education.PRIMARY, Schooling.NOT_ATTENDING, N),  # 31: outside the range
    ],
)
def test_adult_education(
    b: Any, birth_year: int, education: Education, schooling: Schooling, expected: Any
) -> None:
    h = b.household()
    h.members.append(b.member("Lò Văn Giang", birth_year, education=education, schooling=schooling))
    h.floor_area_m2 = 100.0
    assert outcome(h, "adult_education").status is expected


@pytest.mark.parametrize(
    ("birth_year", "trained", "expected"),
    [
        (2009, True, N),  # 16, primary only, hired and certified by an enterprise
        (1995, True, N),  # 30, the same
        (1995, False, D),
        (1995, None, U),  # not asked: it could clear the deprivation
        (1994, None, N),  # 31: outside the range, nothing to ask
    ],
)
def test_adult_education_enterprise_training(
    b: Any, birth_year: int, trained: bool | None, expected: Any
) -> None:
    h = b.household()
    h.members.append(
        b.member(
            "Lò Văn Giang",
            birth_year,
            education=Education.PRIMARY,
            schooling=Schooling.NOT_ATTENDING,
            enterprise_training=trained,
        )
    )
    h.floor_area_m2 = 100.0
    assert outcome(h, "adult_education").status is expected


def test_enterprise_training_asked_only_from_16_to_30(b: Any) -> None:
    from datetime import date as d

    from forms.definitions import is_visible, member_questions

    q = next(
        q for s in member_questions().sections for q in s.questions if q.id == "enterprise_training"
    )
    ref = d(2025, 12, 31)
    assert [is_visible(q, b.member("X", y), ref) for y in (2010, 2009, 1995, 1994)] == [
        False,
        True,
        True,
        False,
    ]


# --- nutrition: children under 16 stunted or underweight ------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "stunted", "underweight", "expected"),
    [
        (2010, True, False, D),  # 15
        (2019, False, True, D),  # 6
        (2009, True, False, N),  # 16: not a child any more
        (2019, None, False, U),
    ],
)
def test_nutrition(
    b: Any, birth_year: int, stunted: bool | None, underweight: bool | None, expected: Any
) -> None:
    h = b.household()
    h.members[3].birth_year = birth_year
    h.members[3].stunted = stunted
    h.members[3].underweight = underweight
    assert outcome(h, "nutrition").status is expected


# --- dependants: more than half the household -------------------------------------------------


def test_dependants_exactly_half_is_not_deprived(b: Any) -> None:
    o = outcome(b.household(), "dependants")
    assert o.status is N
    assert o.reason.startswith("2/4 người là người phụ thuộc")


def test_dependants_three_of_five_is_deprived(b: Any) -> None:
    h = b.household()
    h.members.append(
        b.member("Lò Văn Hải", 2021, schooling=Schooling.PRESCHOOL, employment=Employment.STUDENT)
    )
    h.floor_area_m2 = 100.0
    o = outcome(h, "dependants")
    assert o.status is D
    assert o.reason.startswith("3/5 người là người phụ thuộc (quá một nửa)")


@pytest.mark.parametrize(
    ("birth_year", "allowance", "disability", "expected"),
    [
        (1965, True, False, D),  # 60 with a monthly social allowance: a dependant
        (1965, False, False, N),  # 60 without an allowance: not
        (1966, True, False, N),  # 59, allowance, no disability: not
        (1985, True, True, D),  # disabled with an allowance: a dependant
    ],
)
def test_dependants_elderly_and_disabled_with_allowance(
    b: Any, birth_year: int, allowance: bool, disability: bool, expected: Any
) -> None:
    # Head, one child and the person in question: 2 of 3 dependants is more than half.
    h = b.household()
    del h.members[1]
    del h.members[2]
    h.members.append(
        b.member(
            "Lò Văn Ông",
            birth_year,
            monthly_social_allowance=allowance,
            disability=disability,
            employment=Employment.RETIRED,
            relationship=Relationship.PARENT,
        )
    )
    assert outcome(h, "dependants").status is expected


# --- employment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "employment", "expected"),
    [
        (1985, Employment.UNEMPLOYED, D),
        (1985, Employment.WAGE_NO_CONTRACT, D),
        (1985, Employment.WAGE_WITH_CONTRACT, N),
        (1985, Employment.HOMEMAKER, N),
        (2010, Employment.UNEMPLOYED, D),  # 15: working age
        (2011, Employment.UNEMPLOYED, N),  # 14: below working age
        (1985, None, U),
    ],
)
def test_employment(b: Any, birth_year: int, employment: Employment | None, expected: Any) -> None:
    h = b.household()
    h.members[1].birth_year = birth_year
    h.members[1].employment = employment
    if birth_year >= 2010:
        h.members[1].schooling = Schooling.UPPER_SECONDARY
    assert outcome(h, "employment").status is expected


def test_employment_reason(b: Any) -> None:
    h = b.household()
    h.members[0].employment = Employment.WAGE_NO_CONTRACT
    assert outcome(h, "employment").reason == (
        "Làm công không có hợp đồng lao động: Lò Văn An (40 tuổi)"
    )


# --- information ---------------------------------------------------------------------------


def test_telecom_nobody_uses_phone_or_internet(b: Any) -> None:
    h = b.household()
    for m in h.members:
        m.uses_telecom = False
    assert outcome(h, "telecom").status is D
    h.members[2].uses_telecom = True
    assert outcome(h, "telecom").status is N


@pytest.mark.parametrize(
    ("assets", "answered", "loudspeaker", "expected"),
    [
        ([], True, False, D),
        ([], True, True, N),
        ([InfoAsset.RADIO], True, False, N),
        ([], False, None, U),
        ([], True, None, U),
    ],
)
def test_information_assets(
    b: Any, assets: list[InfoAsset], answered: bool, loudspeaker: bool | None, expected: Any
) -> None:
    h = b.household(
        info_assets=assets, info_assets_answered=answered, loudspeaker_access=loudspeaker
    )
    assert outcome(h, "info_access").status is expected


# --- the 2027–2030 indicators ----------------------------------------------------------------


def test_2027_replaces_information_assets_with_digital_services_and_adds_waste(b: Any) -> None:
    std = load_standard("nd351-2026-2030")
    ids = [i.id for i in std.indicators]
    assert "info_access" not in ids
    assert {"digital_services", "waste"} <= set(ids)
    h = b.household(uses_digital_services=False, waste=Waste.DUMPED)
    assert outcome(h, "digital_services", 2027).status is D
    assert outcome(h, "waste", 2027).status is D
    assert outcome(b.household(waste=Waste.BURIED_OR_BURNED_SAFELY), "waste", 2027).status is N


def test_employment_unknown_age_matters_only_for_a_depriving_answer(b: Any) -> None:
    h = b.household()
    h.members[0].birth_year = None  # self-employed: fine at any age
    assert outcome(h, "employment").status is N
    h.members[0].employment = Employment.UNEMPLOYED  # deprived only if 15 or over: unknown
    assert outcome(h, "employment").status is U


# --- employment: working age ends at the retirement age of the reference date's year --------
# Labour Code 2019 Art. 169, Decree 135/2020/NĐ-CP: in 2026 men retire at 61 years 6 months
# (738 months), women at 57 years (684 months); in 2025 men at 61 years 3 months (735).


def employment_on(h: Household, reference: date) -> IndicatorOutcome:
    result = classify(h, load_standard("nd07-2022-2025"), reference.year, reference)
    return next(o for o in result.indicators if o.id == "employment")


@pytest.mark.parametrize(
    ("sex", "birth", "reference", "expected"),
    [
        # 2026-12-31: born 1965-06-30 is 61 y 6 m exactly, so retired; a day younger is not.
        (Sex.MALE, date(1965, 6, 30), date(2026, 12, 31), N),
        (Sex.MALE, date(1965, 7, 1), date(2026, 12, 31), D),
        # women 57 y 0 m in 2026
        (Sex.FEMALE, date(1969, 12, 31), date(2026, 12, 31), N),
        (Sex.FEMALE, date(1970, 1, 1), date(2026, 12, 31), D),
        # 2025-12-31: men 61 y 3 m; 1964-09-30 has reached it, 1964-10-01 has not
        (Sex.MALE, date(1964, 9, 30), date(2025, 12, 31), N),
        (Sex.MALE, date(1964, 10, 1), date(2025, 12, 31), D),
        # a reference date inside the year: 2026-06-30, the man born 1965-01-01 is 61 y 5 m
        (Sex.MALE, date(1965, 1, 1), date(2026, 6, 30), D),
        (Sex.MALE, date(1964, 12, 30), date(2026, 6, 30), N),  # 61 y 6 m on that day
        # after the table: 2040 keeps the last ages (men 62, women 60)
        (Sex.FEMALE, date(1980, 12, 31), date(2040, 12, 31), N),  # 60 y 0 m
        (Sex.FEMALE, date(1981, 1, 1), date(2040, 12, 31), D),  # 59 y 11 m
        # a 75-year-old without work is past working age
        (Sex.MALE, date(1951, 3, 1), date(2026, 12, 31), N),
    ],
)
def test_employment_ends_at_the_retirement_age(
    b: Any, sex: Sex, birth: date, reference: date, expected: Any
) -> None:
    h = b.household()
    h.members[1].birth_date = birth
    h.members[1].birth_year = birth.year
    h.members[1].sex = sex
    h.members[1].employment = Employment.UNEMPLOYED
    assert employment_on(h, reference).status is expected


@pytest.mark.parametrize(
    ("sex", "birth_year", "expected"),
    [
        # birth year only, 2026-12-31: a man born in 1965 is 61 y 0 m to 61 y 11 m: cannot tell
        (Sex.MALE, 1965, U),
        (Sex.MALE, 1966, D),  # at most 60 y 11 m
        (Sex.MALE, 1964, N),  # at least 62 y 0 m
        (Sex.FEMALE, 1969, N),  # at least 57 y 0 m
        (Sex.FEMALE, 1970, D),  # at most 56 y 11 m
        (None, 1966, U),  # 60 y 0-11 m: past a woman's age, not a man's
        (None, 1950, N),  # 76: past both
    ],
)
def test_employment_retirement_with_birth_year_only(
    b: Any, sex: Sex | None, birth_year: int, expected: Any
) -> None:
    h = b.household()
    h.members[1].birth_year = birth_year
    h.members[1].sex = sex
    h.members[1].employment = Employment.WAGE_NO_CONTRACT
    o = employment_on(h, date(2026, 12, 31))
    assert o.status is expected
    if expected is U:
        assert "ngày sinh hoặc giới tính" in o.reason


def test_employment_not_asked_of_the_retired_is_no_gap(b: Any) -> None:
    h = b.household()
    h.members[1].birth_year = 1951
    h.members[1].employment = None
    o = employment_on(h, date(2026, 12, 31))
    assert o.status is N
    assert o.reason == (
        "Không ai trong độ tuổi lao động (từ 15 tuổi đến tuổi nghỉ hưu năm 2026: "
        "nam 61 tuổi 6 tháng, nữ 57 tuổi) thiếu việc làm hoặc làm công không hợp đồng"
    )


def test_retirement_table_is_checked_when_a_standard_is_loaded(tmp_path: Any) -> None:
    from forms.standards import StandardError, load_standard_file

    std = load_standard("nd351-2026-2030")
    assert std.indicator("employment").params["retirement_source"].startswith("Bộ luật Lao động")
    path = tmp_path / "tinh.toml"
    text = (Path(__file__).parents[2] / "forms" / "standards" / "nd07-2022-2025.toml").read_text(
        encoding="utf-8"
    )
    path.write_text(
        text.replace("{ year = 2022, male = [60, 6]", "{ year = 2020, male = [60, 6]"),
        encoding="utf-8",
    )
    with pytest.raises(StandardError, match="retirement_ages"):
        load_standard_file(path)
