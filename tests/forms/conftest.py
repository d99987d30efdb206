"""Builders for the forms tests: a household that is fully answered and deprived in nothing,
which each test changes in the one respect it is about (so expected outcomes can be worked
out by hand from the legal text)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from forms.model import (
    Area,
    Education,
    Employment,
    Household,
    InfoAsset,
    Latrine,
    Member,
    Relationship,
    Schooling,
    Sex,
    Waste,
    WaterSource,
)


def member(name: str, birth_year: int, **kw: Any) -> Member:
    """An adult-style member with every indicator fact answered 'fine'."""
    defaults: dict[str, Any] = {
        "relationship": Relationship.CHILD,
        "sex": Sex.MALE,
        "health_insurance": True,
        "education": Education.UPPER_SECONDARY,
        "schooling": Schooling.NOT_ATTENDING,
        "enterprise_training": False,
        "employment": Employment.SELF_EMPLOYED,
        "disability": False,
        "monthly_social_allowance": False,
        "stunted": False,
        "underweight": False,
        "uses_telecom": True,
        "ethnicity": "Thái",
    }
    defaults.update(kw)
    return Member(name=name, birth_year=birth_year, **defaults)


def household(*members: Member, **kw: Any) -> Household:
    """Rural, B1 100 (below the 2022–2025 line), deprived in no indicator of either standard.

    Default members (review year 2025): head 40, spouse 37, children 10 (primary) and 6
    (primary): 2 dependants out of 4 is exactly half, not more than half.
    """
    if not members:
        members = (
            member("Lò Văn An", 1985, relationship=Relationship.HEAD),
            member("Lò Thị Bình", 1988, relationship=Relationship.SPOUSE, sex=Sex.FEMALE),
            member(
                "Lò Văn Cường",
                2015,
                schooling=Schooling.PRIMARY,
                education=Education.NONE,
                employment=Employment.STUDENT,
            ),
            member(
                "Lò Thị Dung",
                2019,
                sex=Sex.FEMALE,
                schooling=Schooling.PRIMARY,
                education=Education.NONE,
                employment=Employment.STUDENT,
            ),
        )
    defaults: dict[str, Any] = {
        "code": "NL-001",
        "village": "Bản Nà Lầu",
        "area": Area.RURAL,
        "members": list(members),
        "agri_forestry_fishery": False,
        "screening": {"a1": False, "a2": False, "a3": False, "a4": False},
        "b1_total": 100,
        "wall_durable": True,
        "frame_durable": True,
        "roof_durable": True,
        "floor_area_m2": 40.0,
        "water_source": WaterSource.PIPED,
        "latrine": Latrine.FLUSH_SEPTIC,
        "latrine_to_standard": True,
        "info_assets": [InfoAsset.TV],
        "info_assets_answered": True,
        "loudspeaker_access": True,
        "uses_digital_services": True,
        "waste": Waste.COLLECTED,
    }
    defaults.update(kw)
    return Household(**defaults)


class Builders:
    member = staticmethod(member)
    household = staticmethod(household)
    ref2025 = date(2025, 12, 31)


@pytest.fixture(scope="session")
def b() -> type[Builders]:
    return Builders
