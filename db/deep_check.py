"""The deep check: every stored document decoded, each bad one named by household code.

SQLite's own check looks at pages and indexes; a changed byte inside a household's JSON
passes it and only fails when a report decodes that household. This finds such records up
front so a report, an export or a backup can name them instead of stopping with a bare
decoding error.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from db import driver

# What each kind of document is called in the list of damaged records.
_WHAT = {
    "households": "thông tin hộ",
    "members": "nhân khẩu",
    "answers": "phiếu rà soát",
    "results": "kết quả phân loại",
}

# The live documents, read by household in the order of their indexes (households' and
# members' and answers' ids together, ``_by_household``); results on their own (a result
# is not made from the other documents). Ids, not codes: a code is looked up for a
# damaged document only. ``{part}``: the households of a ``Part`` only (``_in_part``).
_HOUSEHOLDS = "SELECT id, code, doc, deleted = 0 FROM households WHERE 1{part} ORDER BY id"
_MEMBERS = (
    "SELECT household_id, doc FROM members WHERE deleted = 0{part} ORDER BY household_id, position"
)
_ANSWERS = "SELECT household_id, doc FROM answers WHERE deleted = 0{part} ORDER BY household_id"
_RESULTS = "SELECT household_id, doc FROM results WHERE 1{part}"
_KEYS = {_HOUSEHOLDS: "id", _MEMBERS: "household_id", _ANSWERS: "household_id"}


class Part(NamedTuple):
    """The households whose id is at or after ``boundary`` (``upper``), or all the others,
    with their members', answers and results documents: ``split`` cuts a check in two
    parts that hold each row in exactly one (a comparison is true, or it is not: false or
    NULL), whatever the ids hold."""

    boundary: str
    upper: bool


# Someone else checking one part of a copy's documents (``backup._check_copy``): called
# with the copy's path, its key (None: plain) and the part, it starts that part's check and
# returns what waits for its list (``bad_documents``' of that part); None from either: not
# checked there, this process checks that part itself.
Helper = Callable[[Path, bytes | None, Part], Callable[[], list[tuple[str, str]] | None] | None]
# The share of a copy's households (the last ones by id) whose documents a helper checks
# (``rasoat merge``'s reader process, idle by then, on the second core) while this process
# checks the others, beside SQLite's check in a thread (``backup._check_copy``).
SHARE = 0.6


def _decoders() -> dict[str, Callable[[Any], object]]:
    """Each kind's decoder, from the document as stored, as a report decodes it
    (``db.households.household_from_docs``, ``StoreResults.answers``, ``.result``); texts
    read by ``forms.codec.loads``, json.loads's answers in one call of its scanner."""
    from db.result_docs import answers_household
    from forms.classify import result_from_dict
    from forms.codec import household_from_dict, loads, member_from_dict

    return {
        "households": lambda d: household_from_dict(loads(d)),
        "members": lambda d: member_from_dict(loads(d)),
        "answers": answers_household,
        "results": lambda d: result_from_dict(loads(d)),
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
    conn: driver.Connection, tick: Callable[[], None] | None = None, part: Part | None = None
) -> list[tuple[str, str]]:
    """(household code, what is damaged) for every live document that does not decode,
    in code order; one entry per household and kind of document. ``tick`` is called every
    ``YIELD_EVERY`` documents (a background check pauses there and may stop). ``part``: the
    documents of those households only; the two parts' lists ``joined`` are the whole
    check's.

    An answers document whose text is exactly the one made from texts of a household and
    its members this check has just decoded is not decoded again (``_made_of``): it
    decodes as they did. That was a third of a commune's check (10 x 500 households with
    answers and results: 0.25 of 0.8 s of CPU)."""
    from db.result_docs import answers_json
    from forms.model import Household

    decoders = _decoders()
    # A rule across a household's fields would make its answers more than its documents
    # joined: then every answers document is decoded.
    spare = not hasattr(Household, "__post_init__")
    found: dict[tuple[str, str], None] = {}
    seen = 0

    def counted() -> None:
        nonlocal seen
        seen += 1
        if tick is not None and seen % YIELD_EVERY == 0:
            tick()

    def check(kind: str, household_id: object, doc: Any, code: object = None) -> bool:
        try:
            decoders[kind](doc)
            good = True
        except Exception:  # any failure to decode is damage, whatever raised it
            named = _code(conn, household_id) if code is None else str(code)
            found[(named, _WHAT[kind])] = None
            good = False
        counted()
        return good

    for households, members, answers in _by_household(conn, part):
        live = [(household_id, code, doc) for household_id, code, doc, alive in households if alive]
        made_of: str | None = None  # the household's text, when answers may be made of it
        for household_id, code, doc in live:
            if check("households", household_id, doc, code) and len(live) == 1 and spare:
                made_of = doc if _joinable(doc) else None
        texts: list[str] = []
        for household_id, doc in members:
            if check("members", household_id, doc) and type(doc) is str:
                texts.append(doc)
            else:
                made_of = None
        for household_id, doc in answers:
            if made_of is not None and _made_of(doc, answers_json(made_of, texts)):
                counted()
            else:
                check("answers", household_id, doc)
    for household_id, doc in _in_part(conn, _RESULTS, "household_id", part):
        check("results", household_id, doc)
    return sorted(found)


def _in_part(conn: driver.Connection, sql: str, key: str, part: Part | None) -> driver.Cursor:
    """``sql`` run over the rows of ``part`` (every row without one), ``key`` its
    household id."""
    if part is None:
        return conn.execute(sql.format(part=""))
    test = f"{key} >= ?" if part.upper else f"({key} >= ?) IS NOT TRUE"
    return conn.execute(sql.format(part=f" AND {test}"), (part.boundary,))


def split(conn: driver.Connection, share: float) -> tuple[Part, Part] | None:
    """The check cut in two: (this process's part, the other's), the other holding about
    ``share`` of the households (the last ones by id); None when there is nothing to cut
    (fewer than two households, or an id that is not a text where the cut would fall)."""
    (count,) = conn.execute("SELECT count(*) FROM households").fetchone()
    at = count - round(count * share)
    if count < 2 or not 0 < at < count:
        return None
    row = conn.execute("SELECT id FROM households ORDER BY id LIMIT 1 OFFSET ?", (at,)).fetchone()
    if row is None or type(row[0]) is not str:
        return None
    return Part(row[0], upper=False), Part(row[0], upper=True)


def joined(*lists: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parts' lists as the whole check gives them: one entry per household code and
    kind (two households of one code may fall in different parts), in code order."""
    return sorted({entry for found in lists for entry in found})


def check_part(path: Path, key: bytes | None, part: Part) -> list[tuple[str, str]]:
    """``bad_documents`` of ``part`` of the copy at ``path``, on a read-only connection of
    its own (closed before it returns: the copy is renamed next): another process's half of
    a backup's check (``backup._check_copy``)."""
    conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, key=key)
    try:
        return bad_documents(conn, part=part)
    finally:
        conn.close()


@contextmanager
def shared(
    conn: driver.Connection, tmp: Path, key: bytes | None, helper: Helper | None
) -> Iterator[Callable[[], list[tuple[str, str]]]]:
    """What gives the damaged documents of the copy at ``tmp`` (``bad_documents`` of
    ``conn``, a read-only connection to it; ``key``: its key, None when plain), a part of
    them (``SHARE``) checked by ``helper`` from when this is entered, the rest here;
    the lists joined are the whole check's. Whatever the helper does not give (it failed,
    stopped, or there is none), this process checks, so a helper never loses a backup nor
    refuses one. Left only once the helper has answered: its connection to the copy is
    closed before the copy is renamed or removed."""
    waiting, cut = None, None
    if helper is not None:
        try:
            cut = split(conn, SHARE)
            waiting = helper(tmp, key, cut[1]) if cut is not None else None
        except Exception:  # whatever raised it (a damaged page, the helper): all checked here
            waiting = None
    if waiting is None or cut is None:
        yield lambda: bad_documents(conn)
        return
    (here, there), asked = cut, waiting
    answer: list[list[tuple[str, str]] | None] = []

    def documents() -> list[tuple[str, str]]:
        mine = bad_documents(conn, part=here)
        answer.append(_answer(asked))
        theirs = answer[0]
        return joined(mine, bad_documents(conn, part=there) if theirs is None else theirs)

    try:
        yield documents
    finally:
        if not answer:
            _answer(asked)


def _answer(
    waiting: Callable[[], list[tuple[str, str]] | None],
) -> list[tuple[str, str]] | None:
    try:
        return waiting()
    except Exception:  # whatever raised it: its part is then checked here
        return None


def _code(conn: driver.Connection, household_id: object) -> str:
    """A damaged document's household as the officer finds it: its code (a deleted
    household's too), else the id the row holds."""
    row = conn.execute("SELECT code FROM households WHERE id = ?", (household_id,)).fetchone()
    return str(household_id if row is None or row[0] is None else row[0])


def _by_household(
    conn: driver.Connection, part: Part | None = None
) -> Iterator[tuple[list[Any], list[Any], list[Any]]]:
    """(household rows, live member rows, live answers rows) for each household id found
    in any of the three, in id order: each row of each exactly once, whatever the ids hold.
    An id SQLite and Python order differently (not text) only splits its rows apart, which
    costs a decoding ``_made_of`` would have spared, never one left out."""
    streams = [
        groupby(_in_part(conn, sql, key, part), key=itemgetter(0)) for sql, key in _KEYS.items()
    ]
    heads = [next(stream, None) for stream in streams]
    while True:
        keys = [_order(head[0]) for head in heads if head is not None]
        if not keys:
            return
        first = min(keys)
        out: list[list[Any]] = []
        for i, head in enumerate(heads):
            if head is not None and _order(head[0]) == first:
                out.append(list(head[1]))
                heads[i] = next(streams[i], None)
            else:
                out.append([])
        yield out[0], out[1], out[2]


def _order(value: object) -> tuple[int, str]:
    # Text compares in Python as SQLite's BINARY collation orders it (UTF-8 keeps the
    # order of code points); anything else after it, in an order of its own.
    return (0, value) if type(value) is str else (1, repr(value))


def _joinable(doc: object) -> bool:
    """Whether ``result_docs.answers_json`` joins members onto this text (a household's,
    decoded as an object) as JSON: text (not a blob another tool wrote), ending with the
    object's closing brace (no whitespace after it), the object not empty
    (``{,"members":[]}`` is not JSON)."""
    return type(doc) is str and doc.endswith("}") and not doc[:-1].rstrip(" \t\n\r").endswith("{")


def _made_of(blob: Any, joined: str) -> bool:
    """Whether the answers document ``blob`` is, byte for byte, ``joined``: the text
    ``result_docs.answers_json`` makes of a household's text (``_joinable``) and its
    members' texts, each just decoded by its own decoder. Such a text decodes as they did,
    so its own decoding is spared: it is their JSON values joined (the members' list added
    as the object's last key, which wins over any "members" the household's text held), and
    a household decodes field by field with no rule across fields (``forms.model.Household``
    has no ``__post_init__``), its members each by ``member_from_dict`` (``forms.codec``).
    ``json.loads`` reads those bytes as UTF-8: they start as the household's text does,
    with "{" or JSON whitespace, never a byte order mark (that text decoded)."""
    try:
        return bool(zlib.decompress(blob) == joined.encode())
    except (zlib.error, TypeError, ValueError):  # not bytes, not zlib, not encodable text
        return False


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
