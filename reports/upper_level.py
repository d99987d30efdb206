"""The upper level's table across communes: one row per commune package
(``db.exchange.upper_level.summaries``), households by category and by movement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from db.exchange.upper_level import CommuneSummary
from forms import admin_units
from forms.labels import CATEGORY_LABELS
from forms.model import Category
from reports.document import Column, Document, Header, Part, Table
from reports.movement_columns import LEFT_GROUP, MOVES, group_title, moved


def upper_level_document(rows: Sequence[CommuneSummary]) -> Document:
    """The upper level's table across communes, built from ``reports`` blocks (one row per
    commune; households by category and by movement)."""
    cats = [Category.POOR, Category.NEAR_POOR, Category.MIDDLE]
    columns = [
        Column("Mã xã", width=1.0),
        Column("Xã, phường", width=2.6),
        Column("Năm", width=0.8, kind="year"),
        Column("Tổng số hộ", width=1.0, kind="int"),
        Column("Tổng số khẩu", width=1.0, kind="int"),
        *[Column(str(CATEGORY_LABELS[c]), width=1.0, kind="int", group="Số hộ") for c in cats],
        # Each list's households by where they came from (reports.movement_columns): the
        # near-poor had no "cận nghèo cũ", "cận nghèo phát sinh mới" nor "tái cận nghèo".
        *[
            Column(label, width=1.0, kind="int", group=f"{group_title(group)}: diễn biến (hộ)")
            if group != LEFT_GROUP
            else Column(label, width=1.0, kind="int", group=group_title(group))
            for group, label, _t in MOVES
        ],
        Column("Chưa phân loại", width=1.0, kind="int"),
    ]
    table = Table(columns, sheet="Tổng hợp", caption="Kết quả rà soát theo xã")
    for r in rows:
        table.add(
            [
                r.commune_code,
                r.commune_name,
                r.year,
                r.households,
                r.persons,
                *[r.by_category[c] for c in cats],
                # Blank in a commune's first review year: nothing before to move from.
                *[
                    moved(r.by_category, r.by_transition, g, t) if r.movements else None
                    for g, _l, t in MOVES
                ],
                r.not_classified,
            ]
        )
    total = [
        "",
        "Tổng cộng",
        None,
        sum(r.households for r in rows),
        sum(r.persons for r in rows),
        *[sum(r.by_category[c] for r in rows) for c in cats],
        *[
            sum(moved(r.by_category, r.by_transition, g, t) for r in rows if r.movements)
            for g, _l, t in MOVES
        ],
        sum(r.not_classified for r in rows),
    ]
    table.add(total, style="total")
    province = next((r.province_name for r in rows if r.province_name), "")
    # The province's People's Committee, dated at the province: it was headed "LÀO CAI" and
    # dated ", ngày …" with no place.
    issuer, place = "CẤP TỈNH", ""
    if province:
        issuer = f"UBND {admin_units.province_in_address(province).upper()}"
        place = admin_units.province_short_name(province)
    part = Part(
        header=Header(issuer=[issuer], place=place, when=date.today()),
        title="TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO THEO XÃ",
        blocks=[table],
    )
    return Document(kind="upper_level_summary", title=part.title, parts=[part], landscape=True)
