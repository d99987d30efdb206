"""Whether a copy of a commune file is usable: the check every backup gets before it counts
(``db.backup.make_backup``), a restore before it replaces anything, and ``rasoat db
restore --list``. SQLite's page check, its CHECK constraints (on a connection that may
write: a read-only one skips them), and, for a commune-size copy, every stored document
(``db.deep_check``); what it finds is said in Vietnamese, and the copy keeps its bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from db import driver

# Above this size a copy gets quick_check and no document check (seconds, not minutes, for
# a district-size file); the same limit as opening (db.store.FULL_CHECK_LIMIT).
DEEP_LIMIT = 256 * 2**20
PLAIN_HEADER = driver.PLAIN_HEADER


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
    (``private_copy``)."""
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
def private_copy(p: Path, prefix: str) -> Iterator[Path]:
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
    with private_copy(p, "rasoat-kiem-tra-") as copy:
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
