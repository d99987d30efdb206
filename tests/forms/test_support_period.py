"""Which period a support counts in (issue 24): from a periodic review's decision to the next;
before any, the calendar year."""

from __future__ import annotations

from datetime import date

from forms.support_period import ListDecision, SupportPeriod, support_period

D2025 = ListDecision("215/QĐ-UBND", date(2025, 12, 12), 2025)
D2026 = ListDecision("12/QĐ-UBND", date(2026, 12, 15), 2026)


def test_january_still_counts_against_last_years_lists() -> None:
    """The 2026 review was decided on 15/12/2026; in January 2027 no 2027 review exists yet:
    support given this January counts, that of 1 December 2026 is the period before."""
    period = support_period([D2025, D2026], date(2027, 1, 10))
    assert period == SupportPeriod(date(2026, 12, 15), None, D2026)
    assert period.contains(date(2027, 1, 5))
    assert period.contains(date(2026, 12, 20))
    assert not period.contains(date(2026, 12, 1))
    assert period.describe() == (
        "Hỗ trợ từ 15/12/2026 (danh sách theo quyết định số 12/QĐ-UBND ngày 15/12/2026, "
        "kỳ rà soát năm 2026)"
    )


def test_a_period_ends_the_day_before_the_next_decision() -> None:
    period = support_period([D2026, D2025], date(2026, 6, 1))  # in any order
    assert (period.start, period.end, period.decision) == (
        date(2025, 12, 12),
        date(2026, 12, 15),
        D2025,
    )
    assert period.contains(date(2026, 12, 14))
    assert not period.contains(date(2026, 12, 15))
    assert "từ 12/12/2025 đến 14/12/2026" in period.describe()
    # The decision's own day opens the new period.
    assert support_period([D2025, D2026], date(2026, 12, 15)).decision == D2026


def test_before_any_decision_the_calendar_year() -> None:
    assert support_period([], date(2026, 3, 1)) == SupportPeriod(date(2026, 1, 1), date(2027, 1, 1))
    # The first decision cuts the year short: the days after it are its period.
    first = support_period([D2025], date(2025, 6, 1))
    assert (first.start, first.end) == (date(2025, 1, 1), date(2025, 12, 12))
    assert "chưa có quyết định" in first.describe()
