"""The household as the forms record it: plain dataclasses, no behaviour beyond derivations.

Every answer a surveyor can leave blank is ``Optional``: ``None`` means "not asked / not
known", which the indicators report as *chưa đủ thông tin* instead of guessing. Enum values
are short stable English codes: they are stored in SQLite and in the household JSON format,
so never rename one once it has landed; add new members instead.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any, SupportsIndex, TypeVar


def nfc(text: str) -> str:
    """Vietnamese text is stored and compared in NFC (see docs/domain.md, 'Text')."""
    return unicodedata.normalize("NFC", text).strip()


def new_id() -> str:
    return str(uuid.uuid4())


class Area(StrEnum):
    RURAL = "rural"  # xã
    URBAN = "urban"  # phường


class Region(StrEnum):
    """The six socio-economic regions; Phiếu B1 points differ by region."""

    NORTHERN_MOUNTAINS = "northern_mountains"  # Trung du và miền núi phía Bắc
    RED_RIVER_DELTA = "red_river_delta"  # Đồng bằng sông Hồng
    CENTRAL_COAST = "central_coast"  # Bắc Trung Bộ và duyên hải miền Trung
    CENTRAL_HIGHLANDS = "central_highlands"  # Tây Nguyên
    SOUTHEAST = "southeast"  # Đông Nam Bộ
    MEKONG_DELTA = "mekong_delta"  # Đồng bằng sông Cửu Long


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Relationship(StrEnum):
    HEAD = "head"  # chủ hộ
    SPOUSE = "spouse"  # vợ/chồng
    CHILD = "child"  # con (đẻ, nuôi, dâu, rể)
    GRANDCHILD = "grandchild"  # cháu
    PARENT = "parent"  # bố/mẹ (đẻ, vợ/chồng)
    GRANDPARENT = "grandparent"  # ông/bà
    SIBLING = "sibling"  # anh/chị/em
    OTHER_RELATIVE = "other_relative"  # họ hàng khác
    OTHER = "other"  # không có quan hệ họ hàng


class Education(StrEnum):
    """Highest level completed (bằng cấp cao nhất)."""

    NONE = "none"  # chưa tốt nghiệp tiểu học
    PRIMARY = "primary"  # tiểu học
    LOWER_SECONDARY = "lower_secondary"  # trung học cơ sở
    UPPER_SECONDARY = "upper_secondary"  # trung học phổ thông
    VOCATIONAL_ELEMENTARY = "vocational_elementary"  # sơ cấp (giáo dục nghề nghiệp)
    VOCATIONAL_INTERMEDIATE = "vocational_intermediate"  # trung cấp
    COLLEGE = "college"  # cao đẳng
    UNIVERSITY = "university"  # đại học trở lên
    # Retired: sơ cấp and trung cấp in one answer. Both count wherever either does, so stored
    # households keep their result; the form now asks which.
    VOCATIONAL = "vocational"  # sơ cấp / trung cấp nghề


class Schooling(StrEnum):
    """What the member attends now (tình trạng đi học hiện nay)."""

    NOT_ATTENDING = "not_attending"  # không đi học
    PRESCHOOL = "preschool"  # mầm non / mẫu giáo
    PRIMARY = "primary"  # tiểu học
    LOWER_SECONDARY = "lower_secondary"  # trung học cơ sở
    UPPER_SECONDARY = "upper_secondary"  # trung học phổ thông
    VOCATIONAL = "vocational"  # học nghề / giáo dục nghề nghiệp
    HIGHER = "higher"  # cao đẳng / đại học


class Employment(StrEnum):
    """Main activity over the last 12 months."""

    WAGE_WITH_CONTRACT = "wage_with_contract"  # làm công ăn lương có hợp đồng lao động
    WAGE_NO_CONTRACT = "wage_no_contract"  # làm công ăn lương không có hợp đồng
    SELF_EMPLOYED = "self_employed"  # tự làm (nông nghiệp, buôn bán…)
    UNEMPLOYED = "unemployed"  # không có việc làm, có nhu cầu làm việc
    STUDENT = "student"  # đang đi học
    HOMEMAKER = "homemaker"  # nội trợ, không có nhu cầu làm việc
    RETIRED = "retired"  # nghỉ hưu / già yếu
    UNABLE = "unable"  # không có khả năng lao động


class WaterSource(StrEnum):
    PIPED = "piped"  # nước máy
    DRILLED_WELL = "drilled_well"  # giếng khoan
    PROTECTED_DUG_WELL = "protected_dug_well"  # giếng đào được bảo vệ
    UNPROTECTED_DUG_WELL = "unprotected_dug_well"  # giếng đào không được bảo vệ
    PROTECTED_SPRING = "protected_spring"  # nước khe/mó được bảo vệ
    UNPROTECTED_SPRING = "unprotected_spring"  # nước khe/mó không được bảo vệ
    RAINWATER = "rainwater"  # nước mưa
    BOTTLED_OR_JAR = "bottled_or_jar"  # nước đóng chai, bình
    TANKER = "tanker"  # nước mua từ xe chở (xe bồn)
    SURFACE = "surface"  # sông, suối, ao, hồ
    OTHER = "other"
    # Retired: one answer for bottled water and water bought from a tanker, which the rule now
    # tells apart; still read from stored households, no longer offered, asked again.
    BOTTLED = "bottled"  # nước mua (bình, xe chở)


class Latrine(StrEnum):
    """The latrine types of QCVN 01:2011/BYT, then the clearly unhygienic ones."""

    FLUSH_SEPTIC = "flush_septic"  # tự hoại
    POUR_FLUSH = "pour_flush"  # thấm dội nước
    VENTILATED_DRY_PIT = "ventilated_dry_pit"  # khô chìm có ống thông hơi
    RAISED_SINGLE_VAULT = "raised_single_vault"  # khô nổi một ngăn
    DOUBLE_VAULT = "double_vault"  # khô nổi hai ngăn
    SIMPLE_PIT = "simple_pit"  # hố đào đơn giản
    HANGING = "hanging"  # cầu tõm, trên ao
    NONE = "none"  # không có nhà tiêu
    OTHER = "other"
    # Retired answers (before the QCVN list): still read from stored households, no longer
    # offered; "bán tự hoại" is not a QCVN type and the old combined answer named three types,
    # so the indicator asks for the type again instead of guessing.
    SEMI_SEPTIC = "semi_septic"  # bán tự hoại
    VENTILATED_PIT = "ventilated_pit"  # thấm dội nước / hai ngăn / chìm có ống thông hơi


class InfoAsset(StrEnum):
    TV = "tv"
    RADIO = "radio"
    COMPUTER = "computer"
    SMARTPHONE = "smartphone"


class Waste(StrEnum):
    """How household waste is disposed of (2027–2030 standard)."""

    COLLECTED = "collected"  # thu gom
    BURIED_OR_BURNED_SAFELY = "treated_on_site"  # tự xử lý hợp vệ sinh (chôn, đốt đúng cách)
    DUMPED = "dumped"  # vứt bừa bãi / ra sông suối
    OTHER = "other"


class Category(StrEnum):
    """The outcome of classification (phân loại hộ)."""

    POOR = "poor"  # hộ nghèo
    NEAR_POOR = "near_poor"  # hộ cận nghèo
    MIDDLE = "middle"  # hộ có mức sống trung bình (nông, lâm, ngư, diêm nghiệp)
    NOT_POOR = "not_poor"  # không thuộc các loại trên
    UNDETERMINED = "undetermined"  # chưa đủ thông tin để phân loại


class Transition(StrEnum):
    """Movement between two reviews of the same household (report vocabulary)."""

    STAYED_POOR = "stayed_poor"  # nghèo cũ
    POOR_TO_NEAR_POOR = "poor_to_near_poor"  # thoát nghèo, thành cận nghèo
    ESCAPED_POVERTY = "escaped_poverty"  # thoát nghèo (lên trên chuẩn cận nghèo)
    NEAR_POOR_TO_POOR = "near_poor_to_poor"  # cận nghèo rơi xuống nghèo
    STAYED_NEAR_POOR = "stayed_near_poor"  # cận nghèo cũ
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty"  # thoát cận nghèo
    NEWLY_POOR = "newly_poor"  # nghèo phát sinh mới
    NEWLY_NEAR_POOR = "newly_near_poor"  # cận nghèo phát sinh mới
    FELL_BACK_POOR = "fell_back_poor"  # tái nghèo
    FELL_BACK_NEAR_POOR = "fell_back_near_poor"  # tái cận nghèo
    STAYED_OUT = "stayed_out"  # không nghèo cả hai kỳ
    UNKNOWN = "unknown"  # một trong hai kỳ chưa phân loại được


@dataclass
class Member:
    name: str = ""
    id: str = field(default_factory=new_id)
    relationship: Relationship | None = None
    sex: Sex | None = None
    birth_year: int | None = None
    birth_date: date | None = None  # when known; birth_year then follows from it
    ethnicity: str | None = None  # e.g. "Kinh", "Tày", "M'Nông" (NFC)
    id_number: str | None = None  # số CCCD / định danh cá nhân, 12 digits
    health_insurance: bool | None = None  # có thẻ BHYT còn hạn
    education: Education | None = None
    schooling: Schooling | None = None
    # Hired by an enterprise and certified for its on-the-job training (adult education).
    enterprise_training: bool | None = None
    employment: Employment | None = None
    disability: bool | None = None  # người khuyết tật
    monthly_social_allowance: bool | None = None  # hưởng trợ cấp xã hội hằng tháng
    meritorious: bool | None = None  # người có công với cách mạng
    stunted: bool | None = None  # thấp còi (children under 16)
    underweight: bool | None = None  # nhẹ cân / suy dinh dưỡng (children under 16)
    uses_telecom: bool | None = None  # sử dụng điện thoại / internet
    note: str = ""

    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year

    def age_on(self, reference: date) -> int | None:
        """Age in whole years on the review's reference date (``roster_on``, which defines
        it)."""
        return roster_on((self,), reference)[0][2]

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        return _reduce_by_values(self, protocol)


def ages_on(members: Sequence[Member], reference: date) -> list[int | None]:
    """Each member's age in whole years on the review's reference date; None when neither a
    birth date nor a birth year is known (``roster_on``, which defines it)."""
    return [age for _, _, age in roster_on(members, reference)]


# The oldest age the forms accept (forms.definitions: a birth year more than this before the
# reference year is "không hợp lý"); beyond it, or below 0, an age is unknown (roster_on).
MAX_AGE = 120


def roster_on(members: Sequence[Member], reference: date) -> list[tuple[int, Member, int | None]]:
    """Each member as (index, member, age in whole years on the review's reference date),
    the age None when neither a birth date nor a birth year is known. Made once per
    household classified and read by every rule that loops over the members (an index and
    an age looked up per member per rule cost more than the rules' own checks).

    With only a birth year known the member is taken to have had this year's birthday by
    the reference date (forms ask year of birth; see docs/domain.md, 'Ages').

    An age outside 0–``MAX_AGE`` is None too: a birth year typed 19811 (age −17785) or 1091
    is a typo the form flags, and as an age it made the member a child or an elder and could
    put the household on the poor list; unknown, the rules say what is missing instead.
    """
    year = reference.year
    day = (reference.month, reference.day)
    top = MAX_AGE  # a local: read for every member of every household classified
    roster: list[tuple[int, Member, int | None]] = []
    append = roster.append
    for i, m in enumerate(members):
        b = m.birth_date
        if b is not None:
            age = year - b.year - (day < (b.month, b.day))
        else:
            y = m.birth_year
            if y is None:
                append((i, m, None))
                continue
            age = year - y
        append((i, m, age if 0 <= age <= top else None))
    return roster


@dataclass
class Household:
    code: str = ""  # mã hộ, stable across years
    id: str = field(default_factory=new_id)
    village: str = ""  # thôn/bản/ấp/tổ dân phố (name as the commune writes it)
    address: str = ""
    area: Area | None = None
    region: Region | None = None  # vùng kinh tế - xã hội (for item-by-item B1 scoring)
    members: list[Member] = field(default_factory=list)

    # Policy categories (for lists and reports; some also feed Phiếu A).
    meritorious_household: bool | None = None  # hộ có thành viên là người có công
    social_protection: bool | None = None  # hộ bảo trợ xã hội
    agri_forestry_fishery: bool | None = None  # sống chủ yếu bằng nông, lâm, ngư, diêm nghiệp

    # Phiếu A (quick screening): question id -> answer.
    screening: dict[str, bool | None] = field(default_factory=dict)

    # Phiếu B1: either the total from the paper form, or answers scored with a B1 table file.
    b1_total: int | None = None
    b1_answers: dict[str, str] = field(default_factory=dict)  # item id -> option id
    # Direct income: per capita per month over the last 12 months, VND, state allowances
    # excluded (needed for middle-living-standard households).
    income_per_capita: int | None = None
    income_sources: list[str] = field(default_factory=list)

    # Phiếu B2 facts that are about the dwelling rather than the members.
    wall_durable: bool | None = None  # tường
    frame_durable: bool | None = None  # khung, cột
    roof_durable: bool | None = None  # mái
    floor_area_m2: float | None = None
    water_source: WaterSource | None = None
    latrine: Latrine | None = None
    # Built, used and kept to QCVN 01:2011/BYT: a listed type is hygienic only then.
    latrine_to_standard: bool | None = None
    info_assets: list[InfoAsset] = field(default_factory=list)
    info_assets_answered: bool = False  # distinguishes "owns none" from "not asked"
    loudspeaker_access: bool | None = None  # nghe được loa truyền thanh thôn
    uses_digital_services: bool | None = None  # 2027–2030: internet / dịch vụ số
    waste: Waste | None = None  # 2027–2030

    causes: list[str] = field(default_factory=list)  # ids from forms/data/causes.toml
    needs: list[str] = field(default_factory=list)  # ids from forms/data/needs.toml
    note: str = ""

    def head(self) -> Member | None:
        for m in self.members:
            if m.relationship is Relationship.HEAD:
                return m
        return None

    def head_name(self) -> str:
        head = self.head()
        return head.name if head else ""

    def size(self) -> int:
        return len(self.members)

    def ethnic_minority(self) -> bool | None:
        """Hộ DTTS: the head belongs to an ethnic group other than Kinh."""
        head = self.head()
        if head is None or not head.ethnicity:
            return None
        return nfc(head.ethnicity).casefold() != "kinh"

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        return _reduce_by_values(self, protocol)


# --- pickling ---------------------------------------------------------------------------
#
# A package read ahead by ``rasoat merge``'s reader crosses to the writing process pickled
# (``db.exchange.merge_ahead``), every household and member in it. Pickled by default, each
# is its ``__dict__``: a key and a value for every field, a dict built again and copied
# into the new instance's. Here it is its fields' values in order, set straight into the
# instance's ``__dict__``: a 5,000-household package 21 % smaller, unpickled (the writer's
# CPU) about a fifth faster. An instance holding anything else than its fields, in their
# order, pickles as before.

_Model = TypeVar("_Model", "Member", "Household")
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _reduce_by_values(obj: Member | Household, protocol: SupportsIndex) -> str | tuple[Any, ...]:
    cls = type(obj)
    state = obj.__dict__
    if cls in (Member, Household) and tuple(state) == _field_names(cls):
        return (_from_values, (cls, tuple(state.values())))
    return object.__reduce_ex__(obj, protocol)


def _from_values(cls: type[_Model], values: tuple[Any, ...]) -> _Model:
    """An instance of ``cls`` pickled by ``_reduce_by_values``."""
    obj = object.__new__(cls)
    obj.__dict__.update(zip(_field_names(cls), values, strict=True))
    return obj
