"""Signing in on the command line (issue 20 item 2): ``--user NAME`` on the commands that
change a commune file, the password asked on the terminal or read from the first line of
``--password-file`` (never taken on the command line, where other users of the machine
read it). A file without users needs neither. Refusals come from the Store itself
(``db.users``): a command without ``--user`` on a file with users is refused with the
message saying how to sign in."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

# What is asked, and the option that gives it from a file instead, are the command's own:
# ``--password-file`` is a package's password on ``report``/``import``, where the user's
# password and the commune file's passphrase have other options.
NO_TERMINAL = (
    "Không có bàn phím để hỏi {what} (lệnh chạy từ một chương trình khác): dùng {option} TEP."
)


def add_options(parser: argparse.ArgumentParser, *, password_file: str = "--password-file") -> None:
    """``password_file``: the option's name, another one where ``--password-file`` already
    means a package's password (``rasoat import``)."""
    parser.add_argument(
        "--user",
        metavar="TÊN",
        help="đăng nhập bằng người dùng này (khi tệp xã có người dùng); mật khẩu được hỏi",
    )
    parser.add_argument(
        password_file,
        dest="user_password_file",
        metavar="TEP",
        help="đọc mật khẩu người dùng từ dòng đầu của tệp thay vì hỏi",
    )
    parser.set_defaults(user_password_option=password_file)


def read_password(
    file: str | None,
    prompt: str = "Mật khẩu: ",
    *,
    what: str = "mật khẩu người dùng",
    option: str = "--password-file",
) -> str:
    """The first line of ``file``, else asked on the terminal; with no terminal, a
    ``StoreError`` naming ``what`` was to be asked and the ``option`` giving it from a file."""
    from db.errors import StoreError

    if file:
        try:
            with open(file, encoding="utf-8") as f:
                line = f.readline(4096)
        except (OSError, UnicodeDecodeError) as exc:
            from rasoat.logs import failure_text

            raise StoreError(
                f"Không đọc được tệp mật khẩu {Path(file).name}: {failure_text(exc)}"
            ) from exc
        password = line.rstrip("\r\n")
        if not password:
            raise StoreError(f"Tệp mật khẩu {Path(file).name} không có mật khẩu ở dòng đầu.")
        return password
    try:
        return typed(prompt)
    except (EOFError, OSError, getpass.GetPassWarning) as exc:
        raise StoreError(NO_TERMINAL.format(what=what, option=option)) from exc


def typed(prompt: str) -> str:
    """A secret typed on the terminal. With no terminal, getpass would warn in English
    ("Password input may be echoed") and read standard input: its warning is raised instead
    (``getpass.GetPassWarning``), for the caller to say in Vietnamese which option to use."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)
        return getpass.getpass(prompt)


def sign_in(store: Any, args: argparse.Namespace) -> None:
    """Sign ``args.user`` in when given (``SignInFailed`` on a wrong password)."""
    from db import users

    name = getattr(args, "user", None)
    if not name:
        return
    password = read_password(
        getattr(args, "user_password_file", None),
        f"Mật khẩu của {name}: ",
        option=getattr(args, "user_password_option", "--password-file"),
    )
    users.sign_in(store, name, password)


def exit_code(exc: BaseException, other: int) -> int:
    """The exit code of a command that failed with ``exc``, the same in every command
    (``rasoat --help``, docs/exchange-format.md): a role's refusal, or a file with users and
    nobody signed in, is 1 (refused, the reason said, nothing written); a wrong user name or
    password, or a wrong (or malformed) passphrase or recovery key of an encrypted commune
    file, is 2
    (unusable input, as a package's wrong password); anything else ``other``, the command's
    own code for it."""
    from db.at_rest import KeyFileNotThisFile, MalformedRecoveryKey, WrongPassphrase
    from db.errors import NotPermitted, SignInFailed

    if isinstance(exc, NotPermitted):
        return 1
    if isinstance(exc, SignInFailed | WrongPassphrase | MalformedRecoveryKey | KeyFileNotThisFile):
        return 2
    return other


def open_store(path: Path, args: argparse.Namespace, *, user: str, seen: bool = False) -> Any:
    """``Store.open`` then ``sign_in``; the Store is closed again when signing in fails.
    A command records its user as "last seen" with its first write that commits, not at
    opening (``Store.open(seen=False)``): a command refused once the file is open (a role, a
    member id matching nobody, a package changed before its second reading) or one that
    only reads leaves the file byte-identical."""
    from db.store import Store
    from rasoat.identity import device_id

    store = Store.open(path, user=user, device=device_id(), seen=seen)
    try:
        sign_in(store, args)
    except BaseException:
        store.close()
        raise
    return store
