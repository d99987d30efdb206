"""`rasoat report KIND FILE --out PATH [--village NAME] [--round YEAR] [--household CODE]
[--cadre NAME] [--format pdf|xlsx]`: print one document of a commune file; `rasoat report
--list` lists them."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="lập một tài liệu (PDF, Excel) từ tệp xã",
        description=(
            "Lập tài liệu in của đợt rà soát (danh sách, biên bản, thông báo, giấy chứng nhận, "
            "báo cáo tổng hợp) từ tệp dữ liệu xã. Xem các loại: rasoat report --list"
        ),
    )
    parser.add_argument("kind", nargs="?", metavar="LOẠI", help="loại tài liệu (xem --list)")
    parser.add_argument("file", nargs="?", metavar="TỆP_XÃ", help="tệp dữ liệu xã (.sqlite)")
    parser.add_argument(
        "--out",
        metavar="ĐƯỜNG_DẪN",
        help="tệp kết quả (.pdf hoặc .xlsx); mặc định tên theo tài liệu, thôn và ngày, "
        "không ghi đè tệp đã có",
    )
    parser.add_argument("--village", metavar="THÔN", help="chỉ một thôn (tên như trong tệp xã)")
    parser.add_argument("--round", metavar="NĂM", help="kỳ rà soát (năm); mặc định kỳ mới nhất")
    parser.add_argument("--household", metavar="MÃ_HỘ", help="mã hộ (phiếu, giấy chứng nhận)")
    parser.add_argument(
        "--cadre",
        metavar="CÁN_BỘ",
        help="cadre_households: họ tên cán bộ phụ trách (như khi phân công)",
    )
    parser.add_argument("--format", choices=("pdf", "xlsx"), help="mặc định theo đuôi của --out")
    parser.add_argument(
        "--upper-level",
        metavar="CƠ_QUAN",
        help="cơ quan nhận báo cáo (Kính gửi); mặc định theo thiết lập “Cấp trên nhận báo cáo”",
    )
    parser.add_argument(
        "--full-identity",
        action="store_true",
        help="exchange_workbook: kèm ngày sinh đầy đủ và số CCCD (mặc định chỉ năm sinh, "
        "không có số CCCD: các danh sách, biểu của cấp trên không dùng đến)",
    )
    parser.add_argument("--list", action="store_true", help="liệt kê các loại tài liệu")
    parser.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"rasoat report: {message}", file=sys.stderr)
    return 2


def _upper_level(given: str | None) -> str:
    if given is not None:
        return given
    from rasoat import settings

    return str(settings.get("upper_level_name") or "")


def list_kinds() -> str:
    from reports.catalog import DOCUMENTS

    width = max(len(k) for k in DOCUMENTS)
    lines = []
    for kind, spec in DOCUMENTS.items():
        extra = []
        if "village" in spec.params:
            extra.append("--village")
        if "household" in spec.params:
            extra.append("--household" + (" (bắt buộc)" if spec.needs_household else ""))
        if "cadre" in spec.params:
            extra.append("--cadre (bắt buộc)")
        formats = "/".join(f.upper() for f in spec.formats)
        options = f"; {', '.join(extra)}" if extra else ""
        lines.append(f"{kind.ljust(width)}  {spec.title} [{formats}{options}]")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.list:
        print(list_kinds())
        return 0
    from reports.catalog import DOCUMENTS

    if not args.kind or not args.file:
        return _fail("cần LOẠI và TỆP_XÃ, ví dụ: rasoat report meeting_list xa.sqlite --out ds.pdf")
    if args.kind not in DOCUMENTS:
        return _fail(f"không có loại tài liệu '{args.kind}'. Các loại:\n{list_kinds()}")
    spec = DOCUMENTS[args.kind]
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"không tìm thấy tệp xã {path}.")
    fmt = args.format
    if fmt is None:
        suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
        fmt = suffix if suffix in ("pdf", "xlsx") else spec.formats[0]
    if fmt not in spec.formats:
        allowed = ", ".join(f.upper() for f in spec.formats)
        return _fail(f"'{spec.title}' chỉ xuất được dạng {allowed}.")
    out = Path(args.out) if args.out else None
    replaced = out is not None and out.exists()

    import reports
    from db.errors import StoreError
    from db.store import Store
    from rasoat.identity import device_id

    try:
        with Store.open(path, user="rasoat report", device=device_id()) as store:
            household_id = None
            if args.household:
                household = store.household_by_code(args.household)
                if household is None:
                    return _fail(f"không có hộ mã '{args.household}' trong tệp xã.")
                household_id = household.id
            if out is None:  # a Vietnamese name with village and date, never over a file
                from reports.file_names import default_file_name, free_path

                name = default_file_name(
                    args.kind,
                    args.village,
                    date.today(),
                    fmt,
                    household_code=args.household,
                    cadre=args.cadre,
                )
                out = free_path(Path.cwd(), name)
            written = reports.build(
                args.kind,
                store,
                out,
                fmt=fmt,
                round_id=args.round,
                village=args.village,
                household_id=household_id,
                upper_level=_upper_level(args.upper_level),
                identity=args.full_identity,
                cadre=args.cadre,
            )
    except (StoreError, reports.ReportError) as exc:
        return _fail(exc.message)
    # A file named with --out is the user's choice to replace; said, never silent.
    print(f"Đã lưu {spec.title}: {written}" + (" (thay tệp cũ cùng tên)" if replaced else ""))
    return 0
