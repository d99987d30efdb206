"""The list all year round in packages (issue 24): applications, support records and cadre
assignments (m0010) travel in ``commune.json`` under ``"year_round"`` and merge by their
UUID, as households do, never overwriting silently. Cadres are planned and decided in
``db.exchange.year_round_cadres``; the rows, versions and writes both share are in
``db.exchange.year_round_rows``.

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
  cadre on one side only is a conflict too (``plan_new_cadre``, ``plan_ended_there``): a
  removal is not undone, nor a replacement dropped, by a package that did not see it.
  Either conflict decided on both laptops the opposite ways, apart, is asked again
  (``decided_apart``, ``removals_decided_apart``), never settled by the tombstone alone;
  the cadre that stays after it is given again as a new assignment (``decide_cadre``), so
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from db import driver
from db.exchange import history
from db.exchange.errors import PackageError
from db.exchange.year_round_cadres import (
    decide_cadre,
    decided_apart,
    decisions_here,
    live_cadre,
    plan_ended_there,
    plan_new_cadre,
    removals_decided_apart,
    replaced_by,
    resolved_questions,
    settle_cadres,
    versions_shown,
)
from db.exchange.year_round_rows import (
    CONTENT,
    STAMPS,
    TABLES,
    Choice,
    Plan,
    Stored,
    chunks,
    columns,
    day_text,
    describe,
    first_version,
    insert_rows,
    local_rows,
    target_of,
    update_row,
    version,
    version_stamps,
    who,
)
from forms import catalog
from forms.amounts import amount_text
from forms.applications import ApplicationKind, ApplicationStatus
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
MAX_ROWS = 500_000
_STAMP_TEXT = 200


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
            cols = columns(table)
            for r in conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} WHERE household_id IN ({marks})"
                " ORDER BY id",
                part,
            ):
                out[table].append(dict(zip(cols, r, strict=True)))
    cols = columns("cadre_assignments")
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
        for chunk, marks in chunks(ids)
        for record, rev, parent in conn.execute(
            "SELECT record_id, rev, parent_rev FROM year_round_revs"
            f" WHERE record_id IN ({marks}) ORDER BY record_id, rev, parent_rev",
            chunk,
        )
    ]


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
    if not isinstance(row, dict) or set(row) != set(columns(table)):
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


_KINDS = ("applications", "cadre_assignments")  # the tables whose records can conflict


class _Versions:
    """Applications' version parents, from this file (read by chunks) and the package."""

    def __init__(
        self, conn: driver.Connection, ids: list[str], incoming: Iterable[Mapping[str, str]]
    ) -> None:
        self.parents: dict[tuple[str, str], set[str]] = {}
        for chunk, marks in chunks(sorted(set(ids))):
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
    cols = columns("cadre_assignments")
    for r in conn.execute(f"SELECT {', '.join(cols)} FROM cadre_assignments WHERE deleted = 0"):
        row = dict(zip(cols, r, strict=True))
        cadre_targets[target_of(row)] = row
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
    resolved = resolved_questions(conn)
    decided_here = decisions_here(resolved)
    shown = versions_shown(conn)
    waiting_ids, taken_ids = settle_cadres(
        out, conn, cadres, codes, {ended for ended, _seen, _kept in decided_here}, shown
    )
    # Decided here and over there the opposite ways, neither seeing the other's decision:
    # asked again, this file's cadre kept meanwhile (the package's ending of it held back).
    opened = {r for (t, r, _rev), done in known.items() if not done and t == "cadre_assignments"}
    settled_now = opened - waiting_ids.keys()
    held = decided_apart(out, conn, cadres, decided_here, settled_now, known, codes)
    held |= removals_decided_apart(out, conn, cadres, resolved, live_here, known, codes)
    replaced -= held  # an ending held back frees nothing: a new cadre beside it is a question
    fresh = [r for r in cadres if not r["deleted"]]
    for table in TABLES:
        rows = incoming.get(table, [])
        if table == "cadre_assignments":  # tombstones first: they free their targets
            rows = sorted(rows, key=lambda r: not r["deleted"])
        local = local_rows(conn, table, [r["id"] for r in rows])
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
                    plan_new_cadre(out, row, cadre_targets, replaced, apart, known, codes)
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
                again = replaced_by(row, fresh) or replaced_by(mine, live_here.values())
                judged = (
                    (row["id"] in decided and not again)
                    or row["id"] in settled_now
                    or version(row) in shown.get(row["id"], ())
                )
                if ended and version(mine) != version(row) and not judged:
                    ended_apart[target_of(row)] = (mine, row)
                elif ended and version(row) < version(mine):
                    out.updates.append((table, mine, version_stamps(row)))  # one tombstone, aligned
                continue  # never changed but by a tombstone: the tombstone wins
            if row["deleted"] and row["id"] not in held:
                out.updates.append((table, mine, {"deleted": 1, **version_stamps(row)}))
    plan_ended_there(out, cadres, live_here, ended_apart, known, codes)
    return out


def _plan_application(
    out: Plan,
    mine: dict[str, Any],
    row: dict[str, Any],
    versions: _Versions,
    known: Mapping[tuple[str, str, str], bool],
    codes: Mapping[str, str],
) -> None:
    rid, theirs, here, first = row["id"], version(row), version(mine), first_version(mine)
    if versions.descends(rid, here, theirs, first):
        return  # the package's version, or an older one
    carried = versions.incoming.get(rid, [])
    if versions.descends(rid, theirs, here, first):
        # Changed (or deleted) only in the package: taken, with its history.
        out.updates.append(("applications", mine, {**_changes(mine, row), **version_stamps(row)}))
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
            out.conflicts.append(describe("applications", who(row, codes), mine, row))
        return
    out.stored.append(Stored("applications", mine, row))
    out.history += carried  # facts of the package's side, kept for the decision
    out.conflicts.append(describe("applications", who(row, codes), mine, row))


def _changes(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """What taking ``theirs`` changes in an application: its content, and its deletion."""
    changes = {k: theirs[k] for k in CONTENT["applications"] if mine[k] != theirs[k]}
    if mine["deleted"] != theirs["deleted"]:
        changes["deleted"] = theirs["deleted"]
    return changes


def _unseen_support(
    conn: driver.Connection, rows: list[dict[str, Any]]
) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """This file's live support records of the package's households that the package does
    not carry (its laptop never had them), by household, kind and day: a new record of the
    package for the same ones was typed there without seeing this file's."""
    carried = {r["id"] for r in rows}
    cols = columns("support_records")
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for chunk, marks in chunks(sorted({r["household_id"] for r in rows if not r["deleted"]})):
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
        out.updates.append(("support_records", same, {"deleted": 1, **version_stamps(row)}))
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
        f"{who(theirs, codes)}: {kind} ngày {day_text(theirs['given_on'])} được ghi ở cả hai"
        f" máy, {how}; đã giữ cả hai: hãy xem lại và xoá lần ghi thừa ở phần hỗ trợ của hộ."
    )


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
        update_row(store, table, mine, changes, at)
    insert_rows(store, p.inserts, at)
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
        return describe(self.table, who, self.local, self.incoming)


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
            local = local_rows(conn, table, [record]).get(record)
        else:
            local = live_cadre(conn, theirs)
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
    (``settle_cadres``)."""
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
            decide_cadre(store, c, choice, at)
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
    update_row(
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
