"""A household's own forms as filled (Phiếu A, B1, B2 and the member questions), printed from
the same definitions the GUI renders (``forms.definitions``), for the household to sign."""

from __future__ import annotations

from datetime import date
from typing import Any

from forms import definitions
from forms.definitions import Form, Question
from forms.labels import CATEGORY_LABELS
from forms.model import Household, Member
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
    format_number,
)
from reports.review import Entry, ReportError, ReviewData, village_title

BLANK = "……"


def answer_text(q: Question, value: Any) -> str:
    value = getattr(value, "value", value)
    if value is None or value == "" or value == []:
        return BLANK
    labels = {o.value: o.label for o in q.options}
    if q.kind == "bool" or isinstance(value, bool):
        return "Có" if value else "Không"
    if q.kind == "multi" and isinstance(value, list):
        return "; ".join(labels.get(str(getattr(v, "value", v)), str(v)) for v in value)
    if q.kind == "choice":
        return labels.get(str(value), str(value))
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int | float):
        if isinstance(value, int) and abs(value) < 10000:
            text = str(value)  # years and small counts: no thousands separator
        else:
            text = format_number(value, "float" if isinstance(value, float) else "int")
        return f"{text} {q.unit}".strip()
    return str(value)


def _qa_table(sheet: str) -> Table:
    return Table([Column("Câu hỏi", "", 3.2), Column("Trả lời", "", 2.2)], sheet=sheet)


def _fill(table: Table, form: Form, obj: Household | Member, ref: date) -> None:
    for section in form.sections:
        questions = [q for q in section.questions if definitions.is_visible(q, obj, ref)]
        if not questions:
            continue
        table.section(section.title)
        for q in questions:
            # A form the officer signs states questions, not how sure we are of their source.
            table.add([q.label, answer_text(q, definitions.read_target(obj, q.target))])


def household_form_part(data: ReviewData, e: Entry) -> Part:
    h, r = e.household, e.result
    ref = data.reference
    blocks: list = [
        Para(
            f"Mã hộ: <b>{esc(h.code)}</b>; chủ hộ: <b>{esc(h.head_name())}</b>; "
            f"số nhân khẩu: {h.size()}; địa chỉ: {esc(h.address or village_title(h.village))}",
            markup=True,
        )
    ]
    forms = [definitions.phieu_a(), definitions.phieu_b1(), definitions.phieu_b2(data.standard)]
    for form in forms:
        table = _qa_table(form.id)
        table.caption = form.title
        _fill(table, form, h, ref)
        blocks.append(table)
    members = _qa_table("members")
    members.caption = definitions.member_questions().title
    for n, m in enumerate(h.members, start=1):
        members.section(f"{n}. {m.name}")
        _fill(members, definitions.member_questions(), m, ref)
    blocks.append(members)
    deprived = [o.name for o in r.indicators if o.id in set(r.deprived_ids)]
    blocks += [
        Para("Kết quả phân loại", "heading"),
        Para(
            f"Điểm B1: {r.b1_score if r.b1_score is not None else BLANK}; "
            f"Điểm B2: {r.deprivation_score} ({r.deprivation_count} chỉ số thiếu hụt"
            f"{': ' + '; '.join(deprived) if deprived else ''})."
        ),
        Para(f"Phân loại: <b>{CATEGORY_LABELS[r.category]}</b>.", markup=True),
        *[Para(f"- {reason}", "small") for reason in r.reasons],
        Signatures([SignatureBox("CHỦ HỘ"), SignatureBox("RÀ SOÁT VIÊN")]),
    ]
    return Part(
        Header(data.village_issuer(h.village), village_title(h.village)),
        "Phiếu rà soát hộ gia đình",
        [f"Kỳ rà soát năm {data.year} - {data.standard_name}"],
        blocks,
    )


def household_form(
    data: ReviewData, village: str | None = None, household_id: str | None = None
) -> Document:
    if household_id is None:
        raise ReportError("Hãy chọn một hộ để in phiếu.")
    found = [e for e in data.entries if e.id == household_id]
    if not found:
        raise ReportError("Hộ này chưa được phân loại trong kỳ rà soát đã chọn.")
    return Document(
        "household_form",
        "Phiếu rà soát hộ gia đình",
        [household_form_part(data, found[0])],
        pages_per_part=True,
    )
