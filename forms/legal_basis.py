"""What each rule of the app rests on, and how sure we are of it: the "Căn cứ pháp lý" screen
and ``rasoat can-cu``.

Legal confidence is for the people who keep the rules, not a status of a household: forms,
the classification panel and printed documents never say "chưa xác nhận". It is said here,
once, with the source, read from the same data the engine uses (standards, forms,
catalogues), so it cannot drift from what the app does. ``docs/domain.md`` explains each.

What this screen shows an officer is what they may cite to the upper level: each ``source``
in the data is plain Vietnamese (a decree or circular with its article, a provincial
document named as officers know it, or "Phần mềm tạm áp dụng …; chờ hướng dẫn của cấp
trên"); which working document a value came from and why it is unconfirmed stay in the data
files' comments and in docs/domain.md (``tests/forms/test_legal_basis.py`` checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from forms import catalog, definitions
from forms.applications import (
    PERIODIC_END,
    PERIODIC_START,
    REGULAR_DECISION_DAYS,
    REGULAR_REVIEW_DAY,
)
from forms.meeting import PASS_PERCENT
from forms.model import Area
from forms.standards import Standard

AREA_VI = {Area.RURAL: "nông thôn", Area.URBAN: "thành thị"}


class Status(StrEnum):
    """How sure a rule is, as docs/domain.md marks it: [confirmed], [seed], [unconfirmed]."""

    LAW = "law"  # a national legal text states this very rule
    PROVINCE = "province"  # a provincial document states it; no national text we hold does
    NONE = "none"  # no text states it: the app's own choice until guidance comes


STATUS_VI = {
    Status.LAW: "Có văn bản",
    Status.PROVINCE: "Theo văn bản cấp tỉnh",
    Status.NONE: "Chưa có văn bản nêu rõ",
}


@dataclass(frozen=True)
class Basis:
    topic: str  # the group it belongs to, e.g. "Chuẩn nghèo", "Chỉ số thiếu hụt"
    rule: str  # what the app does, in a line
    source: str  # the text it rests on, in the words an officer cites
    status: Status

    @property
    def confirmed(self) -> bool:
        """A national legal text states it (the only rows not highlighted)."""
        return self.status is Status.LAW

    @property
    def status_vi(self) -> str:
        return STATUS_VI[self.status]


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " đồng"


def _status(unconfirmed: bool, basis: str = "") -> Status:
    if unconfirmed:
        return Status.NONE
    return Status.PROVINCE if basis == "province" else Status.LAW


def indicator_label(name: str, dimension: str) -> str:
    """ "Dinh dưỡng (thuộc chiều y tế)"; an indicator named as its dimension ("Việc làm") once."""
    if name.casefold() == dimension.casefold():
        return name
    return f"{name} (thuộc chiều {dimension[:1].lower()}{dimension[1:]})"


# Entries of ``Standard.unconfirmed`` (forms.standards) that flag a value shown below with
# its own line; every other entry is a line of its own.
_FLAGS = {
    "income": "Chuẩn thu nhập (mức thu nhập bình quân)",
    "b1": "Ngưỡng điểm B1",
    "band": "Ngưỡng thu nhập hộ có mức sống trung bình",
    "points": "Điểm cho mỗi chỉ số thiếu hụt (điểm B2)",
}

# The group of an entry of ``Standard.unconfirmed`` with a line of its own, by the key of
# ``Standard.sources`` it belongs to.
_TOPIC_OF_KEY = {
    "low_income_members": "Người lao động có thu nhập thấp",
    "low_income_workers": "Người lao động có thu nhập thấp",
}

# The procedure's rules the app applies (forms.meeting, forms.applications), from the same
# constants, with the decision they come from [confirmed: docs/domain.md §5].
_PROCEDURE = "Quy trình rà soát"
_PROCEDURE_RULES = (
    Basis(
        _PROCEDURE,
        f"Họp dân: kết quả của hộ được thống nhất khi có từ {PASS_PERCENT}% số người dự họp "
        f"đồng ý; dưới {PASS_PERCENT}% thì rà soát lại và họp lại",
        "Quyết định 24/2021/QĐ-TTg, Điều 4 (bước tổ chức họp dân để thống nhất kết quả rà soát)",
        Status.LAW,
    ),
    Basis(
        _PROCEDURE,
        f"Rà soát định kỳ mỗi năm một lần, từ ngày {PERIODIC_START[1]:02d}/{PERIODIC_START[0]} "
        f"đến ngày {PERIODIC_END[1]}/{PERIODIC_END[0]}",
        "Quyết định 24/2021/QĐ-TTg, Điều 3, khoản 1",
        Status.LAW,
    ),
    Basis(
        _PROCEDURE,
        f"Rà soát thường xuyên mỗi tháng một lần, từ ngày {REGULAR_REVIEW_DAY} hằng tháng; "
        f"quyết định công nhận trong {REGULAR_DECISION_DAYS} ngày kể từ ngày bắt đầu rà soát",
        "Quyết định 24/2021/QĐ-TTg, Điều 3, khoản 1 và Điều 5",
        Status.LAW,
    ),
)

# The statutory posting length is not in any source we hold (docs/domain.md §7): the line
# names the decision's step and leaves the days to the commune, without saying the decision
# is silent on them (until session 26 it said "không nêu số ngày niêm yết", unsourced).
_POSTING = Basis(
    "Niêm yết công khai",
    "Số ngày niêm yết công khai danh sách: xã tự đặt trong Thiết lập (mặc định 7 ngày)",
    "Quyết định 24/2021/QĐ-TTg (bước niêm yết, thông báo công khai kết quả rà soát). Số ngày "
    "niêm yết: phần mềm để xã tự đặt theo Quyết định này và hướng dẫn của tỉnh; thông báo của "
    "các xã thường ghi 3–7 ngày.",
    Status.NONE,
)


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
            _status(_FLAGS["income"] in flagged),
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
                    _status(_FLAGS["b1"] in flagged),
                )
            )
    for area, band in standard.middle_bands.items():
        if band is not None:
            out.append(
                Basis(
                    "Chuẩn nghèo",
                    "Hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống "
                    f"trung bình ({AREA_VI[area]}): thu nhập trên {_money(band[0])} đến "
                    f"{_money(band[1])}/người/tháng",
                    src.get("middle_band", standard.source),
                    _status(_FLAGS["band"] in flagged),
                )
            )
    bounds = {a: v for a, v in standard.low_income_upper.items() if v is not None}
    if bounds:
        # The bound the low-income check applies (forms.low_income); which members count has
        # its own line below when the file leaves it open.
        said = ", ".join(f"{_money(v)}/người/tháng ({AREA_VI[a]})" for a, v in bounds.items())
        out.append(
            Basis(
                _TOPIC_OF_KEY["low_income_workers"],
                "Thuộc hộ không phải hộ nghèo, hộ cận nghèo, thu nhập bình quân đầu người không "
                f"quá {said}",
                src.get("low_income_workers") or standard.source,
                Status.LAW,
            )
        )
    out.append(
        Basis(
            "Chuẩn nghèo",
            f"Hộ nghèo: thu nhập không vượt chuẩn và thiếu hụt từ "
            f"{standard.deprivation_threshold} chỉ số trở lên; hộ cận nghèo: thu nhập không vượt "
            f"chuẩn và thiếu hụt dưới {standard.deprivation_threshold} chỉ số (mỗi chỉ số "
            f"{standard.deprivation_points} điểm)",
            src.get("deprivation", standard.source),
            _status(_FLAGS["points"] in flagged),
        )
    )
    for spec in standard.indicators:
        out.append(
            Basis(
                "Chỉ số thiếu hụt",
                indicator_label(spec.name, spec.dimension),
                spec.source,
                _status(spec.unconfirmed, spec.basis),
            )
        )
    # What the standard leaves open beyond the lines above, each with its own source; an
    # indicator's measure is said on the indicator's line, not twice.
    for entry in standard.unconfirmed:
        key = standard.unconfirmed_keys.get(entry, "")
        if entry in _FLAGS.values() or key.startswith("indicator:"):
            continue
        topic = _TOPIC_OF_KEY.get(key, "Chuẩn nghèo")
        rule = entry.removeprefix(f"{topic}: ")  # not "X | X: …"
        out.append(
            Basis(topic, rule[:1].upper() + rule[1:], src.get(key) or standard.source, Status.NONE)
        )
    for form in (definitions.phieu_a(), definitions.phieu_b1(), definitions.phieu_b2(standard)):
        for q in form.questions():
            if q.unconfirmed:
                out.append(Basis(form.title, q.label, form.source, Status.NONE))
    for name, items in (
        ("Nguyên nhân nghèo", catalog.causes()),
        ("Nhu cầu hỗ trợ", catalog.needs()),
    ):
        for item in items:
            status = _status(item.unconfirmed, item.basis)
            if status is not Status.LAW:
                out.append(Basis(name, item.label, item.source, status))
    out += _PROCEDURE_RULES
    out.append(_POSTING)
    return out


def unconfirmed_count(standard: Standard) -> int:
    return sum(not b.confirmed for b in legal_basis(standard))
