"""Signing in on the command line (issue 20 item 2): ``--user NAME`` on every command that
opens a commune file, the password asked on the terminal or read from the first line of
``--password-file`` (never taken on the command line, where other users of the machine
read it). A file without users needs neither. On a file with users every command that
opens it needs a signed-in user, reading and printing included (``open_store``): a user an
officer disabled could otherwise read everything by leaving ``--user`` out. What the user
may then read follows the role as in the window (``forms.roles``); the refusals come from
the Store itself (``db.users``), a missing ``--user`` with the message saying how to sign
in. The few commands that open no household data are named in docs/privacy.md."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forms.roles import Action

# What is asked, and the option that gives it from a file instead, are the command's own:
# ``--password-file`` is a package's password on ``report``/``import``, where the user's
# password and the commune file's passphrase have other options.
SIGN_IN_FIRST = (
    "Tệp xã này có người dùng: hãy đăng nhập bằng --user TÊN (mật khẩu được hỏi, hoặc đọc "
    "từ dòng đầu của {option} TỆP), kể cả để xem hay in."
)
NO_TERMINAL = (
    "Không có bàn phím để hỏi {what} (lệnh chạy từ một chương trình khác): dùng {option} TỆP."
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
        metavar="TỆP",
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


def require(store: Any, args: argparse.Namespace, action: Action) -> None:
    """Refuse (``NotPermitted``, exit 1) a command on a file with users when nobody signed
    in (saying how: ``--user`` and the command's own password option) or when the
    signed-in role may not do ``action``."""
    from db.errors import NotPermitted

    if store.has_users and store.signed_in is None:
        option = getattr(args, "user_password_option", "--password-file")
        raise NotPermitted(SIGN_IN_FIRST.format(option=option))
    store.require(action)


def not_a_commune_file(path: Path) -> str | None:
    """Why ``path`` cannot be the commune file before anything opens it (to follow "rasoat
    COMMAND: "; exit 2), or None when a file is there. A folder or a device is said as such
    (``db.store.not_a_file``), never "not found", and never opened to be refused with 1."""
    if path.is_file():
        return None
    if not path.exists():
        return f"không tìm thấy tệp xã {path}."
    from db.store import not_a_file

    return not_a_file(path).message


def open_store(
    path: Path,
    args: argparse.Namespace,
    *,
    user: str | None = None,
    seen: bool = False,
    action: Action | None = None,
) -> Any:
    """``Store.open`` then ``sign_in``, then ``require``: on a file with users nobody reads
    it without signing in, and the role may do ``action`` (default ``Action.READ``, which
    every role may). The Store is closed again when signing in or the check fails.
    ``user``: the audit's name in a file without users, the computer's login name by
    default (docs/privacy.md); a signed-in user replaces it.
    A command records its user as "last seen" with its first write that commits, not at
    opening (``Store.open(seen=False)``): a command refused once the file is open (a role, a
    member id matching nobody, a package changed before its second reading) or one that
    only reads leaves the file byte-identical."""
    from db.store import Store
    from forms.roles import Action
    from rasoat.identity import device_id, os_user

    store = Store.open(path, user=user or os_user(), device=device_id(), seen=seen)
    if store.upgraded is not None:  # the laptops still on the older version must know
        print(store.upgraded.message, file=sys.stderr)
    try:
        sign_in(store, args)
        require(store, args, action or Action.READ)
    except BaseException:
        store.close()
        raise
    return store
