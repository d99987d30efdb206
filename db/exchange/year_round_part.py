"""The list all year round in packages (issue 24): applications, support records and cadre
assignments (m0010) travel in ``commune.json`` under ``"year_round"`` and merge by their
UUID, as households do, never overwriting silently.

- A record new here is added when its household is live here once the merge is written (a
  household left in conflict brings its records with a later package); a tombstone never
  seen here is not added.
- Support records and cadre assignments never change after they are written, only get a
  tombstone: a tombstone from either side wins (deleting is what someone did on purpose).
  Two different cadres for the same village or household, each assigned on its own laptop,
  are a conflict: this file's stays, the receipt names both.
- An application changes status (in review, decided, withdrawn): the package's version is
  taken when this file's is unchanged since it was written first, or was last written by
  the same laptop as the package's, earlier. Otherwise two laptops changed it: a conflict,
  this file's stays and the receipt says what each side holds. (Without a version history
  per record, one laptop's change sent and then changed on the other also shows as a
  conflict: shown, never a silent overwrite.)
- A record taken from a package keeps the package's ``updated_at``/``updated_device``, so the
  same package imported again finds every record the same and writes nothing.

Every write is audited under the record's table, in the merge's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from db import driver
from db.exchange.errors import PackageError
from forms import catalog
from forms.applications import STATUS_LABELS, ApplicationKind, ApplicationStatus
from forms.validate import MAX_NAME, MAX_NOTE, MAX_SHORT, is_uuid, support_problems, text_problem

KEY = "year_round"
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
    return out


_WHAT = {
    "applications": "giấy đề nghị",
    "support_records": "lần hỗ trợ",
    "cadre_assignments": "phân công cán bộ",
}


def _text_ok(value: Any, limit: int, *, empty: bool = True) -> bool:
    return isinstance(value, str) and (empty or bool(value)) and not text_problem(value, limit)


def _date_ok(value: Any) -> bool:
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


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
        if not _text_ok(row["cadre_name"], MAX_NAME, empty=False) or not _text_ok(
            row["cadre_role"], MAX_NAME
        ):
            return "tên, chức vụ cán bộ"
    if hid is not None and hid not in households:
        return "hộ không có trong gói"
    if table == "support_records":
        if not _date_ok(row["given_on"]):
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
        if not _date_ok(row["submitted_on"]):
            return "ngày nhận"
        if not _text_ok(row["submitted_by"], MAX_NAME, empty=False) or not _text_ok(
            row["request"], MAX_NOTE
        ):
            return "người nộp, lý do"
        if row["round_id"] is not None and row["round_id"] not in rounds:
            return "kỳ rà soát không có trong gói"
        if row["decision_id"] is not None and not _text_ok(row["decision_id"], _STAMP_TEXT):
            return "quyết định"
    return None


# --- merging -----------------------------------------------------------------------------
@dataclass
class Plan:
    inserts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # Vietnamese, for the receipt

    @property
    def empty(self) -> bool:
        return not self.inserts and not self.updates

    def count(self) -> int:
        return len(self.inserts) + len(self.updates)


def plan(
    conn: driver.Connection,
    incoming: Mapping[str, list[dict[str, Any]]],
    live: set[str],
    villages: set[str],
    codes: Mapping[str, str],
    round_map: Mapping[str, str],
    device: str,
) -> Plan:
    """What the merge writes. ``live``: the households live here once the merge's household
    steps are written, ``villages`` the villages then; ``codes``: household id → code."""
    out = Plan()
    local_rounds = {r for (r,) in conn.execute("SELECT id FROM rounds")} | set(round_map.values())
    decisions = {d for (d,) in conn.execute("SELECT id FROM decisions")}
    cadre_targets: dict[tuple[str, str], tuple[str, str]] = {}
    for rid, hid, village, name in conn.execute(
        "SELECT id, household_id, village, cadre_name FROM cadre_assignments WHERE deleted = 0"
    ):
        cadre_targets[("household_id", hid) if hid else ("village", village)] = (rid, name)
    for table in TABLES:
        cols = _columns(table)
        for row in incoming.get(table, []):
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
            found = conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?", (row["id"],)
            ).fetchone()
            mine = dict(zip(cols, found, strict=True)) if found else None
            who = f"Hộ {codes.get(hid, hid)}" if hid else f"Thôn {row['village']}"
            if mine is None:
                if row["deleted"]:
                    continue
                if table == "cadre_assignments":
                    target = ("household_id", hid) if hid else ("village", row["village"])
                    other = cadre_targets.get(target)
                    if other is not None:
                        out.conflicts.append(
                            f"{who}: cán bộ phụ trách đã được ghi ở cả hai máy (máy này: "
                            f"{other[1]}; trong gói: {row['cadre_name']}); giữ {other[1]}, "
                            "đổi lại ở trang của hộ hoặc Cán bộ phụ trách thôn nếu cần."
                        )
                        continue
                    cadre_targets[target] = (row["id"], row["cadre_name"])
                out.inserts.append((table, row))
                continue
            same = all(mine[k] == row[k] for k in (*CONTENT[table], "deleted"))
            if same or mine["deleted"]:
                continue  # nothing new, or deleted here: the tombstone wins
            if table != "applications":
                if row["deleted"]:
                    out.updates.append((table, mine, {"deleted": 1, **_stamps(row)}))
                continue
            if row["deleted"]:
                out.updates.append((table, mine, {"deleted": 1, **_stamps(row)}))
                continue
            if row["updated_device"] == device:
                continue  # this file's own version coming back
            untouched = (mine["updated_at"], mine["updated_device"]) == (
                mine["created_at"],
                mine["created_device"],
            )
            if mine["updated_device"] == row["updated_device"] and not untouched:
                if row["updated_at"] <= mine["updated_at"]:
                    continue  # the same laptop's version, or an older one
                untouched = True  # a later version from the laptop that wrote this one
            if untouched:
                changes = {k: row[k] for k in CONTENT[table] if mine[k] != row[k]}
                out.updates.append((table, mine, {**changes, **_stamps(row)}))
                continue
            out.conflicts.append(
                f"{who}: giấy đề nghị ngày {_vn_date(row['submitted_on'])} đã được sửa ở cả "
                f"hai máy (máy này: {_status(mine['status'])}; trong gói: "
                f"{_status(row['status'])}); giữ bản của máy này."
            )
    return out


def _stamps(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"updated_at": row["updated_at"], "updated_device": row["updated_device"]}


def _vn_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _status(value: str) -> str:
    return STATUS_LABELS[ApplicationStatus(value)]


def apply(store: Any, p: Plan, at: str) -> None:
    """Writes ``p`` in the caller's transaction, each row audited; the households concerned
    are indexed again for search (``db.search.year_round_words``)."""
    households: set[str] = set()
    villages: set[str] = set()
    for _table, row in p.inserts:
        _touched(row, households, villages)
    for _table, mine, _changes in p.updates:
        _touched(mine, households, villages)
    for table, row in p.inserts:
        cols = _columns(table)
        store.conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )
        new = {k: row[k] for k in CONTENT[table] if k != "household_id"}
        store._audit(table, row["id"], row["household_id"], "insert", None, new, at)
    for table, mine, changes in p.updates:
        sets = ", ".join(f"{k} = ?" for k in changes)
        store.conn.execute(
            f"UPDATE {table} SET {sets} WHERE id = ?", (*changes.values(), mine["id"])
        )
        shown = [k for k in changes if k not in ("updated_at", "updated_device")]
        action = "delete" if changes.get("deleted") else "update"
        store._audit(
            table,
            mine["id"],
            mine["household_id"],
            action,
            {k: mine[k] for k in shown},
            None if action == "delete" else {k: changes[k] for k in shown},
            at,
        )
    store.reindex(households)
    for village in sorted(villages):
        store.reindex(village=village)


def _touched(row: Mapping[str, Any], households: set[str], villages: set[str]) -> None:
    if row["household_id"] is not None:
        households.add(row["household_id"])
    elif row.get("village") is not None:
        villages.add(row["village"])
