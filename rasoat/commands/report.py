"""`rasoat report KIND FILE --out PATH [--village NAME] [--round YEAR] [--household CODE]
[--cadre NAME] [--month N] [--format pdf|xlsx]`: print one document of a commune file;
`rasoat report --list` lists them.

`rasoat report monthly_report --package GOI.rasoat [--month N] [--round YEAR]
[--password-file TỆP]`: the upper level prints a commune's monthly report from the package
the commune sent up (``reports.year_round.monthly_report_from_package``), the same document."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rasoat import signin


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
        "--package",
        metavar="GÓI",
        help="monthly_report: in từ gói dữ liệu (.rasoat) xã gửi lên cấp trên, thay cho TỆP_XÃ",
    )
    parser.add_argument(
        "--month",
        type=int,
        choices=range(1, 13),
        metavar="THÁNG",
        help="monthly_report: tháng của kỳ rà soát thường xuyên (mặc định kỳ mới nhất); "
        "--round chọn năm",
    )
    parser.add_argument(
        "--out",
        metavar="ĐƯỜNG_DẪN",
        help="tệp kết quả (.pdf hoặc .xlsx); mặc định tên theo tài liệu, thôn và ngày, "
        "không ghi đè tệp đã có",
    )
    parser.add_argument("--village", metavar="THÔN", help="chỉ một thôn (tên như trong tệp xã)")
    parser.add_argument("--round", metavar="NĂM", help="kỳ rà soát (năm); mặc định kỳ mới nhất")
    parser.add_argument(
        "--household",
        metavar="MÃ_HỘ",
        help="mã hộ (phiếu, giấy chứng nhận); với kỳ trước (--round): mã hộ của kỳ đó, như in"
        " trên giấy chứng nhận, danh sách của kỳ đó",
    )
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
    # A package's password, never on the command line (as every exchange command).
    from rasoat.commands.exchange import _password_file_option, _recovery_options

    _password_file_option(parser)
    _recovery_options(parser, "--package: mở gói bằng khoá khôi phục thay cho mật khẩu")
    # --password-file is the package's here: the user's password has a name of its own.
    signin.add_options(parser, password_file="--user-password-file")
    parser.set_defaults(func=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"rasoat report: {message}", file=sys.stderr)
    return code


def _upper_level(given: str | None) -> str:
    if given is not None:
        return given
    from rasoat import settings

    return str(settings.get("upper_level_name") or "")


def list_kinds() -> str:
    """The kinds under the Báo cáo menu's headings, each with its formats and options."""
    from reports.catalog import DOCUMENTS, GROUPS

    width = max(len(k) for k in DOCUMENTS)
    lines = []
    for title, kinds in GROUPS:
        if lines:
            lines.append("")
        lines.append(f"{title}:")
        for kind in kinds:
            spec = DOCUMENTS[kind]
            extra = []
            if "village" in spec.params:
                extra.append("--village")
            if "household" in spec.params:
                extra.append("--household" + (" (bắt buộc)" if spec.needs_household else ""))
            if "cadre" in spec.params:
                extra.append("--cadre (bắt buộc)")
            formats = "/".join(f.upper() for f in spec.formats)
            options = f"; {', '.join(extra)}" if extra else ""
            lines.append(f"  {kind.ljust(width)}  {spec.title} [{formats}{options}]")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.list:
        print(list_kinds())
        return 0
    from reports.catalog import DOCUMENTS

    if args.package and args.kind in (None, "monthly_report") and not args.file:
        return _from_package(args)
    if args.package:
        return _fail("chỉ báo cáo monthly_report in được từ gói (--package), thay cho TỆP_XÃ.")
    if not args.kind or not args.file:
        return _fail("cần LOẠI và TỆP_XÃ, ví dụ: rasoat report meeting_list xa.sqlite --out ds.pdf")
    if args.kind not in DOCUMENTS:
        return _fail(f"không có loại tài liệu '{args.kind}'. Các loại:\n{list_kinds()}")
    if args.month is not None and args.kind != "monthly_report":
        return _fail("--month chỉ dùng cho monthly_report.")
    spec = DOCUMENTS[args.kind]
    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        return _fail(why)
    fmt = _format(args, spec.formats)
    if fmt not in spec.formats:
        allowed = ", ".join(f.upper() for f in spec.formats)
        return _fail(f"'{spec.title}' chỉ xuất được dạng {allowed}.")
    out = Path(args.out) if args.out else None
    if out is not None and (misnamed := _misnamed(out, fmt)):
        return _fail(misnamed)
    replaced = out is not None and out.exists()

    import reports
    from db.errors import StoreError
    from forms.roles import Action

    try:
        # "Last seen" with the print's audit row, not at opening: a report refused (no such
        # household, village or round) leaves the file byte-identical. On a file with users
        # only a signed-in user prints; the print is recorded under their name (else the
        # computer's login name).
        with signin.open_store(path, args, action=Action.PRINT) as store:
            household_id = None
            if args.household:
                from reports.household_code import household_for_code

                # An earlier round's household by the code it printed then (its old paper).
                household_id = household_for_code(
                    store, args.household, args.round, by_village="village" in spec.params
                )
                if household_id is None:
                    return _fail(f"không có hộ mã '{args.household}' trong tệp xã.")
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
            round_id = args.round
            if args.month is not None:  # that month's regular round (of --round's year)
                from reports.year_round import monthly_round

                round_id = monthly_round(store, args.month, _year(args.round)).id
            written = reports.build(
                args.kind,
                store,
                out,
                fmt=fmt,
                round_id=round_id,
                village=args.village,
                household_id=household_id,
                upper_level=_upper_level(args.upper_level),
                identity=args.full_identity,
                cadre=args.cadre,
            )
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 2))
    except reports.ReportError as exc:
        return _fail(exc.message)
    # A file named with --out is the user's choice to replace; said, never silent.
    print(f"Đã lưu {spec.title}: {written}" + (" (thay tệp cũ cùng tên)" if replaced else ""))
    return 0


def _year(given: str | None) -> int | None:
    if given is None:
        return None
    try:
        return int(given)
    except ValueError:
        from reports import ReportError

        raise ReportError(f"--round cần một năm (ví dụ 2027), không phải '{given}'.") from None


def _format(args: argparse.Namespace, formats: tuple[str, ...]) -> str:
    fmt: str | None = args.format
    if fmt is None:
        suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
        fmt = suffix if suffix in ("pdf", "xlsx") else formats[0]
    return fmt


def _misnamed(out: Path, fmt: str) -> str | None:
    """Why ``out`` may not hold a ``fmt`` document: r.docx held a PDF, r.pdf an Excel
    workbook, neither opening where its name says."""
    if out.suffix.lower() == f".{fmt}":
        return None
    return (
        f"tệp {out.name} sẽ là tệp {fmt.upper()}: hãy đặt tên có đuôi .{fmt} "
        f"(ví dụ {out.with_suffix('.' + fmt).name})."
    )


def _from_package(args: argparse.Namespace) -> int:
    """The upper level's print of a commune's monthly report, from the commune's package."""
    import reports
    from db.errors import StoreError
    from db.exchange.errors import PackageError
    from rasoat.commands.exchange import _read, _recovery_key
    from rasoat.identity import device_id
    from reports.catalog import DOCUMENTS
    from reports.year_round import monthly_report_from_package

    spec = DOCUMENTS["monthly_report"]
    path = Path(args.package)
    if not path.is_file():
        return _fail(f"không tìm thấy gói {path}.")
    fmt = _format(args, spec.formats)
    out = Path(args.out) if args.out else None
    if out is not None and (misnamed := _misnamed(out, fmt)):
        return _fail(misnamed)
    replaced = out is not None and out.exists()
    try:
        package = _read(path, _recovery_key(args), args.password_file)
        if out is None:
            from reports.file_names import default_file_name, free_path

            out = free_path(
                Path.cwd(), default_file_name("monthly_report", None, date.today(), fmt)
            )
        written = monthly_report_from_package(
            package,
            out,
            fmt=fmt,
            month=args.month,
            year=_year(args.round),
            upper_level=_upper_level(args.upper_level),
            source_name=path.name,
            device=device_id(),
        )
    except (PackageError, StoreError, reports.ReportError) as exc:
        return _fail(getattr(exc, "message", None) or str(exc))
    print(f"Đã lưu {spec.title}: {written}" + (" (thay tệp cũ cùng tên)" if replaced else ""))
    return 0
