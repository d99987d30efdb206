"""Read-only SQL the printed documents need that the Store API does not offer.

Kept apart from ``db/store.py`` so report queries never touch the write path; every function
takes the Store's own connection (the caller's thread owns it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from db import driver
from db.deep_check import Cancel, Cancelled, naming_damage
from db.households import household_from_docs
from db.records import HouseholdQuery, MeetingVote
from db.result_docs import answered_code, answered_village, answers_household
from forms.classify import Result, result_from_dict
from forms.meeting import PROPOSED_CATEGORIES, PROPOSED_TRANSITIONS
from forms.model import Category, Household, Transition

_CHUNK = 500


def _sql_list(values: tuple[Category, ...] | tuple[Transition, ...]) -> str:
    # Enum values of our own, not user input: written into the SQL so the planner sees them.
    return ",".join(f"'{v.value}'" for v in values)


# "The list after the meeting" in SQL, the same rule as ``forms.meeting.standing``: a result
# put to the village meeting (``r``, with its vote ``v``) that under half of those present
# agreed to is sent back for re-survey; every other result stands.
def _sent_back(r: str = "r", v: str = "v") -> str:
    on_agenda = (
        f"({r}.category IN ({_sql_list(PROPOSED_CATEGORIES)})"
        f" OR {r}.transition IN ({_sql_list(PROPOSED_TRANSITIONS)}))"
    )
    return (
        f"({v}.id IS NOT NULL AND NOT ({v}.attendees > 0 AND {v}.agree * 2 >= {v}.attendees)"
        f" AND {on_agenda})"
    )


SENT_BACK = _sent_back()


# --- the lists in force (issue 24) -------------------------------------------------------
# A monthly regular round ("adhoc") holds only the households that applied or changed; its
# decision updates their status from the decision date. The lists in force on a date D are
# therefore the periodic round's list after its meeting, each household's row replaced by
# its row in the latest regular round decided on or before D. One definition, here, read by
# the household list and its counts (``db.store``), the lists printed as "the current list"
# and the year-round reports.
def updating_rounds(conn: driver.Connection, base_round_id: str | None, on: date) -> list[str]:
    """The regular rounds whose decisions update a periodic round's lists by ``on``, in the
    order they apply. Only rounds started after the periodic one count (a later periodic
    review surveys every household again, so it supersedes the regular rounds before it),
    and none decided before the periodic round's own decision."""
    if base_round_id is None:
        return []
    return [
        rid
        for (rid,) in conn.execute(
            "SELECT r.id FROM rounds b JOIN rounds r ON r.kind = 'adhoc'"
            " AND (r.year > b.year OR (r.year = b.year AND r.started_at > b.started_at))"
            " JOIN decisions d ON d.round_id = r.id"
            " LEFT JOIN decisions bd ON bd.round_id = b.id"
            " WHERE b.id = ? AND b.kind = 'periodic' AND d.date <= ?"
            " AND (bd.date IS NULL OR d.date >= bd.date)"
            " ORDER BY d.date, r.year, r.started_at",
            (base_round_id, on.isoformat()),
        )
    ]


def decided_base(conn: driver.Connection, on: date) -> str | None:
    """The periodic round whose decision made the lists in force on ``on``: the one with the
    latest periodic decision on or before it, the decision ``forms.support_period`` opens
    that day's support period with. None before any decision. While a newer periodic review
    is still open (no decision yet), the lists in force are still this round's."""
    found = conn.execute(
        "SELECT r.id FROM decisions d JOIN rounds r ON r.id = d.round_id"
        " WHERE r.kind = 'periodic' AND d.date <= ?"
        " ORDER BY d.date DESC, r.year DESC, r.started_at DESC LIMIT 1",
        (on.isoformat(),),
    ).fetchone()
    return str(found[0]) if found else None


def in_force_round(base_round_id: str | None, updating: list[str]) -> tuple[str, list[Any]]:
    """An SQL expression (and its parameters) for the round whose result stands for the
    household ``h`` in the lists in force: its latest row among ``updating`` (from
    ``updating_rounds``) that the regular round's meeting did not send back, else the base
    round. With nothing updating it is the base round's id alone, so the common case keeps
    the plain, indexed query."""
    if not updating:
        return "?", [base_round_id]
    marks = ",".join("?" * len(updating))
    rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(updating)))
    expression = (
        "COALESCE((SELECT x.round_id FROM results x LEFT JOIN meeting_votes xv"
        " ON xv.household_id = x.household_id AND xv.round_id = x.round_id"
        f" WHERE x.household_id = h.id AND x.round_id IN ({marks})"
        f" AND NOT {_sent_back('x', 'xv')}"
        f" ORDER BY CASE x.round_id {rank} END DESC LIMIT 1), ?)"
    )
    return expression, [*updating, *updating, base_round_id]


@dataclass(frozen=True)
class Listed:
    """One household of a round as the lists after the meeting see it."""

    household: Household
    result: Result
    transition: Transition | None
    vote: MeetingVote | None
    sent_back: bool  # the meeting did not agree: on the re-survey list, on no other list
    round_id: str = ""  # the round the result is of (another than asked for: lists in force)


def connection(store: Any) -> driver.Connection:
    """The sqlite3 connection under a Store (plain or wrapped in a sqlite-utils Database)."""
    for name in ("conn", "_conn", "connection", "db", "_db"):
        value = getattr(store, name, None)
        if isinstance(value, driver.Connection):
            return value
        inner = getattr(value, "conn", None)
        if isinstance(inner, driver.Connection):
            return inner
    raise TypeError("the store exposes no sqlite3 connection")


def _transition(value: str | None) -> Transition | None:
    try:
        return Transition(value) if value else None
    except ValueError:
        return None


def round_results(
    conn: driver.Connection, round_id: str, village: str | None = None
) -> Iterator[tuple[Household, Result, Transition | None]]:
    """Live households classified in a round, with their result and stored transition, in
    code order, whatever the meeting said (see ``after_meeting`` for the lists)."""
    for item in after_meeting(conn, round_id, village):
        yield item.household, item.result, item.transition


def after_meeting(
    conn: driver.Connection,
    round_id: str,
    village: str | None = None,
    *,
    on: date | None = None,
    household_id: str | None = None,
    earlier: str | None = None,
) -> Iterator[Listed]:
    """The list after the meeting: every live household classified in a round, with its
    result, stored transition, vote and whether the meeting sent it back, in code order.
    With ``village``, only that village's rows are read and decoded (a village list of a
    large commune must not decode the whole commune); with ``household_id``, only that
    household's (one household's form). With ``on``, the lists in force on that date: a
    periodic round's rows updated by the regular rounds decided by then
    (``updating_rounds``); each row's vote is that of the round its result comes from.

    ``earlier``: the round is an earlier one than the file's current round, its lists made
    when it was decided (``as_decided_since``, a time): each household is read as that round
    answered it (its ``answers`` snapshot: the members of then, not those of a household
    split since), households deleted after that time included (they were on its lists) and
    a village's rows those the round answered in that village. A row with no snapshot (a
    list imported from an Excel file) is read as the file holds it now."""
    updating = updating_rounds(conn, round_id, on) if on is not None else []
    for rows in _listed_rows(conn, round_id, village, household_id, updating, earlier):
        members = _members(conn, [r[0] for r in rows if r[_ANSWERS] is None])
        listed = []
        with naming_damage(conn):  # a damaged household is named, with every other one
            for row in rows:
                hid, _c, doc, result_doc, transition, vid, agree, att, note, day, back, rid, _v = (
                    row[:_ANSWERS]
                )
                vote = None
                if vid is not None:
                    vote = MeetingVote(vid, hid, rid, agree, att, note, date.fromisoformat(day))
                listed.append(
                    Listed(
                        _household(row[_ANSWERS] or doc, members.get(hid, [])),
                        result_from_dict(json.loads(result_doc)),
                        _transition(transition),
                        vote,
                        bool(back),
                        rid,
                    )
                )
        yield from listed


def as_decided_since(conn: driver.Connection, round_id: str) -> str:
    """When an earlier round's lists were made: its decision's recording in the file. A
    household deleted after that was on its lists; one deleted before (moved away during
    the review) was not. A round with no decision made no lists yet: the one its decision,
    when it comes, will recognise holds no household deleted by then, so none is kept
    (a time after every other)."""
    found = conn.execute(
        "SELECT created_at FROM decisions WHERE round_id = ?", (round_id,)
    ).fetchone()
    return str(found[0]) if found else "9999"


def _members(conn: driver.Connection, ids: list[str]) -> dict[str, list[str]]:
    """Household id → its members' documents in order: the live ones, or a deleted
    household's members as it was deleted with them (an earlier round's lists hold it)."""
    members: dict[str, list[str]] = {hid: [] for hid in ids}
    if not ids:
        return members
    marks = ",".join("?" * len(ids))
    for hid, doc in conn.execute(
        "SELECT m.household_id, m.doc FROM members m JOIN households h ON h.id = m.household_id"
        f" WHERE (m.deleted = 0 OR h.deleted = 1) AND m.household_id IN ({marks})"
        " ORDER BY m.household_id, m.position",
        ids,
    ):
        members[hid].append(doc)
    return members


def _household(doc: str | bytes, member_docs: list[str]) -> Household:
    """A household from its document's text and its members', or from a round's answers
    snapshot (``bytes``: compressed, the members inside)."""
    if isinstance(doc, bytes):
        return answers_household(doc)
    return household_from_docs(doc, member_docs)


_LISTED_COLUMNS = (
    "SELECT h.id, h.code, h.doc, r.doc, r.transition, v.id, v.agree, v.attendees, v.note,"
    f" v.meeting_date, {SENT_BACK}, r.round_id, h.village"
)
_ANSWERS = 13  # a row's answers snapshot, after _LISTED_COLUMNS' (an earlier round's only)


def as_answered(earlier: str | None) -> tuple[str, str, list[str]]:
    """(the answers column, its join, the households' condition and its parameters): an
    earlier round's snapshot and the households deleted after its lists were made, or,
    for the current round, nothing and the live households. Read by ``after_meeting`` and by
    the certificate numbers given to the same rows (``db.certificates.assign``)."""
    if earlier is None:
        return ", NULL", "", ["h.deleted = 0"]
    return (
        ", a.doc",
        " LEFT JOIN answers a ON a.household_id = h.id AND a.round_id = r.round_id"
        " AND a.deleted = 0",
        # A deletion in the decision's own millisecond counts as after it: the lists were
        # made of the households there when it was recorded, and a family holding its
        # certificate must not drop off a reprint (a test did both in one millisecond).
        ["(h.deleted = 0 OR h.updated_at >= ?)", earlier],
    )


@dataclass(frozen=True)
class Answered:
    """A household of an earlier round's documents, as they name it."""

    id: str
    code: str  # its code in the round's answers, printed on its documents of the round
    head_name: str  # its head then
    village: str  # its village then
    code_now: str  # its code in the file today
    deleted: bool  # deleted since


def answered_with_code(
    conn: driver.Connection,
    round_id: str,
    earlier: str,
    code: str | None,
    *,
    household_id: str | None = None,
) -> list[Answered]:
    """The households an earlier round's documents (``after_meeting(earlier=)``) print with
    ``code``: the code of its answers (a row without them, the file's), deleted households
    included where its lists hold them; with ``household_id`` (``code`` None), that
    household as they print it, if they do. What an officer reprinting last year's
    certificate has is the code on the old paper; looked up among today's codes, a
    household deleted since could not be found and one given a new code since had to be
    named by it (and was printed with another). Every row of the round is read (only the
    first bytes of its answers): two households may have answered it with one code (a code
    freed by a deletion and given again), and both are returned."""
    answers, join, (live, *live_params) = as_answered(earlier)
    only = " AND h.id = ?" if household_id is not None else ""
    rows = conn.execute(
        "SELECT h.id, h.code, h.village, h.head_name, h.deleted" + answers + " FROM results r"
        f" JOIN households h ON h.id = r.household_id{join}"
        f" WHERE r.round_id = ? AND {live}{only}",
        [round_id, *live_params, *([household_id] if household_id is not None else [])],
    )
    found = []
    for hid, now, village, head, deleted, blob in rows:
        then = answered_code(blob) or now
        if code is not None and then != code:
            continue
        if blob is not None:
            with naming_damage(conn):  # a damaged snapshot named, as the documents do
                household = answers_household(blob)
            head, village = household.head_name(), household.village
        found.append(Answered(hid, then, head, village, now, bool(deleted)))
    return sorted(found, key=lambda a: (a.village, a.head_name, a.id))


def _in_village(rows: list[Any], village: str | None, earlier: str | None) -> list[Any]:
    """An earlier round's rows of a village: those its answers place there (a household
    that moved village since is on its old village's lists); without answers, the file's
    village."""
    if village is None or earlier is None:
        return rows
    return [r for r in rows if (answered_village(r[_ANSWERS]) or r[_ANSWERS - 1]) == village]


def _listed_rows(
    conn: driver.Connection,
    round_id: str,
    village: str | None,
    household_id: str | None,
    updating: list[str],
    earlier: str | None = None,
) -> Iterator[list[Any]]:
    """``after_meeting``'s rows, ``_CHUNK`` at a time in code order.

    A round's own rows: its household ids first, in code order (ids only, a few MB
    at 100,000), then each chunk's documents by id. Paging with ``code > ? ORDER BY code
    LIMIT`` instead let SQLite drive from the round's results and sort all of them, their
    documents with them, for every chunk: quadratic, 93-187 s of CPU for a one-page notice
    of a 100,000-household file, now 42 s (SQLite's share at 10,000: 2.1 s, now 0.3 s).
    Not by walking the households' code index instead (``CROSS JOIN``): that walks every
    household for a monthly round of a few (issue 22).

    An earlier round's village (``earlier``) is the one its answers hold, known only once
    a chunk's snapshots are read: its rows are chosen chunk by chunk, the round's every
    snapshot read once, a chunk at a time."""
    answers, join, (live, *live_params) = as_answered(earlier)
    only_sql = " AND h.village = ?" if village is not None and earlier is None else ""
    only_params = [village] if village is not None and earlier is None else []
    if household_id is not None:
        only_sql += " AND h.id = ?"
        only_params.append(household_id)
    if not updating:
        keys = conn.execute(
            "SELECT h.id FROM results r JOIN households h ON h.id = r.household_id"
            f" WHERE r.round_id = ? AND {live}{only_sql} ORDER BY h.code",
            [round_id, *live_params, *only_params],
        ).fetchall()
        for start in range(0, len(keys), _CHUNK):
            ids = [k[0] for k in keys[start : start + _CHUNK]]
            marks = ",".join("?" * len(ids))
            rows = conn.execute(
                _LISTED_COLUMNS
                + answers
                + " FROM households h JOIN results r ON r.household_id = h.id"
                " AND r.round_id = ? LEFT JOIN meeting_votes v ON v.household_id = h.id"
                f" AND v.round_id = r.round_id{join} WHERE h.id IN ({marks})",
                [round_id, *ids],
            ).fetchall()
            rows = _in_village(rows, village, earlier)
            if rows:
                yield sorted(rows, key=lambda r: r[1])  # the codes' order, as the keys
        return
    expression, chosen = in_force_round(round_id, updating)
    last = ""
    while True:
        rows = conn.execute(
            _LISTED_COLUMNS + answers + " FROM households h JOIN results r ON r.household_id = h.id"
            f" AND r.round_id = {expression}"
            f" LEFT JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id{join}"
            f" WHERE {live} AND h.code > ?{only_sql} ORDER BY h.code LIMIT {_CHUNK}",
            [*chosen, *live_params, last, *only_params],
        ).fetchall()
        if not rows:
            return
        last = rows[-1][1]
        rows = _in_village(rows, village, earlier)
        if rows:
            yield rows


def listed_docs(
    conn: driver.Connection, keys: list[tuple[str, str]], *, earlier: bool = False
) -> dict[str, tuple[str | bytes, list[str], str]]:
    """The stored texts of households as ``after_meeting`` read them, by (household id,
    round id of its result): household id → (its document, its members' documents in
    order, the result's document); ``earlier``: as ``after_meeting(earlier=)`` read them,
    the round's answers snapshot (compressed, its members inside) in place of the
    document where there is one. For a report that keeps a few fields a household and
    reads the rest again when a row is printed (``reports.review``, issue 22)."""
    if not keys:
        return {}
    ids = [hid for hid, _rid in keys]
    marks = ",".join("?" * len(ids))
    docs: dict[str, str | bytes] = dict(
        conn.execute(f"SELECT id, doc FROM households WHERE id IN ({marks})", ids)
    )
    results: dict[str, str] = {}
    by_round: dict[str, list[str]] = {}
    for hid, rid in keys:
        by_round.setdefault(rid, []).append(hid)
    answered: set[str] = set()
    for rid, hids in by_round.items():
        marks = ",".join("?" * len(hids))
        results.update(
            conn.execute(
                "SELECT household_id, doc FROM results WHERE round_id = ?"
                f" AND household_id IN ({marks})",
                [rid, *hids],
            )
        )
        if earlier:
            for hid, blob in conn.execute(
                "SELECT household_id, doc FROM answers WHERE round_id = ? AND deleted = 0"
                f" AND household_id IN ({marks})",
                [rid, *hids],
            ):
                docs[hid] = blob
                answered.add(hid)
    members = _members(conn, [hid for hid in ids if hid not in answered])
    return {
        hid: (docs[hid], members.get(hid, []), results[hid])
        for hid in ids
        if hid in docs and hid in results
    }


def decode_listed(
    conn: driver.Connection, texts: tuple[str | bytes, list[str], str]
) -> tuple[Household, Result]:
    """A household and its result from ``listed_docs``' texts, a damaged one named."""
    doc, member_docs, result_doc = texts
    with naming_damage(conn):
        return _household(doc, member_docs), result_from_dict(json.loads(result_doc))


def unsettled_count(conn: driver.Connection, round_id: str) -> int:
    """Live households of the round with no category after its meeting: not determined, or
    sent back by a periodic review's meeting (``reports.decision.unsettled``, counted without
    reading them). A month's meeting that sends a household back leaves it where it was."""
    (n,) = conn.execute(
        "SELECT COUNT(*) FROM results r JOIN households h ON h.id = r.household_id"
        " JOIN rounds o ON o.id = r.round_id"
        " LEFT JOIN meeting_votes v ON v.household_id = r.household_id"
        " AND v.round_id = r.round_id"
        " WHERE r.round_id = ? AND h.deleted = 0"
        f" AND (r.category = ? AND NOT {SENT_BACK} OR o.kind = 'periodic' AND {SENT_BACK})",
        (round_id, Category.UNDETERMINED.value),
    ).fetchone()
    return int(n)


def after_meeting_counts(store: Any, q: HouseholdQuery) -> dict[Category, int]:
    """``Store.category_counts`` after the meeting: a household sent back for re-survey is
    on no list until a new vote, so it counts as not yet determined (Chưa xác định), not
    under the category the meeting rejected. The dashboard and the status bar read this."""
    counts: dict[Category, int] = dict(store.category_counts(q))
    # The Store's own filter (village, text, transition …), so both counts agree on scope.
    where, params = store.lists.where(q, with_category=False, join=False)
    round_sql, round_params = store.lists.round_sql(q)  # the lists in force, as the counts
    if round_sql == "?":
        # From the round's votes (those put to the meeting), not from its results (every
        # household): 27 ms of CPU at 100,000 households for 933 votes, now 0.1 ms.
        source = (
            "FROM meeting_votes v CROSS JOIN results r ON r.household_id = v.household_id"
            " AND r.round_id = v.round_id CROSS JOIN households h ON h.id = r.household_id"
            " WHERE v.round_id = ?"
        )
    else:  # the lists in force: the round depends on each household
        source = (
            "FROM results r JOIN households h ON h.id = r.household_id"
            " JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id"
            f" WHERE r.round_id = {round_sql}"
        )
    sql = (
        f"SELECT r.category, COUNT(*) {source} AND h.deleted = 0 AND {SENT_BACK}"
        + where.split(" WHERE h.deleted = 0", 1)[1]
        + " GROUP BY r.category"
    )
    for category, n in connection(store).execute(sql, [*round_params, *params]):
        found = Category(category)
        moved = min(n, counts.get(found, 0))
        counts[found] = counts.get(found, 0) - moved
        counts[Category.UNDETERMINED] = counts.get(Category.UNDETERMINED, 0) + moved
    return counts


@contextmanager
def reading(path: str | Path, cancel: Cancel | None = None) -> Iterator[driver.Connection]:
    """A read-only connection of its own to the file at ``path`` (an encrypted file's
    remembered key, ``db.driver``): safe in a worker thread while a Store has the file
    open, and it sees what that Store committed. ``cancel`` interrupts it (``Cancelled``):
    a newer count, or the file being closed."""
    conn = driver.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    if cancel is not None:
        cancel.attach(conn)
    try:
        if cancel is not None:
            cancel.tick()
        yield conn
    except driver.DatabaseError as exc:
        if cancel is not None and cancel.cancelled:
            raise Cancelled from exc
        raise
    finally:
        if cancel is not None:
            cancel.attach(None)
        conn.close()


def reading_store(conn: driver.Connection, path: str | Path) -> Any:
    """A Store over a ``reading`` connection, for its queries only: never written to nor
    closed as a Store (its close checkpoints and makes backups)."""
    from db.store import Store

    return Store(Path(path), conn, user="", device="")


def after_meeting_counts_apart(
    path: str | Path, q: HouseholdQuery, cancel: Cancel | None = None
) -> dict[Category, int]:
    """``after_meeting_counts`` on a connection of its own (``reading``): the status bar's
    counts, in a worker."""
    with reading(path, cancel) as conn:
        return after_meeting_counts(reading_store(conn, path), q)


def after_meeting_counts_by_village(
    conn: driver.Connection, round_id: str
) -> dict[str, dict[Category, int]]:
    """village → ``after_meeting_counts(HouseholdQuery(village=…, round_id=round_id))``
    for every village with live households, in three grouped queries instead of three a
    village (the dashboard: about 100 villages in a district-size file)."""
    counts: dict[str, dict[Category, int]] = {}
    for village, n in conn.execute(
        "SELECT village, COUNT(*) FROM households WHERE deleted = 0 GROUP BY village"
    ):
        counts[village] = dict.fromkeys(Category, 0)
        # Households the round has not classified yet count as undetermined.
        counts[village][Category.UNDETERMINED] = n
    for village, category, n in conn.execute(
        "SELECT h.village, r.category, COUNT(*) FROM results r CROSS JOIN households h"
        " ON h.id = r.household_id WHERE r.round_id = ? AND h.deleted = 0"
        " GROUP BY h.village, r.category",
        (round_id,),
    ):
        found = Category(category)
        counts[village][found] += n
        counts[village][Category.UNDETERMINED] -= n
    # Sent back for re-survey: on no list until a new vote (as ``after_meeting_counts``).
    for village, category, n in conn.execute(
        "SELECT h.village, r.category, COUNT(*) FROM meeting_votes v CROSS JOIN results r"
        " ON r.household_id = v.household_id AND r.round_id = v.round_id"
        " CROSS JOIN households h ON h.id = r.household_id"
        f" WHERE v.round_id = ? AND h.deleted = 0 AND {SENT_BACK}"
        " GROUP BY h.village, r.category",
        (round_id,),
    ):
        found = Category(category)
        moved = min(n, counts[village][found])
        counts[village][found] -= moved
        counts[village][Category.UNDETERMINED] += moved
    return counts


def deprived_by_indicator(conn: driver.Connection, round_id: str) -> list[tuple[str, str, int]]:
    """(indicator id, its name, live households of the round deprived in it), in the order
    the results list the indicators; an indicator nobody lacks is there with 0. Read from
    the stored results' JSON by SQLite (``json_each``), without decoding a household or a
    result in Python (in a worker, the GUI thread keeps the interpreter meanwhile: SQLite
    runs without it). A result that does not parse names its household
    (``DamagedRecords``)."""
    # The indicators and their order from one result of each standard and engine version
    # the round was classified under; the counts from the deprived outcomes alone (every
    # outcome grouped was 6.1 s of CPU against 3.5 for a round of 100,000 households).
    listed = (
        "SELECT j.value ->> 'id', j.value ->> 'name' FROM results r,"
        " json_each(r.doc, '$.indicators') j WHERE r.rowid IN (SELECT MIN(rowid) FROM results"
        " WHERE round_id = ? GROUP BY standard_id, engine_version) ORDER BY r.rowid, j.key"
    )
    deprived = (
        "SELECT j.value ->> 'id', MIN(j.value ->> 'name'), COUNT(*)"
        " FROM results r CROSS JOIN households h ON h.id = r.household_id,"
        " json_each(r.doc, '$.indicators') j"
        " WHERE r.round_id = ? AND h.deleted = 0 AND j.value ->> 'status' = 'deprived'"
        " GROUP BY 1"
    )
    with naming_damage(conn):
        try:
            names = {str(i): str(name) for i, name in conn.execute(listed, (round_id,))}
            counts = {
                str(i): (str(name), int(n)) for i, name, n in conn.execute(deprived, (round_id,))
            }
        except driver.OperationalError as exc:
            if "JSON" not in str(exc):
                raise
            raise ValueError("a stored result is not JSON") from exc
    for i, (name, _n) in counts.items():
        names.setdefault(i, name)
    return [(i, name, counts.get(i, ("", 0))[1]) for i, name in names.items()]


@dataclass(frozen=True)
class Recognised:
    """One household of a round's recognised lists (poor or near-poor after its meeting)."""

    household_id: str
    village: str
    category: Category
    persons: int
    deleted: bool  # since removed from the file (died, moved away): an "other decrease"
    code: str = ""  # the household's code, for a refusal naming it


LISTED = _sql_list((Category.POOR, Category.NEAR_POOR))


def recognised(conn: driver.Connection, round_id: str) -> list[Recognised]:
    """A round's recognised poor and near-poor lists, as the next year's summary starts from
    them ("Đầu kỳ"): its poor and near-poor results the meeting did not send back, households
    deleted since included (they left the list as "khác giảm"). Lists imported from last
    year's Excel file are results of that year's round and count the same way. Persons are
    the members the file holds now (a household's size last year is not stored apart).

    The village is the household's as that round's answers hold it, as last year's summary
    counted it: a household that moved village since stays in its old village's "Đầu kỳ"
    (and leaves it as "khác giảm", entering the new one as "khác tăng"), where it moved with
    the household. A village renamed since (its old name no village now), or no answers:
    the file's village now."""
    villages = {name for (name,) in conn.execute("SELECT name FROM villages")}
    sql = (
        "SELECT h.id, h.village, r.category, h.deleted, h.code,"
        " (SELECT COUNT(*) FROM members m WHERE m.household_id = h.id"
        "  AND (m.deleted = 0 OR h.deleted = 1)),"
        " (SELECT a.doc FROM answers a WHERE a.household_id = h.id AND a.round_id = r.round_id)"
        " FROM results r JOIN households h ON h.id = r.household_id"
        " LEFT JOIN meeting_votes v ON v.household_id = h.id AND v.round_id = r.round_id"
        f" WHERE r.round_id = ? AND r.category IN ({LISTED})"
        f" AND NOT {SENT_BACK} ORDER BY h.code"
    )
    out = []
    for hid, village, category, deleted, code, persons, answers in conn.execute(sql, (round_id,)):
        then = answered_village(answers)
        if then in villages:
            village = then
        out.append(Recognised(hid, village, Category(category), persons, bool(deleted), code))
    return out
