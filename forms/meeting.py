"""What the village meeting decides about a household's result (Decision 24/2021/QĐ-TTg,
step 3): which results are put to the meeting, and which stand afterwards.

Pure rules; ``db.report_queries`` writes the same rule as SQL for "the list after the
meeting", and every document, the dashboard and the status bar read that one list.
"""

from __future__ import annotations

from enum import Enum

from forms.model import Category, Transition

# Put to the meeting: proposed poor and near-poor households, and those proposed to leave a
# list (the meeting's focus in step 3).
PROPOSED_CATEGORIES: tuple[Category, ...] = (Category.POOR, Category.NEAR_POOR)
PROPOSED_TRANSITIONS: tuple[Transition, ...] = (
    Transition.ESCAPED_POVERTY,
    Transition.POOR_TO_NEAR_POOR,
    Transition.ESCAPED_NEAR_POVERTY,
)


class Standing(Enum):
    NOT_PUT = "not_put"  # not on the meeting's agenda: the classification stands as it is
    PENDING = "pending"  # on the agenda, no vote recorded yet (the meeting is not yet held)
    AGREED = "agreed"  # at least half of those present agreed
    SENT_BACK = "sent_back"  # under half agreed: re-survey, then a new vote


# Decision 24/2021/QĐ-TTg: "ý kiến thống nhất của ít nhất 50% tổng số người tham dự cuộc họp";
# under 50%, re-survey and meet again. Shown on the Căn cứ pháp lý screen (forms.legal_basis).
PASS_PERCENT = 50


def passed(agree: int, attendees: int) -> bool:
    """The result stands with at least half of those present agreeing."""
    return attendees > 0 and agree * 100 >= PASS_PERCENT * attendees


def put_to_meeting(category: Category, transition: Transition | None) -> bool:
    return category in PROPOSED_CATEGORIES or transition in PROPOSED_TRANSITIONS


def standing(
    category: Category,
    transition: Transition | None,
    agree: int | None = None,
    attendees: int | None = None,
) -> Standing:
    """Where a household's result is after the meeting; ``agree``/``attendees`` None: no vote.

    A vote recorded for a household that is no longer on the agenda (re-surveyed since, now
    classified out of every list) no longer decides anything."""
    if not put_to_meeting(category, transition):
        return Standing.NOT_PUT
    if agree is None or attendees is None:
        return Standing.PENDING
    return Standing.AGREED if passed(agree, attendees) else Standing.SENT_BACK


def stands(
    category: Category,
    transition: Transition | None,
    agree: int | None = None,
    attendees: int | None = None,
) -> bool:
    """Whether the result belongs on the lists after the meeting (everything but sent back)."""
    return standing(category, transition, agree, attendees) is not Standing.SENT_BACK
