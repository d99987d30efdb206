"""The one SQLite library of the process: SQLCipher (``sqlcipher3``), for plain and
encrypted commune files alike.

Everything in ``db/`` (and the few callers above it that catch a database error) imports
its connections and exception classes from here, never from ``sqlite3``: the online backup
API only copies between connections of one library, and ``except sqlite3.Error`` does not
catch ``sqlcipher3``'s errors. A connection without a key reads and writes plain SQLite
files exactly as ``sqlite3`` does (same SQL, same file format).

Keys: ``connect(..., key=)`` applies a 32-byte raw SQLCipher key (no SQLCipher KDF: the key
is already derived, ``db.at_rest``). When no key is given and the file on disk is encrypted,
the key remembered for it (``remember``, done when a ``Store`` is opened with a key) is
used; a backup or a temporary copy (``<file>.backups/…``, ``<file>.restoring``) gets the key
of its commune file. So the helpers that open a file by path (backups, checks, merge
readers, restore) need no key argument threaded through every caller, and a plain file (a
backup from before encryption) is always opened without one.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # The stubs are the standard library's: sqlcipher3 mirrors its API exactly.
    from sqlite3 import (
        SQLITE_BUSY,
        SQLITE_CORRUPT,
        SQLITE_IOERR,
        SQLITE_LOCKED,
        SQLITE_NOTADB,
        Connection,
        Cursor,
        DatabaseError,
        Error,
        IntegrityError,
        OperationalError,
        Row,
    )
    from sqlite3 import connect as _raw_connect
else:
    from sqlcipher3.dbapi2 import (
        SQLITE_BUSY,
        SQLITE_CORRUPT,
        SQLITE_IOERR,
        SQLITE_LOCKED,
        SQLITE_NOTADB,
        Connection,
        Cursor,
        DatabaseError,
        Error,
        IntegrityError,
        OperationalError,
        Row,
    )
    from sqlcipher3.dbapi2 import connect as _raw_connect
    from sqlcipher3.dbapi2 import register_adapter as _register_adapter

    # None and bytes bound as they are, through an adapter that gives them back unchanged
    # (the same NULL and blob): sqlcipher3 tries to adapt every parameter that is not an
    # exact int, float, str or bytearray, and for one with no adapter registered it looks
    # up ``__adapt__`` and ``__conform__`` by C-string name, each failing with an
    # AttributeError raised and cleared: about 5,000 instructions a None or bytes bound,
    # against a registered adapter's call (Python 3.11's own sqlite3 looks these up without
    # raising). A merge binds several a row (an audit row's empty old and new, its hash):
    # 6 % of importing 3 x 500 households with results under callgrind (issue 22).
    _register_adapter(type(None), {}.get)  # {}.get(None) is None
    _register_adapter(bytes, bytes)  # bytes(b) is b for exact bytes

__all__ = [
    "SQLITE_BUSY",
    "SQLITE_CORRUPT",
    "SQLITE_IOERR",
    "SQLITE_LOCKED",
    "SQLITE_NOTADB",
    "Connection",
    "Cursor",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "OperationalError",
    "Row",
    "connect",
    "forget",
    "key_of",
    "known_key",
    "remember",
]

PLAIN_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32
# Names a file gets beside or under its commune file while a copy is written.
_TEMP_SUFFIXES = (".restoring", ".partial", ".encrypting", "-wal", "-shm", "-journal")

_keys: dict[Path, bytes] = {}
# Pages written from now on are authenticated with HMAC-SHA256 rather than SQLCipher 4's
# default HMAC-SHA512: as strong for a page's integrity (a 256-bit key, a 256-bit tag), and
# about a third of the encrypted file's cost of each page read or written (the CPU's SHA
# instructions do SHA-256 only), most of what an encrypted save costs over a plain one
# (issue 20, docs/benchmarks.md). AES-256-CBC and the key stay as they were. Files encrypted
# before keep SHA-512 for good (a backup is copied page by page, so one key's files share
# one algorithm); ``connect`` tells which from the file itself, so nothing is stored for it.
HMAC = "HMAC_SHA256"
OLD_HMACS = ("HMAC_SHA512",)
_hmacs: dict[bytes, str] = {}
_log_silenced = False
log = logging.getLogger(__name__)


class KeyedConnection(Connection):
    """A connection that knows the key it was opened with (None: a plain file), so that a
    copy made from it (a backup) is written under the same key.

    A read-only connection (``mode=ro``) to a file in WAL mode makes its ``-wal`` and
    ``-shm`` when none are there, and cannot remove them at its close (``_left_beside``):
    ``rasoat_made_beside`` is then that file, and ``close`` removes them as SQLite would."""

    rasoat_key: bytes | None = None
    rasoat_made_beside: Path | None = None

    def close(self) -> None:
        super().close()
        path, self.rasoat_made_beside = self.rasoat_made_beside, None
        if path is not None:
            _remove_left_beside(path, self.rasoat_key)


def _path_of(target: str | Path, uri: bool) -> Path | None:
    text = str(target)
    if text == ":memory:" or text == "":
        return None
    if uri:
        if not text.startswith("file:"):
            return None
        from urllib.parse import unquote, urlsplit

        return Path(unquote(urlsplit(text).path))
    return Path(text)


def _commune_of(path: Path) -> Path:
    """The commune file a backup or a temporary copy belongs to (``path`` itself otherwise)."""
    name = path.name
    for suffix in _TEMP_SUFFIXES:
        if name.endswith(suffix):
            path = path.with_name(name.removesuffix(suffix))
            break
    if path.parent.name.endswith(".backups"):
        return path.parent.with_name(path.parent.name.removesuffix(".backups"))
    return path


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def remember(path: Path, key: bytes) -> None:
    """Use ``key`` for the commune file at ``path`` (and its backups) from now on."""
    _keys[_resolved(path)] = key


def forget(path: Path) -> None:
    key = _keys.pop(_resolved(path), None)
    if key is not None:
        _hmacs.pop(key, None)  # told again from the file when next opened


def known_key(path: Path) -> bytes | None:
    """The key remembered for ``path``, or for the commune file it is a copy of."""
    own = _keys.get(_resolved(path))
    if own is not None:
        return own
    return _keys.get(_resolved(_commune_of(path)))


def key_of(conn: Connection) -> bytes | None:
    """The key ``conn`` was opened with (None: plain, or not opened here)."""
    return getattr(conn, "rasoat_key", None)


def _encrypted_on_disk(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(len(PLAIN_HEADER))
    except OSError:
        return False
    return len(head) == len(PLAIN_HEADER) and head != PLAIN_HEADER


def _silence_log(conn: Connection) -> None:
    # SQLCipher prints ERROR lines on stderr for a wrong key (a hmac check that fails); the
    # error itself is raised and told to the user in Vietnamese. The level is process-wide.
    global _log_silenced
    if not _log_silenced:
        conn.execute("PRAGMA cipher_log_level = NONE")
        _log_silenced = True


def connect(
    target: str | Path, *, key: bytes | None = None, uri: bool = False, **kwargs: Any
) -> Connection:
    """A connection to ``target`` (a path, or a ``file:`` URI with ``uri=True``).

    ``key``: the raw SQLCipher key; when None and the file on disk is encrypted, the key
    remembered for it (or for its commune file) is used. A wrong or missing key shows at the
    first read as ``DatabaseError('file is not a database')``.

    An encrypted file's pages are authenticated with HMAC-SHA256 (``HMAC``) or, encrypted
    before it, with SQLCipher's default HMAC-SHA512: which one is told by reading the file's
    first page under each (``_authenticated``), once per key."""
    path = _path_of(target, uri)
    # Asked before connecting: telling an encrypted file's HMAC algorithm reads it, which
    # already makes the -wal and -shm of a read-only connection.
    made = path is not None and uri and _read_only(str(target)) and not _beside(path)
    conn = _authenticated_connection(target, uri, kwargs, key, path)
    if made:
        conn.rasoat_made_beside = path
    return conn


def _authenticated_connection(
    target: str | Path, uri: bool, kwargs: dict[str, Any], key: bytes | None, path: Path | None
) -> KeyedConnection:
    """``connect``'s connection, its HMAC algorithm told from the file (``connect``)."""
    conn = _keyed(target, uri, kwargs, key, None)
    key = conn.rasoat_key
    if key is None or key in _hmacs or path is None or not _has_pages(path):
        return conn
    for hmac in (HMAC, *OLD_HMACS):
        if hmac != HMAC:
            conn.close()
            conn = _keyed(target, uri, kwargs, key, hmac)
        found = _authenticated(conn)
        if found is None:  # busy, unreadable: the caller's first read says so
            return conn
        if found:
            _hmacs[key] = hmac
            return conn
    # No algorithm opens it: a wrong key, or not a database. A fresh connection, whose first
    # read says so to the caller (after a page failed its check, SQLCipher's next read on
    # the same connection reports running out of memory instead).
    conn.close()
    return _keyed(target, uri, kwargs, key, HMAC)


def _keyed(
    target: str | Path, uri: bool, kwargs: dict[str, Any], key: bytes | None, hmac: str | None
) -> KeyedConnection:
    conn: KeyedConnection = _raw_connect(str(target), uri=uri, factory=KeyedConnection, **kwargs)
    try:
        _silence_log(conn)
        if key is None:
            path = _path_of(target, uri)
            if path is not None and _encrypted_on_disk(path):
                key = known_key(path)
        if key is not None:
            if len(key) != KEY_BYTES:
                raise ValueError("a SQLCipher raw key is 32 bytes")
            # A raw key ("x'…'"): SQLCipher skips its own PBKDF2, the key is derived already.
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac or hmac_of(key)}")
            conn.rasoat_key = key
    except BaseException:
        conn.close()
        raise
    return conn


def _has_pages(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _authenticated(conn: Connection) -> bool | None:
    """Whether ``conn``'s key and HMAC algorithm open its file: True, False (the first page
    fails its check: another algorithm, or a wrong key), None (not told: busy, I/O)."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == SQLITE_NOTADB:
            return False
        return None
    return True


def hmac_of(key: bytes) -> str:
    """The HMAC algorithm of the files encrypted under ``key``: the one found when one of them
    was opened, else the one new files get (``HMAC``)."""
    return _hmacs.get(key, HMAC)


# --- what a read-only connection leaves beside its file -----------------------------------
# SQLite's last connection to a file in WAL mode checkpoints it at its close and removes its
# -wal and -shm, but only a connection that may write: a read-only one (``mode=ro``) makes
# them when they are not there (it needs the -shm's index, and opens the -wal to read it) and
# leaves them behind, an empty -wal and a 32 KB -shm. Beside a commune file on a stick they
# made an officer wonder whether a copy of the .sqlite alone was complete, after a check, a
# refused import, an expiry: every read that must leave the folder as it found it.
_BESIDE = ("-wal", "-shm", "-journal")


def _read_only(uri: str) -> bool:
    """Whether the ``file:`` URI opens read-only, making what it may leave beside its file
    (``immutable=1`` makes nothing: no locks, no -wal or -shm)."""
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(uri).query)
    return query.get("mode") == ["ro"] and query.get("immutable", ["0"]) == ["0"]


def _beside(path: Path) -> bool:
    """Whether a -wal, -shm or journal lies beside ``path`` (a file open elsewhere, or not
    closed cleanly: never removed here)."""
    return any(path.with_name(path.name + s).exists() for s in _BESIDE)


def _remove_left_beside(path: Path, key: bytes | None) -> None:
    """The -wal and -shm a read-only connection made for ``path``, removed after its close:
    a connection that may write is opened, reads the schema (which opens the WAL) and
    closes, so SQLite itself checkpoints (nothing: no frames) and removes them, and only
    when it is the last connection to the file; while another program has the file open
    (the window, a merge) they are its own and stay. A -wal holding frames (another
    connection's saves, which this one could not have written) or a journal is never
    touched; a place that may not be written gets nothing tried (the read-only connection
    made nothing there). Best effort: they are harmless, and opening the file for writing
    removes them at its close."""
    wal = path.with_name(path.name + "-wal")
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return
    except OSError:
        return
    if not _beside(path) or path.with_name(path.name + "-journal").exists():
        return
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return
    try:
        conn = connect(f"{_resolved(path).as_uri()}?mode=rw", uri=True, key=key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except Error:
        log.debug("the -wal and -shm of %s were left", path, exc_info=True)
