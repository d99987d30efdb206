"""The summary report tables (documents.md §7, proxy layouts; the official Mẫu 7.x columns are
[unconfirmed]): results by village, deprivations by indicator, target groups, causes, and the
movement of poor and near-poor households since the last review."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from forms import catalog
from forms.model import Category, Member, Schooling, Transition
from reports.document import Column, Document, Header, Para, Part, SignatureBox, Signatures, Table
from reports.review import Entry, ReportError, ReviewData, village_title

T = Transition


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rows(data: ReviewData) -> list[tuple[str, list[Entry]]]:
    """(label, entries) per village, then the commune total."""
    rows = [(village_title(v), es) for v, es in data.village_order(data.entries)]
    return [*rows, ("Tổng cộng", list(data.entries))]


def _summed(
    data: ReviewData, cells_of: Callable[[list[Entry]], list[int]]
) -> list[tuple[str, list[int]]]:
    """(label, cells) per village, then the commune total as the sum of the villages' cells
    (counts only): a table that reads each household's members or flags reads them once, not
    a second time for the total (issue 22: 100,000 households are read again from the file,
    not held)."""
    rows = [(village_title(v), cells_of(es)) for v, es in data.village_order(data.entries)]
    total = [sum(column) for column in zip(*(cells for _label, cells in rows), strict=True)]
    return [*rows, ("Tổng cộng", total if rows else cells_of([]))]


def _add(table: Table, label: str, cells: list, n: int, total_label: str = "Tổng cộng") -> None:
    table.add(
        [n if label != total_label else None, label, *cells],
        "total" if label == total_label else "data",
    )


def _village_table(columns: list[Column], sheet: str, caption: str) -> Table:
    """A table of a row per village then the total: STT and Thôn, then ``columns``, which
    are given the codes 1, 2, 3 …"""
    for i, c in enumerate(columns, start=1):
        c.code = str(i)
    heads = [Column("STT", "A", 0.5, "plain"), Column("Thôn", "B", 1.8)]
    return Table([*heads, *columns], sheet=sheet, caption=caption, show_codes=True)


def results_table(data: ReviewData) -> Table:
    cols = [
        Column("STT", "A", 0.5, "plain"),
        Column("Thôn", "B", 2.0),
        Column("Tổng số hộ", "1", 1.0, "int"),
        Column("Tổng số khẩu", "2", 1.0, "int"),
    ]
    for label, code in (("Hộ nghèo", 3), ("Hộ cận nghèo", 5), ("Hộ có mức sống trung bình", 7)):
        cols.append(Column("Số hộ", str(code), 0.9, "int", group=label))
        cols.append(Column("Tỷ lệ (%)", f"{code + 1}={code}/1", 0.9, "percent", group=label))
    cols += [
        Column("Khẩu nghèo", "9", 0.9, "int"),
        Column("Khẩu cận nghèo", "10", 0.9, "int"),
    ]
    table = Table(
        cols,
        sheet="Kết quả theo thôn",
        caption="Biểu 1. Kết quả rà soát theo thôn",
        show_codes=True,
    )
    for n, (label, es) in enumerate(_rows(data), start=1):
        total = len(es)
        by = {c: [e for e in es if e.category is c] for c in Category}
        cells: list = [total, sum(e.size for e in es)]
        for c in (Category.POOR, Category.NEAR_POOR, Category.MIDDLE):
            cells += [len(by[c]), _rate(len(by[c]), total)]
        cells += [
            sum(e.size for e in by[Category.POOR]),
            sum(e.size for e in by[Category.NEAR_POOR]),
        ]
        _add(table, label, cells, n)
    return table


def deprivation_table(data: ReviewData, category: Category, number: int) -> Table:
    specs = data.indicators()
    name = "hộ nghèo" if category is Category.POOR else "hộ cận nghèo"
    cols = [
        # Millimetres of A4 landscape at 10 pt: twelve indicators as wide as "Việc làm".
        Column("STT", "A", 9, "plain"),
        Column("Thôn", "B", 25),
        Column(f"Tổng số {name}", "1", 15, "int"),
        Column("Tổng số chỉ số thiếu hụt", "2", 15, "int"),
    ]
    cols += [
        Column(name, str(i + 3), 16.9, "int", group="Số hộ thiếu hụt theo từng chỉ số")
        for i, (_id, name) in enumerate(specs)
    ]
    table = Table(
        cols,
        sheet=f"Thiếu hụt {name}",
        caption=f"Biểu {number}. Mức độ thiếu hụt các dịch vụ xã hội cơ bản của {name}",
        show_codes=True,
    )
    total_row: list = []
    for n, (label, es) in enumerate(_rows(data), start=1):
        chosen = [e for e in es if e.category is category]
        per = [sum(1 for e in chosen if i in e.deprived) for i, _name in specs]
        cells = [len(chosen), sum(e.deprivation_count for e in chosen), *per]
        _add(table, label, cells, n)
        total_row = cells
    if total_row:
        households = total_row[0]
        table.add([None, "Tỷ lệ (%)", None, None, *[_rate(c, households) for c in total_row[2:]]])
    return table


def groups_table(data: ReviewData, ref_flags: list[str]) -> Table:
    flags = {f.id: f for f in catalog.household_flags()}
    shown = [f for f in ref_flags if f in flags]
    short = {"ethnic_minority": "Hộ DTTS", "no_labour": "Không có KNLĐ", "meritorious": "Có công"}
    cols: list[Column] = []
    for group in ("Hộ nghèo", "Hộ cận nghèo"):
        cols.append(Column("Tổng số", "", 0.8, "int", group=group))
        cols += [Column(short.get(f, flags[f].label), "", 0.9, "int", group=group) for f in shown]
        cols.append(Column("Khác", "", 0.8, "int", group=group))
    table = _village_table(
        cols,
        "Theo nhóm đối tượng",
        "Biểu 4. Hộ nghèo, hộ cận nghèo theo nhóm đối tượng (một hộ có thể thuộc nhiều nhóm, "
        "nên các cột nhóm cộng lại có thể lớn hơn Tổng số; cột Khác: hộ không thuộc nhóm nào)",
    )
    ref = data.reference

    def counts(es: list[Entry]) -> list[int]:
        cells: list[int] = []
        for category in (Category.POOR, Category.NEAR_POOR):
            chosen = [e for e in es if e.category is category]
            cells.append(len(chosen))
            cells += [sum(1 for e in chosen if e.flag(f, ref)) for f in shown]
            cells.append(sum(1 for e in chosen if not any(e.flag(f, ref) for f in shown)))
        return cells

    for n, (label, cells) in enumerate(_summed(data, counts), start=1):
        _add(table, label, cells, n)
    return table


def causes_table(data: ReviewData) -> Table:
    causes = catalog.causes()
    cols = [Column("Số hộ nghèo", "", 0.8, "int")]
    cols += [Column(c.label, "", 0.9, "int", group="Nguyên nhân nghèo (số hộ)") for c in causes]
    table = _village_table(
        cols,
        "Nguyên nhân nghèo",
        "Biểu 5. Nguyên nhân nghèo (một hộ có thể có nhiều nguyên nhân)",
    )
    for n, (label, es) in enumerate(_rows(data), start=1):
        chosen = [e for e in es if e.category is Category.POOR]
        cells = [
            len(chosen),
            *[sum(1 for e in chosen if c.id in e.causes) for c in causes],
        ]
        _add(table, label, cells, n)
    return table


# Movement columns: (group, title, transitions counted). Start = end + decreases − increases.
POOR_MOVES = (
    ("Giảm trong kỳ", "Thoát nghèo, thành hộ cận nghèo", {T.POOR_TO_NEAR_POOR}),
    ("Giảm trong kỳ", "Thoát nghèo, vượt chuẩn cận nghèo", {T.ESCAPED_POVERTY}),
    ("Tăng trong kỳ", "Hộ cận nghèo thành hộ nghèo", {T.NEAR_POOR_TO_POOR}),
    ("Tăng trong kỳ", "Tái nghèo", {T.FELL_BACK_POOR}),
    ("Tăng trong kỳ", "Nghèo phát sinh mới", {T.NEWLY_POOR}),
)
NEAR_POOR_MOVES = (
    ("Giảm trong kỳ", "Cận nghèo thành hộ nghèo", {T.NEAR_POOR_TO_POOR}),
    ("Giảm trong kỳ", "Thoát cận nghèo", {T.ESCAPED_NEAR_POVERTY}),
    ("Tăng trong kỳ", "Hộ nghèo thành hộ cận nghèo", {T.POOR_TO_NEAR_POOR}),
    ("Tăng trong kỳ", "Tái cận nghèo", {T.FELL_BACK_NEAR_POOR}),
    ("Tăng trong kỳ", "Cận nghèo phát sinh mới", {T.NEWLY_NEAR_POOR}),
)


def movement_table(data: ReviewData, category: Category, number: int) -> Table:
    """Start (last year's recognised list) − decreases + increases = end (this year's list
    after the meeting). The "khác" columns hold what transitions do not explain, so the row
    adds up: households deleted, moved to another village, sent back by the meeting, not
    classified this year (khác giảm); on this list without being on last year's and without a
    counted movement, e.g. moved in or last year's list not in the file (khác tăng)."""
    poor = category is Category.POOR
    moves = POOR_MOVES if poor else NEAR_POOR_MOVES
    name = "hộ nghèo" if poor else "hộ cận nghèo"
    down = [m for m in moves if m[0] == "Giảm trong kỳ"]
    up = [m for m in moves if m[0] == "Tăng trong kỳ"]
    start_title = (
        f"Đầu kỳ (danh sách công nhận năm {data.previous_year})" if data.previous_year else "Đầu kỳ"
    )
    titles = [
        *[(g, t) for g, t, _ts in down],
        ("Giảm trong kỳ", "Giảm khác"),
        *[(g, t) for g, t, _ts in up],
        ("Tăng trong kỳ", "Tăng khác"),
    ]
    cols = [
        Column("STT", "A", 0.5, "plain"),
        Column("Thôn", "B", 1.6),
        Column("Đơn vị", "C", 0.9),
        Column(start_title, "1", 1.1, "int"),
    ]
    cols += [Column(t, str(i + 2), 1.0, "int", group=g) for i, (g, t) in enumerate(titles)]
    n_down, n_up = len(down) + 1, len(up) + 1
    formula = "-".join(str(i + 2) for i in range(n_down))
    formula += "".join(f"+{i + 2 + n_down}" for i in range(n_up))
    end_code = n_down + n_up + 2
    cols.append(Column("Cuối kỳ", f"{end_code}=1-{formula}", 1.2, "int"))
    table = Table(
        cols,
        sheet=f"Diễn biến {name}",
        caption=f"Biểu {number}. Tổng hợp diễn biến {name} so với danh sách năm trước",
        show_codes=True,
    )
    known = data.previous is not None
    before = [r for r in data.previous or [] if r.category is category]
    villages = [v for v, _es in data.village_order(data.entries)]
    villages += sorted({r.village for r in before} - set(villages))
    rows = [(village_title(v), v) for v in villages] + [("Tổng cộng", None)]
    for n, (label, village) in enumerate(rows, start=1):
        es = [e for e in data.entries if village is None or e.village == village]
        start = {r.household_id: r.persons for r in before if village in (None, r.village)}
        end = {e.id: e.size for e in es if e.category is category}
        moved_out = [
            {e.id for e in es if e.transition in ts and e.id in start} - set(end)
            for _g, _t, ts in down
        ]
        moved_in = [
            {e.id for e in es if e.transition in ts and e.id in end} - set(start)
            for _g, _t, ts in up
        ]
        other_out = set(start) - set(end) - set().union(*moved_out)
        other_in = set(end) - set(start) - set().union(*moved_in)
        size = {**start, **end}
        for unit in ("Hộ", "Nhân khẩu"):

            def measure(
                ids: set[str] | dict[str, int], unit: str = unit, size: dict[str, int] = size
            ) -> int:
                return len(ids) if unit == "Hộ" else sum(size[i] for i in ids)

            if known:
                cells: list = [
                    measure(start),
                    *[measure(m) for m in moved_out],
                    measure(other_out),
                    *[measure(m) for m in moved_in],
                    measure(other_in),
                    measure(end),
                ]
            else:  # no earlier round in the file: the start is not known, only the end
                cells = [None] * (n_down + n_up + 1) + [measure(end)]
            is_total = village is None
            table.add(
                [
                    None if is_total or unit != "Hộ" else n,
                    label if unit == "Hộ" else "",
                    unit,
                    *cells,
                ],
                "total" if is_total else "data",
                keep_with_next=unit == "Hộ",  # a unit's two rows on one page
            )
    return table


def children_table(data: ReviewData, number: int) -> Table:
    """Children under 16 in poor and near-poor households and what they lack (facts answered
    "no" only: unknown answers are not counted as lacking)."""
    ref = data.reference
    cols: list[Column] = []
    for group in ("Trẻ em trong hộ nghèo", "Trẻ em trong hộ cận nghèo"):
        cols += [
            Column("Dưới 16 tuổi", "", 0.9, "int", group=group),
            Column("Không có BHYT", "", 0.9, "int", group=group),
            Column("Suy dinh dưỡng", "", 0.9, "int", group=group),
            Column("3-15 tuổi không đi học", "", 1.0, "int", group=group),
        ]
    table = _village_table(
        cols, "Trẻ em", f"Biểu {number}. Trẻ em dưới 16 tuổi trong hộ nghèo, hộ cận nghèo"
    )

    def age(m: Member) -> int | None:
        return m.age_on(ref)

    def counts(es: list[Entry]) -> list[int]:
        cells: list[int] = []
        for category in (Category.POOR, Category.NEAR_POOR):
            kids = [
                m
                for e in es
                if e.category is category
                for m in e.household.members
                if (a := age(m)) is not None and a < 16
            ]
            school_age = [m for m in kids if (age(m) or 0) >= 3]
            cells += [
                len(kids),
                sum(1 for m in kids if m.health_insurance is False),
                sum(1 for m in kids if m.stunted is True or m.underweight is True),
                sum(1 for m in school_age if m.schooling is Schooling.NOT_ATTENDING),
            ]
        return cells

    for n, (label, cells) in enumerate(_summed(data, counts), start=1):
        _add(table, label, cells, n)
    return table


# Ethnic groups given a column of their own in the by-ethnicity table, beside Kinh; the
# rest are summed in "Dân tộc khác" (a commune has a few main groups; a wider table would
# not fit the page).
ETHNIC_COLUMNS = 4


def ethnicity_table(data: ReviewData, number: int) -> Table:
    """Poor and near-poor households by the head's ethnicity (documents.md §7, "By
    ethnicity: Kinh, each main local group, other"): Kinh, the commune's most frequent
    groups among them, the other groups, and households whose head's ethnicity is not
    recorded. Each household read once (issue 22)."""
    listed = (Category.POOR, Category.NEAR_POOR)
    per_village: list[tuple[str, Counter[tuple[Category, str]]]] = []
    total: Counter[tuple[Category, str]] = Counter()
    for v, es in data.village_order([e for e in data.entries if e.category in listed]):
        counts: Counter[tuple[Category, str]] = Counter()
        for e in es:
            head = e.household.head()
            counts[e.category, " ".join((head.ethnicity or "").split()) if head else ""] += 1
        per_village.append((village_title(v), counts))
        total.update(counts)
    by_group: Counter[str] = Counter()
    for (_category, group), n in total.items():
        by_group[group] += n
    main = [g for g, _n in by_group.most_common() if g and g != "Kinh"][:ETHNIC_COLUMNS]
    titles = ["Kinh", *main, "Dân tộc khác", "Chưa ghi dân tộc"]
    cols: list[Column] = []
    for label in ("Hộ nghèo", "Hộ cận nghèo"):
        cols.append(Column("Tổng số", "", 0.8, "int", group=label))
        cols += [Column(t, "", 0.85, "int", group=label) for t in titles]
    table = _village_table(
        cols, "Theo dân tộc", f"Biểu {number}. Hộ nghèo, hộ cận nghèo theo dân tộc của chủ hộ"
    )

    def cells(counts: Counter[tuple[Category, str]]) -> list[int]:
        out: list[int] = []
        for category in listed:
            mine = {g: n for (c, g), n in counts.items() if c is category}
            named = {"Kinh", *main, ""}
            out.append(sum(mine.values()))
            out += [mine.get(g, 0) for g in ("Kinh", *main)]
            out.append(sum(n for g, n in mine.items() if g not in named))
            out.append(mine.get("", 0))
        return out

    for n, (label, counts) in enumerate([*per_village, ("Tổng cộng", total)], start=1):
        _add(table, label, cells(counts), n)
    return table


def _count(es: list[Entry]) -> int:
    return len(es)


def _persons(es: list[Entry]) -> int:
    return sum(e.size for e in es)


Builder = Callable[[ReviewData], Table]


def summary_report(data: ReviewData, village: str | None = None) -> Document:
    if village is not None:
        raise ReportError("Báo cáo tổng hợp lập cho cả xã, không theo từng thôn.")
    if not data.entries:
        raise ReportError("Kỳ rà soát chưa có hộ nào được phân loại.")
    tables = [
        results_table(data),
        deprivation_table(data, Category.POOR, 2),
        deprivation_table(data, Category.NEAR_POOR, 3),
        groups_table(data, ["ethnic_minority", "no_labour", "meritorious"]),
        causes_table(data),
        movement_table(data, Category.POOR, 6),
        movement_table(data, Category.NEAR_POOR, 7),
        children_table(data, 8),
        ethnicity_table(data, 9),
    ]
    part = Part(
        Header(data.commune_issuer(), data.commune_short, number="Số: …/BC-UBND"),
        "Báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo",
        [f"{data.commune_title} năm {data.year}", f"(Theo {data.standard_name})"],
        [
            Para(f"Kính gửi: {data.upper_level or '…' * 20}", "center"),
            Para(
                "Số liệu tính trên danh sách sau cuộc họp thôn của kỳ rà soát; đầu kỳ là danh "
                "sách hộ nghèo, hộ cận nghèo được công nhận năm trước (kỳ rà soát trước hoặc "
                "danh sách nhập từ Excel), giảm khác / tăng khác là phần biến động không do "
                "thoát nghèo, tái nghèo, phát sinh mới (chuyển đi, chuyển đến, bị trả lại rà "
                "soát…).",
                "small",
            ),
            *tables,
            Signatures(
                [
                    SignatureBox("NGƯỜI LẬP BIỂU"),
                    SignatureBox("CHỦ TỊCH", above="TM. ỦY BAN NHÂN DÂN", note="(Ký, đóng dấu)"),
                ]
            ),
        ],
    )
    return Document("summary", "Báo cáo tổng hợp kết quả rà soát", [part], landscape=True)
