"""The workbook communes exchange after the review (documents.md §2, [proxy]): three sheets,
one row per person; the head's row carries the household number and the household's facts,
members follow with them blank. District columns stay empty (no districts since July 2025).
"Mã hộ" is added as the last column so a file read back (``db.exchange.excel_lists``) keeps
each household's stable code."""

from __future__ import annotations

from forms.labels import CATEGORY_LABELS, RELATIONSHIP_LABELS, SEX_LABELS
from forms.model import Member
from reports.document import Column, Document, Header, Part, Table
from reports.review import (
    ESCAPED_NEAR_POVERTY,
    ESCAPED_POVERTY,
    NEAR_POOR,
    POOR,
    Entry,
    ReviewData,
)

SHEETS = (
    ("Hộ nghèo, cận nghèo", "Danh sách hộ nghèo, hộ cận nghèo sau khi rà soát", (POOR, NEAR_POOR)),
    ("Hộ thoát nghèo", "Danh sách hộ thoát nghèo sau khi rà soát", (ESCAPED_POVERTY,)),
    ("Hộ thoát cận nghèo", "Danh sách hộ thoát cận nghèo sau khi rà soát", (ESCAPED_NEAR_POVERTY,)),
)


def columns() -> list[Column]:
    spec = [
        ("STT hộ", 0.9, "plain"),
        ("Họ và tên chủ hộ", 3.0, "text"),
        ("Họ và tên thành viên", 3.0, "text"),
        ("Quan hệ với chủ hộ", 1.6, "text"),
        ("Ngày sinh", 1.6, "text"),
        ("Giới tính", 1.0, "text"),
        ("Số CCCD", 2.0, "text"),
        ("Tỉnh", 2.0, "text"),
        ("Huyện", 1.0, "text"),
        ("Mã huyện", 1.0, "text"),
        ("Xã", 2.0, "text"),
        ("Mã xã", 1.0, "text"),
        ("Thôn", 1.8, "text"),
        ("Dân tộc", 1.2, "text"),
        ("Phân loại hộ", 1.8, "text"),
        ("Số quyết định công nhận", 1.8, "text"),
        ("Ngày ban hành quyết định", 1.6, "text"),
        ("Điểm B1", 0.9, "int"),
        ("Điểm B2", 0.9, "int"),
        ("Hộ DTTS", 0.9, "text"),
        ("Hộ không có khả năng lao động", 1.4, "text"),
        ("Hộ có thành viên là người có công", 1.4, "text"),
        ("Nguyên nhân nghèo", 3.0, "text"),
        ("Tuổi", 0.7, "int"),
        ("Số nhân khẩu", 0.9, "int"),
        ("Mã hộ", 1.2, "text"),
    ]
    return [Column(t, "", w, k) for t, w, k in spec]  # type: ignore[arg-type]


def birth_text(m: Member) -> str:
    if m.birth_date is not None:
        return f"{m.birth_date:%d/%m/%Y}"
    return str(m.birth_year) if m.birth_year is not None else ""


def person_rows(n: int, e: Entry, data: ReviewData) -> list[list]:
    h, r = e.household, e.result
    ref = data.reference
    d = data.decision
    rows: list[list] = []
    head = h.head()
    ordered = ([head] if head else []) + [m for m in h.members if m is not head]
    for i, m in enumerate(ordered):
        first = i == 0
        rows.append(
            [
                n if first else None,
                h.head_name(),
                m.name,
                RELATIONSHIP_LABELS[m.relationship] if m.relationship else "",
                birth_text(m),
                SEX_LABELS[m.sex] if m.sex else "",
                m.id_number or "",
                data.commune.province_name,
                "",
                "",
                data.commune.commune_name,
                data.commune.commune_code,
                h.village,
                m.ethnicity or "",
                CATEGORY_LABELS[r.category] if first else "",
                (d.number if d else "") if first else "",
                (f"{d.date:%d/%m/%Y}" if d else "") if first else "",
                r.b1_score if first else None,
                r.deprivation_score if first else None,
                ("x" if e.flag("ethnic_minority", ref) else "") if first else "",
                ("x" if e.flag("no_labour", ref) else "") if first else "",
                ("x" if h.meritorious_household else "") if first else "",
                e.cause_labels() if first else "",
                m.age_on(ref),
                h.size() if first else None,
                h.code,
            ]
        )
    return rows


def exchange_workbook(data: ReviewData, village: str | None = None) -> Document:
    parts = []
    for sheet, title, groups in SHEETS:
        table = Table(columns(), sheet=sheet)
        chosen = [e for e in data.entries if set(e.groups()) & set(groups)]
        if village is not None:
            chosen = [e for e in chosen if e.household.village == village]
        n = 0
        for _v, entries in data.village_order(chosen):
            for e in entries:
                n += 1
                for row in person_rows(n, e, data):
                    table.add(row, "data" if row[0] is not None else "member")
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
