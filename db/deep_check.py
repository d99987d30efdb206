"""The deep check: every stored document decoded, each bad one named by household code.

SQLite's own check looks at pages and indexes; a changed byte inside a household's JSON
passes it and only fails when a report decodes that household. This finds such records up
front so a report, an export or a backup can name them instead of stopping with a bare
decoding error.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from db import driver

# (table, how its document is stored, the decoder, the SQL that lists (code, id, doc)).
_DOCS: tuple[tuple[str, str], ...] = (
    (
        "households",
        "SELECT code, id, doc FROM households WHERE deleted = 0",
    ),
    (
        "members",
        "SELECT coalesce(h.code, m.household_id), m.id, m.doc FROM members m"
        " LEFT JOIN households h ON h.id = m.household_id WHERE m.deleted = 0",
    ),
    (
        "answers",
        "SELECT coalesce(h.code, a.household_id), a.id, a.doc FROM answers a"
        " LEFT JOIN households h ON h.id = a.household_id WHERE a.deleted = 0",
    ),
    (
        "results",
        "SELECT coalesce(h.code, r.household_id), r.id, r.doc FROM results r"
        " LEFT JOIN households h ON h.id = r.household_id",
    ),
)

_WHAT = {
    "households": "thông tin hộ",
    "members": "nhân khẩu",
    "answers": "phiếu rà soát",
    "results": "kết quả phân loại",
}


def _decoders() -> dict[str, Callable[[Any], object]]:
    from forms.classify import result_from_dict
    from forms.codec import household_from_dict, member_from_dict

    return {
        "households": lambda d: household_from_dict(json.loads(d)),
        "members": lambda d: member_from_dict(json.loads(d)),
        "answers": lambda d: household_from_dict(json.loads(zlib.decompress(d))),
        "results": lambda d: result_from_dict(json.loads(d)),
    }


class Cancelled(Exception):
    """The check was stopped (``Cancel.cancel``) before it finished."""


class Cancel:
    """Stops a check running in another thread, at once: the flag is read between
    documents, and a statement SQLite is running (an integrity_check of a large file takes
    seconds) is interrupted. The desktop stops a background check this way before it closes
    the file, so its reading connection never keeps the close from emptying the -wal."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: driver.Connection | None = None
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._conn is not None:
                self._conn.interrupt()

    def attach(self, conn: driver.Connection | None) -> None:
        """The connection to interrupt (None before it is closed)."""
        with self._lock:
            self._conn = conn
            if conn is not None and self.cancelled:
                conn.interrupt()

    def tick(self) -> None:
        if self.cancelled:
            raise Cancelled


# A background check lets the GUI thread have the interpreter this often (documents), for
# this long: decoding is pure Python, and without a pause the window's own Python waited
# for the interpreter lock behind it.
YIELD_EVERY = 64
YIELD_S = 0.001


def bad_documents(
    conn: driver.Connection, tick: Callable[[], None] | None = None
) -> list[tuple[str, str]]:
    """(household code, what is damaged) for every live document that does not decode,
    in code order; one entry per household and kind of document. ``tick`` is called every
    ``YIELD_EVERY`` documents (a background check pauses there and may stop)."""
    decoders = _decoders()
    found: dict[tuple[str, str], None] = {}
    seen = 0
    for table, sql in _DOCS:
        decode = decoders[table]
        for code, _row_id, doc in conn.execute(sql):
            try:
                decode(doc)
            except Exception:  # any failure to decode is damage, whatever raised it
                found[(str(code), _WHAT[table])] = None
            seen += 1
            if tick is not None and seen % YIELD_EVERY == 0:
                tick()
    return sorted(found)


def describe(bad: list[tuple[str, str]]) -> list[str]:
    """One Vietnamese line per damaged record, for `rasoat db check`."""
    return [f"Hộ {code}: {what} bị hỏng, không đọc được." for code, what in bad]


@contextmanager
def naming_damage(conn: driver.Connection, path: Path | None = None) -> Iterator[None]:
    """A document that fails to decode inside becomes ``DamagedRecords`` naming every bad
    household, so a report refuses with that list instead of a bare decoding error."""
    from db.errors import DamagedRecords

    try:
        yield
    except (ValueError, KeyError, TypeError, zlib.error) as exc:
        bad = bad_documents(conn)
        if not bad:
            raise
        if path is None:
            path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
        raise DamagedRecords(path, bad) from exc


def check_path(
    path: Path, *, pages: bool = True, cancel: Cancel | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """The full check of the file at ``path`` on a read-only connection of its own (safe in
    a worker thread while a Store has the file open): (SQLite's problems, the damaged
    documents as ``bad_documents`` gives them). Documents are read only when SQLite finds
    the pages sound; both empty when the file is fine. ``pages=False`` skips SQLite's own
    check (the window's check after opening: opening has just made it); damage SQLite meets
    while reading the documents is still reported as a problem. ``cancel`` stops it early
    (``Cancelled``)."""
    conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    tick: Callable[[], None] | None = None
    if cancel is not None:
        cancel.attach(conn)
        guard = cancel

        def tick() -> None:
            guard.tick()
            time.sleep(YIELD_S)

    try:
        if cancel is not None:
            cancel.tick()
        if pages:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                return problems, []
        return [], bad_documents(conn, tick)
    except driver.DatabaseError as exc:
        if cancel is not None and cancel.cancelled:
            raise Cancelled from exc
        return [str(exc)], []
    finally:
        if cancel is not None:
            cancel.attach(None)
        conn.close()
