"""Low-income workers (người lao động có thu nhập thấp, Decree 30/2025/NĐ-CP): members who
work, in a household that is neither poor nor near-poor, whose household income per person
is at most the decree's bound. Identified like middle-living-standard households, from the
direct income entry."""

from __future__ import annotations

from datetime import date

from forms.classify import Result
from forms.model import Category, Employment, Household, Member
from forms.standards import Standard

# Members whose main activity is work; which members the decree means is unconfirmed.
WORKING = frozenset(
    {Employment.WAGE_WITH_CONTRACT, Employment.WAGE_NO_CONTRACT, Employment.SELF_EMPLOYED}
)


def low_income_workers(
    household: Household, result: Result, standard: Standard, reference_date: date | None = None
) -> list[Member] | None:
    """The members who qualify; [] when none do; None when it cannot be told (no bound in
    the standard, no area or direct income, or the household's category is undetermined)."""
    if result.category in (Category.POOR, Category.NEAR_POOR):
        return []
    if result.category is Category.UNDETERMINED or household.area is None:
        return None
    upper = standard.low_income_upper.get(household.area)
    income = household.income_per_capita
    if upper is None or income is None:
        return None
    if income > upper:
        return []
    ref = reference_date or result.reference_date or date.today()
    out = []
    for m in household.members:
        age = m.age_on(ref)
        if m.employment in WORKING and (age is None or age >= 15):
            out.append(m)
    return out
