"""Quyết định công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo
(documents.md §4, structure confirmed from a real commune decision; the wording of Điều 3 and
"Nơi nhận" is [unconfirmed]) with its four lists attached, each signed on its own pages.

The decision is the commune chairman's ("của Chủ tịch UBND xã"), as the certificates and the
lists attached cite it; its counts are the lists after the village meeting.
"""

from __future__ import annotations

from forms.model import Transition
from reports.document import Document, Header, Para, Part, SignatureBox, Signatures
from reports.lists import final_part
from reports.review import (
    ESCAPED_NEAR_POVERTY,
    ESCAPED_POVERTY,
    NEAR_POOR,
    POOR,
    Entry,
    ReportError,
    ReviewData,
)

T = Transition


def _count(entries: list[Entry]) -> str:
    return f"{len(entries)} hộ, {sum(e.size for e in entries)} khẩu"


def _of(entries: list[Entry], moves: set[Transition]) -> list[Entry]:
    return [e for e in entries if e.transition in moves]


def decision_part(data: ReviewData) -> Part:
    d = data.decision
    ref = data.reference
    poor, near = data.in_group(POOR), data.in_group(NEAR_POOR)
    out_poor, out_near = data.in_group(ESCAPED_POVERTY), data.in_group(ESCAPED_NEAR_POVERTY)
    protected = [e for e in poor if e.flag("social_protection", ref)]
    merit = [e for e in poor if e.household.meritorious_household or e.flag("meritorious", ref)]
    chairman = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {data.commune_kind.upper()} {data.commune_short.upper()}"
    y = data.year + 1
    blocks: list = [
        Para(f"<b>{chairman}</b>", "center", markup=True),
        Para("Căn cứ Luật Tổ chức chính quyền địa phương;", "italic"),
        Para(f"Căn cứ {data.standard_title};", "italic"),
        Para(
            "Căn cứ Quyết định số 24/2021/QĐ-TTg của Thủ tướng Chính phủ quy định quy trình rà "
            "soát hộ nghèo, hộ cận nghèo hằng năm và quy trình xác định hộ làm nông nghiệp, lâm "
            "nghiệp, ngư nghiệp và diêm nghiệp có mức sống trung bình;",
            "italic",
        ),
        Para(
            "Căn cứ Thông tư số 07/2021/TT-BLĐTBXH của Bộ trưởng Bộ Lao động - Thương binh và "
            "Xã hội hướng dẫn phương pháp rà soát, phân loại hộ nghèo, hộ cận nghèo;",
            "italic",
        ),
        Para(
            f"Xét đề nghị của Ban chỉ đạo rà soát hộ nghèo, hộ cận nghèo {data.commune_full} "
            f"về kết quả rà soát năm {data.year},",
            "italic",
        ),
        Para("<b>QUYẾT ĐỊNH:</b>", "center", markup=True),
        Para(
            f"<b>Điều 1.</b> Công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận "
            f"nghèo năm {y} trên địa bàn {data.commune_full}, cụ thể:",
            markup=True,
        ),
        Para(
            f"1. Hộ nghèo: {_count(poor)}; trong đó hộ thuộc chính sách bảo trợ xã hội: "
            f"{len(protected)} hộ; hộ có thành viên là người có công với cách mạng: "
            f"{len(merit)} hộ."
        ),
        Para(f"2. Hộ cận nghèo: {_count(near)}."),
        Para(
            f"3. Hộ thoát nghèo: {_count(out_poor)}; trong đó thoát nghèo thành hộ cận nghèo: "
            f"{_count(_of(out_poor, {T.POOR_TO_NEAR_POOR}))}; thoát nghèo vượt chuẩn cận "
            f"nghèo: {_count(_of(out_poor, {T.ESCAPED_POVERTY}))}."
        ),
        Para(
            f"4. Hộ thoát cận nghèo: {_count(out_near)}; trong đó hộ cận nghèo thành hộ nghèo: "
            f"{_count(_of(out_near, {T.NEAR_POOR_TO_POOR}))}; thoát cận nghèo vượt chuẩn: "
            f"{_count(_of(out_near, {T.ESCAPED_NEAR_POVERTY}))}."
        ),
        Para("(Có danh sách chi tiết từng loại hộ kèm theo)", "italic"),
        Para(
            f"<b>Điều 2.</b> Danh sách hộ nghèo, hộ cận nghèo tại Điều 1 được áp dụng từ ngày "
            f"01 tháng 01 năm {y} đến ngày 31 tháng 12 năm {y}. Quyết định có hiệu lực kể từ "
            "ngày ký.",
            markup=True,
        ),
        Para(
            f"<b>Điều 3.</b> Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {data.commune_full}, "
            f"Ban chỉ đạo rà soát hộ nghèo, hộ cận nghèo {data.commune_full}, Trưởng các thôn "
            "và các hộ gia đình có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
            markup=True,
        ),
        Signatures(
            [
                SignatureBox(
                    "Nơi nhận:",
                    recipients=True,
                    note="- Như Điều 3;<br/>"
                    + (f"- {data.upper_level} (báo cáo);<br/>" if data.upper_level else "")
                    + "- Lưu: VT.",
                ),
                SignatureBox("CHỦ TỊCH", note="(Ký, đóng dấu)", name=d.signer if d else ""),
            ]
        ),
    ]
    return Part(
        Header(
            data.commune_issuer(),
            data.commune_short,
            when=d.date if d else None,
            number=f"Số: {d.number}" if d else "Số: …/QĐ-UBND",
        ),
        "Quyết định",
        [f"Về việc {data.decision_subject}"],
        blocks,
        landscape=False,
    )


def recognition_decision(data: ReviewData, village: str | None = None) -> Document:
    """The decision, then its four lists (each its own part: signed and numbered alone)."""
    if village is not None:
        raise ReportError("Quyết định công nhận lập cho cả xã, không theo từng thôn.")
    parts = [
        decision_part(data),
        final_part(data, POOR, "Danh sách hộ nghèo"),
        final_part(data, NEAR_POOR, "Danh sách hộ cận nghèo"),
        final_part(data, ESCAPED_POVERTY, "Danh sách hộ thoát nghèo"),
        final_part(data, ESCAPED_NEAR_POVERTY, "Danh sách hộ thoát cận nghèo"),
    ]
    for p in parts[1:]:
        p.landscape = True
    return Document(
        "decision",
        "Quyết định công nhận hộ nghèo, hộ cận nghèo",
        parts,
        pages_per_part=True,
    )
