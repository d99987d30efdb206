"""What each rule of the app rests on, and how sure we are of it: the "Căn cứ pháp lý" screen
and ``rasoat can-cu``.

Legal confidence is for the people who keep the rules, not a status of a household: forms,
the classification panel and printed documents never say "chưa xác nhận". It is said here,
once, with the source, read from the same data the engine uses (standards, forms,
catalogues), so it cannot drift from what the app does. ``docs/domain.md`` explains each.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms import catalog, definitions
from forms.model import Area
from forms.standards import Standard

AREA_VI = {Area.RURAL: "nông thôn", Area.URBAN: "thành thị"}


@dataclass(frozen=True)
class Basis:
    topic: str  # the group it belongs to, e.g. "Chuẩn nghèo", "Chỉ số thiếu hụt"
    rule: str  # what the app does, in a line
    source: str  # the text it rests on, as the data cites it
    confirmed: bool  # False: no source we hold states it (see docs/domain.md)


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " đồng"


# Entries of ``Standard.unconfirmed`` (forms.standards) that flag a value shown below with
# its own line; every other entry is a line of its own.
_FLAGS = {
    "income": "Chuẩn thu nhập (mức thu nhập bình quân)",
    "b1": "Ngưỡng điểm B1",
    "band": "Ngưỡng thu nhập hộ có mức sống trung bình",
    "points": "Điểm cho mỗi chỉ số thiếu hụt (điểm B2)",
}


def legal_basis(standard: Standard) -> list[Basis]:
    """Every rule the app applies under ``standard``, with its source and confidence."""
    out: list[Basis] = []
    src = standard.sources
    flagged = set(standard.unconfirmed)
    lines = ", ".join(f"{AREA_VI[a]} {_money(v)}" for a, v in standard.income_lines.items())
    out.append(
        Basis(
            "Chuẩn nghèo",
            f"{standard.name}: chuẩn thu nhập {lines}/người/tháng",
            src.get("income_lines", standard.source),
            _FLAGS["income"] not in flagged,
        )
    )
    for area, threshold in standard.b1_thresholds.items():
        if threshold is not None:
            out.append(
                Basis(
                    "Chuẩn nghèo",
                    f"Phiếu B1 ({AREA_VI[area]}): từ {threshold} điểm trở xuống là thu nhập "
                    "không vượt chuẩn",
                    src.get("b1_thresholds", standard.source),
                    _FLAGS["b1"] not in flagged,
                )
            )
    for area, band in standard.middle_bands.items():
        if band is not None:
            out.append(
                Basis(
                    "Chuẩn nghèo",
                    f"Hộ có mức sống trung bình ({AREA_VI[area]}): thu nhập trên "
                    f"{_money(band[0])} đến {_money(band[1])}/người/tháng",
                    src.get("middle_band", standard.source),
                    _FLAGS["band"] not in flagged,
                )
            )
    out.append(
        Basis(
            "Chuẩn nghèo",
            f"Hộ nghèo: thu nhập không vượt chuẩn và thiếu hụt từ "
            f"{standard.deprivation_threshold} chỉ số trở lên (mỗi chỉ số "
            f"{standard.deprivation_points} điểm)",
            standard.source,
            _FLAGS["points"] not in flagged,
        )
    )
    for spec in standard.indicators:
        out.append(
            Basis(
                "Chỉ số thiếu hụt",
                f"{spec.name} ({spec.dimension})",
                spec.source,
                not spec.unconfirmed,
            )
        )
    out += [
        Basis("Chưa có trong văn bản", u, standard.source, False)
        for u in standard.unconfirmed
        if u not in _FLAGS.values()
    ]
    for form in (definitions.phieu_a(), definitions.phieu_b1(), definitions.phieu_b2(standard)):
        for q in form.questions():
            if q.unconfirmed:
                out.append(Basis(form.title, q.label, form.source, False))
    for name, items in (
        ("Nguyên nhân nghèo", catalog.causes()),
        ("Nhu cầu hỗ trợ", catalog.needs()),
    ):
        for item in items:
            if item.unconfirmed:
                out.append(Basis(name, item.label, item.source, False))
    out.append(
        Basis(
            "Niêm yết công khai",
            "Số ngày niêm yết là một thiết lập của xã (mặc định 7 ngày): văn bản chúng tôi có "
            "không nêu số ngày; thông báo của các địa phương thường ghi 3–7 ngày",
            "Quyết định 24/2021/QĐ-TTg (quy trình rà soát)",
            False,
        )
    )
    return out


def unconfirmed_count(standard: Standard) -> int:
    return sum(not b.confirmed for b in legal_basis(standard))
