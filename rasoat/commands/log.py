"""`rasoat log TỆP_XÃ --household MÃ_HỘ | --from NGÀY [--to NGÀY] [--out TỆP]`: the audit log on
paper, as Tệp → Nhật ký thay đổi… saves it (``reports.audit_log``): one household's history
with the values changed, or the log of a period with household codes and field names only.
A period longer than one document holds (``reports.audit_log.LINES_LIMIT``) is refused with
its count, before anything is read."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rasoat import signin
from rasoat.days import parse_day


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "log",
        help="in nhật ký thay đổi: lịch sử một hộ, hoặc nhật ký một khoảng thời gian",
        description=(
            "Lưu nhật ký thay đổi của tệp xã ra PDF hoặc Excel, như Tệp → Nhật ký thay đổi…: "
            "lịch sử của một hộ (kèm giá trị cũ và mới), hoặc nhật ký từ ngày đến ngày (chỉ mã "
            "hộ và tên trường, không có giá trị); kèm tình trạng chuỗi mã kiểm tra."
        ),
    )
    parser.add_argument("file", metavar="TỆP_XÃ", help="tệp dữ liệu xã (.sqlite)")
    parser.add_argument("--household", metavar="MÃ_HỘ", help="lịch sử của hộ mang mã này")
    parser.add_argument(
        "--from", dest="start", metavar="NGÀY", help="nhật ký từ ngày (ngày/tháng/năm)"
    )
    parser.add_argument(
        "--to", dest="end", metavar="NGÀY", help="đến ngày (ngày/tháng/năm; mặc định hôm nay)"
    )
    parser.add_argument(
        "--out",
        metavar="ĐƯỜNG_DẪN",
        help="tệp kết quả (.pdf hoặc .xlsx); mặc định tên theo nội dung và ngày, không ghi đè",
    )
    parser.add_argument("--format", choices=("pdf", "xlsx"), help="mặc định theo đuôi của --out")
    signin.add_options(parser)
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"rasoat log: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from db.errors import StoreError
    from reports.audit_log import household_history, period_log
    from reports.file_names import free_path, slug
    from reports.review import ReportError

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        return _fail(why)
    if (args.household is None) == (args.start is None):
        return _fail("cần --household MÃ_HỘ hoặc --from NGÀY (một trong hai).")
    if args.household is not None and args.end is not None:
        return _fail("--to chỉ dùng cùng --from.")
    period: tuple[date, date] | None = None
    if args.start is not None:
        start = parse_day(args.start)
        end = parse_day(args.end) if args.end is not None else date.today()
        if start is None or end is None:
            wrong = args.start if start is None else args.end
            return _fail(f"ngày '{wrong}' không hợp lệ: hãy viết ngày/tháng/năm, ví dụ 01/12/2026.")
        period = (start, end)
    out = Path(args.out) if args.out else None
    fmt = args.format or (out.suffix.lower().lstrip(".") if out is not None else "pdf")
    if fmt not in ("pdf", "xlsx"):
        return _fail("chỉ lưu được dạng PDF hoặc XLSX (--format pdf|xlsx).")
    replaced = out is not None and out.exists()

    import reports

    try:
        # Only the print's audit row and the chain's checkpoint (``reports.audit_log``) are
        # written (``seen=False``): a refused log (no such household, a period too long)
        # leaves the file byte-identical.
        with signin.open_store(path, args) as store:
            household_id = None
            if period is None:
                household = store.household_by_code(args.household)
                if household is None:
                    return _fail(f"không có hộ mã '{args.household}' trong tệp xã.")
                household_id = household.id
                document = household_history(store, household_id)
                stem = f"lich-su-ho-{slug(args.household)}"
            else:
                start, end = period
                document = period_log(store, start, end)
                stem = f"nhat-ky-{start:%Y%m%d}-{end:%Y%m%d}"
            if out is None:
                out = free_path(Path.cwd(), f"{stem}.{fmt}")
            written = reports.save_document(
                document, store, out, fmt=fmt, household_id=household_id
            )
    except ReportError as exc:
        return _fail(exc.message)
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))
    print(f"Đã lưu {document.title}: {written}" + (" (thay tệp cũ cùng tên)" if replaced else ""))
    return 0
