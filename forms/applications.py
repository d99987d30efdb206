"""A household's application to be reviewed (issue 24): its kinds, the form it is made on and
the deadline the procedure sets for the commune's decision. Pure: no storage, no Qt.

Decision 24/2021/QĐ-TTg: a household asks to be reviewed on Mẫu số 01 ("Giấy đề nghị rà soát
hộ nghèo, hộ cận nghèo"), in the periodic review (1 September – 14 December) and in the
regular review held each month alike; Mẫu số 04 is the request to be recognised as having
escaped ("Giấy đề nghị công nhận hộ thoát nghèo, hộ thoát cận nghèo"). The commune decides a
request of the year within 15 days from the start of the month's regular review that takes it
(held from the 15th of each month; ``docs/domain.md`` §5, [confirmed]). Until session 26 the
regular review's request was printed as Mẫu số 04, the escape form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# Decision 24/2021/QĐ-TTg, Art. 5: the regular review's decision (and certificates) within 15
# days from the day the month's review begins, Art. 3.1.b: each month from the 15th. Until
# session 26 the days ran from the request, marking requests late before their review began.
REGULAR_DECISION_DAYS = 15
REGULAR_REVIEW_DAY = 15
# Decision 24/2021/QĐ-TTg, Art. 3: the periodic review runs 1 September – 14 December.
PERIODIC_START = (9, 1)
PERIODIC_END = (12, 14)


class ApplicationKind(StrEnum):
    PERIODIC_REVIEW = "periodic_review"  # Mẫu số 01, reviewed in the periodic review
    REGULAR_REVIEW = "regular_review"  # Mẫu số 01, reviewed in the month's regular review
    ESCAPE = "escape"  # Mẫu số 04, to be recognised as having escaped


class ApplicationStatus(StrEnum):
    OPEN = "open"  # received, not yet in a round
    IN_REVIEW = "in_review"  # its household is in a round being reviewed
    DECIDED = "decided"  # the round's decision has been issued
    WITHDRAWN = "withdrawn"


KIND_LABELS = {
    ApplicationKind.PERIODIC_REVIEW: "Đề nghị rà soát (kỳ định kỳ)",
    ApplicationKind.REGULAR_REVIEW: "Đề nghị rà soát trong năm (thường xuyên)",
    ApplicationKind.ESCAPE: "Đề nghị công nhận thoát nghèo, thoát cận nghèo",
}
STATUS_LABELS = {
    ApplicationStatus.OPEN: "Mới nhận",
    ApplicationStatus.IN_REVIEW: "Đang rà soát",
    ApplicationStatus.DECIDED: "Đã có quyết định",
    ApplicationStatus.WITHDRAWN: "Đã rút",
}


def form_number(kind: ApplicationKind) -> str:
    """The official form the application is made on: Mẫu số 04 is only the request to be
    recognised as escaped; every request to be reviewed is Mẫu số 01."""
    return "04" if kind is ApplicationKind.ESCAPE else "01"


def regular_review_start(submitted: date) -> date:
    """The first day of the monthly regular review that takes a request received on
    ``submitted``: the 15th of its month, or of the next month once that day has passed."""
    if submitted.day <= REGULAR_REVIEW_DAY:
        return submitted.replace(day=REGULAR_REVIEW_DAY)
    if submitted.month == 12:
        return date(submitted.year + 1, 1, REGULAR_REVIEW_DAY)
    return date(submitted.year, submitted.month + 1, REGULAR_REVIEW_DAY)


def deadline(kind: ApplicationKind, submitted: date) -> date:
    """The day by which the commune must decide (the calendar's last day at most: a date
    near it, from a package whose laptop's clock was wrong, still lists)."""
    try:
        if kind is ApplicationKind.PERIODIC_REVIEW:
            end = date(submitted.year, *PERIODIC_END)
            # A request received after the periodic review ended waits for next year's.
            return end if submitted <= end else date(submitted.year + 1, *PERIODIC_END)
        return regular_review_start(submitted) + timedelta(days=REGULAR_DECISION_DAYS)
    except (OverflowError, ValueError):
        return date.max


@dataclass(frozen=True)
class Lateness:
    deadline: date
    late: bool
    days_left: int  # negative: days past the deadline


def lateness(
    kind: ApplicationKind,
    submitted: date,
    status: ApplicationStatus,
    today: date,
    decided_on: date | None = None,
) -> Lateness:
    """Late: still undecided after the deadline, or decided after it."""
    due = deadline(kind, submitted)
    if status is ApplicationStatus.WITHDRAWN:
        return Lateness(due, False, (due - today).days)
    if status is ApplicationStatus.DECIDED and decided_on is not None:
        return Lateness(due, decided_on > due, (due - decided_on).days)
    return Lateness(due, today > due, (due - today).days)
