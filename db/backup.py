"""Backups beside the commune file: ``<file>.backups/<stem>-<UTC time>-<reason>.sqlite``.

A backup is never half-written: SQLite's online backup API copies the file (its WAL
included, consistent) to a temporary ``….partial`` name, the copy is checked (SQLite's check
and, for a commune-size file, every stored document), synced to the disk, and only then
renamed to its ``.sqlite`` name. So every ``.sqlite`` in the folder is a checked, complete
copy, and only those count and rotate: a killed or failed backup never pushes out a good one.
A copy whose check fails is kept aside as ``….damaged`` (newest ``KEEP_DAMAGED``) and never
counts as a backup.

"close" backups roll (the newest ``KEEP`` stay, ``KEEP_LARGE`` of a file over ``LARGE``);
"migration", "manual" and "before-restore" backups are kept, because they hold data from
before something irreversible or were asked for.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from db import driver, private_tmp
from db.backup_check import (  # check_backup stays callable as backup.check_backup
    DEEP_LIMIT,
    _plain_on_disk,
    _read_in_place,
    check_backup,
    copy_problems,
    looks_whole,
    private_copy,
)
from db.errors import BackupFailed, DamagedRecords, InUseElsewhere, StoreError
from forms.admin_units import official_code
from forms.roles import Action, User

if TYPE_CHECKING:
    from db.deep_check import Helper

KEEP = 10
KEEP_LARGE = 3
KEEP_DAMAGED = 2
LARGE = 256 * 2**20  # bytes
SUFFIX = ".sqlite"
PARTIAL = ".partial"
DAMAGED = ".damaged"
OLD = ".old"
BEFORE_RESTORE = "before-restore"
# An encrypted copy up to this size is checked with a page cache that holds all of it: its
# pages are decrypted once for both checks (a plain copy's are read again from the
# system's cache, as cheaply). 0.2-0.35 s of CPU of a 67 MB commune file's close.
CACHED_WHOLE = 128 * 2**20
# Called with the name of each step of a backup as it begins ("close:copy", "close:fsync",
# "close:check", "close:rename", "rotation", "rotated"): the kill experiments
# (bench/soak_kill.py) record in which step each kill landed. Empty in the app.
phase_hooks: list[Callable[[str], None]] = []


def _phase(name: str) -> None:
    for hook in phase_hooks:
        hook(name)


def backup_dir(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def list_backups(path: Path, reason: str | None = None) -> list[Path]:
    """Oldest first (the names sort by time). Only finished, checked copies are listed."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file())
    if reason is not None:
        found = [p for p in found if p.stem.endswith("-" + reason)]
    return found


# Why each backup was made, as its name says (``make_backup``'s ``reason``), for the officer.
REASONS = {
    "close": "khi đóng tệp",
    "manual": "sao lưu ngay",
    "migration": "trước khi nâng cấp tệp",
    BEFORE_RESTORE: "trước khi khôi phục",
    "before-encrypt": "trước khi mã hoá",
}


def described(p: Path) -> tuple[datetime | None, str]:
    """When a backup was made (UTC, from its name; None when the name does not say) and why,
    in Vietnamese: how the restore list shows it rather than its file name."""
    parts = p.stem.split("-")
    for i, part in enumerate(parts):
        try:
            made = datetime.strptime(part, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        reason = "-".join(parts[i + 1 :])
        return made, REASONS.get(reason, reason)
    return None, ""


def list_set_aside(path: Path) -> list[Path]:
    """Copies that are not backups but are kept for the user: damaged copies and files a
    restore moved aside raw (``.old`` with its ``-wal``), oldest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (DAMAGED, OLD) and p.is_file())


def latest_backup(path: Path) -> Path | None:
    found = list_backups(path)
    return found[-1] if found else None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def fsync_path(p: Path) -> None:
    """The file ``p``'s bytes, or the folder ``p``'s entries (a name just given by a
    rename), written through to the disk (``os.fsync``)."""
    flags = _fsync_flags(os.name == "nt", p.is_dir())
    if flags is None:
        return
    fd = os.open(p, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_flags(windows: bool, folder: bool) -> int | None:
    """How to open ``p`` for its fsync; None when there is nothing to open. On Windows
    ``os.fsync`` is FlushFileBuffers, which needs a handle opened for writing (a read-only
    one fails, and every backup with it), and a folder cannot be opened at all: NTFS
    journals a folder's entries itself, so a rename needs no flush of its folder there."""
    if not windows:
        return os.O_RDONLY
    if folder:
        return None
    return os.O_RDWR | getattr(os, "O_BINARY", 0)


def _remove(p: Path) -> None:
    for side in (p, *(p.with_name(p.name + s) for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(OSError):
            side.unlink()


def newest_good(path: Path, skip: Iterable[Path] = ()) -> Path | None:
    """The newest backup that passes its check (restore's default), or None."""
    return choose(path, skip)[0]


def choose(path: Path, skip: Iterable[Path] = ()) -> tuple[Path | None, list[Path]]:
    """(the newest good backup, the damaged ones newer than it, newest first).

    Copies made just before a restore are not chosen by default: restoring "the latest"
    means going back, not undoing the restore (that takes ``--from``)."""
    skipped: list[Path] = []
    avoid = set(skip)
    for p in reversed(list_backups(path)):
        if p in avoid or p.stem.endswith("-" + BEFORE_RESTORE):
            continue
        if check_backup(p):
            skipped.append(p)
            continue
        return p, skipped
    return None, skipped


def folder_refuses(folder: Path) -> int | None:
    """Why a file cannot be created in ``folder`` (an errno), None when it can. SQLite says
    only "unable to open database file"; this tells a read-only folder (errno EACCES,
    EPERM, EROFS, also for root on an immutable folder) from a vanished one (ENOENT)."""
    probe = folder / f".rasoat-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return None
    except OSError as exc:
        return exc.errno
    os.close(fd)
    with contextlib.suppress(OSError):
        probe.unlink()
    return None


def _failure(folder: Path, exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, driver.Error) and "unable to open" in text:
        refused = folder_refuses(folder)
        if refused in (errno.EACCES, errno.EPERM, errno.EROFS):
            exc = PermissionError(refused, text)
        elif refused in (errno.ENOENT, errno.ENOTDIR):
            return (
                f"Không ghi được bản sao lưu: thư mục {folder} không còn (USB hay thẻ nhớ đã "
                "bị rút?). Dữ liệu đã lưu trước đó không bị ảnh hưởng; hãy cắm lại rồi mở tệp."
            )
    # SQLite's own texts are matched, never an OSError's, which holds a path ("…/full/…").
    said = text if isinstance(exc, driver.Error) else ""
    if "full" in said or getattr(exc, "errno", None) == errno.ENOSPC:
        return (
            f"Ổ đĩa đã đầy, không ghi được bản sao lưu vào {folder}. Dữ liệu đã lưu vẫn nằm "
            "nguyên trong tệp xã; hãy giải phóng chỗ trống để có bản sao lưu mới."
        )
    if (
        "readonly" in said
        or "read-only" in said
        or isinstance(exc, PermissionError)
        or getattr(exc, "errno", None) == errno.EROFS
    ):
        return (
            f"Không ghi được bản sao lưu vào {folder} (thư mục chỉ cho đọc). Dữ liệu đã lưu "
            "vẫn nằm nguyên trong tệp xã; hãy chép tệp xã vào máy rồi mở lại."
        )
    # SQLite's or the system's own text is English and says nothing the officer can act on.
    return (
        f"Không ghi được bản sao lưu vào {folder}. Nếu tệp nằm trên USB hay thẻ nhớ, hãy kiểm "
        "tra nó còn được cắm; dữ liệu đã lưu trước đó không bị ảnh hưởng."
    )


def _write_copy(
    source: driver.Connection, tmp: Path, step: str = "copy", *, sync: bool = True
) -> None:
    """``source`` copied to ``tmp``, synced to the disk (``sync``; else the caller syncs it)."""
    _phase(f"{step}:copy")
    # The copy of an encrypted file is encrypted under the same key (SQLCipher's backup
    # copies pages as they are; it refuses between a plain and an encrypted connection).
    private_tmp.owner_only(tmp, create=True)  # 0600 before a row is copied into it
    dest = driver.connect(tmp, key=driver.key_of(source))
    try:
        # No sync of its own at the copy's commit: the whole copy is synced below, before it
        # is checked or renamed (SQLite's syncs were a second one, 0.05-0.08 s of a 67 MB
        # copy; a copy killed before then is a ``.partial``, never a backup).
        dest.execute("PRAGMA synchronous = OFF")
        source.backup(dest)
        # A self-contained file: rollback journal, so no -wal ever sits beside a backup.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    if sync:
        _phase(f"{step}:fsync")
        fsync_path(tmp)


def make_backup(
    path: Path,
    reason: str,
    conn: driver.Connection | None = None,
    *,
    deep: bool = True,
    helper: Helper | None = None,
) -> Path:
    """A checked copy of the database at ``path`` (through ``conn`` when one is open).
    ``helper``: another process that checks a part of the copy's documents
    (``_check_copy``); the same check, and the same backup, when it fails or is gone.

    Raises ``BackupFailed`` when it cannot be written (nothing is left behind) and
    ``DamagedRecords`` when the copy holds damaged documents (it is kept as ``.damaged``,
    not as a backup, so the last good backup stays the newest good one)."""
    folder = backup_dir(path)
    target = folder / f"{path.stem}-{_stamp()}-{reason}{SUFFIX}"
    tmp = target.with_name(target.name + PARTIAL)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*" + PARTIAL):  # left by a backup that was killed
            _remove(stale)
        source = conn if conn is not None else driver.connect(path)
        try:
            _write_copy(source, tmp, reason, sync=False)
        finally:
            if conn is None:
                source.close()
        # The copy is synced to the disk while it is checked (the system writes it out
        # without this process: 0.05-0.07 s of a 67 MB copy here, more on a laptop's disk or
        # a stick), and renamed only once both are done.
        _phase(f"{reason}:fsync")
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dong-bo-ban-sao") as pool:
            synced = pool.submit(fsync_path, tmp)
            _phase(f"{reason}:check")
            problems, bad = _check_copy(tmp, deep, helper)
            synced.result()
    except (OSError, driver.Error) as exc:
        _remove(tmp)
        raise BackupFailed(_failure(folder, exc)) from exc
    except BaseException:
        _remove(tmp)
        raise
    if problems or bad:
        aside = target.with_suffix(DAMAGED)
        tmp.replace(aside)
        _prune_damaged(path)
        good = latest_backup(path)
        keep = f" Bản sao lưu tốt gần nhất vẫn được giữ: {good}." if good else ""
        if bad:
            raise DamagedRecords(path, bad, f"Bản sao lưu không được dùng ({aside}).{keep}")
        raise BackupFailed(
            f"Bản sao chép tệp {path} không qua được kiểm tra ({problems[0]}); nó được để "
            f"riêng ở {aside}, không tính là bản sao lưu.{keep}"
        )
    _phase(f"{reason}:rename")
    tmp.replace(target)
    _keep_key_file(path)
    fsync_path(folder)
    _phase(f"{reason}:done")
    return target


def _check_copy(
    tmp: Path, deep: bool, helper: Helper | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """(SQLite's problems, the damaged documents) of the copy at ``tmp``, each read on a
    read-only connection; documents only when ``deep`` and the copy is commune-size, and
    they count only when SQLite finds the pages sound.

    A plain copy's documents are decoded while SQLite's check runs in a thread: its
    statement runs outside Python's lock, so on a second core it costs no wall time (0.18 s
    of a 67 MB copy, beside 0.7 s of decoding). With a ``helper``, a part of them is decoded
    by it (``deep_check.shared``). An encrypted copy is checked on one connection, one after the
    other, with a cache holding it whole: its pages are decrypted once, for both (and a
    helper's part again by it)."""
    from db.deep_check import shared

    target = f"{tmp.resolve().as_uri()}?mode=ro"
    size = tmp.stat().st_size
    deep = deep and size <= DEEP_LIMIT

    def pages() -> list[str]:
        conn = driver.connect(target, uri=True)
        try:
            return copy_problems(conn, size, deep=False)
        finally:
            conn.close()

    if not deep:
        return pages(), []
    check = driver.connect(target, uri=True)
    try:
        key = driver.key_of(check)
        if key is not None:
            if size <= CACHED_WHOLE:
                # Every page decrypted and authenticated once, by SQLite's check, and kept
                # for the documents' reading after it (a 2 MB cache decrypted most again).
                check.execute(f"PRAGMA cache_size = -{size // 1024 + 1024}")
            # A helper is given its part as SQLite's check begins: it decrypts that part's
            # pages again on its own connection (its 60 % of a 67 MB copy: 0.34-0.36 s of
            # CPU there, against 0.26-0.31 s plain), and this process's check goes from
            # 0.61-0.65 to 0.39-0.43 s: the longest of the two still shorter by a third.
            with shared(check, tmp, key, helper) as documents:
                problems = copy_problems(check, size, deep=False)
                return problems, [] if problems else documents()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiem-tra-ban-sao") as pool:
            sqlite_check = pool.submit(pages)
            try:
                with shared(check, tmp, None, helper) as documents:
                    bad = documents()
                failed: driver.Error | None = None
            except driver.Error as exc:  # a page SQLite's check finds damaged, or not
                bad, failed = [], exc
            problems = sqlite_check.result()
    finally:
        check.close()
    if problems:
        return problems, []
    if failed is not None:
        raise failed
    return [], bad


def _keep_key_file(path: Path) -> None:
    """The backup folder of an encrypted file holds a copy of its key file (db.at_rest):
    the backups open with the passphrase even when the file and the key beside it are lost."""
    from db.at_rest import backup_key_file, key_file

    beside = key_file(path)
    if beside.is_file():
        tmp = backup_key_file(path).with_name(backup_key_file(path).name + PARTIAL)
        private_tmp.owner_only(tmp, create=True)
        shutil.copyfile(beside, tmp)
        tmp.replace(backup_key_file(path))


def _prune_damaged(path: Path) -> None:
    damaged = [p for p in list_set_aside(path) if p.suffix == DAMAGED]
    for p in damaged[: max(0, len(damaged) - KEEP_DAMAGED)]:
        p.unlink()


def keep_for(path: Path, wanted: int | None = None) -> int:
    """How many rolling backups to keep: ``wanted`` (the user's setting) or ``KEEP``, but
    never more than ``KEEP_LARGE`` of a district-size file (a copy is ~1.5 GB)."""
    keep = KEEP if wanted is None else max(1, wanted)
    try:
        big = path.stat().st_size > LARGE
    except OSError:
        big = False
    return min(keep, KEEP_LARGE) if big else keep


def prune(path: Path, reason: str = "close", keep: int | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` backups made for ``reason``; returns those removed.

    Only called right after a checked backup was renamed into place, so the newest is good;
    a copy that does not pass its check (left by an older version) never counts towards
    ``keep`` and is never what pushes a good one out."""
    _phase("rotation")
    keep = keep_for(path) if keep is None else keep
    found = list_backups(path, reason)
    kept: list[Path] = []
    for p in reversed(found):
        if len(kept) >= keep:
            break
        if looks_whole(p):
            kept.append(p)
    doomed = [p for p in found if p not in kept]
    for p in doomed:
        p.unlink()
    _phase("rotated")
    return doomed


def in_use(path: Path) -> bool:
    """Whether another connection (another program, another window, a worker) has the
    file at ``path`` open. Every connection to a WAL file holds a shared lock on it while
    open, so an exclusive lock is refused exactly then (SQLite keeps its locks per file
    within a process too, so a connection of this process counts). A file SQLite cannot
    read at all is not "in use": restoring over it is what it needs."""
    if not path.is_file():
        return False
    conn = driver.connect(str(path), isolation_level=None, timeout=0.5)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except driver.OperationalError as exc:
        return exc.sqlite_errorcode & 0xFF in (driver.SQLITE_BUSY, driver.SQLITE_LOCKED)
    except driver.DatabaseError:
        return False
    finally:
        conn.close()
    return False


def restore(
    path: Path,
    backup: Path | None = None,
    *,
    user: str = "",
    device: str = "",
    signed_in: User | None = None,
) -> tuple[Path, Path | None]:
    """Put ``backup`` (default: the newest good one) in place of ``path``.

    Nothing is touched until the chosen copy has passed its check (a damaged one is refused
    with the newest good one named). The file being replaced is kept whole, with what its
    WAL held, as a ``…-before-restore.sqlite`` backup (listed, and restorable to undo), or
    moved aside raw as ``….old`` when it is too damaged to copy. Returns (the backup used,
    where the replaced file went or None when there was none).

    Refused (``InUseElsewhere``, nothing touched) while another connection has the file
    open: the file would be replaced under it, and what it wrote next would be lost.

    The restore is then recorded in the restored file's audit log (who: ``user`` on
    ``device``), after the rows it had when the backup was made: its chain goes on from there.

    A file with users is restored only by a signed-in commune officer (``signed_in``,
    ``db.users.require_on_path``); the restore is then recorded under their name.
    """
    from db.users import require_on_path

    require_on_path(path, signed_in, Action.RESTORE)
    if signed_in is not None:
        user = signed_in.name
    if in_use(path):
        raise InUseElsewhere(path)
    if backup is None:
        chosen, _ = choose(path)
        if chosen is None:
            raise StoreError(f"Không tìm thấy bản sao lưu nào dùng được cho tệp {path}.")
    else:
        chosen = backup
        if not chosen.is_file():
            raise StoreError(f"Không tìm thấy bản sao lưu {chosen}.")
        _refuse_foreign_key(path, chosen)
        problems = check_backup(chosen)
        if problems:
            good = newest_good(path, skip=[chosen])
            offer = (
                f'Bản sao lưu tốt mới nhất: {good} (lệnh: rasoat db restore "{path}" '
                f'--from "{good}").'
                if good is not None
                else "Không còn bản sao lưu nào dùng được."
            )
            raise StoreError(
                f"Bản sao lưu {chosen} bị hỏng ({problems[0]}); không dùng nó, tệp {path} "
                f"chưa bị thay đổi. {offer}"
            )
    # The key of the file being replaced when it is encrypted and unlocked (the window has
    # it open, the command asked its passphrase).
    now_key = driver.known_key(path) if path.exists() and not _plain_on_disk(path) else None
    tmp = path.with_name(path.name + ".restoring")
    try:
        _remove(tmp)
        # The bytes the check judged: a copy with a journal or WAL beside it (or in WAL
        # mode, or encrypted) is read as it was checked, through a private copy where its
        # journal is rolled back or its WAL replayed, never into the chosen copy itself (a
        # read-only stick refused that; a WAL-mode copy was left a new -shm).
        with contextlib.ExitStack() as stack:
            if _read_in_place(chosen):
                target = f"{chosen.resolve().as_uri()}?mode=ro"
            else:
                target = (
                    stack.enter_context(private_copy(chosen, "rasoat-khoi-phuc-"))
                    .resolve()
                    .as_uri()
                )
            # The private copy's name is not the chosen one's, whose key it needs.
            key = None if _plain_on_disk(chosen) else driver.known_key(chosen)
            source = driver.connect(target, uri=True, key=key)
            try:
                other = _other_commune(path, source, chosen)
                if other is not None:
                    raise StoreError(other)
                if now_key is not None and key is None:
                    # A plain copy (the one made before the file was encrypted) restored
                    # over an encrypted file: written encrypted under the file's key, so
                    # its key files still open it; restored as it was, it silently took
                    # the file's protection away.
                    from db import at_rest

                    at_rest.write_encrypted_copy(source, tmp, now_key)
                    fsync_path(tmp)
                else:
                    _write_copy(source, tmp, "restore")
            finally:
                source.close()
    except (OSError, driver.Error) as exc:
        _remove(tmp)
        raise BackupFailed(
            _failure(path.parent, exc).replace("bản sao lưu", "tệp khôi phục")
            + f" Tệp {path} chưa bị thay đổi."
        ) from exc
    if in_use(path):  # opened while the copy was being written
        _remove(tmp)
        raise InUseElsewhere(path)
    try:
        kept = _keep_displaced(path) if path.exists() else None
    except OSError as exc:
        _remove(tmp)
        raise BackupFailed(
            _failure(backup_dir(path), exc) + f" Tệp {path} chưa bị thay đổi."
        ) from exc
    # The old -wal must go before the new file takes the name: SQLite would otherwise
    # replay its frames onto the restored file. Its content is in the kept copy.
    for extra in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + extra).unlink()
    tmp.replace(path)
    fsync_path(path.parent)
    _record_restore(path, chosen, kept, user, device)
    return chosen, kept


def _commune_on(conn: driver.Connection) -> tuple[str, str, str, str] | None:
    """(province code, province name, commune code, commune name) of the database on
    ``conn``; None when it cannot be read."""
    try:
        row = conn.execute(
            "SELECT province_code, province_name, commune_code, commune_name FROM commune"
        ).fetchone()
    except driver.Error:
        return None
    return None if row is None else (str(row[0]), str(row[1]), str(row[2]), str(row[3]))


def _commune_of_file(p: Path) -> tuple[str, str, str, str] | None:
    try:
        key = None if _plain_on_disk(p) else driver.known_key(p)
        conn = driver.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, key=key)
    except (OSError, driver.Error):
        return None
    try:
        return _commune_on(conn)
    finally:
        conn.close()


def _refuse_foreign_key(path: Path, chosen: Path) -> None:
    """An encrypted copy whose key this process does not know for it (a copy from another
    encrypted commune file's backup folder) is no backup of ``path``: said as such. It was
    said to be damaged, and its own file's newest backup offered in its place."""
    from db import at_rest

    if _plain_on_disk(chosen):
        return
    ours = driver.known_key(path) if path.exists() else None
    theirs = driver.known_key(chosen)
    if theirs is not None and (ours is None or theirs == ours):
        return
    if theirs is None and ours is not None and at_rest.opens(chosen, ours):
        driver.remember(chosen, ours)  # this file's copy, carried out of its backup folder
        return
    if theirs is not None or at_rest.is_encrypted(chosen):
        raise StoreError(
            f"Bản sao lưu {chosen} được mã hoá bằng khoá của một tệp xã khác, không phải của "
            f"tệp {path.name}: có thể là bản sao lưu của xã khác. Không dùng nó; tệp {path} "
            "chưa bị thay đổi. Hãy chọn bản sao lưu trong thư mục sao lưu của chính tệp này."
        )


def _other_commune(path: Path, source: driver.Connection, chosen: Path) -> str | None:
    """Why ``chosen`` (read on ``source``) must not replace ``path``: it is another
    commune's file (a restore checked only that the copy was whole: another commune's
    file, user-less and plain, took the place of an encrypted file with users). The commune
    is the file's own, or, the file unreadable, its newest backup's; None when neither can
    be read (nothing to compare with) or the communes agree."""
    theirs = _commune_on(source)
    ours = _commune_of_file(path) if path.exists() else None
    if ours is None:
        for candidate in reversed(list_backups(path)):
            if candidate.resolve() != chosen.resolve():
                ours = _commune_of_file(candidate)
                if ours is not None:
                    break
    if theirs is None or ours is None:
        return None
    if official_code(theirs[2]) == official_code(ours[2]):  # commune codes are national
        return None
    return (
        f"Bản {chosen.name} là tệp của {theirs[3]}, {theirs[1]} (mã xã "
        f"{official_code(theirs[2])}), không phải của {ours[3]}, {ours[1]} (mã xã "
        f"{official_code(ours[2])}): không khôi phục. Tệp {path} chưa bị thay đổi."
    )


def _record_restore(path: Path, chosen: Path, kept: Path | None, user: str, device: str) -> None:
    from db.audit import record_event
    from db.store import Store

    if not user:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "?"
    # Opening migrates a backup made by an older version, as any opening would.
    with Store.open(path, user=user, device=device, check=False) as store:
        record_event(
            store,
            "restore",
            {"backup": chosen.name, "kept": kept.name if kept is not None else None},
        )


def _keep_displaced(path: Path) -> Path:
    """A complete copy of the file a restore is about to replace (its WAL included)."""
    try:
        return make_backup(path, BEFORE_RESTORE, deep=False)
    except BackupFailed:
        pass
    # Too damaged for SQLite to copy: keep the raw bytes, the -wal beside them.
    kept = backup_dir(path) / f"{path.stem}-{_stamp()}-{BEFORE_RESTORE}{OLD}"
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        private_tmp.owner_only(kept, create=True)
        shutil.copyfile(path, kept)
        side = path.with_name(path.name + "-wal")
        if side.exists():
            private_tmp.owner_only(kept.with_name(kept.name + "-wal"), create=True)
            shutil.copyfile(side, kept.with_name(kept.name + "-wal"))
        fsync_path(kept)
    except OSError:
        _remove(kept)
        raise
    return kept


def expire(
    path: Path, max_age_days: int, now: float | None = None, check: bool = True
) -> list[Path]:
    """Removes backups (of every reason) and set-aside copies older than ``max_age_days``
    (the retention set in Thiết lập, issue 20 item 6: personal data, a purged household's
    included, does not live on in old copies); returns those removed.

    Never the newest good backup: the newest copy that passes its check stays, however old,
    so a file whose officer has not opened it for a year can still be restored. When no copy
    passes (``check``: the full check, run only when something is old enough to go), nothing
    is removed: which copy is usable cannot be told. Age is the file's modification time."""
    cutoff = (datetime.now(UTC).timestamp() if now is None else now) - max_age_days * 86400

    def old(p: Path) -> bool:
        try:
            return p.stat().st_mtime < cutoff
        except OSError:
            return False

    copies = list_backups(path)
    aside = list_set_aside(path)
    doomed = [p for p in copies + aside if old(p)]
    if not doomed:
        return []
    keep: Path | None = None
    for p in reversed(copies):
        if looks_whole(p) and (not check or not check_backup(p)):
            keep = p
            break
    if keep is None:
        return []
    removed: list[Path] = []
    for p in doomed:
        if p == keep:
            continue
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
            removed.append(p)
        if p.suffix == OLD:  # a raw copy set aside by a restore goes with its -wal
            with contextlib.suppress(FileNotFoundError):
                p.with_name(p.name + "-wal").unlink()
    return removed
