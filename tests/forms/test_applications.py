"""The deadline an application is held to (Decision 24/2021/QĐ-TTg)."""

from __future__ import annotations

from datetime import date

import pytest

from forms.applications import ApplicationKind, ApplicationStatus, deadline, lateness


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (date(2026, 3, 2), date(2026, 3, 30)),  # reviewed from 15 March
        (date(2026, 3, 15), date(2026, 3, 30)),  # the review's first day
        (date(2026, 3, 16), date(2026, 4, 30)),  # after it began: April's review
        (date(2026, 12, 20), date(2027, 1, 30)),
    ],
)
@pytest.mark.parametrize("kind", [ApplicationKind.REGULAR_REVIEW, ApplicationKind.ESCAPE])
def test_the_months_decision_is_due_15_days_after_its_review_begins(
    kind: ApplicationKind, submitted: date, due: date
) -> None:
    """Art. 5: the decision and certificates "within 15 days from the date the review begins
    as stipulated at point b clause 1 Article 3" — the regular review, held each month from the
    15th (LawNet, *Procedure for Regular Annual Review of Poor and Near-Poor Households*). Until
    session 26 the 15 days ran from the request, so a request of 2 March was late on 18 March,
    before the month's review had begun its fourth day."""
    assert deadline(kind, submitted) == due
    assert not lateness(kind, submitted, ApplicationStatus.OPEN, due).late
    assert lateness(
        kind, submitted, ApplicationStatus.OPEN, date.fromordinal(due.toordinal() + 1)
    ).late
