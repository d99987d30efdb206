"""The audit log: every row appended through one function, hash-chained, and checked.

Every audit row (a data change written by ``Store.record_change`` or a merge's batch, or an *event*
recorded by ``record_event``: a round started, a package exported or imported, a restore, a
settings change, a printed document) goes in through ``append`` (or ``append_inserts``, the
same for a merge's new households and members), which gives it its ``hash``:

    hash = SHA-256(previous row's hash || canonical(row))

the first row's previous hash being 32 zero bytes. ``canonical(row)`` is the UTF-8 JSON array
``[id, at, user, device, tbl, row_id, household_id, action, old, new, source]`` (no spaces, not
ASCII-escaped), where ``old`` and ``new`` are the stored JSON *texts*, and ``new`` is the
row's effective new value: for an insert row with ``new_in_row`` = 1 (m0005) the document of
the row it points at, which the m0005/m0006 triggers later copy into ``new`` unchanged, so
that copy leaves the hash valid. ``new_in_row`` itself is not covered for that reason.

The chain is computed here, in Python, inside the writing transaction, not by a trigger
calling a registered SQLite function: every audit row is written by our Python code (the
triggers only copy a document into a row that exists), so a trigger would buy nothing but a
second write of every row (AFTER INSERT … UPDATE audit SET hash) and a function to register
on every connection, the read-only check connections included. A row inserted by another
tool has no hash (or a wrong one) and ``verify`` names it.

The encoding is part of the file format: changing it needs a new migration re-chaining the
log (m0011 chained the rows written before the chain existed).

What the chain proves: no row of the log was changed or removed with a tool other than this
program (``sqlite3``, a DB browser) since it was written, short of someone recomputing every
hash after it, which needs knowing this encoding (the chain has no secret key; see
``docs/privacy.md``). It does not prove every change of the data went through the log.
That is what ``verify`` checks, walking the whole log; ``verify_recent`` (the saved log
documents) checks less, from a checkpoint, and the documents say what (below).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from db import driver
from db.bulk import insert_rows, literal
from db.store_stamps import dumps

if TYPE_CHECKING:
    from db.store import Store

GENESIS = bytes(32)
# The ``tbl`` of an event row: its ``row_id`` is the event's kind, ``new`` its details.
EVENTS = "events"

# Event kinds, with what the log screen and report call them.
EVENT_KINDS: dict[str, str] = {
    "round_started": "Mở kỳ rà soát",
    "export": "Xuất gói dữ liệu",
    "excel_import": "Nhập danh sách từ Excel",
    "restore": "Khôi phục từ bản sao lưu",
    "settings": "Đổi thiết lập",
    "print": "In / lưu tài liệu",
    "purge": "Xoá hẳn dữ liệu cá nhân của hộ",
    "erase_member": "Xoá dữ liệu cá nhân của một người",
    "person_lookup": "Tra cứu dữ liệu về một người",
}

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

# The effective new value of a row: its own ``new``, or the document of the row it points at.
EFFECTIVE_NEW = (
    "CASE WHEN a.new_in_row = 0 THEN a.new WHEN a.tbl = 'households' THEN"
    " (SELECT doc FROM households h WHERE h.id = a.row_id)"
    " ELSE (SELECT doc FROM members m WHERE m.id = a.row_id) END"
)


class Row(NamedTuple):
    """One audit row to append. ``old``/``new`` are JSON texts; ``in_row`` the document text
    of the row an insert points at (``new_in_row`` = 1; ``new`` is then left empty).

    A named tuple, not a frozen dataclass: as unchangeable, made in a quarter of the time
    (0.5 against 1.8 µs), and a merge makes six or seven a household (issue 22)."""

    at: str
    user: str
    device: str
    tbl: str
    row_id: str
    household_id: str | None
    action: str
    old: str | None
    new: str | None
    source: str | None = None
    in_row: str | None = None


def entry_hash(prev: bytes, row_id: int, fields: Sequence[Any]) -> bytes:
    """The chain hash of the row ``row_id`` whose ``fields`` are (at, user, device, tbl,
    row_id, household_id, action, old, effective new, source)."""
    payload = dumps([row_id, *fields]).encode("utf-8")
    return hashlib.sha256(prev + payload).digest()


# The bytes a JSON text as ``dumps`` writes it never holds raw: its texts' control characters
# are escaped (\n, \u0000…).
_CONTROLS = bytes(range(0x20))
# A text in JSON as ``dumps`` writes it (not ASCII-escaped): the function its encoder calls.
_quote: Callable[[str], str] = json.encoder.encode_basestring


def payload_utf8(
    row_id: int, fields: Sequence[Any], encoded: dict[tuple[Any, ...], bytes]
) -> bytes:
    r"""``dumps([row_id, *fields]).encode()`` (``entry_hash``'s payload) joined from pieces: a
    JSON array is ``[`` and its items' encodings joined by ``,`` and ``]`` (no spaces). The
    old and new values are JSON texts, whose quoting is their UTF-8 with ``\`` and ``"``
    escaped (``_escaped_utf8``): a document is not escaped character by character and then
    encoded again as part of a larger text (most of hashing a new household or member, whose
    UTF-8 binding it to its row has already made). ``encoded``: the other fields' encodings
    by value, for one append (its time, user, device, source, table, action repeat from row
    to row); a test holds the two payloads equal."""
    at, user, device, tbl, row, household_id, action, old, new, source = fields
    key: tuple[Any, ...]
    head = encoded.get(key := (at, user, device, tbl))
    if head is None:
        head = encoded[key] = ",".join(map(dumps, key)).encode()
    act = encoded.get(key := (action, old))
    if act is None:
        act = b"%s,%s" % (dumps(action).encode(), _json_utf8(old))
        if old is None:  # an update's old values do not repeat
            encoded[key] = act
    tail = encoded.get(key := (source,))
    if tail is None:
        tail = encoded[key] = dumps(source).encode()
    # The ids do not repeat (a row's is a text, its household's a text or None).
    hid = household_id
    hid = "null" if hid is None else _quote(hid) if type(hid) is str else dumps(hid)
    ids = f",{_quote(row) if type(row) is str else dumps(row)},{hid},".encode()
    body = _escaped_utf8(new) if type(new) is str else None
    if body is None:
        return b"".join((b"[%d," % row_id, head, ids, act, b",", _json_utf8(new), b",", tail, b"]"))
    return b"".join((b"[%d," % row_id, head, ids, act, b',"', body, b'",', tail, b"]"))


def _json_utf8(value: Any) -> bytes:
    """``dumps(value).encode()``; a text (an old or new value, a JSON text) escaped as
    ``_escaped_utf8`` when it can be."""
    if type(value) is str:
        body = _escaped_utf8(value)
        if body is not None:
            return b'"%s"' % body
    return dumps(value).encode()


def _escaped_utf8(text: str) -> bytes | None:
    r"""``dumps(text).encode()`` without its quotes, for a text holding no control character
    (a JSON text as ``dumps`` writes it holds none): its UTF-8 with ``\`` and ``"``
    escaped, the only characters the encoder escapes in it (bytes that never occur inside a
    character's multi-byte UTF-8). None for any other text, which the encoder quotes."""
    raw = text.encode()
    if len(raw.translate(None, _CONTROLS)) != len(raw):
        return None
    return _escaped(raw)


def _escaped(raw: bytes) -> bytes:
    r"""The UTF-8 ``raw`` of a text holding no control character with ``\`` and ``"``
    escaped: ``dumps``'s quoting of it, without its quotes."""
    return raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"')


def tip(conn: driver.Connection) -> tuple[int, bytes]:
    """(the id the next row takes minus one, the hash it chains from). The id follows
    AUTOINCREMENT's sequence, so rows removed from the end leave a gap ``verify`` sees."""
    # One statement, not two: it runs once an append, and a save appends once (issue 22).
    last_id, last_hash, seq = conn.execute(
        "SELECT (SELECT MAX(id) FROM audit),"
        " (SELECT hash FROM audit ORDER BY id DESC LIMIT 1),"
        " (SELECT seq FROM sqlite_sequence WHERE name = 'audit')"
    ).fetchone()
    prev = bytes(last_hash) if last_hash is not None else GENESIS
    return max(int(last_id or 0), int(seq or 0)), prev


def append(conn: driver.Connection, rows: Sequence[Row]) -> None:
    """Append ``rows`` to the log, chained; call inside the writing transaction (the write
    lock held by BEGIN IMMEDIATE keeps the tip ours until the commit)."""
    if not rows:
        return
    last_id, prev = tip(conn)
    params = []
    encoded: dict[tuple[Any, ...], bytes] = {}
    sha256 = hashlib.sha256
    for row_id, r in enumerate(rows, start=last_id + 1):
        at, user, device, tbl, row, household_id, action, old, new, source, in_row = r
        fields = (
            at,
            user,
            device,
            tbl,
            row,
            household_id,
            action,
            old,
            new if in_row is None else in_row,
            source,
        )
        prev = sha256(prev + payload_utf8(row_id, fields, encoded)).digest()
        if in_row is None:
            params.append((row_id, *fields, 0, prev))
        else:
            params.append((row_id, *fields[:8], None, source, 1, prev))
    # Many rows a statement (db.bulk): one execution a row read and wrote the table's
    # sqlite_sequence row each time (AUTOINCREMENT), however many rows were appended.
    insert_rows(conn, _INSERT, params)


_INSERT = (
    "INSERT INTO audit (id, at, user, device, tbl, row_id, household_id, action, old, new,"
    " source, new_in_row, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def append_inserts(
    conn: driver.Connection,
    at: str,
    user: str,
    device: str,
    source: str | None,
    rows: Sequence[tuple[str, str, str, bytes]],
) -> None:
    """``append`` of rows that each record an insert pointing at its row's document
    (``Row(at, user, device, tbl, row_id, household_id, "insert", None, None, source,
    in_row)``), given as (tbl, row_id, household_id, the document's UTF-8): the same rows,
    chained the same, made without a ``Row`` a row nor ``payload_utf8``'s lookups (a merge
    appends six or seven a new household: issue 22). The payload's pieces that repeat are
    made once (the time, user, device and table; the action; the source), a document is
    escaped as ``_escaped_utf8`` escapes it (``_escaped``), but checked for control
    characters once for every document at a time (a document as ``dumps`` writes it holds
    none)."""
    if not rows:
        return
    last_id, prev = tip(conn)
    # No document holds a control character: each one's escaping is two replaces.
    plain = len(docs := b"".join(r[3] for r in rows)) == len(docs.translate(None, _CONTROLS))
    del docs
    heads: dict[str, bytes] = {}
    tail = b'",' + dumps(source).encode() + b"]"
    params = []
    sha256 = hashlib.sha256
    for row_id, (tbl, row, household_id, doc) in enumerate(rows, start=last_id + 1):
        head = heads.get(tbl)
        if head is None:
            head = heads[tbl] = b"," + ",".join(map(dumps, (at, user, device, tbl))).encode()
        ids = f',{_quote(row)},{_quote(household_id)},"insert",null,"'.encode()
        if plain:
            body = _escaped(doc)
        else:  # as the encoder quotes any text
            body = _quote(doc.decode())[1:-1].encode()
        prev = sha256(b"".join((prev, b"[%d" % row_id, head, ids, body, tail))).digest()
        params.append((row_id, tbl, row, household_id, prev))
    # What every row has written in the statement, not bound with each (``bulk.literal``).
    insert_rows(
        conn,
        "INSERT INTO audit (id, at, user, device, tbl, row_id, household_id, action, old, new,"
        f" source, new_in_row, hash) VALUES (?, {literal(at)}, {literal(user)},"
        f" {literal(device)}, ?, ?, ?, 'insert', NULL, NULL, {literal(source)}, 1, ?)",
        params,
    )


def record_event(
    store: Store,
    kind: str,
    details: dict[str, Any] | None = None,
    *,
    household_id: str | None = None,
) -> None:
    """Record that something happened (``EVENT_KINDS``) in the log, in a transaction of its
    own (or the caller's). Who: ``store.user`` — the signed-in user (``db.users``), else,
    in a file without users, the officer's name from the settings.

    An event tells no screen to refresh and does not count as a change of the data: closing
    a Store that only recorded events (a print) makes no rolling backup, which would push
    the oldest one out."""
    from db.store import now_utc
    from db.users import event_write

    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown audit event {kind!r}")
    with event_write(store), store.transaction():
        append(
            store.conn,
            [
                Row(
                    now_utc(),
                    store.user,
                    store.device,
                    EVENTS,
                    kind,
                    household_id,
                    "insert",
                    None,
                    _ENCODER.encode(details or {}),
                    store.source,
                )
            ],
        )


# --- checking the chain --------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """The first row where the chain breaks; ``message`` says it in Vietnamese."""

    id: int
    at: str
    household_code: str | None
    what: str
    message: str


_TABLE_NAMES = {
    "households": "hộ",
    "members": "nhân khẩu",
    "answers": "phiếu",
    "results": "kết quả phân loại",
    "meeting_votes": "biểu quyết họp thôn",
    "complaints": "khiếu nại",
    "decisions": "quyết định",
    "villages": "thôn",
    "postings": "niêm yết",
    "applications": "đơn đề nghị",
    "support_records": "hỗ trợ",
    "cadre_assignments": "cán bộ phụ trách",
    "exchange_conflicts": "xung đột khi nhập gói",
    "year_round_conflicts": "xung đột đơn đề nghị, cán bộ phụ trách khi nhập gói",
    "users": "người dùng",
}
_ACTION_NAMES = {"insert": "thêm", "update": "sửa", "delete": "xoá"}


def describe(tbl: str, row_id: str, action: str) -> str:
    """What an audit row records, in Vietnamese ("sửa nhân khẩu", "In / lưu tài liệu")."""
    if tbl == EVENTS:
        return EVENT_KINDS.get(row_id, row_id)
    if tbl == "exchange_imports":  # the import's own row: its counts, the package as source
        return "Nhập gói dữ liệu"
    return f"{_ACTION_NAMES.get(action, action)} {_TABLE_NAMES.get(tbl, tbl)}"


def local_time(at: str) -> str:
    """An audit time (UTC ISO) as the officer reads it: local "HH:MM ngày dd/mm/yyyy"."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone()
    except (ValueError, OverflowError):  # OverflowError: a wrong clock's year 9999, east of UTC
        return at
    return moment.strftime("%H:%M ngày %d/%m/%Y")


_SELECT = (
    "SELECT a.id, a.at, a.user, a.device, a.tbl, a.row_id, a.household_id, a.action, a.old,"
    f" {EFFECTIVE_NEW}, a.source, a.hash FROM audit a"
)


def _rows(conn: driver.Connection) -> Iterator[tuple[Any, ...]]:
    yield from conn.execute(_SELECT + " ORDER BY a.id")


def verify(conn: driver.Connection) -> Broken | None:
    """Walk the whole log in order; None when every row's hash is right and nothing is
    missing from the end, else the first broken row."""
    with _one_state(conn):
        return _whole(conn)[0]


@contextmanager
def _one_state(conn: driver.Connection) -> Iterator[None]:
    """The check's statements all read one state of the file (a read transaction): each
    statement read its own, so a save by another connection (the window's, while a worker
    checks) between the walk and the sequence's reading looked like a row cut from the end.
    Inside the caller's transaction, that one."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:  # not when a failure of SQLite's already ended it
            conn.execute("ROLLBACK")  # nothing written: only the reading ended


def _whole(conn: driver.Connection) -> tuple[Broken | None, int]:
    """``verify``, and the last row it reached."""
    blanked = purged_rows(conn)
    return _walk(conn, _rows(conn), GENESIS, 0, lambda: blanked)


def _walk(
    conn: driver.Connection,
    rows: Iterable[tuple[Any, ...]],
    prev: bytes,
    prev_id: int,
    blanked: Callable[[], set[int]],
) -> tuple[Broken | None, int]:
    """The chain walked over ``rows`` (``_rows``' columns, in id order) from the row
    ``prev_id`` whose hash is ``prev``, then the end of the log checked against the
    sequence: the first broken row (or None) and the last row reached. ``blanked``: the
    rows a purge blanked (``purged_rows``), asked for only when a row has neither value."""
    for row in rows:
        row_id, fields, stored = int(row[0]), row[1:11], row[11]
        if stored is None:
            return _broken(
                conn, row, prev_id, "không có mã kiểm tra (được ghi ngoài phần mềm)"
            ), prev_id
        if row[8] is None and row[9] is None and row_id in blanked():
            # Its old/new values were erased by a purge (db.purge) that named this row in
            # its own, chained, event: the hash cannot be recomputed without the erased
            # values, but the next row still has to follow it, and the purge event itself
            # is checked when the walk reaches it.
            prev, prev_id = bytes(stored), row_id
            continue
        if entry_hash(prev, row_id, fields) != bytes(stored):
            if row_id == prev_id + 2:
                why = f"dòng ngay trước nó (số {prev_id + 1}) đã bị xoá khỏi nhật ký"
            elif row_id != prev_id + 1:
                why = (
                    f"các dòng ngay trước nó (từ số {prev_id + 1} đến {row_id - 1}) "
                    "đã bị xoá khỏi nhật ký"
                )
            else:
                # Without a key the chain cannot tell this row edited from the one before it
                # edited with its hash recomputed: both are said.
                why = "bị sửa (hoặc dòng ngay trước nó bị sửa)"
            return _broken(conn, row, prev_id, why), prev_id
        prev, prev_id = bytes(stored), row_id
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    if seq is not None and int(seq[0]) > prev_id:
        missing = int(seq[0]) - prev_id
        return Broken(
            prev_id + 1,
            "",
            None,
            "",
            f"Nhật ký thay đổi đã bị xoá mất {missing} dòng cuối (sau dòng số {prev_id}) "
            "bằng một công cụ khác ngoài phần mềm.",
        ), prev_id
    return None, prev_id


# --- the checkpoint: a later check walks only what was written after the last whole walk ---
#
# Walking the whole chain of a district file (970,000 rows) took 17 s, for the one line a
# household's history on paper gives the log's state (issue 22, docs/benchmarks.md). After a
# walk found the chain whole, ``record_checkpoint`` keeps (the last row reached, when the
# whole log was walked) in ``audit_checkpoint`` (m0019), sealed with that row's stored hash:
#
#     seal = SHA-256("rasoat audit checkpoint" || the row's hash || [row id, checked at])
#
# (the JSON array as ``canonical(row)`` is written). ``verify_recent`` then walks only the rows
# after it, from that hash, and checks again, each against the stored hash of the row before
# it, the rows the document shows (a household's, a period's), and that no row up to it is
# missing (their count). What it does not check, and the whole walk does: a row up to the
# checkpoint that the document does not show, edited since the checkpoint was made. The
# documents say so (``reports.audit_log``); ``verify`` (``rasoat db check``, Tệp → Kiểm tra
# tệp dữ liệu…) still walks the whole log. The seal has no secret key, as the chain has none:
# a checkpoint moved with ``sqlite3`` (to skip a row edited before it), or the row it names
# edited, no longer matches its seal, and the whole log is walked again; forging one needs
# this encoding, as rewriting the hashes after an edit does (docs/privacy.md).

_SEAL = b"rasoat audit checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    """The last row the chain was found whole up to, its stored hash, and when the whole log
    was last walked (UTC ISO)."""

    row_id: int
    hash: bytes
    checked_at: str


@dataclass(frozen=True)
class Checked:
    """What ``verify_recent`` found: the first broken row (or None); the last row reached;
    ``whole_at``: None when this check walked the whole log, else when the whole log was last
    walked (the rows after the checkpoint walked now); ``rejected``: a checkpoint was recorded
    but did not match its seal (the whole log was walked instead)."""

    broken: Broken | None
    last: int
    whole_at: str | None
    rejected: bool = False


def _seal(row_hash: bytes, row_id: int, checked_at: str) -> bytes:
    return hashlib.sha256(_SEAL + row_hash + dumps([row_id, checked_at]).encode("utf-8")).digest()


def checkpoint(conn: driver.Connection) -> tuple[Checkpoint | None, bool]:
    """The recorded checkpoint when it matches its seal; (None, False) when none is recorded
    (or the file's schema has none), (None, True) when one is recorded that does not match:
    moved or edited outside this program, or the row it names edited or removed."""
    try:
        found = conn.execute(
            "SELECT c.row_id, c.checked_at, c.seal, a.hash FROM audit_checkpoint c"
            " LEFT JOIN audit a ON a.id = c.row_id"
        ).fetchone()
    except driver.OperationalError:  # no such table: a file before m0019, read as it is
        return None, False
    if found is None:
        return None, False
    row_id, checked_at, seal, row_hash = found
    if not (
        type(row_id) is int
        and isinstance(checked_at, str)
        and isinstance(seal, bytes)
        and isinstance(row_hash, bytes)
        and _seal(row_hash, row_id, checked_at) == seal
    ):
        return None, True
    return Checkpoint(row_id, row_hash, checked_at), False


def record_checkpoint(conn: driver.Connection, row_id: int, checked_at: str) -> None:
    """The chain found whole up to ``row_id`` (the whole log walked at ``checked_at``) kept
    as the checkpoint; call inside a writing transaction, only after such a check."""
    found = conn.execute("SELECT hash FROM audit WHERE id = ?", (row_id,)).fetchone()
    if found is None or found[0] is None:
        conn.execute("DELETE FROM audit_checkpoint")  # an empty log: nothing to start from
        return
    conn.execute(
        "INSERT OR REPLACE INTO audit_checkpoint (id, row_id, checked_at, seal)"
        " VALUES (1, ?, ?, ?)",
        (row_id, checked_at, _seal(bytes(found[0]), row_id, checked_at)),
    )


def verify_recent(
    conn: driver.Connection,
    *,
    household_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Checked:
    """The chain checked from the checkpoint (see above): the rows after it walked; the rows
    the document shows (one household's, or those written from ``since`` up to ``until``, as
    ``log_lines`` chooses them) up to it each checked against the hash of the row before
    it; no row up to it missing. The whole log walked instead when there is no checkpoint
    or it does not match its seal. Anything found is named as ``verify`` names it (the
    whole log then walked, for its first broken row)."""
    with _one_state(conn):
        return _recent(conn, household_id, since, until)


def _recent(
    conn: driver.Connection, household_id: str | None, since: str | None, until: str | None
) -> Checked:
    mark, rejected = checkpoint(conn)
    if mark is None:
        broken, last = _whole(conn)
        return Checked(broken, last, None, rejected)
    blanked = _lazy_purged(conn)
    after = conn.execute(_SELECT + " WHERE a.id > ? ORDER BY a.id", (mark.row_id,))
    broken, last = _walk(conn, after, mark.hash, mark.row_id, blanked)
    if broken is None and not (
        _shown_rows_match(conn, mark.row_id, household_id, since, until, blanked)
        and _none_missing(conn, mark.row_id)
    ):
        broken = Broken(0, "", None, "", "Nhật ký thay đổi đã bị sửa ngoài phần mềm.")
    if broken is not None:
        # Rare (the log edited outside the program): the first broken row, as the whole
        # check names it (it always finds one where these checks did).
        return Checked(_whole(conn)[0] or broken, last, None)
    return Checked(None, last, mark.checked_at)


def _none_missing(conn: driver.Connection, up_to: int) -> bool:
    """Whether every row from 1 to ``up_to`` is there: the ids run without a gap
    (AUTOINCREMENT; the whole walk names a gap as rows removed). 0.06 s at 290,000 rows."""
    (count,) = conn.execute("SELECT COUNT(*) FROM audit WHERE id <= ?", (up_to,)).fetchone()
    return int(count) == up_to


def _lazy_purged(conn: driver.Connection) -> Callable[[], set[int]]:
    """``purged_rows``, read the first time it is asked for (a scan of the events)."""
    held: list[set[int]] = []

    def blanked() -> set[int]:
        if not held:
            held.append(purged_rows(conn))
        return held[0]

    return blanked


def _shown_rows_match(
    conn: driver.Connection,
    up_to: int,
    household_id: str | None,
    since: str | None,
    until: str | None,
    blanked: Callable[[], set[int]],
) -> bool:
    """Whether each row ``log_lines`` would show, up to the row ``up_to``, matches its hash
    from the stored hash of the row before it (as the whole walk checks it there)."""
    where, params = _log_where(household_id, since, until)
    where = (where + " AND" if where else " WHERE") + " a.id <= ?"
    rows = conn.execute(
        "SELECT a.id, a.at, a.user, a.device, a.tbl, a.row_id, a.household_id, a.action, a.old,"
        f" {EFFECTIVE_NEW}, a.source, a.hash, p.hash FROM audit a"
        " LEFT JOIN audit p ON p.id = a.id - 1" + where + " ORDER BY a.id",
        [*params, up_to],
    )
    for row in rows:
        row_id, fields, stored, before = int(row[0]), row[1:11], row[11], row[12]
        prev = GENESIS if row_id == 1 else before
        if stored is None or prev is None:  # no hash, or the row before it removed or hashless
            return False
        if row[8] is None and row[9] is None and row_id in blanked():
            continue  # blanked by a purge: as the walk, its hash taken as it is
        if entry_hash(bytes(prev), row_id, fields) != bytes(stored):
            return False
    return True


def purged_rows(conn: driver.Connection) -> set[int]:
    """Ids of the audit rows whose old/new values a purge or an erasure blanked, as the
    events recording them list them (``details["audit_rows"]``)."""
    out: set[int] = set()
    for (text,) in conn.execute(
        "SELECT new FROM audit WHERE tbl = ? AND row_id IN ('purge', 'erase_member')", (EVENTS,)
    ):
        try:
            ids = json.loads(text).get("audit_rows", [])
        except (ValueError, AttributeError):
            continue  # a damaged event: the walk names its row
        out.update(int(i) for i in ids if isinstance(i, int))
    return out


def _broken(conn: driver.Connection, row: tuple[Any, ...], prev_id: int, why: str) -> Broken:
    row_id, at, tbl, row_ref, household_id, action = (
        int(row[0]),
        str(row[1]),
        str(row[4]),
        str(row[5]),
        row[6],
        str(row[7]),
    )
    code = None
    if household_id is not None:
        found = conn.execute("SELECT code FROM households WHERE id = ?", (household_id,)).fetchone()
        code = found[0] if found else None
    what = describe(tbl, row_ref, action)
    where = f"hộ {code}, " if code else ""
    return Broken(
        row_id,
        at,
        code,
        what,
        f"Nhật ký thay đổi đã bị sửa ngoài phần mềm: dòng số {row_id} (lúc {local_time(at)}, "
        f"{where}{what}) {why}.",
    )


def verify_path(path: Path) -> Broken | None:
    """``verify`` on a read-only connection of its own (a worker thread's, while a Store has
    the file open: Tệp → Kiểm tra tệp dữ liệu…)."""
    conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return verify(conn)
    finally:
        conn.close()


# --- reading the log back (the history screen and report) ----------------------------------


@dataclass(frozen=True)
class LogLine:
    """One audit row as the history screen and report show it. The new value of an insert
    pointing at its row's document (``new_in_row``) is left out (None): a whole household or
    member is not copied onto a log page; it is shown as added."""

    id: int
    at: str
    user: str
    device: str
    table: str
    row_id: str
    household_id: str | None
    household_code: str | None
    action: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    source: str | None

    @property
    def what(self) -> str:
        return describe(self.table, self.row_id, self.action)


_LOG_SELECT = (
    "SELECT a.id, a.at, a.user, a.device, a.tbl, a.row_id, a.household_id, h.code,"
    " a.action, a.old, CASE WHEN a.new_in_row = 1 THEN NULL ELSE a.new END, a.source"
    " FROM audit a LEFT JOIN households h ON h.id = a.household_id"
)


def _line(r: tuple[Any, ...]) -> LogLine:
    return LogLine(
        int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], _json(r[9]), _json(r[10]), r[11]
    )


def log_lines(
    conn: driver.Connection,
    *,
    household_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    newest: int | None = None,
) -> list[LogLine]:
    """Audit rows oldest first: one household's (its index), or those written from ``since``
    up to but not including ``until`` (UTC ISO times, as the log stores them); ``newest``:
    only that many, the newest (a screen's page: a district file merged this month has a
    million rows in its log)."""
    where, params = _log_where(household_id, since, until)
    if newest is None:
        return list(each_log_line(conn, household_id=household_id, since=since, until=until))
    rows = conn.execute(
        _LOG_SELECT + where + " ORDER BY a.id DESC LIMIT ?", [*params, newest]
    ).fetchall()
    return [_line(r) for r in reversed(rows)]


def each_log_line(
    conn: driver.Connection,
    *,
    household_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[LogLine]:
    """``log_lines``' rows one at a time, oldest first, as SQLite steps to them: a saved log
    holds its table's text, not every row decoded as well (issue 22: a 10,000-household
    commune's month, 97,000 rows, took 358 MB to save held decoded; stepped through, 190 MB
    as XLSX and 214 MB as PDF). No write on ``conn`` until it is exhausted."""
    where, params = _log_where(household_id, since, until)
    for r in conn.execute(_LOG_SELECT + where + " ORDER BY a.id", params):
        yield _line(r)


def log_count(
    conn: driver.Connection,
    *,
    household_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """How many rows ``log_lines`` would give for the same choice (all of them), counted
    without reading them."""
    where, params = _log_where(household_id, since, until)
    return int(conn.execute("SELECT COUNT(*) FROM audit a" + where, params).fetchone()[0])


def _log_where(
    household_id: str | None, since: str | None, until: str | None
) -> tuple[str, list[str]]:
    where, params = [], []
    if household_id is not None:
        where.append("a.household_id = ?")
        params.append(household_id)
    if since is not None:
        where.append("a.at >= ?")
        params.append(since)
    if until is not None:
        where.append("a.at < ?")
        params.append(until)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def _json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"?": text[:60]}
    return value if isinstance(value, dict) else {"?": value}
