"""A deterministic, realistic-looking commune for the demo file, tests and benchmarks.

Names follow each group's usual pattern (Kinh "Nguyễn Thị Ánh", H'Mông "Giàng A Páo",
Dao "Triệu Văn Kiềm", Khmer "Thạch Sô Phia"); villages are thôn/bản of a northern mountain
commune. Each household draws a hidden living standard that drives its Phiếu B1 total,
income and how likely each deprivation is, so classification gives a plausible spread
(roughly 5–15% poor, 5–10% near-poor). A few answers are left ``None`` on purpose, to
exercise "chưa đủ thông tin". Nothing here is real data about real people.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from forms.model import (
    Area,
    Education,
    Employment,
    Household,
    InfoAsset,
    Latrine,
    Member,
    Region,
    Relationship,
    Schooling,
    Sex,
    Waste,
    WaterSource,
)

DEMO_VILLAGES: list[str] = [
    "Thôn Đồng Tâm",
    "Thôn Tân Lập",
    "Bản Nà Hin",
    "Bản Phiêng Luông",
    "Thôn Khuổi Vài",
    "Bản Sán Chải",
    "Thôn Làng Mới",
    "Bản Co Hương",
]

# The review year the generated ages are meant for.
DEMO_YEAR = 2026


@dataclass(frozen=True)
class _Group:
    name: str
    surnames: Sequence[str]
    male_middle: Sequence[str]
    female_middle: Sequence[str]
    male_given: Sequence[str]
    female_given: Sequence[str]
    wealth_shift: float  # mean living-standard offset of the demo, not a statistic


_VN_MALE = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Hải",
    "Đức",
    "Toàn",
    "Kiên",
)
_VN_FEMALE = (
    "Ánh",
    "Chi",
    "Dung",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Huyền",
    "Ngọc",
)

GROUPS: dict[str, _Group] = {
    g.name: g
    for g in (
        _Group(
            "Kinh",
            (
                "Nguyễn",
                "Trần",
                "Lê",
                "Phạm",
                "Hoàng",
                "Vũ",
                "Đặng",
                "Bùi",
                "Đỗ",
                "Ngô",
                "Dương",
                "Đinh",
            ),
            ("Văn", "Đức", "Minh", "Quốc"),
            ("Thị", "Thu", "Ngọc", "Thanh"),
            _VN_MALE,
            _VN_FEMALE,
            0.12,
        ),
        _Group(
            "Tày",
            ("Hoàng", "Nông", "Lục", "Ma", "Đàm", "Hà", "Lương", "Triệu"),
            ("Văn",),
            ("Thị",),
            _VN_MALE,
            _VN_FEMALE,
            0.02,
        ),
        _Group(
            "Thái",
            ("Lò", "Lường", "Cầm", "Quàng", "Điêu", "Tòng", "Vi"),
            ("Văn",),
            ("Thị",),
            ("Ín", "Panh", "Xuân", "Khăm", "Pọm", "Xiêng", "Ón"),
            ("Pươm", "Ính", "Xuyến", "Ỏn", "Bun", "Thoa"),
            -0.04,
        ),
        _Group(
            "H'Mông",
            ("Giàng", "Sùng", "Vàng", "Thào", "Lầu", "Mùa", "Hờ", "Lý"),
            ("A",),
            ("Thị",),
            ("Páo", "Chứ", "Dình", "Mua", "Sếnh", "Pó", "Lử", "Tủa"),
            ("Mỷ", "Dợ", "Sua", "Chá", "Pà", "Súa", "Dung"),
            -0.14,
        ),
        _Group(
            "Dao",
            ("Triệu", "Bàn", "Đặng", "Lý", "Chảo", "Phùng"),
            ("Văn", "Tài"),
            ("Thị", "Mùi"),
            ("Chàn", "Kiềm", "Phin", "Quẩy", "Tả", "Vảng"),
            ("Mẩy", "Nải", "Slam", "Ton", "Chiêm"),
            -0.08,
        ),
        _Group(
            "Mường",
            ("Đinh", "Bạch", "Quách", "Hà", "Bùi", "Xa"),
            ("Văn", "Công"),
            ("Thị",),
            _VN_MALE,
            _VN_FEMALE,
            -0.02,
        ),
        _Group(
            "Nùng",
            ("Nông", "Hoàng", "Lương", "Mã", "Lăng", "Vy"),
            ("Văn",),
            ("Thị",),
            ("Sình", "Pằn", "Slay", "Quý", "Lình", "Dìn"),
            ("Sâm", "Mầy", "Pỏ", "Lìu", "Nhàn"),
            -0.04,
        ),
        _Group(
            "Khmer",
            ("Thạch", "Sơn", "Danh", "Kim", "Lâm", "Châu"),
            ("",),
            ("Thị",),
            ("Sô Phia", "Sóc", "Phol", "Chanh Thol", "Sa Rươl", "Ri Tha"),
            ("Sà Quăl", "Sa Rết", "Mây", "Sô Phal", "Chanh Tha"),
            0.0,
        ),
    )
}

# Which groups live in which village (weights); villages beyond the list get the last mix.
_VILLAGE_MIX: list[dict[str, float]] = [
    {"Kinh": 0.8, "Tày": 0.12, "Mường": 0.05, "Khmer": 0.03},
    {"Kinh": 0.55, "Tày": 0.2, "Nùng": 0.15, "Khmer": 0.05, "Mường": 0.05},
    {"Tày": 0.7, "Nùng": 0.2, "Kinh": 0.1},
    {"Thái": 0.85, "Kinh": 0.1, "Mường": 0.05},
    {"Tày": 0.5, "Dao": 0.3, "Kinh": 0.2},
    {"H'Mông": 0.9, "Dao": 0.1},
    {"Kinh": 0.6, "Mường": 0.3, "Thái": 0.1},
    {"Dao": 0.6, "H'Mông": 0.3, "Tày": 0.1},
]

_CAUSES = ("capital", "land", "labour", "jobs", "skills", "illness", "dependants", "means")
_NEEDS = (
    "credit",
    "land",
    "means",
    "extension",
    "training",
    "jobs",
    "housing",
    "health_insurance",
    "education",
)
_POOR_WATER = (
    WaterSource.UNPROTECTED_DUG_WELL,
    WaterSource.UNPROTECTED_SPRING,
    WaterSource.SURFACE,
)
_GOOD_WATER = (
    WaterSource.PIPED,
    WaterSource.DRILLED_WELL,
    WaterSource.PROTECTED_DUG_WELL,
    WaterSource.PROTECTED_SPRING,
    WaterSource.RAINWATER,
)
_POOR_LATRINE = (Latrine.SIMPLE_PIT, Latrine.HANGING, Latrine.NONE)
_GOOD_LATRINE = (
    Latrine.FLUSH_SEPTIC,
    Latrine.POUR_FLUSH,
    Latrine.DOUBLE_VAULT,
    Latrine.VENTILATED_DRY_PIT,
)


def generate_households(
    n: int,
    seed: int = 1,
    villages: list[str] | None = None,
    *,
    area: Area = Area.RURAL,
    region: Region = Region.NORTHERN_MOUNTAINS,
) -> Iterator[Household]:
    """``n`` households; the same (n, seed, villages) always gives the same households, and
    the first k of n are the k households asked for with n = k."""
    names = villages or DEMO_VILLAGES
    counters = [0] * len(names)
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        v = rng.randrange(len(names))
        counters[v] += 1
        yield _household(rng, f"{v + 1:02d}-{counters[v]:04d}", names[v], v, area, region)


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from ``rng``, so ids repeat with the seed."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def _pick_group(rng: random.Random, village_index: int) -> _Group:
    mix = _VILLAGE_MIX[min(village_index, len(_VILLAGE_MIX) - 1)]
    name = rng.choices(list(mix), weights=list(mix.values()))[0]
    return GROUPS[name]


def _name(rng: random.Random, group: _Group, sex: Sex, surname: str | None = None) -> str:
    male = sex is Sex.MALE
    middle = rng.choice(group.male_middle if male else group.female_middle)
    given = rng.choice(group.male_given if male else group.female_given)
    return " ".join(p for p in (surname or rng.choice(group.surnames), middle, given) if p)


def _id_number(rng: random.Random, sex: Sex, birth_year: int) -> str:
    # 12-digit personal id: province (3), century+sex (1), year (2), random (6). "002" is a
    # placeholder province; the digits are random, never a real person's number.
    century = (birth_year // 100 - 19) * 2 + (1 if sex is Sex.FEMALE else 0)
    return f"002{century}{birth_year % 100:02d}{rng.randrange(10**6):06d}"


def _household(
    rng: random.Random, code: str, village: str, village_index: int, area: Area, region: Region
) -> Household:
    group = _pick_group(rng, village_index)
    wealth = min(1.0, max(0.0, rng.random() + group.wealth_shift))
    deprive = max(0.03, 0.42 - 0.7 * wealth)  # chance that each living condition is poor
    h = Household(code=code, id=_uuid(rng), village=village, area=area, region=region)
    h.address = f"Nhà số {rng.randrange(1, 250)}, {village}"
    h.members = _members(rng, group, wealth, deprive)

    h.agri_forestry_fishery = rng.random() < (0.85 - 0.5 * wealth)
    h.meritorious_household = any(m.meritorious for m in h.members)
    h.social_protection = any(m.monthly_social_allowance for m in h.members)
    if rng.random() < 0.3:
        h.screening = dict.fromkeys(("a1", "a2", "a3", "a4"), False)

    threshold = 140 if area is Area.RURAL else 175
    h.b1_total = round(threshold + (wealth - 0.17) * 260 + rng.gauss(0, 8))
    line = 1_500_000 if area is Area.RURAL else 2_000_000
    income = line * (0.55 + 1.9 * wealth) + rng.gauss(0, 120_000)
    h.income_per_capita = max(200_000, int(round(income, -4))) if rng.random() < 0.8 else None
    h.income_sources = ["agriculture"] if h.agri_forestry_fishery else []
    h.income_sources += rng.sample(
        ["forestry", "wages", "business", "remittances"], rng.randrange(0, 3)
    )

    bad = rng.random
    h.wall_durable = bad() >= deprive
    h.frame_durable = bad() >= deprive * 0.8
    h.roof_durable = bad() >= deprive
    per_person = rng.uniform(4, 9) if bad() < deprive else rng.uniform(9, 35)
    h.floor_area_m2 = round(per_person * max(1, h.size()), 1)
    h.water_source = rng.choice(_POOR_WATER if bad() < deprive else _GOOD_WATER)
    h.latrine = rng.choice(_POOR_LATRINE if bad() < deprive * 1.2 else _GOOD_LATRINE)
    # QCVN types count as hygienic only when built and used to the standard (no extra draw,
    # so the demo commune keeps its random sequence).
    h.latrine_to_standard = True if h.latrine in _GOOD_LATRINE else None
    h.info_assets_answered = True
    h.info_assets = [
        a for a in InfoAsset if bad() >= deprive * 1.3 or a is InfoAsset.RADIO and bad() < 0.2
    ]
    h.loudspeaker_access = bad() >= deprive * 0.5
    h.uses_digital_services = bad() >= deprive
    h.waste = (
        rng.choice([Waste.DUMPED, Waste.OTHER])
        if bad() < deprive
        else rng.choice([Waste.COLLECTED, Waste.BURIED_OR_BURNED_SAFELY])
    )
    if wealth < 0.4:
        h.causes = sorted(rng.sample(_CAUSES, rng.randrange(1, 4)))
        h.needs = sorted(rng.sample(_NEEDS, rng.randrange(1, 4)))

    # Some forms come back incomplete: the classification must say so, not guess.
    if rng.random() < 0.04:
        for attr in rng.sample(
            ["water_source", "latrine", "floor_area_m2", "roof_durable"], rng.randrange(1, 3)
        ):
            setattr(h, attr, None)
    if rng.random() < 0.015:
        h.b1_total = None
        h.income_per_capita = None
    return h


def _members(rng: random.Random, group: _Group, wealth: float, deprive: float) -> list[Member]:
    year = DEMO_YEAR
    head_sex = Sex.MALE if rng.random() < 0.78 else Sex.FEMALE
    head_age = rng.randint(24, 78)
    surname = rng.choice(group.surnames)
    people: list[tuple[Relationship, Sex, int, str | None]] = [
        (Relationship.HEAD, head_sex, head_age, surname)
    ]
    if head_age < 70 and rng.random() < 0.85 or rng.random() < 0.4:
        spouse_age = max(18, head_age + rng.randint(-6, 4))
        people.append(
            (
                Relationship.SPOUSE,
                Sex.FEMALE if head_sex is Sex.MALE else Sex.MALE,
                spouse_age,
                None,
            )
        )
    children = rng.choices([0, 1, 2, 3, 4, 5], weights=[8, 20, 35, 20, 10, 7 - 4 * wealth])[0]
    for _ in range(children if head_age < 65 else rng.randrange(0, 2)):
        age = rng.randint(0, max(0, min(30, head_age - 18)))
        people.append((Relationship.CHILD, rng.choice(list(Sex)), age, surname))
    if head_age < 50 and rng.random() < 0.25:
        people.append(
            (Relationship.PARENT, rng.choice(list(Sex)), head_age + rng.randint(20, 30), None)
        )
    if head_age > 55 and rng.random() < 0.3:
        people.append((Relationship.GRANDCHILD, rng.choice(list(Sex)), rng.randint(0, 12), None))

    members = []
    for relationship, sex, age, family in people:
        birth_year = year - age
        m = Member(id=_uuid(rng), relationship=relationship, sex=sex, ethnicity=group.name)
        m.name = _name(rng, group, sex, family if sex is Sex.MALE or family is None else None)
        if relationship is Relationship.CHILD and family:
            m.name = _name(rng, group, sex, family)
        if rng.random() < 0.3:
            born = date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
            # A baby of the review year gets its year only: a date drawn in it may still be
            # to come (a demo made on 2 December had babies born on the 20th, which every
            # import rightly refused as a date in the future).
            if age > 0:
                m.birth_date = born
            else:
                m.birth_year = birth_year
        else:
            m.birth_year = birth_year
        m.id_number = _id_number(rng, sex, birth_year) if age >= 14 else None
        m.health_insurance = rng.random() >= deprive * 0.35
        m.disability = rng.random() < 0.03 + 0.04 * (age > 65)
        m.monthly_social_allowance = (
            m.disability and rng.random() < 0.6 or (age >= 80 and rng.random() < 0.7)
        )
        m.meritorious = age > 65 and rng.random() < 0.04
        m.uses_telecom = age >= 12 and rng.random() >= deprive * 0.5
        if age < 16:
            m.stunted = rng.random() < deprive * 0.25
            m.underweight = rng.random() < deprive * 0.2
        if 5 <= age <= 17:
            in_school = rng.random() >= deprive * 0.25
            m.schooling = _school_level(age) if in_school else Schooling.NOT_ATTENDING
        elif 18 <= age <= 22 and rng.random() < wealth * 0.6:
            m.schooling = Schooling.HIGHER if rng.random() < 0.6 else Schooling.VOCATIONAL
        elif age > 22 or age < 3:
            m.schooling = Schooling.NOT_ATTENDING
        else:
            m.schooling = Schooling.PRESCHOOL
        if age >= 15:
            m.education = _education(rng, age, wealth, deprive)
            m.employment = _employment(rng, age, m, deprive)
        if 16 <= age <= 30:
            m.enterprise_training = False  # no extra draw: the demo keeps its random sequence
        members.append(m)
    # A few members with facts not yet asked.
    if rng.random() < 0.03:
        victim = rng.choice(members)
        victim.health_insurance = None
        victim.birth_year = victim.birth_year if victim.birth_date else None
    return members


def _school_level(age: int) -> Schooling:
    if age < 6:
        return Schooling.PRESCHOOL
    if age < 11:
        return Schooling.PRIMARY
    if age < 15:
        return Schooling.LOWER_SECONDARY
    return Schooling.UPPER_SECONDARY


def _education(rng: random.Random, age: int, wealth: float, deprive: float) -> Education:
    if rng.random() < deprive * (0.6 if age > 40 else 0.3):
        return Education.NONE if rng.random() < 0.5 else Education.PRIMARY
    levels = [
        Education.PRIMARY,
        Education.LOWER_SECONDARY,
        Education.UPPER_SECONDARY,
        Education.VOCATIONAL_INTERMEDIATE,
        Education.COLLEGE,
        Education.UNIVERSITY,
    ]
    weights = [2, 4, 3 + 3 * wealth, 1 + wealth, 0.5 + wealth, 0.3 + 1.5 * wealth]
    if age < 18:
        levels, weights = levels[:2], weights[:2]
    return rng.choices(levels, weights=weights)[0]


def _employment(rng: random.Random, age: int, m: Member, deprive: float) -> Employment:
    if m.schooling in (Schooling.UPPER_SECONDARY, Schooling.VOCATIONAL, Schooling.HIGHER):
        return Employment.STUDENT
    if age >= 65:
        return Employment.RETIRED if rng.random() < 0.6 else Employment.SELF_EMPLOYED
    if m.disability and rng.random() < 0.7:
        return Employment.UNABLE
    r = rng.random()
    if r < deprive * 0.3:
        return Employment.UNEMPLOYED
    if r < 0.55:
        return Employment.SELF_EMPLOYED
    if r < 0.75:
        return Employment.WAGE_NO_CONTRACT
    if r < 0.92:
        return Employment.WAGE_WITH_CONTRACT
    return Employment.HOMEMAKER
