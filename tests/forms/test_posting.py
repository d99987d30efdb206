from __future__ import annotations

from datetime import date

from forms.posting import PostingPeriod, decision_remarks

NA_LAU = PostingPeriod("Thôn Nà Lầu", date(2026, 11, 2), date(2026, 11, 9))
KHUOI = PostingPeriod("Bản Khuổi Phìn", date(2026, 11, 5), date(2026, 11, 12))


def test_a_decision_after_every_posting_with_complaints_settled_is_fine() -> None:
    assert decision_remarks(date(2026, 11, 13), [NA_LAU, KHUOI], 0) == []


def test_each_posting_still_running_is_named() -> None:
    remarks = decision_remarks(date(2026, 11, 9), [NA_LAU, KHUOI], 0)
    assert len(remarks) == 2  # the last day of a posting still counts as posting
    assert "Thôn Nà Lầu" in remarks[0]
    assert "Bản Khuổi Phìn" in remarks[1]


def test_before_a_posting_began_and_open_complaints() -> None:
    remarks = decision_remarks(date(2026, 11, 3), [KHUOI], 2)
    assert remarks[0].startswith("Ngày quyết định 03/11/2026 trước khi niêm yết ở Bản Khuổi Phìn")
    assert remarks[1] == "Còn 2 khiếu nại chưa có kết quả kiểm tra lại."


def test_no_posting_recorded() -> None:
    assert decision_remarks(date(2026, 11, 3), [], 0) == [
        "Chưa ghi thời gian niêm yết công khai của thôn nào."
    ]


def test_households_left_without_a_category_by_the_meeting() -> None:
    """Saved anyway, a decision left them on no list while next year's transitions moved
    from the proposal the meeting refused."""
    (remark,) = decision_remarks(date(2026, 11, 13), [NA_LAU, KHUOI], 0, unsettled=3)
    assert remark.startswith("Còn 3 hộ chưa có kết quả sau họp thôn")
