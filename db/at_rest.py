"""The commune file encrypted at rest: its key, the recovery key and the key file (issue 20).

The root secret is a random recovery key (160 bits, printed once as 8 groups of 4, the same
form as a package's: ``db.exchange.crypto.new_recovery_key``). The file's SQLCipher key is
derived from it alone (HKDF-SHA256, ``FILE_KEY_INFO``), so the printed recovery key always
opens the file and every backup of it, even when the passphrase and the key file are lost.

The passphrase only unlocks the recovery key: the key file beside the commune file
(``<file>.khoa``) holds the recovery key sealed with AES-GCM under a key derived from the
passphrase by scrypt (``db.exchange.crypto``'s parameters, N=2^15, r=8, p=1, 16-byte salt).
Changing the passphrase rewrites only the key file; the file's key never changes, so old
backups stay readable. A copy of the key file goes into the backup folder with every backup
of an encrypted file (``backup_key_file``).
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from db import driver, private_tmp
from db.backup_check import _plain_on_disk
from db.errors import FileMissing, InUseElsewhere, StoreError
from db.exchange import crypto
from db.exchange.errors import PackageError

KEY_FILE_SUFFIX = ".khoa"
KEY_FILE_FORMAT = "rasoat-khoa-tep-xa"
KEY_FILE_VERSION = 1
KEY_FILE_MAX = 64 * 1024  # bytes; a key file is a few hundred
# Names the product and the format version: a key derived for anything else differs.
FILE_KEY_INFO = b"rasoat commune file SQLCipher key v1"
_AAD = b"rasoat-khoa-tep-xa-v1"
_SALT_BYTES = 16
PLAIN_HEADER = b"SQLite format 3\x00"


class WrongPassphrase(StoreError):
    """The passphrase (or recovery key) given does not open the commune file."""

    def __init__(self, path: Path, recovery: bool = False) -> None:
        self.path = path
        what = "Mã khôi phục" if recovery else "Mật khẩu tệp xã"
        super().__init__(
            f"{what} không đúng: không mở được tệp {path.name}. Hãy nhập lại; nếu quên mật "
            "khẩu, hãy mở bằng mã khôi phục đã in khi mã hoá tệp rồi đặt mật khẩu mới."
        )


class KeyFileNotThisFile(StoreError):
    """The passphrase opens the key file, whose key does not open the commune file: the key
    file of another file copied beside it, or the file damaged. Said as a wrong passphrase,
    the officer retyped a right one again and again."""

    def __init__(self, path: Path, key_file: Path) -> None:
        self.path = path
        super().__init__(
            f"Mật khẩu đúng với tệp khoá {key_file.name}, nhưng khoá trong đó không mở được tệp "
            f"{path.name}: tệp khoá có thể là của một tệp xã khác (chép nhầm), hoặc tệp xã đã "
            "hỏng. Hãy chép đúng tệp khoá đi kèm tệp xã này, hoặc mở bằng mã khôi phục đã in "
            "khi mã hoá tệp."
        )


class MalformedRecoveryKey(StoreError):
    """What was typed as the recovery key cannot be one (unusable input, as a wrong one)."""


class PassphraseNeeded(StoreError):
    """The file is encrypted and no key was given to open it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Tệp {path.name} đã được mã hoá: cần mật khẩu tệp xã (hoặc mã khôi phục) để mở."
        )


def key_file(path: Path) -> Path:
    """Where the key file of the commune file at ``path`` is kept (beside it)."""
    return path.with_name(path.name + KEY_FILE_SUFFIX)


def backup_key_file(path: Path) -> Path:
    """The copy of the key file kept in the backup folder of ``path``."""
    from db.backup import backup_dir

    return backup_dir(path) / (path.name + KEY_FILE_SUFFIX)


def find_key_file(path: Path) -> Path | None:
    """The key file that unlocks ``path``: beside it, else (for a file that lies in a
    backup folder, a backup) the copy that folder holds; None when there is none."""
    beside = key_file(path)
    if beside.is_file():
        return beside
    folder = path.parent
    if folder.name.endswith(".backups"):
        copy = folder / (folder.name.removesuffix(".backups") + KEY_FILE_SUFFIX)
        if copy.is_file():
            return copy
    return None


def is_encrypted(path: Path) -> bool:
    """Whether the file at ``path`` is an encrypted commune file, told without a key.

    A plain SQLite file starts with ``SQLite format 3\\0``; a SQLCipher file starts with its
    random salt and is a whole number of pages. A file with neither (a text file, a file cut
    short) is not called encrypted, unless a key file says so: then the passphrase is asked
    and a wrong one said, rather than "damaged"."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(len(PLAIN_HEADER))
    except OSError:
        return False
    if size == 0 or head == PLAIN_HEADER:
        return False
    if find_key_file(path) is not None:
        return True
    # No key file (lost): whole pages and a salt that is not zeros (a header wiped by
    # damage is zeros; a salt of 16 zero bytes has odds of 2^-128).
    return size >= 1024 and size % 1024 == 0 and head.strip(b"\x00") != b""


def file_key(recovery_key: str) -> bytes:
    """The SQLCipher raw key (32 bytes) of every file encrypted under ``recovery_key``.

    HKDF is enough: the recovery key is 160 random bits, not a password to stretch."""
    raw = base64.b32decode(normalise(recovery_key).replace("-", ""))
    hkdf = HKDF(algorithm=hashes.SHA256(), length=crypto.KEY_BYTES, salt=None, info=FILE_KEY_INFO)
    return hkdf.derive(raw)


def normalise(recovery_key: str) -> str:
    """The recovery key as printed (8 groups of 4), from what was typed; ``StoreError`` with
    the expected form when it cannot be one."""
    try:
        return crypto.normalise_recovery_key(recovery_key)
    except PackageError as exc:
        raise MalformedRecoveryKey(str(exc).replace("Khoá khôi phục", "Mã khôi phục")) from exc


def new_recovery_key() -> str:
    return crypto.new_recovery_key()


def write_key_file(target: Path, recovery_key: str, passphrase: str) -> None:
    """Seal ``recovery_key`` under ``passphrase`` into ``target``, atomically (a crash never
    leaves half a key file: the old one stays until the new one is whole on disk)."""
    params = crypto.KdfParams(salt=secrets.token_bytes(_SALT_BYTES))
    kek = crypto.password_kek(passphrase, params)
    nonce, sealed = crypto.seal(kek, normalise(recovery_key).encode("ascii"), _AAD)
    doc = {
        "format": KEY_FILE_FORMAT,
        "version": KEY_FILE_VERSION,
        "kdf": {
            "name": "scrypt",
            "n": params.n,
            "r": params.r,
            "p": params.p,
            "salt": base64.b64encode(params.salt).decode("ascii"),
        },
        "cipher": "AES-256-GCM",
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "sealed": base64.b64encode(sealed).decode("ascii"),
    }
    tmp = target.with_name(target.name + ".tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        private_tmp.owner_only(tmp, create=True)
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _read_key_file(kf: Path) -> tuple[crypto.KdfParams, bytes, bytes]:
    try:
        with kf.open("rb") as fh:
            raw = fh.read(KEY_FILE_MAX + 1)
        if len(raw) > KEY_FILE_MAX:
            raise ValueError("too big for a key file")
        doc = json.loads(raw.decode("utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("not an object")
        if doc.get("format") != KEY_FILE_FORMAT or doc.get("version") != KEY_FILE_VERSION:
            raise ValueError("format")
        kdf = doc["kdf"]
        if kdf.get("name") != "scrypt":
            raise ValueError("kdf")
        params = crypto.KdfParams(
            salt=base64.b64decode(kdf["salt"]), n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])
        )
        params.check()
        return params, base64.b64decode(doc["nonce"]), base64.b64decode(doc["sealed"])
    # OverflowError: "n": 1e400; RecursionError: nested deeper than json goes. Both went
    # past every handler as a traceback.
    except (
        OSError, ValueError, KeyError, TypeError, AttributeError, OverflowError,
        RecursionError, PackageError,
    ) as exc:  # fmt: skip
        raise StoreError(
            f"Tệp khoá {kf.name} bị hỏng hoặc không đọc được. Hãy mở tệp xã bằng mã khôi "
            "phục rồi đặt lại mật khẩu (một tệp khoá mới sẽ được ghi)."
        ) from exc


def recovery_from_passphrase(path: Path, passphrase: str) -> str | None:
    """The recovery key the key file of ``path`` seals under ``passphrase``, None when the
    passphrase is wrong. ``StoreError`` when there is no usable key file."""
    kf = find_key_file(path)
    if kf is None:
        raise StoreError(
            f"Không tìm thấy tệp khoá {key_file(path).name} bên cạnh tệp {path.name}. Hãy mở "
            "tệp bằng mã khôi phục đã in khi mã hoá, rồi đặt lại mật khẩu."
        )
    params, nonce, sealed = _read_key_file(kf)
    opened = crypto.open_sealed(crypto.password_kek(passphrase, params), nonce, sealed, _AAD)
    return None if opened is None else opened.decode("ascii")


def check_passphrase(path: str | Path, passphrase: str) -> bool:
    """Whether ``passphrase`` unlocks the commune file at ``path`` (the idle lock's check):
    only the key file is read (one scrypt, ~0.1 s), the database is not touched. False
    also when there is no usable key file."""
    try:
        return recovery_from_passphrase(Path(path), passphrase) is not None
    except StoreError:
        return False


def key_from_passphrase(path: Path, passphrase: str) -> bytes:
    """The file key of ``path`` unlocked by ``passphrase``; ``WrongPassphrase`` if wrong,
    ``KeyFileNotThisFile`` when the passphrase opens the key file but its key does not open
    the file beside it."""
    recovery = recovery_from_passphrase(path, passphrase)
    if recovery is None:
        raise WrongPassphrase(path)
    key = file_key(recovery)
    if path.is_file() and _refuses(path, key):
        raise KeyFileNotThisFile(path, find_key_file(path) or key_file(path))
    return key


def _refuses(path: Path, key: bytes) -> bool:
    """Whether ``key`` is told not to be the key of the file at ``path`` (SQLite's "not a
    database" on its first page): a file that cannot be opened at all here (a read-only
    stick's WAL-mode file) is not taken for that."""
    return _tried(path, key) is False


def key_from_recovery(path: Path, recovery_key: str) -> bytes:
    """The file key of ``path`` from its printed recovery key, checked against the file
    (``WrongPassphrase`` when it does not open it)."""
    key = file_key(recovery_key)
    if not opens(path, key):
        raise WrongPassphrase(path, recovery=True)
    return key


def open_key(
    path: Path, *, passphrase: str | None = None, recovery_key: str | None = None
) -> bytes:
    """The file key from the passphrase (key file) or, failing that, the recovery key."""
    if recovery_key:
        return key_from_recovery(path, recovery_key)
    if passphrase is None:
        raise PassphraseNeeded(path)
    return key_from_passphrase(path, passphrase)


def opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` opens the encrypted file at ``path`` (its schema read under it)."""
    return _tried(path, key) is True


def _tried(path: Path, key: bytes) -> bool | None:
    """``key`` on the file at ``path``: True when its schema reads, False when SQLite says
    it is "not a database" under it (another key), None when it cannot tell (the file not
    openable here, another fault). On a place that cannot be written (a write-protected
    stick), where SQLite cannot open a file in WAL mode, the file is read as immutable:
    nothing there changes under the reading, and the key is told from the main file's
    pages (a printed recovery key was said to be wrong there)."""
    told = _tried_on(f"{path.resolve().as_uri()}?mode=ro", key)
    if told is None and os.path.isfile(path):
        from db.store import read_only_place

        if read_only_place(path, probe=False) is not None:
            return _tried_on(f"{path.resolve().as_uri()}?mode=ro&immutable=1", key)
    return told


def _tried_on(uri: str, key: bytes) -> bool | None:
    try:
        conn = driver.connect(uri, uri=True, key=key)
    except driver.Error:
        return None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except driver.DatabaseError as exc:
        return False if "not a database" in str(exc) else None
    finally:
        conn.close()


def set_passphrase(path: Path, key: bytes, recovery_key: str, passphrase: str) -> None:
    """A new key file for ``path`` sealing ``recovery_key`` under ``passphrase`` (after a
    forgotten passphrase or a lost key file); ``key`` is the file key it was opened with,
    checked to be the recovery key's. The copy in the backup folder is renewed too."""
    problem = crypto.passphrase_problem(passphrase)
    if problem is not None:
        raise StoreError(problem)
    if not hmac.compare_digest(file_key(recovery_key), key):
        raise WrongPassphrase(path, recovery=True)
    write_key_file(key_file(path), recovery_key, passphrase)
    if backup_key_file(path).parent.is_dir():
        write_key_file(backup_key_file(path), recovery_key, passphrase)


def change_passphrase(
    path: Path,
    new_passphrase: str,
    *,
    old_passphrase: str | None = None,
    recovery_key: str | None = None,
) -> None:
    """Change the passphrase of ``path``, proven by the old passphrase or the recovery key.
    Only the key file changes: the file and its backups keep their key."""
    if recovery_key:
        key = key_from_recovery(path, recovery_key)
        recovery = normalise(recovery_key)
    else:
        found = recovery_from_passphrase(path, old_passphrase or "")
        if found is None:
            raise WrongPassphrase(path)
        recovery, key = found, file_key(found)
    set_passphrase(path, key, recovery, new_passphrase)


class InUseWhileEncrypting(InUseElsewhere):
    """Encryption was asked while another connection has the plain file open."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.message = (
            f"Tệp {path} đang được mở ở một chương trình khác (một cửa sổ Rà soát khác hoặc "
            "một lệnh rasoat đang chạy). Hãy đóng tệp ở chương trình đó rồi mã hoá lại; tệp "
            "chưa bị thay đổi."
        )
        self.args = (self.message,)


def _hold(path: Path) -> driver.Connection:
    """A connection holding ``path`` exclusively until it is closed: every other
    connection, of this process or another, is refused ("database is locked") even to read.

    Exclusive locking mode is set before the file is first read: a WAL file (a commune file
    is one) is then read without the ``-shm``, its WAL index in this connection's memory,
    under an EXCLUSIVE lock on the file itself held until the connection closes; a
    rollback-journal file keeps the EXCLUSIVE lock its ``BEGIN EXCLUSIVE`` takes. Either is
    refused while any other connection has the file open (each holds a shared lock), which
    is the "in use elsewhere" check itself, with no moment between the check and the hold.
    Nothing is written to the file, its journal mode included: an encryption refused after
    this (a row the copy refuses, a copy failing its check) leaves it byte-identical.
    ``_release_for_replace`` ends the WAL just before the encrypted file takes the name."""
    src = driver.connect(str(path), isolation_level=None, timeout=0.5)
    try:
        src.execute("PRAGMA locking_mode = EXCLUSIVE")
        src.execute("BEGIN EXCLUSIVE")
        src.execute("COMMIT")
    except driver.OperationalError as exc:
        src.close()
        if exc.sqlite_errorcode & 0xFF in (driver.SQLITE_BUSY, driver.SQLITE_LOCKED):
            raise InUseWhileEncrypting(path) from exc
        raise
    except BaseException:
        src.close()
        raise
    return src


def _release_for_replace(src: driver.Connection) -> None:
    """Move the hold on the plain file, about to be replaced, to a rollback journal, still
    exclusive: its WAL is folded in and its ``-wal`` removed now, by this connection, while
    that name is the plain file's. A WAL connection closed after the replace would remove
    the ``-wal`` by its name, the encrypted file's by then."""
    src.execute("PRAGMA journal_mode = DELETE")
    src.execute("BEGIN EXCLUSIVE")
    src.execute("COMMIT")


# The attached copy's page cache while it is written (KiB, negative as PRAGMA cache_size takes
# it): the indexes are filled in their rows' order, touching their leaves at random, and a
# 10,000-household file's indexes are about 25 MB; a smaller cache writes leaves out before
# the copy commits and reads (decrypts) them back. Freed when the copy is detached.
_EXPORT_CACHE_KIB = 64 * 1024
_SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"


def export(src: driver.Connection, target: str) -> None:
    """Copy the schema and every row of ``src``'s main database into its attached, empty
    database ``target`` (the encrypted copy): what SQLCipher's ``sqlcipher_export`` copies,
    in its order (the tables, their indexes, the rows, ``sqlite_sequence``; then triggers,
    views and virtual tables as their schema rows, so that no trigger fires while rows are
    copied and the search index's shadow tables are copied as the tables they are), except
    how the rows go in.

    ``sqlcipher_export`` copies each table with ``INSERT INTO t SELECT * FROM main.t``, which
    SQLite turns into its transfer (as VACUUM does): each table and index copied in key
    order, every index leaf packed full. A save then split each index leaf it added an entry
    to, so a file just encrypted wrote 17 pages a save where the plain file wrote 10.5, until
    its leaves had split (issue 20, docs/benchmarks.md). Here each table's rows are inserted
    one by one in rowid (or key) order, with their rowids (the search index names households
    by rowid; a household's revisions are ordered by it): each index is filled in the order
    its entries were first written, so its leaves keep the room they had in the plain file
    (87-91 % full at 10,000 households, against 99 %). A ``WHERE`` clause is what keeps SQLite
    from its transfer. A file holding what this copy does not know (``sqlite_stat1``, which
    an ``ANALYZE`` would have made) goes through ``sqlcipher_export`` as before.

    Inserted one by one, rows meet their table's constraints, which the transfer never
    checked: a row the schema forbids (``households.deleted = 2``, a required field empty, a
    code given twice) stops the copy with ``RowsRefused`` naming the table and the rows
    (households by code), rather than carrying into the encrypted file what its first
    ``rasoat db check`` would call damage."""
    schema = src.execute(
        "SELECT type, name, rootpage, sql FROM main.sqlite_schema ORDER BY rowid"
    ).fetchall()
    tables = [(n, sql) for t, n, root, sql in schema if t == "table" and root and sql]
    qualified = [_qualified(sql, target) for n, sql in tables if n != "sqlite_sequence"]
    qualified += [_qualified(sql, target) for t, _n, _r, sql in schema if t == "index" and sql]
    creates = [sql for sql in qualified if sql is not None]
    if len(creates) < len(qualified) or any(
        n != "sqlite_sequence" and n.startswith("sqlite_") for n, _sql in tables
    ):
        src.execute("SELECT sqlcipher_export(?)", (target,))
        return
    src.execute(f"PRAGMA {target}.cache_size = -{_EXPORT_CACHE_KIB}")
    src.execute("BEGIN")
    try:
        for sql in creates:
            src.execute(sql)
        for name, _sql in tables:
            if name != "sqlite_sequence":
                try:
                    src.execute(_copy_rows(src, name, target))
                except driver.IntegrityError as exc:
                    raise _refused(src, name, target, exc) from exc
        if any(name == "sqlite_sequence" for name, _sql in tables):
            # Last: what the rows' inserts left in it is their largest rowids, not the
            # numbers AUTOINCREMENT has already given.
            src.execute(f"DELETE FROM {target}.sqlite_sequence")
            src.execute(_copy_rows(src, "sqlite_sequence", target))
        # The storage-less objects as schema rows, as sqlcipher_export writes them: the copy's
        # schema is read afresh when it is next opened.
        src.execute("PRAGMA writable_schema = ON")
        try:
            src.execute(
                f"INSERT INTO {target}.sqlite_schema SELECT type, name, tbl_name, rootpage, sql"
                " FROM main.sqlite_schema WHERE type IN ('view', 'trigger')"
                " OR (type = 'table' AND rootpage = 0) ORDER BY rowid"
            )
        finally:
            src.execute("PRAGMA writable_schema = OFF")
        src.execute("COMMIT")
    except BaseException:
        if src.in_transaction:
            src.execute("ROLLBACK")
        raise


def _qualified(sql: str, target: str) -> str | None:
    """``sql`` (``CREATE TABLE x …``, ``CREATE [UNIQUE] INDEX x …`` as sqlite_schema holds
    it) creating its object in ``target``: SQLite stores the text back from the object's
    name on, so the copy's schema text is the original's (checked after the copy). None for
    any other text."""
    found = re.match(r"CREATE (?:TABLE|INDEX|UNIQUE INDEX) ", sql)
    return None if found is None else f"{found.group(0)}{target}.{sql[found.end() :]}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copied_columns(src: driver.Connection, table: str) -> tuple[list[str], bool]:
    """(``table``'s columns a copy lists, quoted: rowid first unless it is WITHOUT ROWID;
    whether it is WITHOUT ROWID)."""
    columns = [
        _quote(r[1])
        for r in src.execute(f"PRAGMA main.table_xinfo({_quote(table)})")
        if r[6] in (0, 1)  # not a generated column (2, 3): SQLite computes those again
    ]
    without_rowid = bool(
        src.execute(
            "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", (table,)
        ).fetchone()[0]
    )
    return ([] if without_rowid else ["rowid"]) + columns, without_rowid


def _copy_rows(
    src: driver.Connection, table: str, target: str, *, conflict: str = "", where: str = "1"
) -> str:
    """The INSERT copying ``table``'s rows one by one (not SQLite's transfer), rowids kept;
    ``conflict`` (``OR IGNORE``) and ``where`` for the search of rows it refuses."""
    listed, without_rowid = _copied_columns(src, table)
    columns = ", ".join(listed)
    # In rowid order, the order the rows were written (a scan of an index covering every
    # column would give its own); a WITHOUT ROWID table is read in its key's order.
    order = "" if without_rowid else " ORDER BY rowid"
    quoted = _quote(table)
    insert = f"INSERT {conflict}" if conflict else "INSERT"
    return (
        f"{insert} INTO {target}.{quoted} ({columns}) SELECT {columns}"
        f" FROM main.{quoted} WHERE {where}{order}"
    )


class RowsRefused(StoreError):
    """Rows of the plain file its encrypted copy refused: values the table's own schema
    forbids (a CHECK, NOT NULL or UNIQUE constraint), which SQLite's full check of the file
    reports too. ``rows``: the first few, named as the officer finds them (a household by its
    code, a member by position, and the field), never by a value (docs/privacy.md)."""

    def __init__(self, table: str, rows: list[str], count: int) -> None:
        self.table = table
        self.rows = rows
        self.count = count
        more = f" và {count - len(rows)} hàng khác" if count > len(rows) else ""
        super().__init__(
            f"bảng {table} có {count} hàng mang giá trị không được phép: {'; '.join(rows)}{more}"
        )


_ROWS_NAMED = 5


def _refused(
    src: driver.Connection,
    table: str,
    target: str,
    first: driver.IntegrityError,
    *,
    per: int | None = None,
) -> RowsRefused:
    """Which rows of ``table`` its copy refuses, and why, once its INSERT failed with
    ``first`` (that statement undone, the copy's transaction still open, rolled back by the
    caller): the rows the copy takes are inserted, the others skipped; those left over are
    the refused ones, each tried alone for its own reason.

    ``per``: that many rows at a time, in the table's order, the copy's table emptied after
    each (a backup's check copies into memory: memory bounded whatever the table's size; a
    CHECK or NOT NULL refusal is a row's own). None: the whole table at once (the
    encryption's copy on disk: a UNIQUE clash between rows far apart is found too)."""
    quoted = _quote(table)
    # A row's key: its rowid, or (WITHOUT ROWID) its primary key's columns, as a row value.
    listed = "rowid"
    if _copied_columns(src, table)[1]:
        info = src.execute(f"PRAGMA main.table_info({quoted})").fetchall()
        listed = ", ".join(_quote(r[1]) for r in sorted(info, key=lambda r: r[5]) if r[5])
    rows: list[str] = []
    count = 0
    for where, params in _slices(src, table, listed, per):
        src.execute(_copy_rows(src, table, target, conflict="OR IGNORE", where=where), params)
        # In the table's order: without ORDER BY, SQLite's choice of index decides which
        # rows are named first (m0018's dropped index changed it for households).
        left = src.execute(
            f"SELECT {listed} FROM main.{quoted} WHERE ({where}) AND ({listed}) NOT IN"
            f" (SELECT {listed} FROM {target}.{quoted}) ORDER BY {listed}",
            params,
        ).fetchall()
        count += len(left)
        for values in left[: _ROWS_NAMED - len(rows)]:
            match = f"({listed}) = ({', '.join('?' * len(values))})"
            reason = str(first)
            try:
                src.execute(_copy_rows(src, table, target, where=match), values)
            except driver.IntegrityError as exc:
                reason = str(exc)
            what = _what_refused(src, table, reason)
            rows.append(f"{_row_name(src, table, match, values)}: {what}")
        if per is not None:
            src.execute(f"DELETE FROM {target}.{quoted}")
    if not rows:  # not expected: the statement refused a row the search then took
        rows.append(f"một hàng: {_what_refused(src, table, str(first))}")
    return RowsRefused(table, rows, max(count, 1))


def _slices(
    src: driver.Connection, table: str, listed: str, per: int | None
) -> Iterator[tuple[str, tuple[object, ...]]]:
    """(a WHERE clause, its parameters) for each run of ``per`` rows of ``table`` in the
    order of its key ``listed`` (one clause for the whole table when ``per`` is None)."""
    if per is None:
        yield "1", ()
        return
    quoted = _quote(table)
    width = listed.count(",") + 1
    after = "1"
    last: tuple[object, ...] = ()
    while True:
        bound = src.execute(
            f"SELECT {listed} FROM main.{quoted} WHERE {after} ORDER BY {listed}"
            f" LIMIT 1 OFFSET {per - 1}",
            last,
        ).fetchone()
        if bound is None:
            yield after, last
            return
        up_to = f"({listed}) <= ({', '.join('?' * width)})"
        yield f"{after} AND {up_to}", (*last, *bound)
        after, last = f"({listed}) > ({', '.join('?' * width)})", tuple(bound)


def _row_name(src: driver.Connection, table: str, match: str, values: tuple[object, ...]) -> str:
    """A refused row as the officer finds it: its household's code (a member's position
    too), else its number in its table."""
    columns = {r[1] for r in src.execute(f"PRAGMA main.table_info({_quote(table)})")}
    quoted = _quote(table)
    household = "id" if table == "households" else "household_id"
    member = ", position" if table == "members" else ""
    if household in columns:
        found = src.execute(
            f"SELECT (SELECT code FROM main.households h WHERE h.id = r.{household}){member}"
            f" FROM main.{quoted} r WHERE {match}",
            values,
        ).fetchone()
        if found is not None and found[0] is not None:
            name = f"hộ {found[0]}"
            if member and isinstance(found[1], int):
                name += f", thành viên thứ {found[1] + 1}"
            return name
    if match.startswith("(rowid)"):
        return f"hàng số {values[0]}"
    return "một hàng"


def _what_refused(src: driver.Connection, table: str, reason: str) -> str:
    """The field a constraint refused and how, from SQLite's text (``CHECK constraint
    failed: deleted IN (0, 1)``, ``NOT NULL constraint failed: households.code``, ``UNIQUE
    constraint failed: households.code``); the text itself is English and never shown."""
    kind, _sep, detail = reason.partition(" constraint failed: ")
    columns = [r[1] for r in src.execute(f"PRAGMA main.table_info({_quote(table)})")]
    if kind == "CHECK":
        named = [c for c in columns if re.search(rf"(?<!\w){re.escape(c)}(?!\w)", detail)]
        if not named:  # a named constraint: SQLite gives its name, not its text
            return "giá trị không thoả một điều kiện của bảng"
        return f"cột {', '.join(named)} mang giá trị ngoài các giá trị cho phép"
    fields = ", ".join(part.rpartition(".")[2] for part in detail.split(", ") if part)
    if kind == "NOT NULL":
        return f"cột {fields} để trống"
    if kind in ("UNIQUE", "PRIMARY KEY"):
        return f"cột {fields} trùng với một hàng khác"
    return "giá trị không hợp lệ"


class Encrypted(NamedTuple):
    """What ``encrypt_file`` did: the recovery key (to show once), the checked backup made
    first (``…-before-encrypt.sqlite``, encrypted by now unless ``backups`` says otherwise)
    and what became of the file's backups."""

    recovery: str
    made: Path
    backups: BackupsEncrypted


def encrypt_file(path: Path, passphrase: str) -> Encrypted:
    """Convert the plain commune file at ``path`` to an encrypted one.

    A checked backup first; then ``export`` writes an encrypted copy beside the file, which
    is checked (integrity_check, every table's row count and the schema against the plain
    file) before it replaces the file atomically. The key file is written before
    the replace, so the encrypted file never exists without it. Refused while the file is
    open elsewhere (nothing is touched); from that check to the replace the file is held
    exclusively (``_hold``), so a program starting meanwhile is refused rather than writing
    into a file about to be replaced.

    Then every plain backup of the file, the one just made included, is converted to an
    encrypted one under the same key (``encrypt_backups``): "the file and every backup of it
    encrypted" is what the officer was told. The before-encrypt copy goes last, and only once
    the encrypted file has opened under the key its key file gives for ``passphrase``: the
    one thing a plain copy could still undo is a file the passphrase does not open."""
    problem = crypto.passphrase_problem(passphrase)
    if problem is not None:
        raise StoreError(problem)
    if is_encrypted(path):
        raise StoreError(f"Tệp {path.name} đã được mã hoá rồi.")
    if not path.is_file():
        raise FileMissing(path)
    src = _hold(path)
    try:
        return _encrypt_held(path, src, passphrase)
    finally:
        src.close()  # a second close (Windows, before the replace) does nothing


def _encrypt_held(path: Path, src: driver.Connection, passphrase: str) -> Encrypted:
    from db import backup

    # The backup through the holding connection: any other would be refused.
    made = backup.make_backup(path, "before-encrypt", src)
    recovery = new_recovery_key()
    key = file_key(recovery)
    tmp = path.with_name(path.name + ".encrypting")
    try:
        write_encrypted_copy(src, tmp, key)
    except RowsRefused as exc:
        raise StoreError(
            f"Không mã hoá được tệp {path.name}: {exc.message}. Tệp chưa bị thay đổi "
            f"(bản sao lưu: {made.name}). Hãy kiểm tra tệp bằng lệnh rasoat db check "
            f'"{path}"; sửa các hàng đó (hoặc khôi phục một bản sao lưu không có chúng) '
            "rồi mã hoá lại."
        ) from exc
    except CopyNotVerified as exc:
        raise StoreError(
            f"Bản mã hoá của tệp {path.name} không qua được kiểm tra; tệp chưa bị thay đổi "
            f"(bản sao lưu: {made.name})."
        ) from exc
    write_key_file(key_file(path), recovery, passphrase)
    write_key_file(backup_key_file(path), recovery, passphrase)
    backup.fsync_path(tmp)
    _release_for_replace(src)
    backup._phase("encrypt:replace")
    if os.name == "nt":
        # Windows refuses to replace or delete a file that is open (SQLite opens it without
        # delete sharing), so the hold ends here, just before the replace; POSIX replaces the
        # name under an open file, and the hold lasts until the encrypted file has it.
        src.close()
    # The held connection's (emptied) journal and any -wal, -shm must not sit beside the
    # encrypted file: SQLite would read them as its own.
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(tmp, path)
    driver.remember(path, key)
    # The encrypted file held as the plain one was, until its backups are converted too: the
    # encryption is one step from outside (a program opening the file meanwhile is refused
    # as before, and finds it and its backups encrypted once it may open it).
    try:
        held: driver.Connection | None = _hold(path)
    except (InUseElsewhere, driver.Error):
        held = None  # opened already by another program: the backups need no hold
    try:
        reopened = _reopens(path, passphrase, key, held)
        backups = encrypt_backups(path, key, keep_plain=() if reopened else (made,), read_on=held)
    finally:
        if held is not None:
            held.close()
    return Encrypted(recovery, made, backups)


def _reopens(path: Path, passphrase: str, key: bytes, held: driver.Connection | None) -> bool:
    """Whether the encrypted file at ``path`` opens under the key its key file gives for
    ``passphrase`` (read through ``held``, the connection holding it, when there is one)."""
    try:
        if key_from_passphrase(path, passphrase) != key:
            return False
        if held is None:
            return opens(path, key)
        held.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (StoreError, driver.Error):
        return False
    return True


class CopyNotVerified(StoreError):
    """The encrypted copy ``write_encrypted_copy`` wrote does not match its source."""


def write_encrypted_copy(
    src: driver.Connection, tmp: Path, key: bytes, *, journal: str = "wal", step: str = "encrypt"
) -> None:
    """Every row of the plain database on ``src`` written to ``tmp`` encrypted under ``key``
    (``export``), in ``journal`` mode (WAL, a commune file's; ``delete``, a backup's) with the
    source's header numbers, then checked: SQLite's check, every table's row count and the
    schema against the source, and no plain header on disk. Raises ``RowsRefused`` (a row
    the schema forbids) or ``CopyNotVerified``, ``tmp`` and its side files removed."""
    from db import backup

    sides = (tmp, *(tmp.with_name(tmp.name + s) for s in ("-wal", "-shm", "-journal")))
    for side in sides:
        side.unlink(missing_ok=True)
    try:
        backup._phase(f"{step}:export")  # the hooks the kill and lock tests use
        version = int(src.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(src.execute("PRAGMA application_id").fetchone()[0])
        tables = [
            r[0]
            for r in src.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {t: src.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        schema = src.execute(_SCHEMA).fetchall()
        private_tmp.owner_only(tmp, create=True)  # the commune file or backup it becomes
        src.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(tmp),))
        src.execute(f"PRAGMA enc.cipher_hmac_algorithm = {driver.HMAC}")
        export(src, "enc")
        # Neither copy carries the header's numbers.
        src.execute(f"PRAGMA enc.user_version = {version}")
        src.execute(f"PRAGMA enc.application_id = {app_id}")
        # A commune file is in WAL mode (Store.open's _configure); a file left in rollback
        # mode would be rewritten by its next opening (its header's mode), even by one that
        # writes nothing else, such as a refused import's. A backup is in rollback mode: no
        # -wal ever sits beside it (db.backup._write_copy).
        src.execute(f"PRAGMA enc.journal_mode = {journal.upper()}")
        src.execute("DETACH DATABASE enc")
    except BaseException:
        # Detached first: in exclusive locking mode the copy's rollback journal is kept
        # (zeroed) until then, and would be left beside the plain file.
        with contextlib.suppress(driver.Error):
            src.execute("DETACH DATABASE enc")
        for side in sides:
            side.unlink(missing_ok=True)
        raise
    backup._phase(f"{step}:check")
    check = driver.connect(str(tmp), key=key)
    try:
        problems = [r[0] for r in check.execute("PRAGMA integrity_check")]
        wrong = [
            t
            for t, n in counts.items()
            if check.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] != n
        ]
        if check.execute(_SCHEMA).fetchall() != schema:
            wrong.append("sqlite_schema")
        if check.execute("PRAGMA journal_mode").fetchone()[0] != journal.lower():
            wrong.append("journal_mode")
    finally:
        check.close()
    if _plain_on_disk(tmp):
        wrong.append("plain header")
    if problems != ["ok"] or wrong:
        for side in sides:
            side.unlink(missing_ok=True)
        raise CopyNotVerified(f"{problems[:3]} {wrong}")


@dataclass(frozen=True)
class BackupsEncrypted:
    """What ``encrypt_backups`` did to the backup folder of an encrypted file: the backups
    it converted (each now encrypted under the file's key), and every copy still plain there
    with why (Vietnamese), so the officer is told exactly which copies still hold names."""

    path: Path
    converted: tuple[Path, ...] = ()
    left: tuple[tuple[Path, str], ...] = ()

    def said(self) -> str:
        """What happened, in Vietnamese, for the command's output and the window's page."""
        lines: list[str] = []
        if self.converted:
            lines.append(
                f"Đã mã hoá {len(self.converted)} bản sao lưu có sẵn của tệp (cùng khoá: mở "
                "bằng cùng mật khẩu và mã khôi phục)."
            )
        else:
            lines.append("Không có bản sao lưu chưa mã hoá nào cần mã hoá.")
        if self.left:
            lines.append(
                f"{len(self.left)} bản trong thư mục sao lưu vẫn CHƯA mã hoá (ai có máy đều đọc "
                "được tên người trong đó):"
            )
            lines += [f"  {p.name}: {why}" for p, why in self.left]
            lines.append(
                "Khi không cần đến chúng nữa, hãy xoá chúng; hoặc sửa nguyên nhân rồi chạy "
                f'lại lệnh rasoat db encrypt "{self.path}" để mã hoá nốt.'
            )
        return "\n".join(lines)


# Why a copy in the backup folder was left plain (``BackupsEncrypted.left``).
SET_ASIDE_LEFT = (
    "bản để riêng (hỏng, hoặc tệp cũ để lại khi khôi phục), được giữ nguyên từng byte để cứu "
    "dữ liệu nên không mã hoá; xoá nó khi không cần cứu dữ liệu nữa"
)
NOT_THIS_FILE = "không phải bản sao lưu của tệp này (tên hoặc xã khác) nên không đụng đến"
KEPT_UNTIL_OPENED = (
    "tệp xã vừa mã hoá chưa mở lại được bằng mật khẩu vừa đặt, nên bản sao lưu trước khi mã "
    "hoá được giữ nguyên (chưa mã hoá) để không mất dữ liệu"
)


def plain_copies(path: Path) -> list[Path]:
    """The copies in the backup folder of ``path`` still plain on disk (backups and copies
    set aside), oldest first."""
    from db import backup

    return [p for p in backup.list_backups(path) + backup.list_set_aside(path) if _plain_on_disk(p)]


def encrypt_backups(
    path: Path,
    key: bytes,
    *,
    keep_plain: Iterable[Path] = (),
    read_on: driver.Connection | None = None,
) -> BackupsEncrypted:
    """Every plain backup of the encrypted file at ``path`` converted to an encrypted one
    under its ``key`` (the file's key, so its key file, the folder's copy of it and the
    recovery key open them all); ``keep_plain``: backups to leave as they are (said why);
    ``read_on``: a connection to the file (the one holding it), else one is opened.

    Each one on its own, atomically (``_encrypt_backup``): an encrypted copy written beside
    it, checked, given its time (the retention counts a backup's age from it) and only then
    renamed over it; a failure leaves that backup as it was, said in ``left`` with why.
    Only this file's backups: a copy whose name is not this file's (``<stem>-…``) or whose
    commune is another's is left alone. Copies set aside (``.damaged``, ``.old``) are kept
    byte for byte for a rescue, so not converted; said too."""
    from db import backup

    keep = {p.resolve() for p in keep_plain}
    ours = backup._commune_on(read_on) if read_on is not None else backup._commune_of_file(path)
    folder = backup.backup_dir(path)
    if folder.is_dir():
        for stale in folder.glob("*" + ENCRYPTING):  # a conversion killed part-way
            backup._remove(stale)
    converted: list[Path] = []
    left: list[tuple[Path, str]] = []
    for p in plain_copies(path):
        if p.suffix != backup.SUFFIX:
            left.append((p, SET_ASIDE_LEFT))
        elif not p.name.startswith(path.stem + "-") or not _same_commune(ours, p):
            left.append((p, NOT_THIS_FILE))
        elif p.resolve() in keep:
            left.append((p, KEPT_UNTIL_OPENED))
        else:
            why = _encrypt_backup(p, key)
            if why is None:
                converted.append(p)
            else:
                left.append((p, why))
    return BackupsEncrypted(path, tuple(converted), tuple(left))


ENCRYPTING = ".encrypting"


def _same_commune(ours: tuple[str, str, str, str] | None, p: Path) -> bool:
    from db import backup
    from forms.admin_units import official_code

    theirs = backup._commune_of_file(p)
    if ours is None or theirs is None:
        return True  # nothing to compare: the name alone says it is this file's
    return official_code(theirs[2]) == official_code(ours[2])


def _encrypt_backup(p: Path, key: bytes) -> str | None:
    """The plain backup at ``p`` replaced by an encrypted copy under ``key``: written to
    ``<p>.encrypting`` (``write_encrypted_copy``, rollback mode as every backup, checked:
    SQLite's check, every table's rows, the schema, no plain header), opened again under
    ``key``, synced, given ``p``'s times and renamed over ``p``. None when done; else why
    not (Vietnamese), ``p`` as it was and nothing left beside it."""
    from db import backup
    from db.backup_check import copy_problems
    from db.errors import failure_reason

    tmp = p.with_name(p.name + ENCRYPTING)
    try:
        before = p.stat()
        src = driver.connect(str(p), isolation_level=None)
        try:
            # A copy SQLite finds damage in (or rows its schema forbids) cannot be shown to
            # match its encrypted copy, which would also hide what was wrong with it: kept
            # as it is, for a rescue, and said.
            problems = copy_problems(src, before.st_size, deep=False)
            if problems:
                return (
                    "có lỗi nên được giữ nguyên để cứu dữ liệu, không mã hoá (xoá nó khi không "
                    f"cần nữa): {problems[0]}"
                )
            write_encrypted_copy(src, tmp, key, journal="delete", step="encrypt-backup")
        finally:
            src.close()
        if not opens(tmp, key):
            raise CopyNotVerified("the copy does not open under the key")
        os.utime(tmp, ns=(before.st_atime_ns, before.st_mtime_ns))
        backup.fsync_path(tmp)
        backup._phase("encrypt-backup:replace")
        os.replace(tmp, p)
        backup.fsync_path(p.parent)
    except RowsRefused as exc:
        backup._remove(tmp)
        return f"không mã hoá được vì {exc.message}"
    except CopyNotVerified:
        backup._remove(tmp)
        return "bản mã hoá của nó không qua được kiểm tra; bản sao lưu giữ nguyên"
    except (OSError, driver.Error) as exc:
        backup._remove(tmp)
        reason = failure_reason(exc) or "không đọc hoặc ghi được tệp"
        return f"không mã hoá được: {reason.rstrip('.')}; bản sao lưu giữ nguyên"
    return None
