"""Low-income workers (người lao động có thu nhập thấp, Decree 30/2025/NĐ-CP): members who
work, in a household that is neither poor nor near-poor, whose household income per person
is at most the decree's bound. Identified like middle-living-standard households, from the
direct income entry.

They are identified when they apply (issue 18): ``check_application`` checks one member's
application against the bound; ``low_income_workers`` only suggests candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

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


# --- applications (Decree 30/2025/NĐ-CP: identified when they apply) ----------------------
class Outcome(StrEnum):
    PENDING = "pending"  # received, not yet decided
    ACCEPTED = "accepted"  # recognised as a low-income worker
    REFUSED = "refused"


OUTCOME_LABELS = {
    Outcome.PENDING: "Chưa xét",
    Outcome.ACCEPTED: "Được công nhận",
    Outcome.REFUSED: "Không được công nhận",
}


@dataclass(frozen=True)
class ApplicationCheck:
    """The automatic check of one application: ``meets`` is True when every condition the
    app can see holds, False when one fails, None when the bound or the facts are missing.
    It helps the commune decide; the outcome is the commune's and is recorded separately."""

    meets: bool | None
    bound: int | None  # the per-capita bound applied, VND per person per month
    reasons: list[str]  # Vietnamese, one per condition looked at


def _vnd(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " đồng"


def check_application(
    household: Household,
    member: Member,
    declared_income: int | None,
    category: Category | None,
    standard: Standard,
    reference_date: date,
) -> ApplicationCheck:
    """Checks a member's application against the decree's conditions as data: the household
    neither poor nor near-poor, its income per person at most the standard's bound for the
    area (``[low_income_workers]``), the member working and 15 or older."""
    reasons: list[str] = []
    verdicts: list[bool | None] = []
    if category in (Category.POOR, Category.NEAR_POOR):
        reasons.append("Hộ đang thuộc danh sách hộ nghèo, hộ cận nghèo: không thuộc diện này.")
        verdicts.append(False)
    elif category is None or category is Category.UNDETERMINED:
        reasons.append("Hộ chưa có kết quả phân loại trong kỳ này.")
        verdicts.append(None)
    area = household.area
    bound = standard.low_income_upper.get(area) if area is not None else None
    if area is None:
        reasons.append("Hộ chưa ghi khu vực (thành thị / nông thôn).")
        verdicts.append(None)
    elif bound is None:
        # What happened and what the commune can do: that no bound is known for a standard
        # is docs/domain.md's and the Căn cứ pháp lý screen's, not this printed list's (until
        # session 26: "<standard> chưa có mức thu nhập …", a claim about the decree).
        reasons.append(
            f"Chưa so được thu nhập kê khai với mức của người lao động có thu nhập thấp theo "
            f"{standard.name}: cần nạp tệp chuẩn của tỉnh có mức thu nhập này."
        )
        verdicts.append(None)
    elif declared_income is None:
        reasons.append("Chưa ghi thu nhập bình quân đầu người kê khai.")
        verdicts.append(None)
    elif declared_income <= bound:
        reasons.append(
            f"Thu nhập kê khai {_vnd(declared_income)}/người/tháng, không quá {_vnd(bound)}."
        )
        verdicts.append(True)
    else:
        reasons.append(f"Thu nhập kê khai {_vnd(declared_income)}/người/tháng, quá {_vnd(bound)}.")
        verdicts.append(False)
    age = member.age_on(reference_date)
    if age is not None and age < 15:
        reasons.append(f"{member.name} chưa đủ 15 tuổi.")
        verdicts.append(False)
    elif member.employment is None:
        reasons.append(f"Chưa ghi việc làm của {member.name}.")
        verdicts.append(None)
    elif member.employment in WORKING:
        reasons.append(f"{member.name} đang làm việc.")
        verdicts.append(True)
    else:
        reasons.append(f"{member.name} không ghi là đang làm việc.")
        verdicts.append(False)
    meets: bool | None
    if False in verdicts:
        meets = False
    elif None in verdicts:
        meets = None
    else:
        meets = True
    return ApplicationCheck(meets, bound, reasons)
