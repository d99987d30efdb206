"""The `rasoat` command: no arguments opens the GUI; subcommands do headless work.

Each subcommand lives in its own module under ``rasoat/commands/`` and exposes
``register(subparsers)``; this module only finds them, so adding a command never touches it.
Heavy packages (Qt above all) are imported inside the commands, never here.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from rasoat import __version__

EXIT_CODES = (
    "Mã thoát của mọi lệnh: 0 xong; 1 từ chối, có nêu lý do (dòng lỗi của bảng Excel, dữ "
    "liệu hộ không thể có, gói của máy chưa xác nhận, xoá hộ chưa đồng ý, vai trò của người "
    "dùng không được làm việc đó hoặc chưa đăng nhập); 2 đầu vào "
    "không dùng được (tệp không đọc được, gói hỏng hoặc của xã khác, sai mật khẩu, tuỳ chọn "
    "sai); 70 lỗi của phần mềm (chi tiết trong nhật ký); 130 dừng bằng Ctrl+C (việc đang làm "
    "dở không được ghi). Khi bị từ chối (1, 2), tệp của xã "
    "không bị thay đổi; riêng lệnh merge xét từng gói: gói bị từ chối không được ghi gì, "
    "các gói khác đã nhận vẫn được giữ (mỗi gói một dòng kết quả)."
)


def build_parser() -> argparse.ArgumentParser:
    from rasoat import argparse_vi

    argparse_vi.install()
    parser = argparse_vi.ArgumentParser(
        prog="rasoat",
        description="Rà soát hộ nghèo, hộ cận nghèo. Không có lệnh con: mở giao diện.",
        # The same for every command (docs/exchange-format.md); scripts rely on them.
        epilog=EXIT_CODES,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"rasoat {__version__}",
        help="xem số phiên bản rồi thoát",
    )
    parser.add_argument("--self-test", action="store_true", help="tự kiểm tra rồi thoát")
    # Hidden: opens the main window, exits at its first paint (bench/bench_startup.py).
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    from rasoat import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"rasoat.commands.{info.name}")
        module.register(sub)
    from rasoat import unlock

    unlock.add_options(parser)
    _no_abbreviations(parser)
    return parser


def _no_abbreviations(parser: argparse.ArgumentParser) -> None:
    """Options only by their whole names, in every command: argparse would otherwise take
    "--password X" for "--password-file X" and then name the password in its message, and a
    later option sharing a prefix would silently change what old scripts mean."""
    parser.allow_abbrev = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _no_abbreviations(child)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl+C outside a command (a command's own is said by rasoat.logs.run_command): at
        # an encrypted file's passphrase prompt it printed Python's traceback.
        print(
            "\nrasoat: Đã dừng theo yêu cầu (Ctrl+C). Việc đang làm dở không được ghi.",
            file=sys.stderr,
        )
        from rasoat.logs import INTERRUPTED

        return INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # `rasoat FILE` opens that commune file in the GUI (what a file association calls).
    single = args_list[0] if len(args_list) == 1 else "-"
    if not single.startswith("-") and single not in _commands(parser):
        why = _not_a_file(single, _commands(parser))
        if why is not None:
            print(why, file=sys.stderr)
            return 2
        from rasoat.launch import launch

        return launch(single)
    args = parser.parse_args(args_list)
    if args.startup_probe:
        from rasoat.selftest import run_startup_probe

        return run_startup_probe()
    if args.self_test:
        from rasoat.selftest import run_self_test

        return run_self_test()
    if getattr(args, "func", None) is not None:
        from db.errors import StoreError
        from rasoat.logs import run_command
        from rasoat.signin import exit_code
        from rasoat.unlock import unlock

        why = output_refusal(args)
        if why is not None:
            print(why, file=sys.stderr)
            return 2
        try:
            unlock(args)
        except StoreError as exc:
            print(exc.message, file=sys.stderr)
            return exit_code(exc, 1)

        return run_command(args.func, args)
    from rasoat.launch import launch

    return launch(None)


# Every option and argument that names a file a command writes, and every one that names a
# file it reads: no command writes over what it reads, or over a commune file (db.output_guard).
OUTPUTS = ("out", "receipt", "xlsx", "pdf", "recovery_key_pdf", "receipts")
INPUTS = (
    "file",
    "db",
    "package",
    "packages",
    "input",
    "source",  # db restore --from
    "standard",  # an id, or a province's file
    "b1_table",
    "password_file",
    "passphrase_file",
    "user_password_file",
    "new_password_file",
    "new_passphrase_file",
    "recovery_key_file",
    "commune_passphrase_file",
    "commune_recovery_key_file",
)


def output_refusal(args: argparse.Namespace) -> str | None:
    """Why a command's output may not be written where it was named, before anything runs
    (nothing read, nothing changed), or None."""
    from pathlib import Path

    from db.output_guard import refusal

    # The same name is a workbook read by excel-import and one written by summary.
    outputs = [n for n in OUTPUTS if n != "xlsx" or args.command == "summary"]
    inputs = [*INPUTS, *(["xlsx"] if args.command == "excel-import" else [])]
    read: list[Path] = []
    for name in inputs:
        value = getattr(args, name, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | Path) and str(item):
                read.append(Path(item))
    for name in outputs:
        value = getattr(args, name, None)
        if not isinstance(value, str | Path) or not str(value):
            continue
        folder = name == "receipts" or (
            getattr(args, "registry_command", None) == "export" and name == "out"
        )
        why = refusal(Path(value), read, folder=folder)
        if why is not None:
            return why
    return None


def _not_a_file(word: str, commands: set[str]) -> str | None:
    """Why ``rasoat WORD`` opens nothing: no such command and no file of that name (a typo
    opened the sample commune with exit 0), or None when the file is there or the window
    will say it is not."""
    import difflib
    from pathlib import Path

    path = Path(word)
    if path.exists():
        return None
    if any(sep in word for sep in "/\\") or path.suffix:
        # A path (a shortcut's, a file association's): with a screen the window says it
        # cannot open it, where a user of the Windows program, which has no console, reads
        # it; without one, here.
        from rasoat.display import has_display

        return None if has_display() else f"Không tìm thấy tệp {path.name} ở thư mục {path.parent}."
    close = difflib.get_close_matches(word, sorted(commands), n=1)
    hint = f" Có phải là lệnh '{close[0]}'?" if close else ""
    return f"rasoat: không có lệnh '{word}'.{hint} Xem các lệnh: rasoat --help."


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
