"""Moving data between laptops and up to the upper level, without a window:

  rasoat export  XA.db GOI.rasoat [--scope …] [--no-password] xuất gói (có mật khẩu)
  rasoat import  XA.db GOI.rasoat [--receipt BIENNHAN.txt]    nhập / gộp một gói
  rasoat merge   XA.db GOI1.rasoat GOI2.rasoat …              gộp nhiều gói một lượt
  rasoat conflicts XA.db [--keep-mine ID | --take-theirs ID]  xem / giải quyết xung đột
  rasoat devices XA.db [--untrust DẤU_VÂN_TAY] | --own        các máy đã biết, dấu vân tay
  rasoat excel-import XA.db DS.xlsx [--map truong=COT] [--write]  nhập danh sách năm trước
  rasoat summary GOI1.rasoat … [--xlsx TONGHOP.xlsx]          tổng hợp nhiều xã (cấp trên)

A package holds names and ID numbers, so ``export`` protects it with a password by default,
as the export dialog does (same strength rule, ``db.exchange.crypto.passphrase_problem``);
``--no-password`` is the explicit way out, for a package carried by hand. Passwords are asked
for on the terminal or read from a file (``--password-file``), never taken on the command
line, where other users of the machine could read them; ``RASOAT_PASSWORD`` serves scripts.

Exit codes (every command; docs/exchange-format.md): 0 done; 1 refused with reasons (rows of
a workbook, packages of a merge or summary that could not be taken); 2 unusable input (a file
that cannot be read, a damaged or foreign package, a wrong password, a bad option). A refused
import or excel-import leaves the commune file byte-identical.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import Any

from rasoat import logs
from rasoat.logs import failure_text

log = logging.getLogger(__name__)

RECOVERY_SHEET_MAX = 64 * 1024  # the key sheet the window saves is under a kilobyte

PERSONAL_DATA = (
    "Lưu ý: gói chứa họ tên và số CCCD của người dân (dữ liệu cá nhân). Chỉ chuyển cho người "
    "có trách nhiệm; nên đặt mật khẩu khi gửi qua thư điện tử hoặc USB."
)
# The upper level's slim package (``export.slim_record``) leaves ID numbers out: saying it
# holds them was untrue, and taught officers to distrust the slim package's purpose.
PERSONAL_DATA_SLIM = (
    "Lưu ý: gói cho cấp trên chứa họ tên và năm sinh của người dân (dữ liệu cá nhân), không "
    "có số CCCD, ngày tháng sinh, thu nhập, sức khoẻ. Chỉ chuyển cho người có trách nhiệm; nên "
    "đặt mật khẩu khi gửi qua thư điện tử hoặc USB."
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("export", help="xuất gói dữ liệu (.rasoat) từ tệp của xã")
    p.add_argument("db", metavar="TỆP_XÃ", help="tệp dữ liệu của xã")
    p.add_argument("out", metavar="GÓI", help="tệp gói sẽ tạo (.rasoat)")
    p.add_argument(
        "--scope",
        choices=["commune", "surveyor", "villages"],
        default="commune",
        help="commune: cả xã (gửi cấp trên); surveyor: phần việc của một máy/từ một ngày; "
        "villages: một số thôn",
    )
    p.add_argument(
        "--since", metavar="NGÀY", help="chỉ các hộ thay đổi từ thời điểm này (YYYY-MM-DD)"
    )
    p.add_argument("--device", metavar="MÃ_MÁY", help="chỉ các hộ do máy này sửa (mã máy)")
    p.add_argument(
        "--village", action="append", default=[], metavar="THÔN", help="tên thôn (lặp lại được)"
    )
    p.add_argument(
        "--for-upper-level",
        action="store_true",
        help="bản rút gọn gửi cấp trên (với --scope commune): chỉ những gì cấp trên đọc, không "
        "số CCCD, ngày tháng sinh, thu nhập, sức khoẻ, ghi chú; tệp của xã không gộp gói này",
    )
    protect = p.add_mutually_exclusive_group()
    protect.add_argument(
        "--password",
        action="store_true",
        help="đặt mật khẩu cho gói (mặc định; sẽ hỏi hai lần, hoặc biến môi trường "
        "RASOAT_PASSWORD)",
    )
    protect.add_argument(
        "--password-file",
        "--passphrase-file",
        metavar="TỆP",
        help="đọc mật khẩu cho gói từ dòng đầu của tệp",
    )
    protect.add_argument(
        "--no-password",
        action="store_true",
        help="KHÔNG đặt mật khẩu (gói chứa dữ liệu cá nhân: chỉ chuyển tay, không gửi qua mạng)",
    )
    _recovery_options(p, "dùng khoá khôi phục đã in của xã (nếu không: tạo mới)")
    p.add_argument(
        "--recovery-key-pdf",
        metavar="TỆP",
        help="ghi trang khoá khôi phục của gói ra tệp PDF này để in (như trong cửa sổ)",
    )
    _user_options(p)
    p.set_defaults(func=run_export)

    p = subparsers.add_parser("import", help="nhập / gộp một gói dữ liệu vào tệp của xã")
    p.add_argument("db", metavar="TỆP_XÃ", help="tệp dữ liệu của xã")
    p.add_argument("package", metavar="GÓI", help="gói dữ liệu (.rasoat)")
    _password_file_option(p)
    _recovery_options(p, "mở gói bằng khoá khôi phục thay cho mật khẩu")
    p.add_argument(
        "--receipt", metavar="TỆP", help="ghi biên nhận ra tệp (.txt, .json hoặc .pdf để in)"
    )
    _confirmations(p)
    _user_options(p)
    p.set_defaults(func=run_import)

    p = subparsers.add_parser("merge", help="gộp nhiều gói dữ liệu vào tệp của xã")
    p.add_argument("db", metavar="TỆP_XÃ", help="tệp dữ liệu của xã")
    p.add_argument("packages", nargs="+", metavar="GÓI", help="các gói dữ liệu (.rasoat)")
    _password_file_option(p)
    _recovery_options(p, "mở các gói bằng khoá khôi phục")
    _confirmations(p)
    _user_options(p)
    p.set_defaults(func=run_merge)

    p = subparsers.add_parser("conflicts", help="xem và giải quyết các xung đột khi gộp")
    p.add_argument("db", metavar="TỆP_XÃ", help="tệp dữ liệu của xã")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--keep-mine", metavar="ID", help="giữ bản của xã cho xung đột này")
    g.add_argument("--take-theirs", metavar="ID", help="nhận bản trong gói cho xung đột này")
    _user_options(p)
    p.set_defaults(func=run_conflicts)

    p = subparsers.add_parser(
        "devices", help="các máy đã gửi gói cho tệp của xã (dấu vân tay, tin cậy hay không)"
    )
    p.add_argument("db", nargs="?", metavar="TỆP_XÃ", help="tệp dữ liệu của xã")
    p.add_argument(
        "--own", action="store_true", help="in dấu vân tay của máy này (để đọc qua điện thoại)"
    )
    p.add_argument(
        "--untrust",
        metavar="DẤU_VÂN_TAY",
        help="thôi tin cậy máy có dấu vân tay này: gói sau của máy đó phải xác nhận lại",
    )
    p.add_argument(
        "--device", metavar="MÃ_MÁY", help="mã máy, khi cùng một dấu vân tay có ở nhiều máy"
    )
    p.add_argument("--yes", action="store_true", help="không hỏi lại khi thôi tin cậy")
    _user_options(p)
    p.set_defaults(func=run_devices)

    p = subparsers.add_parser(
        "excel-import", help="nhập danh sách hộ nghèo, cận nghèo năm trước từ Excel"
    )
    p.add_argument("db", metavar="TỆP_XÃ", help="tệp dữ liệu của xã")
    p.add_argument("xlsx", metavar="TỆP_EXCEL", help="tệp Excel danh sách")
    p.add_argument("--sheet", type=int, default=1, metavar="SỐ", help="số thứ tự trang tính (từ 1)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="TRƯỜNG=CỘT",
        help="chọn cột cho một trường, ví dụ category=O (xem danh sách trường khi chạy)",
    )
    p.add_argument(
        "--year", type=int, required=True, metavar="NĂM", help="năm của danh sách (kỳ rà soát)"
    )
    p.add_argument(
        "--standard", default="nd07-2022-2025", metavar="MÃ_CHUẨN", help="chuẩn nghèo của năm đó"
    )
    p.add_argument(
        "--category",
        choices=["poor", "near_poor", "middle", "not_poor"],
        help="loại hộ chung cho cả trang khi không có cột phân loại",
    )
    p.add_argument(
        "--code-prefix", default="", metavar="TIỀN_TỐ", help="tiền tố ghép với STT hộ thành mã hộ"
    )
    p.add_argument("--write", action="store_true", help="ghi vào tệp (mặc định chỉ kiểm tra)")
    _user_options(p)
    p.set_defaults(func=run_excel_import)

    p = subparsers.add_parser("summary", help="tổng hợp nhiều gói của các xã (cấp trên)")
    p.add_argument("packages", nargs="+", metavar="GÓI", help="các gói dữ liệu (.rasoat)")
    p.add_argument(
        "--year", type=int, metavar="NĂM", help="năm rà soát (mặc định: kỳ mới nhất của mỗi xã)"
    )
    _password_file_option(p)
    _recovery_options(p, "mở các gói bằng khoá khôi phục")
    p.add_argument("--xlsx", metavar="TỆP", help="ghi bảng tổng hợp ra tệp Excel")
    p.set_defaults(func=run_summary)


def _password_file_option(p: Any) -> None:
    p.add_argument(
        "--password-file",
        "--passphrase-file",
        metavar="TỆP",
        help="đọc mật khẩu của gói từ dòng đầu của tệp (nếu không: hỏi, hoặc biến môi "
        "trường RASOAT_PASSWORD)",
    )


def _recovery_options(p: Any, what: str) -> None:
    # Never the key itself on the command line, where other users of the machine read it.
    p.add_argument(
        "--recovery-key",
        action="store_true",
        help=what + " (sẽ hỏi; hoặc biến môi trường RASOAT_RECOVERY_KEY)",
    )
    p.add_argument("--recovery-key-file", metavar="TỆP", help=what + ", đọc từ tệp")


def _recovery_key(args: argparse.Namespace) -> str | None:
    """The recovery key from a file, the environment or a prompt; None when not asked for."""
    from db.exchange.errors import PackageError

    if getattr(args, "recovery_key_file", None):
        from forms.file_errors import TooBig, read_limited

        given = Path(args.recovery_key_file)
        try:
            text = read_limited(given, RECOVERY_SHEET_MAX).decode("utf-8")
        except TooBig as exc:
            raise PackageError(exc.message) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise PackageError(
                f"Không đọc được tệp khoá khôi phục {given.name}: {failure_text(exc)}"
            ) from exc
        # The key sheet the dialog saves has a title and advice around the key.
        for line in text.splitlines():
            if line.count("-") == 7 and len(line.strip()) == 39:
                return line.strip()
        return text.strip()
    if not getattr(args, "recovery_key", False):
        return None
    return os.environ.get("RASOAT_RECOVERY_KEY") or _ask("Khoá khôi phục: ")


def _confirmations(p: Any) -> None:
    p.add_argument(
        "--trust-device",
        action="append",
        default=[],
        metavar="DẤU_VÂN_TAY",
        help="nhận gói của máy mới hoặc máy đã đổi khoá có dấu vân tay này (sau khi đã đối "
        "chiếu với người gửi); lặp lại được",
    )
    p.add_argument(
        "--allow-deletions",
        action="store_true",
        help="đồng ý để gói xoá các hộ được liệt kê (mặc định: từ chối gói có xoá hộ)",
    )
    p.add_argument(
        "--allow-unsigned",
        action="store_true",
        help="nhận gói không có chữ ký (của phiên bản cũ), sau khi đã hỏi người gửi",
    )


def _trusted(args: argparse.Namespace) -> list[str]:
    """What the officer confirmed: fingerprints, and unsigned packages when allowed."""
    from db.exchange.devices import UNSIGNED_OK

    return [*args.trust_device, *([UNSIGNED_OK] if args.allow_unsigned else [])]


def _how_to_confirm(exc: Any) -> str:
    """The option that takes a package the officer was asked about."""
    if exc.check.status == "unsigned":
        return "--allow-unsigned"
    return f"--trust-device {exc.check.fingerprint}"


def _fail(command: str, failure: str | BaseException) -> int:
    """Unusable input: exit 2; given the exception, a user's refusal exits 1 as in every
    command (``rasoat.signin.exit_code``)."""
    from rasoat import signin

    if isinstance(failure, BaseException):
        print(f"rasoat {command}: {getattr(failure, 'message', str(failure))}", file=sys.stderr)
        return signin.exit_code(failure, 2)
    print(f"rasoat {command}: {failure}", file=sys.stderr)
    return 2


def _refused(command: str, exc: Exception) -> int:
    """A readable package not taken for reasons the officer can act on: exit 1."""
    from db.exchange.errors import DeletionsNotConfirmed, SenderNotTrusted

    print(f"rasoat {command}: {exc}", file=sys.stderr)
    if isinstance(exc, SenderNotTrusted):
        print(
            f"Khi đã đối chiếu với người gửi, chạy lại với {_how_to_confirm(exc)}",
            file=sys.stderr,
        )
    if isinstance(exc, DeletionsNotConfirmed):
        print("Khi đã xem danh sách và đồng ý, chạy lại với --allow-deletions", file=sys.stderr)
    return 1


def _user_options(p: Any) -> None:
    from rasoat import signin

    # --password-file is the package's here: the user's password has a name of its own.
    signin.add_options(p, password_file="--user-password-file")


def _open_store(path: str, args: argparse.Namespace, action: Any = None) -> Any:
    """The commune file opened, and ``--user`` signed in. "Last seen" is written by the
    first write that commits (``Store.open(seen=False)``), not at opening: a package refused
    after opening (a lean one changed before its second reading), a role's refusal, a list
    of conflicts or devices, an untrusting answered no, all leave the file byte-identical.
    On a file with users nobody opens it without signing in; ``action``: what the role must
    also be allowed (``rasoat.signin.open_store``)."""
    from rasoat import signin

    return signin.open_store(Path(path), args, action=action)


def _openable(path: str) -> None:
    """The commune file's refusals that need no password (not there, not a commune file, made
    by a newer Rà soát: ``db.store.check_openable``), before a package's password or
    recovery key is asked: an officer typed a new package's password twice, only to read
    then that this version could not open the file. Raised as ``Store.open`` raises them,
    said as the command says them after opening."""
    from db.store import check_openable

    check_openable(Path(path))


NO_TERMINAL = (
    "Không có bàn phím để hỏi mật khẩu (lệnh chạy từ một chương trình khác): dùng "
    "--password-file TỆP hoặc biến môi trường RASOAT_PASSWORD."
)


def _ask(prompt: str) -> str:
    """A password typed on the terminal; ``PackageError`` when there is no terminal to ask on
    (getpass then reads standard input, which may be closed or empty)."""
    from db.exchange.errors import PackageError
    from rasoat.signin import typed

    try:
        return typed(prompt)
    except (EOFError, OSError, getpass.GetPassWarning) as exc:
        raise PackageError(NO_TERMINAL) from exc


def _password_from_file(name: str) -> str:
    """The first line of ``name`` (``rasoat.signin.read_password``), as a package error."""
    from db.errors import StoreError
    from db.exchange.errors import PackageError
    from rasoat import signin

    try:
        return signin.read_password(name)
    except StoreError as exc:
        raise PackageError(exc.message) from exc


def _password_for_reading(
    manifest: dict[str, Any],
    recovery_key: str | None,
    password_file: str | None = None,
    name: str = "",
) -> str | None:
    """``name``: the package's file name, said in the prompt (``rasoat merge`` asks for the
    next package's password while one is being written, after the receipts before it)."""
    from db.exchange.container import is_encrypted

    if not is_encrypted(manifest) or recovery_key:
        return None
    if password_file:
        return _password_from_file(password_file)
    if os.environ.get("RASOAT_PASSWORD"):
        return os.environ["RASOAT_PASSWORD"]
    return _ask(f"Mật khẩu của gói {name}: " if name else "Mật khẩu của gói: ")


def _export_password(args: argparse.Namespace) -> str | None:
    """The new package's password (checked for strength), or None with --no-password."""
    from db.exchange.crypto import passphrase_problem
    from db.exchange.errors import PackageError

    if args.no_password:
        return None
    if args.password_file:
        password = _password_from_file(args.password_file)
    elif os.environ.get("RASOAT_PASSWORD"):
        password = os.environ["RASOAT_PASSWORD"]
    else:
        password = _ask("Mật khẩu cho gói: ")
        if not password:
            raise PackageError("Mật khẩu không được để trống (hoặc chọn --no-password).")
        if _ask("Nhập lại mật khẩu: ") != password:
            raise PackageError("Hai lần nhập mật khẩu không khớp.")
    weak = passphrase_problem(password)
    if weak:
        raise PackageError(weak)
    return password


def run_export(args: argparse.Namespace) -> int:
    from db.errors import StoreError, failure_reason
    from db.exchange.errors import PackageError
    from db.exchange.export import ExportScope, export_package
    from reports.review import ReportError

    try:
        _openable(args.db)
        password = _export_password(args)
        recovery = _recovery_key(args) if password else None
    except StoreError as exc:
        return _fail("export", exc)
    except PackageError as exc:
        return _fail("export", str(exc))
    scope = ExportScope(
        kind=args.scope,
        since=args.since,
        device=args.device,
        villages=tuple(args.village),
        for_upper_level=args.for_upper_level,
    )
    try:
        with _open_store(args.db, args) as store:
            result = export_package(
                store, Path(args.out), scope, password=password, recovery_key=recovery
            )
            try:
                key_pdf = _print_recovery_key(store, args, result.recovery_key)
            except (StoreError, ReportError, OSError) as exc:
                # The package is written: its key is shown below, only the page is missing.
                why = failure_reason(exc) or "không ghi được tệp"
                print(f"Không lưu được trang khoá khôi phục ({why}).", file=sys.stderr)
                key_pdf = None
    except (StoreError, PackageError, ReportError) as exc:
        return _fail("export", exc)
    print(
        f"Đã xuất {result.households} hộ, {result.members} nhân khẩu ({scope.describe()}) "
        f"vào {args.out}."
    )
    print(f"Gói được ký bởi máy này; dấu vân tay khoá: {_signed_by(result.written.manifest)}")
    print(PERSONAL_DATA_SLIM if scope.for_upper_level else PERSONAL_DATA)
    if password is None:
        # Said of a package written (it was said before a refused export too).
        print(
            "Lưu ý: gói KHÔNG có mật khẩu (--no-password); chỉ chuyển tay, không gửi qua thư "
            "điện tử hay mạng.",
            file=sys.stderr,
        )
    if result.recovery_key:
        print()
        print("KHOÁ KHÔI PHỤC — in hoặc chép lại và cất giữ cẩn thận; chỉ hiện một lần:")
        print(f"    {result.recovery_key}")
        print("Khi quên mật khẩu, gói vẫn mở được bằng khoá này (rasoat import --recovery-key).")
    if key_pdf is not None:
        print(f"Trang khoá khôi phục để in: {key_pdf} (in ra rồi xoá tệp này đi).")
    return 0


def _print_recovery_key(store: Any, args: argparse.Namespace, key: str | None) -> Path | None:
    """The package's recovery key page (``reports.recovery_key``, audited as a print) when
    ``--recovery-key-pdf`` asks for it and the package has a key."""
    if not key or not getattr(args, "recovery_key_pdf", None):
        return None
    from reports.recovery_key import save_recovery_key

    return save_recovery_key(
        Path(args.recovery_key_pdf), store, Path(args.out).name, key, package=True
    )


def _signed_by(manifest: dict[str, Any]) -> str:
    from db.exchange.signing import verify

    return verify(manifest).fingerprint


def _read(path: Path, recovery_key: str | None, password_file: str | None = None) -> Any:
    from db.exchange.container import read_manifest
    from db.exchange.merge_stream import read_for_merge

    manifest = read_manifest(path)
    password = _password_for_reading(manifest, recovery_key, password_file)
    # Checked whole; a large package kept lean and read again when merged (issue 22). The
    # cycle collector is paused by the command around it (``_collector_paused``).
    return read_for_merge(path, password=password, recovery_key=recovery_key)


def run_import(args: argparse.Namespace) -> int:
    return _collector_paused(_import, args)


def run_merge(args: argparse.Namespace, *, ahead: bool = True) -> int:
    """``ahead=False``: the packages read one after another in this process (the bench
    times both)."""
    return _collector_paused(functools.partial(_merge, ahead=ahead), args)


def _collector_paused(command: Any, args: argparse.Namespace) -> int:
    """``command(args)`` with Python's cycle collector paused from the first reading to the
    last write, as ``import_package`` pauses it: on again between the reading and the merge,
    it walked every object of the package just read (a tenth of a commune merge's time).
    The command's locals, the package among them, are freed as it returns, before the
    collector is back on."""
    from db.exchange.merge import collector_paused

    with collector_paused():
        return int(command(args))


def _import(args: argparse.Namespace) -> int:
    from db import certificates
    from db.errors import StoreError
    from db.exchange import year_round_part
    from db.exchange.errors import PackageError, PackageRefused
    from db.exchange.merge import merge_package, precheck

    path = Path(args.package)
    receipt = None
    after = ""
    numbers = 0  # this package's certificate-number, application and cadre conflicts waiting
    try:
        _openable(args.db)
        package = _read(path, _recovery_key(args), args.password_file)
        # Every refusal that can be made before opening is made here, read-only; what is
        # left (a lean package changed before its second reading, ``merge_stream``; a
        # household new to the file whose history lists a rev kept here as another's,
        # ``merge_new.add_new``) rolls the merge back, and "last seen" waits for it to
        # commit: a refused package leaves the commune file byte-identical.
        precheck(
            Path(args.db),
            package,
            trusted=_trusted(args),
            allow_deletions=args.allow_deletions,
        )
        with _open_store(args.db, args) as store:
            receipt = merge_package(
                store,
                package,
                source_name=path.name,
                trusted=_trusted(args),
                allow_deletions=args.allow_deletions,
            )
            numbers = sum(
                c.package_id == package.package_id for c in certificates.open_conflicts(store.conn)
            ) + year_round_part.waiting(store.conn, package.package_id)
    except PackageRefused as exc:
        if receipt is None:
            return _refused("import", exc)
        after = str(exc)
    except (StoreError, PackageError) as exc:
        if receipt is None:
            return _fail("import", exc)
        # Committed, then closing failed (its backup: a full disk): the work is done and
        # its receipt is owed; the failure is said after it.
        after = getattr(exc, "message", str(exc))
    print(receipt.text(), end="")
    if after:
        print(f"Lưu ý: việc nhập đã được lưu, nhưng {after}", file=sys.stderr)
    if args.receipt:
        from reports.receipt import save_receipt

        out = Path(args.receipt)
        try:
            save_receipt(receipt, out)
        except OSError as exc:
            # The import is saved and its receipt printed above; a full or read-only stick
            # only keeps the file from being written, and no half-written one is left.
            with contextlib.suppress(OSError):
                out.unlink()
            print(
                f"Lưu ý: việc nhập đã được lưu (biên nhận ở trên), nhưng không ghi được tệp "
                f"biên nhận {out}: {failure_text(exc)}",
                file=sys.stderr,
            )
            return 1
        print(f"Đã ghi biên nhận vào {out}.")
    if receipt.conflicts or numbers:
        waiting = len(receipt.conflicts) + numbers
        print(f"Còn {waiting} xung đột chờ quyết định: rasoat conflicts {args.db}")
    return 0


def _merge(args: argparse.Namespace, *, ahead: bool = True) -> int:
    """The packages merged in the order given, each in its own transaction. While one is
    written, the next is read and checked in a second process (``merge_ahead``; ``ahead``
    False: one after another here, as the bench compares)."""
    from db.errors import StoreError
    from db.exchange.container import read_manifest
    from db.exchange.errors import PackageError, SenderNotTrusted
    from db.exchange.merge import merge_package, precheck, waiting
    from db.exchange.merge_ahead import Kept, read_ahead

    failures = unexpected = 0
    pending: int | None = None
    try:
        _openable(args.db)
        recovery = _recovery_key(args)
    except StoreError as exc:
        return _fail("merge", exc)
    except PackageError as exc:
        return _fail("merge", str(exc))

    def secrets(path: Path) -> tuple[str | None, str | None]:
        manifest = read_manifest(path)
        return _password_for_reading(manifest, recovery, args.password_file, path.name), recovery

    # Each package read and checked whole, then refused read-only (``precheck``) before the
    # commune file is opened: when none can be taken, it is never opened for writing (and
    # stays byte-identical); when the ones taken are all refused once it is open (changed
    # before their second reading), nothing commits, "last seen" included.
    store: Any = None
    try:
        with contextlib.ExitStack() as stack:
            # The reader process, idle once every package is read, is kept until the file
            # has closed: it checks a part of the closing backup's documents (``Kept``).
            kept = stack.enter_context(contextlib.closing(Kept()))
            packages = stack.enter_context(
                contextlib.closing(
                    read_ahead(
                        [Path(name) for name in args.packages], secrets, ahead=ahead, kept=kept
                    )
                )
            )
            for path, package in packages:
                try:
                    if isinstance(package, PackageError):
                        raise package
                    precheck(
                        Path(args.db),
                        package,
                        trusted=_trusted(args),
                        allow_deletions=args.allow_deletions,
                    )
                    if store is None:
                        store = stack.enter_context(_open_store(args.db, args))
                        store.backup_helper = kept
                    receipt = merge_package(
                        store,
                        package,
                        source_name=path.name,
                        trusted=_trusted(args),
                        allow_deletions=args.allow_deletions,
                    )
                except PackageError as exc:
                    failures += 1
                    print(f"{path.name}: KHÔNG NHẬP — {exc}")
                    if isinstance(exc, SenderNotTrusted):
                        print(f"  (đã đối chiếu với người gửi thì thêm {_how_to_confirm(exc)})")
                    continue
                except StoreError:
                    raise  # the commune file itself: said once, below
                except Exception as exc:
                    # Our fault with this package (its transaction rolled back): said, logged,
                    # and the next package still judged on its own, as merge promises.
                    unexpected += 1
                    logs.setup_logging()
                    log.critical("merging %s failed", path.name, exc_info=exc)
                    print(
                        f"{path.name}: KHÔNG NHẬP — lỗi không mong muốn "
                        f"({logs.redacted_exception(exc)}); chi tiết trong nhật ký"
                    )
                    continue
                finally:
                    del package  # not held while the next one is waited for
                print(f"{path.name}: {receipt.summary()}")
                for warning in receipt.warnings:  # possible duplicates, differing results
                    print(f"  Lưu ý: {warning}")
            if store is None:
                return _merge_exit(failures, unexpected)
            pending = waiting(store)
    except StoreError as exc:
        if pending is None:
            return _fail("merge", exc)
        print(f"Lưu ý: việc gộp đã được lưu, nhưng {exc.message}", file=sys.stderr)
    if pending:
        print(f"Còn {pending} xung đột chờ quyết định: rasoat conflicts {args.db}")
    return _merge_exit(failures, unexpected)


def _merge_exit(refused: int, unexpected: int) -> int:
    """70 when a package met an error of ours, else 1 when one was refused, else 0."""
    return 70 if unexpected else 1 if refused else 0


def run_conflicts(args: argparse.Namespace) -> int:
    from db import certificates
    from db.errors import StoreError
    from db.exchange import year_round_part
    from db.exchange.errors import PackageError
    from db.exchange.merge import resolve_conflict
    from db.exchange.merge_conflicts import conflict, conflict_rows
    from forms.roles import Action

    try:
        # Listed as decided by whoever decides them, as the window greys Xung đột khi gộp…:
        # the list names both versions' heads.
        with _open_store(args.db, args, Action.IMPORT) as store:
            chosen = args.keep_mine or args.take_theirs
            if chosen:
                # Household, certificate-number, application and cadre conflicts share one
                # id space for the officer: an id prefix naming two is refused as ambiguous.
                # Households' conflicts by their ids alone: none decoded to find one.
                matches: list[Any] = [c for c in conflict_rows(store) if c.id.startswith(chosen)]
                matches += [
                    c for c in certificates.open_conflicts(store.conn) if c.id.startswith(chosen)
                ]
                matches += [
                    c for c in year_round_part.open_conflicts(store.conn) if c.id.startswith(chosen)
                ]
                if len(matches) != 1:
                    return _fail("conflicts", f"Không xác định được xung đột “{chosen}”.")
                choice: certificates.Choice = "keep_mine" if args.keep_mine else "take_theirs"
                found = matches[0]
                if isinstance(found, certificates.CertificateConflict):
                    certificates.resolve(store, found.id, choice)
                    print(f"Đã giải quyết xung đột số giấy chứng nhận của hộ {found.code}.")
                elif isinstance(found, year_round_part.YearRoundConflict):
                    year_round_part.resolve(store, found.id, choice)
                    what = "giấy đề nghị" if found.table == "applications" else "cán bộ phụ trách"
                    whose = f"hộ {found.code}" if found.household_id else str(found.village)
                    print(f"Đã giải quyết xung đột {what} của {whose}.")
                else:
                    new_code = resolve_conflict(store, found.id, choice)
                    print(f"Đã giải quyết xung đột của hộ {found.code}.")
                    if new_code is not None:
                        print(
                            f"Hộ trong gói được nhận với mã mới {new_code} (mã {found.code} vẫn "
                            "là của hộ đang có); hãy sửa mã trên phiếu giấy của hộ."
                        )
                return 0
            conflicts = conflict_rows(store)
            numbers = certificates.open_conflicts(store.conn)
            year_round = year_round_part.open_conflicts(store.conn)
            if not conflicts and not numbers and not year_round:
                print("Không có xung đột nào chờ quyết định.")
            for row in conflicts:  # each decoded as it is printed, not all held at once
                c = conflict(store, row.id)
                if c is None:
                    continue
                _print_conflict(store, c)
            if numbers:
                print(
                    "Số giấy chứng nhận (--keep-mine: giữ số của xã, --take-theirs: nhận số "
                    "trong gói):"
                )
            for n in numbers:
                mine = f"{n.local_number:04d}" if n.local_number else "chưa có số"
                held = (
                    f", số {n.incoming_number:04d} ở xã là của hộ {n.other_code}"
                    if n.other_code
                    else ""
                )
                print(
                    f"{n.id[:8]}  hộ {n.code}  số ở xã: {mine}  số trong gói: "
                    f"{n.incoming_number:04d} (máy {n.incoming_device}){held}  ({n.source})"
                )
            if year_round:
                print(
                    "Giấy đề nghị, cán bộ phụ trách (--keep-mine: giữ bản của xã, "
                    "--take-theirs: nhận bản trong gói):"
                )
            for y in year_round:
                print(f"{y.id[:8]}  {y.describe()}  ({y.source})")
    except (StoreError, PackageError) as exc:
        return _fail("conflicts", exc)
    return 0


def _print_conflict(store: Any, c: Any) -> None:
    """A household's conflict, then what differs, a line a field with both values: the
    officer deciding here saw the heads' names alone, the same on both sides, with nothing
    to tell what keeping one version would drop. A deletion on either side is said so (a
    package deleting the household showed "trong gói:" and nothing)."""
    from db.audit import local_time
    from forms.household_diff import differences, value_text

    local = c.local.head_name() if c.local else "(không có)"
    if c.kind == "code_taken" and c.local is None:
        holder = store.household_by_code(c.incoming.household.code)
        local = (
            f"(mã này là của hộ {holder.head_name() if holder else '?'}; --keep-mine: không "
            "nhận hộ trong gói, --take-theirs: nhận với mã mới)"
        )
    if c.local_deletion is not None:
        gone = c.local_deletion
        at = local_time(gone.at) if gone.at else "?"
        local = f"(đã xoá lúc {at} bởi {gone.user} trên máy {gone.device})"
    theirs = "(gói xoá hộ này)" if c.incoming.deleted else c.incoming.household.head_name()
    print(f"{c.id[:8]}  hộ {c.code}  ở xã: {local}  trong gói: {theirs}  ({c.source})")
    for d in differences(c.local, None if c.incoming.deleted else c.incoming.household):
        what = d.label if d.member is None else f"thành viên thứ {d.member}, {d.label}"
        print(
            f"    {what} — ở xã: {value_text(d.target, d.here)}; trong gói: "
            f"{value_text(d.target, d.there)}"
        )


def run_devices(args: argparse.Namespace) -> int:
    from db.errors import StoreError
    from db.exchange.devices import known_devices, own_fingerprint, stop_trusting
    from forms.roles import Action

    if args.own:
        from rasoat.identity import device_id

        try:
            print(f"Máy này: {device_id()}  dấu vân tay {own_fingerprint()}")
        except OSError as exc:
            return _fail("devices", f"không đọc được khoá ký của máy này: {failure_text(exc)}")
        if not args.db:
            return 0
    if not args.db:
        return _fail("devices", "cần tệp dữ liệu của xã (hoặc --own).")
    try:
        # The known laptops are the officer's setting (the window's Các máy đã biết…).
        with _open_store(args.db, args, Action.SETTINGS) as store:
            if args.untrust:
                if not args.yes and not _agree(
                    f"Thôi tin cậy máy có dấu vân tay {args.untrust}? Gói sau của máy đó sẽ "
                    "phải được xác nhận lại. [c/K] "
                ):
                    print("Không thay đổi gì.")
                    return 1
                gone = stop_trusting(store, args.device or "", args.untrust)
                print(f"Đã thôi tin cậy máy {gone.device} (dấu vân tay {gone.fingerprint}).")
                return 0
            devices = known_devices(store.conn)
            if not devices:
                print("Tệp của xã chưa nhận gói nào có chữ ký của máy khác.")
            for d in devices:
                print(
                    f"{d.device}  {d.name or '-'}  {d.fingerprint}  {_device_state(d)}  "
                    f"gói: {d.packages}  lần đầu {d.first_seen[:16]}  lần cuối "
                    f"{d.last_seen[:16]}  xác nhận bởi {d.trusted_by}"
                )
    except StoreError as exc:
        return _fail("devices", exc)
    return 0


def _device_state(d: Any) -> str:
    if d.trusted:
        return "tin cậy"
    if d.replaced:
        return f"khoá cũ (đã thay {d.retired_at[:10]})"
    return f"đã thôi tin cậy ({d.retired_at[:10]})"


def _agree(question: str) -> bool:
    """A yes/no question on the terminal; anything but c/có (or no terminal) is No."""
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().casefold() in ("c", "có", "co", "y", "yes")


def run_excel_import(args: argparse.Namespace) -> int:
    from openpyxl.utils import column_index_from_string

    from db.errors import StoreError
    from db.exchange.errors import PackageError
    from db.exchange.excel_lists import FIELDS, open_workbook, parse_sheet
    from db.exchange.excel_store import write_excel_lists
    from forms.model import Category

    path = Path(args.xlsx)
    if not 2000 <= args.year <= 2100:
        # --year 99999 --write stored a round three report kinds could not print.
        return _fail("excel-import", f"Năm {args.year} ngoài khoảng 2000–2100.")
    try:
        layouts, sheets = open_workbook(path)
    except PackageError as exc:
        return _fail("excel-import", str(exc))
    if not 1 <= args.sheet <= len(layouts):
        return _fail("excel-import", f"Tệp chỉ có {len(layouts)} trang tính.")
    layout, rows = layouts[args.sheet - 1], sheets[args.sheet - 1]
    for item in args.map:
        field_name, _, column = item.partition("=")
        if field_name not in FIELDS:
            return _fail("excel-import", f"Không có trường “{field_name}”.")
        if column:
            try:
                index = column_index_from_string(column.upper()) - 1
            except ValueError:
                return _fail("excel-import", f"Cột “{column}” không phải tên cột Excel (A, B, …).")
            layout.mapping[field_name] = index
        else:
            layout.mapping.pop(field_name, None)
    print(f"Trang tính “{layout.title}”, tiêu đề kết thúc ở dòng {layout.header_row}.")
    print("Cách chọn cột (đổi bằng --map truong=COT, bỏ bằng --map truong=):")
    from openpyxl.utils import get_column_letter

    for name, (label, _kind) in FIELDS.items():
        col = layout.mapping.get(name)
        where = (
            f"cột {get_column_letter(col + 1)} “{layout.headers[col]}”"
            if col is not None and col < len(layout.headers)
            else "(không chọn)"
        )
        print(f"  {name:<22} {label:<36} {where}")
    parsed = parse_sheet(
        rows,
        layout,
        default_category=Category(args.category) if args.category else None,
        code_prefix=args.code_prefix,
    )
    print(parsed.report())
    if parsed.errors:
        return 1
    if not args.write:
        print("Chưa ghi gì (chạy lại với --write để ghi vào tệp của xã).")
        return 0
    try:
        with _open_store(args.db, args) as store:
            done = write_excel_lists(
                store, parsed, year=args.year, standard_id=args.standard, source=path
            )
    except (StoreError, PackageError) as exc:
        return _fail("excel-import", exc)
    print(f"Đã ghi {done.households} hộ, {done.members} nhân khẩu vào kỳ rà soát năm {args.year}.")
    return 0


def run_summary(args: argparse.Namespace) -> int:
    from db.exchange.errors import PackageError
    from db.exchange.upper_level import read_summaries, unsigned_warnings
    from forms.model import Category

    if args.year is not None and not 2000 <= args.year <= 2100:
        return _fail("summary", f"năm rà soát {args.year} ngoài khoảng 2000–2100.")
    try:
        recovery = _recovery_key(args)
    except PackageError as exc:
        return _fail("summary", str(exc))
    password = None
    if not recovery and args.password_file:
        try:
            password = _password_from_file(args.password_file)
        except PackageError as exc:
            return _fail("summary", str(exc))
    elif not recovery and os.environ.get("RASOAT_PASSWORD"):
        password = os.environ["RASOAT_PASSWORD"]
    # One package's records at a time, counted as they are read (issue 22).
    rows, failed, _sources = read_summaries(
        [Path(p) for p in args.packages], password=password, recovery_key=recovery, year=args.year
    )
    for f in failed:
        print(f"{f.path.name}: KHÔNG MỞ ĐƯỢC — {f.message}")
    for warning in unsigned_warnings(rows):
        print(f"Lưu ý: {warning}", file=sys.stderr)
    missing = [r for r in rows if args.year is not None and args.year not in r.review_years]
    for r in missing:
        # Counted as "chưa phân loại" every household would be, as if the commune had not
        # classified any: said as what it is.
        have = ", ".join(map(str, r.review_years)) or "không có kỳ nào"
        print(
            f"{r.commune_name} ({r.source}): gói không có kỳ rà soát định kỳ năm {args.year} "
            f"(các năm có: {have}).",
            file=sys.stderr,
        )
    # Those communes are left out of the table and the workbook sent up: every household
    # "chưa phân loại" would read as a commune that classified no one.
    rows = [r for r in rows if r not in missing]
    print("Mã xã | Xã | Năm | Số hộ | Hộ nghèo | Hộ cận nghèo | Chưa phân loại")
    for r in rows:
        print(
            f"{r.commune_code} | {r.commune_name} | {r.year or ''} | {r.households} | "
            f"{r.by_category[Category.POOR]} | {r.by_category[Category.NEAR_POOR]} | "
            f"{r.not_classified}"
        )
    if args.xlsx:
        from reports.upper_level import upper_level_document
        from reports.xlsx import render_xlsx

        Path(args.xlsx).parent.mkdir(parents=True, exist_ok=True)
        render_xlsx(upper_level_document(rows), Path(args.xlsx))
        print(f"Đã ghi bảng tổng hợp vào {args.xlsx}.")
    return 1 if failed or missing else 0
