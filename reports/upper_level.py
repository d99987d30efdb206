"""The upper level's table across communes: one row per commune package
(``db.exchange.upper_level.summaries``), households by category and by movement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from db.exchange.upper_level import CommuneSummary
from forms import admin_units
from forms.labels import CATEGORY_LABELS
from forms.model import Category, Transition
from reports.document import Column, Document, Header, Part, Table


def upper_level_document(rows: Sequence[CommuneSummary]) -> Document:
    """The upper level's table across communes, built from ``reports`` blocks (one row per
    commune; households by category and by movement)."""
    moves = [
        (Transition.STAYED_POOR, "Nghèo cũ"),
        (Transition.NEWLY_POOR, "Nghèo phát sinh mới"),
        (Transition.FELL_BACK_POOR, "Tái nghèo"),
        # With the three above, every poor household: without it the columns added up to
        # fewer than "Hộ nghèo" (31 against 33).
        (Transition.NEAR_POOR_TO_POOR, "Cận nghèo thành nghèo"),
        (Transition.ESCAPED_POVERTY, "Thoát nghèo"),
        (Transition.POOR_TO_NEAR_POOR, "Thoát nghèo thành cận nghèo"),
        (Transition.ESCAPED_NEAR_POVERTY, "Thoát cận nghèo"),
    ]
    cats = [Category.POOR, Category.NEAR_POOR, Category.MIDDLE]
    columns = [
        Column("Mã xã", width=1.0),
        Column("Xã, phường", width=2.6),
        Column("Năm", width=0.8, kind="year"),
        Column("Tổng số hộ", width=1.0, kind="int"),
        Column("Tổng số khẩu", width=1.0, kind="int"),
        *[Column(str(CATEGORY_LABELS[c]), width=1.0, kind="int", group="Số hộ") for c in cats],
        *[Column(label, width=1.1, kind="int", group="Diễn biến (hộ)") for _, label in moves],
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
                *[r.by_transition[t] if r.movements else None for t, _ in moves],
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
        *[sum(r.by_transition[t] for r in rows) for t, _ in moves],
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
