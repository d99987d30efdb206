"""Biên bản kết quả họp dân (Phụ lục V, Circular 07/2021) with the vote on each household.

The first half follows the annex [confirmed]; the results and signatures part is
[unconfirmed] (documents.md §1) and keeps to what the procedure requires: the share agreeing
per household against the ≥ 50% rule, and the three signatures.
"""

from __future__ import annotations

from db.records import MeetingVote
from reports.document import Column, Document, Header, Para, Part, SignatureBox, Signatures, Table
from reports.lists import ROMAN
from reports.review import (
    GROUP_TITLES,
    LIST_GROUPS,
    Entry,
    ReportError,
    ReviewData,
    village_title,
)

DOTS = "……………"


def minutes_parts(data: ReviewData, village: str) -> list[Part]:
    """The village's minutes, one set per meeting: votes typed with different meeting dates
    were taken at different meetings (a household sent back and put to a later one), each
    signed on its day. Households not voted on yet go to the latest meeting's."""
    entries = agenda(data, village)
    days = sorted({e.vote.meeting_date for e in entries if e.vote is not None})
    if len(days) <= 1:
        return [minutes_part(data, village, entries)]
    return [
        minutes_part(
            data,
            village,
            [
                e
                for e in entries
                if (e.vote.meeting_date == day if e.vote is not None else day == days[-1])
            ],
        )
        for day in days
    ]


def _attendance(votes: list[MeetingVote]) -> str:
    """The line's count: the same at every vote, or the fewest and the most (people come
    and go during a meeting; each household's count is in the table)."""
    counts = sorted({v.attendees for v in votes})
    if not counts:
        return "…… người."
    if len(counts) == 1:
        return f"{counts[0]} người."
    return (
        f"từ {counts[0]} đến {counts[-1]} người (số người dự họp khi biểu quyết từng hộ ghi ở "
        "bảng dưới)."
    )


def minutes_part(data: ReviewData, village: str, entries: list[Entry]) -> Part:
    """One meeting's minutes: ``entries`` the households put to it."""
    vt = village_title(village)
    votes = [e.vote for e in entries if e.vote is not None]
    meeting_date = max((v.meeting_date for v in votes), default=None)
    # The households put to the meeting, not every household of the village.
    reviewed = len(entries)
    put = {e.household.id for e in entries}
    when = f"ngày {meeting_date:%d/%m/%Y}" if meeting_date else "ngày …… tháng …… năm ……"
    blocks: list = [
        Para(
            f"Hôm nay, vào hồi …… giờ …… {when}, tại {DOTS}, {vt}, {data.commune_full} tổ chức "
            f"họp dân để thống nhất kết quả rà soát hộ nghèo, hộ cận nghèo năm {data.year}."
        ),
        Para("I. THÀNH PHẦN THAM DỰ", "heading"),
        Para(f"- Chủ trì: Ông/Bà {DOTS} Trưởng thôn/Tổ trưởng tổ dân phố."),
        Para(f"- Thư ký: Ông/Bà {DOTS}"),
        Para(f"- Đại diện Ban chỉ đạo rà soát {data.commune_full}: …… người."),
        Para("- Đại diện Chi bộ, các tổ chức đoàn thể: …… người."),
        Para("- Đại diện Ban công tác Mặt trận thôn: …… người."),
        # Households represented are counted in the room, not stored: left for the secretary.
        Para(
            f"- Đại diện …… hộ gia đình trên tổng số {reviewed} hộ có tên trong Danh sách hộ "
            "gia đình cần rà soát, chiếm tỷ lệ …… %."
        ),
        Para(f"- Tổng số người dự họp và biểu quyết: {_attendance(votes)}"),
        Para("- Rà soát viên: …… người."),
        Para("II. KẾT QUẢ HỌP DÂN", "heading"),
    ]
    table = Table(
        [
            Column("STT", "A", 0.5, "plain"),
            Column("Họ và tên chủ hộ", "B", 2.6),
            Column("Mã hộ", "C", 1.3),
            Column("Số người dự họp", "1", 0.9, "int"),
            Column("Số người đồng ý", "2", 0.9, "int"),
            Column("Tỷ lệ đồng ý (%)", "3=2/1", 0.9, "percent"),
            Column("Kết quả", "D", 1.6),
        ],
        sheet=vt,
        show_codes=True,
    )
    summary: list[Para] = []
    for gi, group in enumerate(LIST_GROUPS):
        chosen = sorted(
            (e for e in data.in_group(group, village, proposed=True) if e.household.id in put),
            key=lambda e: e.code,
        )
        passed = [e for e in chosen if e.vote is not None and e.vote.passed]
        # Before any vote is typed in, a count of 0 would read as "nobody agreed": the
        # secretary fills the blank in by hand instead.
        agreed = str(len(passed)) if votes else "……"
        summary.append(
            Para(
                f"- {GROUP_TITLES[group]}: {len(chosen)} hộ đưa ra bình xét; "
                f"{agreed} hộ được thống nhất (từ 50% số người dự họp đồng ý trở lên)."
            )
        )
        table.section(f"{ROMAN[gi]}. {GROUP_TITLES[group].upper()}")
        if not chosen:  # said in words: a bare heading would read as a list cut off
            table.add([None, "Không có hộ nào"])
        for n, e in enumerate(chosen, start=1):
            v = e.vote
            if v is None:
                # The form printed before the meeting leaves the result to be written in by
                # hand; once some votes are in, the ones still missing are said.
                pending = "Chưa biểu quyết" if votes else None
                table.add([n, e.household.head_name(), e.code, None, None, None, pending])
                continue
            share = 100 * v.agree / v.attendees if v.attendees else None
            outcome = "Thống nhất" if v.passed else "Không thống nhất, rà soát lại"
            table.add([n, e.household.head_name(), e.code, v.attendees, v.agree, share, outcome])
    blocks += summary
    blocks.append(Para("Danh sách kèm theo, với kết quả biểu quyết từng hộ:", "italic"))
    blocks.append(table)
    notes = [e for e in entries if e.vote is not None and e.vote.note]
    blocks.append(Para("III. Ý KIẾN KHÁC", "heading"))
    if notes:
        for e in notes:
            assert e.vote is not None
            blocks.append(Para(f"- Hộ {e.household.head_name()} ({e.code}): {e.vote.note}"))
    else:
        blocks.append(Para(f"{DOTS}{DOTS}{DOTS}"))
    blocks.append(
        Para(
            # Decision 24/2021/QĐ-TTg: "01 bản lưu ở thôn, 01 bản gửi Ban Chỉ đạo rà soát cấp
            # xã" (until session 26: "gửi UBND xã").
            "Cuộc họp kết thúc vào hồi …… giờ …… cùng ngày. Biên bản được lập thành 02 bản: "
            "thôn giữ 01 bản, gửi Ban Chỉ đạo rà soát hộ nghèo, hộ cận nghèo "
            f"{data.commune_full} 01 bản."
        )
    )
    blocks.append(
        Signatures(
            [
                SignatureBox("THƯ KÝ"),
                SignatureBox("ĐẠI DIỆN CÁC HỘ GIA ĐÌNH"),
                SignatureBox("CHỦ TRÌ"),
            ]
        )
    )
    return Part(
        Header(data.village_issuer(village), vt, when=meeting_date, form_mark="Phụ lục V"),
        "Biên bản kết quả họp dân để thống nhất kết quả rà soát",
        [f"hộ nghèo, hộ cận nghèo năm {data.year}"],
        blocks,
    )


def agenda(data: ReviewData, village: str) -> list[Entry]:
    """The village's households put to its meeting (on any list as proposed)."""
    return [e for e in data.village_entries(village) if e.groups(proposed=True)]


def meeting_minutes(data: ReviewData, village: str | None = None) -> Document:
    """One set of minutes per village that has households to put to its meeting; a village
    with nobody to review holds no meeting and gets no empty minutes."""
    villages = [village] if village is not None else data.villages
    held = [v for v in villages if agenda(data, v)]
    if not held:
        where = village_title(village) if village is not None else data.commune_full
        raise ReportError(f"{where} không có hộ nào đưa ra bình xét tại cuộc họp thôn.")
    return Document(
        "meeting_minutes",
        "Biên bản họp dân",
        [part for v in held for part in minutes_parts(data, v)],
        pages_per_part=True,  # each village's minutes are signed on their own
    )
