"""Purges travel in packages (issue 20 item 4): the tombstones of households whose personal
data an officer purged (``db.purge``, m0013) go in ``commune.json`` under
``"purged_households"``, so that a laptop holding such a household purges it too when it
imports the package (``db.exchange.merge``).

A tombstone holds no personal data: the household's id, code and village, who purged it, when,
on which laptop, and why. Each one travels with its household's record (the bare, deleted
record every package carries for a purged household: ``export``), whose history tells the
receiver which of its own edits the purge never saw. Older readers pass over the key, as they
do the certificate numbers; no format version moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from db import driver
from db.exchange.errors import PackageError
from forms.validate import MAX_NAME, MAX_NOTE, MAX_SHORT, is_uuid, text_problem

KEY = "purged_households"
FIELDS = ("id", "code", "village", "purged_at", "purged_by", "purged_device", "reason")
_STAMP = 200


@dataclass(frozen=True)
class Carried:
    """A purge as a package carries it."""

    id: str
    code: str
    village: str
    purged_at: str
    purged_by: str
    purged_device: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS}


def all_ids(conn: driver.Connection) -> list[str]:
    """Every purged household of the file: each package carries them all, whatever its
    scope (a purge is the commune's, and its bare record holds nothing personal)."""
    return [r[0] for r in conn.execute("SELECT id FROM purged_households ORDER BY id")]


def exported(conn: driver.Connection, household_ids: Iterable[str]) -> list[dict[str, str]]:
    wanted = set(household_ids)
    return [
        Carried(*r).to_dict()
        for r in conn.execute(
            f"SELECT {', '.join(FIELDS)} FROM purged_households ORDER BY purged_at, code"
        )
        if r[0] in wanted
    ]


def parse(commune: Mapping[str, Any], deleted: Mapping[str, str]) -> list[Carried]:
    """The part checked whole (``PackageError`` otherwise): each tombstone names a deleted
    household record of the package (``deleted``: id → code) by its id and code, once."""
    raw = commune.get(KEY, [])
    if not isinstance(raw, list) or len(raw) > max(len(deleted), 0):
        raise PackageError("Danh sách hộ đã xoá hẳn dữ liệu trong gói bị hỏng.")
    out: list[Carried] = []
    seen: set[str] = set()
    limits = {"code": MAX_SHORT, "village": MAX_SHORT, "purged_by": MAX_NAME, "reason": MAX_NOTE}
    for item in raw:
        ok = (
            isinstance(item, dict)
            and set(item) == set(FIELDS)
            and all(
                isinstance(item[f], str) and not text_problem(item[f], limits.get(f, _STAMP))
                for f in FIELDS
            )
            and is_uuid(item["id"])
            and item["id"] not in seen
            and deleted.get(item["id"]) == item["code"]
        )
        if not ok:
            raise PackageError("Một hộ đã xoá hẳn dữ liệu trong gói không hợp lệ.")
        seen.add(item["id"])
        out.append(Carried(*(item[f] for f in FIELDS)))
    return out
