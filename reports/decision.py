"""Quyết định công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo
(documents.md §4, structure confirmed from a real commune decision; the wording of Điều 3 and
"Nơi nhận" is [unconfirmed]) with its four lists attached, each signed on its own pages.

The decision is the commune chairman's ("của Chủ tịch UBND xã"), as the certificates and the
lists attached cite it; its counts are the lists after the village meeting.
"""

from __future__ import annotations

from db.report_queries import Recognised
from forms.model import Category, Transition
from reports.document import Document, Header, Para, Part, SignatureBox, Signatures
from reports.lists import final_part
from reports.review import (
    ESCAPED_NEAR_POVERTY,
    ESCAPED_POVERTY,
    METHOD_BASIS,
    NEAR_POOR,
    POOR,
    PROCEDURE_BASIS,
    Entry,
    ReportError,
    ReviewData,
)

T = Transition


def _count(entries: list[Entry]) -> str:
    return f"{len(entries)} hộ, {sum(e.size for e in entries)} khẩu"


def _of(entries: list[Entry], moves: set[Transition]) -> list[Entry]:
    return [e for e in entries if e.transition in moves]


def _removed_line(data: ReviewData) -> list[Para]:
    """Điều 1's households of last year's lists no longer in the commune (documents.md §4:
    "removed — died, moved away"); the summary counts them as "Giảm khác". None: no line."""
    if data.round.kind != "periodic":  # a month's decision recognises the month's changes
        return []
    poor, near = removed(data, Category.POOR), removed(data, Category.NEAR_POOR)
    if not poor and not near:
        return []

    def count(rows: list[Recognised]) -> str:
        return f"{len(rows)} hộ, {sum(r.persons for r in rows)} khẩu"

    return [
        Para(
            f"5. Hộ có tên trong danh sách năm {data.previous_year} đưa ra khỏi danh sách do "
            "không còn trên địa bàn (chuyển đi, không còn thành viên, nhập vào hộ khác): hộ "
            f"nghèo {count(poor)}; hộ cận nghèo {count(near)}."
        )
    ]


def decision_part(data: ReviewData) -> Part:
    d = data.decision
    ref = data.reference
    poor, near = data.in_group(POOR), data.in_group(NEAR_POOR)
    out_poor, out_near = data.in_group(ESCAPED_POVERTY), data.in_group(ESCAPED_NEAR_POVERTY)
    protected = [e for e in poor if e.flag("social_protection", ref)]
    merit = [e for e in poor if e.household.meritorious_household or e.flag("meritorious", ref)]
    chairman = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {data.commune_kind.upper()} {data.commune_short.upper()}"
    y = data.list_year
    blocks: list = [
        Para(f"<b>{chairman}</b>", "center", markup=True),
        Para("Căn cứ Luật Tổ chức chính quyền địa phương;", "italic"),
        Para(f"Căn cứ {data.standard_title};", "italic"),
        Para(f"Căn cứ {PROCEDURE_BASIS};", "italic"),
        Para(f"Căn cứ {METHOD_BASIS};", "italic"),
        Para(
            f"Xét đề nghị của Ban chỉ đạo rà soát hộ nghèo, hộ cận nghèo {data.commune_full} "
            f"về kết quả {data.review_name},",
            "italic",
        ),
        Para("<b>QUYẾT ĐỊNH:</b>", "center", markup=True),
        Para(
            f"<b>Điều 1.</b> {data.decision_subject[:1].upper()}{data.decision_subject[1:]} "
            f"trên địa bàn {data.commune_full}, cụ thể:",
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
        *_removed_line(data),
        Para("(Có danh sách chi tiết từng loại hộ kèm theo)", "italic"),
        Para(
            (
                f"<b>Điều 2.</b> Các hộ tại Điều 1 được cập nhật vào danh sách hộ nghèo, hộ cận "
                f"nghèo năm {y} của {data.commune_full}, áp dụng từ ngày ký đến ngày 31 tháng 12 "
                f"năm {y}. Quyết định có hiệu lực kể từ ngày ký."
            )
            if data.monthly
            else (
                f"<b>Điều 2.</b> Danh sách hộ nghèo, hộ cận nghèo tại Điều 1 được áp dụng từ "
                f"ngày 01 tháng 01 năm {y} đến ngày 31 tháng 12 năm {y}. Quyết định có hiệu "
                "lực kể từ ngày ký."
            ),
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


# How many households a refusal names before "và … hộ khác".
NAMED = 10


def unsettled(data: ReviewData) -> list[Entry]:
    """Households of the round with no category after the meeting: not determined (answers
    missing or contradicting) or sent back by a periodic review's meeting for a new survey.
    A month's meeting that sends a household back leaves it where it was (the lists in force
    keep it): its decision names the others, and was refused for it."""
    if data.monthly:
        return [e for e in data.entries if not e.sent_back and e.category is Category.UNDETERMINED]
    return [e for e in data.entries if e.category is Category.UNDETERMINED]


def not_reviewed(data: ReviewData) -> list[Recognised]:
    """Households of last year's lists still in the file with no result in this periodic
    round; none for a monthly round, which holds only the households that applied or
    changed (its decision recognises those)."""
    if data.round.kind != "periodic":
        return []
    reviewed = {e.id for e in data.entries}
    return [r for r in data.previous or [] if not r.deleted and r.household_id not in reviewed]


def removed(data: ReviewData, category: Category) -> list[Recognised]:
    """Households of last year's ``category`` list deleted from the file since (died, moved
    away, joined another household): off the list (documents.md §4, Điều 1)."""
    return [r for r in data.previous or [] if r.deleted and r.category is category]


def _refuse_unsettled(data: ReviewData) -> None:
    """A decision recognises the lists: printed while households had no result, it left
    them out without a word, and those of last year's lists lost their status from 1
    January with no act naming them. Refused, naming them (last year's first), until the
    review settles them."""
    listed = {r.household_id for r in data.previous or []}
    order = {v: i for i, v in enumerate(data.villages)}
    pending = sorted(
        [(e.code, e.village, e.id in listed) for e in unsettled(data)]
        + [(r.code, r.village, True) for r in not_reviewed(data)],
        key=lambda p: (not p[2], order.get(p[1], len(order)), p[0]),
    )
    if not pending:
        return
    named = ", ".join(f"{code} ({village})" for code, village, _l in pending[:NAMED])
    more = f" và {len(pending) - NAMED} hộ khác" if len(pending) > NAMED else ""
    last_year = sum(on_list for _c, _v, on_list in pending)
    of_which = (
        f", trong đó {last_year} hộ có tên trong danh sách năm {data.previous_year}"
        if last_year and data.previous_year
        else ""
    )
    raise ReportError(
        f"Chưa lập được quyết định công nhận: {len(pending)} hộ chưa có kết quả rà soát "
        f"năm {data.year}{of_which}: {named}{more}. Hãy nhập đủ phiếu của các hộ chưa xác "
        "định và bình xét lại các hộ cuộc họp thôn chưa thống nhất (Danh sách hộ cần rà "
        "soát lại), rồi lập quyết định."
    )


def recognition_decision(data: ReviewData, village: str | None = None) -> Document:
    """The decision, then its four lists (each its own part: signed and numbered alone).
    Refused while a household of the round has no category (``unsettled``)."""
    if village is not None:
        raise ReportError("Quyết định công nhận lập cho cả xã, không theo từng thôn.")
    _refuse_unsettled(data)
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
