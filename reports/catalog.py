"""Every printable document: its Vietnamese title, the parameters it takes, its formats and the
function that builds it. The GUI's report menu and ``rasoat report`` both read this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reports import low_income, whatif, year_round
from reports.certificate import assign_numbers, certificates
from reports.decision import recognition_decision
from reports.detail_list import detail_list
from reports.document import Document
from reports.exchange import exchange_workbook
from reports.household_form import household_form
from reports.lists import escaped_list, final_list, meeting_list, posting_list, resurvey_list
from reports.minutes import meeting_minutes
from reports.notice import posting_notice
from reports.review import ReviewData
from reports.summary import summary_report

Builder = Callable[..., Document]


@dataclass(frozen=True)
class DocumentSpec:
    title: str  # Vietnamese, as the menu and `rasoat report --list` show it
    # of "round", "village", "household", "cadre": which the builder reads ("cadre": the
    # document is one cadre's and needs one, chosen by --cadre or in the window)
    params: tuple[str, ...]
    formats: tuple[str, ...]
    builder: Builder
    needs_household: bool = False  # True: household_id is required
    # Reads that household alone, not the round (``load_review(household_id=)``): on a
    # 100,000-household file a form took 37 s of CPU decoding every household first.
    one_household: bool = False
    # Writes the document needs in the commune file before it is built (certificate numbers
    # given once and stored); called by ``reports.build_document`` with the store and data.
    prepare: Callable[[Any, ReviewData], None] | None = None
    # Prints the lists in force today when asked for the round the household list shows
    # (its rows updated by the monthly regular rounds decided since, issue 24), as the list
    # on screen does: ``load_review`` reads them so in its one pass.
    in_force: bool = False

    def build(
        self,
        data: ReviewData,
        village: str | None,
        household_id: str | None,
        cadre: str | None = None,
    ) -> Document:
        kwargs: dict[str, Any] = {}
        if "village" in self.params:
            kwargs["village"] = village
        if "household" in self.params:
            kwargs["household_id"] = household_id
        if "cadre" in self.params:
            kwargs["cadre"] = cadre
        return self.builder(data, **kwargs)


BOTH = ("pdf", "xlsx")
DOCUMENTS: dict[str, DocumentSpec] = {
    "meeting_list": DocumentSpec(
        "Danh sách hộ đưa ra bình xét tại cuộc họp thôn", ("round", "village"), BOTH, meeting_list
    ),
    "meeting_minutes": DocumentSpec(
        "Biên bản họp dân thống nhất kết quả rà soát", ("round", "village"), BOTH, meeting_minutes
    ),
    "posting_list": DocumentSpec(
        "Danh sách niêm yết công khai", ("round", "village"), BOTH, posting_list
    ),
    "resurvey_list": DocumentSpec(
        "Danh sách hộ cần rà soát lại, bổ sung thông tin",
        ("round", "village"),
        BOTH,
        resurvey_list,
    ),
    "posting_notice": DocumentSpec(
        "Thông báo niêm yết công khai", ("round",), ("pdf",), posting_notice
    ),
    "final_list": DocumentSpec(
        "Danh sách hộ nghèo, hộ cận nghèo của xã",
        ("round",),
        BOTH,
        final_list,
        in_force=True,
    ),
    "decision": DocumentSpec(
        "Quyết định công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo "
        "(kèm danh sách)",
        ("round",),
        ("pdf",),
        recognition_decision,
    ),
    "escaped_list": DocumentSpec(
        "Danh sách hộ thoát nghèo, thoát cận nghèo", ("round",), BOTH, escaped_list
    ),
    "detail_list": DocumentSpec(
        "Danh sách chi tiết hộ nghèo, hộ cận nghèo (kèm thành viên)",
        ("round", "village"),
        BOTH,
        detail_list,
        in_force=True,
    ),
    "summary": DocumentSpec("Báo cáo tổng hợp kết quả rà soát", ("round",), BOTH, summary_report),
    "certificate": DocumentSpec(
        "Giấy chứng nhận hộ nghèo, hộ cận nghèo",
        ("round", "village", "household"),
        ("pdf",),
        certificates,
        prepare=assign_numbers,
    ),
    "household_form": DocumentSpec(
        "Phiếu rà soát của một hộ (để ký)",
        ("round", "household"),
        ("pdf",),
        household_form,
        needs_household=True,
        one_household=True,
    ),
    "exchange_workbook": DocumentSpec(
        "Tệp Excel danh sách sau rà soát (gửi cấp trên)",
        ("round", "village"),
        ("xlsx",),
        exchange_workbook,
    ),
    "whatif": DocumentSpec(whatif.TITLE, ("round", "village"), BOTH, whatif.whatif_report),
    "monthly_report": DocumentSpec(
        "Báo cáo rà soát thường xuyên tháng (gửi cấp trên)",
        ("round",),
        BOTH,
        year_round.monthly_report,
        prepare=year_round.latest_regular,
    ),
    "needs_without_support": DocumentSpec(
        "Hộ có nhu cầu chưa được hỗ trợ trong năm",
        ("round", "village"),
        BOTH,
        year_round.needs_without_support,
        prepare=year_round.stash_support,
    ),
    "cadre_households": DocumentSpec(
        year_round.CADRE_TITLE,
        ("round", "cadre"),
        BOTH,
        year_round.cadre_list,
        prepare=year_round.stash_cadre,
        in_force=True,
    ),
    "low_income_list": DocumentSpec(
        low_income.TITLE,
        ("round", "village"),
        BOTH,
        low_income.low_income_list,
        prepare=low_income.stash_applications,
    ),
}


# The documents by the step of the review they serve: the Báo cáo menu's submenus and the
# headings of ``rasoat report --list``. A flat menu of every document in every format was 33
# entries, taller than a 768-pixel screen; an officer looks for "the meeting's papers", not
# for a title among 33. Every document is in exactly one group (tests/reports/test_catalog.py).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Họp dân ở thôn", ("meeting_list", "meeting_minutes", "resurvey_list")),
    (
        "Niêm yết, công nhận",
        ("posting_list", "posting_notice", "final_list", "decision", "escaped_list"),
    ),
    ("Của từng hộ", ("household_form", "certificate")),
    ("Tổng hợp, gửi cấp trên", ("summary", "detail_list", "exchange_workbook", "whatif")),
    (
        "Theo dõi trong năm",
        ("monthly_report", "needs_without_support", "cadre_households", "low_income_list"),
    ),
)
