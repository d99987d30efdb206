"""The plain dataclasses the Store takes and returns besides the engine's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from forms.model import Area, Category, Transition
from forms.transitions import RoundPlace

RoundKind = Literal["periodic", "adhoc"]
AuditAction = Literal["insert", "update", "delete"]


@dataclass(frozen=True)
class CommuneInfo:
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    area: Area


@dataclass(frozen=True)
class Village:
    id: str
    name: str
    code: str | None = None


@dataclass(frozen=True)
class Round:
    id: str
    year: int
    standard_id: str
    kind: RoundKind
    started_at: str
    reference_date: date | None = None

    def place(self, decided_on: date | None) -> RoundPlace:
        """The round as ``forms.transitions.history_before`` places it among the others,
        its decision made on ``decided_on`` (None: undecided)."""
        return RoundPlace(
            self.id, self.kind == "periodic", decided_on, self.reference_date, self.year
        )


@dataclass(frozen=True)
class Upgrade:
    """An older file upgraded as it was opened (``Store.upgraded``): what the user is told,
    since the laptops still on the version that made it can no longer open it."""

    path: Path
    found: int  # the schema version it had
    latest: int  # the one it has now
    backup: Path  # the copy from before

    @property
    def message(self) -> str:
        return (
            f"Tệp {self.path.name} được tạo bằng phiên bản Rà soát cũ hơn và vừa được nâng "
            f"cấp từ cấu trúc dữ liệu số {self.found} lên số {self.latest}. Bản sao của tệp "
            f"trước khi nâng cấp: {self.backup}. Từ nay máy còn dùng phiên bản cũ không mở "
            "được tệp này: hãy cập nhật Rà soát trên các máy đó trước khi chép tệp sang."
        )


@dataclass(frozen=True)
class HouseholdQuery:
    """What the household list shows. ``round_id=None`` means the current round."""

    text: str = ""
    village: str | None = None
    category: Category | None = None
    transition: Transition | None = None
    round_id: str | None = None
    # Only households the village meeting did not pass (under half agreed): they go back for
    # re-survey and a new meeting (Decision 24/2021/QĐ-TTg, step 3).
    needs_resurvey: bool = False
    # Only the households this cadre is responsible for: their own assignment, else their
    # village's (issue 24, m0010's cadre_assignments).
    cadre: str | None = None
    # The day the lists in force are read on when ``round_id`` is None (None: today): the
    # current round's rows updated by the regular rounds decided by then (issue 24).
    on: date | None = None
    order_by: str = "code"
    descending: bool = False
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class HouseholdRow:
    id: str
    code: str
    head_name: str
    village: str
    size: int
    category: Category | None
    b1_score: int | None
    deprivation_count: int | None
    transition: Transition | None
    updated_at: str


@dataclass(frozen=True)
class MeetingVote:
    id: str
    household_id: str
    round_id: str
    agree: int
    attendees: int
    note: str
    meeting_date: date

    @property
    def passed(self) -> bool:
        """At least 50% of those present agree (the review procedure of Decision 24/2021/QĐ-TTg)."""
        return self.attendees > 0 and self.agree * 2 >= self.attendees


@dataclass(frozen=True)
class Posting:
    id: str
    round_id: str
    village: str
    start: date
    end: date


@dataclass(frozen=True)
class Complaint:
    id: str
    round_id: str
    household_id: str | None
    complainant: str
    content: str
    received: date
    outcome: str | None = None
    resolved_at: str | None = None
    # The household's code and head as stored now, read with the complaint for its table
    # (a household deleted since keeps them).
    household_code: str | None = None
    household_head: str | None = None


@dataclass(frozen=True)
class Decision:
    id: str
    round_id: str
    number: str
    date: date
    signer: str


@dataclass(frozen=True)
class AuditEntry:
    at: str
    user: str
    device: str
    table: str
    row_id: str
    action: AuditAction
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    source: str | None = None


@dataclass(frozen=True)
class Change:
    """What one committed write touched: ``kind`` is "household", "village", "round",
    "meeting", "posting", "complaint", "decision" or "commune"."""

    kind: str
    ids: list[str] = field(default_factory=list)
