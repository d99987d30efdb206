"""Everything the commune file holds about one person (issue 20 item 5): a person asks what
is held about them, to have it corrected or erased.

It answers one person's request, so it is the commune officer's (``Action.PERSON_DATA``,
asked here as every restricted ``db`` operation asks its action) and it finds one person,
never a list of the commune: the query is a whole CCCD (12 digits) or CMND (9 digits)
number, matched exactly, or a name of at least two words each matching a whole word of the
person's name (diacritics and case ignored, as the household list's search folds them: "lo
thi mai" finds "Lò Thị Mai", "Mai" or "Lo Th" finds nobody), and a query matching more than
``MAX_FOUND`` people is refused, asking for the number or the full name. Found across live
and deleted households (a purged household holds no one any more) and members removed from
a roster.
For each person found: their household, their own record as it stands, the rounds whose
answers list them (with the household's category that round), the changes of their record
in the audit log, and the household's applications and support records.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from db.errors import StoreError
from db.store import Store
from forms.roles import Action
from forms.text import fold

# More people than this for one query is a list, not a person: refused (a common name typed
# without the middle name, "Nguyen Van"); the same full name a few times stays found.
MAX_FOUND = 10
ID_LENGTHS = (9, 12)  # CMND, CCCD
BAD_NUMBER = (
    "Số CCCD có 12 chữ số, số CMND có 9 chữ số; số đã gõ có {n} chữ số. Hãy gõ đủ số, hoặc "
    "tìm theo họ tên."
)
SHORT_NAME = (
    "Hãy gõ đủ số CCCD/CMND, hoặc họ tên có ít nhất hai chữ (ví dụ: Hoàng Văn An), mỗi chữ "
    "gõ đủ: việc tra cứu là để trả lời yêu cầu của một người, không để liệt kê cả xã."
)
TOO_MANY = (
    "Có {n} người khớp với họ tên đã gõ (nhiều hơn {limit}): hãy gõ đủ họ tên, hoặc tìm theo số "
    "CCCD/CMND."
)


@dataclass(frozen=True)
class RoundSeen:
    year: int
    round_id: str
    category: str | None  # the household's result that round, when classified


@dataclass(frozen=True)
class Change:
    at: str
    user: str
    action: str  # insert / update / delete
    fields: list[str]  # the member fields that changed (keys of the stored document)


@dataclass
class Person:
    member_id: str
    household_id: str
    code: str
    village: str
    position: int  # 0-based place in the household's roster
    name: str
    id_number: str | None
    record: dict[str, Any]  # the member's stored document
    household_deleted: bool
    member_deleted: bool
    rounds: list[RoundSeen] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)
    support: list[dict[str, Any]] = field(default_factory=list)


def _is_number(query: str) -> bool:
    return query.replace(" ", "").isdigit()


def query_problem(query: str) -> str | None:
    """Why ``query`` cannot be looked up (Vietnamese), or None: a number of other than 9 or
    12 digits, a name of fewer than two words."""
    if _is_number(query):
        n = len(query.replace(" ", ""))
        return None if n in ID_LENGTHS else BAD_NUMBER.format(n=n)
    return None if len(fold(query).split()) >= 2 else SHORT_NAME


def find(store: Store, query: str) -> list[Person]:
    """The people whose CCCD/CMND is ``query`` (9 or 12 digits) or whose name holds each
    word of it as a whole word (at least two; diacritics ignored), live households first,
    then by household code and place. The signed-in user must be an officer
    (``NotPermitted``); a query that could list many people is refused (``StoreError``:
    ``query_problem``, ``MAX_FOUND``)."""
    store.require(Action.PERSON_DATA)
    query = query.strip()
    problem = query_problem(query)
    if problem is not None:
        raise StoreError(problem)
    conn = store.conn
    base = (
        "SELECT m.id, m.household_id, h.code, h.village, m.position, m.name, m.id_number,"
        " m.doc, h.deleted, m.deleted FROM members m JOIN households h ON h.id = m.household_id"
    )
    if _is_number(query):
        rows = conn.execute(base + " WHERE m.id_number = ?", (query.replace(" ", ""),)).fetchall()
    else:
        words = fold(query).split()
        rows = [r for r in conn.execute(base) if _whole_words(words, fold(r[5]).split())]
    if len(rows) > MAX_FOUND:
        raise StoreError(TOO_MANY.format(n=len(rows), limit=MAX_FOUND))
    rows.sort(key=lambda r: (bool(r[8]), bool(r[9]), r[2], r[4]))
    people = [
        Person(
            member_id=r[0],
            household_id=r[1],
            code=r[2],
            village=r[3],
            position=int(r[4]),
            name=r[5],
            id_number=r[6],
            record=json.loads(r[7]),
            household_deleted=bool(r[8]),
            member_deleted=bool(r[9]),
        )
        for r in rows
    ]
    for p in people:
        _fill(store, p)
    return people


def _whole_words(words: list[str], name: list[str]) -> bool:
    """Each query word is a word of the name, a word typed twice ("Lò Văn Lò") there twice."""
    left = list(name)
    for w in words:
        if w not in left:
            return False
        left.remove(w)
    return True


def _fill(store: Store, p: Person) -> None:
    conn = store.conn
    for round_id, year, doc, category in conn.execute(
        "SELECT a.round_id, r.year, a.doc, res.category FROM answers a"
        " JOIN rounds r ON r.id = a.round_id LEFT JOIN results res"
        " ON res.household_id = a.household_id AND res.round_id = a.round_id"
        " WHERE a.household_id = ? AND a.deleted = 0 ORDER BY r.year, r.started_at",
        (p.household_id,),
    ):
        try:
            snapshot = json.loads(zlib.decompress(doc))
        except (zlib.error, ValueError):
            continue  # a damaged snapshot: the file check names it
        if any(m.get("id") == p.member_id for m in snapshot.get("members", [])):
            p.rounds.append(RoundSeen(int(year), round_id, category))
    for at, user, action, old, new in conn.execute(
        "SELECT at, user, action, old, CASE WHEN new_in_row = 1 THEN NULL ELSE new END"
        " FROM audit WHERE household_id = ? AND tbl = 'members' AND row_id = ? ORDER BY id",
        (p.household_id, p.member_id),
    ):
        keys: set[str] = set()
        for text in (old, new):
            if text:
                value = json.loads(text)
                if isinstance(value, dict):
                    keys.update(value)
        p.changes.append(Change(at, user, action, sorted(keys) if action == "update" else []))
    p.applications = [
        {"kind": r[0], "submitted_on": r[1], "submitted_by": r[2], "request": r[3], "status": r[4]}
        for r in conn.execute(
            "SELECT kind, submitted_on, submitted_by, request, status FROM applications"
            " WHERE household_id = ? AND deleted = 0 ORDER BY submitted_on",
            (p.household_id,),
        )
    ]
    p.support = [
        {"kind": r[0], "given_on": r[1], "programme": r[2], "amount": r[3], "note": r[4]}
        for r in conn.execute(
            "SELECT kind, given_on, programme, amount, note FROM support_records"
            " WHERE household_id = ? AND deleted = 0 ORDER BY given_on",
            (p.household_id,),
        )
    ]


def record_lookup(store: Store, found: int) -> None:
    """The lookup in the audit log: that one was made and how many people it found, never
    what was asked (a name or a CCCD number would put personal data in the log)."""
    from db.audit import record_event

    record_event(store, "person_lookup", {"found": found})
