"""Which period a support counts in (issue 24): support answers the needs of the list in force.

The *support period* of a date is the time the list in force on that date is in force: from
the decision of a periodic review (the Chairman's decision recognising the lists, Decision
24/2021/QĐ-TTg) to the next periodic decision. Before any periodic decision the commune file
knows, it is the calendar year (cut short by the first decision if one falls in it). So in
January, while the lists are still last year's review's, the support given this January counts
against the needs that review recorded (``docs/domain.md``, "Support delivered").

The household's page, the dashboard's support chart, the needs-without-support report and the
cadre's list all read this one definition (through ``db.year_round.support_period``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ListDecision:
    """A periodic review's decision recognising the lists: its number and date."""

    number: str
    decided_on: date
    round_year: int


@dataclass(frozen=True)
class SupportPeriod:
    start: date
    end: date | None  # exclusive: the next periodic decision's date; None while none follows
    decision: ListDecision | None = None  # the decision that opened it; None: a calendar year

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def last_day(self) -> date | None:
        return self.end - timedelta(days=1) if self.end is not None else None

    def bounds(self) -> tuple[str, str]:
        """ISO dates for ``start <= given_on < end`` in SQL (an open end as a far date)."""
        return self.start.isoformat(), (self.end or date.max).isoformat()

    def describe(self) -> str:
        """Plain Vietnamese for headings and the printed documents."""
        last = self.last_day
        span = f"từ {self.start:%d/%m/%Y}" + (f" đến {last:%d/%m/%Y}" if last else "")
        if self.decision is None:
            return f"Hỗ trợ {span} (năm {self.start.year}, chưa có quyết định công nhận danh sách)"
        d = self.decision
        return (
            f"Hỗ trợ {span} (danh sách theo quyết định số {d.number} ngày "
            f"{d.decided_on:%d/%m/%Y}, kỳ rà soát năm {d.round_year})"
        )


def support_period(decisions: Iterable[ListDecision], on: date) -> SupportPeriod:
    """The support period ``on`` falls in, given the periodic reviews' decisions."""
    dated = sorted(decisions, key=lambda d: d.decided_on)
    before = [d for d in dated if d.decided_on <= on]
    after = [d for d in dated if d.decided_on > on]
    end = after[0].decided_on if after else None
    if before:
        return SupportPeriod(before[-1].decided_on, end, before[-1])
    year_end = date(on.year + 1, 1, 1)
    return SupportPeriod(date(on.year, 1, 1), min(end, year_end) if end else year_end)
