"""Classification: poor, near-poor, middle-living-standard or none, with the reasons.

The rule of both standards (Decree 07/2021/NĐ-CP, Decree 351/2025/NĐ-CP): income at or below
the line *and* at least ``deprivation_threshold`` deprivations → poor; income at or below the
line and fewer → near-poor. Income is judged by the Phiếu B1 score against the standard's
threshold when both are known, otherwise by the directly entered per-capita income. Above the
line, a household living from agriculture, forestry, fishery or salt-making whose income lies
in the standard's middle band is middle-living-standard. When the answers cannot settle the
category the result is UNDETERMINED and its reasons say what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

from forms.b1 import NO_TABLE, B1Table, score_b1_detail
from forms.collector import collector_paused
from forms.definitions import screening_exclusions
from forms.indicators import Context, IndicatorOutcome, IndicatorStatus, evaluate_plans
from forms.model import Area, Category, Household, roster_on
from forms.standards import Standard

E = TypeVar("E", bound=Enum)

__all__ = [
    "ENGINE_VERSION",
    "IndicatorOutcome",
    "IndicatorStatus",
    "Result",
    "WhatIf",
    "classify",
    "classify_many",
    "default_reference_date",
    "result_from_dict",
    "result_to_dict",
    "what_if",
]

# Bump when a rule changes what a household is classified as; stored with every result.
ENGINE_VERSION = "1.2"

AREA_VI = {Area.RURAL: "nông thôn", Area.URBAN: "thành thị"}
CATEGORY_VI = {
    Category.POOR: "hộ nghèo",
    Category.NEAR_POOR: "hộ cận nghèo",
    Category.MIDDLE: "hộ có mức sống trung bình",
    Category.NOT_POOR: "không thuộc hộ nghèo, cận nghèo",
    Category.UNDETERMINED: "chưa xác định",
}


_CONCLUSION = {c: f"Kết luận: {text}." for c, text in CATEGORY_VI.items()}

# Read for every household: on Python 3.11 ``Category.POOR`` off the class is a Python-level
# descriptor call (0.4 µs here), so the members are held as plain names.
_POOR, _NEAR_POOR, _MIDDLE = Category.POOR, Category.NEAR_POOR, Category.MIDDLE
_NOT_POOR, _UNDETERMINED = Category.NOT_POOR, Category.UNDETERMINED

DIRECT = "Thu nhập bình quân đầu người nhập trực tiếp"
_NONE: list[str] = []  # no Phiếu A exclusion; shared, never added to


# Not typed (a typed key costs as much again as the lookup, for two or three amounts a
# household): only ints reach it (strict mypy; the codec and the standard files check them),
# so 2.0 and 2 never share an entry.
@lru_cache(maxsize=4096)
def money(value: int) -> str:
    """1500000 → '1.500.000 đồng' (Vietnamese thousands separator). Cached: the standard's
    lines appear in nearly every household's reasons, and incomes repeat (formatting with a
    thousands separator costs several times the lookup)."""
    return f"{value:,}".replace(",", ".") + " đồng"


@dataclass(slots=True)
class Result:
    category: Category
    b1_score: int | None
    income: int | None  # per capita per month entered directly, VND
    income_basis: str  # Vietnamese: what decided the income side
    deprivation_count: int
    indicators: list[IndicatorOutcome]
    reasons: list[str]
    warnings: list[str]
    standard_id: str
    standard_version: str
    engine_version: str = ENGINE_VERSION
    review_year: int | None = None
    reference_date: date | None = None
    income_line: int | None = None  # the line applied (VND per person per month)
    b1_threshold: int | None = None  # the score threshold applied, when B1 decided

    @property
    def deprived_ids(self) -> list[str]:
        return [o.id for o in self.indicators if o.status is IndicatorStatus.DEPRIVED]

    @property
    def unknown_ids(self) -> list[str]:
        return [o.id for o in self.indicators if o.status is IndicatorStatus.UNKNOWN]

    @property
    def deprivation_score(self) -> int:
        """Điểm B2: 10 points per deprived indicator."""
        return self.deprivation_count * 10


@lru_cache(maxsize=64)
def default_reference_date(review_year: int) -> date:
    """31 December of the review year: with it, ages from a full birth date agree with ages
    from the birth year alone (the year's birthday has passed), as the forms mostly ask."""
    return date(review_year, 12, 31)


def classify(
    household: Household,
    standard: Standard,
    review_year: int,
    reference_date: date | None = None,
    b1_table: B1Table | None = None,
) -> Result:
    reference = reference_date or default_reference_date(review_year)
    # Context.of without its call, and the checks below without theirs (Standard.applies_to,
    # screening_exclusions' own first test): each call costs about what a rule's check of a
    # member does, for every household.
    ctx = Context(household, reference, roster_on(household.members, reference))
    outcomes, count, unknown = evaluate_plans(standard.plans, ctx)
    reasons: list[str] = []
    warnings: list[str] = []
    if review_year not in standard.years:
        years = f"{standard.valid_years[0]}–{standard.valid_years[-1]}"
        warnings.append(
            f"{standard.name} áp dụng cho kỳ rà soát {years}, không phải {review_year}."
        )

    # --- the income side ----------------------------------------------------------------
    b1_score: int | None = None
    b1_source = ""
    if household.b1_total is not None:
        b1_score, b1_source = household.b1_total, "Điểm B1 nhập từ phiếu"
    # The tables of the standard (a province's file) unless the caller names a table file.
    b1_table = b1_table or standard.b1_table
    if b1_table is not None and household.b1_answers:
        detail = score_b1_detail(household, b1_table)
        if detail.no_table and b1_score is None:
            reasons.append(NO_TABLE)
        elif detail.total is not None:
            if b1_score is not None and b1_score != detail.total:
                warnings.append(
                    f"Điểm B1 nhập từ phiếu ({b1_score}) khác điểm tính theo bảng điểm "
                    f"({detail.total}): dùng điểm nhập từ phiếu."
                )
            elif b1_score is None:
                b1_score, b1_source = detail.total, f"Điểm B1 tính theo bảng điểm {b1_table.name}"
            if b1_table.warning and b1_source.startswith("Điểm B1 tính"):
                warnings.append(b1_table.warning)
        elif b1_score is None:
            reasons.append("Chưa tính được điểm B1: chưa trả lời " + ", ".join(detail.missing))

    income = household.income_per_capita
    area = household.area

    if area is None:
        reasons.append("Chưa xác định hộ ở nông thôn (xã) hay thành thị (phường).")
        return Result(
            _UNDETERMINED, b1_score, income, "", count, outcomes, reasons, warnings,
            standard.id, standard.version, ENGINE_VERSION, review_year, reference, None, None,
        )  # fmt: skip

    line = standard.income_lines[area]
    threshold = standard.b1_thresholds[area]
    where = AREA_VI[area]
    below: bool | None = None
    basis = ""
    used_threshold: int | None = None
    if b1_score is not None and threshold is not None:
        below = b1_score <= threshold
        basis = b1_source
        used_threshold = threshold
        sign = "≤" if below else ">"
        side = "không vượt" if below else "trên"
        reasons.append(
            f"{b1_source}: {b1_score} {sign} {threshold} điểm ({where}), thu nhập coi như "
            f"{side} chuẩn {money(line)}/người/tháng."
        )
    elif income is not None:
        below = income <= line
        basis = DIRECT
        sign = "≤" if below else ">"
        reasons.append(
            f"Thu nhập bình quân {money(income)}/người/tháng {sign} chuẩn {where} {money(line)}."
        )
        if b1_score is not None:
            warnings.append(
                f"Phân loại theo thu nhập nhập trực tiếp: điểm B1 chưa quy đổi được ra thu "
                f"nhập theo chuẩn {money(line)} ({where})."
            )
    elif b1_score is not None:
        # What happened to this household and what the officer can do: that no B1
        # threshold is known for a standard is docs/domain.md's, not the panel's or paper's.
        reasons.append(
            f"Điểm B1 chưa quy đổi được ra thu nhập theo chuẩn {money(line)} ({where}): "
            "cần nhập thu nhập bình quân đầu người của hộ, hoặc nạp tệp chuẩn của tỉnh có "
            "ngưỡng điểm B1."
        )
    else:
        reasons.append("Chưa có điểm B1 hoặc thu nhập bình quân đầu người.")

    exclusions = screening_exclusions(household) if True in household.screening.values() else _NONE
    if exclusions:
        reasons.append(
            "Phiếu A: " + "; ".join(exclusions) + " → không thuộc diện hộ nghèo, hộ cận nghèo."
        )
        if below:
            # Phiếu A takes the household off the lists while its income puts it on one: the
            # two contradict each other, as a B1 score over the threshold with a direct income
            # under the line do, and are settled the same way (undetermined, the form to be
            # checked). Classed not poor, such a household came out better off than the same
            # household with a higher income in the middle band (tests/forms/test_properties).
            reasons.append(
                "Phiếu A loại hộ nhưng thu nhập ở mức nghèo: hai căn cứ mâu thuẫn, "
                "cần kiểm tra lại phiếu."
            )
            below = None
        else:
            below = False

    category = _category(
        standard, household, area, income, line, basis, below, exclusions,
        count, unknown, len(outcomes), reasons, warnings,
    )  # fmt: skip
    # How sure the law behind each rule is (Phiếu A's exclusions, each indicator's measure) is
    # not a status of this household: it is said on the "Căn cứ pháp lý" screen
    # (forms.legal_basis) and in docs/domain.md, never beside a household's result.
    reasons.append(_CONCLUSION[category])
    # Positional, in Result's field order: keywords cost a lookup each, per household.
    return Result(
        category, b1_score, income, basis, count, outcomes, reasons, warnings,
        standard.id, standard.version, ENGINE_VERSION, review_year, reference, line,
        used_threshold,
    )  # fmt: skip


def _category(
    standard: Standard,
    household: Household,
    area: Area,
    income: int | None,
    line: int,
    basis: str,
    below: bool | None,
    exclusions: list[str],
    count: int,
    unknown: list[IndicatorOutcome],
    total: int,
    reasons: list[str],
    warnings: list[str],
) -> Category:
    """The category from the income side (``below`` the line or not, None when unknown) and
    the deprivations, adding to the reasons and warnings what decided it."""
    need = standard.deprivation_threshold
    if below is None:
        return _UNDETERMINED
    if below:
        if count >= need:
            reasons.append(f"Thiếu hụt {count}/{total} chỉ số (từ {need} trở lên).")
            return _POOR
        if count + len(unknown) < need:
            reasons.append(f"Thiếu hụt {count}/{total} chỉ số (dưới {need}).")
            return _NEAR_POOR
        reasons.append(
            f"Thiếu hụt {count}/{total} chỉ số; chưa đủ thông tin ở "
            + ", ".join(o.name for o in unknown)
            + f": chưa phân biệt được hộ nghèo (từ {need} chỉ số) và hộ cận nghèo."
        )
        return _UNDETERMINED

    # With or without a Phiếu A exclusion (engine 1.1): excluded, such a household was Không
    # nghèo at the line and middle just above it, a lower income giving a better category.
    if income is not None and income <= line and basis != DIRECT:
        reasons.append(
            f"Điểm B1 trên ngưỡng nhưng thu nhập nhập trực tiếp {money(income)} không vượt chuẩn "
            f"{money(line)}: hai căn cứ mâu thuẫn, cần kiểm tra lại phiếu."
        )
        return _UNDETERMINED
    band = standard.middle_bands[area]
    agri = household.agri_forestry_fishery
    if band is None:
        if agri is not False:
            warnings.append(
                f"{standard.name} chưa có ngưỡng thu nhập hộ có mức sống trung bình: "
                "chưa xác định được hộ có mức sống trung bình."
            )
        return _NOT_POOR
    low, high = band
    if agri is False:
        return _NOT_POOR
    if income is None:
        if agri:
            warnings.append(
                "Chưa có thu nhập bình quân đầu người: chưa xác định được hộ có mức sống "
                "trung bình."
            )
        return _NOT_POOR
    if income <= low:
        return _NOT_POOR
    if income > high:
        reasons.append(f"Thu nhập bình quân {money(income)} trên mức {money(high)}.")
        return _NOT_POOR
    band_text = f"trên {money(low)} đến {money(high)}"
    if agri is None:
        reasons.append(
            f"Thu nhập {money(income)} thuộc khoảng {band_text} nhưng chưa rõ hộ có sống chủ "
            "yếu bằng nông, lâm, ngư, diêm nghiệp không."
        )
        return _UNDETERMINED
    reasons.append(
        f"Hộ nông, lâm, ngư, diêm nghiệp có thu nhập {money(income)} thuộc khoảng {band_text}."
    )
    return _MIDDLE


def classify_many(
    households: Iterable[Household],
    standard: Standard,
    review_year: int,
    reference_date: date | None = None,
    b1_table: B1Table | None = None,
) -> list[Result]:
    """``classify`` over many households (a whole commune), with the cyclic garbage collector
    paused: results form no reference cycles, and without the pause CPython rescans every
    result kept so far again and again (about 40 % of the time at 100,000 households)."""
    # The reference date looked up once, not once a household.
    reference = reference_date or default_reference_date(review_year)
    with collector_paused():
        return [classify(h, standard, review_year, reference, b1_table) for h in households]


# --- what-if ------------------------------------------------------------------------------


@dataclass
class WhatIf:
    first: Result
    second: Result
    differences: list[str] = field(default_factory=list)  # Vietnamese

    @property
    def changed(self) -> bool:
        return self.first.category is not self.second.category


def what_if(
    household: Household,
    standard_a: Standard,
    standard_b: Standard,
    review_year: int,
    reference_date: date | None = None,
    b1_table: B1Table | None = None,
) -> WhatIf:
    """The same household under two standards, and what differs, in Vietnamese."""
    a = classify(household, standard_a, review_year, reference_date, b1_table)
    b = classify(household, standard_b, review_year, reference_date, b1_table)
    diffs: list[str] = []
    if a.category is not b.category:
        diffs.append(
            f"Phân loại: {CATEGORY_VI[a.category]} theo {standard_a.name} → "
            f"{CATEGORY_VI[b.category]} theo {standard_b.name}."
        )
    if a.income_line != b.income_line and a.income_line and b.income_line:
        diffs.append(f"Chuẩn thu nhập: {money(a.income_line)} → {money(b.income_line)}.")
    if a.income_basis != b.income_basis:
        diffs.append(
            f"Căn cứ thu nhập: {a.income_basis or 'chưa có'} → {b.income_basis or 'chưa có'}."
        )
    if a.deprivation_count != b.deprivation_count:
        diffs.append(f"Số chỉ số thiếu hụt: {a.deprivation_count} → {b.deprivation_count}.")
    by_id_a = {o.id: o for o in a.indicators}
    by_id_b = {o.id: o for o in b.indicators}
    status_vi = {
        IndicatorStatus.DEPRIVED: "thiếu hụt",
        IndicatorStatus.NOT_DEPRIVED: "không thiếu hụt",
        IndicatorStatus.UNKNOWN: "chưa đủ thông tin",
    }
    for iid, o in by_id_a.items():
        other = by_id_b.get(iid)
        if other is None:
            diffs.append(
                f"Chỉ số '{o.name}' chỉ có trong {standard_a.name} ({status_vi[o.status]})."
            )
        elif other.status is not o.status:
            diffs.append(f"Chỉ số '{o.name}': {status_vi[o.status]} → {status_vi[other.status]}.")
    for iid, o in by_id_b.items():
        if iid not in by_id_a:
            diffs.append(
                f"Chỉ số '{o.name}' chỉ có trong {standard_b.name} ({status_vi[o.status]})."
            )
    if not diffs:
        diffs.append("Không có khác biệt.")
    return WhatIf(a, b, diffs)


# --- JSON-ready dicts ---------------------------------------------------------------------


# member -> value: ``member.value`` is a Python-level property on Python 3.11 (about 0.4 µs),
# read 13 times for every result stored.
_VALUES: dict[Enum, str] = {m: m.value for cls in (Category, IndicatorStatus) for m in cls}


def result_to_dict(r: Result) -> dict[str, Any]:
    return {
        "category": _VALUES[r.category],
        "b1_score": r.b1_score,
        "income": r.income,
        "income_basis": r.income_basis,
        "deprivation_count": r.deprivation_count,
        "indicators": [
            {
                "id": o.id,
                "name": o.name,
                "dimension": o.dimension,
                "status": _VALUES[o.status],
                "reason": o.reason,
                "member_ids": list(o.member_ids),
                "unconfirmed": o.unconfirmed,
            }
            for o in r.indicators
        ],
        "reasons": list(r.reasons),
        "warnings": list(r.warnings),
        "standard_id": r.standard_id,
        "standard_version": r.standard_version,
        "engine_version": r.engine_version,
        "review_year": r.review_year,
        "reference_date": r.reference_date.isoformat() if r.reference_date else None,
        "income_line": r.income_line,
        "b1_threshold": r.b1_threshold,
    }


# Outcomes naming no member, read back from stored results, by everything they say: a
# commune's results repeat a few dozen of them (as classify shares them, forms.indicators),
# and a report or an export over 100,000 households would otherwise hold each one 100,000
# times. Bounded: the floor-area reasons are nearly all distinct.
_STORED_OUTCOMES: dict[tuple[Any, ...], IndicatorOutcome] = {}
_STORED_OUTCOMES_MAX = 20_000


def _outcome_from_dict(o: dict[str, Any]) -> IndicatorOutcome:
    member_ids = o.get("member_ids", [])
    fields = (
        o["id"],
        o["name"],
        o.get("dimension", ""),
        o["status"],
        o.get("reason", ""),
        bool(o.get("unconfirmed", False)),
    )
    if member_ids:
        return _new_outcome(fields, list(member_ids))
    shared = _STORED_OUTCOMES.get(fields)
    if shared is None:
        if len(_STORED_OUTCOMES) >= _STORED_OUTCOMES_MAX:
            _STORED_OUTCOMES.clear()
        shared = _STORED_OUTCOMES[fields] = _new_outcome(fields, [])
    return shared


def _new_outcome(fields: tuple[Any, ...], member_ids: list[str]) -> IndicatorOutcome:
    iid, name, dimension, status, reason, unconfirmed = fields
    return IndicatorOutcome(
        iid, name, dimension, _member(IndicatorStatus, status), reason, member_ids, unconfirmed
    )


# value -> member: calling an enum class with a value (IndicatorStatus("deprived")) runs
# Python-level code, about 1 µs, for each outcome and result read back.
_MEMBERS: dict[type[Any], dict[Any, Any]] = {
    cls: dict(cls._value2member_map_) for cls in (Category, IndicatorStatus)
}


def _member(cls: type[E], value: Any) -> E:
    try:
        member: E = _MEMBERS[cls][value]
    except (KeyError, TypeError):  # TypeError: unhashable
        return cls(value)  # the ValueError an unknown value gives
    return member


def result_from_dict(d: dict[str, Any]) -> Result:
    ref = d.get("reference_date")
    return Result(
        category=_member(Category, d["category"]),
        b1_score=d.get("b1_score"),
        income=d.get("income"),
        income_basis=d.get("income_basis", ""),
        deprivation_count=int(d.get("deprivation_count", 0)),
        indicators=[_outcome_from_dict(o) for o in d.get("indicators", [])],
        reasons=list(d.get("reasons", [])),
        warnings=list(d.get("warnings", [])),
        standard_id=d["standard_id"],
        standard_version=d.get("standard_version", ""),
        engine_version=d.get("engine_version", ""),
        review_year=d.get("review_year"),
        reference_date=date.fromisoformat(ref) if ref else None,
        income_line=d.get("income_line"),
        b1_threshold=d.get("b1_threshold"),
    )
