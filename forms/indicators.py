"""The deprivation indicators as small pure functions.

Each rule reads the household (and its members' ages on the reference date) with the
thresholds its standard file gives, and answers deprived / not deprived / not enough
information, with a one-line Vietnamese reason naming the members or facts behind it. A
missing answer that could change the outcome gives UNKNOWN ("chưa đủ thông tin"), never a
silent default; a deprivation already proven by one member stands whatever else is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from functools import cache, cached_property, lru_cache, partial
from operator import attrgetter
from typing import Any

from forms.model import (
    Education,
    Employment,
    Household,
    InfoAsset,
    Latrine,
    Member,
    Schooling,
    Sex,
    Waste,
    WaterSource,
    roster_on,
)


class IndicatorStatus(StrEnum):
    DEPRIVED = "deprived"
    NOT_DEPRIVED = "not_deprived"
    UNKNOWN = "unknown"


class IndicatorOutcome:
    """One indicator's answer for one household.

    ``reason`` may be given as a function making the text: a rule naming members passes one,
    so the names and ages are formatted only when the reason is read (shown or stored), not
    for every household classified; the text is then kept. Read-only to its readers:
    outcomes naming no member are shared between households (``evaluate_all``)."""

    __slots__ = ("id", "name", "dimension", "status", "_reason", "member_ids", "unconfirmed")

    def __init__(
        self,
        id: str,
        name: str,  # Vietnamese
        dimension: str,  # Vietnamese
        status: IndicatorStatus,
        reason: str | Callable[[], str],  # Vietnamese, one line
        member_ids: list[str] | None = None,
        unconfirmed: bool = False,  # the standard marks this indicator's measure unconfirmed
    ) -> None:
        self.id = id
        self.name = name
        self.dimension = dimension
        self.status = status
        self._reason = reason
        self.member_ids: list[str] = [] if member_ids is None else member_ids
        self.unconfirmed = unconfirmed

    @property
    def reason(self) -> str:
        reason = self._reason
        if not isinstance(reason, str):
            reason = self._reason = reason()
        return reason

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.name,
            self.dimension,
            self.status,
            self.reason,
            self.member_ids,
            self.unconfirmed,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IndicatorOutcome):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return (
            f"IndicatorOutcome(id={self.id!r}, name={self.name!r}, "
            f"dimension={self.dimension!r}, status={self.status!r}, reason={self.reason!r}, "
            f"member_ids={self.member_ids!r}, unconfirmed={self.unconfirmed!r})"
        )


@dataclass(slots=True)
class Context:
    """What every rule needs, computed once per household: the members as (index, member,
    age) on the reference date (``forms.model.roster_on``), the age the fact most rules ask
    of every member. Made afresh for every classification, from the household as it is then:
    nothing of a member is kept between classifications, so an edit is always seen."""

    household: Household
    reference: date
    roster: list[tuple[int, Member, int | None]]

    @classmethod
    def of(cls, household: Household, reference: date) -> Context:
        return cls(household, reference, roster_on(household.members, reference))

    @property
    def ages(self) -> list[int | None]:
        return [age for _, _, age in self.roster]


# A rule's answer before the standard's names are attached; the reason may be a function
# making it (see IndicatorOutcome), for reasons that name members.
Verdict = tuple[IndicatorStatus, str | Callable[[], str], list[str]]
Rule = Callable[[Context, dict[str, Any]], Verdict]

D, N, U = IndicatorStatus.DEPRIVED, IndicatorStatus.NOT_DEPRIVED, IndicatorStatus.UNKNOWN
# Enum members the rules compare per member, held as plain names: on Python 3.11 reading
# ``Employment.UNEMPLOYED`` off the class runs a Python-level descriptor (about 0.2 µs), and
# the rules do so several times for every member of every household.
_UNEMPLOYED, _NO_CONTRACT = Employment.UNEMPLOYED, Employment.WAGE_NO_CONTRACT
_NOT_ATTENDING = Schooling.NOT_ATTENDING
_MALE, _FEMALE = Sex.MALE, Sex.FEMALE


def who(ctx: Context, index: int) -> str:
    """'Lò Văn A (34 tuổi)': how reasons name a member."""
    _, m, age = ctx.roster[index]
    name = m.name or f"thành viên thứ {index + 1}"
    return f"{name} ({age} tuổi)" if age is not None else name


# _names and _ids loop rather than pass a generator or build a comprehension: on Python
# 3.11 either is a call of its own, dearer than the one or two members a reason usually
# names (about two reasons a household name members).
def _names(ctx: Context, indices: Sequence[int]) -> str:
    names = []
    for i in indices:
        names.append(who(ctx, i))
    return ", ".join(names)


def _ids(ctx: Context, indices: Sequence[int]) -> list[str]:
    roster = ctx.roster
    ids = []
    for i in indices:
        ids.append(roster[i][1].id)
    return ids


def _missing(ctx: Context, indices: Sequence[int], what: str) -> Verdict:
    return U, f"Chưa đủ thông tin: chưa có {what} của {_names(ctx, indices)}", _ids(ctx, indices)


@cache
def _text(template: str, *args: int) -> str:
    """``template.format(*args)`` made once: a reason that depends only on the standard's
    thresholds (or a household's head counts) is then the same string object every time, so
    neither formatted again nor hashed again when ``evaluate_plans`` looks its shared outcome
    up. Ints only (the thresholds are checked ints, never bools): untyped, so 2.0 would find
    the text of 2, but a typed key costs as much again as the lookup."""
    return template.format(*args)


def _no_members() -> Verdict:
    return U, "Chưa đủ thông tin: hộ chưa có thành viên", []


# --- employment ---------------------------------------------------------------------------


def _months_old(birth: date, reference: date) -> int:
    """Completed months of age on the reference date."""
    months = (reference.year - birth.year) * 12 + reference.month - birth.month
    return months - (reference.day < birth.day)


def retirement_months(p: dict[str, Any], year: int, sex: Sex) -> int:
    """The retirement age, in months, in the calendar year ``year`` (the standard's table:
    the last row from that year or before, the first row before the table starts).

    Read from the table ``prepare`` compiled per year and sex: this runs for nearly every
    adult of every household, and scanning the rows each time was a tenth of classification."""
    by_year: dict[tuple[int, Sex], int] = p["_retirement_by_year"]
    first, last = p["_retirement_span"]
    return by_year[(min(max(year, first), last), sex)]


def _working_year(p: dict[str, Any], year: int) -> tuple[int, int, str]:
    """(male, female) retirement ages in months in ``year`` and the reason when no one of
    working age lacks work: needed for every household, so made once per year and kept in
    the prepared parameters, where ``employment`` reads them without a call."""
    male, female = retirement_months(p, year, _MALE), retirement_months(p, year, _FEMALE)
    years: dict[int, tuple[int, int, str]] = p["_working_years"]
    made = years[year] = (male, female, _working_age_text(p["min_age"], year, male, female))
    return made


def _ym(months: int) -> str:
    return f"{months // 12} tuổi {months % 12} tháng" if months % 12 else f"{months // 12} tuổi"


def past_retirement(m: Member, reference: date, male: int, female: int) -> bool | None:
    """Whether the member has reached the retirement age (``male``/``female``, in months, the
    ages of the reference date's year) by the reference date, so is no longer of working age;
    None when the birth date or the sex would be needed to tell.

    With only a birth year, the member may have been born any day of it: the answer is known
    only when the earliest and the latest birthday agree.
    """
    if m.birth_date is not None:
        oldest = youngest = _months_old(m.birth_date, reference)
    elif m.birth_year is not None:
        # _months_old from 1 January and from 31 December of the birth year, without
        # building the two dates.
        months = (reference.year - m.birth_year) * 12 + reference.month
        oldest = months - 1
        youngest = months - 12 - (reference.day < 31)
    else:
        return None
    sex = m.sex
    if sex is None:
        low, high = min(male, female), max(male, female)
    else:
        low = high = male if sex is _MALE else female
    if youngest >= high:
        return True
    if oldest < low:
        return False
    return None


def _working_age_text(min_age: int, year: int, male: int, female: int) -> str:
    """The reason when no one of working age lacks work: the same for every such household of
    a review, so made once a year (``_working_year``)."""
    return (
        f"Không ai trong độ tuổi lao động (từ {min_age} tuổi đến tuổi nghỉ hưu năm {year}: "
        f"nam {_ym(male)}, nữ {_ym(female)}) thiếu việc làm hoặc làm công không hợp đồng"
    )


def employment(ctx: Context, p: dict[str, Any]) -> Verdict:
    """Working age is from ``min_age`` up to the retirement age of the reference date's year
    (Labour Code 2019 Art. 169): a retired 75-year-old without work deprives no one."""
    if not ctx.household.members:
        return _no_members()
    min_age: int = p["min_age"]
    jobless: list[int] = []
    no_contract: list[int] = []
    unknown: list[int] = []
    unsure_age: list[int] = []
    reference = ctx.reference
    year = reference.year
    male, female, nobody = p["_working_years"].get(year) or _working_year(p, year)
    for i, m, age in ctx.roster:
        job = m.employment
        # Any other answer deprives no one whatever the age: the retirement age (a call, for
        # most adults of every household) is asked only of the jobless, the uncontracted and
        # those not yet asked.
        if job is not _UNEMPLOYED and job is not _NO_CONTRACT and job is not None:
            continue
        if age is None:
            unknown.append(i)
            continue
        if age < min_age:
            continue
        past = past_retirement(m, reference, male, female)
        if past:
            continue
        if job is None:
            unknown.append(i)
        elif past is None:
            unsure_age.append(i)
        elif job is _UNEMPLOYED:
            jobless.append(i)
        else:
            no_contract.append(i)
    if jobless or no_contract:
        parts = []
        if jobless:
            parts.append(f"Không có việc làm: {_names(ctx, jobless)}")
        if no_contract:
            parts.append(f"Làm công không có hợp đồng lao động: {_names(ctx, no_contract)}")
        return D, "; ".join(parts), _ids(ctx, jobless + no_contract)
    if unsure_age:
        return _missing(
            ctx, unsure_age, "ngày sinh hoặc giới tính (để biết còn trong độ tuổi lao động)"
        )
    if unknown:
        return _missing(ctx, unknown, "tuổi hoặc tình trạng việc làm")
    return N, nobody, []


# --- dependants ---------------------------------------------------------------------------


def dependants(ctx: Context, p: dict[str, Any]) -> Verdict:
    members = ctx.household.members
    if not members:
        return _no_members()
    child_below: int = p["child_below_age"]
    elderly: int = p["elderly_age"]
    yes: list[int] = []
    maybe: list[int] = []
    # Each member: a dependant (yes), not one, or not known (maybe). In the loop rather than
    # a call per member: this runs for every member of every household.
    for i, m, age in ctx.roster:
        if age is None:
            if m.monthly_social_allowance and m.disability:
                yes.append(i)
            else:
                maybe.append(i)
            continue
        if age < child_below:
            yes.append(i)
            continue
        allowance = m.monthly_social_allowance
        if allowance is False:
            continue
        if age >= elderly or m.disability:  # elderly or disabled: a dependant with allowance
            (yes if allowance else maybe).append(i)
        elif m.disability is None:  # of working age, disability not known
            maybe.append(i)
    n = len(members)
    if 2 * len(yes) > n:
        return (
            D,
            f"{len(yes)}/{n} người là người phụ thuộc (quá một nửa): {_names(ctx, yes)}",
            _ids(ctx, yes),
        )
    if 2 * (len(yes) + len(maybe)) <= n:
        return (
            N,
            _text("{}/{} người là người phụ thuộc (không quá một nửa)", len(yes), n),
            _ids(ctx, yes),
        )
    return _missing(ctx, maybe, "tuổi, tình trạng khuyết tật hoặc trợ cấp xã hội hằng tháng")


# --- health -------------------------------------------------------------------------------


def nutrition(ctx: Context, p: dict[str, Any]) -> Verdict:
    if not ctx.household.members:
        return _no_members()
    below: int = p["child_below_age"]
    bad: list[int] = []
    unknown: list[int] = []
    children = 0
    for i, m, age in ctx.roster:
        if age is not None and age >= below:
            continue
        flags = (m.stunted, m.underweight)
        if age is None:
            if True in flags or m.stunted is None and m.underweight is None:
                unknown.append(i)
            continue
        children += 1
        if True in flags:
            bad.append(i)
        elif None in flags:
            unknown.append(i)
    if bad:
        details = []
        for i in bad:
            m = ctx.household.members[i]
            what = " và ".join(
                w for w, f in (("thấp còi", m.stunted), ("nhẹ cân", m.underweight)) if f
            )
            details.append(f"{who(ctx, i)} {what}")
        return D, "Trẻ em suy dinh dưỡng: " + ", ".join(details), _ids(ctx, bad)
    if unknown:
        return _missing(ctx, unknown, "tuổi hoặc tình trạng dinh dưỡng")
    if children == 0:
        return N, _text("Hộ không có trẻ em dưới {} tuổi", below), []
    return N, _text("Không trẻ em nào dưới {} tuổi bị thấp còi hoặc nhẹ cân", below), []


def health_insurance(ctx: Context, p: dict[str, Any]) -> Verdict:
    if not ctx.household.members:
        return _no_members()
    min_age: int = p["min_age"]
    lacking: list[int] = []
    unknown: list[int] = []
    for i, m, age in ctx.roster:
        if age is not None and age < min_age or m.health_insurance is True:
            continue
        if age is None or m.health_insurance is None:
            unknown.append(i)
        else:
            lacking.append(i)
    if lacking:
        return D, f"Thiếu BHYT: {_names(ctx, lacking)}", _ids(ctx, lacking)
    if unknown:
        return _missing(ctx, unknown, "tuổi hoặc thông tin thẻ BHYT")
    return N, _text("Mọi thành viên từ {} tuổi có BHYT", min_age), []


# --- education ----------------------------------------------------------------------------


def _band_for(p: dict[str, Any], age: int) -> dict[str, Any] | None:
    band: dict[str, Any] | None = p["_by_age"].get(age)
    return band


def adult_education(ctx: Context, p: dict[str, Any]) -> Verdict:
    if not ctx.household.members:
        return _no_members()
    lo, hi, always_ok = p["_lo"], p["_hi"], p["_always_ok"]
    by_age: dict[int, dict[str, Any]] = p["_by_age"]
    enterprise_counts: bool = p["enterprise_training_counts"]
    lacking: list[int] = []
    unknown: list[int] = []
    for i, m, age in ctx.roster:
        band = None if age is None else by_age.get(age)
        if band is None and age is not None:
            continue  # outside every band: nothing is asked of this member
        schooling = m.schooling
        attending = schooling is not None and schooling is not _NOT_ATTENDING
        trained = enterprise_counts and m.enterprise_training is True
        edu = m.education
        if band is None:  # the age unknown: unknown unless no band could find it lacking
            if not attending and not trained and edu not in always_ok:
                unknown.append(i)
            continue
        if attending or trained or edu in band["_accepted"]:
            continue
        if schooling is None or edu is None or enterprise_counts and m.enterprise_training is None:
            unknown.append(i)
        else:
            lacking.append(i)
    if lacking:
        details = []
        for i in lacking:
            band = _band_for(p, ctx.roster[i][2] or 0)
            expected = band["expected"] if band else ""
            details.append(f"{who(ctx, i)} không đi học, chưa {expected}")
        return D, "Thiếu trình độ giáo dục: " + "; ".join(details), _ids(ctx, lacking)
    if unknown:
        return _missing(
            ctx, unknown, "tuổi, tình trạng đi học, bằng cấp hoặc đào tạo tại doanh nghiệp"
        )
    return N, _text("Mọi thành viên {}–{} tuổi đang đi học hoặc có bằng cấp phù hợp", lo, hi), []


SCHOOLING_VI = {
    Schooling.NOT_ATTENDING: "không đi học",
    Schooling.PRESCHOOL: "đang học mầm non",
    Schooling.PRIMARY: "đang học tiểu học",
    Schooling.LOWER_SECONDARY: "đang học trung học cơ sở",
    Schooling.UPPER_SECONDARY: "đang học trung học phổ thông",
    Schooling.VOCATIONAL: "đang học nghề",
    Schooling.HIGHER: "đang học cao đẳng, đại học",
}


def child_schooling(ctx: Context, p: dict[str, Any]) -> Verdict:
    if not ctx.household.members:
        return _no_members()
    lo, hi = p["_lo"], p["_hi"]
    by_age: dict[int, dict[str, Any]] = p["_by_age"]
    lacking: list[int] = []
    unknown: list[int] = []
    for i, m, age in ctx.roster:
        if age is None:
            unknown.append(i)
            continue
        band = by_age.get(age)
        if band is None:
            continue
        if m.schooling is None:
            unknown.append(i)
        elif m.schooling not in band["_accepted"]:
            lacking.append(i)
    if lacking:
        details = []
        for i in lacking:
            m = ctx.household.members[i]
            band = _band_for(p, ctx.roster[i][2] or 0)
            assert band is not None
            assert m.schooling is not None
            if m.schooling is _NOT_ATTENDING:
                details.append(f"{who(ctx, i)} không đi học")
            else:
                details.append(
                    f"{who(ctx, i)} {SCHOOLING_VI[m.schooling]}, không đúng bậc {band['expected']}"
                )
        return D, "Trẻ em không đi học đúng bậc: " + "; ".join(details), _ids(ctx, lacking)
    if unknown:
        return _missing(ctx, unknown, "tuổi hoặc tình trạng đi học")
    return N, _text("Mọi trẻ em {}–{} tuổi đi học đúng bậc (hoặc hộ không có trẻ em)", lo, hi), []


# --- housing ------------------------------------------------------------------------------


def housing_quality(ctx: Context, p: dict[str, Any]) -> Verdict:
    h = ctx.household
    need: int = p["min_durable"]
    parts = (("tường", h.wall_durable), ("khung, cột", h.frame_durable), ("mái", h.roof_durable))
    durable = [n for n, v in parts if v is True]
    weak = [n for n, v in parts if v is False]
    missing = [n for n, v in parts if v is None]
    if len(durable) >= need:
        return N, f"{len(durable)}/3 kết cấu chính bền chắc ({', '.join(durable)})", []
    if len(durable) + len(missing) < need:
        return (
            D,
            f"Nhà không bền chắc: chỉ {len(durable)}/3 kết cấu chính bền chắc; "
            f"không bền chắc: {', '.join(weak)}",
            [],
        )
    return U, f"Chưa đủ thông tin: chưa có vật liệu {', '.join(missing)}", []


@lru_cache(maxsize=4096)
def _m2(value: float) -> str:
    """7.975 → '7,98'; 8.0 → '8' (two decimals, so a value just under 8 never prints as 8)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text == f"{round(value)}" and value != round(value):
        text = f"{value:.3f}"
    return text.replace(".", ",")


def floor_area(ctx: Context, p: dict[str, Any]) -> Verdict:
    h = ctx.household
    limit: float = p["min_m2_per_person"]
    n = len(h.members)
    if h.floor_area_m2 is None:
        return U, "Chưa đủ thông tin: chưa có diện tích nhà ở", []
    if n == 0:
        return _no_members()
    if h.floor_area_m2 <= 0:
        return U, "Chưa đủ thông tin: diện tích nhà ở không hợp lệ", []
    area = h.floor_area_m2
    # Compared without dividing, so 48 m² for 6 people is exactly 8 m² and not deprived.
    deprived = area < limit * n
    # The figures differ in nearly every household: formatted when the reason is read, from
    # the numbers as they are now.
    return (D if deprived else N), partial(_floor_area_text, area, n, limit, deprived), []


def _floor_area_text(area: float, n: int, limit: float, deprived: bool) -> str:
    below = "dưới" if deprived else "không dưới"
    return f"{_m2(area)} m² cho {n} người: {_m2(area / n)} m²/người, {below} {_m2(limit)} m²/người"


# --- water and sanitation -----------------------------------------------------------------

WATER_VI = {
    WaterSource.PIPED: "nước máy",
    WaterSource.DRILLED_WELL: "giếng khoan",
    WaterSource.PROTECTED_DUG_WELL: "giếng đào được bảo vệ",
    WaterSource.UNPROTECTED_DUG_WELL: "giếng đào không được bảo vệ",
    WaterSource.PROTECTED_SPRING: "nước khe, mó được bảo vệ",
    WaterSource.UNPROTECTED_SPRING: "nước khe, mó không được bảo vệ",
    WaterSource.RAINWATER: "nước mưa",
    WaterSource.BOTTLED_OR_JAR: "nước đóng chai, bình",
    WaterSource.TANKER: "nước mua từ xe chở",
    WaterSource.BOTTLED: "nước mua (bình, xe chở) (cách ghi cũ, cần chọn lại nguồn nước)",
    WaterSource.SURFACE: "nước sông, suối, ao, hồ",
    WaterSource.OTHER: "nguồn khác",
}

LATRINE_VI = {
    Latrine.FLUSH_SEPTIC: "nhà tiêu tự hoại",
    Latrine.POUR_FLUSH: "nhà tiêu thấm dội nước",
    Latrine.VENTILATED_DRY_PIT: "nhà tiêu khô chìm có ống thông hơi",
    Latrine.RAISED_SINGLE_VAULT: "nhà tiêu khô nổi một ngăn",
    Latrine.DOUBLE_VAULT: "nhà tiêu khô nổi hai ngăn",
    Latrine.SEMI_SEPTIC: "nhà tiêu bán tự hoại (cách ghi cũ, cần chọn lại loại nhà tiêu)",
    Latrine.VENTILATED_PIT: (
        "nhà tiêu thấm dội nước / chìm có ống thông hơi (cách ghi cũ, cần chọn lại loại nhà tiêu)"
    ),
    Latrine.SIMPLE_PIT: "hố đào đơn giản",
    Latrine.HANGING: "cầu tõm, cầu ao",
    Latrine.NONE: "không có nhà tiêu",
    Latrine.OTHER: "loại khác",
}


def _by_type(
    value: Enum | None,
    p: dict[str, Any],
    good_key: str,
    bad_key: str,
    labels: dict[Any, str],
    what: str,
    good: str,
    bad: str,
) -> Verdict:
    if value is None:
        return U, f"Chưa đủ thông tin: chưa có {what}", []
    label = labels.get(value, str(value.value))
    if value in p[good_key]:
        return N, f"{good}: {label}", []
    if value in p[bad_key]:
        return D, f"{bad}: {label}", []
    return U, f"Chưa đủ thông tin: {what} là {label}, cần xác định có hợp vệ sinh không", []


def water(ctx: Context, p: dict[str, Any]) -> Verdict:
    return _by_type(
        ctx.household.water_source,
        p,
        "hygienic",
        "not_hygienic",
        WATER_VI,
        "nguồn nước sinh hoạt",
        "Có nguồn nước hợp vệ sinh",
        "Không có nguồn nước hợp vệ sinh",
    )


def latrine(ctx: Context, p: dict[str, Any]) -> Verdict:
    """A QCVN 01:2011/BYT type counts only when built, used and kept to the regulation."""
    h = ctx.household
    verdict = _by_type(
        h.latrine,
        p,
        "hygienic",
        "not_hygienic",
        LATRINE_VI,
        "loại nhà tiêu",
        "Có nhà tiêu hợp vệ sinh",
        "Không có nhà tiêu hợp vệ sinh",
    )
    if verdict[0] is not N or not p["built_to_standard_required"] or h.latrine is None:
        return verdict
    label = LATRINE_VI.get(h.latrine, h.latrine.value)
    if h.latrine_to_standard is None:
        return (
            U,
            f"Chưa đủ thông tin: chưa biết {label} có được xây dựng, sử dụng đúng quy chuẩn không",
            [],
        )
    if h.latrine_to_standard:
        return N, f"Có nhà tiêu hợp vệ sinh: {label}, xây dựng và sử dụng đúng quy chuẩn", []
    return D, f"Không có nhà tiêu hợp vệ sinh: {label} không đúng quy chuẩn", []


WASTE_VI = {
    Waste.COLLECTED: "được thu gom",
    Waste.BURIED_OR_BURNED_SAFELY: "tự xử lý hợp vệ sinh",
    Waste.DUMPED: "vứt bừa bãi, ra sông suối",
    Waste.OTHER: "cách khác",
}


def waste(ctx: Context, p: dict[str, Any]) -> Verdict:
    return _by_type(
        ctx.household.waste,
        p,
        "handled",
        "not_handled",
        WASTE_VI,
        "cách xử lý rác thải",
        "Rác thải sinh hoạt",
        "Rác thải sinh hoạt không được thu gom, xử lý",
    )


# --- information --------------------------------------------------------------------------


def telecom(ctx: Context, p: dict[str, Any]) -> Verdict:
    members = ctx.household.members
    if not members:
        return _no_members()
    users = 0
    unknown: list[int] = []
    for i, m, _ in ctx.roster:  # one loop, not a comprehension for each answer
        uses = m.uses_telecom
        if uses is True:
            users += 1
        elif uses is None:
            unknown.append(i)
    if users:
        return N, _text("{}/{} thành viên sử dụng điện thoại/internet", users, len(members)), []
    if unknown:
        return _missing(ctx, unknown, "thông tin sử dụng điện thoại/internet")
    return D, "Không thành viên nào sử dụng dịch vụ viễn thông (điện thoại, internet)", []


INFO_ASSET_VI = {
    InfoAsset.TV: "ti vi",
    InfoAsset.RADIO: "radio",
    InfoAsset.COMPUTER: "máy tính",
    InfoAsset.SMARTPHONE: "điện thoại thông minh",
}


def info_assets(ctx: Context, p: dict[str, Any]) -> Verdict:
    h = ctx.household
    owned = [a for a in h.info_assets if a in p["assets"]]
    if owned:
        return (
            N,
            "Có phương tiện tiếp cận thông tin: "
            + ", ".join(INFO_ASSET_VI.get(a, a.value) for a in owned),
            [],
        )
    loudspeaker = h.loudspeaker_access if p["loudspeaker_counts"] else False
    if loudspeaker:
        return N, "Không có phương tiện nhưng nghe được loa truyền thanh thôn", []
    if not h.info_assets_answered:
        return U, "Chưa đủ thông tin: chưa hỏi phương tiện tiếp cận thông tin", []
    if loudspeaker is None:
        return U, "Chưa đủ thông tin: chưa biết hộ có nghe được loa truyền thanh thôn", []
    return D, "Không có phương tiện tiếp cận thông tin và không nghe được loa truyền thanh", []


def digital_services(ctx: Context, p: dict[str, Any]) -> Verdict:
    value = ctx.household.uses_digital_services
    if value is None:
        return U, "Chưa đủ thông tin: chưa biết hộ có sử dụng internet, dịch vụ số", []
    if value:
        return N, "Hộ sử dụng internet, dịch vụ số", []
    return D, "Hộ không sử dụng internet, dịch vụ số", []


RULES: dict[str, Rule] = {
    "employment": employment,
    "dependants": dependants,
    "nutrition": nutrition,
    "health_insurance": health_insurance,
    "adult_education": adult_education,
    "child_schooling": child_schooling,
    "housing_quality": housing_quality,
    "floor_area": floor_area,
    "water": water,
    "latrine": latrine,
    "telecom": telecom,
    "info_assets": info_assets,
    "digital_services": digital_services,
    "waste": waste,
}


# Rules that read nothing but these answers of the household (no member, no date): under one
# standard their outcome is a function of the key alone, so ``evaluate_all`` makes it once per
# distinct key and shares it (most households answer these from a handful of choices). A key
# must name every field its rule reads; the stored-results digest
# (tests/forms/test_classify_stored.py) and tests/forms/test_indicators.py guard that.
HOUSEHOLD_KEYS: dict[str, Callable[[Household], Hashable]] = {
    "housing_quality": attrgetter("wall_durable", "frame_durable", "roof_durable"),
    "water": attrgetter("water_source"),
    "latrine": attrgetter("latrine", "latrine_to_standard"),
    "waste": attrgetter("waste"),
    "digital_services": attrgetter("uses_digital_services"),
    "info_assets": lambda h: (
        tuple(h.info_assets),
        h.info_assets_answered,
        h.loudspeaker_access,
    ),
}


# Rules whose reason carries the household's own figures even when it names no member (the
# floor area per person): sharing their outcomes would keep one per household anyway.
UNSHARED = frozenset({"floor_area"})


# --- parameter checks for standard files ----------------------------------------------------


def _enum_list(values: Any, enum_cls: type[Enum]) -> bool:
    allowed = {e.value for e in enum_cls}
    return isinstance(values, list) and all(v in allowed for v in values)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _bands_ok(value: Any, enum_cls: type[Enum]) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(b, dict)
            and _int(b.get("min_age"))
            and _int(b.get("max_age"))
            and b["min_age"] <= b["max_age"]
            and _enum_list(b.get("accepted"), enum_cls)
            and isinstance(b.get("expected"), str)
            for b in value
        )
    )


def _age_pair(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(_int(v) for v in value)
        and 15 <= value[0] <= 80
        and value[1] < 12
    )


def _retirement_ok(value: Any) -> bool:
    """Rows {year, male = [years, months], female = [years, months]}, years ascending."""
    if not isinstance(value, list) or not value:
        return False
    years = [row.get("year") if isinstance(row, dict) else None for row in value]
    return (
        all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        and years == sorted(set(years))  # type: ignore[type-var]
        and all(_age_pair(row.get("male")) and _age_pair(row.get("female")) for row in value)
    )


_CHECKS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "employment": {"min_age": _int, "retirement_ages": _retirement_ok},
    "dependants": {"child_below_age": _int, "elderly_age": _int},
    "nutrition": {"child_below_age": _int},
    "health_insurance": {"min_age": _int},
    "adult_education": {
        "bands": lambda v: _bands_ok(v, Education),
        "enterprise_training_counts": lambda v: isinstance(v, bool),
    },
    "child_schooling": {"bands": lambda v: _bands_ok(v, Schooling)},
    "housing_quality": {"min_durable": lambda v: _int(v) and 1 <= v <= 3},
    "floor_area": {
        "min_m2_per_person": lambda v: (
            isinstance(v, int | float) and not isinstance(v, bool) and v > 0
        )
    },
    "water": {
        "hygienic": lambda v: _enum_list(v, WaterSource),
        "not_hygienic": lambda v: _enum_list(v, WaterSource),
    },
    "latrine": {
        "hygienic": lambda v: _enum_list(v, Latrine),
        "not_hygienic": lambda v: _enum_list(v, Latrine),
        "built_to_standard_required": lambda v: isinstance(v, bool),
    },
    "telecom": {},
    "info_assets": {
        "assets": lambda v: _enum_list(v, InfoAsset),
        "loudspeaker_counts": lambda v: isinstance(v, bool),
    },
    "digital_services": {},
    "waste": {
        "handled": lambda v: _enum_list(v, Waste),
        "not_handled": lambda v: _enum_list(v, Waste),
    },
}


def check_params(rule: str, params: dict[str, Any]) -> str | None:
    """A Vietnamese description of what is wrong with a rule's thresholds, or None."""
    for key, ok in _CHECKS[rule].items():
        if key not in params:
            return f"thiếu tham số '{key}'."
        if not ok(params[key]):
            return f"tham số '{key}' không hợp lệ: {params[key]!r}."
    return None


def prepare(rule: str, params: dict[str, Any]) -> dict[str, Any]:
    """Checked parameters turned into what the rule reads fast: sets for type lists, an
    age → band table for the education bands (derived keys start with '_')."""
    out = dict(params)
    for key, value in params.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = frozenset(value)
    if "retirement_ages" in params:
        rows = sorted(params["retirement_ages"], key=lambda row: row["year"])
        by_year: dict[tuple[int, Sex], int] = {}
        row = rows[0]
        for year in range(rows[0]["year"], rows[-1]["year"] + 1):
            row = next((r for r in rows if r["year"] == year), row)
            for sex in Sex:
                years, months = row[sex.value]
                by_year[(year, sex)] = int(years) * 12 + int(months)
        out["_retirement_by_year"] = by_year
        out["_retirement_span"] = (rows[0]["year"], rows[-1]["year"])
        out["_working_years"] = {}
    if "bands" in params:
        bands = [{**b, "_accepted": frozenset(b["accepted"])} for b in params["bands"]]
        by_age: dict[int, dict[str, Any]] = {}
        for band in reversed(bands):  # the first band listed wins where bands overlap
            for age in range(band["min_age"], band["max_age"] + 1):
                by_age[age] = band
        out["_by_age"] = by_age
        out["_lo"] = min(b["min_age"] for b in bands)
        out["_hi"] = max(b["max_age"] for b in bands)
        out["_always_ok"] = frozenset.intersection(*(b["_accepted"] for b in bands))
    return out


@dataclass(frozen=True)
class IndicatorSpec:
    """One deprivation indicator of a standard: which rule measures it, with what thresholds."""

    id: str
    name: str  # Vietnamese, as the decree names it
    dimension: str  # Vietnamese
    rule: str  # the function in RULES
    unconfirmed: bool
    source: str  # what the Căn cứ pháp lý screen shows: plain Vietnamese, no developer notes
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # "province": the measure is stated by a provincial document (``source`` names it), not by
    # a national legal text; "" for a national text (or, with ``unconfirmed``, none).
    basis: str = field(default="", compare=False)

    @cached_property
    def plan(self) -> tuple[Any, ...]:
        """What ``evaluate_plans`` reads for this indicator, looked up once:
        the rule, its prepared thresholds, the key of a household-level rule (else None), the
        outcomes shared so far (None for a rule that shares none), then the names every
        outcome carries."""
        memo: dict[Any, Any] | None = None if self.rule in UNSHARED else {}
        return (
            RULES[self.rule],
            self.params,
            HOUSEHOLD_KEYS.get(self.rule),
            memo,
            self.id,
            self.name,
            self.dimension,
            self.unconfirmed,
        )


def evaluate(spec: IndicatorSpec, ctx: Context) -> IndicatorOutcome:
    return evaluate_all((spec,), ctx)[0]


def evaluate_all(specs: Sequence[IndicatorSpec], ctx: Context) -> list[IndicatorOutcome]:
    """``evaluate`` for each indicator of a standard, in its order."""
    return evaluate_plans([spec.plan for spec in specs], ctx)[0]


_new = object.__new__


def evaluate_plans(
    plans: Sequence[tuple[Any, ...]], ctx: Context
) -> tuple[list[IndicatorOutcome], int, list[IndicatorOutcome]]:
    """The outcomes of the indicators whose plans are given (``IndicatorSpec.plan``, a
    standard's ``Standard.plans``), in their order, with the number deprived and those
    unknown: one loop rather than a call per indicator and a second loop to count, since
    classification runs it for every household.

    Outcomes are shared between households where they cannot differ, so that a commune's
    results do not hold the same texts thousands of times (and are not built thousands of
    times): a rule of ``HOUSEHOLD_KEYS`` runs once per distinct key under a standard; any
    other rule's outcome that names no member is shared with every household given the same
    status and reason (except ``UNSHARED`` rules, whose reasons carry the household's own
    figures). Shared outcomes are read-only, as every outcome is to its readers."""
    outcomes = []
    unknown = []
    count = 0
    household = ctx.household
    for rule, params, key, memo, sid, name, dimension, unconfirmed in plans:
        if key is not None:
            k = key(household)
            outcome = memo.get(k)
            if outcome is None:
                status, reason, member_ids = rule(ctx, params)
                outcome = memo[k] = IndicatorOutcome(
                    sid, name, dimension, status, reason, member_ids, unconfirmed
                )
        else:
            status, reason, member_ids = rule(ctx, params)
            if member_ids or memo is None or not isinstance(reason, str):
                # IndicatorOutcome's fields set here, as its __init__ sets them, rather than
                # through it: calling a Python class costs about as much again as the seven
                # assignments, and about three outcomes a household are made here.
                outcome = _new(IndicatorOutcome)
                outcome.id = sid
                outcome.name = name
                outcome.dimension = dimension
                outcome.status = status
                outcome._reason = reason
                outcome.member_ids = member_ids
                outcome.unconfirmed = unconfirmed
            else:
                # Naming no member, the reason is one of a few texts of the standard: share it.
                outcome = memo.get((status, reason))
                if outcome is None:
                    outcome = memo[status, reason] = IndicatorOutcome(
                        sid, name, dimension, status, reason, member_ids, unconfirmed
                    )
        outcomes.append(outcome)
        status = outcome.status
        if status is D:
            count += 1
        elif status is U:
            unknown.append(outcome)
    return outcomes, count, unknown
