"""One commune's data in one SQLite file: the only door to it (Anki's Collection, smaller).

Everything takes and returns plain dataclasses (``forms.model``, ``forms.classify.Result``,
``db.records``); SQL stays in ``db/``. Every write runs in one transaction that also writes
its audit rows, and listeners hear about it after the commit (``subscribe``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlite_utils

from db import at_rest, audit, backup, driver, users
from db.errors import (
    AlreadyExists,
    DatabaseDamaged,
    NotACommuneFile,
    NotFound,
    StoreError,
    TooNewVersion,
    WalGoneElsewhere,
)
from db.households import (
    ORDER_COLUMNS,
    diff,
    household_doc,
    household_from_docs,
    row_from_sql,
)
from db.migrations import LATEST, migrate
from db.records import (
    AuditAction,
    AuditEntry,
    Change,
    CommuneInfo,
    Complaint,
    Decision,
    HouseholdQuery,
    HouseholdRow,
    MeetingVote,
    Posting,
    Round,
    RoundKind,
    Village,
)
from db.search import index_text, match_expression, year_round_words
from db.store_calls import StoreCalls
from db.store_history import History
from db.store_stamps import dumps as _dumps
from db.store_stamps import new_id as _uuid
from db.store_stamps import now_utc
from db.year_round import responsible_cadre
from forms.model import Area, Category, Household, Transition, nfc
from forms.roles import Action, User

if TYPE_CHECKING:
    from forms.classify import Result

__all__ = [
    "APPLICATION_ID",
    "AuditEntry",
    "Change",
    "CommuneInfo",
    "Complaint",
    "Decision",
    "HouseholdQuery",
    "HouseholdRow",
    "MeetingVote",
    "Posting",
    "Round",
    "Store",
    "Village",
    "now_utc",
]

log = logging.getLogger(__name__)

# PRAGMA application_id: tells a commune file from any other SQLite file ("RSAT").
APPLICATION_ID = 0x52534154
_HEADER = b"SQLite format 3\x00"
_CHUNK = 500
FULL_CHECK_LIMIT = 256 * 2**20  # bytes; about 15,000 households
# Above this many search matches the list walks its ORDER BY index (Store._scan_in_order):
# sorting costs about 2.5 µs per match, walking about 0.15 µs per index entry until a page
# of 200 is full; the two meet near 1,000 matches in a 100,000-household file.
ORDERED_SCAN_MATCHES = 1_000
# Opening while another program's -wal is gone (WalGoneElsewhere) is tried this many times,
# WAL_GONE_WAIT seconds apart: that program may be writing its saves back at this moment.
WAL_GONE_TRIES = 5
WAL_GONE_WAIT = 0.2


def _connect(path: Path, key: bytes | None = None) -> driver.Connection:
    # Autocommit mode: transactions are ours (BEGIN IMMEDIATE in Store.transaction).
    conn = driver.connect(str(path), key=key, isolation_level=None, timeout=10)
    return conn


def _configure(conn: driver.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a save that returned survives a power cut too, not only a crash of the app.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")
    # Savepoints (nested transactions) keep their journals in memory, not in temp files.
    conn.execute("PRAGMA temp_store = MEMORY")


def _wal_gone_elsewhere(path: Path, exc: BaseException) -> bool:
    """Whether SQLite failed to read ``path`` because another connection's ``-wal`` was
    removed: the ``-shm`` (that connection's index into its WAL) is there, the ``-wal`` is not
    (or is the empty one this failed attempt created), and SQLite reports an I/O error
    (SQLITE_IOERR_SHORT_READ), not damage."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code & 0xFF != driver.SQLITE_IOERR:
        return False
    wal = path.with_name(path.name + "-wal")
    try:
        empty = not wal.exists() or wal.stat().st_size == 0
        return empty and path.with_name(path.name + "-shm").exists()
    except OSError:
        return False


def _write_failure(path: Path, exc: BaseException) -> str | None:
    """The Vietnamese message for a write SQLite refused for a reason the user can fix."""
    if not isinstance(exc, driver.OperationalError):
        return None
    text = str(exc)
    if "full" in text:
        return f"Ổ đĩa đã đầy, không lưu được vào {path}. Hãy giải phóng chỗ trống rồi lưu lại."
    if "readonly" in text or "read-only" in text:
        return (
            f"Không ghi được vào tệp {path} (tệp hoặc thư mục chỉ cho đọc). "
            "Hãy chép tệp vào máy rồi mở lại."
        )
    if "locked" in text or "busy" in text:
        return f"Tệp {path} đang được một chương trình khác ghi; hãy thử lại sau."
    if "disk I/O error" in text:
        # What a pulled-out stick or a failing card gives: the write did not happen.
        return (
            f"Không ghi được vào tệp {path} (lỗi đọc ghi ổ đĩa: USB hay thẻ nhớ bị rút ra, "
            "hoặc hỏng?). Lần lưu này chưa được ghi; những lần lưu trước không bị ảnh hưởng. "
            "Hãy cắm lại, đóng rồi mở lại tệp, và nhập lại thay đổi vừa rồi."
        )
    return None


class Store(StoreCalls):
    """Open with ``Store.open`` or ``Store.create``; use as a context manager."""

    def __init__(self, path: Path, conn: driver.Connection, user: str, device: str) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.user = nfc(user)
        self.device = device
        self._depth = 0
        self._pending: list[Change] = []
        self._listeners: list[Callable[[Change], None]] = []
        self._source: str | None = None
        self._dirty = False
        self._closed = False
        # (device, inode) of the -wal this connection writes to: a -wal replaced under it
        # (removed, then created anew by another program's attempt to open) counts as gone.
        self._wal_id: tuple[int, int] | None = None
        # Vietnamese notices for the user the GUI shows when idle (a vanished -wal).
        self.notices: list[str] = []
        # How many rolling backups close() keeps; None: db.backup's default. The desktop
        # sets it from the user's settings (storage does not read settings itself).
        self.backups_kept: int | None = None
        # Users and roles (db.users): whether the file has users, who signed in, and whether
        # the write under way is only an audit event (which needs no role).
        self.has_users = False
        self.signed_in: User | None = None
        self.writing_event = False
        # Audit rows of a save not yet appended (``_audit_batch``): one chain append a save.
        self._audit_rows: list[audit.Row] | None = None
        # The parts, each over this Store's connection and transaction (Anki's col.decks…).
        self.history = History(self)

    # --- opening and closing -----------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, commune: CommuneInfo, *, user: str, device: str) -> Store:
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            raise AlreadyExists(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path)
        try:
            _configure(conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate(conn)
            store = cls(path, conn, user, device)
            with store.transaction():
                conn.execute(
                    "INSERT INTO commune VALUES (1, ?, ?, ?, ?, ?)",
                    (
                        nfc(commune.province_code),
                        nfc(commune.province_name),
                        nfc(commune.commune_code),
                        " ".join(nfc(commune.commune_name).split()),
                        Area(commune.area).value,
                    ),
                )
                conn.execute("INSERT INTO meta VALUES ('created_at', ?)", (now_utc(),))
                conn.execute("INSERT INTO meta VALUES ('created_device', ?)", (device,))
                store._seen()
                store._notify(Change("commune", []))
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        user: str,
        device: str,
        check: bool = True,
        key: bytes | None = None,
    ) -> Store:
        """Open a commune file, migrating it (after a backup) when it is older.

        ``check=False`` skips only the page-level check (header, application id and version
        are always checked): for a caller that runs ``check_file`` right after, off its main
        thread, so a district-size file shows at once (the check alone takes seconds there).

        While another program has the file open and its ``-wal`` was removed, SQLite cannot
        read the file from here: that is said as ``WalGoneElsewhere`` (nothing is damaged),
        never as a damaged file whose way out, a restore, would lose that program's saves.

        ``key``: the file key of an encrypted file (``db.at_rest``); once it opens the file it
        is remembered for the process (``db.driver.remember``), its backups included. An
        encrypted file without a key raises ``PassphraseNeeded``, with a wrong one
        ``WrongPassphrase``.
        """
        path = Path(path)
        for attempt in range(WAL_GONE_TRIES):
            try:
                return cls._open_once(path, user=user, device=device, check=check, key=key)
            except WalGoneElsewhere:
                if attempt == WAL_GONE_TRIES - 1:
                    raise
                time.sleep(WAL_GONE_WAIT)
        raise AssertionError("unreachable")

    @classmethod
    def _open_once(
        cls, path: Path, *, user: str, device: str, check: bool, key: bytes | None = None
    ) -> Store:
        if not path.is_file():
            raise StoreError(f"Không tìm thấy tệp dữ liệu {path}.")
        with path.open("rb") as f:
            head = f.read(len(_HEADER))
        if head != _HEADER:
            key = key if key is not None else driver.known_key(path)
            if key is None and not at_rest.is_encrypted(path):
                if backup.latest_backup(path) is not None:
                    raise DatabaseDamaged(path, backup.newest_good(path), "bad header")
                raise NotACommuneFile(path)
            if key is None:
                raise at_rest.PassphraseNeeded(path)
        else:
            key = None  # a plain file: a key would make SQLite read it as encrypted
        conn = _connect(path, key)
        try:
            try:
                app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            except driver.DatabaseError as exc:
                if key is not None and "not a database" in str(exc):
                    raise at_rest.WrongPassphrase(path) from exc
                raise
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if app_id != APPLICATION_ID:
                raise NotACommuneFile(path)
            if version > LATEST:
                raise TooNewVersion(path, version, LATEST)
            _configure(conn)
            if check:
                problems = _open_check(conn, path)
                if problems:
                    raise DatabaseDamaged(path, backup.newest_good(path), problems)
            else:
                # The schema read (its pages decrypted and their HMACs checked, for an
                # encrypted file) is what the first use needs; it also opens the -wal, which
                # the vanished-WAL watch takes as this connection's own.
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if version < LATEST:
                backup.make_backup(path, "migration", conn, deep=False)
                migrate(conn)
            store = cls(path, conn, user, device)
            with store.transaction():
                store._seen()
            store.has_users = users.exist(store.conn)
            store._wal_id = store._wal_identity()
            if key is not None:
                driver.remember(path, key)
        except StoreError:
            conn.close()
            raise
        except driver.OperationalError as exc:
            conn.close()
            if _wal_gone_elsewhere(path, exc):
                raise WalGoneElsewhere(path) from exc
            message = _write_failure(path, exc)
            if message is not None:
                raise StoreError(message) from exc
            raise DatabaseDamaged(path, backup.newest_good(path), str(exc)) from exc
        except driver.DatabaseError as exc:
            conn.close()
            if _wal_gone_elsewhere(path, exc):
                raise WalGoneElsewhere(path) from exc
            raise DatabaseDamaged(path, backup.newest_good(path), str(exc)) from exc
        return store

    def close(self) -> None:
        """Close the file, leaving it complete on its own (the WAL checkpointed and emptied);
        when this session wrote anything, keep a checked rolling backup.

        A backup that cannot be made raises ``StoreError`` (``BackupFailed`` or
        ``DamagedRecords``) after the file is closed: the saved data is safe either way."""
        if self._closed:
            return
        self._closed = True
        failure: StoreError | None = None
        try:
            self._recover_vanished_wal()
            unmerged = ""
            try:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except driver.Error as exc:
                log.warning("checkpoint on close failed", exc_info=True)
                # The saves are safe in the -wal (SQLite replays it on the next opening), but
                # the .sqlite alone is no longer complete: a copy of it alone would miss them.
                unmerged = (
                    f"Không ghi được các lần lưu vào tệp chính {self.path} ({exc}); chúng vẫn "
                    f"nằm an toàn trong tệp {self._wal_path().name} bên cạnh và sẽ được ghi vào "
                    "khi tệp được mở lại ở chỗ ghi được. Đừng chép riêng tệp .sqlite lúc này: "
                    "hãy chép cả hai tệp, hoặc bản sao lưu mới nhất."
                )
            if self._dirty:
                try:
                    backup.make_backup(self.path, "close", self.conn)
                    backup.prune(self.path, "close", backup.keep_for(self.path, self.backups_kept))
                except StoreError as exc:
                    log.error("backup on close failed: %s", exc.message)
                    failure = exc
            if unmerged:
                failure = StoreError(
                    unmerged + (" " + failure.message if failure is not None else "")
                )
        finally:
            self.conn.close()
        if failure is not None:
            raise failure

    def checkpoint(self) -> str | None:
        """Copy every save from the WAL into the main file, so that a copy of the
        ``.sqlite`` alone is complete (the desktop calls it when idle a few seconds after a
        save). Returns a Vietnamese notice when the ``-wal`` had vanished (see
        ``_recover_vanished_wal``), else None."""
        self._recover_vanished_wal()
        if self._depth == 0 and not self._closed:
            try:
                # PASSIVE: never waits for a reader (a worker's check); what a reader still
                # needs is copied at the next checkpoint.
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except driver.Error:
                log.warning("idle checkpoint failed", exc_info=True)
        notices, self.notices = self.notices, []
        return " ".join(notices) or None

    def _wal_path(self) -> Path:
        return self.path.with_name(self.path.name + "-wal")

    def _wal_identity(self) -> tuple[int, int] | None:
        try:
            st = self._wal_path().stat()
        except OSError:
            return None
        return (st.st_dev, st.st_ino)

    def _recover_vanished_wal(self) -> None:
        """While the file is open its ``-wal`` exists; when something removed it (an
        antivirus, a cleaner, a careless copy), this connection still holds it open, so its
        saves are checkpointed into the main file at once and the file reopened with a new
        WAL, and the user is told (``notices``). A ``-wal`` that is there but is not the one
        this connection writes to (another program, trying to open the file meanwhile,
        created an empty one) is gone just the same."""
        if self._closed or self._depth:
            return
        current = self._wal_identity()
        if current is not None and (self._wal_id is None or current == self._wal_id):
            self._wal_id = current
            return
        log.warning("the -wal of %s vanished while open", self.path)
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            saved = True
        except driver.Error:
            log.exception("checkpointing a vanished -wal failed")
            saved = False
        key = driver.key_of(self.conn)  # an encrypted file reopens with its key
        self.conn.close()
        self.conn = _connect(self.path, key)
        _configure(self.conn)
        self.db = sqlite_utils.Database(self.conn)
        self._wal_id = self._wal_identity()
        self.notices.append(
            f"Tệp nhật ký ghi {self._wal_path().name} của tệp xã đã bị một chương trình "
            "khác xoá (phần mềm diệt virus?). "
            + (
                "Mọi dữ liệu đã lưu đã được ghi lại vào tệp chính; có thể làm việc tiếp."
                if saved
                else "Không ghi lại được các lần lưu gần nhất; hãy kiểm tra tệp "
                f'(rasoat db check "{self.path}").'
            )
        )

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- transactions and change reports -----------------------------------------------
    @contextmanager
    def transaction(self, source: str | None = None) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error); nested calls become savepoints.

        ``source`` (e.g. the import package) is written on every audit row inside.
        """
        depth = self._depth
        if depth == 0:
            users.check_write(self)
            # Never write into a -wal that is no longer on disk: its saves would go at close.
            self._recover_vanished_wal()
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute(f"SAVEPOINT sp{depth}")
        self._depth += 1
        outer_source = self._source
        if source is not None:
            self._source = source
        pending_before = len(self._pending)
        try:
            yield
        except BaseException as exc:
            if depth == 0:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self._pending.clear()
            else:
                # SQLite may already have rolled the whole transaction back (disk full).
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO sp{depth}")
                    self.conn.execute(f"RELEASE sp{depth}")
                del self._pending[pending_before:]
            message = _write_failure(self.path, exc)
            if message is not None and depth == 0:
                raise StoreError(message) from exc
            raise
        else:
            if depth == 0:
                try:
                    self.conn.execute("COMMIT")
                except driver.OperationalError as exc:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    self._pending.clear()
                    message = _write_failure(self.path, exc)
                    if message is None:
                        raise
                    raise StoreError(message) from exc
            else:
                self.conn.execute(f"RELEASE sp{depth}")
        finally:
            self._depth = depth
            self._source = outer_source
        if depth == 0:
            self._flush()

    def require(self, action: Action, village: str | None = None) -> None:
        """Refuse (``NotPermitted``, Vietnamese reason) what the signed-in user's role does
        not allow; a file without users allows everything (``db.users``)."""
        users.require(self, action, village)

    def subscribe(self, callback: Callable[[Change], None]) -> Callable[[], None]:
        """``callback`` hears every committed write; returns a function that unsubscribes."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def _notify(self, change: Change) -> None:
        self._pending.append(change)

    def _flush(self) -> None:
        if not self._pending:
            return
        self._dirty = True
        # dicts as ordered sets: a merge notifies thousands of ids at once.
        merged: dict[str, dict[str, None]] = {}
        for change in self._pending:
            merged.setdefault(change.kind, {}).update(dict.fromkeys(change.ids))
        self._pending.clear()
        for kind, ids in merged.items():
            for listener in list(self._listeners):
                try:
                    listener(Change(kind, list(ids)))
                except Exception:
                    # The write is committed: a failing screen must not make it look lost.
                    log.exception("a change listener failed")

    def _audit(
        self,
        table: str,
        row_id: str,
        household_id: str | None,
        action: AuditAction,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        at: str,
        *,
        in_row: bool = False,
        new_text: str | None = None,
    ) -> None:
        """``in_row``: the insert of a household or member row, whose new value is the row's
        own document. The audit row points at it instead of holding a second copy; a trigger
        copies the document in before the row first changes (migration m0005). Appended to
        the hash chain by ``db.audit.append``, the one way into the log. ``new_text``: ``new``
        as the caller has just encoded it for the row itself (the same text; encoded once)."""
        if new_text is None and new is not None:
            new_text = _dumps(new)
        row = audit.Row(
            at,
            self.user,
            self.device,
            table,
            row_id,
            household_id,
            action,
            None if old is None else _dumps(old),
            None if in_row else new_text,
            self._source,
            new_text if in_row else None,
        )
        if self._audit_rows is not None:
            self._audit_rows.append(row)
        else:
            audit.append(self.conn, [row])

    @contextmanager
    def _audit_batch(self) -> Iterator[None]:
        """Inside (and inside a transaction): the audit rows are kept in order and appended
        to the chain in one ``db.audit.append`` as the block ends, the same rows and hashes
        as one append each, for one read of the chain's tip instead of one a row (a household
        of four members writes seven). Nothing inside may read the log or change a row whose
        insert it audited (the m0005 trigger copies into rows already in the log); on an
        error the rows are dropped with the transaction they belong to."""
        if self._audit_rows is not None:  # an outer batch appends them
            yield
            return
        rows: list[audit.Row] = []
        self._audit_rows = rows
        try:
            yield
        finally:
            self._audit_rows = None
        audit.append(self.conn, rows)

    def _seen(self) -> None:
        at = now_utc()
        self.conn.execute(
            "INSERT INTO surveyors VALUES (?, ?, ?, ?) ON CONFLICT (name, device) "
            "DO UPDATE SET last_seen = excluded.last_seen",
            (self.user, self.device, at, at),
        )

    # --- commune and villages ----------------------------------------------------------
    def commune(self) -> CommuneInfo:
        row = self.conn.execute(
            "SELECT province_code, province_name, commune_code, commune_name, area FROM commune"
        ).fetchone()
        if row is None:
            raise NotACommuneFile(self.path)
        return CommuneInfo(row[0], row[1], row[2], row[3], Area(row[4]))

    def surveyors(self) -> list[tuple[str, str, str]]:
        """(name, device, last seen) of everyone who opened this file, latest first."""
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT name, device, last_seen FROM surveyors ORDER BY last_seen DESC"
            )
        ]

    def villages(self) -> list[Village]:
        return [
            Village(r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT id, name, code FROM villages ORDER BY position, name"
            )
        ]

    def add_village(self, name: str, code: str | None = None) -> Village:
        self.require(Action.SETTINGS)
        name = " ".join(nfc(name).split())
        if not name:
            raise StoreError("Tên thôn/bản không được để trống.")
        if any(v.name == name for v in self.villages()):
            raise StoreError(f"Thôn/bản “{name}” đã có.")
        at = now_utc()
        village = Village(_uuid(), name, code)
        with self.transaction():
            position = self.conn.execute("SELECT COUNT(*) FROM villages").fetchone()[0]
            self.conn.execute(
                "INSERT INTO villages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (village.id, name, code, position, at, self.device, at, self.device),
            )
            self._audit("villages", village.id, None, "insert", None, {"name": name}, at)
            self._notify(Change("village", [village.id]))
        return village

    def rename_village(self, village_id: str, name: str) -> None:
        """Renames the village and every household in it (each household saved with history)."""
        self.require(Action.SETTINGS)
        name = " ".join(nfc(name).split())
        if not name:
            raise StoreError("Tên thôn/bản không được để trống.")
        row = self.conn.execute("SELECT name FROM villages WHERE id = ?", (village_id,)).fetchone()
        if row is None:
            raise NotFound("Không tìm thấy thôn/bản cần đổi tên.")
        old = row[0]
        if old == name:
            return
        if any(v.name == name for v in self.villages()):
            raise StoreError(f"Thôn/bản “{name}” đã có.")
        at = now_utc()
        with self.transaction():
            self.conn.execute(
                "UPDATE villages SET name = ?, updated_at = ?, updated_device = ? WHERE id = ?",
                (name, at, self.device, village_id),
            )
            self._audit("villages", village_id, None, "update", {"name": old}, {"name": name}, at)
            self.conn.execute("UPDATE postings SET village = ? WHERE village = ?", (name, old))
            for h in list(self.iter_households(village=old)):
                h.village = name
                self.save_household(h)
            self._notify(Change("village", [village_id]))

    # --- rounds --------------------------------------------------------------------------
    def start_round(
        self,
        year: int,
        standard_id: str,
        kind: RoundKind = "periodic",
        reference_date: date | None = None,
    ) -> Round:
        if kind not in ("periodic", "adhoc"):
            raise ValueError(f"unknown round kind {kind!r}")
        self.require(Action.ROUND)
        if kind == "periodic" and any(
            r.year == year and r.kind == "periodic" for r in self.rounds()
        ):
            raise StoreError(f"Đã có kỳ rà soát định kỳ năm {year}.")
        rnd = Round(_uuid(), year, standard_id, kind, now_utc(), reference_date)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    rnd.id,
                    year,
                    standard_id,
                    kind,
                    rnd.started_at,
                    reference_date.isoformat() if reference_date else None,
                    self.device,
                ),
            )
            audit.record_event(
                self,
                "round_started",
                {"round_id": rnd.id, "year": year, "kind": kind, "standard": standard_id},
            )
            self._notify(Change("round", [rnd.id]))
        return rnd

    def rounds(self) -> list[Round]:
        """Oldest first."""
        return [
            Round(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]) if r[5] else None)
            for r in self.conn.execute(
                "SELECT id, year, standard_id, kind, started_at, reference_date FROM rounds "
                "ORDER BY year, started_at"
            )
        ]

    def round(self, round_id: str) -> Round | None:
        return next((r for r in self.rounds() if r.id == round_id), None)

    def current_round(self) -> Round | None:
        """The round the household list shows: the newest periodic review. A monthly
        regular round (kind "adhoc") holds only the households that applied or changed and
        updates this round's lists from its decision date
        (``db.report_queries.updating_rounds``), so opening one must not take the list's
        place. In a file with no periodic round, the newest round of any kind."""
        found = self.rounds()
        periodic = [r for r in found if r.kind == "periodic"]
        return (periodic or found)[-1] if found else None

    def open_regular_round(self) -> Round | None:
        """The newest monthly regular round still waiting for its decision, if any."""
        decided = {rid for (rid,) in self.conn.execute("SELECT round_id FROM decisions")}
        waiting = [r for r in self.rounds() if r.kind == "adhoc" and r.id not in decided]
        return waiting[-1] if waiting else None

    def previous_round(self, round_id: str) -> Round | None:
        """The latest round of an earlier year: what transitions compare against."""
        this = self.round(round_id)
        if this is None:
            return None
        earlier = [r for r in self.rounds() if r.year < this.year]
        return earlier[-1] if earlier else None

    # --- households: writing -------------------------------------------------------------
    def next_code(self, village: str = "") -> str:
        """A free household code ``VV-NNNN``: VV is the village's place in the list."""
        names = [v.name for v in self.villages()]
        prefix = f"{names.index(village) + 1:02d}-" if village in names else "00-"
        used = self.conn.execute(
            "SELECT MAX(CAST(substr(code, 4) AS INTEGER)) FROM households "
            "WHERE code GLOB ? || '[0-9]*'",
            (prefix,),
        ).fetchone()[0]
        return f"{prefix}{(used or 0) + 1:04d}"

    def save_household(
        self,
        h: Household,
        *,
        round_id: str | None = None,
        result: Result | None = None,
    ) -> None:
        """Household, members, causes/needs, search index, audit, history and (with
        ``round_id``) the round's answers and result, in one transaction.

        A household without a code gets the next free one (``h.code`` is set).
        """
        if result is not None and round_id is None:
            raise ValueError("a result needs the round it belongs to")
        # A surveyor limited to villages neither writes there nor moves a household out.
        self.require(Action.EDIT_HOUSEHOLD, nfc(h.village))
        stored_village = self._village_of(h.id)
        if stored_village is not None and stored_village != nfc(h.village):
            self.require(Action.EDIT_HOUSEHOLD, stored_village)
        if not h.code.strip():
            h.code = self.next_code(h.village)
        docs = household_doc(h)
        rounds = self.rounds() if round_id is not None else []
        rnd = next((r for r in rounds if r.id == round_id), None)
        if round_id is not None and rnd is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        # A household not in the file has no answers or result of its own to compare with:
        # their lookups are skipped (were it wrong, UNIQUE (household_id, round_id) refuses
        # the insert and the save rolls back; nothing is overwritten unseen).
        fresh = stored_village is None
        with self.transaction(), self._audit_batch():
            rev = self._write_household(h, now_utc(), docs)
            if rnd is not None:
                self._write_answers(h, rnd.id, now_utc(), docs, rev=rev, checked=True, fresh=fresh)
                if result is not None:
                    self._write_result(h.id, rnd.id, result, now_utc(), rounds=rounds, fresh=fresh)
            self._notify(Change("household", [h.id]))

    def save_result(self, household_id: str, round_id: str, result: Result) -> None:
        """Only the round's result (reclassification), with its audit row."""
        self.require(Action.EDIT_HOUSEHOLD, self._village_of(household_id))
        with self.transaction():
            self._write_result(household_id, round_id, result, now_utc())
            self._notify(Change("household", [household_id]))

    def _write_household(
        self, h: Household, at: str, docs: tuple[dict[str, Any], list[dict[str, Any]]] | None = None
    ) -> str:
        """Writes what changed; returns the household's rev afterwards."""
        code = nfc(h.code)
        clash = self.conn.execute(
            "SELECT 1 FROM households WHERE code = ? AND deleted = 0 AND id != ?", (code, h.id)
        ).fetchone()
        if clash:
            raise StoreError(f"Mã hộ {code} đã được dùng cho một hộ khác.")
        doc, member_docs = docs or household_doc(h)
        doc = dict(doc, code=code)
        old = self.conn.execute(
            "SELECT rowid, doc, rev, deleted FROM households WHERE id = ?", (h.id,)
        ).fetchone()
        # Members reference their household: a new household row must come first.
        members_changed = self._write_members(h.id, member_docs, at) if old else True
        rev = _uuid()
        doc_text = _dumps(doc)
        fields = (code, nfc(h.village), nfc(h.head_name()), h.size(), doc_text)
        if old is None:
            cur = self.conn.execute(
                "INSERT INTO households (id, code, village, head_name, size, doc, rev, created_at,"
                " created_device, updated_at, updated_device, updated_by, deleted)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (h.id, *fields, rev, at, self.device, at, self.device, self.user),
            )
            rowid = cur.lastrowid
            self._audit(
                "households", h.id, h.id, "insert", None, doc, at, in_row=True, new_text=doc_text
            )
            self._write_members(h.id, member_docs, at)
            parent = None
        else:
            rowid, old_doc_text, parent, was_deleted = old
            old_doc = json.loads(old_doc_text)
            before, after = diff(old_doc, doc)
            if was_deleted:
                before["deleted"], after["deleted"] = True, False
            if not before and not after and not members_changed:
                return str(parent)  # nothing changed: no new revision, no history noise
            self.conn.execute(
                "UPDATE households SET code = ?, village = ?, head_name = ?, size = ?, doc = ?,"
                " rev = ?, updated_at = ?, updated_device = ?, updated_by = ?, deleted = 0"
                " WHERE id = ?",
                (*fields, rev, at, self.device, self.user, h.id),
            )
            if before or after:
                self._audit("households", h.id, h.id, "update", before, after, at)
            if old_doc.get("causes") == doc["causes"] and old_doc.get("needs") == doc["needs"]:
                self._index(rowid, h)
                self._append_rev(h.id, rev, parent, at, deleted=False)
                return rev
        if old is not None:
            self.conn.execute("DELETE FROM household_causes WHERE household_id = ?", (h.id,))
            self.conn.execute("DELETE FROM household_needs WHERE household_id = ?", (h.id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO household_causes VALUES (?, ?)", [(h.id, c) for c in h.causes]
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO household_needs VALUES (?, ?)", [(h.id, n) for n in h.needs]
        )
        self._index(rowid, h, new=old is None)
        self._append_rev(h.id, rev, parent, at, deleted=False)
        return rev

    def _index(self, rowid: int | None, h: Household, *, new: bool = False) -> None:
        text = f"{index_text(h)} {year_round_words(self.conn, h.id)}".strip()
        if not new:
            # Most edits (a note, an answer, a score) leave the searched words as they were:
            # rewriting them would write a third of a save's pages (FTS5's data, index,
            # content and size tables), each encrypted and authenticated in an encrypted file.
            held = self.conn.execute(
                "SELECT text FROM search_index WHERE rowid = ?", (rowid,)
            ).fetchone()
            if held is not None and held[0] == text:
                return
            self.conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
        self.conn.execute("INSERT INTO search_index (rowid, text) VALUES (?, ?)", (rowid, text))

    def reindex(
        self,
        household_ids: Iterable[str] = (),
        village: str | None = None,
        *,
        known: Mapping[str, Household] | None = None,
    ) -> None:
        """The search rows of these households (and of ``village``'s) again: their support,
        applications or cadre changed (``db.search.year_round_words``). ``known``: households
        the caller holds as stored (a merge's), not read and decoded again."""
        ids = set(household_ids)
        if village is not None:
            ids |= {
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM households WHERE village = ? AND deleted = 0", (village,)
                )
            }
        for hid in sorted(ids):
            found = self.conn.execute(
                "SELECT rowid FROM households WHERE id = ? AND deleted = 0", (hid,)
            ).fetchone()
            h = (known or {}).get(hid) or (self.get_household(hid) if found else None)
            if found and h is not None:
                self._index(found[0], h)

    def _append_rev(
        self, household_id: str, rev: str, parent: str | None, at: str, *, deleted: bool
    ) -> None:
        self.conn.execute(
            "INSERT INTO household_revs VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rev, household_id, parent, self.device, self.user, at, int(deleted)),
        )

    def _write_members(self, household_id: str, docs: list[dict[str, Any]], at: str) -> bool:
        ids = [d["id"] for d in docs]
        if len(set(ids)) != len(ids):
            raise StoreError("Một thành viên bị ghi hai lần trong cùng một hộ.")
        existing: dict[str, tuple[str, int, str, int]] = {}
        marks = ",".join("?" * len(ids))
        query = (
            "SELECT id, household_id, position, doc, deleted FROM members WHERE household_id = ?"
        )
        params: list[Any] = [household_id]
        if ids:
            query += f" OR id IN ({marks})"
            params += ids
        for mid, hid, position, doc_text, deleted in self.conn.execute(query, params):
            existing[mid] = (hid, position, doc_text, deleted)
        changed = False
        for position, doc in enumerate(docs):
            mid = doc["id"]
            text = _dumps(doc)
            id_number = doc.get("id_number") or None
            name = doc.get("name") or ""
            if mid not in existing:
                self.conn.execute(
                    "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    (
                        mid,
                        household_id,
                        position,
                        name,
                        id_number,
                        text,
                        at,
                        self.device,
                        at,
                        self.device,
                    ),
                )
                self._audit(
                    "members",
                    mid,
                    household_id,
                    "insert",
                    None,
                    doc,
                    at,
                    in_row=True,
                    new_text=text,
                )
                changed = True
                continue
            old_hid, old_position, old_text, deleted = existing[mid]
            if (
                old_position == position
                and not deleted
                and old_hid == household_id
                # The same content written differently (a file from an older version, a
                # merged package) is no change either: no revision, no empty history entry.
                and (old_text == text or json.loads(old_text) == doc)
            ):
                continue
            before, after = diff(json.loads(old_text), doc)
            if old_position != position:
                before["position"], after["position"] = old_position, position
            if deleted:
                before["deleted"], after["deleted"] = True, False
            if old_hid != household_id:
                before["household_id"], after["household_id"] = old_hid, household_id
            self.conn.execute(
                "UPDATE members SET household_id = ?, position = ?, name = ?, id_number = ?,"
                " doc = ?, updated_at = ?, updated_device = ?, deleted = 0 WHERE id = ?",
                (household_id, position, name, id_number, text, at, self.device, mid),
            )
            self._audit("members", mid, household_id, "update", before, after, at)
            changed = True
        for mid, (hid, _position, old_text, deleted) in existing.items():
            if hid == household_id and mid not in ids and not deleted:
                self._delete_member(mid, household_id, old_text, at)
                changed = True
        return changed

    def _delete_member(self, member_id: str, household_id: str, old_text: str, at: str) -> None:
        self.conn.execute(
            "UPDATE members SET deleted = 1, updated_at = ?, updated_device = ? WHERE id = ?",
            (at, self.device, member_id),
        )
        self._audit("members", member_id, household_id, "delete", json.loads(old_text), None, at)

    def _write_answers(
        self,
        h: Household,
        round_id: str,
        at: str,
        docs: tuple[dict[str, Any], list[dict[str, Any]]] | None = None,
        *,
        rev: str | None = None,
        checked: bool = False,
        fresh: bool = False,
    ) -> None:
        """``rev``: the household's current rev when the caller knows it; ``checked``: the
        round is known to exist; ``fresh``: the household's row was inserted in this
        transaction, so it has no answers yet."""
        if not checked and self.round(round_id) is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        doc, members = docs or household_doc(h)
        doc = dict(doc, members=members)
        text = zlib.compress(_dumps(doc).encode(), 6)
        if rev is None:
            query = "SELECT rev FROM households WHERE id = ?"
            rev = str(self.conn.execute(query, (h.id,)).fetchone()[0])
        old = None
        if not fresh:
            old = self.conn.execute(
                "SELECT id, household_rev, doc FROM answers WHERE household_id = ?"
                " AND round_id = ?",
                (h.id, round_id),
            ).fetchone()
        if old is None:
            answer_id = _uuid()
            self.conn.execute(
                "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (answer_id, h.id, round_id, rev, text, at, self.device, at, self.device),
            )
            new = {"round_id": round_id, "household_rev": rev}
            self._audit("answers", answer_id, h.id, "insert", None, new, at)
        elif zlib.decompress(old[2]) != zlib.decompress(text):
            self.conn.execute(
                "UPDATE answers SET household_rev = ?, doc = ?, updated_at = ?,"
                " updated_device = ? WHERE id = ?",
                (rev, text, at, self.device, old[0]),
            )
            self._audit(
                "answers",
                old[0],
                h.id,
                "update",
                {"household_rev": old[1]},
                {"household_rev": rev},
                at,
            )

    def _write_result(
        self,
        household_id: str,
        round_id: str,
        result: Result,
        at: str,
        *,
        rounds: list[Round] | None = None,
        fresh: bool = False,
    ) -> None:
        """``rounds``: ``self.rounds()`` when the caller has just read it; ``fresh``: the
        household's row was inserted in this transaction (no result or history of its own)."""
        from forms.classify import result_to_dict

        rounds = rounds or self.rounds()
        rnd = next((r for r in rounds if r.id == round_id), None)
        if rnd is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        transition = self._transition(household_id, rnd, result.category, rounds, fresh=fresh)
        summary = {
            "category": result.category.value,
            "b1_score": result.b1_score,
            "deprivation_count": result.deprivation_count,
            "transition": transition.value if transition else None,
            "standard_id": result.standard_id,
            "standard_version": result.standard_version,
            "engine_version": result.engine_version,
            "reasons": list(result.reasons),
        }
        doc = _dumps(result_to_dict(result))
        old = None
        if not fresh:
            old = self.conn.execute(
                "SELECT id, doc, transition FROM results WHERE household_id = ? AND round_id = ?",
                (household_id, round_id),
            ).fetchone()
        values = (
            summary["category"],
            result.b1_score,
            result.deprivation_count,
            summary["transition"],
            result.standard_id,
            result.engine_version,
            doc,
        )
        if old is None:
            result_id = _uuid()
            self.conn.execute(
                "INSERT INTO results (id, household_id, round_id, category, b1_score,"
                " deprivation_count, transition, standard_id, engine_version, doc, created_at,"
                " created_device, updated_at, updated_device)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (result_id, household_id, round_id, *values, at, self.device, at, self.device),
            )
            self._audit("results", result_id, household_id, "insert", None, summary, at)
            return
        if old[1] == doc and old[2] == summary["transition"]:
            return
        old_summary = json.loads(old[1])
        old_view = {k: old_summary.get(k) for k in summary}
        old_view["transition"] = old[2]
        before, after = diff(old_view, summary)
        self.conn.execute(
            "UPDATE results SET category = ?, b1_score = ?, deprivation_count = ?, transition = ?,"
            " standard_id = ?, engine_version = ?, doc = ?, updated_at = ?, updated_device = ?"
            " WHERE id = ?",
            (*values, at, self.device, old[0]),
        )
        if not before and not after:
            before, after = {"detail": "changed"}, {"detail": "changed"}
        self._audit("results", old[0], household_id, "update", before, after, at)
        if "category" in after:
            self._refresh_later_transitions(household_id, rnd, at)

    def _refresh_later_transitions(self, household_id: str, rnd: Round, at: str) -> None:
        """A corrected category changes the transitions of the years after it."""
        for later in self.rounds():
            if later.year <= rnd.year:
                continue
            row = self.conn.execute(
                "SELECT id, category, transition FROM results WHERE household_id = ?"
                " AND round_id = ?",
                (household_id, later.id),
            ).fetchone()
            if row is None:
                continue
            found = self._transition(household_id, later, Category(row[1]))
            value = found.value if found else None
            if value != row[2]:
                self.conn.execute(
                    "UPDATE results SET transition = ?, updated_at = ?, updated_device = ?"
                    " WHERE id = ?",
                    (value, at, self.device, row[0]),
                )
                self._audit(
                    "results",
                    row[0],
                    household_id,
                    "update",
                    {"transition": row[2]},
                    {"transition": value},
                    at,
                )

    def _transition(
        self,
        household_id: str,
        rnd: Round,
        current: Category,
        rounds: list[Round] | None = None,
        *,
        fresh: bool = False,
    ) -> Transition | None:
        """Against the household's categories in earlier years; None in a file's first year.
        ``fresh``: a household inserted in this transaction, with no earlier results."""
        from forms.transitions import transition_from_history

        earlier = [r for r in (rounds or self.rounds()) if r.year < rnd.year]
        if not earlier:
            return None
        marks = ",".join("?" * len(earlier))
        found: dict[str, Category] = {}
        if not fresh:
            found = {
                round_id: Category(category)
                for round_id, category in self.conn.execute(
                    f"SELECT round_id, category FROM results WHERE household_id = ?"
                    f" AND round_id IN ({marks})",
                    (household_id, *[r.id for r in earlier]),
                )
            }
        # One entry per year: the year's last round that classified the household.
        by_year: dict[int, Category | None] = {}
        for r in earlier:
            if r.id in found or r.year not in by_year:
                by_year[r.year] = found.get(r.id, by_year.get(r.year))
        history = [by_year[y] for y in sorted(by_year)]
        return transition_from_history(history, current)

    def delete_household(self, household_id: str) -> None:
        """Tombstone: the row stays (deleted = 1) with its history; lists no longer show it."""
        row = self.conn.execute(
            "SELECT rowid, doc, rev, deleted FROM households WHERE id = ?", (household_id,)
        ).fetchone()
        if row is None or row[3]:
            raise NotFound("Không tìm thấy hộ cần xoá.")
        self.require(Action.DELETE_HOUSEHOLD, self._village_of(household_id))
        rowid, doc_text, parent, _ = row
        at = now_utc()
        rev = _uuid()
        with self.transaction():
            for mid, text in self.conn.execute(
                "SELECT id, doc FROM members WHERE household_id = ? AND deleted = 0",
                (household_id,),
            ).fetchall():
                self._delete_member(mid, household_id, text, at)
            self.conn.execute(
                "UPDATE households SET deleted = 1, rev = ?, updated_at = ?, updated_device = ?,"
                " updated_by = ? WHERE id = ?",
                (rev, at, self.device, self.user, household_id),
            )
            self.conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
            self._audit(
                "households", household_id, household_id, "delete", json.loads(doc_text), None, at
            )
            self._append_rev(household_id, rev, parent, at, deleted=True)
            self._notify(Change("household", [household_id]))

    # --- households: reading -------------------------------------------------------------
    def get_household(self, household_id: str) -> Household | None:
        row = self.conn.execute(
            "SELECT doc FROM households WHERE id = ? AND deleted = 0", (household_id,)
        ).fetchone()
        if row is None:
            return None
        members = self._member_docs([household_id])[household_id]
        with self._naming_damage():
            return household_from_docs(row[0], members)

    def household_by_code(self, code: str) -> Household | None:
        row = self.conn.execute(
            "SELECT id FROM households WHERE code = ? AND deleted = 0", (nfc(code),)
        ).fetchone()
        return self.get_household(row[0]) if row else None

    def household_rev(self, household_id: str) -> tuple[str, bool] | None:
        """(current rev, deleted) of a household, tombstones included."""
        row = self.conn.execute(
            "SELECT rev, deleted FROM households WHERE id = ?", (household_id,)
        ).fetchone()
        return (row[0], bool(row[1])) if row else None

    def _member_docs(self, household_ids: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {hid: [] for hid in household_ids}
        marks = ",".join("?" * len(household_ids))
        for hid, doc in self.conn.execute(
            f"SELECT household_id, doc FROM members WHERE deleted = 0 AND household_id IN ({marks})"
            " ORDER BY household_id, position",
            household_ids,
        ):
            out[hid].append(doc)
        return out

    def iter_households(self, village: str | None = None) -> Iterator[Household]:
        """Every live household in code order, read in chunks (safe to write in between)."""
        last = ""
        while True:
            sql = "SELECT id, code, doc FROM households WHERE deleted = 0 AND code > ?"
            params: list[Any] = [last]
            if village is not None:
                sql += " AND village = ?"
                params.append(village)
            rows = self.conn.execute(sql + f" ORDER BY code LIMIT {_CHUNK}", params).fetchall()
            if not rows:
                return
            members = self._member_docs([r[0] for r in rows])
            with self._naming_damage():
                decoded = [household_from_docs(doc, members[hid]) for hid, _code, doc in rows]
            yield from decoded
            last = rows[-1][1]

    def results_for_round(self, round_id: str) -> Iterator[tuple[Household, Result]]:
        """(household, its result) for every live household classified in the round."""
        from forms.classify import result_from_dict

        last = ""
        while True:
            # CROSS JOIN keeps households (code order, from the index) as the outer loop: each
            # chunk then costs its own rows, not a scan of the whole round.
            rows = self.conn.execute(
                "SELECT h.id, h.code, h.doc, r.doc FROM households h CROSS JOIN results r"
                " ON r.household_id = h.id AND r.round_id = ? WHERE h.deleted = 0 AND h.code > ?"
                f" ORDER BY h.code LIMIT {_CHUNK}",
                (round_id, last),
            ).fetchall()
            if not rows:
                return
            members = self._member_docs([r[0] for r in rows])
            with self._naming_damage():
                decoded = [
                    (household_from_docs(doc, members[hid]), result_from_dict(json.loads(rdoc)))
                    for hid, _code, doc, rdoc in rows
                ]
            yield from decoded
            last = rows[-1][1]

    def result_for(self, household_id: str, round_id: str) -> Result | None:
        from forms.classify import result_from_dict

        row = self.conn.execute(
            "SELECT doc FROM results WHERE household_id = ? AND round_id = ?",
            (household_id, round_id),
        ).fetchone()
        if row is None:
            return None
        with self._naming_damage():
            return result_from_dict(json.loads(row[0]))

    def answers_for(self, household_id: str, round_id: str) -> Household | None:
        """The household as it was answered in that round (its last save in the round)."""
        from forms.codec import household_from_dict

        row = self.conn.execute(
            "SELECT doc FROM answers WHERE household_id = ? AND round_id = ? AND deleted = 0",
            (household_id, round_id),
        ).fetchone()
        if row is None:
            return None
        with self._naming_damage():
            return household_from_dict(json.loads(zlib.decompress(row[0])))

    # --- the household list ------------------------------------------------------------
    def _resolve_round(self, round_id: str | None) -> str | None:
        if round_id is not None:
            return round_id
        current = self.current_round()
        return current.id if current else None

    def _round_sql(self, q: HouseholdQuery) -> tuple[str, list[Any]]:
        """The round whose results the query shows, as SQL over ``h``: the round asked, or
        the lists in force on ``q.on`` (today) over the current round."""
        from db import report_queries

        if q.round_id is not None:
            return "?", [q.round_id]
        base = self._resolve_round(None)
        updating = report_queries.updating_rounds(self.conn, base, q.on or date.today())
        return report_queries.in_force_round(base, updating)

    def _where(
        self,
        q: HouseholdQuery,
        *,
        with_category: bool = True,
        join: bool | None = None,
        ordered_scan: bool = False,
    ) -> tuple[str, list[Any]]:
        """FROM … WHERE for the query. Results are joined only when a filter (or ``join``)
        needs them: the household indexes alone answer the common list and count.

        ``ordered_scan`` keeps SQLite from driving the query from the search matches (the
        unary ``+`` hides the rowid term from the planner), so it walks the ORDER BY index
        and stops at the page's end: see ``list_households``."""
        needs_results = (with_category and q.category is not None) or q.transition is not None
        sql = " FROM households h"
        params: list[Any] = []
        if join or (join is None and needs_results):
            round_sql, round_params = self._round_sql(q)
            sql += f" LEFT JOIN results r ON r.household_id = h.id AND r.round_id = {round_sql}"
            params += round_params
        sql += " WHERE h.deleted = 0"
        if q.village is not None:
            sql += " AND h.village = ?"
            params.append(q.village)
        if with_category and q.category is not None:
            if Category(q.category) is Category.UNDETERMINED:
                sql += " AND (r.category = ? OR r.category IS NULL)"
            else:
                sql += " AND r.category = ?"
            params.append(Category(q.category).value)
        if q.transition is not None:
            sql += " AND r.transition = ?"
            params.append(Transition(q.transition).value)
        if q.needs_resurvey:
            sql += (
                " AND h.id IN (SELECT household_id FROM meeting_votes"
                " WHERE round_id = ? AND agree * 2 < attendees)"
            )
            params.append(self._resolve_round(q.round_id))
        if q.cadre is not None:
            sql += f" AND {responsible_cadre()} = ?"
            params.append(q.cadre)
        expression = match_expression(q.text) if q.text else None
        if expression is not None:
            rowid = "+h.rowid" if ordered_scan else "h.rowid"
            sql += f" AND {rowid} IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)"
            params.append(expression)
        return sql, params

    # The last search's match count and what it was counted on (``_match_count``).
    _matches: tuple[tuple[str, int, int], int] | None = None

    def _match_count(self, expression: str) -> int:
        # FTS5 answers COUNT(*) from its doclists without touching the households table;
        # the index holds live households only (deletes remove their row).
        # A keystroke asks twice, the page to choose its plan and the list for its length
        # (3-25 ms each for two letters at 100,000 households): counted once while no write
        # of this connection (total_changes) or of another (data_version) came in between.
        version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        key = (expression, self.conn.total_changes, version)
        if self._matches is not None and self._matches[0] == key:
            return self._matches[1]
        count = int(
            self.conn.execute(
                "SELECT COUNT(*) FROM search_index WHERE search_index MATCH ?", (expression,)
            ).fetchone()[0]
        )
        self._matches = (key, count)
        return count

    def _scan_in_order(self, q: HouseholdQuery, column: str) -> bool:
        """Whether a text search should walk the ORDER BY index rather than sort its matches.

        Left to itself SQLite reads every match's household row and sorts them all: 60 ms
        for "ng" (24,000 matches) in a 100,000-household file. Walking the code index and
        testing each entry against the match list stops after one page: 10 ms. When the
        matches are few the sort is cheaper than the walk (a name matching nobody would walk
        the whole index), hence the threshold, measured at commune and district scale."""
        if not q.text or column not in ("h.code", "h.village"):
            return False
        expression = match_expression(q.text)
        return expression is not None and self._match_count(expression) > ORDERED_SCAN_MATCHES

    def list_households(self, q: HouseholdQuery) -> list[HouseholdRow]:
        column = ORDER_COLUMNS.get(q.order_by)
        if column is None:
            raise ValueError(f"cannot order households by {q.order_by!r}")
        direction = "DESC" if q.descending else "ASC"
        order = f" ORDER BY {column} {direction}, h.code {direction}"
        page = [max(0, q.limit), max(0, q.offset)]
        select = (
            "SELECT h.id, h.code, h.head_name, h.village, h.size, r.category, r.b1_score,"
            " r.deprivation_count, r.transition, h.updated_at"
        )
        if column.startswith("h.") and q.category is None and q.transition is None:
            # Page through the household indexes first; only the page's rows meet results.
            where, params = self._where(q, join=False, ordered_scan=self._scan_in_order(q, column))
            round_sql, round_params = self._round_sql(q)
            sql = (
                select + f" FROM (SELECT h.rowid AS k{where}{order} LIMIT ? OFFSET ?) page"
                " JOIN households h ON h.rowid = page.k"
                f" LEFT JOIN results r ON r.household_id = h.id AND r.round_id = {round_sql}"
                + order
            )
            params = [*params, *page, *round_params]
        else:
            where, params = self._where(q, join=True)
            sql = select + where + order + " LIMIT ? OFFSET ?"
            params = [*params, *page]
        return [row_from_sql(r) for r in self.conn.execute(sql, params)]

    def count_households(self, q: HouseholdQuery) -> int:
        expression = match_expression(q.text) if q.text else None
        only_text = (q.village, q.category, q.transition, q.cadre) == (None, None, None, None)
        if expression is not None and only_text and not q.needs_resurvey:
            return self._match_count(expression)  # 2 ms instead of 50 at 100,000 households
        where, params = self._where(q)
        return int(self.conn.execute("SELECT COUNT(*)" + where, params).fetchone()[0])

    def category_counts(self, q: HouseholdQuery) -> dict[Category, int]:
        """Households per category under the query's other filters; none yet → UNDETERMINED."""
        counts = dict.fromkeys(Category, 0)
        # Driven from the round's results (a covering index) rather than from households.
        round_sql, params = self._round_sql(q)
        unfiltered = dataclasses.replace(q, round_id=None, on=None, limit=0, offset=0)
        if round_sql == "?" and unfiltered == HouseholdQuery(limit=0, offset=0):
            # The whole commune (the status bar on opening, the search box emptied): the
            # results' index alone, less the deleted households' results, instead of meeting
            # every result with its household (70 ms of CPU at 100,000 households, 300 ms of
            # wall on a busy laptop, on the GUI thread).
            for category, n in self.conn.execute(
                "SELECT category, COUNT(*) FROM results WHERE round_id = ? GROUP BY category",
                params,
            ):
                counts[Category(category)] += n
            for category, n in self.conn.execute(
                "SELECT r.category, COUNT(*) FROM households h CROSS JOIN results r"
                " ON r.household_id = h.id AND r.round_id = ? WHERE h.deleted = 1"
                " GROUP BY r.category",
                params,
            ):
                counts[Category(category)] -= n
            total = self.count_households(q)
            counts[Category.UNDETERMINED] += total - sum(counts.values())
            return counts
        sql = (
            "SELECT r.category, COUNT(*) FROM results r JOIN households h"
            f" ON h.id = r.household_id WHERE r.round_id = {round_sql} AND h.deleted = 0"
        )
        where, more = self._where(q, with_category=False, join=False)
        sql += where.split(" WHERE h.deleted = 0", 1)[1]
        params += more  # a transition filter in there refers to this query's ``r``
        for category, n in self.conn.execute(sql + " GROUP BY r.category", params):
            counts[Category(category)] += n
        if q.transition is None:
            # Households the round has not classified yet count as undetermined.
            total = self.count_households(dataclasses.replace(q, category=None))
            counts[Category.UNDETERMINED] += total - sum(counts.values())
        return counts

    def cause_counts(self, q: HouseholdQuery) -> dict[str, int]:
        """Households per cause of poverty (``Household.causes`` ids) under the query."""
        return self._tag_counts("household_causes", "cause_id", q)

    def need_counts(self, q: HouseholdQuery) -> dict[str, int]:
        """Households per need (``Household.needs`` ids) under the query."""
        return self._tag_counts("household_needs", "need_id", q)

    def _tag_counts(self, table: str, column: str, q: HouseholdQuery) -> dict[str, int]:
        where, params = self._where(q)
        sql = (
            f"SELECT t.{column}, COUNT(*) FROM {table} t JOIN"
            f" (SELECT h.id{where}) k ON k.id = t.household_id GROUP BY t.{column} ORDER BY 1"
        )
        return dict(self.conn.execute(sql, params))

    def search(self, text: str, limit: int = 50) -> list[HouseholdRow]:
        """Diacritic- and case-insensitive prefix search over names, ID numbers, codes and
        villages; every typed word must match. At most ``limit`` rows, in code order."""
        expression = match_expression(text)
        if expression is None:
            return []
        round_sql, round_params = self._round_sql(HouseholdQuery())
        rows = self.conn.execute(
            "SELECT h.id, h.code, h.head_name, h.village, h.size, r.category, r.b1_score,"
            " r.deprivation_count, r.transition, h.updated_at FROM"
            " (SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT ?) s"
            " JOIN households h ON h.rowid = s.rowid"
            f" LEFT JOIN results r ON r.household_id = h.id AND r.round_id = {round_sql}"
            " WHERE h.deleted = 0",
            (expression, limit, *round_params),
        ).fetchall()
        return sorted((row_from_sql(r) for r in rows), key=lambda r: r.code)

    # --- village meeting, posting, complaints, decision --------------------------------
    def _village_of(self, household_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT village FROM households WHERE id = ?", (household_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def household_stored(self, household_id: str) -> bool:
        """Whether the household is saved and not deleted."""
        return (
            self.conn.execute(
                "SELECT 1 FROM households WHERE id = ? AND deleted = 0", (household_id,)
            ).fetchone()
            is not None
        )

    def _household_exists(self, household_id: str) -> None:
        if not self.household_stored(household_id):
            raise NotFound("Không tìm thấy hộ.")

    def save_meeting_vote(
        self,
        household_id: str,
        round_id: str,
        *,
        agree: int,
        attendees: int,
        note: str = "",
        meeting_date: date | None = None,
    ) -> MeetingVote:
        self.require(Action.MEETING)
        if agree < 0 or attendees < 0:
            raise StoreError("Số người không được âm.")
        if agree > attendees:
            raise StoreError(f"Số người đồng ý ({agree}) lớn hơn số người dự họp ({attendees}).")
        self._household_exists(household_id)
        if self.round(round_id) is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        when = meeting_date or date.today()
        at = now_utc()
        with self.transaction():
            old = self._vote_row(household_id, round_id)
            new: dict[str, Any] = {
                "agree": agree,
                "attendees": attendees,
                "note": nfc(note),
                "meeting_date": when.isoformat(),
            }
            if old is None:
                vote_id = _uuid()
                self.conn.execute(
                    "INSERT INTO meeting_votes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        vote_id,
                        household_id,
                        round_id,
                        agree,
                        attendees,
                        new["note"],
                        new["meeting_date"],
                        at,
                        self.device,
                        at,
                        self.device,
                    ),
                )
                self._audit("meeting_votes", vote_id, household_id, "insert", None, new, at)
            else:
                vote_id = old[0]
                before, after = diff(
                    {"agree": old[1], "attendees": old[2], "note": old[3], "meeting_date": old[4]},
                    new,
                )
                if before or after:
                    self.conn.execute(
                        "UPDATE meeting_votes SET agree = ?, attendees = ?, note = ?,"
                        " meeting_date = ?, updated_at = ?, updated_device = ? WHERE id = ?",
                        (
                            agree,
                            attendees,
                            new["note"],
                            new["meeting_date"],
                            at,
                            self.device,
                            vote_id,
                        ),
                    )
                    self._audit("meeting_votes", vote_id, household_id, "update", before, after, at)
            self._notify(Change("meeting", [household_id]))
        return MeetingVote(vote_id, household_id, round_id, agree, attendees, new["note"], when)

    def _vote_row(self, household_id: str, round_id: str) -> tuple[Any, ...] | None:
        """(id, agree, attendees, note, meeting_date) of the household's vote in the round."""
        row: tuple[Any, ...] | None = self.conn.execute(
            "SELECT id, agree, attendees, note, meeting_date FROM meeting_votes"
            " WHERE household_id = ? AND round_id = ?",
            (household_id, round_id),
        ).fetchone()
        return row

    def delete_meeting_vote(self, household_id: str, round_id: str) -> MeetingVote:
        """Removes the household's vote in the round (typed on the wrong household): the
        household is back to not yet voted. Returns the vote removed; its values stay in the
        audit log."""
        self.require(Action.MEETING)
        with self.transaction():
            row = self._vote_row(household_id, round_id)
            if row is None:
                raise NotFound("Không tìm thấy kết quả biểu quyết cần xoá của hộ này.")
            vote_id, agree, attendees, note, meeting_date = row
            self.conn.execute("DELETE FROM meeting_votes WHERE id = ?", (vote_id,))
            old = {
                "agree": agree,
                "attendees": attendees,
                "note": note,
                "meeting_date": meeting_date,
            }
            self._audit("meeting_votes", vote_id, household_id, "delete", old, None, now_utc())
            self._notify(Change("meeting", [household_id]))
        return MeetingVote(
            vote_id,
            household_id,
            round_id,
            agree,
            attendees,
            note,
            date.fromisoformat(meeting_date),
        )

    def meeting_votes(
        self, round_id: str, village: str | None = None, household_id: str | None = None
    ) -> list[MeetingVote]:
        """The round's votes, of one village or of one household (the editor's note: a
        village's votes are thousands of rows in a district file)."""
        sql = (
            "SELECT v.id, v.household_id, v.round_id, v.agree, v.attendees, v.note,"
            " v.meeting_date FROM meeting_votes v JOIN households h ON h.id = v.household_id"
            " WHERE v.round_id = ? AND h.deleted = 0"
        )
        params: list[Any] = [round_id]
        if village is not None:
            sql += " AND h.village = ?"
            params.append(village)
        if household_id is not None:
            sql += " AND v.household_id = ?"
            params.append(household_id)
        return [
            MeetingVote(r[0], r[1], r[2], r[3], r[4], r[5], date.fromisoformat(r[6]))
            for r in self.conn.execute(sql + " ORDER BY h.code", params)
        ]

    def meeting_agenda(
        self,
        round_id: str,
        village: str,
        *,
        categories: Iterable[Category],
        transitions: Iterable[Transition],
    ) -> list[tuple[HouseholdRow, MeetingVote | None]]:
        """The village's households put to its meeting: in the round, any of ``categories``
        or ``transitions``; in code order, each once, with its vote so far. One query (a
        village of 3,800 proposed households in a 100,000-household file: about 0.1 s)."""
        cats = [Category(c).value for c in categories]
        trans = [Transition(t).value for t in transitions]
        sql = (
            "SELECT h.id, h.code, h.head_name, h.village, h.size, r.category, r.b1_score,"
            " r.deprivation_count, r.transition, h.updated_at,"
            " v.id, v.agree, v.attendees, v.note, v.meeting_date"
            " FROM households h JOIN results r ON r.household_id = h.id AND r.round_id = ?"
            " LEFT JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id"
            " WHERE h.deleted = 0 AND h.village = ?"
            f" AND (r.category IN ({','.join('?' * len(cats)) or 'NULL'})"
            f" OR r.transition IN ({','.join('?' * len(trans)) or 'NULL'}))"
            " ORDER BY h.code"
        )
        agenda: list[tuple[HouseholdRow, MeetingVote | None]] = []
        for r in self.conn.execute(sql, [round_id, village, *cats, *trans]):
            vote = None
            if r[10] is not None:
                vote = MeetingVote(
                    r[10], r[0], round_id, r[11], r[12], r[13], date.fromisoformat(r[14])
                )
            agenda.append((row_from_sql(r[:10]), vote))
        return agenda

    def save_posting(self, round_id: str, village: str, start: date, end: date) -> Posting:
        self.require(Action.POSTING)
        if end < start:
            raise StoreError("Ngày kết thúc niêm yết phải sau ngày bắt đầu.")
        if self.round(round_id) is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        at = now_utc()
        with self.transaction():
            old = self.conn.execute(
                "SELECT id FROM postings WHERE round_id = ? AND village = ?", (round_id, village)
            ).fetchone()
            posting_id = old[0] if old else _uuid()
            self.conn.execute(
                "INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id,"
                " village) DO UPDATE SET start_date = excluded.start_date,"
                " end_date = excluded.end_date, updated_at = excluded.updated_at,"
                " updated_device = excluded.updated_device",
                (
                    posting_id,
                    round_id,
                    village,
                    start.isoformat(),
                    end.isoformat(),
                    at,
                    self.device,
                    at,
                    self.device,
                ),
            )
            self._audit(
                "postings",
                posting_id,
                None,
                "update" if old else "insert",
                None,
                {"village": village, "start": start.isoformat(), "end": end.isoformat()},
                at,
            )
            self._notify(Change("posting", [posting_id]))
        return Posting(posting_id, round_id, village, start, end)

    def postings(self, round_id: str) -> list[Posting]:
        return [
            Posting(r[0], r[1], r[2], date.fromisoformat(r[3]), date.fromisoformat(r[4]))
            for r in self.conn.execute(
                "SELECT id, round_id, village, start_date, end_date FROM postings"
                " WHERE round_id = ? ORDER BY village",
                (round_id,),
            )
        ]

    def add_complaint(
        self,
        round_id: str,
        household_id: str | None,
        complainant: str,
        content: str,
        received: date,
    ) -> Complaint:
        self.require(Action.COMPLAINTS)
        complainant, content = nfc(complainant), nfc(content)
        if not complainant or not content:
            raise StoreError("Hãy nhập người khiếu nại và nội dung khiếu nại.")
        if household_id:
            self._household_exists(household_id)
        if self.round(round_id) is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        c = Complaint(_uuid(), round_id, household_id or None, complainant, content, received)
        at = now_utc()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)",
                (
                    c.id,
                    round_id,
                    c.household_id,
                    complainant,
                    content,
                    received.isoformat(),
                    at,
                    self.device,
                    at,
                    self.device,
                ),
            )
            self._audit(
                "complaints",
                c.id,
                c.household_id,
                "insert",
                None,
                {"complainant": complainant, "content": content, "received": received.isoformat()},
                at,
            )
            self._notify(Change("complaint", [c.id]))
        return c

    def resolve_complaint(self, complaint_id: str, outcome: str) -> None:
        self.require(Action.COMPLAINTS)
        outcome = nfc(outcome)
        row = self.conn.execute(
            "SELECT household_id, outcome FROM complaints WHERE id = ?", (complaint_id,)
        ).fetchone()
        if row is None:
            raise NotFound("Không tìm thấy khiếu nại.")
        at = now_utc()
        with self.transaction():
            self.conn.execute(
                "UPDATE complaints SET outcome = ?, resolved_at = ?, updated_at = ?,"
                " updated_device = ? WHERE id = ?",
                (outcome, at, at, self.device, complaint_id),
            )
            self._audit(
                "complaints",
                complaint_id,
                row[0],
                "update",
                {"outcome": row[1]},
                {"outcome": outcome},
                at,
            )
            self._notify(Change("complaint", [complaint_id]))

    def complaints(self, round_id: str) -> list[Complaint]:
        return [
            Complaint(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]), r[6], r[7])
            for r in self.conn.execute(
                "SELECT id, round_id, household_id, complainant, content, received, outcome,"
                " resolved_at FROM complaints WHERE round_id = ? ORDER BY received, created_at",
                (round_id,),
            )
        ]

    def save_decision(self, round_id: str, number: str, date: date, signer: str) -> Decision:
        self.require(Action.DECISION)
        number, signer = nfc(number), nfc(signer)
        if not number or not signer:
            raise StoreError("Hãy nhập số quyết định và người ký.")
        if self.round(round_id) is None:
            raise NotFound("Không tìm thấy kỳ rà soát.")
        at = now_utc()
        new = {"number": number, "date": date.isoformat(), "signer": signer}
        with self.transaction():
            old = self.conn.execute(
                "SELECT id, number, date, signer FROM decisions WHERE round_id = ?", (round_id,)
            ).fetchone()
            if old is None:
                decision_id = _uuid()
                self.conn.execute(
                    "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        decision_id,
                        round_id,
                        number,
                        new["date"],
                        signer,
                        at,
                        self.device,
                        at,
                        self.device,
                    ),
                )
                self._audit("decisions", decision_id, None, "insert", None, new, at)
            else:
                decision_id = old[0]
                before, after = diff({"number": old[1], "date": old[2], "signer": old[3]}, new)
                if before or after:
                    self.conn.execute(
                        "UPDATE decisions SET number = ?, date = ?, signer = ?, updated_at = ?,"
                        " updated_device = ? WHERE id = ?",
                        (number, new["date"], signer, at, self.device, decision_id),
                    )
                    self._audit("decisions", decision_id, None, "update", before, after, at)
            self._notify(Change("decision", [decision_id]))
        return Decision(decision_id, round_id, number, date, signer)

    def decision(self, round_id: str) -> Decision | None:
        r = self.conn.execute(
            "SELECT id, round_id, number, date, signer FROM decisions WHERE round_id = ?",
            (round_id,),
        ).fetchone()
        return Decision(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4]) if r else None

    # --- the file's checks --------------------------------------------------------------
    def damaged_records(self) -> list[tuple[str, str]]:
        """The deep check: (household code, what) for every stored document that no longer
        decodes (``db.deep_check``); empty when all decode."""
        from db.deep_check import bad_documents

        return bad_documents(self.conn)

    def _naming_damage(self) -> AbstractContextManager[None]:
        from db.deep_check import naming_damage

        return naming_damage(self.conn, self.path)

    def integrity_problems(self) -> list[str]:
        """Empty when ``PRAGMA integrity_check`` and the foreign keys are fine."""
        problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        for table, rowid, parent, _ in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} rowid {rowid}: missing row in {parent}")
        return problems


def _open_check(conn: driver.Connection, path: Path) -> str:
    """The check made when a file is opened: '' when fine, else what SQLite found.

    Full check for a commune-size file; a district-size merge (100,000 households, ~1.5 GB)
    would wait ~20 s, so it gets quick_check (every page and row, not the index/table
    agreement); `rasoat db check` always runs the full check.
    """
    pragma = "integrity_check" if path.stat().st_size <= FULL_CHECK_LIMIT else "quick_check"
    problems = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
    return "" if problems == ["ok"] else "; ".join(problems)[:500]


def is_large_file(path: str | Path) -> bool:
    """District-size: opening checks it with quick_check only, and a GUI defers even that."""
    try:
        return Path(path).stat().st_size > FULL_CHECK_LIMIT
    except OSError:
        return False


def check_file(path: str | Path) -> DatabaseDamaged | None:
    """The open-time check on a read-only connection of its own (safe from a worker thread
    while a Store has the file open): None when fine, else the error to show the user."""
    path = Path(path)
    try:
        conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except driver.Error as exc:
        return DatabaseDamaged(path, backup.newest_good(path), str(exc))
    try:
        problems = _open_check(conn, path)
    except driver.DatabaseError as exc:
        problems = str(exc)
    finally:
        conn.close()
    return DatabaseDamaged(path, backup.newest_good(path), problems) if problems else None
