"""The list of low-income workers' applications of a round (Decree 30/2025/NĐ-CP, issue 18):
who applied and when, the income per person declared, the bound of the round's standard, what
the automatic check found and the commune's outcome. The suggestions from the survey are not
printed: they are not applications (the dialog and ``rasoat thu-nhap-thap goi-y`` show them).
"""

from __future__ import annotations

from typing import Any

from db import low_income
from forms.low_income import OUTCOME_LABELS, Outcome
from reports.document import Column, Document, Header, Para, Part, SignatureBox, Signatures, Table
from reports.review import ReviewData, village_title

TITLE = "Danh sách người lao động có thu nhập thấp đề nghị xác định"
CHECK_LABELS = {True: "Đạt", False: "Không đạt", None: "Thiếu thông tin"}


def stash_applications(store: Any, data: ReviewData) -> None:
    """``prepare`` step: applications are not part of the round's results, so they are read
    (and checked against the bound) here."""
    apps = low_income.applications(store, data.round.id)
    data.__dict__["low_income"] = [(a, low_income.check(store, a)) for a in apps]


def low_income_list(data: ReviewData, village: str | None = None) -> Document:
    rows: list[tuple[low_income.LowIncomeApplication, Any]] = data.__dict__.get("low_income", [])
    if village is not None:
        rows = [r for r in rows if r[0].village == village]
    table = Table(
        [
            Column("STT", "A", 0.4, "plain"),
            Column("Mã hộ", "B", 1.05),  # "01-0024" on one line
            Column("Thôn", "C", 1.1),
            Column("Họ và tên người lao động", "D", 1.6),
            Column("Chủ hộ", "E", 1.4),
            Column("Ngày nhận đơn", "F", 1.3),  # "05/12/2026" on one line
            Column("Thu nhập bình quân kê khai (đồng/người/tháng)", "G", 1.2, "int"),
            Column("Mức thu nhập tối đa (đồng/người/tháng)", "H", 1.1, "int"),
            Column("Kiểm tra điều kiện", "I", 2.3),
            Column("Kết quả", "J", 1.1),
        ],
        sheet="Lao động thu nhập thấp",
        show_codes=True,
    )
    for n, (a, found) in enumerate(rows, start=1):
        table.add(
            [
                n,
                a.code,
                a.village,
                a.member_name,
                a.head_name,
                f"{a.applied_on:%d/%m/%Y}",
                a.declared_income,
                found.bound,
                f"{CHECK_LABELS[found.meets]}: " + " ".join(found.reasons),
                OUTCOME_LABELS[a.outcome] + (f" ({a.note})" if a.note else ""),
            ]
        )
    accepted = sum(1 for a, _ in rows if a.outcome is Outcome.ACCEPTED)
    part = Part(
        Header(data.commune_issuer(), data.commune_short),
        TITLE.upper(),
        [
            f"Kỳ rà soát năm {data.round.year} — "
            + data.commune_title
            + (f", {village_title(village)}" if village else "")
        ],
        [
            Para(
                "Người lao động trong hộ không thuộc hộ nghèo, hộ cận nghèo, có thu nhập bình "
                "quân đầu người không quá mức quy định (Nghị định 30/2025/NĐ-CP): "
                f"{len(rows)} đơn, {accepted} người được công nhận."
            ),
            # No application: said in words, not an empty table under signatures.
            table if rows else Para("Không có đơn nào trong kỳ rà soát này."),
            Signatures(
                [
                    SignatureBox("NGƯỜI LẬP BIỂU"),
                    SignatureBox("CHỦ TỊCH", above="TM. ỦY BAN NHÂN DÂN", note="(Ký, đóng dấu)"),
                ]
            ),
        ],
    )
    return Document("low_income_list", part.title, [part], landscape=True)
