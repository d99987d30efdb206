"""`rasoat registry …`: the province registry on PostgreSQL (issue 21).

    rasoat registry init DSN --province MÃ_TỈNH
    rasoat registry load DSN GÓI… [--receipts THƯ_MỤC] [--trust-new]
    rasoat registry keys DSN [--all] | --trust GÓI [--commune MÃ] [--fingerprint DẤU_VÂN_TAY]
                         [--label TÊN] | --untrust DẤU_VÂN_TAY [--commune MÃ]
    rasoat registry report DSN --kind summary|list|escaped [--commune MÃ] [--year NĂM] --out TỆP
    rasoat registry export DSN --out THƯ_MỤC [--history] [--with-id-numbers]
    rasoat registry whatif DSN --standard MÃ_CHUẨN [--year NĂM] [--workers 2]
    rasoat registry staff DSN [TÊN [--revoke] [--password-file TỆP]]

The registry, psycopg and pyarrow are not in the commune laptops' bundle
(packaging/rasoat.spec excludes them): there this command says so instead of failing. Every
import of them is inside ``run`` so the bundle's import scan finds nothing to follow here.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "registry",
        help="cơ sở dữ liệu rà soát của tỉnh (PostgreSQL)",
        description=(
            "Cơ sở dữ liệu của tỉnh trên PostgreSQL: nhận gói của mọi xã, giữ số liệu hiện "
            "tại và lịch sử của từng xã, lập báo cáo tổng hợp."
        ),
    )
    sub = parser.add_subparsers(dest="registry_command", metavar="VIỆC", required=True)
    init = sub.add_parser("init", help="tạo hoặc nâng cấp cấu trúc cơ sở dữ liệu")
    init.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    init.add_argument("--province", metavar="MÃ_TỈNH", required=True, help="mã tỉnh (2025)")
    init.set_defaults(func=run_init)
    # No abbreviations: "--password X" must not be taken for "--password-file X".
    load = sub.add_parser("load", help="nạp gói dữ liệu của các xã (.rasoat)", allow_abbrev=False)
    load.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    load.add_argument("packages", metavar="GÓI", nargs="+", type=Path, help="tệp gói .rasoat")
    # Never the password itself on the command line, where other users of the machine read
    # it (ps, shell history): a file's first line, or RASOAT_PASSWORD, as for `rasoat import`.
    load.add_argument(
        "--password-file",
        "--passphrase-file",
        metavar="TỆP",
        help="đọc mật khẩu của các gói có mật khẩu từ dòng đầu của tệp (hoặc biến môi trường "
        "RASOAT_PASSWORD)",
    )
    load.add_argument(
        "--receipts",
        metavar="THƯ_MỤC",
        type=Path,
        help="lưu biên nhận của từng gói đã nạp (PDF để in, JSON để gửi lại xã)",
    )
    load.add_argument(
        "--trust-new",
        action="store_true",
        help="tin cậy khoá đã ký gói của các xã chưa từng có khoá nào được tin cậy (chỉ dùng "
        "khi đã đối chiếu dấu vân tay với xã); các xã đã có khoá không bị ảnh hưởng",
    )
    load.set_defaults(func=run_load)
    keys = sub.add_parser(
        "keys",
        help="khoá của các xã được tin cậy: xem, tin cậy khoá đã ký một gói, thôi tin cậy",
        description=(
            "Tỉnh chỉ nạp gói được ký bằng khoá đã được tin cậy cho xã của gói. Không có "
            "--trust/--untrust: liệt kê các khoá đang được tin cậy."
        ),
        allow_abbrev=False,
    )
    keys.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    action = keys.add_mutually_exclusive_group()
    action.add_argument(
        "--trust",
        metavar="GÓI",
        type=Path,
        help="tin cậy khoá đã ký gói này cho xã của gói (chữ ký của gói phải hợp lệ)",
    )
    action.add_argument(
        "--untrust", metavar="DẤU_VÂN_TAY", help="thôi tin cậy khoá có dấu vân tay này"
    )
    keys.add_argument("--commune", metavar="MÃ_XÃ", help="chỉ cho xã này")
    keys.add_argument(
        "--fingerprint",
        metavar="DẤU_VÂN_TAY",
        help="với --trust: dấu vân tay xã đọc qua điện thoại; chỉ tin cậy khi khớp với gói",
    )
    keys.add_argument("--label", metavar="TÊN", help="với --trust: tên ghi cho khoá")
    keys.add_argument("--all", action="store_true", help="liệt kê cả các khoá đã thôi tin cậy")
    keys.set_defaults(func=run_keys)
    report = sub.add_parser(
        "report",
        help="báo cáo tổng hợp theo xã, danh sách hộ của một xã, danh sách hộ thoát nghèo, "
        "thoát cận nghèo của một xã",
    )
    report.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    report.add_argument(
        "--kind",
        choices=("summary", "list", "escaped"),
        required=True,
        help="summary: tổng hợp theo xã; list: danh sách hộ của một xã; escaped: danh sách hộ "
        "thoát nghèo, thoát cận nghèo của một xã trong kỳ rà soát năm",
    )
    report.add_argument("--commune", metavar="MÃ_XÃ", help="mã xã (cho các danh sách)")
    report.add_argument(
        "--category",
        action="append",
        choices=("poor", "near_poor", "middle", "not_poor", "undetermined"),
        help="chỉ các hộ thuộc loại này (có thể lặp lại)",
    )
    report.add_argument("--year", type=int, metavar="NĂM", help="năm rà soát (mặc định: mới nhất)")
    report.add_argument("--out", metavar="TỆP", type=Path, required=True, help=".pdf hoặc .xlsx")
    report.set_defaults(func=run_report)
    export = sub.add_parser("export", help="xuất tệp Parquet cho phân tích")
    export.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    export.add_argument("--out", metavar="THƯ_MỤC", type=Path, required=True)
    export.add_argument("--history", action="store_true", help="gồm cả các gói đã thay thế")
    export.add_argument(
        "--with-id-numbers",
        action="store_true",
        help="kèm số CCCD/CMND của thành viên (chỉ khi cần đối chiếu với cơ sở dữ liệu khác)",
    )
    export.set_defaults(func=run_export)
    whatif = sub.add_parser("whatif", help="phân loại lại toàn tỉnh theo một chuẩn khác")
    whatif.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL")
    whatif.add_argument("--standard", metavar="MÃ_CHUẨN", required=True)
    whatif.add_argument("--year", type=int, metavar="NĂM")
    whatif.add_argument("--workers", type=int, default=2, metavar="SỐ", help="số tiến trình")
    whatif.set_defaults(func=run_whatif)
    staff = sub.add_parser(
        "staff",
        help="tài khoản xem cho cán bộ của Sở: lập, cấp quyền xem, thu hồi; liệt kê",
        description=(
            "Tài khoản của cán bộ Sở chỉ xem được số liệu tổng hợp và danh sách hộ (không có số "
            "CCCD, không sửa được gì). Không có TÊN: liệt kê các tài khoản đã cấp quyền xem. Có "
            "TÊN: lập tài khoản (nếu chưa có; mật khẩu được hỏi) và cấp quyền xem."
        ),
        allow_abbrev=False,
    )
    staff.add_argument("dsn", metavar="DSN", help="chuỗi kết nối PostgreSQL (của người quản trị)")
    staff.add_argument("name", metavar="TÊN", nargs="?", help="tên tài khoản, ví dụ can_bo_so")
    staff.add_argument("--revoke", action="store_true", help="thu hồi quyền xem của tài khoản này")
    staff.add_argument(
        "--password-file",
        metavar="TỆP",
        help="mật khẩu của tài khoản mới ở dòng đầu của tệp thay vì hỏi",
    )
    staff.set_defaults(func=run_staff)


def _unavailable() -> int:
    print(
        "rasoat registry: bản cài này (máy của xã) không có phần cơ sở dữ liệu của tỉnh. "
        "Cài rasoat với phần 'registry' trên máy của tỉnh (xem docs/registry.md).",
        file=sys.stderr,
    )
    return 2


def run_init(args: argparse.Namespace) -> int:
    try:
        import psycopg

        from registry.database import RegistryError, connect, server_failure, upgrade
    except ImportError:
        return _unavailable()
    try:
        with connect(args.dsn) as conn:
            done = upgrade(conn, args.province)
    except RegistryError as exc:
        print(f"rasoat registry init: {exc.message}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"rasoat registry init: {server_failure(exc).message}", file=sys.stderr)
        return 1
    if done.remade:
        print(
            f"Đã tính lại số liệu tổng hợp của {done.remade} lần nạp gói theo cách tính của "
            "phiên bản này."
        )
    print(f"Cơ sở dữ liệu của tỉnh sẵn sàng (cấu trúc phiên bản {done.version}).")
    return 0


def run_load(args: argparse.Namespace) -> int:
    try:
        import psycopg

        from registry.database import RegistryError, connect, server_failure
        from registry.load import LoadOutcome, load_packages
    except ImportError:
        return _unavailable()
    from reports.receipt import save_receipt

    if args.receipts is not None:
        args.receipts.mkdir(parents=True, exist_ok=True)

    def report(outcome: LoadOutcome) -> None:
        stream = sys.stderr if outcome.status == "refused" else sys.stdout
        print(outcome.message, file=stream, flush=True)
        if outcome.receipt is not None:
            # What the receipt warns of (households gone since the last package, a slim
            # package that cannot be classified again) said here too, not only in its file.
            for warning in outcome.receipt.warnings:
                print(f"  Lưu ý: {warning}", flush=True)
        if args.receipts is not None and outcome.receipt is not None:
            # Named after the commune and the package: two communes' packages are often
            # both called goi.rasoat, and the second receipt replaced the first.
            stem = outcome.path.name.removesuffix(".rasoat")
            name = f"bien-nhan-{outcome.commune_code}-{stem}-{outcome.receipt.package_id[:8]}"
            for suffix in (".pdf", ".json"):
                save_receipt(outcome.receipt, args.receipts / f"{name}{suffix}")

    password = os.environ.get("RASOAT_PASSWORD") or None
    if args.password_file:
        from db.exchange.errors import PackageError
        from rasoat.commands.exchange import _password_from_file

        try:
            password = _password_from_file(args.password_file)
        except PackageError as exc:
            print(f"rasoat registry load: {exc}", file=sys.stderr)
            return 2
    try:
        with connect(args.dsn) as conn:
            # Each receipt is printed and saved as its package is loaded, then let go.
            outcomes = load_packages(
                conn,
                args.packages,
                password=password,
                progress=report,
                keep_receipts=False,
                trust_new=args.trust_new,
            )
    except RegistryError as exc:
        print(f"rasoat registry load: {exc.message}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"rasoat registry load: {server_failure(exc).message}", file=sys.stderr)
        return 1
    loaded = sum(o.status == "loaded" for o in outcomes)
    same = sum(o.status == "unchanged" for o in outcomes)
    refused = sum(o.status == "refused" for o in outcomes)
    print(f"Đã nạp {loaded} gói, {same} gói đã có từ trước, {refused} gói bị từ chối.")
    return 1 if refused else 0


def run_keys(args: argparse.Namespace) -> int:
    try:
        import psycopg

        from registry import keys
        from registry.database import RegistryError, connect, server_failure
    except ImportError:
        return _unavailable()
    if (args.fingerprint or args.label is not None) and args.trust is None:
        print(
            "rasoat registry keys: --fingerprint và --label chỉ dùng với --trust.", file=sys.stderr
        )
        return 2
    try:
        with connect(args.dsn) as conn:
            if args.trust is not None:
                done = keys.trust_from_package(
                    conn,
                    args.trust,
                    commune=args.commune,
                    fingerprint=args.fingerprint,
                    label=args.label,
                )
                where = f"{done.commune_name} (mã {done.commune_code})"
                named = f" ({done.label})" if done.label else ""
                if done.added:
                    print(
                        f"Đã tin cậy khoá có dấu vân tay {done.fingerprint}{named} cho "
                        f"{where}: từ nay tỉnh nạp các gói của xã được ký bằng khoá này."
                    )
                else:
                    since = keys.when(done.since) if done.since else "trước"
                    print(
                        f"Khoá có dấu vân tay {done.fingerprint} đã được tin cậy cho {where} "
                        f"từ {since}: không có gì thay đổi."
                    )
                return 0
            if args.untrust is not None:
                for key in keys.untrust(conn, args.untrust, commune=args.commune):
                    named = f" ({key.label})" if key.label else ""
                    print(
                        f"Đã thôi tin cậy khoá có dấu vân tay {key.fingerprint}{named} cho "
                        f"{key.commune_name} (mã {key.commune_code}): gói sau của xã được ký "
                        "bằng khoá này sẽ bị từ chối."
                    )
                return 0
            rows = keys.keys(conn, retired=args.all)
    except RegistryError as exc:
        print(f"rasoat registry keys: {exc.message}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"rasoat registry keys: {server_failure(exc).message}", file=sys.stderr)
        return 1
    if args.commune:
        from registry.load import commune_code_of

        rows = [k for k in rows if k.commune_code == commune_code_of(args.commune)]
    if not rows:
        print("Chưa có khoá nào được tin cậy." if not args.all else "Chưa có khoá nào.")
        return 0
    print(
        "Mã xã | Xã | Dấu vân tay | Tên | Tin cậy từ | Người tin cậy | Số gói đã nạp | Trạng thái"
    )
    for k in rows:
        state = "đang tin cậy"
        if k.retired_at is not None:
            state = f"thôi tin cậy lúc {keys.when(k.retired_at)}, do {k.retired_by}"
        print(
            f"{k.commune_code} | {k.commune_name} | {k.fingerprint} | {k.label} | "
            f"{keys.when(k.trusted_at)} ({k.trusted_how}) | {k.trusted_by} | {k.loads} | {state}"
        )
    return 0


def run_report(args: argparse.Namespace) -> int:
    try:
        import psycopg

        from registry import queries
        from registry.database import RegistryError, connect, server_failure
        from reports.registry_summary import escaped_document, list_document, summary_document
    except ImportError:
        return _unavailable()
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "xlsx"):
        print("rasoat registry report: --out phải là tệp .pdf hoặc .xlsx.", file=sys.stderr)
        return 2
    if args.kind in ("list", "escaped") and not args.commune:
        print("rasoat registry report: danh sách cần --commune MÃ_XÃ.", file=sys.stderr)
        return 2
    try:
        with connect(args.dsn) as conn:
            if args.kind == "summary":
                document = summary_document(queries.summary(conn, args.year))
            elif args.kind == "escaped":
                document = escaped_document(queries.escaped(conn, args.commune, args.year))
            else:
                categories = tuple(args.category or ())
                head, rows = queries.commune_list(conn, args.commune, args.year, categories)
                document = list_document(head, rows, categories)
    except RegistryError as exc:
        print(f"rasoat registry report: {exc.message}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"rasoat registry report: {server_failure(exc).message}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only before a byte is written, as the Parquet export: a commune's list names its
    # households' heads, on a server several staff log in to.
    from db.private_tmp import owner_only

    owner_only(args.out, create=True)
    if fmt == "pdf":
        from reports.pdf import render_pdf

        render_pdf(document, args.out)
    else:
        from reports.xlsx import render_xlsx

        render_xlsx(document, args.out)
    print(args.out)
    return 0


def run_export(args: argparse.Namespace) -> int:
    try:
        import psycopg

        from registry.database import RegistryError, connect, server_failure
        from registry.export import export_parquet
    except ImportError:
        return _unavailable()
    try:
        with connect(args.dsn) as conn:
            written = export_parquet(
                conn, args.out, history=args.history, id_numbers=args.with_id_numbers
            )
    except RegistryError as exc:
        print(f"rasoat registry export: {exc.message}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"rasoat registry export: {server_failure(exc).message}", file=sys.stderr)
        return 1
    for path in written.values():
        print(path)
    return 0


def run_whatif(args: argparse.Namespace) -> int:
    try:
        import psycopg

        from registry.database import RegistryError, connect, server_failure
        from registry.whatif import province_whatif
    except ImportError:
        return _unavailable()
    from forms.labels import CATEGORY_LABELS
    from forms.model import Category
    from forms.standards import StandardError

    try:
        with connect(args.dsn) as conn:
            result = province_whatif(conn, args.standard, args.year, workers=args.workers)
    except (RegistryError, StandardError) as exc:
        print(f"rasoat registry whatif: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"rasoat registry whatif: {server_failure(exc).message}", file=sys.stderr)
        return 1
    poor, near = Category.POOR.value, Category.NEAR_POOR.value
    unknown = Category.UNDETERMINED.value
    print(
        f"{result.province_name}, năm {result.year}, theo {result.standard_name}: "
        f"{result.households} hộ tính lại."
    )
    # The households the new standard cannot classify, said: most are known by their B1
    # score alone, with no income to hold against the new lines; "Đổi phân loại" counted
    # them as changed, with no word of why.
    print(
        f"Mã xã | Xã | Số hộ | {CATEGORY_LABELS[Category.POOR]} (đã lưu → mới) | "
        f"{CATEGORY_LABELS[Category.NEAR_POOR]} (đã lưu → mới) | Chưa xác định theo chuẩn mới"
        " | Đổi phân loại"
    )
    for c in result.communes:
        print(
            f"{c.commune_code} | {c.commune_name} | {c.households} | "
            f"{c.stored(poor)} → {c.under_new(poor)} | {c.stored(near)} → {c.under_new(near)} | "
            f"{c.under_new(unknown)} | {c.changed}"
        )
    sent_back = sum(c.sent_back for c in result.communes)
    if sent_back:
        print(
            f"Không tính {sent_back} hộ cuộc họp thôn chưa thống nhất, phải rà soát lại (chưa "
            "thuộc danh sách nào cho đến khi họp lại), như báo cáo so sánh của xã."
        )
    undetermined = sum(c.under_new(unknown) for c in result.communes)
    if undetermined:
        print(
            f"{undetermined} hộ chưa xác định được theo {result.standard_name}: hộ chỉ có tổng "
            "điểm B1, chưa quy đổi được ra thu nhập theo chuẩn này, hoặc thiếu câu trả lời "
            "phiếu; cột Đổi phân loại tính cả các hộ này. Cần thu nhập bình quân đầu người "
            "của các hộ (xã nhập rồi gửi lại gói) hoặc tệp chuẩn của tỉnh có ngưỡng điểm B1."
        )
    for code, name in result.not_reviewed:
        print(
            f"{code} | {name} | chưa tính lại: gói mới nhất của xã chưa có kỳ rà soát năm "
            f"{result.year} (cần xã gửi gói mới)"
        )
    for code, name in result.left_out:
        print(
            f"{code} | {name} | chưa tính lại: gói xã gửi là bản rút gọn gửi cấp trên, không có"
            " câu trả lời phiếu (cần gói đầy đủ của xã)"
        )
    return 0


def run_staff(args: argparse.Namespace) -> int:
    """Lists the staff logins, or makes one (password asked twice, or from a file) and grants
    it the staff's reads, or takes them back (``registry.staff``)."""
    try:
        import psycopg

        from registry import staff
        from registry.database import RegistryError, connect, server_failure
    except ImportError:
        return _unavailable()
    from db.errors import StoreError

    prog = "rasoat registry staff"
    if args.name is None and (args.revoke or args.password_file):
        print(f"{prog}: --revoke và --password-file cần TÊN tài khoản.", file=sys.stderr)
        return 2
    try:
        if args.name is not None:
            staff.check_name(args.name)
        with connect(args.dsn) as conn:
            # A database not initialised, or not upgraded yet (a table to grant missing),
            # said before a password is asked or a login made.
            staff.require_tables(conn)
            if args.name is None:
                logins = staff.staff_logins(conn)
                if not logins:
                    print("Chưa có tài khoản xem nào (lập bằng: rasoat registry staff DSN TÊN).")
                for name in logins:
                    print(name)
                return 0
            staff.check_staff(conn, args.name)
            if args.revoke:
                staff.revoke(conn, args.name)
                print(f"Đã thu hồi quyền xem cơ sở dữ liệu của tỉnh của tài khoản {args.name}.")
                return 0
            made = not staff.exists(conn, args.name)
            if made:
                try:
                    staff.create_login(conn, args.name, _new_login_password(args))
                except psycopg.errors.InsufficientPrivilege:
                    print(
                        f"{prog}: tài khoản đang kết nối không được lập tài khoản mới. Nhờ "
                        f"người quản trị máy chủ lập (sudo -u postgres createuser --pwprompt "
                        f"{args.name}), rồi chạy lại lệnh này để cấp quyền xem.",
                        file=sys.stderr,
                    )
                    return 1
            staff.grant(conn, args.name)
    except (RegistryError, StoreError) as exc:
        print(f"{prog}: {exc.message}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"{prog}: {server_failure(exc).message}", file=sys.stderr)
        return 1
    what = "Đã lập tài khoản" if made else "Tài khoản"
    print(
        f"{what} {args.name}: xem được số liệu tổng hợp, danh sách hộ và Tổng hợp nhiều xã; "
        "không xem được số CCCD, không sửa được gì."
    )
    if not made and args.password_file:
        print(
            f"Mật khẩu của tài khoản {args.name} không đổi: tài khoản đã có từ trước, tệp "
            f"{Path(args.password_file).name} không được dùng (người quản trị máy chủ đổi mật "
            f"khẩu bằng: sudo -u postgres psql -c '\\password {args.name}')."
        )
    return 0


def _new_login_password(args: argparse.Namespace) -> str:
    """The new login's password: the first line of --password-file, else typed twice."""
    from db.errors import StoreError
    from rasoat import signin

    asked = {"what": "mật khẩu của tài khoản mới", "option": "--password-file"}
    if args.password_file:
        return signin.read_password(args.password_file, **asked)
    first = signin.read_password(None, f"Mật khẩu của tài khoản {args.name}: ", **asked)
    if not first:
        raise StoreError("Mật khẩu không được để trống.")
    if signin.read_password(None, "Nhập lại mật khẩu: ", **asked) != first:
        raise StoreError("Hai lần nhập mật khẩu không giống nhau.")
    return first
