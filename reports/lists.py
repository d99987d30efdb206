"""The lists of households: for the village meeting, for public posting, the commune's final
lists and the escaped lists (documents.md §2). One table shape, different selections."""

from __future__ import annotations

from datetime import date

from forms.labels import CATEGORY_LABELS, TRANSITION_LABELS
from forms.model import Category, Transition
from reports.document import Column, Document, Header, Para, Part, SignatureBox, Signatures, Table
from reports.review import (
    ESCAPED_NEAR_POVERTY,
    ESCAPED_POVERTY,
    GROUP_TITLES,
    LIST_GROUPS,
    NEAR_POOR,
    POOR,
    Entry,
    ReportError,
    ReviewData,
    village_title,
)

ROMAN = ("I", "II", "III", "IV", "V", "VI")
X = "x"
# The short column headers, said in full in the note above each list that uses them.
ABBREVIATIONS = "DTTS: hộ dân tộc thiểu số; KNLĐ: khả năng lao động."


def period(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return "Thời gian niêm yết: từ ngày …/…/… đến ngày …/…/…"
    return f"Thời gian niêm yết: từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


# A household whose previous year was not determined: whether it is new, fallen back or old
# on its list is an open reading (docs/domain.md); the cell says why it names none, as an
# empty cell did not.
NO_PREVIOUS = "Năm trước chưa xác định"


def kind_label(entry: Entry, proposed: bool = False) -> str:
    """Nghèo cũ / nghèo mới / tái nghèo … — what the lists call the household's movement;
    ``proposed``: as put to the village meeting (a household it sent back has none after)."""
    moved = entry.proposed if proposed else entry.transition
    if moved is None:
        return ""
    if moved is Transition.UNKNOWN:
        return NO_PREVIOUS
    return TRANSITION_LABELS[moved]


def household_columns(with_village: bool) -> list[Column]:
    # Weights in millimetres of A4 landscape at 10 pt: the flags' two-word headers on two
    # lines under their group, the numbers' on three beside it (the header stays three lines
    # high), "Mã hộ" as wide as a code; what is left goes to Nguyên nhân nghèo.
    cols = [
        Column("STT", "A", 9.5, "plain"),
        Column("Họ và tên chủ hộ", "B", 36 if with_village else 40),
        Column("Mã hộ", "C", 19.5),  # "04-0044" whole: the 4s are the widest digits
    ]
    if with_village:
        cols.append(Column("Thôn", "D", 20))
    cols += [
        Column("Dân tộc", "E", 15.9),
        Column("Số nhân khẩu", "1", 13, "int"),
        Column("Điểm B1", "2", 12, "int"),
        Column("Điểm B2", "3", 12, "int"),
        Column("Phân loại", "F", 24 if with_village else 26),
        Column("DTTS", "G", 12, group="Đặc điểm hộ"),
        Column("Không có KNLĐ", "H", 19, group="Đặc điểm hộ"),
        Column("Có công", "I", 11.5, group="Đặc điểm hộ"),
        Column("Nguyên nhân nghèo", "J", 47.5 if with_village else 61.5),
        Column("Ghi chú", "K", 15.2),  # empty until the meeting writes in it: narrow
    ]
    # Letters for text columns run on without a gap whether or not "Thôn" is shown.
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for col in cols:
        if not col.code.isdigit():
            col.code = next(letters)
    return cols


def household_cells(
    n: int, e: Entry, ref: date, with_village: bool, note: str = "", proposed: bool = False
) -> list:
    h, r = e.household, e.result
    head = h.head()
    cells: list = [n, h.head_name(), h.code]
    if with_village:
        cells.append(h.village)
    cells += [
        head.ethnicity if head and head.ethnicity else "",
        h.size(),
        r.b1_score,
        r.deprivation_score,
        kind_label(e, proposed),
        X if e.flag("ethnic_minority", ref) else "",
        X if e.flag("no_labour", ref) else "",
        X if h.meritorious_household else "",
        e.cause_labels(),
        note,
    ]
    return cells


def total_cells(entries: list[Entry], with_village: bool) -> list:
    persons = sum(e.size for e in entries)
    cells: list = [None, f"Cộng: {len(entries)} hộ, {persons} khẩu", None]
    if with_village:
        cells.append(None)
    cells += [None, persons]
    return cells


def grouped_table(
    data: ReviewData,
    groups: tuple[str, ...],
    village: str | None,
    *,
    sheet: str,
    proposed: bool = False,
) -> Table:
    """One table with a section per list (I. Hộ nghèo …) and its total; across villages, a
    sub-heading row per village. ``proposed``: the lists as put to the village meeting,
    otherwise the lists after it (households sent back for re-survey left out)."""
    with_village = village is None
    table = Table(household_columns(with_village), sheet=sheet, show_codes=True)
    ref = data.reference
    for gi, group in enumerate(groups):
        chosen = data.in_group(group, village, proposed=proposed)
        table.section(f"{ROMAN[gi]}. {GROUP_TITLES[group].upper()}")
        n = 0
        for v, entries in data.village_order(chosen):
            if with_village:
                table.section(village_title(v))
            for e in entries:
                n += 1
                table.add(household_cells(n, e, ref, with_village, proposed=proposed))
        table.add(total_cells(chosen, with_village), "total")
    return table


def _villages(data: ReviewData, village: str | None) -> list[str]:
    if village is not None:
        return [village]
    present = {e.village for e in data.entries}
    return [v for v in data.villages if v in present] or data.villages[:1]


def meeting_list(data: ReviewData, village: str | None = None) -> Document:
    """Danh sách hộ đưa ra bình xét tại cuộc họp thôn — one part per village."""
    parts = []
    for v in _villages(data, village):
        table = grouped_table(data, LIST_GROUPS, v, sheet=village_title(v), proposed=True)
        parts.append(
            Part(
                Header(data.village_issuer(v), village_title(v)),
                "Danh sách hộ gia đình đưa ra bình xét tại cuộc họp thôn",
                [f"{village_title(v)}, {data.commune_full} - Kỳ rà soát năm {data.year}"],
                [
                    Para(
                        "Danh sách gồm các hộ nghèo, hộ cận nghèo, hộ thoát nghèo và hộ thoát "
                        "cận nghèo theo kết quả rà soát (Điểm B1: thu nhập; Điểm B2: 10 điểm "
                        f"mỗi chỉ số thiếu hụt). {ABBREVIATIONS}",
                        "small",
                    ),
                    table,
                    Signatures(
                        [
                            SignatureBox("NGƯỜI LẬP DANH SÁCH"),
                            SignatureBox("TRƯỞNG THÔN"),
                        ]
                    ),
                ],
            )
        )
    # Each village's list is signed on its own: its pages count from 1 (Trang 1/n).
    return Document(
        "meeting_list",
        "Danh sách bình xét tại cuộc họp thôn",
        parts,
        landscape=True,
        pages_per_part=True,
    )


def posting_list(data: ReviewData, village: str | None = None) -> Document:
    """Danh sách niêm yết công khai — at the village (with ``village``) or the commune office."""
    posting = data.posting_for(village)
    table = grouped_table(data, LIST_GROUPS, village, sheet="Niêm yết")
    if village is None:
        header = Header(data.commune_issuer(), data.commune_short)
        where = f"tại trụ sở UBND {data.commune_full}"
    else:
        header = Header(data.village_issuer(village), village_title(village))
        where = f"tại nhà văn hóa {village_title(village)}"
    part = Part(
        header,
        "Danh sách niêm yết công khai hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo",
        [
            f"{data.place_title(village)} - Kỳ rà soát năm {data.year}",
            period(posting.start if posting else None, posting.end if posting else None),
        ],
        [
            Para(
                f"Niêm yết {where}. Mọi ý kiến, khiếu nại về danh sách xin gửi Ban chỉ đạo rà "
                f"soát {data.commune_full} trong thời gian niêm yết. {ABBREVIATIONS}",
                "small",
            ),
            table,
            Signatures(
                [
                    SignatureBox("CHỦ TỊCH", above="TM. ỦY BAN NHÂN DÂN", note="(Ký, đóng dấu)")
                    if village is None
                    else SignatureBox("TRƯỞNG THÔN")
                ]
            ),
        ],
    )
    return Document("posting_list", "Danh sách niêm yết công khai", [part], landscape=True)


def _decision_line(data: ReviewData) -> str:
    d = data.decision
    if d is None:
        return (
            f"(Kèm theo Quyết định số …/QĐ-UBND ngày …/…/{data.year} của Chủ tịch UBND "
            f"{data.commune_full})"
        )
    # Printed as the lists now stand, it names the monthly decisions that changed them: the
    # list with the same heading as the one attached to the decision held other households.
    updates = "".join(
        f"; cập nhật theo Quyết định số {u.number} ngày {u.date:%d/%m/%Y}" for u in data.updated_by
    )
    return (
        f"(Kèm theo Quyết định số {d.number} ngày {d.date:%d/%m/%Y} của Chủ tịch UBND "
        f"{data.commune_full}{updates})"
    )


def final_columns() -> list[Column]:
    # Weights in millimetres of A4 landscape at 10 pt (see household_columns): the
    # deprivations as the indicators' numbers, named in the note above the table, so a row
    # takes two or three lines, not five.
    return [
        Column("STT", "A", 9, "plain"),
        Column("Mã hộ", "B", 19.5),
        Column("Họ và tên chủ hộ", "C", 31),  # also holds the total: "Tổng cộng: … hộ, … khẩu"
        Column("Thôn", "D", 20),
        Column("Dân tộc", "E", 14.5),
        Column("Số nhân khẩu", "1", 12.5, "int"),
        Column("Phân loại", "F", 28),  # "Thoát nghèo (vượt chuẩn cận nghèo)"
        Column("Điểm B1", "2", 11, "int"),
        Column("Số", "3", 9.5, "int", group="Thiếu hụt"),
        Column("Các chỉ số", "G", 17, group="Thiếu hụt"),
        Column("DTTS", "H", 12, group="Đặc điểm hộ"),
        Column("Không có KNLĐ", "I", 19, group="Đặc điểm hộ"),
        Column("Có công", "J", 11.5, group="Đặc điểm hộ"),
        Column("Bảo trợ xã hội", "K", 15.5, group="Đặc điểm hộ"),
        Column("Nguyên nhân nghèo", "L", 36.5),
    ]


def indicator_note(data: ReviewData) -> str:
    """What the numbers of the deprivation column and the short headers stand for."""
    named = "; ".join(f"{i} - {name}" for i, (_id, name) in enumerate(data.indicators(), 1))
    return f"Các chỉ số thiếu hụt (cột G) ghi theo số thứ tự: {named}. {ABBREVIATIONS}"


def final_part(data: ReviewData, group: str, title: str) -> Part:
    table = Table(final_columns(), sheet=GROUP_TITLES[group], show_codes=True)
    chosen = data.in_group(group)
    ref = data.reference
    number = {id_: i for i, (id_, _name) in enumerate(data.indicators(), 1)}
    n = 0
    for v, entries in data.village_order(chosen):
        table.section(village_title(v))
        for e in entries:
            n += 1
            r = e.result
            h = e.household
            head = h.head()
            deprived = ", ".join(str(number[i]) for i in r.deprived_ids if i in number)
            table.add(
                [
                    n,
                    h.code,
                    h.head_name(),
                    h.village,
                    head.ethnicity if head and head.ethnicity else "",
                    h.size(),
                    kind_label(e),
                    r.b1_score,
                    r.deprivation_count,
                    deprived,
                    X if e.flag("ethnic_minority", ref) else "",
                    X if e.flag("no_labour", ref) else "",
                    X if h.meritorious_household or e.flag("meritorious", ref) else "",
                    X if e.flag("social_protection", ref) else "",
                    e.cause_labels(),
                ]
            )
    persons = sum(e.size for e in chosen)
    table.add(
        [None, None, f"Tổng cộng: {len(chosen)} hộ, {persons} khẩu", None, None, persons], "total"
    )
    return Part(
        Header(
            data.commune_issuer(),
            data.commune_short,
            when=data.decision.date if data.decision else None,
        ),
        title,
        [
            f"{data.commune_title} - kết quả {data.review_name}, áp dụng từ ngày quyết định"
            if data.monthly
            else f"{data.commune_title} - kết quả rà soát năm {data.year}, "
            f"áp dụng năm {data.list_year}",
            _decision_line(data),
        ],
        [
            Para(indicator_note(data), "small"),
            table,
            # Attached to the chairman's own decision ("của Chủ tịch UBND xã", as the line above
            # says): signed as it is, "CHỦ TỊCH", not on the committee's behalf ("TM.").
            Signatures(
                [
                    SignatureBox(
                        "CHỦ TỊCH",
                        note="(Ký, đóng dấu)",
                        name=data.decision.signer if data.decision else "",
                    )
                ]
            ),
        ],
    )


def final_list(data: ReviewData, village: str | None = None) -> Document:
    """The commune's lists of poor and near-poor households, attached to the decision."""
    if village is not None:
        raise ReportError("Danh sách chính thức lập cho cả xã, không theo từng thôn.")
    parts = [
        final_part(data, POOR, "Danh sách hộ nghèo"),
        final_part(data, NEAR_POOR, "Danh sách hộ cận nghèo"),
    ]
    return Document(
        "final_list",
        "Danh sách hộ nghèo, hộ cận nghèo",
        parts,
        landscape=True,
        pages_per_part=True,  # each list is signed on its own
    )


def escaped_list(data: ReviewData, village: str | None = None) -> Document:
    if village is not None:
        raise ReportError("Danh sách chính thức lập cho cả xã, không theo từng thôn.")
    parts = [
        final_part(data, ESCAPED_POVERTY, "Danh sách hộ thoát nghèo"),
        final_part(data, ESCAPED_NEAR_POVERTY, "Danh sách hộ thoát cận nghèo"),
    ]
    return Document(
        "escaped_list",
        "Danh sách hộ thoát nghèo, thoát cận nghèo",
        parts,
        landscape=True,
        pages_per_part=True,  # each list is signed on its own
    )


def _proposal(e: Entry) -> str:
    label = CATEGORY_LABELS[e.result.category]
    if e.proposed is not None and e.proposed is not Transition.UNKNOWN:
        return f"{label} ({TRANSITION_LABELS[e.proposed]})"
    return label


def sentences(texts: list[str]) -> str:
    """Reasons joined as the sentences they are (each ends with a full stop, one space
    between), not with "; " after their own full stops."""
    out = []
    for text in texts:
        text = text.strip()
        if text:
            out.append(text if text[-1] in ".!?…" else text + ".")
    return " ".join(out)


def _missing(e: Entry) -> str:
    names = [o.name for o in e.result.indicators if o.id in set(e.result.unknown_ids)]
    reasons = sentences(e.result.reasons)
    if names:
        return f"Thiếu thông tin chỉ số: {'; '.join(names)}" + (f". {reasons}" if reasons else "")
    return reasons or "Thiếu thông tin để phân loại"


def resurvey_list(data: ReviewData, village: str | None = None) -> Document:
    """Danh sách hộ cần rà soát lại, bổ sung thông tin: the households the village meeting
    sent back (on no other list until a new vote), and those whose result could not be
    determined (chưa xác định), which would otherwise be on no list at all."""
    cols = [
        Column("STT", "A", 0.6, "plain"),
        Column("Họ và tên chủ hộ", "B", 3.0),
        Column("Mã hộ", "C", 1.3),
        Column("Thôn", "D", 1.8),
        Column("Kết quả rà soát đưa ra họp", "E", 3.0),
        Column("Lý do rà soát lại, nội dung cần bổ sung", "F", 5.0),
    ]
    table = Table(cols, sheet="Rà soát lại", show_codes=True)
    back = data.sent_back(village)
    open_ = [
        e
        for e in data.entries
        if not e.sent_back
        and e.result_category is Category.UNDETERMINED
        and (village is None or e.village == village)
    ]
    sections = (
        ("I. HỘ CUỘC HỌP THÔN KHÔNG THỐNG NHẤT, CẦN RÀ SOÁT LẠI", back),
        ("II. HỘ CHƯA XÁC ĐỊNH ĐƯỢC KẾT QUẢ, CẦN BỔ SUNG THÔNG TIN", open_),
    )
    for title, chosen in sections:
        table.section(title)
        n = 0
        for _v, entries in data.village_order(chosen):
            for e in entries:
                n += 1
                h = e.household
                if e.sent_back and e.vote is not None:
                    v = e.vote
                    why = (
                        # One line each at 10 pt: the date, then the share agreeing.
                        f"Họp thôn ngày {v.meeting_date:%d/%m/%Y}:\n{v.agree}/{v.attendees} "
                        "người dự họp đồng ý (dưới 50%)"
                    ) + (f". Ý kiến: {v.note}" if v.note else "")
                    table.add([n, h.head_name(), h.code, h.village, _proposal(e), why])
                else:
                    table.add([n, h.head_name(), h.code, h.village, "Chưa xác định", _missing(e)])
        table.add([None, f"Cộng: {len(chosen)} hộ"], "total")
    if village is None:
        header = Header(data.commune_issuer(), data.commune_short)
        signer = SignatureBox("CHỦ TỊCH", above="TM. ỦY BAN NHÂN DÂN", note="(Ký, đóng dấu)")
        where = data.commune_title
    else:
        header = Header(data.village_issuer(village), village_title(village))
        signer = SignatureBox("TRƯỞNG THÔN")
        where = f"{village_title(village)}, {data.commune_full}"
    part = Part(
        header,
        "Danh sách hộ cần rà soát lại, bổ sung thông tin",
        [f"{where} - Kỳ rà soát năm {data.year}"],
        [
            Para(
                "Các hộ dưới đây không có tên trong danh sách niêm yết, danh sách chính thức "
                "và báo cáo tổng hợp cho đến khi được rà soát lại và cuộc họp thôn biểu quyết "
                "lại (từ 50% số người dự họp đồng ý trở lên).",
                "small",
            ),
            table,
            Signatures([SignatureBox("NGƯỜI LẬP DANH SÁCH"), signer]),
        ],
    )
    return Document("resurvey_list", "Danh sách hộ cần rà soát lại", [part], landscape=True)
