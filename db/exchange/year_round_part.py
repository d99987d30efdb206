"""The list all year round in packages (issue 24): applications, support records and cadre
assignments (m0010) travel in ``commune.json`` under ``"year_round"`` and merge by their
UUID, as households do, never overwriting silently.

- A record new here is added when its household is live here once the merge is written (a
  household left in conflict brings its records with a later package); a tombstone never
  seen here is not added.
- Support records and cadre assignments never change after they are written, only get a
  tombstone: a tombstone from either side wins (deleting is what someone did on purpose), so
  support records, only ever added, cannot conflict; one typed on both laptops apart (same
  household, kind and day) is kept once when alike, both kept and said when not
  (``_plan_new_support``). A cadre is changed by a tombstone on the
  old assignment and a new one: a package bringing a new cadre for a village or household
  whose assignment here it also tombstones saw this file's and replaced it, and is taken.
  Two live cadres for the same target, each assigned without seeing the other, are a
  conflict, stored (m0016) for the officer; this file's stays until then. The same cadre
  (name and role) assigned on both laptops is not: the assignment with the smaller id stays
  on both, the other becomes a tombstone. An assignment ended on both sides apart (the
  package's tombstone of a row this file holds as a tombstone of another version) with a new
  cadre on one side only is a conflict too (``_plan_new_cadre``, ``_plan_ended_there``): a
  removal is not undone, nor a replacement dropped, by a package that did not see it.
  Either conflict decided on both laptops the opposite ways, apart, is asked again
  (``_decided_apart``, ``_removals_decided_apart``), never settled by the tombstone alone;
  the cadre that stays after it is given again as a new assignment (``_decide_cadre``), so
  that the first decisions' endings of it, still passed on by a third laptop, do not end
  it again.
- An application changes status (in review, decided, withdrawn). Its versions are named by
  their ``updated_at``/``updated_device`` and their history is kept (``year_round_revs``,
  m0016, written by a trigger) and carried beside the rows (``"year_round_history"``). As
  for households (``db.exchange.history``): the package's version is taken when this file's
  is one of its ancestors (changed only there), nothing happens when the package's is one of
  this file's, and otherwise both changed it: a conflict stored for the officer, this file's
  kept until then. Both sides arriving at the same content is no conflict: the histories are
  joined. A deletion (a tombstone) is a version like any other, as a household's is: it is
  taken when it saw this file's version, and a deletion on one side of a change made on the
  other without seeing it is a conflict, not a silent loss of either (deleted on both: the
  histories joined).
- A record taken from a package keeps the package's ``updated_at``/``updated_device``, so the
  same package imported again finds every record the same and writes nothing.

Every write is audited under the record's table, in the merge's transaction; a decision
(``resolve``) too, under ``year_round_conflicts``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from db import driver
from db.exchange import history
from db.exchange.errors import PackageError
from forms import catalog
from forms.amounts import amount_text
from forms.applications import STATUS_LABELS, ApplicationKind, ApplicationStatus
from forms.validate import (
    MAX_NAME,
    MAX_NOTE,
    MAX_SHORT,
    is_iso_day,
    is_uuid,
    support_problems,
    text_problem,
)

KEY = "year_round"
# Applications' version history, [record id, version, parent version] each: beside ``KEY``
# rather than in it, since a reader refuses unknown keys there but passes over this one.
HISTORY_KEY = "year_round_history"
STAMPS = ("created_at", "created_device", "updated_at", "updated_device", "deleted")
# The columns of each table that say what the record is (compared, copied), in order.
CONTENT: dict[str, tuple[str, ...]] = {
    "applications": (
        "household_id",
        "kind",
        "submitted_on",
        "submitted_by",
        "request",
        "status",
        "round_id",
        "decision_id",
    ),
    "support_records": (
        "household_id",
        "kind",
        "given_on",
        "programme",
        "given_by",
        "amount",
        "note",
    ),
    "cadre_assignments": ("household_id", "village", "cadre_name", "cadre_role"),
}
TABLES = tuple(CONTENT)
MAX_ROWS = 500_000
_STAMP_TEXT = 200


def _columns(table: str) -> tuple[str, ...]:
    return ("id", *CONTENT[table], *STAMPS)


# --- export ------------------------------------------------------------------------------
def exported(conn: driver.Connection, household_ids: Iterable[str], whole: bool) -> dict[str, Any]:
    """The rows of the package's households, tombstones too (deletions travel); village
    cadres of their villages, or all of them when ``whole`` (the commune's package)."""
    ids = list(household_ids)
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        marks = ",".join("?" * len(part))
        for table in TABLES:
            cols = _columns(table)
            for r in conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} WHERE household_id IN ({marks})"
                " ORDER BY id",
                part,
            ):
                out[table].append(dict(zip(cols, r, strict=True)))
    cols = _columns("cadre_assignments")
    villages = {
        v
        for start in range(0, len(ids), 900)
        for (v,) in conn.execute(
            "SELECT DISTINCT village FROM households WHERE id IN"
            f" ({','.join('?' * len(ids[start : start + 900]))})",
            ids[start : start + 900],
        )
    }
    for r in conn.execute(
        f"SELECT {', '.join(cols)} FROM cadre_assignments WHERE village IS NOT NULL ORDER BY id"
    ):
        row = dict(zip(cols, r, strict=True))
        if whole or row["village"] in villages:
            out["cadre_assignments"].append(row)
    return out


def exported_history(conn: driver.Connection, part: Mapping[str, Any]) -> list[list[str]]:
    """The version history of the applications in ``part`` (``exported``'s result)."""
    ids = sorted(row["id"] for row in part.get("applications", []))
    return [
        [record, rev, parent]
        for chunk, marks in _chunks(ids)
        for record, rev, parent in conn.execute(
            "SELECT record_id, rev, parent_rev FROM year_round_revs"
            f" WHERE record_id IN ({marks}) ORDER BY record_id, rev, parent_rev",
            chunk,
        )
    ]


def _chunks(values: list[str], size: int = 900) -> Iterator[tuple[list[str], str]]:
    """(values, "?,?,…") by SQLite-sized chunks (at most 999 parameters in older builds)."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


# --- reading -----------------------------------------------------------------------------
def parse(commune: Mapping[str, Any], household_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The part checked whole: refused (``PackageError``) rather than half-taken."""
    raw = commune.get(KEY, {})
    if not isinstance(raw, dict) or set(raw) - set(TABLES):
        raise PackageError("Phần hỗ trợ, giấy đề nghị, cán bộ phụ trách của gói bị hỏng.")
    rounds = {r["id"] for r in commune.get("rounds", [])}
    kinds = {k.id: k.amount for k in catalog.support_kinds()}
    out: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    for table in TABLES:
        rows = raw.get(table, [])
        if not isinstance(rows, list) or len(rows) > MAX_ROWS:
            raise PackageError("Phần hỗ trợ, giấy đề nghị, cán bộ phụ trách của gói bị hỏng.")
        for row in rows:
            problem = _row_problem(table, row, household_ids, rounds, kinds)
            if problem is None and row["id"] in seen:
                problem = "ghi hai lần"
            if problem is not None:
                raise PackageError(f"Một {_WHAT[table]} trong gói không hợp lệ: {problem}.")
            seen.add(row["id"])
        out[table] = list(rows)
    out["history"] = _history(commune, {r["id"] for r in out["applications"]})
    return out


def _history(commune: Mapping[str, Any], applications: set[str]) -> list[dict[str, Any]]:
    raw = commune.get(HISTORY_KEY, [])  # none in packages made before it was carried
    if not isinstance(raw, list) or len(raw) > MAX_ROWS:
        raise PackageError("Lịch sử sửa giấy đề nghị trong gói bị hỏng.")
    out = []
    for entry in raw:
        if (
            not isinstance(entry, list)
            or len(entry) != 3
            or entry[0] not in applications
            or not all(_text_ok(v, 2 * _STAMP_TEXT + 1, empty=False) for v in entry[1:])
        ):
            raise PackageError("Lịch sử sửa giấy đề nghị trong gói bị hỏng.")
        out.append({"record_id": entry[0], "rev": entry[1], "parent_rev": entry[2]})
    return out


_WHAT = {
    "applications": "giấy đề nghị",
    "support_records": "lần hỗ trợ",
    "cadre_assignments": "phân công cán bộ",
}


def _text_ok(value: Any, limit: int, *, empty: bool = True, multiline: bool = False) -> bool:
    return (
        isinstance(value, str)
        and (empty or bool(value))
        and not text_problem(value, limit, multiline=multiline)
    )


def _named(value: Any, limit: int) -> bool:
    """A name as the window and the command line take one: text, not blank."""
    return _text_ok(value, limit) and bool(value.strip())


def _row_problem(
    table: str,
    row: Any,
    households: set[str],
    rounds: set[str],
    kinds: Mapping[str, bool],
) -> str | None:
    if not isinstance(row, dict) or set(row) != set(_columns(table)):
        return "thiếu hoặc thừa trường"
    if not is_uuid(row["id"]):
        return "mã không hợp lệ"
    if row["deleted"] not in (0, 1) or isinstance(row["deleted"], bool):
        return "trường deleted"
    if not all(_text_ok(row[k], _STAMP_TEXT, empty=False) for k in STAMPS[:4]):
        return "dấu thời gian"
    hid = row["household_id"]
    if hid is not None and not isinstance(hid, str):
        return "mã hộ"
    if not all(isinstance(row[k], str) for k in ("kind", "status") if k in row):
        return "loại hoặc trạng thái"
    if table == "cadre_assignments":
        if (hid is None) == (row["village"] is None):
            return "phải là của một hộ hoặc một thôn"
        if row["village"] is not None and not _text_ok(row["village"], MAX_SHORT, empty=False):
            return "tên thôn"
        if not _named(row["cadre_name"], MAX_NAME) or not _text_ok(row["cadre_role"], MAX_NAME):
            return "tên, chức vụ cán bộ"
    elif hid is None:
        # The table's column is NOT NULL: let through, the merge stopped on the constraint
        # ("Lỗi không mong muốn"), and a merge of several packages with it.
        return "không thuộc hộ nào"
    if hid is not None and hid not in households:
        return "hộ không có trong gói"
    if table == "support_records":
        if not is_iso_day(row["given_on"]):
            return "ngày hỗ trợ"
        found = support_problems(
            "",
            kind=row["kind"],
            given_on=date.fromisoformat(row["given_on"]),
            programme=row["programme"] if isinstance(row["programme"], str) else "?\x00",
            given_by=row["given_by"] if isinstance(row["given_by"], str) else "?\x00",
            amount=row["amount"],
            note=row["note"] if isinstance(row["note"], str) else "?\x00",
            kinds=kinds,
            today=date.max,  # a laptop's clock may run ahead: not a reason to refuse
        )
        if found:
            return found[0].removeprefix("Hộ (chưa có mã): ").rstrip(".")
    if table == "applications":
        if row["kind"] not in set(ApplicationKind) or row["status"] not in set(ApplicationStatus):
            return "loại hoặc trạng thái"
        if not is_iso_day(row["submitted_on"]):
            return "ngày nhận"
        # Names and the request as ``year_round.add_application`` takes them. Its bounds on
        # the day are not applied: applications recorded before those bounds existed (a
        # typo's 2062) would have every later package of their commune refused whole.
        if not _named(row["submitted_by"], MAX_NAME) or not _text_ok(
            row["request"], MAX_NOTE, multiline=True
        ):
            return "người nộp, lý do"
        if row["round_id"] is not None and row["round_id"] not in rounds:
            return "kỳ rà soát không có trong gói"
        if row["decision_id"] is not None and not _text_ok(row["decision_id"], _STAMP_TEXT):
            return "quyết định"
    return None


# --- merging -----------------------------------------------------------------------------
Choice = Literal["keep_mine", "take_theirs"]
_KINDS = ("applications", "cadre_assignments")  # the tables whose records can conflict


def version(row: Mapping[str, Any]) -> str:
    """A record's version as m0016 names it: when, and on which laptop, it was written."""
    return f"{row['updated_at']} {row['updated_device']}"


def _first_version(row: Mapping[str, Any]) -> str:
    return f"{row['created_at']} {row['created_device']}"


@dataclass
class Stored:
    """A conflict the merge stores: this file's row (the live cadre of the same target, for
    an assignment) and the package's."""

    table: str
    mine: dict[str, Any]
    theirs: dict[str, Any]


@dataclass
class Plan:
    inserts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    history: list[tuple[str, str, str]] = field(default_factory=list)  # (record, rev, parent)
    stored: list[Stored] = field(default_factory=list)  # new conflicts
    # Open cadre conflicts the package shows decided on the other laptop: (conflict id, the
    # choice its outcome amounts to here, the conflict's household id or None).
    settled: list[tuple[str, Choice, str | None]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # Vietnamese, for the receipt
    notes: list[str] = field(default_factory=list)  # Vietnamese, for the receipt: no decision

    @property
    def empty(self) -> bool:
        return not (self.inserts or self.updates or self.history or self.stored or self.settled)

    def count(self) -> int:
        return len(self.inserts) + len(self.updates)


class _Versions:
    """Applications' version parents, from this file (read by chunks) and the package."""

    def __init__(
        self, conn: driver.Connection, ids: list[str], incoming: Iterable[Mapping[str, str]]
    ) -> None:
        self.parents: dict[tuple[str, str], set[str]] = {}
        for chunk, marks in _chunks(sorted(set(ids))):
            for record, rev, parent in conn.execute(
                "SELECT record_id, rev, parent_rev FROM year_round_revs"
                f" WHERE record_id IN ({marks})",
                chunk,
            ):
                self.parents.setdefault((record, rev), set()).add(parent)
        self.incoming: dict[str, list[tuple[str, str, str]]] = {}
        for e in incoming:
            self.parents.setdefault((e["record_id"], e["rev"]), set()).add(e["parent_rev"])
            self.incoming.setdefault(e["record_id"], []).append(
                (e["record_id"], e["rev"], e["parent_rev"])
            )

    def descends(self, record: str, rev: str, candidate: str, first: str) -> bool:
        """True when ``candidate`` is ``rev`` or one of its ancestors; the version the record
        was created at is an ancestor of all of them."""
        if candidate == first:
            return True
        return history.reaches(rev, candidate, lambda r: self.parents.get((record, r), ()))


def _local_rows(conn: driver.Connection, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    cols = _columns(table)
    return {
        r[0]: dict(zip(cols, r, strict=True))
        for chunk, marks in _chunks(sorted(set(ids)))
        for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE id IN ({marks})", chunk)
    }


def carries_rows(incoming: Mapping[str, list[dict[str, Any]]]) -> bool:
    """Whether a package's year-round part holds any record (its history alone plans
    nothing: ``plan`` reads history only for the applications it carries)."""
    return any(incoming.get(table) for table in TABLES)


def plan(
    conn: driver.Connection,
    incoming: Mapping[str, list[dict[str, Any]]],
    live: set[str],
    villages: set[str],
    codes: Mapping[str, str],
    round_map: Mapping[str, str],
) -> Plan:
    """What the merge writes. ``live``: the households live here once the merge's household
    steps are written, ``villages`` the villages then; ``codes``: household id → code."""
    out = Plan()
    local_rounds = {r for (r,) in conn.execute("SELECT id FROM rounds")} | set(round_map.values())
    decisions = {d for (d,) in conn.execute("SELECT id FROM decisions")}
    known = {
        (t, rid, rev): resolved is not None
        for t, rid, rev, resolved in conn.execute(
            "SELECT tbl, record_id, incoming_rev, resolved_at FROM year_round_conflicts"
        )
    }
    # Assignments a decision here already judged: ended afterwards on the other laptop too,
    # they are no new question ("removed there" of a cadre this file's decision had ended).
    decided = {rid for (t, rid, _rev), done in known.items() if done and t == "cadre_assignments"}
    cadre_targets: dict[tuple[str, str], dict[str, Any]] = {}
    cols = _columns("cadre_assignments")
    for r in conn.execute(f"SELECT {', '.join(cols)} FROM cadre_assignments WHERE deleted = 0"):
        row = dict(zip(cols, r, strict=True))
        cadre_targets[_target(row)] = row
    live_here = dict(cadre_targets)  # before the package's rows are planned
    # Targets whose cadre both sides ended, each without seeing the other's doing: the
    # package's tombstone of an assignment this file holds as a tombstone of another version.
    ended_apart: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    versions = _Versions(
        conn, [r["id"] for r in incoming.get("applications", [])], incoming.get("history", [])
    )
    unseen = _unseen_support(conn, incoming.get("support_records", []))
    # Assignments the package gives a tombstone: a new one for the same target replaced them.
    replaced = {r["id"] for r in incoming.get("cadre_assignments", []) if r["deleted"]}
    # Open cadre conflicts: those the package shows decided over there are settled here by
    # that decision; the others hold their incoming assignment back until the officer
    # decides (sent again, it is not taken as if no one had asked).
    cadres = incoming.get("cadre_assignments", [])
    decided_here = _decisions_here(conn)
    shown = _versions_shown(conn)
    waiting_ids, taken_ids = _settle_cadres(
        out, conn, cadres, codes, {ended for ended, _seen, _kept in decided_here}, shown
    )
    # Decided here and over there the opposite ways, neither seeing the other's decision:
    # asked again, this file's cadre kept meanwhile (the package's ending of it held back).
    opened = {r for (t, r, _rev), done in known.items() if not done and t == "cadre_assignments"}
    settled_now = opened - waiting_ids.keys()
    held = _decided_apart(out, conn, cadres, decided_here, settled_now, known, codes)
    held |= _removals_decided_apart(out, conn, cadres, live_here, known, codes)
    replaced -= held  # an ending held back frees nothing: a new cadre beside it is a question
    fresh = [r for r in cadres if not r["deleted"]]
    for table in TABLES:
        rows = incoming.get(table, [])
        if table == "cadre_assignments":  # tombstones first: they free their targets
            rows = sorted(rows, key=lambda r: not r["deleted"])
        local = _local_rows(conn, table, [r["id"] for r in rows])
        for row in rows:
            row = dict(row)
            if table == "applications":
                # This file's round ids; a decision not made here is not linked.
                if row["round_id"] is not None:
                    mapped = round_map.get(row["round_id"], row["round_id"])
                    row["round_id"] = mapped if mapped in local_rounds else None
                if row["decision_id"] not in decisions:
                    row["decision_id"] = None
            hid = row["household_id"]
            if hid is not None and hid not in live:
                continue
            if row.get("village") is not None and " ".join(row["village"].split()) not in villages:
                continue  # a village none of whose households came
            mine = local.get(row["id"])
            if mine is None:
                if row["deleted"]:
                    continue
                if table == "cadre_assignments" and row["id"] in waiting_ids:
                    out.conflicts.append(waiting_ids[row["id"]])  # said again, still waiting
                elif table == "cadre_assignments":
                    # One the other laptop kept after its conflict is taken as a new cadre,
                    # not asked about again for the endings the conflict was about.
                    apart = {} if row["id"] in taken_ids else ended_apart
                    _plan_new_cadre(out, row, cadre_targets, replaced, apart, known, codes)
                elif table == "support_records":
                    _plan_new_support(out, row, unseen, codes)
                else:
                    out.inserts.append((table, row))
                continue
            if table == "applications":
                # By its versions, a deletion on either side too (households' rule): a
                # tombstone that did not see the other side's later change is a conflict.
                _plan_application(out, mine, row, versions, known, codes)
                continue
            if mine["deleted"]:
                ended = table == "cadre_assignments" and row["deleted"]
                # Judged by a decision here, or by the one this package settles: no new
                # question (its new cadre, given again there, is the answer). Unless one
                # side's ending of it came with a new cadre (a question asked again answered
                # apart once more: the cadre given again on one, the removal kept on the
                # other): that is a removal against a replacement, asked.
                # A tombstone at a version a question here showed is that question's,
                # judged, come late (an older package imported after a newer one).
                again = _replaced_by(row, fresh) or _replaced_by(mine, live_here.values())
                judged = (
                    (row["id"] in decided and not again)
                    or row["id"] in settled_now
                    or version(row) in shown.get(row["id"], ())
                )
                if ended and version(mine) != version(row) and not judged:
                    ended_apart[_target(row)] = (mine, row)
                elif ended and version(row) < version(mine):
                    out.updates.append((table, mine, _stamps(row)))  # one tombstone, aligned
                continue  # never changed but by a tombstone: the tombstone wins
            if row["deleted"] and row["id"] not in held:
                out.updates.append((table, mine, {"deleted": 1, **_stamps(row)}))
    _plan_ended_there(out, cadres, live_here, ended_apart, known, codes)
    return out


def _settle_cadres(
    out: Plan,
    conn: driver.Connection,
    rows: list[dict[str, Any]],
    codes: Mapping[str, str],
    ended_here: set[str],
    shown: Mapping[str, set[str]],
) -> tuple[dict[str, str], set[str]]:
    """Plans the settling of the open cadre conflicts the package shows decided on the other
    laptop: that laptop ended the assignment this file was asked to take, or kept it (its
    decision gave it a new version, ``_decide_cadre``), or has seen this file's own
    assignment (kept it or ended it). Returns the others' incoming assignments, by id, with
    the conflict's words (held back, said again), and the assignments kept there, to take.

    A conflict asked again after the laptops decided apart (``_decided_apart``: its
    assignment one that a decision here had ended, ``ended_here``) is settled only by what
    the other laptop did to that assignment since: its package still ends this file's cadre
    by the old decision, which is no answer to the new question. ``shown``: the versions of
    each assignment a question here showed (``_versions_shown``)."""
    carried = {r["id"]: r for r in rows}
    live_rows = [r for r in rows if not r["deleted"]]
    waiting: dict[str, str] = {}
    taken: set[str] = set()
    for cid, record, local_id, local_json, incoming_json, asked in conn.execute(
        "SELECT id, record_id, local_id, local, incoming, incoming_rev"
        " FROM year_round_conflicts WHERE tbl = 'cadre_assignments' AND resolved_at IS NULL"
    ):
        theirs, mine = json.loads(incoming_json), json.loads(local_json or "null")
        mine_live = mine is not None and not mine["deleted"]
        own = None
        if mine_live and local_id == record:
            own = _local_rows(conn, "cadre_assignments", [record]).get(record)
        if own is not None and own["deleted"]:
            # A removal there asked again against this file's cadre, which this file has
            # ended since (replaced by hand): nothing left to keep, no question.
            out.settled.append((cid, "take_theirs", theirs["household_id"]))
            continue
        came = carried.get(record)
        ended_there = not theirs["deleted"] and came is not None and came["deleted"]
        # Kept there: a version no question here showed (a question asked again, its cadre
        # passed on by a third laptop as it was first given, is no decision there).
        kept_there = (
            not theirs["deleted"] and came is not None and not came["deleted"]
        ) and version(came) not in shown.get(record, {asked})
        # This file's own assignment seen there: ended, or given a new version by a decision
        # there (``_decide_cadre``); a third laptop merely passing it on is no decision.
        seen = carried.get(local_id) if mine_live else None
        seen_there = (
            record not in ended_here
            and seen is not None
            and (seen["deleted"] or version(seen) != version(mine))
            # A removal asked again against this very cadre (``_removals_decided_apart``):
            # its ending as the question showed it is the question, not an answer.
            and not (local_id == record and version(seen) == asked)
        )
        # Kept there as a question asked again is decided (``_decide_cadre``): ended, and
        # given again as a new assignment in the same moment.
        given_again = ended_there and came is not None and _given_again_in(came, theirs, live_rows)
        mine_given_again = (
            seen is not None and seen["deleted"] and _given_again_in(seen, mine, live_rows)
        )
        if kept_there:
            taken.add(record)
        if not (ended_there or kept_there or seen_there):
            # Said as this file stands now (as the conflicts screen shows it), not as it was
            # when the conflict was stored: its cadre may have changed since.
            now = _live_cadre(conn, theirs)
            waiting[record] = _describe("cadre_assignments", _who(theirs, codes), now, theirs)
            continue
        if theirs["deleted"]:  # this file replaced it, the package ended it: is ours ended?
            ours_ended = carried[local_id]["deleted"] and not mine_given_again
            choice: Choice = "take_theirs" if ours_ended else "keep_mine"
        elif ended_there:  # the package's assignment ended over there: nobody, or ours
            choice = "take_theirs" if given_again else "keep_mine"
        elif kept_there:  # kept over there after its conflict: taken here
            choice = "take_theirs"
        else:  # ours seen there: kept (theirs ended) or ended (theirs taken)
            ours_ended = carried[local_id]["deleted"] and not mine_given_again
            choice = "take_theirs" if ours_ended else "keep_mine"
        out.settled.append((cid, choice, theirs["household_id"]))
        out.notes.append(
            f"{_who(theirs, codes)}: phân công cán bộ phụ trách đã được quyết định ở máy kia; "
            "tệp này theo quyết định đó."
        )
    return waiting, taken


def _versions_shown(conn: driver.Connection) -> dict[str, set[str]]:
    """Every version of an assignment that a cadre question here showed, asked or decided
    (the package's assignment, or this file's cadre), by assignment."""
    out: dict[str, set[str]] = {}
    for record, asked, local_json in conn.execute(
        "SELECT record_id, incoming_rev, local FROM year_round_conflicts"
        " WHERE tbl = 'cadre_assignments'"
    ):
        out.setdefault(record, set()).add(asked)
        if local_json:
            local = json.loads(local_json)
            out.setdefault(local["id"], set()).add(version(local))
    return out


def _decisions_here(conn: driver.Connection) -> list[tuple[str, str, str]]:
    """The cadre conflicts between two live assignments decided here, oldest first, as (the
    assignment the decision ended, its version as the question showed it, the one kept)."""
    out = []
    for record, local_id, choice, asked, local_json, incoming_json in conn.execute(
        "SELECT record_id, local_id, resolution, incoming_rev, local, incoming"
        " FROM year_round_conflicts WHERE tbl = 'cadre_assignments'"
        " AND resolved_at IS NOT NULL ORDER BY resolved_at, id"
    ):
        mine, theirs = json.loads(local_json or "null"), json.loads(incoming_json)
        if mine is None or mine["deleted"] or theirs["deleted"] or local_id == record:
            continue  # an ending against a cadre: no assignment of its own was ended
        if choice == "keep_mine":
            out.append((record, asked, local_id))
        else:
            out.append((local_id, version(mine), record))
    return out


def _decided_apart(
    out: Plan,
    conn: driver.Connection,
    rows: list[dict[str, Any]],
    decisions: list[tuple[str, str, str]],
    settled: set[str],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> set[str]:
    """Two cadres for one target decided on both laptops before either saw the other's
    decision, the opposite ways (each kept its own, or each took the other's): the package
    brings the assignment this file's decision ended with a version of the other laptop's
    decision, and ends the one this file kept. Taken as it comes, the village or household
    would be left with nobody and neither officer told; instead the question is asked again
    (stored, or said again while it waits) and this file's cadre stays until it is
    decided. Returns the assignments whose ending in the package is held back; ``settled``:
    the assignments of conflicts this package settles."""
    carried = {r["id"]: r for r in rows}
    held: set[str] = set()
    asked: set[tuple[str, str]] = set()
    for ended, seen, kept in decisions:
        came, gone = carried.get(ended), carried.get(kept)
        if came is None or came["deleted"] or version(came) == seen or ended in settled:
            continue
        if gone is None or not gone["deleted"]:
            continue
        here = _local_rows(conn, "cadre_assignments", [kept]).get(kept)
        if here is None or here["deleted"]:
            continue  # ended here since: what came after the decision stands
        held.add(kept)
        if (ended, version(came)) not in asked:
            asked.add((ended, version(came)))
            _conflict(out, dict(came), here, known, codes)
    return held


def _given_again_in(
    ended: Mapping[str, Any], cadre: Mapping[str, Any], rows: list[dict[str, Any]]
) -> bool:
    """Whether ``rows`` (live, of a package) give ``cadre`` again as a new assignment made
    with the ending ``ended`` (``_decide_cadre`` on a question asked again)."""
    return any(
        r["id"] != ended["id"]
        and _target(r) == _target(ended)
        and (r["cadre_name"], r["cadre_role"]) == (cadre["cadre_name"], cadre["cadre_role"])
        and _replaced(r, ended)
        for r in rows
    )


def _replaced_by(ended: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether one of ``rows`` is a new cadre of ``ended``'s target made with its ending."""
    return any(
        r["id"] != ended["id"] and _target(r) == _target(ended) and _replaced(r, ended)
        for r in rows
    )


def _removals_decided_apart(
    out: Plan,
    conn: driver.Connection,
    rows: list[dict[str, Any]],
    live_here: Mapping[tuple[str, str], dict[str, Any]],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> set[str]:
    """A cadre removed on one laptop and replaced on the other (``_plan_new_cadre``,
    ``_plan_ended_there``), decided on both apart the opposite ways: one kept (or took) the
    cadre, the other the removal. Taken as it comes the tombstone wins and the officer who
    kept the cadre is overruled without a word; instead the question is asked again, on
    both laptops, each keeping its side meanwhile. This file ended the cadre: the package
    brings it live at a version the question did not show (kept there), and the target has
    nobody here. This file kept it: the package brings its tombstone at the version the
    question showed it, or at the removal's (``_decide_cadre`` ends a cadre taking a
    removal at that version, the sign of it): ended there without seeing this decision.
    Returns the assignments whose ending in the package is held back."""
    carried = {r["id"]: r for r in rows}
    held: set[str] = set()
    for record, local_id, choice, asked, local_json, incoming_json in conn.execute(
        "SELECT record_id, local_id, resolution, incoming_rev, local, incoming"
        " FROM year_round_conflicts WHERE tbl = 'cadre_assignments'"
        " AND resolved_at IS NOT NULL ORDER BY resolved_at, id"
    ):
        mine, theirs = json.loads(local_json or "null"), json.loads(incoming_json)
        if mine is None or local_id == record or mine["deleted"] == theirs["deleted"]:
            continue  # two live cadres (``_decided_apart``), or a question asked again
        if mine["deleted"]:  # a cadre there, this file's removal
            cadre, shown, removal, ended_here = record, asked, version(mine), choice == "keep_mine"
        else:  # a removal there, this file's cadre
            cadre, shown, removal = local_id, version(mine), version(theirs)
            ended_here = choice == "take_theirs"
        came = carried.get(cadre)
        here = _local_rows(conn, "cadre_assignments", [cadre]).get(cadre)
        if came is None or here is None:
            continue
        if ended_here:
            if came["deleted"] or not here["deleted"] or version(came) == shown:
                continue
            if _target(came) in live_here:
                continue  # given a cadre here since: what came after the decision stands
            _conflict(out, dict(came), here, known, codes)
        elif came["deleted"] and not here["deleted"] and version(came) in (shown, removal):
            held.add(cadre)
            _conflict(out, dict(came), here, known, codes)
    return held


def _plan_application(
    out: Plan,
    mine: dict[str, Any],
    row: dict[str, Any],
    versions: _Versions,
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    rid, theirs, here, first = row["id"], version(row), version(mine), _first_version(mine)
    if versions.descends(rid, here, theirs, first):
        return  # the package's version, or an older one
    carried = versions.incoming.get(rid, [])
    if versions.descends(rid, theirs, here, first):
        # Changed (or deleted) only in the package: taken, with its history.
        out.updates.append(("applications", mine, {**_changes(mine, row), **_stamps(row)}))
        out.history += carried
        return
    if (mine["deleted"] and row["deleted"]) or not _changes(mine, row):
        # The same change made on both sides (deleted on both, whatever each held before):
        # nothing to choose, the histories joined.
        out.history += [*carried, (rid, here, theirs)]
        return
    key = ("applications", rid, theirs)
    if key in known:
        if not known[key]:
            out.conflicts.append(_describe("applications", _who(row, codes), mine, row))
        return
    out.stored.append(Stored("applications", mine, row))
    out.history += carried  # facts of the package's side, kept for the decision
    out.conflicts.append(_describe("applications", _who(row, codes), mine, row))


def _changes(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """What taking ``theirs`` changes in an application: its content, and its deletion."""
    changes = {k: theirs[k] for k in CONTENT["applications"] if mine[k] != theirs[k]}
    if mine["deleted"] != theirs["deleted"]:
        changes["deleted"] = theirs["deleted"]
    return changes


def _plan_new_cadre(
    out: Plan,
    row: dict[str, Any],
    targets: dict[tuple[str, str], dict[str, Any]],
    replaced: set[str],
    ended_apart: Mapping[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    target = _target(row)
    other = targets.get(target)
    if other is None and target in ended_apart and _replaced(row, ended_apart[target][1]):
        # This file ended the cadre the package replaced, without seeing the replacement: a
        # removal here is a wish like the other laptop's new cadre, not to be undone silently.
        _conflict(out, row, ended_apart[target][0], known, codes)
        return
    if other is None or other["id"] in replaced:
        # Nobody here, or the package replaced this file's (its tombstone is planned).
        out.inserts.append(("cadre_assignments", row))
        targets[target] = row
        return
    if (other["cadre_name"], other["cadre_role"]) == (row["cadre_name"], row["cadre_role"]):
        # The same cadre given on both laptops: one assignment stays, the same on both (the
        # smaller id), the other kept as a tombstone so that it does not come back.
        if row["id"] < other["id"]:
            out.updates.append(("cadre_assignments", other, {"deleted": 1, **_stamps(row)}))
            out.inserts.append(("cadre_assignments", row))
            targets[target] = row
        else:
            # Its tombstone takes the winner's version, as the other laptop's does (there it
            # was live and took this one's): two versions of one tombstone read later as an
            # assignment ended apart on each laptop.
            out.inserts.append(("cadre_assignments", {**row, "deleted": 1, **_stamps(other)}))
        return
    _conflict(out, row, other, known, codes)


def _live_cadre(conn: driver.Connection, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """This file's live assignment of ``row``'s target (household or village), as it is now."""
    column, value = _target(row)
    cols = _columns("cadre_assignments")
    found = conn.execute(
        f"SELECT {', '.join(cols)} FROM cadre_assignments WHERE deleted = 0 AND {column} = ?",
        (value,),
    ).fetchone()
    return dict(zip(cols, found, strict=True)) if found else None


def _replaced(new: Mapping[str, Any], ended: Mapping[str, Any]) -> bool:
    """Whether ``new`` replaced ``ended``: ``assign_cadre`` ends the old assignment and makes
    the new one in one moment, on one laptop. A cadre given apart from an ending (before it,
    or after it on a laptop that had seen it) replaced nothing, and asks nothing."""
    return (new["created_at"], new["created_device"]) == (
        ended["updated_at"],
        ended["updated_device"],
    )


def _conflict(
    out: Plan,
    row: dict[str, Any],
    mine: dict[str, Any],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    """A cadre conflict stored for the officer (said again while it waits); ``mine`` is this
    file's live assignment of the target, or its tombstone when it has none."""
    shown = None if mine["deleted"] else mine
    key = ("cadre_assignments", row["id"], version(row))
    if key in known:
        if not known[key]:
            out.conflicts.append(_describe("cadre_assignments", _who(row, codes), shown, row))
        return
    out.stored.append(Stored("cadre_assignments", mine, row))
    out.conflicts.append(_describe("cadre_assignments", _who(row, codes), shown, row))


def _plan_ended_there(
    out: Plan,
    rows: list[dict[str, Any]],
    live_here: Mapping[tuple[str, str], dict[str, Any]],
    ended_apart: Mapping[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]],
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    """The other side of ``_plan_new_cadre``'s conflict: this file replaced a cadre the
    package ended, neither seeing the other. The package neither knows this file's cadre nor
    brings one of its own for the target (two cadres: ``_plan_new_cadre``'s conflict).

    Each assignment both sides ended apart then takes the smaller of its two tombstones'
    versions, on both laptops alike: once seen, two endings of one assignment are one, and
    a cadre given later, seeing everything, is not taken for one given without seeing it
    (the versions kept apart made every later assignment of that target a conflict)."""
    carried = {r["id"] for r in rows}
    brought = {_target(r) for r in rows if not r["deleted"]}
    for target, (mine, tombstone) in ended_apart.items():
        if version(tombstone) < version(mine):
            out.updates.append(("cadre_assignments", mine, _stamps(tombstone)))
        here = live_here.get(target)
        if here is None or here["id"] in carried or target in brought:
            continue
        if not _replaced(here, mine):
            continue  # given here apart from the ending (before it, or later): no question
        _conflict(out, tombstone, here, known, codes)


def _unseen_support(
    conn: driver.Connection, rows: list[dict[str, Any]]
) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """This file's live support records of the package's households that the package does
    not carry (its laptop never had them), by household, kind and day: a new record of the
    package for the same ones was typed there without seeing this file's."""
    carried = {r["id"] for r in rows}
    cols = _columns("support_records")
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for chunk, marks in _chunks(sorted({r["household_id"] for r in rows if not r["deleted"]})):
        for r in conn.execute(
            f"SELECT {', '.join(cols)} FROM support_records"
            f" WHERE deleted = 0 AND household_id IN ({marks}) ORDER BY id",
            chunk,
        ):
            mine = dict(zip(cols, r, strict=True))
            if mine["id"] not in carried:
                key = (mine["household_id"], mine["kind"], mine["given_on"])
                out.setdefault(key, []).append(mine)
    return out


def _plan_new_support(
    out: Plan,
    row: dict[str, Any],
    unseen: dict[tuple[str, str, str], list[dict[str, Any]]],
    codes: Mapping[str, str],
) -> None:
    """A support record new here. Another one of the same household, kind and day that the
    package's laptop never saw is the same support typed on both laptops (a correction made
    on each, or the same delivery recorded twice): with the same content it is kept once,
    the same on both laptops (the smaller id stays, the other becomes a tombstone, as the
    same cadre twice does); different, both stay and the receipt says so, for the officer
    to remove the wrong one (a support deleted by mistake would be lost without a word)."""
    here = unseen.get((row["household_id"], row["kind"], row["given_on"]), [])
    content = CONTENT["support_records"]
    same = next((m for m in here if all(m[k] == row[k] for k in content)), None)
    if same is None:
        out.inserts.append(("support_records", row))
        if here:
            out.notes.append(_support_note(row, here[0], codes))
        return
    here.remove(same)  # matched once: a third like record is a support of its own
    if row["id"] < same["id"]:
        out.updates.append(("support_records", same, {"deleted": 1, **_stamps(row)}))
        out.inserts.append(("support_records", row))
    else:
        out.inserts.append(("support_records", {**row, "deleted": 1}))


def _support_note(
    theirs: Mapping[str, Any], mine: Mapping[str, Any], codes: Mapping[str, str]
) -> str:
    # The amount and the programme only: who gave it and the note are free text that may
    # name a person, and no name goes into a receipt (docs/privacy.md).
    def said(r: Mapping[str, Any]) -> str:
        parts = [amount_text(r["amount"]), r["programme"]]
        return ", ".join(p for p in parts if p) or "không ghi số tiền, chương trình"

    kind = catalog.label_of(catalog.support_kinds(), theirs["kind"])
    here, there = said(mine), said(theirs)
    how = (
        f"khác nhau (máy này: {here}; trong gói: {there})"
        if here != there
        else f"khác nhau ở người trao hoặc ghi chú ({here})"
    )
    return (
        f"{_who(theirs, codes)}: {kind} ngày {_vn_date(theirs['given_on'])} được ghi ở cả hai"
        f" máy, {how}; đã giữ cả hai: hãy xem lại và xoá lần ghi thừa ở phần hỗ trợ của hộ."
    )


def _target(row: Mapping[str, Any]) -> tuple[str, str]:
    hid = row["household_id"]
    return ("household_id", hid) if hid is not None else ("village", row["village"])


def _who(row: Mapping[str, Any], codes: Mapping[str, str]) -> str:
    hid = row["household_id"]
    # A village by its name as the commune wrote it ("Thôn Đồng Tâm", "Bản Nà Hin").
    return f"Hộ {codes.get(hid, hid)}" if hid else str(row["village"])


def _describe(
    table: str, who: str, mine: Mapping[str, Any] | None, theirs: Mapping[str, Any]
) -> str:
    """A year-round conflict in Vietnamese: the receipt, the command line, the screen."""
    if table == "cadre_assignments":
        if mine is not None and not theirs["deleted"]:
            here = mine["cadre_name"]
            return (
                f"{who}: cán bộ phụ trách đã được ghi ở cả hai máy (máy này: {here}; trong gói:"
                f" {theirs['cadre_name']}); giữ {here} cho đến khi cán bộ quyết định."
            )
        # One side ended the assignment (``_plan_new_cadre``, ``_plan_ended_there``).
        here = mine["cadre_name"] if mine is not None else "bỏ phân công"
        there = "bỏ phân công" if theirs["deleted"] else theirs["cadre_name"]
        kept = f"giữ {here}" if mine is not None else "chưa giao cho ai"
        return (
            f"{who}: phân công cán bộ phụ trách đã được thay đổi ở cả hai máy (máy này: {here};"
            f" trong gói: {there}); {kept} cho đến khi cán bộ quyết định."
        )
    here = _state(mine) if mine is not None else "không có"
    kept = "việc xoá" if mine is not None and mine["deleted"] else "bản của máy này"
    return (
        f"{who}: giấy đề nghị ngày {_vn_date(theirs['submitted_on'])} đã được sửa ở cả hai "
        f"máy (máy này: {here}; trong gói: {_state(theirs)}); giữ {kept} cho đến khi cán "
        "bộ quyết định."
    )


def _state(row: Mapping[str, Any]) -> str:
    return "đã xoá" if row["deleted"] else _status(row["status"])


def _stamps(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"updated_at": row["updated_at"], "updated_device": row["updated_device"]}


def _vn_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _status(value: str) -> str:
    return STATUS_LABELS[ApplicationStatus(value)]


def apply(
    store: Any,
    p: Plan,
    at: str,
    *,
    package_id: str = "",
    source: str = "",
    decoded: Mapping[str, Any] | None = None,
) -> None:
    """Writes ``p`` in the caller's transaction, each row audited, its conflicts stored
    (``package_id``, ``source``); the households concerned are indexed again for search
    (``db.search.year_round_words``), from ``decoded`` (household id → the ``Household`` the
    merge just wrote) where it has them rather than decoding them again."""
    households: set[str] = set()
    villages: set[str] = set()
    for _table, row in p.inserts:
        _touched(row, households, villages)
    for _table, mine, _changes in p.updates:
        _touched(mine, households, villages)
    # Tombstones first: a cadre replaced frees its village or household for the new one.
    for table, mine, changes in p.updates:
        _update(store, table, mine, changes, at)
    _insert(store, p.inserts, at)
    store.conn.executemany(
        "INSERT OR IGNORE INTO year_round_revs (record_id, rev, parent_rev) VALUES (?, ?, ?)",
        p.history,
    )
    for s in p.stored:
        _store_conflict(store, s, package_id, source, at)
    for cid, choice, household_id in p.settled:
        # Decided on the other laptop: its outcome came with the package (planned above).
        store.conn.execute(
            "UPDATE year_round_conflicts SET resolved_at = ?, resolution = ?, resolved_by = ?"
            " WHERE id = ? AND resolved_at IS NULL",
            (at, choice, "máy kia (theo gói)", cid),
        )
        store.record_change(
            "year_round_conflicts",
            cid,
            household_id,
            "update",
            {"resolution": None},
            {"resolution": choice, "source": source or package_id},
            at,
        )
    # Not ``decoded or {}``: a merge's mapping is made when first read (its length too).
    known = {} if decoded is None else decoded
    store.reindex(households, known=known)
    for village in sorted(villages):
        store.reindex(village=village, known=known)


def _insert(store: Any, rows: list[tuple[str, dict[str, Any]]], at: str) -> None:
    """The rows, one statement a table, and their audit rows appended to the chain at once
    (as ``Store.record_change`` writes each): a package's support records come by thousands."""
    from db import audit
    from db.store_stamps import dumps as _dumps

    by_table: dict[str, list[list[Any]]] = {}
    audited: list[audit.Row] = []
    for table, row in rows:
        by_table.setdefault(table, []).append([row[c] for c in _columns(table)])
        new = {k: row[k] for k in CONTENT[table] if k != "household_id"}
        if row["deleted"]:
            new["deleted"] = 1  # a record kept as a tombstone, not to come back
        audited.append(
            audit.Row(
                at,
                store.user,
                store.device,
                table,
                row["id"],
                row["household_id"],
                "insert",
                None,
                _dumps(new),
                store.source,
            )
        )
    for table, values in by_table.items():
        cols = _columns(table)
        store.conn.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            values,
        )
    audit.append(store.conn, audited)


def _update(
    store: Any, table: str, mine: Mapping[str, Any], changes: Mapping[str, Any], at: str
) -> None:
    sets = ", ".join(f"{k} = ?" for k in changes)
    store.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*changes.values(), mine["id"]))
    shown = [k for k in changes if k not in ("updated_at", "updated_device")]
    action = "delete" if changes.get("deleted") else "update"
    if not shown:  # only the version taken (two tombstones of one record made one)
        before, after = {"version": version(mine)}, {"version": version({**mine, **changes})}
    else:
        before = {k: mine[k] for k in shown}
        after = {k: changes[k] for k in shown}
    store.record_change(
        table,
        mine["id"],
        mine["household_id"],
        action,
        before,
        None if action == "delete" else after,
        at,
    )


def _touched(row: Mapping[str, Any], households: set[str], villages: set[str]) -> None:
    if row["household_id"] is not None:
        households.add(row["household_id"])
    elif row.get("village") is not None:
        villages.add(row["village"])


def _store_conflict(store: Any, s: Stored, package_id: str, source: str, at: str) -> None:
    conflict_id = str(uuid.uuid4())
    theirs = s.theirs
    cur = store.conn.execute(
        "INSERT OR IGNORE INTO year_round_conflicts (id, tbl, record_id, local_id,"
        " household_id, village, local, incoming, incoming_rev, package_id, source, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            conflict_id,
            s.table,
            theirs["id"],
            s.mine["id"],
            theirs["household_id"],
            theirs.get("village"),
            json.dumps(s.mine, ensure_ascii=False),
            json.dumps(theirs, ensure_ascii=False),
            version(theirs),
            package_id,
            source,
            at,
        ),
    )
    if cur.rowcount:
        store.record_change(
            "year_round_conflicts",
            conflict_id,
            theirs["household_id"],
            "insert",
            None,
            {"table": s.table, "record": theirs["id"], "incoming_rev": version(theirs)},
            at,
        )


# --- conflicts ----------------------------------------------------------------------------
@dataclass(frozen=True)
class YearRoundConflict:
    """An application changed on both sides, or two cadres for one target, waiting."""

    id: str
    table: str  # "applications" or "cadre_assignments"
    household_id: str | None
    code: str | None  # the household's code here; None for a village's cadre
    village: str | None
    local: dict[str, Any] | None  # as it is here now (the target's live cadre)
    incoming: dict[str, Any]
    package_id: str
    source: str
    created_at: str

    def describe(self) -> str:
        """Vietnamese, for the receipt, the command line and the conflicts screen."""
        who = f"Hộ {self.code}" if self.household_id else str(self.village)
        return _describe(self.table, who, self.local, self.incoming)


def open_conflicts(conn: driver.Connection) -> list[YearRoundConflict]:
    """Conflicts still waiting for the officer, oldest first; this file's side as it is now."""
    out = []
    for cid, table, record, hid, village, incoming, package_id, source, at, code in conn.execute(
        "SELECT c.id, c.tbl, c.record_id, c.household_id, c.village, c.incoming, c.package_id,"
        " c.source, c.created_at, h.code FROM year_round_conflicts c"
        " LEFT JOIN households h ON h.id = c.household_id"
        " WHERE c.resolved_at IS NULL ORDER BY c.created_at, h.code, c.village"
    ):
        theirs = json.loads(incoming)
        if table == "applications":
            local = _local_rows(conn, table, [record]).get(record)
        else:
            local = _live_cadre(conn, theirs)
        out.append(
            YearRoundConflict(cid, table, hid, code, village, local, theirs, package_id, source, at)
        )
    return out


def waiting(conn: driver.Connection, package_id: str | None = None) -> int:
    """How many of these conflicts wait for the officer (of one package, when given)."""
    sql = "SELECT count(*) FROM year_round_conflicts WHERE resolved_at IS NULL"
    params: tuple[str, ...] = ()
    if package_id is not None:
        sql, params = sql + " AND package_id = ?", (package_id,)
    return int(conn.execute(sql, params).fetchone()[0])


def resolve(store: Any, conflict_id: str, choice: Choice) -> YearRoundConflict:
    """The officer's decision, audited. ``keep_mine``: this file's application stays, or its
    cadre; ``take_theirs``: the package's. An application gets a new version whose parents
    are both sides', and a cadre not kept a tombstone (one kept over a package's ending a
    new version), so neither laptop's next package brings the conflict back and the other
    laptop takes the decision: without a conflict, or settling the one it holds
    (``_settle_cadres``)."""
    from db.errors import StoreError
    from db.records import Change
    from db.store import now_utc
    from forms.roles import Action

    # As households' and certificate numbers' conflicts: deciding which laptop's version
    # stands is the officer's, on the command line as on the conflicts screen.
    store.require(Action.IMPORT)
    found = [c for c in open_conflicts(store.conn) if c.id == conflict_id]
    if not found:
        raise StoreError("Không tìm thấy xung đột này, hoặc đã được giải quyết.")
    c = found[0]
    at = now_utc()
    label = "giữ bản của xã" if choice == "keep_mine" else "nhận bản trong gói"
    with store.transaction(source=f"giải quyết xung đột ({label}): {c.source}"):
        if c.table == "applications":
            _decide_application(store, c, choice, at)
            store.notify(Change("application", [c.incoming["id"]]))
        else:
            _decide_cadre(store, c, choice, at)
            store.notify(Change("cadre", [c.incoming["id"]]))
        store.conn.execute(
            "UPDATE year_round_conflicts SET resolved_at = ?, resolution = ?, resolved_by = ?"
            " WHERE id = ?",
            (at, choice, store.user, c.id),
        )
        store.record_change(
            "year_round_conflicts",
            c.id,
            c.household_id,
            "update",
            {"resolution": None},
            {"resolution": choice, "record": c.incoming["id"]},
            at,
        )
        if c.household_id is not None:
            store.reindex([c.household_id])
        elif c.village is not None:
            store.reindex(village=c.village)
    return c


def _decide_application(store: Any, c: YearRoundConflict, choice: Choice, at: str) -> None:
    mine, theirs = c.local, c.incoming
    if mine is None:
        return
    # A deletion is a side like any other (as a household's): keeping this file's keeps its
    # deletion or its content; taking the package's deletes, or restores with its content.
    changes = _changes(mine, theirs) if choice == "take_theirs" else {}
    # A new version: the trigger gives it this file's as parent, the package's is added.
    _update(
        store,
        "applications",
        mine,
        {**changes, "updated_at": at, "updated_device": store.device},
        at,
    )
    store.conn.execute(
        "INSERT OR IGNORE INTO year_round_revs (record_id, rev, parent_rev) VALUES (?, ?, ?)",
        (mine["id"], f"{at} {store.device}", version(theirs)),
    )


def _decide_cadre(store: Any, c: YearRoundConflict, choice: Choice, at: str) -> None:
    """What the officer chose, written so that the other laptop reads it from this file's
    next package (``_settle_cadres``): the assignment that stays gets a new version, the one
    that goes a tombstone; a relay passing the old rows on is then no decision."""
    theirs = c.incoming
    now = {"updated_at": at, "updated_device": store.device}
    held = _local_rows(store.conn, "cadre_assignments", [theirs["id"]]).get(theirs["id"])
    # Asked again after the laptops decided apart (``_decided_apart``): the package's cadre
    # is held here as the tombstone an earlier decision here gave it. Whichever cadre stays
    # stays as a new assignment, the old one ended in the same moment (a replacement, as
    # ``assign_cadre`` makes one), never an old assignment brought back to life: endings of
    # it made by the first decisions are still on their way (a third laptop holds them),
    # and a tombstone wins wherever it comes.
    again = held is not None and not theirs["deleted"]
    if held is not None and theirs["deleted"] and not held["deleted"]:
        # A removal there asked again against this very cadre (``_removals_decided_apart``):
        # ended now, and kept as a new assignment made in that moment.
        _update(store, "cadre_assignments", held, {"deleted": 1, **now}, at)
        if choice == "keep_mine":
            _insert(store, [("cadre_assignments", _given_again(held, now))], at)
        return
    # Taking the package's ends this file's live cadre of the target, never the package's
    # own assignment should it be that one by now; keeping it gives it a new version. A
    # removal taken ends it at the removal's version: the sign by which the other laptop,
    # had it kept that cadre apart, knows its cadre ended without its decision seen.
    if c.local is not None and c.local["id"] != theirs["id"]:
        if choice == "take_theirs" and theirs["deleted"]:
            ended = {"deleted": 1, **_stamps(theirs)}
        elif choice == "take_theirs" or again:
            ended = {"deleted": 1, **now}
        else:
            ended = now
        _update(store, "cadre_assignments", c.local, ended, at)
        if again and choice == "keep_mine":
            _insert(store, [("cadre_assignments", _given_again(c.local, now))], at)
    if held is None:
        taken = choice == "take_theirs" and not theirs["deleted"]
        row = {**theirs, **now, "deleted": 0} if taken else {**theirs, "deleted": 1}
        _insert(store, [("cadre_assignments", row)], at)
    elif again:
        # Its tombstone given this decision's version: the answer the other laptop reads
        # (a removal kept, or the cadre given again as a new assignment, replacing it).
        _update(store, "cadre_assignments", held, now, at)
        if choice == "take_theirs":
            _insert(store, [("cadre_assignments", _given_again(theirs, now))], at)
    elif theirs["deleted"] and version(theirs) < version(held):
        # The package's ending of an assignment this file had ended too (``_plan_ended_there``):
        # the two tombstones one, at the smaller version, as every merge makes them (taking
        # the package's undid what a merge had aligned, and a package sent before the other
        # laptop's own decision asked again).
        _update(store, "cadre_assignments", held, _stamps(theirs), at)


def _given_again(row: Mapping[str, Any], now: Mapping[str, str]) -> dict[str, Any]:
    """``row``'s cadre as a new assignment made ``now`` (``_decide_cadre``)."""
    stamps = {"created_at": now["updated_at"], "created_device": now["updated_device"]}
    return {**row, "id": str(uuid.uuid4()), **stamps, **now, "deleted": 0}
