"""The documents of the list all year round (issue 24): a household's application printed as
the official request form (Mẫu số 01 / 04 of Decision 24/2021/QĐ-TTg), the monthly report of
the regular review to the upper level, the households whose stated needs got no support this
year, and a cadre's households with their causes, needs and support.

What is known of each layout, and how sure, is in ``docs/domain.md`` (§5, "Applications");
the forms themselves carry only what the household fills in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from db import year_round
from db.records import Round
from forms import catalog
from forms.applications import ApplicationKind, form_number
from forms.labels import CATEGORY_LABELS, TRANSITION_LABELS, label, relationship_of
from forms.model import Category, Transition
from forms.support_period import SupportPeriod
from reports.document import (
    Column,
    Document,
    Header,
    Para,
    Part,
    SignatureBox,
    Signatures,
    Table,
    esc,
)
from reports.review import ReportError, ReviewData, load_review, village_title

BLANK = "……"
_TITLES = {
    ApplicationKind.PERIODIC_REVIEW: (
        "GIẤY ĐỀ NGHỊ",
        "Rà soát hộ nghèo, hộ cận nghèo; xác định hộ có mức sống trung bình",
    ),
    ApplicationKind.REGULAR_REVIEW: ("GIẤY ĐỀ NGHỊ", "Rà soát hộ nghèo, hộ cận nghèo"),
    ApplicationKind.ESCAPE: ("GIẤY ĐỀ NGHỊ", "Công nhận hộ thoát nghèo, hộ thoát cận nghèo"),
}


def _commune(store: Any) -> tuple[str, str]:
    """("xã Bảo Yên", "Bảo Yên") from the commune file."""
    data = ReviewData(store.commune(), None, None, [], [])  # type: ignore[arg-type]
    return data.commune_full, data.commune_short


def _dmy(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else BLANK


# --- the request form --------------------------------------------------------------------
def _status(m: Any) -> str:
    from forms.model import Employment, Schooling

    if m.schooling is not None and m.schooling is not Schooling.NOT_ATTENDING:
        return "Đang đi học"
    if m.employment is None:
        return ""
    if m.employment is Employment.UNEMPLOYED:
        return "Không có việc làm"
    if m.employment in (
        Employment.WAGE_WITH_CONTRACT,
        Employment.WAGE_NO_CONTRACT,
        Employment.SELF_EMPLOYED,
    ):
        return "Có việc làm"
    return label(m.employment)


def application_form(store: Any, application_id: str) -> Document:
    app = year_round.application(store, application_id)
    if app is None:
        raise ReportError("Không tìm thấy giấy đề nghị này.")
    h = store.get_household(app.household_id)
    if h is None:
        raise ReportError("Không tìm thấy hộ của giấy đề nghị.")
    commune_full, commune_short = _commune(store)
    head = h.head()
    title, subject = _TITLES[app.kind]
    born = BLANK
    if head is not None:
        born = _dmy(head.birth_date) if head.birth_date else str(head.year_of_birth() or BLANK)
    lines = [
        f"Kính gửi: Chủ tịch Ủy ban nhân dân {commune_full}",
        f"Họ và tên: <b>{esc(h.head_name() or BLANK)}</b>; giới tính: "
        f"{esc(label(head.sex) if head and head.sex else BLANK)}; ngày sinh: {esc(born)}",
        f"Dân tộc: {esc((head.ethnicity if head else None) or BLANK)}; số định danh cá nhân/CCCD: "
        f"{esc((head.id_number if head else None) or BLANK)}",
        f"Nơi thường trú: {esc(h.address or village_title(h.village) + ', ' + commune_full)}",
        f"Nơi ở hiện tại: {esc(h.address or village_title(h.village) + ', ' + commune_full)}",
    ]
    blocks: list[Any] = [Para(text, markup=True) for text in lines]
    members = Table(
        [
            Column("TT", "", 0.4, "plain"),
            Column("Họ và tên", "", 2.4),
            Column("Giới tính", "", 0.8),
            Column("Ngày sinh", "", 1.0),
            Column("Quan hệ với chủ hộ", "", 1.2),
            Column("Tình trạng", "", 1.4),
        ],
        sheet="Thành viên",
        caption="Các thành viên trong hộ gia đình:",
    )
    for n, m in enumerate(h.members, start=1):
        born = _dmy(m.birth_date) if m.birth_date else str(m.year_of_birth() or "")
        members.add([n, m.name, label(m.sex), born, relationship_of(m, head), _status(m)])
    blocks += [
        members,
        Para(f"Lý do đề nghị: {esc(app.request or BLANK)}", markup=True),
        Para(
            "Tôi xin cam đoan những thông tin trên là đúng sự thật, nếu sai tôi xin chịu "
            "trách nhiệm trước pháp luật."
        ),
        Signatures([SignatureBox("NGƯỜI ĐỀ NGHỊ", name=app.submitted_by)]),
    ]
    part = Part(
        Header(
            [],
            commune_short,
            when=app.submitted_on,
            form_mark=f"Mẫu số {form_number(app.kind)}",
            motto_only=True,
        ),
        title,
        [subject],
        blocks,
    )
    return Document("application_form", f"{title} - {h.code}", [part])


# --- the monthly report ------------------------------------------------------------------
def _before(t: Transition | None) -> str:
    """The category a transition moves from, as the monthly report's "Trước" says it."""
    if t in (Transition.STAYED_POOR, Transition.POOR_TO_NEAR_POOR, Transition.ESCAPED_POVERTY):
        return CATEGORY_LABELS[Category.POOR]
    if t in (
        Transition.STAYED_NEAR_POOR,
        Transition.NEAR_POOR_TO_POOR,
        Transition.ESCAPED_NEAR_POVERTY,
    ):
        return CATEGORY_LABELS[Category.NEAR_POOR]
    return "Ngoài danh sách" if t not in (None, Transition.UNKNOWN) else ""


KEPT = "Giữ nguyên (họp thôn chưa thông qua)"


def monthly_report(data: ReviewData, village: str | None = None) -> Document:
    """The regular review of one month, for the upper level (by the 5th of the next month,
    February to September): each household reviewed, its category before and after, and the
    totals by change."""
    if data.round.kind != year_round.REGULAR:
        data = data.__dict__.get("monthly") or data
    opened = data.round.kind == year_round.REGULAR
    month = data.round.reference_date.month if opened and data.round.reference_date else 0
    entries = data.entries if opened else []
    table = Table(
        [
            Column("STT", "A", 0.4, "plain"),
            Column("Mã hộ", "B", 0.9),
            Column("Họ và tên chủ hộ", "C", 2.0),
            Column("Thôn", "D", 1.2),
            Column("Số nhân khẩu", "1", 0.6, "int"),
            Column("Trước rà soát", "E", 1.1),
            Column("Sau rà soát", "F", 1.1),
            Column("Biến động", "G", 1.6),
        ],
        sheet=f"Tháng {month}",
        show_codes=True,
    )
    counts: dict[str, list[int]] = {}
    for n, e in enumerate(entries, start=1):
        h = e.household
        if e.sent_back:
            # The month's meeting refused the change: it stays where it was (as the lists in
            # force keep it), and is no change in the totals. Its proposal was printed as
            # the result ("Sau rà soát: Không nghèo") beside an empty "Trước".
            before = after = _before(e.proposed)
            table.add([n, h.code, h.head_name(), h.village, h.size(), before, after, KEPT])
            continue
        after = CATEGORY_LABELS[e.result.category]
        change = TRANSITION_LABELS[e.transition] if e.transition else ""
        table.add(
            [n, h.code, h.head_name(), h.village, h.size(), _before(e.transition), after, change]
        )
        if change:
            counts.setdefault(change, [0, 0])
            counts[change][0] += 1
            counts[change][1] += h.size()
    table.add(["", "", "Tổng số", "", sum(e.size for e in entries)], "total")
    totals = Table(
        [
            Column("Biến động", "A", 2.5),
            Column("Số hộ", "1", 0.8, "int"),
            Column("Số khẩu", "2", 0.8, "int"),
        ],
        sheet="Tổng hợp",
        caption="Tổng hợp theo biến động",
    )
    for change, (households, persons) in sorted(counts.items()):
        totals.add([change, households, persons])
    decision = data.decision if opened else None
    said = (
        f"Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y}; danh sách áp dụng "
        "từ ngày quyết định."
        if decision
        else "Chưa có quyết định công nhận của Chủ tịch UBND."
        if opened
        # Paper, not the window: no menu path on it.
        else "Chưa có kỳ rà soát thường xuyên nào trong tháng."
    )
    part = Part(
        Header(data.commune_issuer(), data.commune_short, number="Số: …/BC-UBND"),
        f"BÁO CÁO KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO THƯỜNG XUYÊN THÁNG {month or '…'}/"
        f"{data.round.year}",
        [data.commune_title],
        [
            # As the summary report addresses it: a line of its own, dots to fill by hand
            # when the settings name no upper level (it was squeezed into the subtitle, or
            # missing).
            Para(f"Kính gửi: {data.upper_level or '…' * 20}", "center"),
            Para(
                f"Số hộ được rà soát trong tháng: {len(entries)} (hộ có giấy đề nghị hoặc "
                f"có thay đổi). {said}"
            ),
            table,
            totals,
            Signatures(
                [
                    SignatureBox("NGƯỜI LẬP BIỂU"),
                    SignatureBox("CHỦ TỊCH", above="TM. ỦY BAN NHÂN DÂN", note="(Ký, đóng dấu)"),
                ]
            ),
        ],
    )
    return Document("monthly_report", part.title, [part], landscape=True)


def latest_regular(store: Any, data: ReviewData) -> None:
    """``prepare`` step: asked from a periodic round (the menu prints for the current round),
    the monthly report is that of the newest regular round."""
    if data.round.kind == year_round.REGULAR:
        return
    if year_round.regular_rounds(store):
        # The latest month, as ``monthly_round`` picks it for the upper level's print from
        # the package (it was the round opened last: May typed in after June printed May
        # here and June there).
        latest = monthly_round(store)
        data.__dict__["monthly"] = load_review(store, latest.id, upper_level=data.upper_level)


def monthly_round(store: Any, month: int | None = None, year: int | None = None) -> Any:
    """The regular round of a month (of ``year``, else the latest year having one), or the
    newest regular round when no month is named; ``ReportError`` when there is none."""
    rounds = [
        r
        for r in year_round.regular_rounds(store, year)
        if month is None or year_round.regular_month(r) == month
    ]
    if not rounds:
        when = f" tháng {month}" if month else ""
        when += f"/{year}" if month and year else f" năm {year}" if year else ""
        full = _commune(store)[0]
        raise ReportError(f"{full[:1].upper()}{full[1:]} chưa có kỳ rà soát thường xuyên{when}.")
    return max(rounds, key=lambda r: (r.year, year_round.regular_month(r) or 0))


def monthly_report_from_package(
    package: Any,
    out_path: Any,
    *,
    fmt: str = "pdf",
    month: int | None = None,
    year: int | None = None,
    upper_level: str = "",
    source_name: str = "",
    device: str = "",
) -> Any:
    """The upper level prints a commune's monthly report from the commune's package: the
    package merged into a temporary commune file (``db.exchange.upper_level.commune_file``),
    then the very document the commune prints (``reports.build``). Returns the file written."""
    from db.exchange.upper_level import commune_file
    from reports import build

    with commune_file(package, source_name=source_name, device=device) as store:
        rnd = monthly_round(store, month, year)
        return build(
            "monthly_report", store, out_path, fmt=fmt, round_id=rnd.id, upper_level=upper_level
        )


# --- support -----------------------------------------------------------------------------
def _support_text(records: list[year_round.SupportRecord]) -> str:
    kinds = catalog.support_kinds()
    out = []
    for s in records:
        text = f"{catalog.label_of(kinds, s.kind)} ({s.given_on:%d/%m/%Y}"
        if s.amount:
            # Only the amount's grouping becomes dots: the separator before it stays a comma.
            text += ", " + f"{s.amount:,} đồng".replace(",", ".")
        if s.programme:
            text += f", {s.programme}"
        out.append(text + ")")
    return "; ".join(out)


def stash_support(store: Any, data: ReviewData, on: date | None = None) -> None:
    """``prepare`` step: the report is of a day (``on``, default today), whatever round the
    menu prints for: its households are the lists in force that day
    (``db.year_round.list_in_force``) and its support that of the same day's support period
    (``forms.support_period``), which both follow the same decision."""
    on = on or date.today()
    period = year_round.support_period(store, on)
    data.__dict__["unmet"] = year_round.needs_without_support(store, period, on)
    listed = year_round.list_in_force(store, on)
    data.__dict__["unmet_round"] = listed
    data.__dict__["unmet_on"] = on
    if listed is not None and listed.standard_id != data.round.standard_id:
        # The line naming the standard (``reports.name_the_standard``) names the lists'
        # own: the 2026 review may be under a new standard while the 2025 lists still apply.
        from forms.standards import StandardError, load_standard

        try:
            data.standard = load_standard(listed.standard_id)
        except StandardError:
            data.standard = None
    data.__dict__["support_period"] = period


def needs_without_support(data: ReviewData, village: str | None = None) -> Document:
    rows: list[year_round.UnmetRow] = data.__dict__.get("unmet", [])
    if village is not None:
        rows = [r for r in rows if r.village == village]
    period: SupportPeriod = data.__dict__.get("support_period") or SupportPeriod(
        date(data.reference.year, 1, 1), date(data.reference.year + 1, 1, 1)
    )
    listed = data.__dict__.get("unmet_round") or data.round
    on: date = data.__dict__.get("unmet_on") or date.today()
    table = Table(
        [
            Column("STT", "A", 0.4, "plain"),
            Column("Mã hộ", "B", 0.9),
            Column("Họ và tên chủ hộ", "C", 2.0),
            Column("Thôn", "D", 1.2),
            Column("Phân loại", "E", 1.0),
            Column("Nhu cầu chưa được hỗ trợ", "F", 3.0),
            Column("Cán bộ phụ trách", "G", 1.4),
        ],
        sheet="Nhu cầu chưa hỗ trợ",
        show_codes=True,
    )
    for n, r in enumerate(rows, start=1):
        table.add(
            [
                n,
                r.code,
                r.head_name,
                r.village,
                CATEGORY_LABELS[r.category],
                "; ".join(r.unmet),
                r.cadre,
            ]
        )
    part = Part(
        Header(data.commune_issuer(), data.commune_short),
        "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO CÓ NHU CẦU CHƯA ĐƯỢC HỖ TRỢ",
        [
            data.commune_title + (f", {village_title(village)}" if village else ""),
            period.describe(),
        ],
        [
            Para(
                f"Hộ nghèo, hộ cận nghèo của danh sách đang áp dụng ngày {on:%d/%m/%Y} (kỳ rà "
                f"soát năm {listed.year}) có nhu cầu "
                "hỗ trợ đã ghi khi rà soát mà "
                f"từ ngày {period.start:%d/%m/%Y} đến nay chưa nhận hỗ trợ nào đáp ứng: "
                f"{len(rows)} hộ."
            ),
            table,
            Signatures([SignatureBox("NGƯỜI LẬP BIỂU")]),
        ],
    )
    return Document("needs_without_support", part.title, [part], landscape=True)


CADRE_TITLE = "Danh sách hộ do một cán bộ phụ trách (nguyên nhân, nhu cầu, hỗ trợ)"


def stash_cadre(store: Any, data: ReviewData, on: date | None = None) -> None:
    """``prepare`` step of a cadre's households (read as the lists in force today, as on
    screen: the spec's ``in_force``): the households assigned to ``data.cadre`` (their own
    assignment, else their village's) and the support each got in the support period of
    ``on`` (default today, ``forms.support_period``). The households come from the entries
    already read (one only re-read when it has no result in the round), their support from
    one grouped query."""
    cadre = data.__dict__.get("cadre") or ""
    period = year_round.support_period(store, on)
    # Entries by id, their households decoded only for the cadre's own (not every entry).
    read = {e.id: e for e in data.entries}
    ids = year_round.households_of(store, cadre)
    support = year_round.support_by_household(store, ids, period)
    rows = []
    for hid in ids:
        entry = read.get(hid)
        h = entry.household if entry is not None else store.get_household(hid)
        if h is not None:
            rows.append((h, support.get(hid, [])))
    data.__dict__["cadre_rows"] = rows
    data.__dict__["support_period"] = period
    # The categories of the lists in force, as the paper says and as the needs without
    # support read them: while a newer review is open, its results are not yet a list.
    listed, categories = year_round.categories_in_force(store, ids, on)
    data.__dict__["cadre_listed"] = listed
    data.__dict__["cadre_categories"] = categories


def cadre_list(data: ReviewData, cadre: str | None = None) -> Document:
    """A cadre's households with their category, causes, needs and the year's support: the
    paper the cadre takes to the village, with room to note what each household says."""
    cadre = cadre or data.__dict__.get("cadre") or ""
    rows = data.__dict__.get("cadre_rows", [])
    period: SupportPeriod | None = data.__dict__.get("support_period")
    causes, needs = catalog.causes(), catalog.needs()
    table = Table(
        [
            Column("STT", "A", 0.4, "plain"),
            Column("Mã hộ", "B", 0.9),
            Column("Họ và tên chủ hộ", "C", 1.7),
            Column("Thôn", "D", 1.0),
            Column("Phân loại", "E", 0.9),
            Column("Nguyên nhân nghèo", "F", 1.9),
            Column("Nhu cầu hỗ trợ", "G", 1.9),
            Column("Đã hỗ trợ", "H", 2.4),
            Column("Ghi chú", "I", 1.1),
        ],
        sheet="Hộ phụ trách",
        show_codes=True,
    )
    categories: dict[str, Category] = data.__dict__.get("cadre_categories", {})
    listed: Round | None = data.__dict__.get("cadre_listed")
    for n, (h, support) in enumerate(rows, start=1):
        cat = categories.get(h.id)
        table.add(
            [
                n,
                h.code,
                h.head_name(),
                h.village,
                CATEGORY_LABELS[cat] if cat else "",
                "; ".join(catalog.label_of(causes, c) for c in h.causes),
                "; ".join(catalog.label_of(needs, x) for x in h.needs),
                _support_text(support),
                "",
            ]
        )
    villages = sorted({h.village for h, _ in rows})
    part = Part(
        Header(data.commune_issuer(), data.commune_short),
        "DANH SÁCH HỘ DO CÁN BỘ PHỤ TRÁCH",
        [f"Cán bộ phụ trách: {cadre} — {data.commune_title}"]
        + ([period.describe()] if period else []),
        [
            Para(
                f"{len(rows)} hộ"
                + (f" ở {', '.join(village_title(v) for v in villages)}" if villages else "")
                + "; phân loại theo danh sách hiện hành"
                + (f" (kỳ rà soát năm {listed.year})" if listed else "")
                + (f", hỗ trợ đã nhận từ ngày {period.start:%d/%m/%Y}." if period else ".")
            ),
            table,
            Signatures([SignatureBox("CÁN BỘ PHỤ TRÁCH", name=cadre)]),
        ],
    )
    return Document("cadre_households", part.title, [part], landscape=True)


def cadre_households(store: Any, cadre: str, on: date | None = None) -> Document:
    """The same document outside the catalog: the newest periodic round's lists in force today
    (the Báo cáo menu and ``rasoat report cadre_households --cadre`` go through
    ``reports.build_document``)."""
    rnd = year_round.last_periodic(store) or store.current_round()
    data = load_review(store, rnd.id if rnd else None, in_force_on=date.today())
    data.__dict__["cadre"] = cadre
    stash_cadre(store, data, on)
    return cadre_list(data, cadre)
