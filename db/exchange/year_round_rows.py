"""The rows of the year-round part of a package (``db.exchange.year_round_part``): the
tables and columns that travel, a record's version, what a merge plans (``Plan``) and how
its rows are written, audited, and described to the officer. Shared by the merge's records
(``year_round_part``) and its cadres (``year_round_cadres``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from db import driver
from forms.applications import STATUS_LABELS, ApplicationStatus

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


def columns(table: str) -> tuple[str, ...]:
    return ("id", *CONTENT[table], *STAMPS)


def chunks(values: list[str], size: int = 900) -> Iterator[tuple[list[str], str]]:
    """(values, "?,?,…") by SQLite-sized chunks (at most 999 parameters in older builds)."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


# --- merging -----------------------------------------------------------------------------
Choice = Literal["keep_mine", "take_theirs"]


def version(row: Mapping[str, Any]) -> str:
    """A record's version as m0016 names it: when, and on which laptop, it was written."""
    return f"{row['updated_at']} {row['updated_device']}"


def first_version(row: Mapping[str, Any]) -> str:
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


def local_rows(conn: driver.Connection, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    cols = columns(table)
    return {
        r[0]: dict(zip(cols, r, strict=True))
        for chunk, marks in chunks(sorted(set(ids)))
        for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE id IN ({marks})", chunk)
    }


def target_of(row: Mapping[str, Any]) -> tuple[str, str]:
    hid = row["household_id"]
    return ("household_id", hid) if hid is not None else ("village", row["village"])


def who(row: Mapping[str, Any], codes: Mapping[str, str]) -> str:
    hid = row["household_id"]
    # A village by its name as the commune wrote it ("Thôn Đồng Tâm", "Bản Nà Hin").
    return f"Hộ {codes.get(hid, hid)}" if hid else str(row["village"])


def describe(
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
        f"{who}: giấy đề nghị ngày {day_text(theirs['submitted_on'])} đã được sửa ở cả hai "
        f"máy (máy này: {here}; trong gói: {_state(theirs)}); giữ {kept} cho đến khi cán "
        "bộ quyết định."
    )


def _state(row: Mapping[str, Any]) -> str:
    return "đã xoá" if row["deleted"] else _status(row["status"])


def version_stamps(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"updated_at": row["updated_at"], "updated_device": row["updated_device"]}


def day_text(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _status(value: str) -> str:
    return STATUS_LABELS[ApplicationStatus(value)]


def insert_rows(store: Any, rows: list[tuple[str, dict[str, Any]]], at: str) -> None:
    """The rows, one statement a table, and their audit rows appended to the chain at once
    (as ``Store.record_change`` writes each): a package's support records come by thousands."""
    from db import audit
    from db.store_stamps import dumps as _dumps

    by_table: dict[str, list[list[Any]]] = {}
    audited: list[audit.Row] = []
    for table, row in rows:
        by_table.setdefault(table, []).append([row[c] for c in columns(table)])
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
        cols = columns(table)
        store.conn.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            values,
        )
    audit.append(store.conn, audited)


def update_row(
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
