"""The commune what-if report (issue 18): every household of a round under the other national
standard (or a province's file for it), the households whose category changes and why, and
totals by village. In the transition year 2026 a commune sees what the 2027–2030 standard does
before a province decides which standard the year-end review follows."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from forms.classify import CATEGORY_VI, what_if
from forms.model import Category, Household
from forms.standards import NATIONAL_IDS, Standard, load_standard
from reports.document import Column, Document, Header, Para, Part, Table
from reports.review import ReportError, ReviewData, village_title

TITLE = "Báo cáo so sánh kết quả theo hai chuẩn nghèo"


def other_national(standard_id: str) -> Standard:
    """The national standard the round was not scored on."""
    others = [i for i in NATIONAL_IDS if i != standard_id]
    return load_standard(others[-1])


class _Compared(NamedTuple):
    village: str
    first: Category
    second: Category
    code: str
    head: str
    why: str  # Vietnamese, when the category changes
    b1_only: bool  # undetermined under the other standard: a B1 total but no income


def _compared(h: Household, main: Standard, other: Standard, data: ReviewData) -> _Compared:
    w = what_if(h, main, other, data.year, data.reference)
    first, second = w.first.category, w.second.category
    why: list[str] = []
    if first is not second:
        why = [d for d in w.differences if not d.startswith("Phân loại:")]
        if second is Category.UNDETERMINED:
            why += [r for r in w.second.reasons if not r.startswith("Kết luận:")]
    b1_only = (
        second is Category.UNDETERMINED
        and w.second.b1_score is not None
        and w.second.income is None
    )
    return _Compared(h.village, first, second, h.code, h.head_name(), " ".join(why), b1_only)


def whatif_report(
    data: ReviewData, village: str | None = None, *, other: Standard | None = None
) -> Document:
    if data.standard is None:
        raise ReportError(
            f"Máy này chưa có tệp chuẩn nghèo {data.round.standard_id} của kỳ rà soát: hãy nạp "
            "tệp chuẩn của tỉnh trong Thiết lập."
        )
    if not data.entries:
        raise ReportError("Kỳ rà soát chưa có hộ nào được phân loại.")
    main = data.standard
    other = other or other_national(main.id)
    if other.id == main.id and other.local == main.local:
        raise ReportError("Hãy chọn một chuẩn khác chuẩn của kỳ rà soát để so sánh.")
    # The households of the list after the meeting: one the meeting sent back for re-survey
    # is on no list until a new vote, this comparison included (reports.review.sent_back).
    entries = [
        e for e in data.entries if not e.sent_back and (village is None or e.village == village)
    ]
    # What the document needs of each household, not its two results: a commune of 100,000
    # households held both for every one (issue 22: every command under 500 MB).
    compared = [_compared(e.household, main, other, data) for e in entries]

    changes = Table(
        [
            Column("STT", "A", 0.5, "plain"),
            Column("Thôn", "B", 1.4),
            Column("Mã hộ", "C", 0.9),
            Column("Chủ hộ", "D", 1.6),
            Column(f"Theo {main.name}", "1", 1.3),
            Column(f"Theo {other.name}", "2", 1.3),
            Column("Vì sao khác", "3", 4.0),
        ],
        sheet="Hộ thay đổi",
        caption="Biểu 1. Hộ có phân loại khác nhau giữa hai chuẩn",
        show_codes=True,
    )
    n = 0
    for c in compared:
        if c.first is c.second:
            continue
        n += 1
        changes.add(
            [
                n,
                village_title(c.village),
                c.code,
                c.head,
                CATEGORY_VI[c.first],
                CATEGORY_VI[c.second],
                c.why,
            ]
        )

    totals = Table(
        [
            Column("Thôn", "A", 1.6),
            Column("Tổng số hộ", "1", 0.8, "int"),
            Column("Hộ nghèo", "2", 0.8, "int", group=f"Theo {main.name}"),
            Column("Hộ cận nghèo", "3", 0.8, "int", group=f"Theo {main.name}"),
            Column("Hộ nghèo", "4", 0.8, "int", group=f"Theo {other.name}"),
            Column("Hộ cận nghèo", "5", 0.8, "int", group=f"Theo {other.name}"),
            Column("Chưa xác định", "6", 0.8, "int", group=f"Theo {other.name}"),
            Column("Số hộ đổi phân loại", "7", 0.9, "int"),
        ],
        sheet="Tổng hợp theo thôn",
        caption="Biểu 2. Tổng hợp theo thôn",
        show_codes=True,
    )
    order = list(data.villages) + sorted({c.village for c in compared} - set(data.villages))
    groups = [(v, [c for c in compared if c.village == v]) for v in order]
    groups = [(v, g) for v, g in groups if g]
    for label, rows, style in [
        *((village_title(v), g, "data") for v, g in groups),
        ("Tổng cộng", compared, "total"),
    ]:
        first = Counter(c.first for c in rows)
        second = Counter(c.second for c in rows)
        moved = sum(1 for c in rows if c.first is not c.second)
        totals.add(
            [
                label,
                len(rows),
                first[Category.POOR],
                first[Category.NEAR_POOR],
                second[Category.POOR],
                second[Category.NEAR_POOR],
                second[Category.UNDETERMINED],
                moved,
            ],
            style,  # type: ignore[arg-type]
        )

    notes = [
        Para(
            f"Kỳ rà soát năm {data.year} tính theo {main.name} ({main.source}). Cùng các câu "
            f"trả lời, tính lại theo {other.name} ({other.source}"
            + (", theo tệp của tỉnh" if other.local else "")
            + f"): {n} hộ có phân loại khác.",
            "body",
        )
    ]
    b1_only = [c for c in compared if c.b1_only]
    if b1_only:
        from forms.model import Area

        missing = [
            f"{'nông thôn' if a is Area.RURAL else 'thành thị'}"
            for a in Area
            if other.b1_thresholds.get(a) is None
        ]
        notes.append(
            Para(
                f"Còn thiếu: {other.name} chưa có ngưỡng điểm B1 tương ứng chuẩn thu nhập "
                f"({', '.join(missing)}); {len(b1_only)} hộ chỉ có tổng điểm B1 nên chưa xác "
                "định được. Cần nạp ngưỡng điểm B1 hoặc chuẩn của tỉnh (Thiết lập) hoặc nhập "
                "thu nhập bình quân đầu người của các hộ này.",
                "body",
            )
        )
    part = Part(
        Header(data.commune_issuer(), data.commune_short),
        TITLE,
        [f"{data.commune_title} năm {data.year}"],
        [*notes, changes, totals],
    )
    return Document("whatif", TITLE, [part], landscape=True)
