"""The list all year round (issue 24) on real commune files: applications from submission to
decision (and a late one), the monthly regular round, support against needs, cadres."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from db import year_round
from db.errors import StoreError
from db.store import Store
from forms.applications import ApplicationKind, ApplicationStatus, deadline
from forms.classify import classify
from forms.demo import generate_households
from forms.model import Category, Household
from forms.standards import load_standard
from tests.db.test_store import household, reopen

STANDARD = load_standard("nd07-2022-2025")


_POOR = [
    h
    for h in generate_households(120, seed=3)
    if classify(h, STANDARD, 2025).category is Category.POOR
]


def _poor(code: str, head: str) -> Household:
    """A household the 2022-2025 standard classes poor, with two stated needs."""
    h = copy.deepcopy(_POOR[int(code[-1])])
    h.code, h.village, h.needs = code, "Thôn Đồng Tâm", ["credit", "housing"]
    h.members[0].name = head
    return h


def _escaped(h: Household) -> None:
    h.b1_total, h.income_per_capita = 260, 4_000_000


def _periodic(store: Store, *households: Household) -> str:
    rnd = store.start_round(2025, STANDARD.id)
    for h in households:
        store.save_household(h, round_id=rnd.id, result=classify(h, STANDARD, 2025))
    store.save_decision(rnd.id, "12/QĐ-UBND", date(2025, 12, 10), "Nguyễn Văn Hùng")
    return str(rnd.id)


def test_application_from_submission_to_decision_and_a_late_one(store: Store) -> None:
    a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
    _periodic(store, a, b)
    on_time = year_round.add_application(
        store, a.id, ApplicationKind.ESCAPE, date(2026, 3, 2), "Lò Thị Ánh", "Xin thoát nghèo"
    )
    late = year_round.add_application(
        store, b.id, "regular_review", date(2026, 2, 1), "Đinh Văn Hùng", "Đề nghị rà soát lại"
    )
    assert on_time.status is ApplicationStatus.OPEN
    # 15 days from the start of March's regular review (15/03), not from the request.
    assert on_time.lateness(date(2026, 3, 10)).deadline == date(2026, 3, 30)
    assert late.lateness(date(2026, 3, 10)).late  # 15 days passed with no decision
    assert not on_time.lateness(date(2026, 3, 10)).late

    # Both households changed since: the month's regular round takes exactly them.
    _escaped(a)
    _escaped(b)
    store.save_household(a)
    store.save_household(b)
    rnd = year_round.start_regular_round(store, 2026, 3)
    assert rnd.kind == "adhoc"
    assert rnd.reference_date == date(2026, 3, 15)
    assert sorted(year_round.round_household_ids(store, rnd.id)) == sorted([a.id, b.id])
    assert {x.status for x in year_round.applications(store)} == {ApplicationStatus.IN_REVIEW}
    with pytest.raises(StoreError, match="tháng 3/2026"):
        year_round.start_regular_round(store, 2026, 3)

    store.save_decision(rnd.id, "31/QĐ-UBND", date(2026, 3, 16), "Nguyễn Văn Hùng")
    store = reopen(store)
    try:
        decided = {x.household_id: x for x in year_round.applications(store)}
        assert all(x.status is ApplicationStatus.DECIDED for x in decided.values())
        assert decided[a.id].decided_on == date(2026, 3, 16)
        assert not decided[a.id].lateness(date(2026, 4, 1)).late
        assert decided[b.id].lateness(date(2026, 4, 1)).late  # decided after its deadline
        assert year_round.applications(store, open_only=True) == []
        assert year_round.settle_decisions(store) == 2
        assert year_round.settle_decisions(store) == 0
        audit = store.audit_for_household(a.id)
        app_rows = [e for e in audit if e.table == "applications"]
        assert [e.action for e in app_rows] == ["insert", "update", "update"]
        assert app_rows[-1].new == {
            "status": "decided",
            "decision_id": decided[a.id].decision_id,
        }
        # Their status changed mid-year: poor in 2025, out in the March round.
        results = {h.id: r.category for h, r in store.results_for_round(rnd.id)}
        assert set(results.values()) == {Category.NOT_POOR}
    finally:
        store.close()


def test_a_periodic_request_waits_for_the_periodic_review(store: Store) -> None:
    h = _poor("01-0001", "Lò Thị Ánh")
    _periodic(store, h)
    app = year_round.add_application(
        store, h.id, ApplicationKind.PERIODIC_REVIEW, date(2026, 3, 2), "Lò Thị Ánh"
    )
    assert app.lateness(date(2026, 3, 2)).deadline == date(2026, 12, 14)
    assert deadline(ApplicationKind.PERIODIC_REVIEW, date(2026, 12, 20)) == date(2027, 12, 14)
    rnd = year_round.start_regular_round(store, 2026, 3)
    assert year_round.round_household_ids(store, rnd.id) == []
    year_round.withdraw_application(store, app.id)
    assert year_round.applications(store, open_only=True) == []


def test_support_against_needs_and_the_needs_without_support(store: Store) -> None:
    a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
    _periodic(store, a, b)
    loan = year_round.add_support(
        store,
        a.id,
        "credit",
        date(2026, 4, 2),
        "Ngân hàng Chính sách xã hội",
        "Cán bộ tín dụng",
        amount=50_000_000,
    )
    year_round.add_support(store, a.id, "health_insurance", date(2026, 1, 5), "BHYT hộ nghèo")
    year_round.add_support(store, b.id, "housing", date(2025, 6, 1), "Nhà ở 2025")  # last year
    with pytest.raises(StoreError, match="danh mục"):
        year_round.add_support(store, a.id, "gold", date(2026, 1, 1))

    # The support period of June 2026: since the 2025 review's decision (10/12/2025), so the
    # housing of June 2025 is last period's.
    period = year_round.support_period(store, date(2026, 6, 1))
    assert (period.start, period.end) == (date(2025, 12, 10), None)
    lines, other = year_round.needs_against_support(store, a.id, period)
    assert [(line.need, line.met) for line in lines] == [("credit", True), ("housing", False)]
    assert lines[0].support == [loan]
    assert [s.kind for s in other] == ["health_insurance"]

    unmet = year_round.needs_without_support(store, period)
    assert [(r.code, r.unmet) for r in unmet] == [
        ("01-0001", ["Hỗ trợ nhà ở"]),
        ("01-0002", ["Vay vốn tín dụng ưu đãi", "Hỗ trợ nhà ở"]),
    ]
    year_round.delete_support(store, loan.id)
    assert year_round.support_for(store, a.id, period)[0].kind == "health_insurance"
    counts = year_round.support_by_kind_and_village(store, period)
    assert counts == {"Thôn Đồng Tâm": {"health_insurance": 1}}
    kinds = [e.action for e in store.audit_for_household(a.id) if e.table == "support_records"]
    assert kinds == ["insert", "insert", "delete"]


def test_a_cadre_for_each_village_and_household(store: Store) -> None:
    a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
    c = household(code="02-0001", village="Bản Nà Hin", head="Vàng A Sử")
    for h in (a, b, c):
        store.save_household(h)
    year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", village="Thôn Đồng Tâm")
    year_round.assign_cadre(store, "Nông Thị Hoa", "Công chức LĐ-TB&XH", household_id=b.id)
    year_round.assign_cadre(store, "Nông Thị Hoa", "Công chức LĐ-TB&XH", household_id=c.id)
    assert year_round.households_of(store, "Hoàng Văn Dũng") == [a.id]
    assert year_round.households_of(store, "Nông Thị Hoa") == [b.id, c.id]
    assert year_round.cadres(store) == ["Hoàng Văn Dũng", "Nông Thị Hoa"]
    cadre = year_round.cadre_for(store, a.id)
    assert cadre is not None
    assert cadre.cadre_role == "Trưởng thôn"
    # Reassigned: the old row is kept as a tombstone, the audit says who and when.
    year_round.assign_cadre(store, "Hoàng Văn Dũng", "Trưởng thôn", household_id=b.id)
    assert year_round.households_of(store, "Hoàng Văn Dũng") == [a.id, b.id]
    year_round.assign_cadre(store, "", household_id=c.id)
    assert year_round.households_of(store, "Nông Thị Hoa") == []
    actions = [e.action for e in store.audit_for_household(b.id) if e.table == "cadre_assignments"]
    assert actions == ["insert", "delete", "insert"]


def test_support_in_january_counts_against_the_lists_still_in_force(store: Store) -> None:
    """Issue 24: the 2026 review decided on 15/12/2026 is the list in force in January 2027;
    support given then answers its needs (the household's page, the dashboard's chart and
    the needs-without-support report read the same period), that of 1 December does not."""
    a = _poor("01-0001", "Lò Thị Ánh")
    rnd = store.start_round(2026, STANDARD.id)
    store.save_household(a, round_id=rnd.id, result=classify(a, STANDARD, 2026))
    store.save_decision(rnd.id, "12/QĐ-UBND", date(2026, 12, 15), "Nguyễn Văn Hùng")
    year_round.add_support(store, a.id, "credit", date(2026, 12, 1), "NHCSXH", amount=20_000_000)
    year_round.add_support(
        store, a.id, "housing", date(2027, 1, 5), "Nhà ở", today=date(2027, 1, 10)
    )
    january = year_round.support_period(store, date(2027, 1, 10))
    assert (january.start, january.end) == (date(2026, 12, 15), None)
    assert [s.kind for s in year_round.support_for(store, a.id, january)] == ["housing"]
    lines, _ = year_round.needs_against_support(store, a.id, january)
    assert [(line.need, line.met) for line in lines] == [("credit", False), ("housing", True)]
    unmet = year_round.needs_without_support(store, january, on=date(2027, 1, 10))
    assert [(r.code, r.unmet) for r in unmet] == [("01-0001", ["Vay vốn tín dụng ưu đãi"])]
    assert year_round.support_by_kind_and_village(store, january) == {
        "Thôn Đồng Tâm": {"housing": 1}
    }
    # Before the decision, the period was the calendar year: the December loan counted.
    december = year_round.support_period(store, date(2026, 12, 10))
    assert (december.start, december.end) == (date(2026, 1, 1), date(2026, 12, 15))
    assert [s.kind for s in year_round.support_for(store, a.id, december)] == ["credit"]


def test_a_decided_month_takes_no_more_households(store: Store) -> None:
    """Added after its decision, a household was "decided" on a day before it applied, and
    the lists in force since changed after the fact."""
    a, b = _poor("01-0001", "Lò Thị Ánh"), _poor("01-0002", "Đinh Văn Hùng")
    _periodic(store, a, b)
    june = year_round.start_regular_round(store, 2026, 6)
    year_round.add_to_round(store, june.id, a.id)
    store.save_decision(june.id, "40/QĐ-UBND", date(2026, 6, 18), "Nguyễn Văn Hùng")
    with pytest.raises(StoreError, match="đã có quyết định"):
        year_round.add_to_round(store, june.id, b.id)
    assert [h.code for h, _r in store.results_for_round(june.id)] == ["01-0001"]


def test_a_months_certificates_continue_the_years_numbers(store: Store) -> None:
    """A month numbered its certificates from 1: "Số 0002, hộ nghèo năm 2026" held by two
    families, and a household already certified for the year given a second number."""
    from db import certificates

    a, b, c = (_poor(f"01-000{i}", n) for i, n in enumerate(("Ánh", "Hùng", "Sơn"), 1))
    review = _periodic(store, a, b, c)
    assert certificates.assign(store, review) == 3
    year_numbers = certificates.numbers(store.conn, review)
    d = _poor("01-0004", "Giang")
    store.save_household(d)  # moved in during the year
    june = year_round.start_regular_round(store, 2026, 6)
    for h in (a, d):
        year_round.add_to_round(store, june.id, h.id)
    store.save_decision(june.id, "40/QĐ-UBND", date(2026, 6, 18), "Nguyễn Văn Hùng")
    assert certificates.assign(store, june.id) == 2
    month = certificates.numbers(store.conn, june.id)
    assert month[a.id] == year_numbers[a.id]  # the same certificate of the same lists
    assert month[d.id] == max(year_numbers.values()) + 1


def test_a_periodic_review_request_is_settled_by_the_reviews_decision(store: Store) -> None:
    """A Mẫu 01 request stayed "Mới nhận" after the review classified and decided the
    household, and turned late on 15 December."""
    d = _poor("01-0004", "Dung")
    _periodic(store, d)
    early = year_round.add_application(
        store, d.id, "periodic_review", date(2026, 5, 10), "Dung", "Đề nghị rà soát"
    )
    review = store.start_round(2026, STANDARD.id)
    store.save_household(d, round_id=review.id, result=classify(d, STANDARD, 2026))
    store.save_decision(review.id, "120/QĐ-UBND", date(2026, 12, 1), "Nguyễn Văn Hùng")
    late = year_round.add_application(
        store, d.id, "periodic_review", date(2026, 12, 3), "Dung", "Đề nghị lần sau"
    )
    found = {a.id: a for a in year_round.applications(store)}
    assert found[early.id].status is ApplicationStatus.DECIDED
    assert found[early.id].round_id == review.id
    assert not found[early.id].lateness(date(2026, 12, 15)).late
    # Received after the decision: due with next year's review.
    assert found[late.id].status is ApplicationStatus.OPEN
