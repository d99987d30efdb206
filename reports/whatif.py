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


class _Counts:
    """What the totals by village need of a village's households: counts only."""

    __slots__ = ("households", "first", "second", "moved")

    def __init__(self) -> None:
        self.households = self.moved = 0
        self.first: Counter[Category] = Counter()
        self.second: Counter[Category] = Counter()

    def add(self, c: _Compared) -> None:
        self.households += 1
        self.first[c.first] += 1
        self.second[c.second] += 1
        self.moved += c.first is not c.second

    def merge(self, other: _Counts) -> None:
        self.households += other.households
        self.first.update(other.first)
        self.second.update(other.second)
        self.moved += other.moved


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
    # What the document needs of each household, not its two results, and of a household
    # whose category stays, only its counts: a commune of 100,000 households held both
    # results, then every household's comparison, and every changed household's reason once
    # a household (issue 22: every command under 500 MB). A few hundred reasons differ among
    # tens of thousands of changed households: each distinct text is kept once.
    counts: dict[str, _Counts] = {}
    titles: dict[str, str] = {}
    reasons: dict[str, str] = {}
    b1_only = 0
    sent_back = 0
    for e in data.entries:
        if village is not None and e.village != village:
            continue
        # The households of the list after the meeting: one the meeting sent back for
        # re-survey is on no list until a new vote, this comparison included
        # (reports.review.sent_back); the note below says how many.
        if e.sent_back:
            sent_back += 1
            continue
        c = _compared(e.household, main, other, data)
        counts.setdefault(c.village, _Counts()).add(c)
        b1_only += c.b1_only
        if c.first is c.second:
            continue
        if c.village not in titles:
            titles[c.village] = village_title(c.village)
        changes.add(
            [
                len(changes.rows) + 1,
                titles[c.village],
                c.code,
                c.head,
                CATEGORY_VI[c.first],
                CATEGORY_VI[c.second],
                reasons.setdefault(c.why, c.why),
            ]
        )
    n = len(changes.rows)

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
    order = list(data.villages) + sorted(set(counts) - set(data.villages))
    everyone = _Counts()
    groups = []
    for v in order:
        if v in counts:
            groups.append((village_title(v), counts[v], "data"))
            everyone.merge(counts[v])
    for label, count, style in [*groups, ("Tổng cộng", everyone, "total")]:
        totals.add(
            [
                label,
                count.households,
                count.first[Category.POOR],
                count.first[Category.NEAR_POOR],
                count.second[Category.POOR],
                count.second[Category.NEAR_POOR],
                count.second[Category.UNDETERMINED],
                count.moved,
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
    if sent_back:
        notes.append(
            Para(
                f"Không tính {sent_back} hộ cuộc họp thôn chưa thống nhất, phải rà soát lại "
                "(chưa thuộc danh sách nào cho đến khi họp lại).",
                "body",
            )
        )
    if b1_only:
        from forms.model import Area

        missing = [
            f"{'nông thôn' if a is Area.RURAL else 'thành thị'}"
            for a in Area
            if other.b1_thresholds.get(a) is None
        ]
        notes.append(
            Para(
                f"{b1_only} hộ chỉ có tổng điểm B1, chưa quy đổi được ra thu nhập theo "
                f"{other.name[:1].lower()}{other.name[1:]} ({', '.join(missing)}) nên chưa xác "
                "định được: cần nhập thu nhập bình quân đầu người của các hộ này, hoặc nạp tệp "
                "chuẩn của tỉnh có ngưỡng điểm B1.",
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
