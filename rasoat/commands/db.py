"""`rasoat db check|backup|restore|encrypt|passphrase FILE`: look after a commune file from the
command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasoat import signin

if TYPE_CHECKING:
    from db.audit import Broken
    from db.errors import StoreError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db",
        help="kiểm tra, sao lưu, khôi phục tệp dữ liệu xã",
        description="Kiểm tra, sao lưu và khôi phục tệp dữ liệu xã (.sqlite).",
    )
    sub = parser.add_subparsers(dest="db_command", metavar="VIỆC", required=True)
    check = sub.add_parser(
        "check",
        help="kiểm tra tệp có hỏng không",
        description=(
            "Kiểm tra tệp xã: các trang dữ liệu của SQLite và (tệp cỡ một xã, hoặc khi có "
            "--deep) từng hồ sơ hộ, nhân khẩu, phiếu, kết quả; hộ hỏng được nêu theo mã hộ; "
            "chuỗi mã kiểm tra của nhật ký thay đổi (dòng đầu tiên bị sửa hay bị xoá được nêu). "
            "Tệp do phiên bản cũ tạo được kiểm tra như hiện có, không nâng cấp."
        ),
    )
    check.add_argument("file", metavar="TỆP_XÃ")
    check.add_argument(
        "--deep", action="store_true", help="đọc thử mọi hồ sơ, kể cả với tệp cỡ huyện"
    )
    check.set_defaults(func=check_file)
    save = sub.add_parser("backup", help="sao lưu tệp ngay bây giờ")
    save.add_argument("file", metavar="TỆP_XÃ")
    signin.add_options(save)
    save.set_defaults(func=backup_file)
    restore = sub.add_parser(
        "restore",
        help="khôi phục tệp từ bản sao lưu (mặc định: bản mới nhất)",
        description=(
            "Đặt một bản sao lưu đã kiểm tra vào chỗ tệp xã (bản hỏng bị từ chối trước khi "
            "đụng đến tệp). Tệp đang có không bị xoá: một bản đầy đủ của nó được giữ trong "
            "thư mục sao lưu (…-before-restore), hoàn tác được bằng --from."
        ),
    )
    restore.add_argument("file", metavar="TỆP_XÃ")
    restore.add_argument(
        "--from", dest="source", metavar="BẢN_SAO_LƯU", help="bản sao lưu cần dùng"
    )
    restore.add_argument("--list", action="store_true", help="chỉ liệt kê các bản sao lưu")
    signin.add_options(restore)
    restore.set_defaults(func=restore_file)
    encrypt = sub.add_parser(
        "encrypt",
        help="mã hoá tệp xã (cần mật khẩu tệp xã; in mã khôi phục một lần)",
        description=(
            "Mã hoá tệp xã: sao lưu (đã kiểm tra) trước, ghi bản mã hoá, kiểm tra nó rồi mới "
            "thay tệp; sau đó mã hoá mọi bản sao lưu chưa mã hoá của tệp (bản nào không mã "
            "hoá được thì được nêu tên và lý do). Mật khẩu tệp xã được hỏi hai lần (hoặc đọc "
            "từ --new-passphrase-file); mã khôi phục hiện một lần duy nhất: hãy in hoặc chép "
            "ra giấy, cất nơi an toàn. Chạy lại trên tệp đã mã hoá: mã hoá nốt các bản sao lưu "
            "còn chưa mã hoá (hỏi mật khẩu tệp xã)."
        ),
    )
    encrypt.add_argument("file", metavar="TỆP_XÃ")
    encrypt.add_argument("--new-passphrase-file", metavar="TỆP", help="đọc mật khẩu mới từ tệp")
    encrypt.add_argument(
        "--recovery-key-pdf",
        metavar="TỆP",
        help="ghi trang mã khôi phục ra tệp PDF này để in (như trong cửa sổ)",
    )
    signin.add_options(encrypt)
    encrypt.set_defaults(func=encrypt_file, unlock=False)
    passphrase = sub.add_parser(
        "passphrase",
        help="đổi mật khẩu tệp xã (bằng mật khẩu cũ hoặc mã khôi phục)",
        description=(
            "Đổi mật khẩu của tệp xã đã mã hoá: mật khẩu cũ (hoặc --recovery-key-file khi "
            "quên mật khẩu hay mất tệp khoá) rồi mật khẩu mới hai lần."
        ),
    )
    passphrase.add_argument("file", metavar="TỆP_XÃ")
    passphrase.add_argument("--new-passphrase-file", metavar="TỆP", help="đọc mật khẩu mới từ tệp")
    signin.add_options(passphrase)
    # It asks the old passphrase itself (rasoat.unlock would ask it a first time).
    passphrase.set_defaults(func=change_passphrase, unlock=False)


def _open(path: Path, *, seen: bool = True, upgrade: bool = True) -> Any:
    from db.store import Store
    from rasoat.identity import device_id, os_user

    return Store.open(path, user=os_user(), device=device_id(), seen=seen, upgrade=upgrade)


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


# A file on a medium that cannot be written: checked on a private copy (``db check``).
READ_ONLY_NOTE = (
    "Tệp nằm trên ổ chỉ cho đọc: đã kiểm tra một bản chép tạm trên máy (đã xoá ngay sau khi "
    "kiểm tra), tệp trên ổ giữ nguyên. Muốn làm việc với tệp, hãy chép tệp vào máy rồi mở "
    "bản chép."
)
NO_ROOM = (
    "Tệp {path} nằm trên ổ chỉ cho đọc nên phải chép tạm ra máy để kiểm tra, nhưng không chép "
    "được ({why}). Hãy giải phóng chỗ trống trên ổ đĩa của máy rồi thử lại."
)


def check_file(args: argparse.Namespace) -> int:
    from db import driver
    from db.backup_check import private_copy
    from db.errors import ReadOnlyPlace
    from db.store import is_large_file
    from forms.file_errors import os_reason

    path = Path(args.file)
    deep = args.deep or not is_large_file(path)
    try:
        return _check(path, path, deep)
    except ReadOnlyPlace:
        pass
    # A write-protected stick, a CD: SQLite cannot make the file's -shm there. The file is
    # checked, whole and with its -wal, on a copy in a private temporary folder, as a backup
    # on such a stick is (``db.backup_check``), and the copy removed at once.
    try:
        with private_copy(path, "rasoat-kiem-tra-") as copy:
            key = driver.known_key(path)
            if key is not None:
                driver.remember(copy, key)
            return _check(copy, path, deep, READ_ONLY_NOTE)
    except OSError as exc:
        return _fail(NO_ROOM.format(path=path, why=os_reason(exc)))


def _check(target: Path, path: Path, deep: bool, note: str = "") -> int:
    """The check of the file at ``target``, said of ``path`` (the file the officer named:
    ``target`` may be its private copy); ``note``: a line said before the verdict."""
    from db import audit
    from db.errors import OlderVersion, ReadOnlyPlace, StoreError
    from db.migrations import LATEST
    from db.store import HouseholdQuery

    try:
        # Only read: "last seen" not written (``Store.open(seen=False)``) and an older file
        # not migrated (``upgrade=False``), so a file kept as it is for a later look (a
        # damaged one, a broken audit chain) keeps its bytes.
        store = _open(target, seen=False, upgrade=False)
    except OlderVersion as exc:
        older = (
            f"{_said_of(exc, target, path)} Lần kiểm tra này để nguyên tệp như cũ, không nâng cấp."
        )
        return _check_as_is(target, path, deep, " ".join(filter(None, (older, note))))
    except ReadOnlyPlace:
        raise  # check_file checks a private copy
    except StoreError as exc:
        return _fail(_said_of(exc, target, path), signin.exit_code(exc, 1))
    with store:
        problems = store.integrity_problems()
        bad = store.damaged_records() if deep and not problems else []
        broken = audit.verify(store.conn) if not problems else None
        commune = store.commune()
        print(f"Tệp: {path}")
        print(f"Xã: {commune.commune_name}, {commune.province_name}")
        print(f"Cấu trúc dữ liệu số: {LATEST}")
        print(f"Số hộ: {store.count_households(HouseholdQuery()):,}".replace(",", "."))
        print("Kỳ rà soát: " + (", ".join(str(r.year) for r in store.rounds()) or "chưa có"))
    if note:
        print(note)
    return _verdict(path, problems, bad, broken, deep, "nhật ký thay đổi nguyên vẹn")


def _said_of(exc: StoreError, target: Path, path: Path) -> str:
    """What a failure on the private copy ``target`` means for the file ``path`` the officer
    named: the copy's name replaced by the file's, and damage pointed to the file's own
    backups (the copy has none)."""
    from db import backup
    from db.errors import DatabaseDamaged

    if target == path:
        return exc.message
    if isinstance(exc, DatabaseDamaged):
        return DatabaseDamaged(path, backup.newest_good(path), exc.detail).message
    return exc.message.replace(str(target), str(path)).replace(target.name, path.name)


def _verdict(
    path: Path,
    problems: list[str],
    bad: list[tuple[str, str]],
    broken: Broken | None,
    deep: bool,
    log: str,
) -> int:
    """What a check found, said to the officer; the exit code. ``log``: what the check
    says of the audit log when nothing was found."""
    from db import backup
    from db.deep_check import describe

    if problems:
        print("Tệp có lỗi:", file=sys.stderr)
        for p in problems[:20]:
            print(f"  {p}", file=sys.stderr)
        print(f'Hãy khôi phục từ bản sao lưu: rasoat db restore "{path}"', file=sys.stderr)
        return 1
    if bad:
        print(f"Có {len(bad)} hồ sơ bị hỏng, không đọc được:", file=sys.stderr)
        for line in describe(bad):
            print(f"  {line}", file=sys.stderr)
        print(
            "Các hộ khác không bị ảnh hưởng. Hãy nhập lại các hộ trên, hoặc khôi phục từ một "
            f'bản sao lưu tốt: rasoat db restore "{path}" --list',
            file=sys.stderr,
        )
        return 1
    if broken is not None:
        print(broken.message, file=sys.stderr)
        print(
            "Dữ liệu các hộ vẫn dùng được; nhật ký từ dòng này về sau không còn tin được. "
            "Hãy báo cán bộ phụ trách và giữ nguyên tệp cùng các bản sao lưu của nó để kiểm "
            f'tra lại (rasoat db restore "{path}" --list).',
            file=sys.stderr,
        )
        return 1
    checked = "từng hồ sơ đều đọc được" if deep else "chưa đọc thử từng hồ sơ (dùng --deep)"
    print(f"Kết quả kiểm tra: tệp không có lỗi ({checked}); {log}.")
    good = backup.latest_backup(path)
    if good is not None:
        print(f"Bản sao lưu mới nhất: {good}")
    return 0


def _check_as_is(target: Path, path: Path, deep: bool, note: str) -> int:
    """A file an older Rà soát made, checked as it is, never written (``db.as_is_check``);
    ``target``, ``path``: as ``_check``'s, ``note`` said before the verdict."""
    from db.as_is_check import check_as_is
    from db.errors import StoreError
    from db.store import AUDIT_CHAIN_FROM

    try:
        found = check_as_is(target, deep=deep)
    except StoreError as exc:
        return _fail(_said_of(exc, target, path), signin.exit_code(exc, 1))
    print(f"Tệp: {path}")
    print(f"Xã: {found.commune_name}, {found.province_name}")
    print(f"Cấu trúc dữ liệu số: {found.version} (phiên bản cũ)")
    print(f"Số hộ: {found.households:,}".replace(",", "."))
    print(note)
    log = (
        "nhật ký thay đổi nguyên vẹn"
        if found.chained
        else "nhật ký thay đổi của tệp cũ này chưa có mã kiểm tra (có từ cấu trúc dữ liệu số "
        f"{AUDIT_CHAIN_FROM}) nên chưa kiểm tra được"
    )
    return _verdict(path, found.problems, found.bad, found.broken, deep, log)


def backup_file(args: argparse.Namespace) -> int:
    from db import backup
    from db.errors import StoreError

    path = Path(args.file)
    try:
        # A whole copy of everyone's data: on a file with users, a signed-in user's, as
        # reading is (a backup writes nothing into the file itself: seen=False).
        with signin.open_store(path, args) as store:
            made = backup.make_backup(path, "manual", store.conn)
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))
    print(f"Đã sao lưu (đã kiểm tra) vào {made}")
    return 0


def _signed_in(path: Path, args: argparse.Namespace) -> Any:
    """The user ``--user`` names, signed in on the file being replaced (a file with users is
    restored only by a commune officer, ``db.backup.restore``); None without ``--user``."""
    if not args.user:
        return None
    # Nothing written: a restore refused to this user leaves the file byte-identical.
    with signin.open_store(path, args, user=args.user, seen=False) as store:
        return store.signed_in


def restore_file(args: argparse.Namespace) -> int:
    from db import backup
    from db.errors import StoreError
    from rasoat.identity import device_id, os_user

    path = Path(args.file)
    if args.list:
        found = backup.list_backups(path)
        aside = backup.list_set_aside(path)
        if not found and not aside:
            return _fail(f"Không có bản sao lưu nào cho tệp {path}.")
        for p in reversed(found):
            print(p)
        if aside:
            print("Bản để riêng (không phải bản sao lưu tốt; chỉ dùng khi cần cứu dữ liệu):")
            for p in reversed(aside):
                print(f"  {p}")
        return 0
    try:
        skipped: list[Path] = []
        chosen = Path(args.source) if args.source else None
        if chosen is None:
            chosen, skipped = backup.choose(path)
            if chosen is None:
                listed = "".join(f"\n  {p}" for p in skipped)
                return _fail(f"Không có bản sao lưu nào dùng được cho tệp {path}.{listed}")
        used, kept = backup.restore(
            path, chosen, user=os_user(), device=device_id(), signed_in=_signed_in(path, args)
        )
        with _open(path) as store:
            problems = store.integrity_problems()
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))
    for p in skipped:
        print(f"Bỏ qua bản sao lưu bị hỏng: {p}")
    print(f"Đã khôi phục {path} từ bản sao lưu {used}.")
    if kept is not None:
        print(f"Tệp cũ được giữ nguyên vẹn ở {kept}.")
        print(f'Muốn hoàn tác: rasoat db restore "{path}" --from "{kept}"')
    if problems:
        return _fail("Tệp sau khi khôi phục vẫn có lỗi; hãy thử một bản cũ hơn (--list, --from).")
    return 0


def _new_passphrase(args: argparse.Namespace) -> str:
    from db.errors import StoreError

    if args.new_passphrase_file:
        return signin.read_password(args.new_passphrase_file)
    first = signin.read_password(None, "Mật khẩu mới của tệp xã: ")
    if signin.read_password(None, "Nhập lại mật khẩu mới: ") != first:
        raise StoreError("Hai lần nhập mật khẩu mới không giống nhau; chưa có gì thay đổi.")
    return first


def _may_encrypt(path: Path, args: argparse.Namespace, key: bytes | None = None) -> str:
    """The window's rule here too: encrypting a commune file or changing its passphrase is a
    commune officer's (``Action.ENCRYPT_FILE``; a file without users allows it), and the demo
    commune, fake data opened without a question, stays plain. Returns who it is (the
    signed-in user's name, else the system's)."""
    from db.errors import StoreError
    from db.store import Store
    from forms.roles import Action
    from rasoat import paths
    from rasoat.identity import device_id, os_user

    if path.resolve() == paths.demo_file().resolve():
        raise StoreError("Xã mẫu (dữ liệu giả) luôn để không mã hoá.")
    # Nothing written here: a refusal leaves the file byte-identical.
    store = Store.open(path, user=os_user(), device=device_id(), check=False, key=key, seen=False)
    try:
        signin.sign_in(store, args)
        store.require(Action.ENCRYPT_FILE)
        return store.user
    finally:
        store.close()


def encrypt_file(args: argparse.Namespace) -> int:
    from db import at_rest
    from db.errors import FileMissing, StoreError, failure_reason
    from reports.review import ReportError

    path = Path(args.file)
    try:
        if at_rest.is_encrypted(path):
            if not [p for p in at_rest.plain_copies(path) if p.suffix == ".sqlite"]:
                return _fail(f"Tệp {path.name} đã được mã hoá rồi.")
            return _encrypt_left_backups(path, args)
        if not path.is_file():
            return _fail(FileMissing(path).message)
        who = _may_encrypt(path, args)
        done = at_rest.encrypt_file(path, _new_passphrase(args))
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))
    recovery = done.recovery
    try:
        sheet = _print_recovery_key(path, args, who, recovery)
    except (StoreError, ReportError, OSError) as exc:
        # The file is encrypted; only the page is missing: the key is still shown below,
        # whatever stopped the page (a folder named, a read-only stick).
        why = failure_reason(exc) or "không ghi được tệp"
        print(f"Không lưu được trang mã khôi phục ({why}).", file=sys.stderr)
        sheet = None
    print(f"Đã mã hoá tệp {path} (bản sao lưu trước khi mã hoá: {done.made}).")
    print(f"Tệp khoá: {at_rest.key_file(path)} (để cạnh tệp xã; bản sao trong thư mục sao lưu).")
    print("MÃ KHÔI PHỤC (chỉ hiện một lần, hãy in hoặc chép ra giấy, cất nơi an toàn):")
    print(f"    {recovery}")
    print("Quên mật khẩu hay mất tệp khoá: mở bằng mã này rồi đặt mật khẩu mới")
    print(f'(rasoat db passphrase "{path}" --recovery-key-file TỆP).')
    if sheet is not None:
        print(f"Trang mã khôi phục để in: {sheet} (in ra rồi xoá tệp này đi).")
    # Every plain backup converted, or each one left plain named with why: on the error
    # output then, the file itself being encrypted all the same (exit 0).
    print(done.backups.said(), file=sys.stderr if done.backups.left else sys.stdout)
    return 0


def _encrypt_left_backups(path: Path, args: argparse.Namespace) -> int:
    """``rasoat db encrypt`` again on an encrypted file whose backup folder still holds plain
    backups (a conversion stopped part-way, a backup copied back from a stick, one refused
    before and fixed since): the file unlocked with its passphrase (or recovery key), then
    those backups converted (``db.at_rest.encrypt_backups``). Exit 1 while any is left."""
    from db import at_rest, driver
    from rasoat.unlock import unlock

    unlock(argparse.Namespace(**{**vars(args), "unlock": True}))
    key = driver.known_key(path)
    if key is None:  # not expected: unlock remembers the key or refuses
        return _fail(at_rest.PassphraseNeeded(path).message)
    _may_encrypt(path, args, key)
    done = at_rest.encrypt_backups(path, key)
    print(f"Tệp {path.name} đã được mã hoá rồi; đã mã hoá nốt các bản sao lưu chưa mã hoá.")
    print(done.said(), file=sys.stderr if done.left else sys.stdout)
    return 1 if done.left else 0


def _print_recovery_key(path: Path, args: argparse.Namespace, who: str, key: str) -> Path | None:
    """The recovery key's page (``reports.recovery_key``) when ``--recovery-key-pdf`` asks
    for it, recorded as a print under ``who``, the officer who encrypted the file."""
    if not getattr(args, "recovery_key_pdf", None):
        return None
    from db.store import Store
    from rasoat.identity import device_id
    from reports.recovery_key import save_recovery_key

    # The file's key is remembered by this process since the encryption (db.driver).
    with Store.open(path, user=who, device=device_id(), check=False) as store:
        return save_recovery_key(Path(args.recovery_key_pdf), store, path.name, key)


def change_passphrase(args: argparse.Namespace) -> int:
    from db import at_rest
    from db.errors import StoreError

    path = Path(args.file)
    try:
        if not at_rest.is_encrypted(path):
            return _fail(f"Tệp {path.name} chưa được mã hoá (lệnh: rasoat db encrypt).")
        if args.commune_recovery_key_file:
            recovery = at_rest.normalise(signin.read_password(args.commune_recovery_key_file))
            key = at_rest.key_from_recovery(path, recovery)
        else:
            old = signin.read_password(
                args.commune_passphrase_file, "Mật khẩu hiện tại của tệp xã: "
            )
            found = at_rest.recovery_from_passphrase(path, old)
            if found is None:
                raise at_rest.WrongPassphrase(path)
            recovery, key = found, at_rest.file_key(found)
        _may_encrypt(path, args, key)
        at_rest.set_passphrase(path, key, recovery, _new_passphrase(args))
    except StoreError as exc:
        return _fail(exc.message, signin.exit_code(exc, 1))
    print(f"Đã đổi mật khẩu tệp xã {path.name} (tệp khoá {at_rest.key_file(path).name} mới).")
    return 0
