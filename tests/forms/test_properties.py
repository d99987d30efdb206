"""Properties of classification over any answers the forms allow (hypothesis)."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from forms.b1 import example_table
from forms.classify import classify
from forms.model import (
    Area,
    Category,
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
from forms.standards import list_standards

RANK = {Category.POOR: 0, Category.NEAR_POOR: 1, Category.MIDDLE: 2, Category.NOT_POOR: 3}
STANDARDS = list_standards()


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:  # type: ignore[type-arg]
    return st.none() | strategy


members = st.builds(
    Member,
    name=st.sampled_from(["Lò Văn A", "Đinh Thị B", "Y Bhăm", ""]),
    relationship=maybe(st.sampled_from(Relationship)),
    sex=maybe(st.sampled_from(Sex)),
    birth_year=maybe(st.integers(1905, 2025)),
    birth_date=maybe(st.dates(date(1905, 1, 1), date(2025, 12, 31))),
    health_insurance=maybe(st.booleans()),
    education=maybe(st.sampled_from(Education)),
    schooling=maybe(st.sampled_from(Schooling)),
    employment=maybe(st.sampled_from(Employment)),
    disability=maybe(st.booleans()),
    monthly_social_allowance=maybe(st.booleans()),
    stunted=maybe(st.booleans()),
    underweight=maybe(st.booleans()),
    uses_telecom=maybe(st.booleans()),
)

households = st.builds(
    Household,
    area=maybe(st.sampled_from(Area)),
    region=maybe(st.sampled_from(Region)),
    members=st.lists(members, max_size=7),
    agri_forestry_fishery=maybe(st.booleans()),
    screening=st.dictionaries(st.sampled_from(["a1", "a2", "a3", "a4"]), maybe(st.booleans())),
    b1_total=maybe(st.integers(0, 1000)),
    income_per_capita=maybe(st.integers(0, 10_000_000)),
    wall_durable=maybe(st.booleans()),
    frame_durable=maybe(st.booleans()),
    roof_durable=maybe(st.booleans()),
    floor_area_m2=maybe(st.floats(0.1, 5000)),
    water_source=maybe(st.sampled_from(WaterSource)),
    latrine=maybe(st.sampled_from(Latrine)),
    info_assets=st.lists(st.sampled_from(InfoAsset), unique=True),
    info_assets_answered=st.booleans(),
    loudspeaker_access=maybe(st.booleans()),
    uses_digital_services=maybe(st.booleans()),
    waste=maybe(st.sampled_from(Waste)),
)

standards = st.sampled_from(STANDARDS)
years = st.integers(2022, 2030)


def no_better(before: Category, after: Category) -> bool:
    if before is Category.UNDETERMINED or after is Category.UNDETERMINED:
        return True
    return RANK[after] <= RANK[before]


@settings(max_examples=200, deadline=None)
@given(households, standards, years)
def test_classification_never_raises_and_is_consistent(h: Household, std, year: int) -> None:
    r = classify(h, std, year)
    assert r.category in Category
    assert r.deprivation_count == len(r.deprived_ids)
    assert len(r.indicators) == len(std.indicators)
    assert all(o.reason for o in r.indicators)
    texts = [o.reason for o in r.indicators] + r.reasons + r.warnings
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    if r.category is Category.POOR:
        assert r.deprivation_count >= std.deprivation_threshold


# Each change makes one household-level indicator deprived (under both standards).
DEPRIVE = [
    lambda h: setattr(h, "water_source", WaterSource.SURFACE),
    lambda h: setattr(h, "latrine", Latrine.NONE),
    lambda h: (
        setattr(h, "wall_durable", False),
        setattr(h, "frame_durable", False),
        setattr(h, "roof_durable", False),
    ),
    lambda h: setattr(h, "floor_area_m2", 0.5),
]


@settings(max_examples=200, deadline=None)
@given(households, standards, years, st.sampled_from(range(len(DEPRIVE))))
def test_adding_a_deprivation_never_makes_a_household_better_off(
    h: Household, std, year: int, which: int
) -> None:
    before = classify(h, std, year).category
    DEPRIVE[which](h)
    after = classify(h, std, year).category
    assert no_better(before, after)
    if before is Category.POOR:
        assert after is Category.POOR


@settings(max_examples=200, deadline=None)
@given(households, standards, years, st.integers(1, 5_000_000), st.integers(1, 500))
def test_lowering_income_never_makes_a_household_better_off(
    h: Household, std, year: int, income_cut: int, score_cut: int
) -> None:
    before = classify(h, std, year).category
    if h.income_per_capita is not None:
        h.income_per_capita = max(0, h.income_per_capita - income_cut)
    if h.b1_total is not None:
        h.b1_total = max(0, h.b1_total - score_cut)
    after = classify(h, std, year).category
    assert no_better(before, after)


TABLE = example_table()
b1_answers = st.fixed_dictionaries(
    {},
    optional={item.id: st.sampled_from([o.id for o in item.options]) for item in TABLE.items},
)


@settings(max_examples=100, deadline=None)
@given(households, standards, years, b1_answers)
def test_item_by_item_b1_scoring_never_raises(h: Household, std, year: int, answers) -> None:
    h.b1_answers = answers
    r = classify(h, std, year, b1_table=TABLE)
    complete = len(answers) == len(TABLE.items) and h.region is not None
    if complete and h.b1_total is None:
        assert r.b1_score is not None
        assert any("VÍ DỤ" in w for w in r.warnings)
