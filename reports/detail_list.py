"""Danh sách chi tiết hộ nghèo / hộ cận nghèo (documents.md §2, [proxy] layout): each head's
row followed by the members' rows, with the household's movement, flags and the support it
needs.

The support columns group our needs catalog (``forms/data/needs.toml``) under the six headings
of the lists communes exchange; the grouping is ours, not a legal text.
"""

from __future__ import annotations

from forms.labels import relationship_of
from forms.model import Member, Sex, Transition
from reports.document import (
    Column,
    Document,
    Header,
    Para,
    Part,
    SignatureBox,
    Signatures,
    Table,
)
from reports.review import NEAR_POOR, POOR, Entry, ReviewData, village_title

SUPPORT = (
    ("Y tế", {"health_insurance"}),
    ("Giáo dục", {"education", "training"}),
    ("Sản xuất", {"land", "means", "extension"}),
    ("Vay vốn", {"credit"}),  # "tín dụng" left off: the header stays two lines
    ("Nhà ở", {"housing"}),
    ("Khác", {"jobs", "other"}),
)
T = Transition
# Chia theo: nghèo mới | tái nghèo | nghèo cũ (and the near-poor twins).
MOVES = {
    POOR: (
        {T.NEWLY_POOR, T.NEAR_POOR_TO_POOR},
        {T.FELL_BACK_POOR},
        {T.STAYED_POOR},
    ),
    NEAR_POOR: (
        {T.NEWLY_NEAR_POOR, T.POOR_TO_NEAR_POOR},
        {T.FELL_BACK_NEAR_POOR},
        {T.STAYED_NEAR_POOR},
    ),
}
X = "x"


SUPPORT_WIDTHS = (10.5, 11.1, 11.1, 11.2, 10.9, 11.2)


def columns(group: str) -> list[Column]:
    # Weights in millimetres of A4 landscape at 10 pt: the household's flags under one group
    # with the short names of the final list (said in full in the note above the table), so
    # no header runs to six lines; "Mã hộ" as wide as a code, a year as wide as four digits,
    # "Dân tộc" as "H'Mông", "Quan hệ" as "Vợ/chồng", "Không có KNLĐ" on three lines as
    # "Cận nghèo mới" beside it.
    word = "nghèo" if group == POOR else "cận nghèo"
    split = f"Chia hộ {word} theo"
    return [
        Column("STT chủ hộ", "A", 9, "plain"),
        Column("STT thành viên", "B", 12.2, "plain"),
        Column("Họ, tên chủ hộ và thành viên trong hộ", "C", 30),
        Column("Mã hộ", "D", 19.5),
        Column("Nam", "1", 11, "year", group="Năm sinh"),
        Column("Nữ", "2", 11, "year", group="Năm sinh"),
        Column("Dân tộc", "E", 14.5),
        Column("Quan hệ với chủ hộ", "F", 19.5),
        Column(f"{word.capitalize()} mới", "G", 13.5, group=split),
        Column(f"Tái {word}", "H", 13.5, group=split),
        Column(f"{word.capitalize()} cũ", "I", 13.5, group=split),
        Column("Có công", "J", 11.5, group="Đặc điểm hộ"),
        Column("DTTS", "K", 12, group="Đặc điểm hộ"),
        Column("Không có KNLĐ", "L", 13.5, group="Đặc điểm hộ"),
        *[
            Column(title, chr(ord("M") + i), SUPPORT_WIDTHS[i], group="Chính sách hỗ trợ")
            for i, (title, _ids) in enumerate(SUPPORT)
        ],
    ]


def _member_cells(m: Member, head: Member | None = None) -> list:
    year = m.year_of_birth()
    return [
        m.name,
        None,
        year if m.sex is Sex.MALE else None,
        year if m.sex is Sex.FEMALE else None,
        m.ethnicity or "",
        relationship_of(m, head),
    ]


def rows_for(table: Table, n: int, e: Entry, group: str, data: ReviewData) -> None:
    h = e.household
    head = h.head()
    ordered = ([head] if head else []) + [m for m in h.members if m is not head]
    ref = data.reference
    marks = [X if e.transition in ts else "" for ts in MOVES[group]]
    flags = [
        X if h.meritorious_household else "",
        X if e.flag("ethnic_minority", ref) else "",
        X if e.flag("no_labour", ref) else "",
    ]
    support = [X if ids & set(h.needs) else "" for _title, ids in SUPPORT]
    for i, m in enumerate(ordered):
        cells = _member_cells(m, head)
        cells[1] = h.code if i == 0 else ""
        if i == 0:
            table.add([n, None, *cells, *marks, *flags, *support])
        else:
            table.add([None, i, *cells], "member")


def detail_part(data: ReviewData, group: str, village: str | None) -> Part:
    word = "hộ nghèo" if group == POOR else "hộ cận nghèo"
    table = Table(columns(group), sheet=f"Chi tiết {word}", show_codes=True)
    chosen = data.in_group(group, village)
    n = 0
    for v, entries in data.village_order(chosen):
        table.section(village_title(v))
        for e in entries:
            n += 1
            rows_for(table, n, e, group, data)
    persons = sum(e.size for e in chosen)
    table.add([None, None, f"Tổng cộng: {len(chosen)} hộ, {persons} khẩu"], "total")
    place = data.place_title(village)
    # An empty list says so in words: its table of headers over "Tổng cộng: 0 hộ" under the
    # commune's name read as "the commune has no poor households".
    body: list = (
        [table]
        if chosen
        else [Para(f"{place} không có {word} nào theo kết quả rà soát năm {data.year}.")]
    )
    return Part(
        Header(data.commune_issuer(), data.commune_short),
        f"Danh sách chi tiết {word}",
        [f"{place} - kết quả rà soát năm {data.year}"],
        [
            Para(
                "Đặc điểm hộ: Có công: hộ chính sách có công với cách mạng; "
                "DTTS: hộ dân tộc thiểu số; Không có KNLĐ: hộ không có khả năng lao động.",
                "small",
            ),
            *body,
            Signatures(
                [
                    SignatureBox("NGƯỜI LẬP BIỂU"),
                    SignatureBox("CHỦ TỊCH", above="TM. ỦY BAN NHÂN DÂN", note="(Ký, đóng dấu)"),
                ]
            ),
        ],
    )


def detail_list(data: ReviewData, village: str | None = None) -> Document:
    return Document(
        "detail_list",
        "Danh sách chi tiết hộ nghèo, hộ cận nghèo",
        [detail_part(data, POOR, village), detail_part(data, NEAR_POOR, village)],
        landscape=True,
        pages_per_part=True,  # each list is signed on its own
    )
