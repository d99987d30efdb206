"""The printed documents of the review: PDF (reportlab) and XLSX (openpyxl).

Reads through ``db`` and ``forms``; never imports Qt, so every document can be made by the CLI.

    import reports
    reports.build("meeting_list", store, Path("ds.pdf"), village="Thôn Đông")

``reports.catalog.DOCUMENTS`` lists the kinds. Errors the user can act on are raised as
``reports.ReportError`` with a Vietnamese ``message``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reports.review import ReportError

__all__ = ["ReportError", "build", "build_document", "save_document"]


def build_document(
    kind: str,
    store: Any,
    *,
    round_id: str | None = None,
    village: str | None = None,
    household_id: str | None = None,
    upper_level: str = "",
    identity: bool = False,
    cadre: str | None = None,
) -> Any:
    """The ``reports.document.Document`` of a kind, before rendering (tests, previews).

    ``upper_level`` names the body the commune reports to (the setting "Cấp trên nhận báo
    cáo"), printed as "Kính gửi" on the documents sent up. ``identity`` puts each person's
    full birth date and CCCD number in the exchange workbook (by default: year of birth,
    no CCCD). ``cadre``: whose households, for the documents printed for one cadre."""
    from reports.catalog import DOCUMENTS
    from reports.review import load_review

    spec = DOCUMENTS.get(kind)
    if spec is None:
        raise ReportError(f"Không có loại tài liệu '{kind}'. Xem: rasoat report --list")
    if village is not None and "village" not in spec.params:
        raise ReportError(f"'{spec.title}' lập cho cả xã, không theo từng thôn.")
    if spec.needs_household and household_id is None:
        raise ReportError("Tài liệu này in cho một hộ: hãy chọn hộ (mã hộ).")
    if "cadre" in spec.params:
        _check_cadre(store, cadre)
    elif cadre is not None:
        raise ReportError(f"'{spec.title}' không lập theo cán bộ phụ trách.")
    if identity and kind != "exchange_workbook":
        raise ReportError(
            "Chỉ tệp Excel gửi cấp trên mới có tuỳ chọn kèm ngày sinh đầy đủ và số CCCD."
        )
    if identity:
        # Full birth dates and ID numbers go up only as the officer sends data up: any role
        # prints the workbook, not with them (docs/privacy.md).
        from forms.roles import Action

        store.require(Action.EXPORT_UPPER)
    data = load_review(
        store,
        round_id,
        village=village if "village" in spec.params else None,
        upper_level=upper_level,
        current_in_force=spec.in_force,
        household_id=household_id if spec.one_household else None,
    )
    data.identity = identity
    if cadre is not None:
        data.__dict__["cadre"] = cadre  # read by the document's prepare step and builder
    if spec.prepare is not None:
        spec.prepare(store, data)
    document = spec.build(data, village, household_id, cadre)
    name_the_standard(document, data)
    return document


def _check_cadre(store: Any, cadre: str | None) -> None:
    """A cadre's document needs a cadre that has households assigned (a typo in ``--cadre``
    would otherwise print an empty list that looks like a cadre with nothing to do)."""
    from db import year_round

    known = year_round.cadres(store)
    if not known:
        raise ReportError(
            "Chưa phân công cán bộ phụ trách nào: hãy phân công trước "
            "(Hộ gia đình → Cán bộ phụ trách thôn…)."
        )
    if not cadre:
        raise ReportError("Hãy chọn cán bộ phụ trách: " + ", ".join(known) + ".")
    if cadre not in known:
        raise ReportError(
            f"Không có cán bộ phụ trách '{cadre}' trong tệp xã. Các cán bộ đã phân công: "
            + ", ".join(known)
            + "."
        )


def name_the_standard(document: Any, data: Any) -> None:
    """Every document says which standard its round was scored on (a 2026 round may be on
    the 2022-2025 or the 2027-2030 standard): a line under the title of each part that does
    not already name it. The exchange workbook keeps the importers' fixed rows."""
    if document.kind == "exchange_workbook":
        return
    name = data.standard_name
    for part in document.parts:
        said = any(name in line for line in part.subtitles) or any(
            name in getattr(b, "text", "") for b in part.blocks
        )
        if not said:
            part.subtitles.append(f"(Chuẩn nghèo áp dụng: {name})")


def build(
    kind: str,
    store: Any,
    out_path: Path | str,
    *,
    fmt: str = "pdf",
    round_id: str | None = None,
    village: str | None = None,
    household_id: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    upper_level: str = "",
    identity: bool = False,
    cadre: str | None = None,
) -> Path:
    """Write one document of ``kind`` (see ``reports.catalog.DOCUMENTS``) as PDF or XLSX."""
    from reports.catalog import DOCUMENTS

    spec = DOCUMENTS.get(kind)
    if spec is not None and fmt not in spec.formats:
        allowed = ", ".join(f.upper() for f in spec.formats)
        raise ReportError(f"'{spec.title}' chỉ xuất được dạng {allowed}.")
    document = build_document(
        kind,
        store,
        round_id=round_id,
        village=village,
        household_id=household_id,
        upper_level=upper_level,
        identity=identity,
        cadre=cadre,
    )
    return save_document(
        document,
        store,
        out_path,
        fmt=fmt,
        progress=progress,
        village=village,
        household_id=household_id,
    )


def save_document(
    document: Any,
    store: Any,
    out_path: Path | str,
    *,
    fmt: str = "pdf",
    progress: Callable[[int, int], None] | None = None,
    village: str | None = None,
    household_id: str | None = None,
) -> Path:
    """Render ``document`` as PDF or XLSX and record the print in ``store``'s audit log
    (kind, title, village, format, file; who and when are the log's own): every document
    of a commune file leaves here, ``build``'s and the single forms' alike."""
    from db.audit import record_event

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if fmt == "pdf":
            from reports.pdf import render_pdf

            written = render_pdf(document, out, progress)
        elif fmt == "xlsx":
            from reports.xlsx import render_xlsx

            written = render_xlsx(document, out, progress)
        else:
            raise ReportError(f"Định dạng '{fmt}' không được hỗ trợ (chỉ pdf, xlsx).")
    except PermissionError as exc:
        raise ReportError(
            f"Không ghi được tệp {out}: tệp đang mở trong chương trình khác "
            "hoặc không có quyền ghi."
        ) from exc
    details = {
        "document": document.kind,
        "title": document.title,
        "village": village,
        "format": fmt,
        "file": out.name,
    }
    record_event(store, "print", details, household_id=household_id)
    return written
