"""The passphrase of an encrypted commune file on the command line (issue 20 item 1).

Every command that names a commune file (its ``file`` or ``db`` argument) gets
``--passphrase-file TỆP`` and ``--recovery-key-file TỆP``; when that file is encrypted, the
key is unlocked before the command runs (from the first line of the file given, else asked
on the terminal, never taken on the command line where other users of the machine read it)
and remembered for the process (``db.driver.remember``), so every opening of the file and
its backups in the command uses it. A plain file asks nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from rasoat.signin import read_password

COMMUNE_ARGS = ("file", "db")
TRIES = 3


def add_options(parser: argparse.ArgumentParser) -> None:
    """On ``parser`` and, below it, every command with a commune file argument. Where
    ``--passphrase-file`` already means a package's password (export, import), the commune
    file's options are ``--commune-passphrase-file`` and ``--commune-recovery-key-file``."""
    dests = {a.dest for a in parser._actions}
    taken = {s for a in parser._actions for s in a.option_strings}
    if dests & set(COMMUNE_ARGS) and "commune_passphrase_file" not in dests:
        own = "--passphrase-file" not in taken and "--recovery-key-file" not in taken
        option = "--passphrase-file" if own else "--commune-passphrase-file"
        parser.set_defaults(commune_passphrase_option=option)
        parser.add_argument(
            option,
            dest="commune_passphrase_file",
            metavar="TỆP",
            help="tệp xã đã mã hoá: đọc mật khẩu tệp xã từ dòng đầu của tệp này thay vì hỏi",
        )
        parser.add_argument(
            "--recovery-key-file" if own else "--commune-recovery-key-file",
            dest="commune_recovery_key_file",
            metavar="TỆP",
            help="tệp xã đã mã hoá: mở bằng mã khôi phục ở dòng đầu của tệp này",
        )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                add_options(child)


def commune_file(args: argparse.Namespace) -> Path | None:
    for name in COMMUNE_ARGS:
        value = getattr(args, name, None)
        if isinstance(value, str | Path) and str(value) not in ("", "-"):
            return Path(value)
    return None


def unlock(args: argparse.Namespace) -> None:
    """Unlock the commune file the command names when it is encrypted (``StoreError``,
    Vietnamese, when it cannot be: a wrong passphrase three times, no terminal)."""
    from db import at_rest, driver

    path = commune_file(args)
    if not getattr(args, "unlock", True) or path is None or not path.is_file():
        return
    if not at_rest.is_encrypted(path):
        return
    recovery_file = getattr(args, "commune_recovery_key_file", None)
    if recovery_file:
        recovery = read_password(recovery_file)
        driver.remember(path, at_rest.key_from_recovery(path, recovery))
        return
    given = getattr(args, "commune_passphrase_file", None)
    for attempt in range(1 if given else TRIES):
        passphrase = read_password(
            given,
            f"Mật khẩu tệp xã {path.name}: ",
            what="mật khẩu tệp xã",
            option=getattr(args, "commune_passphrase_option", "--passphrase-file"),
        )
        try:
            driver.remember(path, at_rest.key_from_passphrase(path, passphrase))
            return
        except at_rest.WrongPassphrase:
            if given or attempt == TRIES - 1:
                raise
            print("Mật khẩu không đúng, hãy nhập lại.")
