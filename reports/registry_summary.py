"""The province's documents from the registry (``registry.queries``): the summary by commune
(the commune summary's Biểu 1-3 and the movements, one row per commune), one commune's
list and one commune's lists of households that left poverty and near-poverty. Printed by
``rasoat registry report``; nothing of the commune GUI prints them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from forms import admin_units
from forms.labels import CATEGORY_LABELS, TRANSITION_LABELS
from forms.model import Category
from forms.standards import StandardError, load_standard
from registry.queries import CommuneRow, Escaped, ListedHousehold, MovedHousehold, Summary
from reports.document import Column, Document, Header, Para, Part, Table
from reports.movement_columns import MOVES, group_title, moved
from reports.review import ESCAPES_POVERTY, LEAVES_NEAR_POVERTY


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _total(rows: Sequence[CommuneRow]) -> CommuneRow:
    total = CommuneRow("", "Tổng cộng")
    for r in rows:
        total.households += r.households
        total.persons += r.persons
        total.by_category.update(r.by_category)
        total.persons_by_category.update(r.persons_by_category)
        total.deprived.update(r.deprived)
        total.deprivations.update(r.deprivations)
        total.by_transition.update(r.by_transition)
    return total


def _indicators(summary: Summary) -> list[tuple[str, str]]:
    try:
        return [(s.id, s.name) for s in load_standard(summary.standard_id).indicators]
    except (StandardError, KeyError, FileNotFoundError):
        seen = sorted({i for r in summary.rows for _c, i in r.deprived})
        return [(i, i) for i in seen]


def results_table(summary: Summary) -> Table:
    cols = [
        Column("Mã xã", "A", 0.8),
        Column("Xã, phường", "B", 2.0),
        Column("Tổng số hộ", "1", 1.0, "int"),
        Column("Tổng số khẩu", "2", 1.0, "int"),
    ]
    for label, code in (("Hộ nghèo", 3), ("Hộ cận nghèo", 5), ("Hộ có mức sống trung bình", 7)):
        cols.append(Column("Số hộ", str(code), 0.9, "int", group=label))
        cols.append(Column("Tỷ lệ (%)", f"{code + 1}={code}/1", 0.9, "percent", group=label))
    cols += [
        Column("Khẩu nghèo", "9", 0.9, "int"),
        Column("Khẩu cận nghèo", "10", 0.9, "int"),
        Column("Chưa phân loại", "11", 0.9, "int"),
    ]
    table = Table(
        cols, sheet="Kết quả theo xã", caption="Biểu 1. Kết quả rà soát theo xã", show_codes=True
    )
    for r, style in [(r, "data") for r in summary.rows] + [(_total(summary.rows), "total")]:
        cells: list[object] = [r.commune_code, r.commune_name, r.households, r.persons]
        for c in (Category.POOR, Category.NEAR_POOR, Category.MIDDLE):
            cells += [r.by_category[c], _rate(r.by_category[c], r.households)]
        cells += [
            r.persons_by_category[Category.POOR],
            r.persons_by_category[Category.NEAR_POOR],
            r.not_classified,
        ]
        table.add(cells, style)  # type: ignore[arg-type]
    return table


def deprivation_table(summary: Summary, category: Category, number: int) -> Table:
    specs = _indicators(summary)
    name = "hộ nghèo" if category is Category.POOR else "hộ cận nghèo"
    cols = [
        Column("Mã xã", "A", 0.7),
        Column("Xã, phường", "B", 1.6),
        Column(f"Tổng số {name}", "1", 0.8, "int"),
        Column("Tổng số chỉ số thiếu hụt", "2", 0.8, "int"),
    ]
    cols += [
        Column(label, str(i + 3), 0.8, "int", group="Số hộ thiếu hụt theo từng chỉ số")
        for i, (_id, label) in enumerate(specs)
    ]
    table = Table(
        cols,
        sheet=f"Thiếu hụt {name}",
        caption=f"Biểu {number}. Mức độ thiếu hụt các dịch vụ xã hội cơ bản của {name}, theo xã",
        show_codes=True,
    )
    total = _total(summary.rows)
    for r, style in [(r, "data") for r in summary.rows] + [(total, "total")]:
        table.add(
            [
                r.commune_code,
                r.commune_name,
                r.by_category[category],
                r.deprivations[category],
                *[r.deprived[(category.value, i)] for i, _n in specs],
            ],
            style,  # type: ignore[arg-type]
        )
    households = total.by_category[category]
    table.add(
        [
            None,
            "Tỷ lệ (%)",
            None,
            None,
            *[_rate(total.deprived[(category.value, i)], households) for i, _n in specs],
        ]
    )
    return table


def movement_table(summary: Summary) -> Table:
    """Two rows a commune, households then persons, as the commune's Biểu 6-7 count them
    (they had households only); each list's columns add up to Biểu 1's."""
    cols = [Column("Mã xã", "A", 0.7), Column("Xã, phường", "B", 1.6), Column("Đơn vị", "C", 1.0)]
    cols += [
        Column(label, str(i + 1), 0.8, "int", group=group_title(group, summary.year))
        for i, (group, label, _t) in enumerate(MOVES)
    ]
    table = Table(
        cols,
        sheet="Diễn biến",
        caption=(
            f"Biểu 4. Diễn biến hộ nghèo, hộ cận nghèo so với năm {summary.previous_year}, "
            "theo xã (cột 1-5 cộng lại bằng số hộ nghèo, khẩu nghèo; cột 6-10 bằng số hộ "
            "cận nghèo, khẩu cận nghèo của Biểu 1)"
        ),
        show_codes=True,
    )
    totals = {"Hộ": [0] * len(MOVES), "Nhân khẩu": [0] * len(MOVES)}
    for r in summary.rows:
        units = (
            ("Hộ", r.by_category, r.by_transition),
            ("Nhân khẩu", r.persons_by_category, r.persons_by_transition),
        )
        for unit, by_category, by_transition in units:
            # Blank in a commune's first review year: nothing before to move from.
            moves = [
                moved(by_category, by_transition, group, t) if r.movements else None
                for group, _l, t in MOVES
            ]
            first = unit == "Hộ"
            table.add(
                [r.commune_code if first else "", r.commune_name if first else "", unit, *moves],
                keep_with_next=first,  # a commune's two rows on one page
            )
            # The total adds up the rows above: a first year's commune, blank there, would
            # otherwise put all its households of each list in "khác".
            totals[unit] = [n + (m or 0) for n, m in zip(totals[unit], moves, strict=True)]
    for unit, cells in totals.items():
        first = unit == "Hộ"
        table.add(["", "Tổng cộng" if first else "", unit, *cells], "total", keep_with_next=first)
    return table


def _header(summary: Summary) -> Header:
    """The province's People's Committee ("UBND TỈNH LÀO CAI"), dated at the province
    ("Lào Cai, ngày …"): the date line had no place, ", ngày 05 tháng 12 năm 2026"."""
    name = summary.province_name
    if not name:
        return Header(issuer=["CẤP TỈNH"], place="", when=date.today())
    place = admin_units.province_short_name(name)
    issuer = f"UBND {admin_units.province_in_address(name).upper()}"
    return Header(issuer=[issuer], place=place, when=date.today())


def summary_document(summary: Summary) -> Document:
    blocks: list[object] = [
        Para(
            f"Số liệu của {len(summary.rows)} xã, phường theo gói dữ liệu mới nhất mỗi xã đã "
            f"gửi lên; phân loại theo kỳ rà soát năm {summary.year}.",
            "small",
        ),
    ]
    behind = [f"{r.commune_name} (mã {r.commune_code})" for r in summary.rows if not r.reviewed]
    if behind:
        # Their rows are all "Chưa phân loại": said why, and what to ask of them.
        blocks.append(
            Para(
                f"Chưa có kỳ rà soát năm {summary.year}: {', '.join(behind)} — gói mới nhất "
                f"của xã chưa có kỳ rà soát năm {summary.year}, các hộ được tính vào cột Chưa "
                "phân loại; cần xã gửi gói mới.",
                "small",
            )
        )
    blocks += [
        results_table(summary),
        deprivation_table(summary, Category.POOR, 2),
        deprivation_table(summary, Category.NEAR_POOR, 3),
    ]
    if summary.previous_year is not None:
        blocks.append(movement_table(summary))
    part = Part(
        _header(summary),
        "Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo theo xã",
        [f"{summary.province_name} năm {summary.year}"],
        blocks,  # type: ignore[arg-type]
    )
    return Document("registry_summary", part.title, [part], landscape=True)


def list_document(
    summary: Summary, rows: Sequence[ListedHousehold], categories: Sequence[str] = ()
) -> Document:
    commune = summary.rows[0]
    labels = {str(c.value): str(CATEGORY_LABELS[c]) for c in Category}
    what = ", ".join(labels.get(c, c).lower() for c in categories) or "tất cả các hộ"
    table = Table(
        [
            Column("STT", "", 0.5, "plain"),
            Column("Mã hộ", "", 1.0),
            Column("Họ tên chủ hộ", "", 2.2),
            Column("Thôn", "", 1.6),
            Column("Số khẩu", "", 0.7, "int"),
            Column(f"Phân loại năm {summary.year}", "", 1.4),
            Column("Số chỉ số thiếu hụt", "", 0.9, "int"),
            Column(
                f"Năm {summary.previous_year}" if summary.previous_year else "Năm trước", "", 1.4
            ),
        ],
        sheet="Danh sách",
    )
    for n, h in enumerate(rows, start=1):
        table.add(
            [
                n,
                h.code,
                h.head_name,
                h.village,
                h.size,
                labels.get(h.category or "", "Chưa phân loại"),
                h.deprivation_count,
                labels.get(h.previous or "", "—"),
            ]
        )
    part = Part(
        _header(summary),
        f"Danh sách hộ của {commune.commune_name}",
        [f"({what}; kỳ rà soát năm {summary.year}; mã xã {commune.commune_code})"],
        [Para(f"Tổng số: {len(rows)} hộ.", "bold"), table],
    )
    return Document("registry_list", part.title, [part], landscape=True)


def escaped_document(lists: Escaped) -> Document:
    """The commune's two lists of the year's review, as its own "Danh sách hộ thoát nghèo,
    thoát cận nghèo" has them (``reports.lists.escaped_list``): those who left the poor list
    (to the near-poor list or above it) and those who left the near-poor list (above it, or
    down to the poor list), each list on its own pages with its total."""
    head = lists.head
    commune = head.rows[0]
    parts = []
    for title, sheet, moves in (
        ("Danh sách hộ thoát nghèo", "Hộ thoát nghèo", ESCAPES_POVERTY),
        ("Danh sách hộ thoát cận nghèo", "Hộ thoát cận nghèo", LEAVES_NEAR_POVERTY),
    ):
        chosen = [h for h in lists.households if h.transition in moves]
        blocks: list[object] = []
        if lists.previous_year is None:
            # The commune's first review in its package: its own papers show no movement.
            blocks.append(
                Para(
                    f"Gói mới nhất của xã không có kỳ rà soát nào trước năm {head.year}: chưa "
                    "có kỳ trước để so sánh, danh sách không có hộ nào.",
                    "small",
                )
            )
        blocks.append(_moved_table(chosen, sheet))
        decided = (
            f"quyết định ngày {lists.decided_on:%d/%m/%Y}"
            if lists.decided_on
            else "chưa có ngày quyết định trong gói"
        )
        since = f"so với kỳ rà soát năm {lists.previous_year}; " if lists.previous_year else ""
        parts.append(
            Part(
                _header(head),
                f"{title} của {commune.commune_name}",
                [
                    f"(Kết quả rà soát năm {head.year}, {since}{decided}; mã xã "
                    f"{commune.commune_code})"
                ],
                blocks,  # type: ignore[arg-type]
            )
        )
    return Document(
        "registry_escaped",
        "Danh sách hộ thoát nghèo, thoát cận nghèo",
        parts,
        landscape=True,
        pages_per_part=True,  # each list stands on its own, as the commune's
    )


def _moved_table(rows: Sequence[MovedHousehold], sheet: str) -> Table:
    table = Table(
        [
            Column("STT", "", 0.5, "plain"),
            Column("Mã hộ", "", 1.0),
            Column("Họ tên chủ hộ", "", 2.2),
            Column("Thôn", "", 1.6),
            Column("Số khẩu", "", 0.7, "int"),
            Column("Phân loại", "", 2.8),
            Column("Điểm B1", "", 0.7, "int"),
            Column("Số chỉ số thiếu hụt", "", 0.9, "int"),
        ],
        sheet=sheet,
    )
    for n, h in enumerate(rows, start=1):
        table.add(
            [
                n,
                h.code,
                h.head_name,
                h.village,
                h.size,
                TRANSITION_LABELS[h.transition],
                h.b1_score,
                h.deprivation_count,
            ]
        )
    persons = sum(h.size for h in rows)
    table.add([None, None, f"Tổng cộng: {len(rows)} hộ, {persons} khẩu", None, persons], "total")
    return table
