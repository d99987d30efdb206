"""One commune's data in one SQLite file: the only door to it (Anki's Collection, smaller).

Everything takes and returns plain dataclasses (``forms.model``, ``forms.classify.Result``,
``db.records``); SQL stays in ``db/``. Every write runs in one transaction that also writes
its audit rows, and listeners hear about it after the commit (``subscribe``).

This module keeps the file (create, open, check, checkpoint, close), the one connection,
``transaction()``, the audit and change hooks (``record_change``, ``audit_batch``, ``notify``)
and the user; the work is done by its parts, ``db/store_*.py``, reached as ``store.setup``,
``store.households``, ``store.results``, ``store.lists``, ``store.review`` and
``store.history``. The calls the application makes (``store.save_household(…)``) are one line
each into those parts (``db.store_calls``).
"""

from __future__ import annotations

import errno
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlite_utils

from db import at_rest, audit, backup, driver, private_tmp, users
from db.errors import (
    AlreadyExists,
    DatabaseDamaged,
    FileMissing,
    NotACommuneFile,
    OlderVersion,
    ReadOnlyPlace,
    StoreError,
    TooNewVersion,
    WalGoneElsewhere,
)
from db.migrations import LATEST, STEPS, m0012_audit_chain, migrate
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
    Upgrade,
    Village,
)
from db.store_calls import StoreCalls
from db.store_history import History
from db.store_households import Households
from db.store_lists import ORDERED_SCAN_MATCHES, Lists
from db.store_results import Results
from db.store_review import Review
from db.store_setup import Setup
from db.store_stamps import dumps, now_utc
from forms.model import Area, nfc
from forms.roles import Action, User
from forms.validate import printable

if TYPE_CHECKING:
    from db import deep_check

__all__ = [
    "APPLICATION_ID",
    "ORDERED_SCAN_MATCHES",
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
FULL_CHECK_LIMIT = 256 * 2**20  # bytes; about 15,000 households
# Opening while another program's -wal is gone (WalGoneElsewhere) is tried this many times,
# WAL_GONE_WAIT seconds apart: that program may be writing its saves back at this moment.
WAL_GONE_TRIES = 5
WAL_GONE_WAIT = 0.2
MAX_SOURCE = 200  # characters of an audit row's source (a package's or workbook's name)


def _connect(path: Path, key: bytes | None = None) -> driver.Connection:
    # Autocommit mode: transactions are ours (BEGIN IMMEDIATE in Store.transaction).
    conn = driver.connect(str(path), key=key, isolation_level=None, timeout=10)
    return conn


def _configure(conn: driver.Connection, *, wal: bool = True) -> None:
    """``wal=False``: the journal mode left as the file has it (``Store.open(upgrade=False)``
    on a file still in rollback mode: switching rewrites its header)."""
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a save that returned survives a power cut too, not only a crash of the app.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")
    # Savepoints (nested transactions) keep their journals in memory, not in temp files.
    conn.execute("PRAGMA temp_store = MEMORY")


def _in_wal_mode(conn: driver.Connection) -> bool:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"


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


def _write_failure(path: Path, exc: BaseException) -> StoreError | None:
    """The error to raise for a write SQLite refused for a reason the user can fix."""
    if not isinstance(exc, driver.OperationalError):
        return None
    text = str(exc)
    if "full" in text:
        return StoreError(
            f"Ổ đĩa đã đầy, không lưu được vào {path}. Hãy giải phóng chỗ trống rồi lưu lại."
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyPlace(path)
    if "locked" in text or "busy" in text:
        return StoreError(f"Tệp {path} đang được một chương trình khác ghi; hãy thử lại sau.")
    if "disk I/O error" in text:
        # What a pulled-out stick or a failing card gives: the write did not happen.
        return StoreError(
            f"Không ghi được vào tệp {path} (lỗi đọc ghi ổ đĩa: USB hay thẻ nhớ bị rút ra, "
            "hoặc hỏng?). Lần lưu này chưa được ghi; những lần lưu trước không bị ảnh hưởng. "
            "Hãy cắm lại, đóng rồi mở lại tệp, và nhập lại thay đổi vừa rồi."
        )
    return None


def read_only_place(path: Path, *, probe: bool = True) -> ReadOnlyPlace | None:
    """A file that cannot be written where it lies (a write-protected stick, a read-only
    mount or share, a CD), said as that, never as damage (whose way out, a restore, the file
    does not need) nor as another program's file: SQLite cannot open a file in WAL mode there
    (its ``-shm`` cannot be made), or opens it read-only when its ``-wal`` and ``-shm`` lie
    beside it (its last session did not end there), and every save, "last seen" and close
    then fails. The system's word first (``os.access``: a read-only mount, a read-only file,
    an immutable one, even for root); ``probe``: after SQLite failed, a file is tried in
    the folder too (``backup.folder_refuses``), since on Windows ``os.access`` looks only at
    a file's read-only attribute and a write-protected stick has none. Not at every opening:
    the probe is a file made and removed in the officer's folder."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return ReadOnlyPlace(path)
    if probe and backup.folder_refuses(path.parent) in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyPlace(path)
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
        # Set by ``open`` when it upgraded an older file (the user is told: ``Upgrade``).
        self.upgraded: Upgrade | None = None
        # False: a file in rollback mode opened as it is (``open(upgrade=False)``), which has
        # no -wal to watch (``_recover_vanished_wal``).
        self.in_wal = True
        # How many rolling backups close() keeps; None: db.backup's default. The desktop
        # sets it from the user's settings (storage does not read settings itself).
        self.backups_kept: int | None = None
        # Another process that checks a part of that backup's documents
        # (``backup.make_backup``'s ``helper``): ``rasoat merge`` sets its idle reader.
        self.backup_helper: deep_check.Helper | None = None
        # Users and roles (db.users): whether the file has users, who signed in, and whether
        # the write under way is only an audit event (which needs no role).
        self.has_users = False
        self.signed_in: User | None = None
        self.writing_event = False
        # Audit rows of a save not yet appended (``audit_batch``): one chain append a save.
        self._audit_rows: list[audit.Row] | None = None
        # "Last seen" not yet written (``open(seen=False)``): written by the first
        # transaction that commits, so a Store that ends up writing nothing leaves the file
        # as it found it.
        self._unseen = False
        # The parts (Anki's col.decks, col.models…): each reaches the connection, the
        # transaction and the others through this Store, never holding a connection itself
        # (``_recover_vanished_wal`` replaces it).
        self.setup = Setup(self)
        self.households = Households(self)
        self.results = Results(self)
        self.lists = Lists(self)
        self.review = Review(self)
        self.history = History(self)

    # --- opening and closing -----------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path,
        commune: CommuneInfo,
        *,
        user: str,
        device: str,
        key: bytes | None = None,
    ) -> Store:
        """A new commune file at ``path``; ``key``: encrypted from its first page under that
        raw key (remembered for it: ``db.driver.remember``), as the upper level's temporary
        copy of a package is, so that a process killed leaves no personal data readable."""
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            raise AlreadyExists(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if key is not None:
            driver.remember(path, key)
        # Owner-only before SQLite writes into it; its -wal, -shm and journals take its mode.
        private_tmp.owner_only(path, create=True)
        conn = _connect(path, key)
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
                store.notify(Change("commune", []))
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
        seen: bool = True,
        upgrade: bool = True,
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

        ``seen=False``: the user is recorded as last seen (``surveyors``) by the first write
        that commits, not at opening, so a use that may end in a refusal (an import) leaves
        a file it did not write to byte-identical.

        ``upgrade=False``: an older file is neither backed up nor migrated: ``OlderVersion``
        is raised once its header, key and version are read, nothing set or checked yet
        (``rasoat db check`` then checks it as it is, ``db.as_is_check``); a file still in
        rollback-journal mode is not switched to WAL (``in_wal`` False).
        """
        path = Path(path)
        for attempt in range(WAL_GONE_TRIES):
            try:
                return cls._open_once(
                    path,
                    user=user,
                    device=device,
                    check=check,
                    key=key,
                    seen=seen,
                    upgrade=upgrade,
                )
            except WalGoneElsewhere:
                if attempt == WAL_GONE_TRIES - 1:
                    raise
                time.sleep(WAL_GONE_WAIT)
        raise AssertionError("unreachable")

    @classmethod
    def _open_once(
        cls,
        path: Path,
        *,
        user: str,
        device: str,
        check: bool,
        key: bytes | None = None,
        seen: bool = True,
        upgrade: bool = True,
    ) -> Store:
        key = _key_to_read(path, key)
        if (read_only := read_only_place(path, probe=False)) is not None:
            # Refused before SQLite opens it: with a -wal and -shm beside it (a session that
            # did not end there) SQLite opens it read-only without a word, every listing then
            # ended in a close that could not write ("attempt to write a readonly database")
            # and an import with nothing to write said it was saved.
            raise read_only
        conn = _connect(path, key)
        try:
            try:
                app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            except driver.DatabaseError as exc:
                if key is not None and "not a database" in str(exc):
                    raise at_rest.WrongPassphrase(path) from exc
                raise
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            upgraded: Upgrade | None = None
            refuse_foreign_or_newer(path, app_id, version)
            if version < LATEST and not upgrade:
                # Before _configure: even the journal mode (WAL) is not set on such a file.
                raise OlderVersion(path, version, LATEST)
            # A file still in rollback mode is switched to WAL (its header rewritten), except
            # by an opening that keeps the file as it is (``upgrade=False``).
            in_wal = upgrade or _in_wal_mode(conn)
            _configure(conn, wal=in_wal)
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
                if key is not None:
                    # The key (right: the file's header read under it) before the backup,
                    # whose copy is checked by path: else an encrypted file opened in a new
                    # process (the window's passphrase) could not be upgraded.
                    driver.remember(path, key)
                kept = backup.make_backup(path, "migration", conn, deep=False)
                migrate(conn)
                upgraded = Upgrade(path, version, LATEST, kept)
            store = cls(path, conn, user, device)
            store.upgraded = upgraded
            store.in_wal = in_wal
            if seen:
                with store.transaction():
                    store._seen()
            else:
                store._unseen = True
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
            failure = _write_failure(path, exc)
            if failure is not None:
                raise failure from exc
            if (read_only := read_only_place(path)) is not None:
                raise read_only from exc
            raise DatabaseDamaged(path, backup.newest_good(path), str(exc)) from exc
        except driver.DatabaseError as exc:
            conn.close()
            if _wal_gone_elsewhere(path, exc):
                raise WalGoneElsewhere(path) from exc
            if (read_only := read_only_place(path)) is not None:
                raise read_only from exc
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
                    backup.make_backup(self.path, "close", self.conn, helper=self.backup_helper)
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
        if self._closed or self._depth or not self.in_wal:
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
            # Often a file's name (a package, a workbook), which may hold anything: the audit
            # log is append-only, and an ESC kept there made every later Excel of it fail.
            self._source = printable(source, MAX_SOURCE)
        pending_before = len(self._pending)
        try:
            if depth == 0 and self._unseen:
                self._seen()  # kept only if this transaction commits (``open(seen=False)``)
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
            failure = _write_failure(self.path, exc)
            if failure is not None and depth == 0:
                raise failure from exc
            raise
        else:
            if depth == 0:
                try:
                    self.conn.execute("COMMIT")
                    self._unseen = False
                except driver.OperationalError as exc:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    self._pending.clear()
                    failure = _write_failure(self.path, exc)
                    if failure is None:
                        raise
                    raise failure from exc
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

    def notify(self, change: Change) -> None:
        """Tell the listeners about ``change`` once the transaction under way commits (every
        write of the Store's parts and of ``db`` modules over a Store calls it)."""
        self._pending.append(change)

    @property
    def source(self) -> str | None:
        """The ``source`` of the transaction under way (``transaction(source=…)``), written on
        its audit rows; None outside one or when it gave none."""
        return self._source

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

    def record_change(
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
        """One changed row into the audit log, inside the transaction under way: by the user
        and device of this Store, with the transaction's ``source``. ``old``/``new``: the
        changed fields' values before and after (None for an insert's ``old`` or a delete's
        ``new``).

        ``in_row``: the insert of a household or member row, whose new value is the row's
        own document. The audit row points at it instead of holding a second copy; a trigger
        copies the document in before the row first changes (migration m0005). Appended to
        the hash chain by ``db.audit.append``, the one way into the log. ``new_text``: ``new``
        as the caller has just encoded it for the row itself (the same text; encoded once)."""
        if new_text is None and new is not None:
            new_text = dumps(new)
        row = audit.Row(
            at,
            self.user,
            self.device,
            table,
            row_id,
            household_id,
            action,
            None if old is None else dumps(old),
            None if in_row else new_text,
            self._source,
            new_text if in_row else None,
        )
        if self._audit_rows is not None:
            self._audit_rows.append(row)
        else:
            audit.append(self.conn, [row])

    @contextmanager
    def audit_batch(self) -> Iterator[None]:
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

    # --- the commune and who opened its file ---------------------------------------------
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

    # --- the file's checks --------------------------------------------------------------
    def damaged_records(self) -> list[tuple[str, str]]:
        """The deep check: (household code, what) for every stored document that no longer
        decodes (``db.deep_check``); empty when all decode."""
        from db.deep_check import bad_documents

        return bad_documents(self.conn)

    def integrity_problems(self) -> list[str]:
        """Empty when ``PRAGMA integrity_check`` and the foreign keys are fine."""
        return integrity_problems_of(self.conn)


def integrity_problems_of(conn: driver.Connection) -> list[str]:
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    problems = [] if problems == ["ok"] else problems
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
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


def not_a_file(path: Path) -> StoreError:
    """Why ``path``, which is no regular file, cannot be a commune file: a folder, a device or
    a pipe (/dev/null was said to be "not found", the stick pulled out), or nothing there."""
    if path.is_dir():
        return StoreError(f"{path} là một thư mục, không phải tệp dữ liệu xã: hãy chọn tệp xã.")
    if path.exists():
        return StoreError(
            f"{path} là một thiết bị hoặc đường ống, không phải tệp dữ liệu xã: hãy chọn tệp xã."
        )
    return FileMissing(path)


def _key_to_read(path: Path, key: bytes | None) -> bytes | None:
    """The key ``path`` is read with (None: a plain file, where a key would make SQLite read
    it as encrypted), or what its name and header refuse: no file there, not a commune file
    (a damaged one when it has backups), an encrypted one with no key given or known."""
    if not path.is_file():
        raise not_a_file(path)
    with path.open("rb") as f:
        head = f.read(len(_HEADER))
    if head == _HEADER:
        return None
    key = key if key is not None else driver.known_key(path)
    if key is None and not at_rest.is_encrypted(path):
        if backup.latest_backup(path) is not None:
            raise DatabaseDamaged(path, backup.newest_good(path), "bad header")
        raise NotACommuneFile(path)
    if key is None:
        raise at_rest.PassphraseNeeded(path)
    return key


def refuse_foreign_or_newer(path: Path, app_id: int, version: int) -> None:
    """Another program's SQLite file, or a commune file a newer Rà soát made (its schema
    this version cannot read), as its ``application_id`` and ``user_version`` say."""
    if app_id != APPLICATION_ID:
        raise NotACommuneFile(path)
    if version > LATEST:
        raise TooNewVersion(path, version, LATEST)


def check_openable(path: str | Path) -> None:
    """Raises what ``Store.open`` refuses before reading anything of the file (not there,
    not a commune file, made by a newer Rà soát: ``TooNewVersion``), read on a read-only
    connection that writes nothing. For a command that asks for a password (a package's, a
    new one) before opening the file: a file it cannot open is said before the officer
    types anything, not after. An encrypted file is read with its key known to this process
    (``rasoat.unlock`` asks its passphrase first: nothing of it is readable before), and
    raises ``PassphraseNeeded`` without one. A file on a place that cannot be written
    (``ReadOnlyPlace``), which ``Store.open`` refuses as soon as it has read the header, is
    refused here too, before a package's password is typed for nothing. What this
    connection cannot read (damage, a wrong key) is left to ``Store.open``, which says it in
    full."""
    path = Path(path)
    key = _key_to_read(path, None)
    if (read_only := read_only_place(path, probe=False)) is not None:
        raise read_only
    try:
        conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, key=key)
        try:
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except driver.Error:
        return
    refuse_foreign_or_newer(path, app_id, version)


def check_file(path: str | Path) -> StoreError | None:
    """The open-time check on a read-only connection of its own (safe from a worker thread
    while a Store has the file open): None when fine, else the error to show the user (a
    file gone from where it was, a stick pulled out, is missing, not damaged; a folder or a
    device is neither; a file SQLite cannot open on a place that cannot be written, a
    write-protected stick, is ``ReadOnlyPlace``)."""
    path = Path(path)
    if not path.is_file():
        return not_a_file(path)
    try:
        conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except driver.Error as exc:
        return _unreadable(path, exc)
    try:
        problems = _open_check(conn, path)
    except driver.DatabaseError as exc:
        return _unreadable(path, exc)
    except FileNotFoundError:  # its size asked for after it went
        return FileMissing(path)
    finally:
        conn.close()
    return DatabaseDamaged(path, backup.newest_good(path), problems) if problems else None


def _unreadable(path: Path, exc: driver.Error) -> StoreError:
    """Why ``check_file`` could not read the file at ``path``: gone (between the two); not
    opened on a place that cannot be written (SQLite cannot make its ``-shm`` there: it was
    never read, so nothing says it is damaged); else damaged, as SQLite's own verdict of its
    pages (corrupt, not a database) always is."""
    if not path.is_file():
        return FileMissing(path)
    code = getattr(exc, "sqlite_errorcode", None)
    judged = code is not None and code & 0xFF in (driver.SQLITE_CORRUPT, driver.SQLITE_NOTADB)
    if not judged and (read_only := read_only_place(path)) is not None:
        return read_only
    return DatabaseDamaged(path, backup.newest_good(path), str(exc))


# The schema step that chained the audit log (m0012): an older file has no chain to verify.
AUDIT_CHAIN_FROM = STEPS.index(m0012_audit_chain.apply) + 1
