"""Thông báo niêm yết công khai (documents.md §3, from a real 2022 commune notice)."""

from __future__ import annotations

from db.records import Posting
from reports.document import Document, Header, Para, Part, SignatureBox, Signatures
from reports.lists import period, posting_list
from reports.review import (
    GROUP_TITLES,
    LIST_GROUPS,
    PROCEDURE_BASIS,
    ReviewData,
    village_title,
)


def _own(data: ReviewData, village: str) -> Posting | None:
    """The village's own posting only (``posting_for`` falls back for the commune office)."""
    return next((p for p in data.postings if p.village == village), None)


def _when(posting: Posting | None) -> str:
    text = period(posting.start if posting else None, posting.end if posting else None)
    return text.replace("Thời gian niêm yết: t", "t", 1)


def posting_notice(data: ReviewData, village: str | None = None) -> Document:
    lines: list[Para] = []
    for group in LIST_GROUPS:
        chosen = data.in_group(group, village)
        persons = sum(e.size for e in chosen)
        lines.append(Para(f"- {GROUP_TITLES[group]}: {len(chosen)} hộ, {persons} khẩu;"))
    # Each place is posted for its own period (the village's posting, the commune office's).
    places = [(f"Trụ sở UBND {data.commune_full}", _own(data, ""))]
    places += [(f"Nhà văn hóa {village_title(v)}", _own(data, v)) for v in data.villages]
    blocks: list = [
        # The round's standard with its legal source, as the decision cites it: Decree
        # 07/2021 alone was printed whatever standard the round was scored on.
        Para(f"Căn cứ {data.standard_title};"),
        Para(f"Căn cứ {PROCEDURE_BASIS};"),
        Para(
            f"Căn cứ Kế hoạch rà soát hộ nghèo, hộ cận nghèo năm {data.year} của cấp trên và "
            f"của UBND {data.commune_full};"
        ),
        Para(
            f"Ủy ban nhân dân {data.commune_full} thông báo niêm yết công khai danh sách hộ "
            f"nghèo, hộ cận nghèo năm {data.year} như sau:"
        ),
        Para("1. Danh sách niêm yết", "heading"),
        *lines,
        Para("(Có danh sách kèm theo)", "italic"),
        Para("2. Địa điểm và thời gian niêm yết", "heading"),
        *[Para(f"- {place}: {_when(p)};") for place, p in places],
        Para(
            "Trong thời gian niêm yết, mọi ý kiến thắc mắc, khiếu nại xin gửi về Ban chỉ đạo "
            f"rà soát hộ nghèo, hộ cận nghèo {data.commune_full} (qua Trưởng thôn hoặc trực "
            "tiếp tại trụ sở UBND) để được xem xét, giải quyết."
        ),
        Signatures(
            [
                # No "Như trên": the notice has no "Kính gửi" for it to point back to.
                SignatureBox(
                    "Nơi nhận:",
                    recipients=True,
                    note="- Trưởng các thôn (để niêm yết);<br/>- Ban chỉ đạo rà soát "
                    f"{data.commune_full};<br/>- Lưu: VT.",
                ),
                SignatureBox("CHỦ TỊCH", above="TM. ỦY BAN NHÂN DÂN", note="(Ký, đóng dấu)"),
            ]
        ),
    ]
    part = Part(
        Header(data.commune_issuer(), data.commune_short, number="Số: …/TB-UBND"),
        "Thông báo",
        [
            "Về việc niêm yết công khai danh sách hộ nghèo, hộ cận nghèo "
            f"{data.commune_full} năm {data.year}"
        ],
        blocks,
    )
    # "(danh sách kèm theo)": the commune office's posting list goes with the notice, as the
    # decision's lists go with it (documents.md §3, "printed with the four lists attached");
    # the notice alone pointed at lists nobody had been handed. Each signed on its own pages.
    attached = posting_list(data).parts
    for p in attached:
        p.landscape = True
    return Document(
        "posting_notice", "Thông báo niêm yết công khai", [part, *attached], pages_per_part=True
    )
