"""What the commune file holds about one person, on paper (issue 20 item 5): printed for the
person who asked, from ``db.people.find``. One part per person found: their household, their
record field by field (the forms' own labels), the rounds whose answers list them, the
changes of their record (when, who, which fields; not the old values) and the household's
applications and support records."""

from __future__ import annotations

from datetime import date
from typing import Any

from db.audit import local_time
from db.people import Person
from forms import catalog, labels
from forms.applications import KIND_LABELS, STATUS_LABELS
from reports.audit_log import _header, field_label
from reports.document import Column, Document, Para, Part, Table
from reports.review import ReportError

_CATEGORIES: dict[Any, str] = labels.CATEGORY_LABELS
_ACTIONS = {"insert": "Ghi mới", "update": "Sửa", "delete": "Xoá khỏi danh sách"}
_SKIP = frozenset({"id"})
_DAYS = frozenset({"birth_date"})  # ISO in the file, dd/mm/yyyy on paper


# Member fields holding an option: its Vietnamese label, not the stored value.
_OPTIONS: dict[str, dict[Any, str]] = {
    "sex": labels.SEX_LABELS,
    "relationship": labels.RELATIONSHIP_LABELS,
    "education": labels.EDUCATION_LABELS,
    "schooling": labels.SCHOOLING_LABELS,
    "employment": labels.EMPLOYMENT_LABELS,
}


def _day(value: Any) -> str:
    """An ISO day as documents write it (dd/mm/yyyy); anything else as it is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            pass
    return _value(value)


def _value(value: Any, key: str = "") -> str:
    if key in _OPTIONS and isinstance(value, str):
        return _OPTIONS[key].get(value, value)
    if key in _DAYS:
        return _day(value)
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {_value(v)}" for k, v in value.items())
    return str(value)


def _state(p: Person) -> str:
    if p.household_deleted:
        return "hộ đã xoá khỏi danh sách"
    if p.member_deleted:
        return "đã bỏ khỏi danh sách nhân khẩu của hộ"
    return "đang trong danh sách"


def person_data(store: Any, people: list[Person]) -> Document:
    if not people:
        raise ReportError("Không tìm thấy ai để in.")
    header, commune = _header(store)
    parts = []
    for p in people:
        record = Table(
            [Column("Thông tin", width=2.0), Column("Giá trị", width=4.0)],
            caption="Thông tin đang lưu về người này",
        )
        for key, value in p.record.items():
            if key not in _SKIP:
                record.add([field_label(key), _value(value, key)])
        rounds = Table(
            [Column("Năm", width=0.8), Column("Phân loại hộ năm đó", width=3.0)],
            caption="Các kỳ rà soát có tên người này",
        )
        for r in p.rounds:
            rounds.add([str(r.year), _CATEGORIES.get(r.category or "", "Chưa phân loại")])
        changes = Table(
            [
                Column("Thời gian", width=1.6),
                Column("Người ghi", width=1.6),
                Column("Việc", width=1.2),
                Column("Thông tin thay đổi", width=3.4),
            ],
            caption="Các lần ghi, sửa thông tin của người này",
        )
        for c in p.changes:
            changes.add(
                [
                    local_time(c.at),
                    c.user,
                    _ACTIONS.get(c.action, c.action),
                    ", ".join(field_label(f) for f in c.fields),
                ]
            )
        blocks: list[Any] = [
            Para(
                f"Thuộc hộ {p.code}, {p.village or '—'}, {commune}; thành viên thứ "
                f"{p.position + 1} ({_state(p)})."
            ),
            record,
            rounds,
            changes,
        ]
        if p.applications:
            apps = Table(
                [
                    Column("Ngày nộp", width=1.2),
                    Column("Loại giấy", width=2.4),
                    Column("Người nộp", width=1.6),
                    Column("Tình trạng", width=1.4),
                ],
                caption="Giấy đề nghị của hộ",
            )
            for a in p.applications:
                apps.add(
                    [
                        _day(a["submitted_on"]),
                        KIND_LABELS.get(a["kind"], a["kind"]),
                        a["submitted_by"],
                        STATUS_LABELS.get(a["status"], a["status"]),
                    ]
                )
            blocks.append(apps)
        if p.support:
            support = Table(
                [
                    Column("Ngày", width=1.2),
                    Column("Hình thức", width=1.8),
                    Column("Chương trình", width=2.2),
                    Column("Số tiền (đồng)", width=1.4),
                ],
                caption="Hỗ trợ hộ đã nhận",
            )
            kinds = catalog.support_kinds()
            for s in p.support:
                amount = "" if s["amount"] is None else f"{s['amount']:,}".replace(",", ".")
                # The catalogue's words: "production_means" was printed as stored.
                kind = catalog.label_of(kinds, s["kind"])
                support.add([_day(s["given_on"]), kind, s["programme"], amount])
            blocks.append(support)
        parts.append(
            Part(
                header,
                "THÔNG TIN CÁ NHÂN ĐANG LƯU TRONG PHẦN MỀM RÀ SOÁT",
                [f"Về: {p.name or '—'}"],
                blocks,
            )
        )
    return Document("person_data", "Thông tin cá nhân đang lưu", parts)
