"""Low-income workers (Decree 30/2025/NĐ-CP): ≤ 2,250,000 rural / ≤ 3,000,000 urban per person
per month, in households neither poor nor near-poor."""

from __future__ import annotations

from typing import Any

import pytest

from forms.classify import classify
from forms.low_income import low_income_workers
from forms.model import Area
from forms.standards import load_standard

ND07 = load_standard("nd07-2022-2025")


@pytest.mark.parametrize(
    ("area", "income", "count"),
    [
        (Area.RURAL, 2_250_000, 2),  # at the bound: both working parents
        (Area.RURAL, 2_250_001, 0),
        (Area.URBAN, 3_000_000, 2),
        (Area.URBAN, 3_000_001, 0),
    ],
)
def test_bounds(b: Any, area: Area, income: int, count: int) -> None:
    h = b.household(area=area, b1_total=None, income_per_capita=income)
    r = classify(h, ND07, 2025)
    workers = low_income_workers(h, r, ND07)
    assert workers is not None
    assert len(workers) == count
    if count:
        assert [m.name for m in workers] == ["Lò Văn An", "Lò Thị Bình"]


def test_poor_households_have_none_and_unknown_income_cannot_tell(b: Any) -> None:
    h = b.household(b1_total=None, income_per_capita=1_000_000)
    assert low_income_workers(h, classify(h, ND07, 2025), ND07) == []
    h = b.household(b1_total=160, income_per_capita=None)
    assert low_income_workers(h, classify(h, ND07, 2025), ND07) is None


def test_2027_standard_has_no_bound_yet(b: Any) -> None:
    nd351 = load_standard("nd351-2026-2030")
    h = b.household(b1_total=None, income_per_capita=2_900_000)
    assert low_income_workers(h, classify(h, nd351, 2027), nd351) is None


def test_an_application_under_a_standard_without_a_bound_says_what_to_do(b: Any) -> None:
    """The check's reasons are printed on the low-income list: they say what happened and
    what the commune can do, not that Decree 351/2025's standard has no bound (no source we
    hold says so; docs/domain.md §7 lists it as unconfirmed)."""
    from datetime import date

    from forms.low_income import check_application
    from forms.model import Category

    nd351 = load_standard("nd351-2026-2030")
    h = b.household(b1_total=None, income_per_capita=2_900_000)
    found = check_application(
        h, h.members[0], 2_900_000, Category.NOT_POOR, nd351, date(2027, 12, 31)
    )
    assert found.meets is None
    said = " ".join(found.reasons)
    assert nd351.name + " chưa có" not in said
    assert "nạp tệp chuẩn của tỉnh" in said
