"""The workbook communes exchange after the review (documents.md §2, [proxy]): three sheets,
one row per person; the head's row carries the household number and the household's facts,
members follow with them blank. District columns stay empty (no districts since July 2025).

Cells sit where an importer reading fixed positions looks for them: sheet 1 has its title in
A4, a two-row header with the column numbers under it (rows 5-7) and data from row 8 in
columns A..AA; sheets 2 and 3 have their title in B5 and data from row 10 in columns A..P.
"Mã hộ" is one column past the fixed ones (AB, Q) so a file read back
(``db.exchange.excel_lists``) keeps each household's stable code.

What goes up is what the upper level's documents use (docs/privacy.md): names, relationship,
sex, year of birth, ethnicity, the household's facts. The birth column carries the year and
the CCCD column stays empty unless ``ReviewData.identity`` asks for the full date and
number (``rasoat report exchange_workbook --full-identity``, the Báo cáo menu's check)."""

from __future__ import annotations

from forms.labels import CATEGORY_LABELS, SEX_LABELS, relationship_of
from forms.model import Category, Member, Relationship
from reports.document import Column, Document, Header, Part, Table
from reports.review import (
    ESCAPED_NEAR_POVERTY,
    ESCAPED_POVERTY,
    NEAR_POOR,
    POOR,
    Entry,
    ReviewData,
)

# (sheet name, title, lists, title cell, first data row, fixed columns A..?)
SHEETS = (
    (
        "Hộ nghèo, cận nghèo",
        "Danh sách hộ nghèo, hộ cận nghèo sau khi rà soát",
        (POOR, NEAR_POOR),
        "A4",
        8,
        27,  # A..AA
    ),
    (
        "Hộ thoát nghèo",
        "Danh sách hộ thoát nghèo sau khi rà soát",
        (ESCAPED_POVERTY,),
        "B5",
        10,
        16,  # A..P
    ),
    (
        "Hộ thoát cận nghèo",
        "Danh sách hộ thoát cận nghèo sau khi rà soát",
        (ESCAPED_NEAR_POVERTY,),
        "B5",
        10,
        16,
    ),
)
# The header groups the administrative columns so the header takes two rows and the column
# numbers a third: our own Excel import reads the second row into the blanks of the first and
# skips the number row, so it finds the data where a fixed-position importer does.
UNIT = "Đơn vị hành chính"


def columns(fixed: int = 27) -> list[Column]:
    spec = [
        ("TT", 0.6, "plain", ""),  # running number of the person rows, read by nobody
        ("STT hộ", 0.8, "plain", ""),
        ("Họ và tên chủ hộ", 3.0, "text", ""),
        ("Họ và tên thành viên", 3.0, "text", ""),
        ("Quan hệ với chủ hộ", 1.6, "text", ""),
        ("Ngày sinh", 1.6, "text", ""),
        ("Giới tính", 1.0, "text", ""),
        ("Số CCCD", 2.0, "text", ""),
        ("Tỉnh", 2.0, "text", UNIT),
        ("Huyện", 1.0, "text", UNIT),
        ("Mã huyện", 1.0, "text", UNIT),
        ("Xã", 2.0, "text", UNIT),
        ("Mã xã", 1.0, "text", UNIT),
        ("Thôn", 1.8, "text", ""),
        ("Dân tộc", 1.2, "text", ""),
        ("Phân loại hộ", 1.8, "text", ""),
        ("Số quyết định công nhận", 1.8, "text", ""),
        ("Ngày ban hành quyết định", 1.6, "text", ""),
        ("Điểm B1", 0.9, "int", ""),
        ("Điểm B2", 0.9, "int", ""),
        ("Hộ DTTS", 0.9, "text", ""),
        ("Hộ không có khả năng lao động", 1.4, "text", ""),
        ("Hộ có thành viên là người có công", 1.4, "text", ""),
        ("Nguyên nhân nghèo", 3.0, "text", ""),
        ("Ghi chú", 1.2, "text", ""),
        ("Tuổi", 0.7, "int", ""),
        ("Số nhân khẩu", 0.9, "int", ""),
    ][:fixed]
    spec.append(("Mã hộ", 1.2, "text", ""))
    return [
        Column(t, str(i + 1), w, k, group=g)  # type: ignore[arg-type]
        for i, (t, w, k, g) in enumerate(spec)
    ]


def category_text(category: Category) -> str:
    """The category as exchanged files write it: "Hộ mức sống trung bình" (our label says "Hộ
    có mức sống trung bình", which importers, ours included, do not recognise)."""
    if category is Category.MIDDLE:
        return "Hộ mức sống trung bình"
    return CATEGORY_LABELS[category]


def commune_code(code: str) -> str:
    """Commune codes are five digits, leading zero kept (``forms.admin_units.official_code``)."""
    from forms.admin_units import official_code

    return official_code(code)


def relationship_text(m: Member, head: Member | None) -> str:
    """As exchanged files write it, per person ("Vợ", "Bố", "Chị"), which our Excel import and
    others read back (``forms.labels.relationship_of``), "Khác" for no relation."""
    if m.relationship is Relationship.OTHER:
        return "Khác"
    return relationship_of(m, head)


def birth_text(m: Member) -> str:
    if m.birth_date is not None:
        return f"{m.birth_date:%d/%m/%Y}"
    return str(m.birth_year) if m.birth_year is not None else ""


def birth_sent(m: Member, identity: bool) -> str:
    """The birth column sent up: the year only unless the full date is asked for. The upper
    level's lists with members print "Năm sinh" (documents.md §2) and its tables count by
    age, which the "Tuổi" column carries; a day and month identify a person, not a need."""
    if identity:
        return birth_text(m)
    year = m.year_of_birth()
    return str(year) if year is not None else ""


def person_rows(n: int, e: Entry, data: ReviewData, fixed: int = 27) -> list[list]:
    h, r = e.household, e.result
    ref = data.reference
    d = data.decision
    rows: list[list] = []
    head = h.head()
    ordered = ([head] if head else []) + [m for m in h.members if m is not head]
    code = commune_code(data.commune.commune_code)
    for i, m in enumerate(ordered):
        first = i == 0
        row = [
            None,  # the running number, set by the caller
            n if first else None,
            h.head_name(),
            m.name,
            relationship_text(m, head),
            birth_sent(m, data.identity),
            SEX_LABELS[m.sex] if m.sex else "",
            # The column stays where fixed-position importers read it, empty by default: no
            # list or table of the upper level uses a CCCD number (docs/privacy.md).
            (m.id_number or "") if data.identity else "",
            data.commune.province_name,
            "",
            "",
            data.commune.commune_name,
            code,
            h.village,
            m.ethnicity or "",
            category_text(r.category) if first else "",
            (d.number if d else "") if first else "",
            (f"{d.date:%d/%m/%Y}" if d else "") if first else "",
            r.b1_score if first else None,
            r.deprivation_score if first else None,
            ("x" if e.flag("ethnic_minority", ref) else "") if first else "",
            ("x" if e.flag("no_labour", ref) else "") if first else "",
            ("x" if h.meritorious_household else "") if first else "",
            e.cause_labels() if first else "",
            "",
            m.age_on(ref),
            h.size() if first else None,
        ][:fixed]
        rows.append([*row, h.code])
    return rows


def exchange_workbook(data: ReviewData, village: str | None = None) -> Document:
    parts = []
    for sheet, title, groups, title_cell, first_row, fixed in SHEETS:
        table = Table(
            columns(fixed),
            sheet=sheet,
            show_codes=True,
            title_cell=title_cell,
            first_data_row=first_row,
        )
        chosen = [e for e in data.entries if set(e.groups()) & set(groups)]
        if village is not None:
            chosen = [e for e in chosen if e.village == village]
        n = running = 0
        for _v, entries in data.village_order(chosen):
            for e in entries:
                n += 1
                for row in person_rows(n, e, data, fixed):
                    running += 1
                    row[0] = running
                    table.add(row, "data" if row[1] is not None else "member")
        parts.append(
            Part(
                Header(data.commune_issuer(), data.commune_short),
                title,
                [f"{data.commune_title}, {data.commune.province_name} - năm {data.year}"],
                [table],
            )
        )
    return Document(
        "exchange_workbook", "Danh sách sau khi rà soát (tệp trao đổi)", parts, landscape=True
    )
