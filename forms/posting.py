"""When the commune decision may be signed: after the public posting of every village has
ended, with every complaint re-checked (Decision 24/2021/QĐ-TTg: posting, then complaints and
their re-check, then the Chairman's decision). Pure: the posting page asks before saving a
decision these remarks apply to, and the CLI could say the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PostingPeriod:
    village: str
    start: date
    end: date  # the last day the lists are up


def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def decision_remarks(
    decision: date,
    postings: Sequence[PostingPeriod],
    unresolved_complaints: int,
    unsettled: int = 0,
) -> list[str]:
    """What is wrong with signing the decision on ``decision``, in Vietnamese; [] when nothing.
    ``unsettled``: households of the round with no category after the meeting (not
    determined, or sent back by the village meeting), which no decision can name yet."""
    remarks: list[str] = []
    if unsettled:
        remarks.append(
            f"Còn {unsettled} hộ chưa có kết quả sau họp thôn (chưa xác định, hoặc cuộc họp "
            "chưa thông qua và phải rà soát lại): quyết định chưa công nhận được các hộ này."
        )
    if not postings:
        remarks.append("Chưa ghi thời gian niêm yết công khai của thôn nào.")
    for p in sorted(postings, key=lambda p: (p.end, p.village)):
        if decision < p.start:
            remarks.append(
                f"Ngày quyết định {_d(decision)} trước khi niêm yết ở {p.village} bắt đầu "
                f"({_d(p.start)})."
            )
        elif decision <= p.end:
            remarks.append(
                f"Ngày quyết định {_d(decision)} còn trong thời gian niêm yết ở {p.village} "
                f"({_d(p.start)} – {_d(p.end)}): quyết định ký sau khi hết niêm yết."
            )
    if unresolved_complaints:
        remarks.append(f"Còn {unresolved_complaints} khiếu nại chưa có kết quả kiểm tra lại.")
    return remarks
