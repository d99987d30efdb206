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

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # The stubs are the standard library's: sqlcipher3 mirrors its API exactly.
    from sqlite3 import (
        SQLITE_BUSY,
        SQLITE_IOERR,
        SQLITE_LOCKED,
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
        SQLITE_IOERR,
        SQLITE_LOCKED,
        Connection,
        Cursor,
        DatabaseError,
        Error,
        IntegrityError,
        OperationalError,
        Row,
    )
    from sqlcipher3.dbapi2 import connect as _raw_connect

__all__ = [
    "SQLITE_BUSY",
    "SQLITE_IOERR",
    "SQLITE_LOCKED",
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
_log_silenced = False


class KeyedConnection(Connection):
    """A connection that knows the key it was opened with (None: a plain file), so that a
    copy made from it (a backup) is written under the same key."""

    rasoat_key: bytes | None = None


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
    _keys.pop(_resolved(path), None)


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
    first read as ``DatabaseError('file is not a database')``."""
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
            conn.rasoat_key = key
    except BaseException:
        conn.close()
        raise
    return conn
