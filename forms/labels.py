"""Vietnamese labels for every enum of ``forms.model``: the one table the GUI, the printed
forms and the reports all use, so a household is described with the same words everywhere.
Each dict is keyed by the enum's members and covers all of them (a test checks)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from forms.model import (
    Area,
    Category,
    Education,
    Employment,
    InfoAsset,
    Latrine,
    Member,
    Region,
    Relationship,
    Schooling,
    Sex,
    Transition,
    Waste,
    WaterSource,
)

CATEGORY_LABELS: dict[Category, str] = {
    Category.POOR: "Hộ nghèo",
    Category.NEAR_POOR: "Hộ cận nghèo",
    Category.MIDDLE: "Hộ có mức sống trung bình",
    Category.NOT_POOR: "Không nghèo",
    Category.UNDETERMINED: "Chưa xác định",
}

TRANSITION_LABELS: dict[Transition, str] = {
    Transition.STAYED_POOR: "Hộ nghèo cũ",
    Transition.POOR_TO_NEAR_POOR: "Thoát nghèo, thành hộ cận nghèo",
    Transition.ESCAPED_POVERTY: "Thoát nghèo (vượt chuẩn cận nghèo)",
    Transition.NEAR_POOR_TO_POOR: "Hộ cận nghèo rơi xuống hộ nghèo",
    Transition.STAYED_NEAR_POOR: "Hộ cận nghèo cũ",
    Transition.ESCAPED_NEAR_POVERTY: "Thoát cận nghèo",
    Transition.NEWLY_POOR: "Hộ nghèo phát sinh mới",
    Transition.NEWLY_NEAR_POOR: "Hộ cận nghèo phát sinh mới",
    Transition.FELL_BACK_POOR: "Tái nghèo",
    Transition.FELL_BACK_NEAR_POOR: "Tái cận nghèo",
    Transition.STAYED_OUT: "Không nghèo, không cận nghèo cả hai kỳ",
    Transition.UNKNOWN: "Chưa xác định",
}

AREA_LABELS: dict[Area, str] = {Area.RURAL: "Nông thôn (xã)", Area.URBAN: "Thành thị (phường)"}

REGION_LABELS: dict[Region, str] = {
    Region.NORTHERN_MOUNTAINS: "Trung du và miền núi phía Bắc",
    Region.RED_RIVER_DELTA: "Đồng bằng sông Hồng",
    Region.CENTRAL_COAST: "Bắc Trung Bộ và duyên hải miền Trung",
    Region.CENTRAL_HIGHLANDS: "Tây Nguyên",
    Region.SOUTHEAST: "Đông Nam Bộ",
    Region.MEKONG_DELTA: "Đồng bằng sông Cửu Long",
}

SEX_LABELS: dict[Sex, str] = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}

RELATIONSHIP_LABELS: dict[Relationship, str] = {
    Relationship.HEAD: "Chủ hộ",
    Relationship.SPOUSE: "Vợ/chồng",
    Relationship.CHILD: "Con",
    Relationship.GRANDCHILD: "Cháu",
    Relationship.PARENT: "Bố/mẹ",
    Relationship.GRANDPARENT: "Ông/bà",
    Relationship.SIBLING: "Anh/chị/em",
    Relationship.OTHER_RELATIVE: "Họ hàng khác",
    Relationship.OTHER: "Không có quan hệ họ hàng",
}

EDUCATION_LABELS: dict[Education, str] = {
    Education.NONE: "Chưa tốt nghiệp tiểu học",
    Education.PRIMARY: "Tiểu học",
    Education.LOWER_SECONDARY: "Trung học cơ sở",
    Education.UPPER_SECONDARY: "Trung học phổ thông",
    Education.VOCATIONAL_ELEMENTARY: "Sơ cấp (giáo dục nghề nghiệp)",
    Education.VOCATIONAL_INTERMEDIATE: "Trung cấp",
    Education.COLLEGE: "Cao đẳng",
    Education.UNIVERSITY: "Đại học trở lên",
    Education.VOCATIONAL: "Sơ cấp, trung cấp nghề (cách ghi cũ)",
}

SCHOOLING_LABELS: dict[Schooling, str] = {
    Schooling.NOT_ATTENDING: "Không đi học",
    Schooling.PRESCHOOL: "Mầm non, mẫu giáo",
    Schooling.PRIMARY: "Tiểu học",
    Schooling.LOWER_SECONDARY: "Trung học cơ sở",
    Schooling.UPPER_SECONDARY: "Trung học phổ thông",
    Schooling.VOCATIONAL: "Học nghề",
    Schooling.HIGHER: "Cao đẳng, đại học",
}

EMPLOYMENT_LABELS: dict[Employment, str] = {
    Employment.WAGE_WITH_CONTRACT: "Làm công ăn lương, có hợp đồng lao động",
    Employment.WAGE_NO_CONTRACT: "Làm công ăn lương, không có hợp đồng lao động",
    Employment.SELF_EMPLOYED: "Tự làm (nông nghiệp, buôn bán…)",
    Employment.UNEMPLOYED: "Không có việc làm, có nhu cầu làm việc",
    Employment.STUDENT: "Đang đi học",
    Employment.HOMEMAKER: "Nội trợ, không có nhu cầu làm việc",
    Employment.RETIRED: "Nghỉ hưu, già yếu",
    Employment.UNABLE: "Không có khả năng lao động",
}

WATER_SOURCE_LABELS: dict[WaterSource, str] = {
    WaterSource.PIPED: "Nước máy",
    WaterSource.DRILLED_WELL: "Giếng khoan",
    WaterSource.PROTECTED_DUG_WELL: "Giếng đào được bảo vệ",
    WaterSource.UNPROTECTED_DUG_WELL: "Giếng đào không được bảo vệ",
    WaterSource.PROTECTED_SPRING: "Nước khe, mó được bảo vệ",
    WaterSource.UNPROTECTED_SPRING: "Nước khe, mó không được bảo vệ",
    WaterSource.RAINWATER: "Nước mưa",
    WaterSource.BOTTLED_OR_JAR: "Nước đóng chai, bình",
    WaterSource.TANKER: "Nước mua từ xe chở (xe bồn)",
    WaterSource.SURFACE: "Sông, suối, ao, hồ",
    WaterSource.OTHER: "Khác",
    WaterSource.BOTTLED: "Nước mua (bình, xe chở) (cách ghi cũ, cần chọn lại)",
}

LATRINE_LABELS: dict[Latrine, str] = {
    Latrine.FLUSH_SEPTIC: "Tự hoại",
    Latrine.POUR_FLUSH: "Thấm dội nước",
    Latrine.VENTILATED_DRY_PIT: "Khô chìm có ống thông hơi",
    Latrine.RAISED_SINGLE_VAULT: "Khô nổi một ngăn",
    Latrine.DOUBLE_VAULT: "Khô nổi hai ngăn",
    Latrine.SIMPLE_PIT: "Hố đào đơn giản",
    Latrine.HANGING: "Cầu tõm, cầu ao",
    Latrine.NONE: "Không có nhà tiêu",
    Latrine.OTHER: "Khác",
    Latrine.SEMI_SEPTIC: "Bán tự hoại (cách ghi cũ, cần chọn lại)",
    Latrine.VENTILATED_PIT: "Thấm dội nước / chìm có ống thông hơi (cách ghi cũ, cần chọn lại)",
}

# Answers kept only so stored households still read: labelled, never offered in a form.
RETIRED: frozenset[Enum] = frozenset(
    {Latrine.SEMI_SEPTIC, Latrine.VENTILATED_PIT, WaterSource.BOTTLED, Education.VOCATIONAL}
)

INFO_ASSET_LABELS: dict[InfoAsset, str] = {
    InfoAsset.TV: "Ti vi",
    InfoAsset.RADIO: "Radio",
    InfoAsset.COMPUTER: "Máy tính",
    InfoAsset.SMARTPHONE: "Điện thoại thông minh",
}

WASTE_LABELS: dict[Waste, str] = {
    Waste.COLLECTED: "Được thu gom",
    Waste.BURIED_OR_BURNED_SAFELY: "Tự xử lý hợp vệ sinh (chôn, đốt đúng cách)",
    Waste.DUMPED: "Vứt bừa bãi, ra sông suối",
    Waste.OTHER: "Khác",
}

# The tables above by enum, for code that starts from an enum class (form options, reports).
BY_ENUM: dict[type[Enum], dict[Any, str]] = {}


def label(value: Enum | None) -> str:
    """The Vietnamese label of an enum member ("" for None)."""
    if value is None:
        return ""
    return BY_ENUM[type(value)][value]


def _index() -> None:
    for table in (
        CATEGORY_LABELS,
        TRANSITION_LABELS,
        AREA_LABELS,
        REGION_LABELS,
        SEX_LABELS,
        RELATIONSHIP_LABELS,
        EDUCATION_LABELS,
        SCHOOLING_LABELS,
        EMPLOYMENT_LABELS,
        WATER_SOURCE_LABELS,
        LATRINE_LABELS,
        INFO_ASSET_LABELS,
        WASTE_LABELS,
    ):
        BY_ENUM[type(next(iter(table)))] = table


_index()


def relationship_of(m: Member, head: Member | None = None) -> str:
    """A member's relationship to the head as a person is called ("Vợ", "Bố", "Chị"); the
    combined labels ("Vợ/chồng", "Bố/mẹ") only when the sex (or, for a sibling, who is older)
    is not known. Paper printed "Vợ/chồng" beside a member whose sex it showed."""
    rel, sex = m.relationship, m.sex
    if rel is None:
        return ""
    by_sex = {
        Relationship.SPOUSE: ("Chồng", "Vợ"),
        Relationship.PARENT: ("Bố", "Mẹ"),
        Relationship.GRANDPARENT: ("Ông", "Bà"),
    }
    if rel in by_sex and sex is not None:
        male, female = by_sex[rel]
        return male if sex is Sex.MALE else female
    if rel is Relationship.SIBLING and sex is not None and head is not None:
        mine, theirs = m.year_of_birth(), head.year_of_birth()
        if mine is not None and theirs is not None:
            if mine > theirs:
                return "Em"
            return "Anh" if sex is Sex.MALE else "Chị"
    return RELATIONSHIP_LABELS[rel]
