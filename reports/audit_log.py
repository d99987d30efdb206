"""The audit log on paper (issue 20 item 3): one household's history, and the log of a period.

Both read ``db.audit.each_log_line`` and say, for each row, when, who on which laptop, what was
done and to what. A household's history shows the values that changed (the officer sees that
household anyway); the period log names the household by its code and the fields changed,
never their values, so a page of it carries no one's personal data. Inserts pointing at their
row's document are shown as added, never copied out whole. Each closes with the state of the
log's hash chain (``db.audit.verify_recent``: from the last whole walk, and the rows shown).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from db.audit import (
    EVENTS,
    Checked,
    LogLine,
    each_log_line,
    local_time,
    log_count,
    record_checkpoint,
    verify_recent,
)
from reports.document import Column, Document, Header, Para, Part, Table, format_number
from reports.review import ReportError

log = logging.getLogger(__name__)

# Fields of the stored documents that no form question names.
_OTHER_FIELDS = {
    "deleted": "Đã xoá",
    "position": "Thứ tự trong hộ",
    "household_id": "Thuộc hộ",
    "category": "Loại hộ",
    "b1_score": "Điểm B1",
    "deprivation_count": "Số chỉ số thiếu hụt",
    "transition": "Biến động",
    "agree": "Số đồng ý",
    "attendees": "Số người dự họp",
    "meeting_date": "Ngày họp",
    "relationship": "Quan hệ với chủ hộ",
    "sex": "Giới tính",
    "head_name": "Chủ hộ",
}
_IMPORT_COUNTS = {
    "added": "thêm",
    "updated": "cập nhật",
    "deleted": "xoá",
    "conflict": "xung đột",
    "code_taken": "trùng mã",
}
_VALUE_LIMIT = 60
# The most lines one saved log holds: about 3,800 landscape pages, or a sheet that opens on the
# laptops; the 97,000 of a 10,000-household commune's first month take 190 MB (XLSX) and 214
# MB (PDF) to save, 55 s of CPU (issue 22: every command under 500 MB). A longer log is saved
# a shorter period at a time.
LINES_LIMIT = 100_000
# Bookkeeping a reader of the history has no use for (the result's reasons are on the
# household's own screen).
# ("version": two laptops' tombstones of one cadre assignment made one, db.exchange.
# year_round_part: its time and laptop's id say nothing to the officer.)
_HIDDEN = frozenset(
    {"reasons", "engine_version", "standard_version", "household_rev", "round_id", "id", "version"}
)


@cache
def _labels() -> dict[str, str]:
    """Field path → its Vietnamese label: the form questions' own, then the validation's."""
    from forms import definitions
    from forms.validate import FIELD_LABELS

    labels = {**_OTHER_FIELDS, **FIELD_LABELS}
    for form in (
        definitions.phieu_a(),
        definitions.phieu_b1(),
        definitions.phieu_b2(),
        definitions.member_questions(),
    ):
        for q in form.questions():
            labels.setdefault(q.target, q.label)
    return labels


def field_label(path: str) -> str:
    return _labels().get(path) or _labels().get(path.split(".")[0], path)


def _enum_label(path: str, value: Any) -> str | None:
    from forms.labels import CATEGORY_LABELS, TRANSITION_LABELS
    from forms.model import Category, Transition

    try:
        if path == "category":
            return CATEGORY_LABELS[Category(value)]
        if path == "transition":
            return TRANSITION_LABELS[Transition(value)]
    except (ValueError, KeyError):
        return None
    return None


def _value(value: Any, path: str = "") -> str:
    label = _enum_label(path, value) if isinstance(value, str) else None
    if label is not None:
        return label
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return "có"
    if value is False:
        return "không"
    if isinstance(value, list):
        text = ", ".join(_value(v) for v in value)
    elif isinstance(value, dict):
        text = "; ".join(f"{field_label(k)}: {_value(v)}" for k, v in value.items())
    elif isinstance(value, int) and abs(value) >= 10_000:
        # An amount (an income, a support's value) as the forms show it: 1.060.000; years
        # and scores stay as they are.
        text = format_number(value, "int")
    elif isinstance(value, float):
        text = format_number(value, "float").removesuffix(",0")
    else:
        text = str(value)
    return text if len(text) <= _VALUE_LIMIT else text[:_VALUE_LIMIT] + "…"


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field path, old, new) per changed field; a form's answers one level down."""
    out: list[tuple[str, Any, Any]] = []
    for key in sorted((old.keys() | new.keys()) - _HIDDEN):
        before, after = old.get(key), new.get(key)
        if isinstance(before, dict) and isinstance(after, dict):
            for sub in sorted(before.keys() | after.keys()):
                if before.get(sub) != after.get(sub):
                    out.append((f"{key}.{sub}", before.get(sub), after.get(sub)))
        else:
            out.append((key, before, after))
    return out


def _event_text(line: LogLine) -> str:
    d = line.new or {}
    kind = line.row_id
    if kind == "print":
        village = f", {d['village']}" if d.get("village") else ""
        return (
            f"{d.get('title', d.get('document', ''))}{village} ({str(d.get('format', '')).upper()})"
        )
    if kind == "export":
        locked = ", có mật khẩu" if d.get("encrypted") else ""
        return f"{d.get('file', '')}: {d.get('scope', '')}, {d.get('households', 0)} hộ{locked}"
    if kind == "excel_import":
        return f"{d.get('file', '')}: {d.get('households', 0)} hộ, năm {d.get('year', '')}"
    if kind == "restore":
        kept = f"; tệp cũ giữ ở {d['kept']}" if d.get("kept") else ""
        return f"từ bản sao lưu {d.get('backup', '')}{kept}"
    if kind == "round_started":
        kind_text = "định kỳ" if d.get("kind") == "periodic" else "thường xuyên"
        return f"Năm {d.get('year', '')}, {kind_text}, {_standard_name(d.get('standard'))}"
    if kind == "settings":
        changed = d.get("changed") or {}
        return "; ".join(f"{k}: {_value(v[0])} → {_value(v[1])}" for k, v in changed.items())
    return _value(d)


def _standard_name(standard_id: Any) -> str:
    """The standard as officers know it ("Chuẩn nghèo đa chiều giai đoạn 2022–2025"), its
    file's id only when this laptop has no such standard."""
    from forms.standards import StandardError, load_standard

    try:
        return load_standard(str(standard_id)).name
    except StandardError:
        return f"chuẩn {standard_id}"


def content(line: LogLine, *, values: bool) -> str:
    """What the row changed: fields with old → new values (``values``), or field names only."""
    if line.table == EVENTS:
        return _event_text(line)
    if line.table == "exchange_imports":
        counts = line.new or {}
        return ", ".join(f"{_IMPORT_COUNTS.get(k, k)} {v}" for k, v in counts.items()) + " hộ"
    if line.action == "insert":
        # Never the whole document: what was added is on the household's own screen.
        category = (line.new or {}).get("category")
        label = _enum_label("category", category) if line.table == "results" else None
        return f"thêm mới: {label}" if label else "thêm mới"
    if line.action == "delete":
        return "đã xoá"
    changes = _changes(line.old or {}, line.new or {})
    if not values:
        return ", ".join(dict.fromkeys(field_label(p) for p, _o, _n in changes))
    return "; ".join(f"{field_label(p)}: {_value(o, p)} → {_value(n, p)}" for p, o, n in changes)


def _header(store: Any) -> tuple[Header, str]:
    from forms.admin_units import short_name

    commune = store.commune()
    name = " ".join(commune.commune_name.split())
    return Header(["ỦY BAN NHÂN DÂN", name.upper()], short_name(name), when=date.today()), name


def _chain_text(
    store: Any,
    *,
    household_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> str:
    """The chain's state, as the caption of the table (the XLSX keeps captions, not
    paragraphs): checked from the checkpoint (``db.audit.verify_recent``: the rows written
    since the last whole walk, and the rows this document shows), the whole log when there is
    none, and then what it found kept as the checkpoint for the next document. What was
    checked is said: a row of another household, written before the checkpoint and edited
    since, is found by the whole check (Tệp → Kiểm tra tệp dữ liệu…, ``rasoat db check``),
    not here."""
    checked = verify_recent(store.conn, household_id=household_id, since=since, until=until)
    if checked.broken is not None:
        return checked.broken.message
    _keep_checkpoint(store, checked)
    if checked.whole_at is None:
        text = "Nhật ký thay đổi nguyên vẹn: chuỗi mã kiểm tra khớp đến dòng cuối."
        if checked.rejected:
            text += (
                " (Dấu kiểm tra lần trước không khớp — có thể đã bị sửa ngoài phần mềm — nên "
                "toàn bộ nhật ký vừa được kiểm tra lại.)"
            )
        return text
    shown = "mọi dòng của hộ này" if household_id is not None else "mọi dòng trong khoảng này"
    return (
        f"Chuỗi mã kiểm tra khớp đến dòng cuối (dòng số {checked.last}): toàn bộ nhật ký "
        f"được kiểm tra lần gần nhất lúc {local_time(checked.whole_at)}; các dòng ghi sau "
        f"đó được kiểm tra nối tiếp, và {shown} được kiểm tra lại khi lưu tài liệu này. "
        "Muốn kiểm tra lại toàn bộ nhật ký: Tệp → Kiểm tra tệp dữ liệu… (hoặc rasoat db "
        "check)."
    )


def _keep_checkpoint(store: Any, checked: Checked) -> None:
    """The chain found whole kept as the checkpoint (``db.audit.record_checkpoint``), the
    time of the last whole walk with it; written as an event is (``event_write``: any user
    who may print may keep it). Not kept is only slower next time: a failure is logged."""
    from db.store import now_utc
    from db.users import event_write

    try:
        with event_write(store), store.transaction():
            record_checkpoint(store.conn, checked.last, checked.whole_at or now_utc())
    except Exception:  # a read-only place, a locked file: the document is still made
        log.warning("the audit checkpoint was not kept", exc_info=True)


def too_many(
    count: int, what: str, advice: str = "hãy lưu từng khoảng thời gian ngắn hơn"
) -> str | None:
    """Why a log of ``count`` lines is not saved as one document, or None when it can be."""
    if count <= LINES_LIMIT:
        return None
    return (
        f"{what} có {format_number(count, 'int')} dòng nhật ký, quá nhiều cho một tài liệu "
        f"(tối đa {format_number(LINES_LIMIT, 'int')} dòng): {advice}."
    )


def _table(lines: Iterable[LogLine], *, household: bool, caption: str) -> Table:
    columns = [
        Column("Thời gian", width=1.6),
        Column("Người thực hiện", width=1.4),
        Column("Máy", width=1.2),  # a laptop's twelve-character id on one line
        Column("Việc", width=1.5),
    ]
    if not household:
        columns.append(Column("Mã hộ", width=0.9))
    columns += [Column("Nội dung", width=3.7 if household else 2.7), Column("Nguồn", width=1.6)]
    table = Table(columns, sheet="Nhật ký", caption=caption)
    for line in lines:
        cells: list[Any] = [
            local_time(line.at).replace(" ngày ", " "),
            line.user,
            line.device,
            line.what,
        ]
        if not household:
            cells.append(line.household_code or "")
        cells += [content(line, values=household), line.source or ""]
        table.add(cells)
    return table


def household_history(store: Any, household_id: str) -> Document:
    """Every recorded change and event of one household, oldest first."""
    h = store.get_household(household_id)
    if h is None:
        raise ReportError("Không tìm thấy hộ này trong tệp xã.")
    header, commune = _header(store)
    count = log_count(store.conn, household_id=household_id)
    refused = too_many(count, f"Hộ {h.code}", "hãy lưu nhật ký theo từng khoảng thời gian")
    if refused:
        raise ReportError(refused)
    # Before the lines are stepped through: one statement at once.
    caption = _chain_text(store, household_id=household_id)
    table = _table(
        each_log_line(store.conn, household_id=household_id), household=True, caption=caption
    )
    part = Part(
        header,
        f"LỊCH SỬ THAY ĐỔI CỦA HỘ {h.code}",
        [f"Chủ hộ: {h.head_name() or '—'} — {h.village or '—'}, {commune}"],
        [
            # The lines read, not the count before: a save meanwhile may have added one.
            Para(f"Có {len(table.rows)} dòng nhật ký về hộ này (cũ nhất trước)."),
            table,
        ],
        landscape=True,
    )
    return Document("audit_household", f"Lịch sử thay đổi của hộ {h.code}", [part], landscape=True)


def day_start_utc(day: date) -> str:
    moment = datetime.combine(day, time.min).astimezone()  # local midnight
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def period_bounds(start: date, end: date) -> tuple[str, str]:
    """The log's times (UTC) from the laptop's local day ``start`` up to, not including, the
    day after ``end``: what ``db.audit.log_lines`` and ``log_count`` take for a period."""
    return day_start_utc(start), day_start_utc(end + timedelta(1))


def period_refusal(conn: Any, start: date, end: date) -> str | None:
    """Why the log from ``start`` to ``end`` is not saved as one document (``too_many``), or
    None: ``period_log``'s own check, which the dialog asks before a file name."""
    since, until = period_bounds(start, end)
    count = log_count(conn, since=since, until=until)
    return too_many(count, f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}")


def period_log(store: Any, start: date, end: date) -> Document:
    """The log from ``start`` to ``end`` (both included, the laptop's local days)."""
    if end < start:
        raise ReportError("Ngày kết thúc phải sau ngày bắt đầu.")
    header, commune = _header(store)
    refused = period_refusal(store.conn, start, end)
    if refused:
        raise ReportError(refused)
    since, until = period_bounds(start, end)
    caption = _chain_text(store, since=since, until=until)
    table = _table(
        each_log_line(store.conn, since=since, until=until), household=False, caption=caption
    )
    part = Part(
        header,
        "NHẬT KÝ THAO TÁC TRÊN TỆP DỮ LIỆU RÀ SOÁT",
        [f"{commune}, từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"],
        [
            Para(
                f"Có {len(table.rows)} dòng nhật ký. Cột “Nội dung” chỉ nêu tên các trường đã thay "
                "đổi; giá trị xem trong lịch sử của từng hộ."
            ),
            table,
        ],
        landscape=True,
    )
    return Document(
        "audit_period", f"Nhật ký thao tác {start:%d/%m/%Y}–{end:%d/%m/%Y}", [part], landscape=True
    )
