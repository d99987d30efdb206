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
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db import driver
from db.errors import BackupFailed, DamagedRecords, InUseElsewhere, StoreError
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
# Above this size a copy gets quick_check and no document check (seconds, not minutes, for
# a district-size file); the same limit as opening (db.store.FULL_CHECK_LIMIT).
DEEP_LIMIT = 256 * 2**20
PLAIN_HEADER = driver.PLAIN_HEADER
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


def copy_problems(
    conn: driver.Connection,
    size: int,
    deep: bool = True,
    rows_on: Callable[[], driver.Connection] | None = None,
) -> list[str]:
    """What is wrong with the database on ``conn`` ([] when fine), in Vietnamese: SQLite's
    check, then (when ``deep`` and the file is commune-size) every stored document.

    Rows the schema forbids (a CHECK or NOT NULL constraint) are named as the officer finds
    them (``_rows_refused``) on ``rows_on()`` when given (a connection whose temp schema takes
    writes; ``conn``'s may be query_only), else on ``conn``."""
    from db.deep_check import bad_documents, describe

    pragma = "integrity_check" if size <= DEEP_LIMIT else "quick_check"
    try:
        problems = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
        if problems != ["ok"]:
            return _in_vietnamese(problems, rows_on or (lambda: conn), rows_on is not None)
        if deep and size <= DEEP_LIMIT:
            return describe(bad_documents(conn))
    except driver.DatabaseError as exc:
        return [_unreadable(exc)]
    return []


# SQLite's integrity_check lines for a row its table's constraints refuse; any other line
# is damage to the pages or an index.
_CHECK_FAILED = re.compile(r"CHECK constraint failed in (?P<table>\S+)$")
_NULL_FOUND = re.compile(r"NULL value in (?P<table>[^.\s]+)\.")


def _in_vietnamese(
    lines: list[str], rows_on: Callable[[], driver.Connection], own: bool
) -> list[str]:
    """SQLite's check's English lines as the officer reads them (never shown as they are):
    each table holding forbidden rows with those rows named, then the damage counted."""
    tables: list[str] = []
    damaged = 0
    for line in lines:
        found = _CHECK_FAILED.search(line) or _NULL_FOUND.search(line)
        if found is None:
            damaged += 1
        elif found["table"] not in tables:
            tables.append(found["table"])
    said: list[str] = []
    if tables:
        conn = rows_on()
        try:
            said = [_rows_refused(conn, table) for table in tables]
        finally:
            if own:
                conn.close()
    if damaged:
        said.append(
            f"các trang dữ liệu hoặc chỉ mục của tệp không khớp nhau (SQLite báo {damaged} chỗ)"
        )
    return said


# Rows of a table copied into memory at once to find those its schema refuses.
ROWS_AT_ONCE = 1000


def _rows_refused(conn: driver.Connection, table: str) -> str:
    """Which rows of ``table`` its own schema refuses (a value another tool wrote, SQLite's
    check said only the table), named as ``rasoat db encrypt`` names them
    (``db.at_rest.RowsRefused``: a household by code, a member by position, the field, never
    a value): the table's rows copied into a temp table of the same definition, in memory,
    ``ROWS_AT_ONCE`` at a time (a district's audit log whole would not fit the memory a
    laptop has to spare)."""
    from db import at_rest

    fallback = f"bảng {table} có hàng mang giá trị không được phép"
    row = conn.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    create = at_rest._qualified(str(row[0]), "temp") if row is not None else None
    if create is None:
        return fallback
    quoted = at_rest._quote(table)
    try:
        conn.execute("PRAGMA temp_store = MEMORY")  # personal data never in a temp file
        conn.execute(f"DROP TABLE IF EXISTS temp.{quoted}")
        conn.execute(create)
        first = driver.IntegrityError(f"CHECK constraint failed: {table}")
        refused = at_rest._refused(conn, table, "temp", first, per=ROWS_AT_ONCE)
    except driver.Error:
        return fallback
    finally:
        with contextlib.suppress(driver.Error):
            conn.execute(f"DROP TABLE IF EXISTS temp.{quoted}")
    return refused.message


def _unreadable(exc: BaseException) -> str:
    """SQLite's error opening or reading a copy, in Vietnamese (its English text is never
    shown, and holds nothing the officer can act on)."""
    text = str(exc)
    if "not a database" in text or "encrypted" in text:
        return (
            "không đọc được: không phải tệp dữ liệu Rà soát, hoặc được mã hoá bằng khoá của "
            "một tệp xã khác"
        )
    if "malformed" in text or "corrupt" in text or "short read" in text or "disk I/O" in text:
        return "tệp bị hỏng hoặc bị cắt ngắn (chép dở, USB bị rút giữa chừng)"
    if "unable to open" in text or isinstance(exc, PermissionError):
        return (
            "không mở được tệp (không có quyền đọc, hoặc USB hay thẻ nhớ đã bị rút); hãy "
            "kiểm tra lại nơi để tệp"
        )
    if isinstance(exc, FileNotFoundError):
        return "tệp không còn ở đó (đã bị xoá hoặc USB đã bị rút)"
    if isinstance(exc, OSError):
        return "không đọc được tệp từ ổ đĩa (ổ hỏng hoặc USB bị rút?); hãy thử lại"
    return "SQLite không đọc được tệp này"


_SIDES = ("-wal", "-shm", "-journal")


def check_backup(p: Path, deep: bool = True) -> list[str]:
    """Problems of the copy at ``p`` ([] when it is a usable commune file), in Vietnamese;
    the copy and its folder keep their bytes.

    SQLite verifies a table's CHECK constraints only on a connection that may write (on a
    read-only one it does not even read them), so a row another tool wrote against the
    schema (``households.deleted = 2``) passes a read-only check. So the check runs on a
    connection that may write: on ``p`` itself (``mode=rw``, ``query_only``), when that
    writes nothing, that is a plain copy in rollback mode (as every backup Rà soát makes),
    writable, with no ``-wal``, ``-shm`` or ``-journal`` beside it; else (encrypted, whose
    journal mode the bytes do not tell; WAL mode, whose opening creates a ``-wal``; a
    journal or WAL beside it, which opening would replay into it; a read-only stick) on a
    private copy in the system's temporary folder (its WAL or journal copied with it, so it
    reads as the copy would), removed at once. When even that copy cannot be made (no room),
    the read-only check alone: its problems say so, and a copy it finds nothing wrong with
    is still not a good one (``NOT_CHECKED``)."""
    try:
        with p.open("rb") as f:
            head = f.read(100)
        size = p.stat().st_size
    except OSError as exc:
        return [_unreadable(exc)]
    key: bytes | None = None
    if not head.startswith(PLAIN_HEADER):
        # An encrypted copy (its commune file's key known) has no plain header to check.
        key = driver.known_key(p)
        if len(head) < 16 or key is None:
            return ["không phải tệp SQLite hoặc chỉ được ghi một phần"]
    sides = [s for s in _SIDES if p.with_name(p.name + s).exists()]
    if _read_in_place(p):
        done = _check_in_place(p, size, deep)
        if done is not None:
            return done
    try:
        return _check_private_copy(p, key, size, deep)
    except OSError:
        pass
    problems = _check_read_only(p, size, deep, immutable=not sides)
    if not problems:
        # Not judged whole: the forbidden rows the read-only check cannot see may be there.
        # So not a good copy (``newest_good``, ``expire`` keep the copies they have).
        return [NOT_CHECKED]
    return [
        f"{problem} (chỉ kiểm tra được phần đọc: không chép được bản này ra chỗ trống để "
        "kiểm tra đủ các điều kiện của bảng)"
        for problem in problems
    ]


NOT_CHECKED = (
    "chưa kiểm tra được đầy đủ: không còn chỗ trống trên máy để chép bản này ra kiểm tra các "
    "điều kiện của bảng; hãy giải phóng chỗ trống trên ổ đĩa rồi thử lại"
)


def _read_in_place(p: Path) -> bool:
    """Whether the copy at ``p`` reads as it is without anything written beside it: plain,
    in rollback mode, with no ``-wal``, ``-shm`` or journal. Any other copy (encrypted, in
    WAL mode, a journal or WAL beside it) is read through a private copy, as it was checked
    (``_private``)."""
    try:
        with p.open("rb") as f:
            head = f.read(100)
    except OSError:
        return True  # the reading says what is wrong
    sides = any(p.with_name(p.name + s).exists() for s in _SIDES)
    return head.startswith(PLAIN_HEADER) and head[18:20] == b"\x01\x01" and not sides


def _plain_on_disk(p: Path) -> bool:
    try:
        with p.open("rb") as f:
            return f.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except OSError:
        return False


@contextlib.contextmanager
def _private(p: Path, prefix: str) -> Iterator[Path]:
    """A copy of ``p`` with its WAL or journal in a private temporary folder (only its owner
    reads it), removed after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        copy = Path(folder) / "ban-sao.sqlite"
        shutil.copyfile(p, copy)
        for side in ("-wal", "-journal"):
            beside = p.with_name(p.name + side)
            if beside.exists():
                shutil.copyfile(beside, copy.with_name(copy.name + side))
        yield copy


def _uri(p: Path, mode: str) -> str:
    return f"{p.resolve().as_uri()}?mode={mode}"


def _check_in_place(p: Path, size: int, deep: bool) -> list[str] | None:
    """The check on ``p`` itself, on a connection that may write and is told not to; None
    when SQLite opens it read-only (a read-only file or medium), where CHECK is not read."""
    # SQLite opens with O_RDWR and, refused (a read-only file or medium), silently with
    # O_RDONLY, even for mode=rw; the same open here tells which it will get (an open
    # writes nothing, nor changes the file's times).
    try:
        os.close(os.open(p, os.O_RDWR))
        conn = driver.connect(_uri(p, "rw"), uri=True, isolation_level=None)
    except (OSError, driver.Error):
        return None
    try:
        conn.execute("PRAGMA query_only = 1")
        return copy_problems(
            conn, size, deep, rows_on=lambda: driver.connect(_uri(p, "ro"), uri=True)
        )
    finally:
        conn.close()


def _check_private_copy(p: Path, key: bytes | None, size: int, deep: bool) -> list[str]:
    """The check on a copy of ``p`` (with its WAL or journal) in a private temporary folder,
    opened as SQLite opens any file (the WAL or journal replayed there, not into ``p``)."""
    with _private(p, "rasoat-kiem-tra-") as copy:
        return _checked_on(copy, size, deep, key=key)


def _check_read_only(p: Path, size: int, deep: bool, *, immutable: bool) -> list[str]:
    """The read-only check (pages, indexes, documents; no CHECK constraint); ``immutable``
    when nothing lies beside ``p``, so that no ``-wal`` or ``-shm`` is made for it."""
    return _checked_on(_uri(p, "ro") + ("&immutable=1" if immutable else ""), size, deep, uri=True)


def _checked_on(target: str | Path, size: int, deep: bool, **how: Any) -> list[str]:
    """``copy_problems`` on a connection of its own to ``target`` (``how``: connect's)."""
    try:
        conn = driver.connect(target, **how)
    except driver.Error as exc:
        return [_unreadable(exc)]
    try:
        return copy_problems(conn, size, deep)
    finally:
        conn.close()


def looks_whole(p: Path) -> bool:
    """A cheap test (no page read) that ``p`` was written to the end: the size its header
    gives is its size. A copy cut short by a kill fails it; full checks are for restoring."""
    try:
        with p.open("rb") as f:
            head = f.read(100)
        size = p.stat().st_size
    except OSError:
        return False
    if len(head) == 100 and not head.startswith(b"SQLite format 3\x00"):
        # Encrypted (SQLCipher encrypts the header too): whole pages is all that shows.
        return size % 1024 == 0
    if len(head) < 100:
        return False
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    return pages > 0 and size == page * pages


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


def _folder_refuses(folder: Path) -> int | None:
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
        refused = _folder_refuses(folder)
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
                    stack.enter_context(_private(chosen, "rasoat-khoi-phuc-")).resolve().as_uri()
                )
            # The private copy's name is not the chosen one's, whose key it needs.
            key = None if _plain_on_disk(chosen) else driver.known_key(chosen)
            source = driver.connect(target, uri=True, key=key)
            try:
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
        shutil.copyfile(path, kept)
        side = path.with_name(path.name + "-wal")
        if side.exists():
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
